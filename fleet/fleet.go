// Package fleet plans many FTPS servers at once: a fleet answers file holds
// defaults and a list of servers (and client sites), each of which becomes
// a full wizard.Answers. Servers that share a public address (one NAT
// router, one address) get control ports and passive ranges that do not
// overlap, each range sized from that server's own concurrency by
// wizard.Decide. The result is a Plan: one wizard.Plan per server and per
// vsftpd build, the routers with the servers behind them, and one
// wizard.Plan per client site and server. Renderers (generators) turn it
// into files; nothing here writes any.
package fleet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ftpswiz/ftpswiz/internal/chars"
	"github.com/ftpswiz/ftpswiz/vsftpd"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// MaxServers bounds the servers (and the client sites) of one fleet file.
const MaxServers = 200

// Answers is a fleet answers file.
type Answers struct {
	// Version is the fleet file's schema version, the answers file's: 1.
	Version int `yaml:"version"`
	// Fleet names the fleet and its rollout.
	Fleet Settings `yaml:"fleet"`
	// Defaults are answers (any key of an answers file) every server and
	// client site starts from.
	Defaults yaml.Node `yaml:"defaults"`
	// Servers are the vsftpd hosts.
	Servers []Server `yaml:"servers"`
	// ClientSites are the client ends that connect to the servers.
	ClientSites []Site `yaml:"client_sites"`
}

// Settings are the fleet-wide settings.
type Settings struct {
	// Name names the fleet (the Ansible project's inventory group prefix).
	Name string `yaml:"name"`
	// Serial is how many servers the playbook changes at once. Default 1.
	Serial int `yaml:"serial"`
}

// Server is one vsftpd host of the fleet.
type Server struct {
	// Name is the host's inventory name (letters, digits, '-').
	Name string `yaml:"name"`
	// Router is the inventory name of the Linux NAT router in front of the
	// host (port-forward NAT); servers with one public address and a router
	// must name the same one.
	Router string `yaml:"router"`
	// AnsibleHost is the address Ansible connects to (default: the host's
	// own address, server.host_address).
	AnsibleHost string `yaml:"ansible_host"`
	// Answers override the defaults for this server (merged key by key;
	// lists replace).
	Answers yaml.Node `yaml:"answers"`
}

// Site is one client site: the client end of every server it names.
type Site struct {
	// Name is the site's inventory name (letters, digits, '-').
	Name string `yaml:"name"`
	// Servers are the names of the servers this site connects to (default
	// every server).
	Servers []string `yaml:"servers,flow"`
	// AnsibleHost is the address Ansible connects to (unset: the inventory
	// has none for the site; Ansible then uses its name).
	AnsibleHost string `yaml:"ansible_host"`
	// Answers override the defaults for this site's client end (merged key
	// by key; lists replace; a server: section is ignored, the server's
	// plan gives it).
	Answers yaml.Node `yaml:"answers"`
}

// nameFirst and nameRest spell the names of fleets, servers and routers
// (^[a-z][a-z0-9-]{0,62}$, checked byte by byte by validName).
var nameFirst, nameRest = chars.NewSet("a-z"), chars.NewSet("a-z0-9-")

func validName(s string) bool { return chars.Run(s, 1, 63, nameFirst, nameRest) }

// IsFleet reports whether data is a fleet answers file (it has a top-level
// servers: key), so `ftpswiz generate` can tell the two kinds apart.
func IsFleet(data []byte) bool {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil || len(doc.Content) == 0 {
		return false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "servers" {
			return true
		}
	}
	return false
}

// Decode reads a fleet answers file strictly (unknown keys are errors) and
// checks its own fields; each server's merged answers are checked by
// wizard.DecodeAnswers and wizard.Decide in Decide.
func Decode(data []byte) (*Answers, error) {
	if len(data) > wizard.MaxAnswersSize {
		return nil, fmt.Errorf("the fleet file is %d bytes, more than the %d ftpswiz reads", len(data), wizard.MaxAnswersSize)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var fa Answers
	if err := dec.Decode(&fa); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the fleet file is empty: it needs version: 1, a defaults section and a servers list")
		}
		return nil, fmt.Errorf("the fleet file is not valid: %w", err)
	}
	var errs []error
	// Each problem is a *wizard.FieldError named by its fleet-file field
	// ("servers[1].name"), as the fleet schema's tests read them.
	add := func(field, format string, args ...any) {
		errs = append(errs, &wizard.FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	if fa.Version != wizard.SchemaVersion {
		add("version", "is %d; this ftpswiz reads version %d: write version: %d", fa.Version, wizard.SchemaVersion, wizard.SchemaVersion)
	}
	if fa.Fleet.Name != "" && !validName(fa.Fleet.Name) {
		add("fleet.name", "%q is not a name: use lower-case letters, digits and '-', starting with a letter", clip(fa.Fleet.Name))
	}
	if fa.Fleet.Serial < 0 || fa.Fleet.Serial > MaxServers {
		add("fleet.serial", "%d is out of range: give 1 to %d (default 1)", fa.Fleet.Serial, MaxServers)
	}
	if fa.Defaults.Kind != 0 && fa.Defaults.Kind != yaml.MappingNode {
		add("defaults", "must be a section of answers keys (role:, ftps:, server:, ...)")
	}
	switch n := len(fa.Servers); {
	case n == 0:
		add("servers", "is empty: list at least one server (name: and answers:)")
	case n > MaxServers:
		add("servers", "lists %d servers, more than the %d one fleet file may hold: split the fleet", n, MaxServers)
	}
	if len(fa.ClientSites) > MaxServers {
		add("client_sites", "lists %d sites, more than %d", len(fa.ClientSites), MaxServers)
	}
	names := map[string]string{}
	checkName := func(field, name string) {
		switch {
		case !validName(name):
			add(field+".name", "%q is not an inventory name: use lower-case letters, digits and '-', starting with a letter (at most 63)", clip(name))
		case names[name] != "":
			add(field+".name", "%q is also the name of %s: every host of the fleet needs its own name", name, names[name])
		default:
			names[name] = field
		}
	}
	for i, s := range fa.Servers {
		field := fmt.Sprintf("servers[%d]", i)
		checkName(field, s.Name)
		if s.Answers.Kind != 0 && s.Answers.Kind != yaml.MappingNode {
			add(field+".answers", "must be a section of answers keys")
		}
		if s.AnsibleHost != "" && !wizard.IsHostname(s.AnsibleHost) && !isIP(s.AnsibleHost) {
			add(field+".ansible_host", "%q is neither an IP address nor a host name", clip(s.AnsibleHost))
		}
	}
	for i, s := range fa.Servers {
		if s.Router != "" && !validName(s.Router) {
			add(fmt.Sprintf("servers[%d].router", i), "%q is not an inventory name: use lower-case letters, digits and '-'", clip(s.Router))
		} else if s.Router != "" && names[s.Router] != "" {
			add(fmt.Sprintf("servers[%d].router", i), "%q is also the name of %s: a router needs its own name", s.Router, names[s.Router])
		}
	}
	for i, c := range fa.ClientSites {
		field := fmt.Sprintf("client_sites[%d]", i)
		checkName(field, c.Name)
		for _, sv := range c.Servers {
			if !slices.ContainsFunc(fa.Servers, func(s Server) bool { return s.Name == sv }) {
				add(field+".servers", "%q is not the name of a server of this fleet", clip(sv))
			}
		}
		if c.AnsibleHost != "" && !wizard.IsHostname(c.AnsibleHost) && !isIP(c.AnsibleHost) {
			add(field+".ansible_host", "%q is neither an IP address nor a host name", clip(c.AnsibleHost))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("the fleet file has problems:\n%w", errors.Join(errs...))
	}
	if fa.Fleet.Serial == 0 {
		fa.Fleet.Serial = 1
	}
	if fa.Fleet.Name == "" {
		fa.Fleet.Name = "ftpswiz"
	}
	return &fa, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// merge returns base with over's keys laid on top: mappings merge key by
// key, every other value (scalars, lists) replaces. Neither input changes.
func merge(base, over *yaml.Node) *yaml.Node {
	if over == nil || over.Kind == 0 {
		return clone(base)
	}
	if base == nil || base.Kind != yaml.MappingNode || over.Kind != yaml.MappingNode {
		return clone(over)
	}
	out := clone(base)
	for i := 0; i+1 < len(over.Content); i += 2 {
		k, v := over.Content[i], over.Content[i+1]
		found := false
		for j := 0; j+1 < len(out.Content); j += 2 {
			if out.Content[j].Value == k.Value {
				out.Content[j+1] = merge(out.Content[j+1], v)
				found = true
				break
			}
		}
		if !found {
			out.Content = append(out.Content, clone(k), clone(v))
		}
	}
	return out
}

func clone(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, x := range n.Content {
		c.Content[i] = clone(x)
	}
	return &c
}

// has reports whether the mapping n sets the dotted key path.
func has(n *yaml.Node, path string) bool {
	if n == nil || n.Kind == 0 {
		return false
	}
	cur := n
	for _, k := range strings.Split(path, ".") {
		if cur.Kind != yaml.MappingNode {
			return false
		}
		var next *yaml.Node
		for i := 0; i+1 < len(cur.Content); i += 2 {
			if cur.Content[i].Value == k {
				next = cur.Content[i+1]
			}
		}
		if next == nil {
			return false
		}
		cur = next
	}
	return true
}

// answersOf decodes a merged node as an answers file, so that every rule of
// wizard.DecodeAnswers (known keys, types, bounds) applies to it.
func answersOf(n *yaml.Node) (wizard.Answers, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(n); err != nil {
		return wizard.Answers{}, fmt.Errorf("encode merged answers: %w", err)
	}
	if err := enc.Close(); err != nil {
		return wizard.Answers{}, fmt.Errorf("encode merged answers: %w", err)
	}
	a, err := wizard.DecodeAnswers(b.Bytes())
	if err != nil {
		return a, err
	}
	return a, nil
}

// flavourFixed reports whether the answers name a vsftpd build (not auto).
func flavourFixed(a wizard.Answers) bool {
	return a.Server != nil && a.Server.Vsftpd.Flavour != "" && a.Server.Vsftpd.Flavour != vsftpd.FlavourAuto
}
