package fleet

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/ftpswiz/ftpswiz/vsftpd"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Plan is a decided fleet.
type Plan struct {
	Name   string
	Serial int
	// Servers in the fleet file's order.
	Servers []ServerPlan
	// Routers are the NAT routers ftpswiz writes rules for, each with the
	// servers behind it, in order of first appearance.
	Routers []RouterPlan
	// Sites are the client sites.
	Sites []SitePlan
}

// ServerPlan is one server of the fleet.
type ServerPlan struct {
	Name        string
	AnsibleHost string
	// Router is the inventory name of its router ("" when none).
	Router string
	// Answers are the server's merged answers, ports allocated.
	Answers wizard.Answers
	// Plan is the server's plan for its default build (the build its
	// answers name, or Debian 12's for auto).
	Plan *wizard.Plan
	// Builds are the plans for each vsftpd build the playbook may meet on
	// the target: every build for flavour auto (the playbook picks one from
	// the target's package facts), only the named one otherwise.
	Builds []BuildPlan
	// Allocated lists what the fleet allocated ("ftps.explicit_port: 2121").
	Allocated []string
}

// BuildPlan is a server's plan for one vsftpd build.
type BuildPlan struct {
	Flavour wizard.Flavour
	Plan    *wizard.Plan
}

// RouterPlan is one NAT router and the servers it forwards to.
type RouterPlan struct {
	Name          string
	PublicAddress string
	Router        wizard.Router
	Servers       []string
	// Plans are the servers' plans, in Servers order.
	Plans []*wizard.Plan
}

// SitePlan is one client site: a client plan per server it uses.
type SitePlan struct {
	Name        string
	AnsibleHost string
	Clients     []SiteClient
}

// SiteClient is a client site's plan for one server.
type SiteClient struct {
	Server string
	Plan   *wizard.Plan
}

// Server returns the server named name.
func (p *Plan) Server(name string) (*ServerPlan, bool) {
	for i := range p.Servers {
		if p.Servers[i].Name == name {
			return &p.Servers[i], true
		}
	}
	return nil, false
}

// alternate control ports, tried in order after the default one for the
// second, third ... server on one public address.
const (
	altExplicitBase = 2121
	altImplicitBase = 9990
)

// Decide merges each server's answers onto the defaults, allocates ports
// among servers that share a public address, and decides every plan.
func Decide(fa *Answers) (*Plan, error) {
	p := &Plan{Name: fa.Fleet.Name, Serial: fa.Fleet.Serial}
	type pending struct {
		s       Server
		a       wizard.Answers
		node    *yaml.Node
		explSet bool
		implSet bool
		pasvSet bool
	}
	var ps []pending
	for i, s := range fa.Servers {
		node := merge(&fa.Defaults, &s.Answers)
		ensureVersion(node)
		a, err := answersOf(node)
		if err != nil {
			return nil, fmt.Errorf("servers[%d] (%s): %w", i, s.Name, err)
		}
		if a.Protocol == wizard.ProtocolSFTP || a.Role != wizard.RoleServer || a.Server == nil {
			return nil, fmt.Errorf("servers[%d] (%s): role: a fleet server plans role server with protocol ftps and a server: section (client ends go into client_sites)", i, s.Name)
		}
		ps = append(ps, pending{s: s, a: a, node: node,
			explSet: has(&s.Answers, "ftps.explicit_port"), implSet: has(&s.Answers, "ftps.implicit_port"),
			pasvSet: has(&s.Answers, "server.passive_start")})
	}
	// Allocation, per public address, in the file's order.
	type used struct {
		r     wizard.PortRange
		owner string
		what  string
	}
	byAddr := map[string][]used{}
	overlap := func(addr string, r wizard.PortRange) (used, bool) {
		for _, u := range byAddr[addr] {
			if r.First <= u.r.Last && u.r.First <= r.Last {
				return u, true
			}
		}
		return used{}, false
	}
	for i := range ps {
		x := &ps[i]
		a := wizard.Normalize(x.a)
		addr := a.Server.PublicAddress
		first := len(byAddr[addr]) == 0
		var alloc []string
		pick := func(set bool, port *int, alt int, what string) error {
			if first || set {
				if u, bad := overlap(addr, wizard.Port(*port)); bad {
					return fmt.Errorf("servers[%d] (%s): %s %d overlaps %s of %s on the shared public address %s: choose another port, or leave it out and let the fleet allocate one",
						i, x.s.Name, what, *port, u.what, u.owner, addr)
				}
				return nil
			}
			for c := alt; c < 65536; c++ {
				if _, bad := overlap(addr, wizard.Port(c)); !bad && c != a.Server.SSHPort {
					*port = c
					alloc = append(alloc, fmt.Sprintf("%s: %d", what, c))
					return nil
				}
			}
			return fmt.Errorf("servers[%d] (%s): no free port for %s on %s", i, x.s.Name, what, addr)
		}
		if a.FTPS.Mode.Explicit() {
			if err := pick(x.explSet, &a.FTPS.ExplicitPort, altExplicitBase, "ftps.explicit_port"); err != nil {
				return nil, err
			}
		}
		if a.FTPS.Mode.Implicit() {
			if err := pick(x.implSet, &a.FTPS.ImplicitPort, altImplicitBase, "ftps.implicit_port"); err != nil {
				return nil, err
			}
		}
		if !first && !x.pasvSet {
			next := 0
			for _, u := range byAddr[addr] {
				if u.what == "server.passive range" && u.r.Last+1 > next {
					next = u.r.Last + 1
				}
			}
			if next > a.Server.PassiveStart {
				s := *a.Server
				s.PassiveStart = next
				a.Server = &s
				alloc = append(alloc, "server.passive_start: "+strconv.Itoa(next))
			}
		}
		dp, err := wizard.Decide(withBuild(a, defaultBuild(a)))
		if err != nil {
			return nil, fmt.Errorf("servers[%d] (%s): %w", i, x.s.Name, err)
		}
		pasv := dp.Server.Passive
		if u, bad := overlap(addr, pasv); bad {
			return nil, fmt.Errorf("servers[%d] (%s): passive range %s overlaps %s of %s on the shared public address %s: leave server.passive_start out and let the fleet allocate it, or move it",
				i, x.s.Name, pasv, u.what, u.owner, addr)
		}
		for _, port := range dp.Server.ControlPorts() {
			byAddr[addr] = append(byAddr[addr], used{r: wizard.Port(port), owner: x.s.Name, what: "control port " + strconv.Itoa(port)})
		}
		byAddr[addr] = append(byAddr[addr], used{r: pasv, owner: x.s.Name, what: "server.passive range"})
		sp := ServerPlan{Name: x.s.Name, AnsibleHost: x.s.AnsibleHost, Router: x.s.Router, Answers: a, Plan: dp, Allocated: alloc}
		if sp.AnsibleHost == "" {
			sp.AnsibleHost = a.Server.HostAddress
		}
		builds := vsftpd.Builds()
		if flavourFixed(a) {
			builds = []wizard.Flavour{a.Server.Vsftpd.Flavour}
		}
		for _, b := range builds {
			bp := dp
			if b != defaultBuild(a) {
				if bp, err = wizard.Decide(withBuild(a, b)); err != nil {
					return nil, fmt.Errorf("servers[%d] (%s), vsftpd build %s: %w", i, x.s.Name, b, err)
				}
			}
			sp.Builds = append(sp.Builds, BuildPlan{Flavour: b, Plan: bp})
		}
		p.Servers = append(p.Servers, sp)
	}
	if err := p.groupRouters(); err != nil {
		return nil, err
	}
	if err := p.decideSites(fa); err != nil {
		return nil, err
	}
	return p, nil
}

func ensureVersion(n *yaml.Node) {
	if n.Kind == 0 {
		*n = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	if has(n, "version") {
		return
	}
	n.Content = append([]*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "version"},
		{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(wizard.SchemaVersion)},
	}, n.Content...)
}

func defaultBuild(a wizard.Answers) wizard.Flavour {
	if flavourFixed(a) {
		return a.Server.Vsftpd.Flavour
	}
	return vsftpd.FlavourDebian
}

func withBuild(a wizard.Answers, f wizard.Flavour) wizard.Answers {
	s := *a.Server
	s.Vsftpd.Flavour = f
	a.Server = &s
	return a
}

// groupRouters collects the servers behind each named router; servers on
// one public address behind a managed router must share it.
func (p *Plan) groupRouters() error {
	byAddr := map[string]string{}
	for _, s := range p.Servers {
		sv := s.Plan.Server
		if s.Router == "" {
			if sv.Router != nil {
				return fmt.Errorf("server %s: its answers give server.router (a Linux NAT router ftpswiz writes rules for): name it in the fleet with router: NAME, so its inventory host gets the rules", s.Name)
			}
			continue
		}
		if sv.Router == nil {
			return fmt.Errorf("server %s: router: %s, but its answers have no server.router (wan_interface, lan_interface) and nat %s: give nat: port-forward and server.router", s.Name, s.Router, sv.NAT)
		}
		if prev, ok := byAddr[sv.PublicAddress]; ok && prev != s.Router {
			return fmt.Errorf("server %s: router %s, but %s on the same public address %s is behind router %s: one public address is one router", s.Name, s.Router, sv.PublicAddress, sv.PublicAddress, prev)
		}
		byAddr[sv.PublicAddress] = s.Router
		i := slices.IndexFunc(p.Routers, func(r RouterPlan) bool { return r.Name == s.Router })
		if i < 0 {
			p.Routers = append(p.Routers, RouterPlan{Name: s.Router, PublicAddress: sv.PublicAddress, Router: *sv.Router})
			i = len(p.Routers) - 1
		}
		r := &p.Routers[i]
		if r.Router != *sv.Router {
			return fmt.Errorf("server %s: server.router %+v differs from %+v of the other servers behind router %s: one router has one pair of interfaces", s.Name, *sv.Router, r.Router, r.Name)
		}
		if r.PublicAddress != sv.PublicAddress {
			return fmt.Errorf("server %s: public address %s, but router %s forwards from %s", s.Name, sv.PublicAddress, r.Name, r.PublicAddress)
		}
		r.Servers = append(r.Servers, s.Name)
		r.Plans = append(r.Plans, s.Plan)
	}
	return nil
}

// decideSites plans each client site's end of each server it uses.
func (p *Plan) decideSites(fa *Answers) error {
	for i, c := range fa.ClientSites {
		sp := SitePlan{Name: c.Name, AnsibleHost: c.AnsibleHost}
		names := c.Servers
		if len(names) == 0 {
			for _, s := range p.Servers {
				names = append(names, s.Name)
			}
		}
		for _, name := range names {
			srv, _ := p.Server(name)
			node := merge(&fa.Defaults, &c.Answers)
			ensureVersion(node)
			dropKey(node, "server")
			a, err := answersOf(node)
			if err != nil {
				return fmt.Errorf("client_sites[%d] (%s): %w", i, c.Name, err)
			}
			a.Role = wizard.RoleClient
			a.Server = nil
			sa := srv.Plan.Answers
			a.FTPS = sa.FTPS
			if a.Client == nil {
				a.Client = &wizard.Client{}
			}
			cl := *a.Client
			cl.ServerAddress = sa.Server.PublicAddress
			cl.PassivePorts = srv.Plan.Server.Passive.String()
			if len(sa.Server.Vsftpd.Users) > 0 && cl.User == "" {
				cl.User = sa.Server.Vsftpd.Users[0]
			}
			a.Client = &cl
			cp, err := wizard.Decide(a)
			if err != nil {
				return fmt.Errorf("client_sites[%d] (%s), for server %s: %w", i, c.Name, name, err)
			}
			sp.Clients = append(sp.Clients, SiteClient{Server: name, Plan: cp})
		}
		p.Sites = append(p.Sites, sp)
	}
	return nil
}

func dropKey(n *yaml.Node, key string) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			n.Content = append(n.Content[:i], n.Content[i+2:]...)
			return
		}
	}
}

func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}
