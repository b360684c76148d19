package generators

import (
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Enforcement: the generated rules, applied alone in throwaway namespaces,
// let through exactly the plan's flows. Every test builds its own small
// topology with veth pairs; addresses are the scenario's own (documentation
// ranges), used only inside these namespaces.

// fwApply applies a side's file of the given backend inside ns.
func fwApply(t *testing.T, ns *fwNS, backend string, dir string, files []File, side wizard.Side) {
	t.Helper()
	fwd := filepath.Join(dir, "firewall")
	switch backend {
	case "nft":
		ns.Must("nft", "-f", filepath.Join(dir, nftPath(side)))
	case "iptables":
		f := fwFile(t, files, iptablesPath(side))
		if out, err := ns.Sh(fwd, strings.Join(fwHeaderApply(t, string(f.Content)), "\n")); err != nil {
			t.Fatalf("iptables apply: %v\n%s", err, out)
		}
	case "ufw":
		// Twice: the second run must find every rule in place.
		script := filepath.Join(dir, ufwPath(side))
		if out, err := fwUFW(t, ns, script); err != nil {
			t.Fatalf("ufw script: %v\n%s", err, out)
		}
		before := ns.Must("iptables-save")
		out, err := fwUFW(t, ns, script)
		if err != nil {
			t.Fatalf("ufw script, second run: %v\n%s", err, out)
		}
		if strings.Contains(out, "Rule added") || fwNoComments(ns.Must("iptables-save")) != fwNoComments(before) {
			t.Errorf("ufw script: the second run changed the rules:\n%s", out)
		}
	default:
		t.Fatalf("unknown backend %s", backend)
	}
}

// fwUFW runs a ufw script inside ns with a private copy of ufw's
// configuration (/etc/ufw and /etc/default/ufw are bind-mounted over in a
// private mount namespace): the rules land in ns's netfilter only, the
// host's ufw configuration is never written. Each namespace gets its own
// copy, so a second run sees the first run's rules.
func fwUFW(t *testing.T, ns *fwNS, script string, args ...string) (string, error) {
	t.Helper()
	conf := filepath.Join(fwNSConfDir(t, ns), "ufw")
	cmd := "bash " + shQuote(script)
	for _, a := range args {
		cmd += " " + shQuote(a)
	}
	return ns.Run("unshare", "--mount", "--propagation", "private", "bash", "-c",
		"set -e; mount --bind "+shQuote(conf+"/etc-ufw")+" /etc/ufw; mount --bind "+shQuote(conf+"/default-ufw")+
			" /etc/default/ufw; "+cmd)
}

// fwNSConfDir returns the namespace's private copy of ufw's configuration,
// made on first use.
func fwNSConfDir(t *testing.T, ns *fwNS) string {
	t.Helper()
	if ns.conf != "" {
		return ns.conf
	}
	d := t.TempDir()
	for _, c := range [][]string{
		{"mkdir", "-p", d + "/ufw/etc-ufw"},
		{"cp", "-a", "/etc/ufw/.", d + "/ufw/etc-ufw/"},
		{"cp", "/etc/default/ufw", d + "/ufw/default-ufw"},
	} {
		if out, err := fwExec(c[0], c[1:]...); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	ns.conf = d
	return d
}

// fwNoComments drops the comment lines (timestamps) of an iptables-save dump.
func fwNoComments(save string) string {
	var keep []string
	for _, l := range strings.Split(save, "\n") {
		if !strings.HasPrefix(l, "#") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func fwAddr(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }

// fwArrived waits for a connection on l and returns "LOCAL from REMOTE".
func fwArrived(t *testing.T, l *fwListener) string {
	t.Helper()
	select {
	case s := <-l.got:
		return s
	case <-time.After(3 * time.Second):
		t.Errorf("listener %s: no connection arrived", l.ln.Addr())
		return ""
	}
}

// TestFirewallServerHostEnforced applies server-host rules (nft, iptables,
// ufw) to a lone server namespace: from a client namespace with addresses in
// and outside the allowed and admin networks, only the control port and the
// passive range are reachable from the allowed clients, SSH only from the
// admin network, and nothing else (port 8080, the port after the range).
func TestFirewallServerHostEnforced(t *testing.T) {
	t.Parallel()
	lab.Require(t, "ip", "nft", "iptables", "ufw", "unshare", "bash")
	p := fwPlan(t, "nat-none")
	s := p.Server
	if !slices.Equal(s.AllowedClients, []string{"203.0.113.0/24", "192.0.2.128/25"}) || s.AdminNetwork != "198.51.100.0/24" {
		t.Fatalf("nat-none.yaml changed: allowed %v, admin %s", s.AllowedClients, s.AdminNetwork)
	}
	const (
		clientA  = "203.0.113.7"  // allowed network 1
		clientB  = "192.0.2.200"  // allowed network 2
		outsider = "192.0.2.5"    // in neither
		admin    = "198.51.100.9" // admin network, not an allowed client
	)
	files := fwRender(t, p)
	dir := fwWrite(t, files)
	srvIP := s.PublicAddress
	ctrl, pasv, ssh := s.ControlPorts()[0], s.Passive, s.SSHPort
	for _, backend := range []string{"nft", "iptables", "ufw"} {
		t.Run(backend, func(t *testing.T) {
			srv, cli := fwNewNS(t, "srv"), fwNewNS(t, "cli")
			fwVeth(t, srv, "eth0", cli, "eth0")
			srv.Must("ip", "addr", "add", srvIP+"/24", "dev", "eth0")
			srv.Must("ip", "route", "add", "default", "dev", "eth0")
			for _, a := range []string{admin + "/24", clientA + "/24", clientB + "/24", outsider + "/24"} {
				cli.Must("ip", "addr", "add", a, "dev", "eth0")
			}
			ports := []int{ctrl, pasv.First, pasv.Last, pasv.Last + 1, ssh, 8080}
			for _, port := range ports {
				srv.Listen(fwAddr("0.0.0.0", port))
			}
			var before []fwProbe
			for _, port := range ports {
				before = append(before, fwProbe{outsider, fwAddr(srvIP, port), true})
			}
			fwCheckProbes(t, cli, before) // the lab works without a firewall

			fwApply(t, srv, backend, dir, files, wizard.SideServerHost)
			to := func(port int) string { return fwAddr(srvIP, port) }
			fwCheckProbes(t, cli, []fwProbe{
				{clientA, to(ctrl), true},
				{clientA, to(pasv.First), true},
				{clientA, to(pasv.Last), true},
				{clientA, to(pasv.Last + 1), false},
				{clientA, to(ssh), false},
				{clientA, to(8080), false},
				{clientB, to(ctrl), true},
				{clientB, to(pasv.First), true},
				{outsider, to(ctrl), false},
				{outsider, to(pasv.First), false},
				{outsider, to(ssh), false},
				{admin, to(ssh), true},
				{admin, to(ctrl), false},
				{admin, to(8080), false},
			})
			if ok, err := cli.Ping(clientA, srvIP, 2*time.Second); err != nil || !ok {
				t.Errorf("ping (echo request is an essential ICMP type): reply %v, error %v", ok, err)
			}
		})
	}
}

// TestFirewallServerRouterDNAT applies server-router rules to a router
// namespace between an "internet" namespace and the FTPS host: connections
// to the public address on the control port and the passive range land on
// the host with the same port; other ports and direct (not DNATed)
// connections to the host are dropped; the host's own connections go out
// (with the public address, for one-to-one NAT).
func TestFirewallServerRouterDNAT(t *testing.T) {
	t.Parallel()
	lab.Require(t, "ip", "nft", "iptables", "unshare", "bash", "sysctl")
	const client = "198.51.100.77"
	for _, name := range []string{"port-forward-classic", "one-to-one-router"} {
		p := fwPlan(t, name)
		s := p.Server
		files := fwRender(t, p)
		dir := fwWrite(t, files)
		for _, backend := range []string{"nft", "iptables"} {
			t.Run(name+"/"+backend, func(t *testing.T) {
				inet, rtr, host := fwNewNS(t, "inet"), fwNewNS(t, "rtr"), fwNewNS(t, "host")
				fwVeth(t, inet, "eth0", rtr, s.Router.WANInterface)
				fwVeth(t, rtr, s.Router.LANInterface, host, "eth0")
				gw := "10.20.0.1"
				if !strings.HasPrefix(s.HostAddress, "10.20.0.") {
					t.Fatalf("%s: host address %s is not in 10.20.0.0/24", name, s.HostAddress)
				}
				rtr.Must("ip", "addr", "add", s.PublicAddress+"/24", "dev", s.Router.WANInterface)
				rtr.Must("ip", "addr", "add", gw+"/24", "dev", s.Router.LANInterface)
				rtr.Must("sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
				host.Must("ip", "addr", "add", s.HostAddress+"/24", "dev", "eth0")
				host.Must("ip", "route", "add", "default", "via", gw)
				inet.Must("ip", "addr", "add", client+"/24", "dev", "eth0")
				inet.Must("ip", "route", "add", "10.20.0.0/24", "via", s.PublicAddress)

				ctrl, pasv := s.ControlPorts()[0], s.Passive
				lns := map[int]*fwListener{}
				for _, port := range []int{ctrl, pasv.First, pasv.Last, 8080} {
					lns[port] = host.Listen(fwAddr("0.0.0.0", port))
				}
				back := inet.Listen(fwAddr("0.0.0.0", 9000))
				fwCheckProbes(t, inet, []fwProbe{{client, fwAddr(s.HostAddress, 8080), true}}) // routing works
				<-lns[8080].got

				fwApply(t, rtr, backend, dir, files, wizard.SideServerRouter)
				pub := func(port int) string { return fwAddr(s.PublicAddress, port) }
				fwCheckProbes(t, inet, []fwProbe{
					{client, pub(ctrl), true},
					{client, pub(pasv.First), true},
					{client, pub(pasv.Last), true},
					{client, pub(8080), false},
					{client, fwAddr(s.HostAddress, 8080), false}, // not DNATed: the forward filter drops it
					{client, fwAddr(s.HostAddress, ctrl), false},
				})
				for _, port := range []int{ctrl, pasv.First, pasv.Last} {
					got := fwArrived(t, lns[port])
					want := fwAddr(s.HostAddress, port) + " from " + client + ":"
					if !strings.HasPrefix(got, want) {
						t.Errorf("DNAT of port %d: arrived as %q, want %q...", port, got, want)
					}
				}
				// The host's own outbound connection.
				fwCheckProbes(t, host, []fwProbe{{"", fwAddr(client, 9000), true}})
				src := s.HostAddress
				if s.NAT == wizard.NATOneToOne {
					src = s.PublicAddress
				}
				if got := fwArrived(t, back); !strings.Contains(got, " from "+src+":") {
					t.Errorf("host's outbound connection arrived as %q, want source %s", got, src)
				}
			})
		}
	}
}

// TestFirewallClientRouterEnforced applies client-router rules to a router
// between a LAN host and the FTPS server: the LAN reaches the server's
// control port and passive range, masqueraded; nothing else goes out and
// nothing new comes in.
func TestFirewallClientRouterEnforced(t *testing.T) {
	t.Parallel()
	lab.Require(t, "ip", "nft", "iptables", "unshare", "bash", "sysctl")
	p := fwPlan(t, "client-masquerade")
	c := p.Client
	files := fwRender(t, p)
	dir := fwWrite(t, files)
	const (
		lanIP = "192.168.7.10"
		lanGW = "192.168.7.1"
		wanIP = "198.51.100.1"
	)
	if c.LANCIDR != "192.168.7.0/24" {
		t.Fatalf("client-masquerade.yaml changed: lan %s", c.LANCIDR)
	}
	for _, backend := range []string{"nft", "iptables"} {
		t.Run(backend, func(t *testing.T) {
			lan, rtr, srv := fwNewNS(t, "lan"), fwNewNS(t, "rtr"), fwNewNS(t, "srv")
			fwVeth(t, lan, "eth0", rtr, c.Router.LANInterface)
			fwVeth(t, rtr, c.Router.WANInterface, srv, "eth0")
			lan.Must("ip", "addr", "add", lanIP+"/24", "dev", "eth0")
			lan.Must("ip", "route", "add", "default", "via", lanGW)
			rtr.Must("ip", "addr", "add", lanGW+"/24", "dev", c.Router.LANInterface)
			rtr.Must("ip", "addr", "add", wanIP+"/24", "dev", c.Router.WANInterface)
			rtr.Must("sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
			srv.Must("ip", "addr", "add", c.ServerAddress+"/24", "dev", "eth0")
			// Only for the inbound probe: without masquerade the server could not answer the LAN.
			srv.Must("ip", "route", "add", c.LANCIDR, "via", wanIP)

			ctrl, pasv := c.Endpoints[0].Port, c.Passive
			lns := map[int]*fwListener{}
			for _, port := range []int{ctrl, pasv.First, pasv.Last, pasv.Last + 1, 8080} {
				lns[port] = srv.Listen(fwAddr("0.0.0.0", port))
			}
			lan.Listen(fwAddr("0.0.0.0", 2000))
			fwCheckProbes(t, srv, []fwProbe{{"", fwAddr(lanIP, 2000), true}}) // routing works

			fwApply(t, rtr, backend, dir, files, wizard.SideClientRouter)
			to := func(port int) string { return fwAddr(c.ServerAddress, port) }
			fwCheckProbes(t, lan, []fwProbe{
				{"", to(ctrl), true},
				{"", to(pasv.First), true},
				{"", to(pasv.Last), true},
				{"", to(pasv.Last + 1), false},
				{"", to(8080), false},
			})
			if got := fwArrived(t, lns[ctrl]); !strings.Contains(got, " from "+wanIP+":") {
				t.Errorf("LAN connection arrived as %q, want it masqueraded to %s", got, wanIP)
			}
			fwCheckProbes(t, srv, []fwProbe{{"", fwAddr(lanIP, 2000), false}}) // nothing new inbound
			if ok, err := lan.Ping("", c.ServerAddress, 2*time.Second); err != nil || !ok {
				t.Errorf("ping from the LAN: reply %v, error %v", ok, err)
			}
		})
	}
}

// TestFirewallClientHostEnforced applies client-host rules (an egress
// filter) to a client namespace: it reaches the server's control port and
// passive range and nothing else; nothing new comes in.
func TestFirewallClientHostEnforced(t *testing.T) {
	t.Parallel()
	lab.Require(t, "ip", "nft", "iptables", "ufw", "unshare", "bash")
	p := fwPlan(t, "client-host")
	c := p.Client
	files := fwRender(t, p)
	dir := fwWrite(t, files)
	const cliIP, srvIP = "203.0.113.50", "203.0.113.60" // the scenario's server is a DNS name: any address
	for _, fl := range p.FlowsFor(wizard.SideClientHost) {
		if fl.To != "" {
			t.Fatalf("client-host.yaml changed: flow to %q, want any address", fl.To)
		}
	}
	for _, backend := range []string{"nft", "iptables", "ufw"} {
		t.Run(backend, func(t *testing.T) {
			cli, srv := fwNewNS(t, "cli"), fwNewNS(t, "srv")
			fwVeth(t, cli, "eth0", srv, "eth0")
			cli.Must("ip", "addr", "add", cliIP+"/24", "dev", "eth0")
			srv.Must("ip", "addr", "add", srvIP+"/24", "dev", "eth0")
			ctrl, pasv := c.Endpoints[0].Port, c.Passive
			for _, port := range []int{ctrl, pasv.First, pasv.Last, pasv.Last + 1, 8080} {
				srv.Listen(fwAddr("0.0.0.0", port))
			}
			cli.Listen(fwAddr("0.0.0.0", 2000))
			fwApply(t, cli, backend, dir, files, wizard.SideClientHost)
			to := func(port int) string { return fwAddr(srvIP, port) }
			fwCheckProbes(t, cli, []fwProbe{
				{"", to(ctrl), true},
				{"", to(pasv.First), true},
				{"", to(pasv.Last), true},
				{"", to(pasv.Last + 1), false},
				{"", to(8080), false},
			})
			fwCheckProbes(t, srv, []fwProbe{{"", fwAddr(cliIP, 2000), false}})
			if backend != "ufw" { // ufw's default deny outgoing blocks ping too
				if ok, err := cli.Ping("", srvIP, 2*time.Second); err != nil || !ok {
					t.Errorf("ping: reply %v, error %v", ok, err)
				}
			}
		})
	}
}
