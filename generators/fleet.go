package generators

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ftpswiz/ftpswiz/fleet"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// A fleet's outputs: each server's usual outputs in servers/NAME/ (its own
// server-router files left out: the router's ruleset carries every server
// behind it), the server-side files of each vsftpd build the playbook may
// meet in servers/NAME/builds/FLAVOUR/, one ruleset per router in
// routers/NAME/, each client site's configs per server in sites/NAME/SERVER/
// with one firewall ruleset per site box in sites/NAME/firewall/, the Ansible
// project in ansible/ and the fleet's REPORT.md.

// Fleet output directories.
const (
	fleetServersDir = "servers"
	fleetRoutersDir = "routers"
	fleetSitesDir   = "sites"
	fleetAnsibleDir = "ansible"
)

// RenderFleet renders every output of a fleet plan, sorted by path.
func RenderFleet(fp *fleet.Plan) ([]File, error) {
	var out []File
	seen := map[string]bool{}
	add := func(prefix string, files []File) error {
		for _, f := range files {
			f.Path = path.Join(prefix, f.Path)
			if seen[f.Path] {
				return fmt.Errorf("fleet: two outputs write %s", f.Path)
			}
			seen[f.Path] = true
			out = append(out, f)
		}
		return nil
	}
	view := fleetView{Plan: fp}
	for _, s := range fp.Servers {
		// The router's own ruleset carries every server behind it: a
		// server's own server-router file would replace the others' rules.
		renderers := Registry()
		if s.Router != "" {
			renderers = withoutSide(renderers, wizard.SideServerRouter)
		}
		keep, err := RenderWith(renderers, s.Plan)
		if err != nil {
			return nil, fmt.Errorf("server %s: %w", s.Name, err)
		}
		if err := add(path.Join(fleetServersDir, s.Name), keep); err != nil {
			return nil, err
		}
		for _, b := range s.Builds {
			bf, err := Render(b.Plan)
			if err != nil {
				return nil, fmt.Errorf("server %s, vsftpd build %s: %w", s.Name, b.Flavour, err)
			}
			if err := add(path.Join(fleetServersDir, s.Name, "builds", string(b.Flavour)), serverFiles(bf)); err != nil {
				return nil, err
			}
			view.builds = append(view.builds, builtFiles{server: s.Name, flavour: b.Flavour, files: serverFiles(bf)})
		}
		view.servers = append(view.servers, renderedServer{name: s.Name, files: keep})
	}
	for _, r := range fp.Routers {
		files, err := RenderMergedSides(r.Plans, []wizard.Side{wizard.SideServerRouter})
		if err != nil {
			return nil, fmt.Errorf("router %s: %w", r.Name, err)
		}
		if err := add(path.Join(fleetRoutersDir, r.Name), files); err != nil {
			return nil, err
		}
		view.routers = append(view.routers, renderedServer{name: r.Name, files: files})
	}
	for _, st := range fp.Sites {
		var plans []*wizard.Plan
		for _, c := range st.Clients {
			files, err := Render(c.Plan)
			if err != nil {
				return nil, fmt.Errorf("client site %s, server %s: %w", st.Name, c.Server, err)
			}
			var keep []File
			for _, f := range files {
				if strings.HasPrefix(f.Path, "client/") {
					keep = append(keep, f)
				}
			}
			if err := add(path.Join(fleetSitesDir, st.Name, c.Server), keep); err != nil {
				return nil, err
			}
			view.siteClients = append(view.siteClients, renderedSiteClient{site: st.Name, server: c.Server, files: keep})
			plans = append(plans, c.Plan)
		}
		fw, err := RenderMergedSides(plans, []wizard.Side{wizard.SideClientRouter, wizard.SideClientHost})
		if err != nil {
			return nil, fmt.Errorf("client site %s: %w", st.Name, err)
		}
		if err := add(path.Join(fleetSitesDir, st.Name), fw); err != nil {
			return nil, err
		}
		view.sites = append(view.sites, renderedServer{name: st.Name, files: fw})
	}
	ans, err := renderAnsible(&view)
	if err != nil {
		return nil, fmt.Errorf("ansible project: %w", err)
	}
	if err := add(fleetAnsibleDir, ans); err != nil {
		return nil, err
	}
	rep, err := renderFleetReport(&view)
	if err != nil {
		return nil, fmt.Errorf("fleet REPORT.md: %w", err)
	}
	if err := add("", []File{rep}); err != nil {
		return nil, err
	}
	sortFiles(out)
	return out, nil
}

// withoutSide wraps renderers so that they drop the files of one side (and
// REPORT.md, which lists the others' files, does not mention them).
func withoutSide(rs []Renderer, side wizard.Side) []Renderer {
	out := make([]Renderer, 0, len(rs))
	for _, r := range rs {
		if render := r.Render; render != nil {
			r.Render = func(p *wizard.Plan) ([]File, error) {
				files, err := render(p)
				return slices.DeleteFunc(files, func(f File) bool { return f.Desc.Side == side }), err
			}
		}
		out = append(out, r)
	}
	return out
}

// serverFiles are the files of a rendered plan that go on the vsftpd host
// and depend on its build: everything under server/.
func serverFiles(files []File) []File {
	var out []File
	for _, f := range files {
		if strings.HasPrefix(f.Path, "server/") {
			out = append(out, f)
		}
	}
	return out
}

// RenderMergedSides renders the firewall files of the given sides for one
// box that several plans share (a router in front of several servers, a
// client site that uses several servers): the plans' flows of those sides
// are put into one plan, so each backend writes one ruleset that carries
// them all (a second file would replace the first one's tables). The plans
// must agree on the box: the same router interfaces and firewall backends.
func RenderMergedSides(plans []*wizard.Plan, sides []wizard.Side) ([]File, error) {
	if len(plans) == 0 {
		return nil, nil
	}
	merged := *plans[0]
	merged.Flows = nil
	for i, p := range plans {
		if !slices.Equal(p.Firewalls, plans[0].Firewalls) {
			return nil, fmt.Errorf("plan %d writes firewalls %v, the first %v: one box has one set of firewall backends", i+1, p.Firewalls, plans[0].Firewalls)
		}
		for _, side := range sides {
			if r, r0 := routerOf(p, side), routerOf(plans[0], side); (r == nil) != (r0 == nil) || (r != nil && *r != *r0) {
				return nil, fmt.Errorf("plan %d names router %v for the %s, the first %v: one box has one pair of interfaces", i+1, r, side, r0)
			}
			for _, f := range p.FlowsFor(side) {
				if !slices.ContainsFunc(merged.Flows, func(g wizard.Flow) bool { return sameFlow(f, g) }) {
					merged.Flows = append(merged.Flows, f)
				}
			}
		}
	}
	if err := overlappingForwards(merged.Flows); err != nil {
		return nil, err
	}
	// The Linux rulesets, and the files of the router kinds that are not
	// Linux boxes (a MikroTik, a FortiGate, ...): each renderer writes only
	// for the kind of router the plans name.
	mergeable := []string{string(wizard.FirewallNftables), string(wizard.FirewallIptables)}
	for _, b := range fwRouterRows() {
		mergeable = append(mergeable, string(b.Kind))
	}
	var fw []Renderer
	for _, r := range firewallRenderers() {
		if slices.Contains(mergeable, r.Name) {
			fw = append(fw, r)
		}
	}
	files, err := RenderWith(fw, &merged)
	if err != nil {
		return nil, err
	}
	return files, nil
}

func routerOf(p *wizard.Plan, side wizard.Side) *wizard.Router {
	switch {
	case side == wizard.SideServerRouter && p.Server != nil:
		return p.Server.Router
	case side == wizard.SideClientRouter && p.Client != nil:
		return p.Client.Router
	}
	return nil
}

func sameFlow(a, b wizard.Flow) bool {
	return a.Side == b.Side && a.Direction == b.Direction && a.Purpose == b.Purpose && a.Ports == b.Ports &&
		a.SourcePorts == b.SourcePorts && slices.Equal(a.From, b.From) && a.To == b.To && a.DNATTo == b.DNATTo
}

// overlappingForwards refuses two port forwards of one router whose ports
// overlap but go to different hosts: the first rule would win.
func overlappingForwards(flows []wizard.Flow) error {
	for i, a := range flows {
		for _, b := range flows[i+1:] {
			if a.DNATTo == "" || b.DNATTo == "" || a.DNATTo == b.DNATTo || a.To != b.To {
				continue
			}
			if a.Ports.First <= b.Ports.Last && b.Ports.First <= a.Ports.Last {
				return fmt.Errorf("ports %s forwarded to %s overlap ports %s forwarded to %s on one router: give the servers distinct ports (a fleet allocates them)",
					a.Ports, a.DNATTo, b.Ports, b.DNATTo)
			}
		}
	}
	return nil
}

// fleetView is what the Ansible project and the fleet report are made of.
type fleetView struct {
	Plan        *fleet.Plan
	servers     []renderedServer
	builds      []builtFiles
	routers     []renderedServer
	sites       []renderedServer
	siteClients []renderedSiteClient
}

type renderedServer struct {
	name  string
	files []File
}

type builtFiles struct {
	server  string
	flavour wizard.Flavour
	files   []File
}

type renderedSiteClient struct {
	site, server string
	files        []File
}
