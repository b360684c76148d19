package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ftpswiz/ftpswiz/fleet"
	"github.com/ftpswiz/ftpswiz/generators"
	"github.com/ftpswiz/ftpswiz/schema"
)

// runGenerateFleet is `ftpswiz generate` for a fleet answers file: every
// plan is decided before anything is rendered, every file rendered before
// anything is written, and the files go through the one write path.
func runGenerateFleet(cmd *cobra.Command, opts *generateOptions, af answersFile) error {
	ro := opts.root
	fa, err := fleet.Decode(af.Data)
	if err != nil {
		return withCode(codeUsage, fmt.Errorf("%s: %w", af.Name, err))
	}
	fp, err := fleet.Decide(fa)
	if err != nil {
		return withCode(codeUsage, fmt.Errorf("%s: %w", af.Name, err))
	}
	files, err := generators.RenderFleet(fp)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	// The fleet file itself, so that the output regenerates as it is.
	files = append(files, generators.File{Path: "fleet.yaml", Mode: 0o644, Content: withFleetModeline(af.Data),
		Desc: generators.Desc{What: "the fleet answers these outputs were generated from"}})
	if err := cmd.Context().Err(); err != nil {
		return withCode(codeInterrupted, fmt.Errorf("interrupted, nothing written: %w", err))
	}
	if err := emitFiles(opts, planned{fleet: fp}, files); err != nil {
		return err
	}
	if !opts.Stdout && !opts.Diff {
		fmt.Fprintf(ro.ErrOut, "Then run the playbook: cd %s && ansible-playbook site.yml --check --diff\n", filepath.Join(opts.OutDir, "ansible"))
	}
	return nil
}

// withFleetModeline returns the fleet file with the fleet schema's modeline
// as its first line (after a byte-order mark), so editors check the copy
// generate writes, as they do answers.yaml; a file that names a schema of
// its own is left as it is. The rest is the file byte for byte.
func withFleetModeline(data []byte) []byte {
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, schema.ModelinePrefix) {
			return data
		}
	}
	bom := []byte("\xef\xbb\xbf")
	rest, hadBOM := bytes.CutPrefix(data, bom)
	var b bytes.Buffer
	if hadBOM {
		b.Write(bom)
	}
	b.WriteString(schema.FleetModeline + "\n")
	b.Write(rest)
	return b.Bytes()
}

// fleetJSON is a fleet's plans in `generate --json`: the decisions of every
// server (for its default vsftpd build) and of every client site's end of
// each server it uses, grouped per server, router and site.
type fleetJSON struct {
	Name   string `json:"name"`
	Serial int    `json:"serial"`
	// Servers in the fleet file's order.
	Servers []fleetServerJSON `json:"servers"`
	// Routers are the NAT routers ftpswiz writes one ruleset for, with the
	// servers behind each.
	Routers     []fleetRouterJSON `json:"routers"`
	ClientSites []fleetSiteJSON   `json:"client_sites"`
}

type fleetServerJSON struct {
	Name        string `json:"name"`
	AnsibleHost string `json:"ansible_host,omitempty"`
	Router      string `json:"router,omitempty"`
	// Flavour is the vsftpd build the decisions are for; Builds every build
	// the playbook may meet on the target (one unless the flavour is auto).
	Flavour string   `json:"flavour"`
	Builds  []string `json:"builds"`
	// ControlPorts and Passive are the ports the server listens on.
	ControlPorts []int  `json:"control_ports"`
	Passive      string `json:"passive"`
	// Allocated are the answers the fleet chose for this server (it shares
	// a public address with an earlier one).
	Allocated []fleetAllocJSON `json:"allocated"`
	Decisions []jsonDecision   `json:"decisions"`
}

type fleetAllocJSON struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type fleetRouterJSON struct {
	Name          string   `json:"name"`
	PublicAddress string   `json:"public_address"`
	Servers       []string `json:"servers"`
}

type fleetSiteJSON struct {
	Name        string            `json:"name"`
	AnsibleHost string            `json:"ansible_host,omitempty"`
	Clients     []fleetClientJSON `json:"clients"`
}

// fleetClientJSON is a client site's end of one server.
type fleetClientJSON struct {
	Server    string         `json:"server"`
	Decisions []jsonDecision `json:"decisions"`
}

func fleetJSONOf(fp *fleet.Plan) *fleetJSON {
	out := &fleetJSON{Name: fp.Name, Serial: fp.Serial, Servers: []fleetServerJSON{},
		Routers: []fleetRouterJSON{}, ClientSites: []fleetSiteJSON{}}
	for _, s := range fp.Servers {
		sj := fleetServerJSON{Name: s.Name, AnsibleHost: s.AnsibleHost, Router: s.Router,
			Flavour: string(s.Plan.Server.Flavour), Builds: []string{},
			ControlPorts: s.Plan.Server.ControlPorts(), Passive: s.Plan.Server.Passive.String(),
			Allocated: []fleetAllocJSON{}, Decisions: jsonDecisions(s.Plan)}
		for _, b := range s.Builds {
			sj.Builds = append(sj.Builds, string(b.Flavour))
		}
		for _, a := range s.Allocated {
			k, v, _ := strings.Cut(a, ": ")
			sj.Allocated = append(sj.Allocated, fleetAllocJSON{Key: k, Value: v})
		}
		out.Servers = append(out.Servers, sj)
	}
	for _, r := range fp.Routers {
		out.Routers = append(out.Routers, fleetRouterJSON{Name: r.Name, PublicAddress: r.PublicAddress,
			Servers: append([]string{}, r.Servers...)})
	}
	for _, site := range fp.Sites {
		sj := fleetSiteJSON{Name: site.Name, AnsibleHost: site.AnsibleHost, Clients: []fleetClientJSON{}}
		for _, c := range site.Clients {
			sj.Clients = append(sj.Clients, fleetClientJSON{Server: c.Server, Decisions: jsonDecisions(c.Plan)})
		}
		out.ClientSites = append(out.ClientSites, sj)
	}
	return out
}
