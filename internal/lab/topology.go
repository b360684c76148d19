package lab

import (
	"testing"
	"time"
)

// Addresses of the four-namespace topology built by New. The two routers'
// wan0 interfaces form the "fake internet" between the documentation ranges
// 198.51.100.0/24 (server side) and 192.0.2.0/24 (client side).
const (
	SrvAddr       = "10.20.0.2"     // server host, eth0
	SrvRouterLAN  = "10.20.0.1"     // server router, lan0
	SrvPublicAddr = "198.51.100.10" // server router, wan0: the address clients dial
	CliPublicAddr = "192.0.2.20"    // client router, wan0: what the server sees (masquerade)
	CliRouterLAN  = "192.168.50.1"  // client router, lan0
	CliAddr       = "192.168.50.2"  // client host, eth0

	SrvLAN = "10.20.0.0/24"
	CliLAN = "192.168.50.0/24"

	// Interface names inside the namespaces (fixed, so that generated
	// firewall rules can name them).
	HostIf = "eth0" // srv and cli
	WANIf  = "wan0" // srvrt and clirt, towards each other
	LANIf  = "lan0" // srvrt and clirt, towards their host
)

// Lab is the four-namespace topology:
//
//	srv (10.20.0.2/24 eth0) — (lan0 10.20.0.1/24) srvrt (wan0 198.51.100.10/24)
//	  — (wan0 192.0.2.20/24) clirt (lan0 192.168.50.1/24) — (eth0 192.168.50.2/24) cli
//
// Both routers forward (ip_forward=1) but have no firewall or NAT rules:
// tests load those. Hosts have a default route via their router; each router
// has an on-link route to the other side's public /24 over wan0.
type Lab struct {
	Srv       *Namespace // server host
	SrvRouter *Namespace // server-side NAT router
	CliRouter *Namespace // client-side NAT router
	Cli       *Namespace // client host

	// Dir is TempDir(t): a 0755 per-test directory removed at cleanup.
	Dir string
}

// New builds the four-namespace topology. Everything (processes by PID and
// process group, users, namespaces, files) is removed by t.Cleanup, which
// also runs after t.Fatal and panics. Nothing is configured in the root
// namespace: veth pairs are created directly inside their namespaces.
func New(t testing.TB) *Lab {
	t.Helper()
	Require(t, "ip")
	r := reg(t)
	l := &Lab{Dir: TempDir(t)}
	l.Srv = newNamespace(t, r, "srv")
	l.SrvRouter = newNamespace(t, r, "srvrt")
	l.CliRouter = newNamespace(t, r, "clirt")
	l.Cli = newNamespace(t, r, "cli")

	link := func(a *Namespace, aIf string, b *Namespace, bIf string) {
		t.Helper()
		// Created with both ends already in their namespaces: nothing
		// ever appears in the root namespace.
		if out, err := rootCmd(10*time.Second, "", "ip", "link", "add", aIf, "netns", a.Name, "type", "veth",
			"peer", "name", bIf, "netns", b.Name); err != nil {
			t.Fatalf("lab: veth %s/%s <-> %s/%s: %v: %s", a.Role, aIf, b.Role, bIf, err, out)
		}
	}
	link(l.Srv, HostIf, l.SrvRouter, LANIf)
	link(l.SrvRouter, WANIf, l.CliRouter, WANIf)
	link(l.CliRouter, LANIf, l.Cli, HostIf)

	cfg := func(ns *Namespace, cmds ...[]string) {
		t.Helper()
		for _, c := range cmds {
			ns.MustRun("ip", c...)
		}
	}
	cfg(l.Srv,
		[]string{"addr", "add", SrvAddr + "/24", "dev", HostIf},
		[]string{"link", "set", HostIf, "up"},
		[]string{"route", "add", "default", "via", SrvRouterLAN})
	cfg(l.SrvRouter,
		[]string{"addr", "add", SrvRouterLAN + "/24", "dev", LANIf},
		[]string{"addr", "add", SrvPublicAddr + "/24", "dev", WANIf},
		[]string{"link", "set", LANIf, "up"},
		[]string{"link", "set", WANIf, "up"},
		[]string{"route", "add", "192.0.2.0/24", "dev", WANIf})
	cfg(l.CliRouter,
		[]string{"addr", "add", CliPublicAddr + "/24", "dev", WANIf},
		[]string{"addr", "add", CliRouterLAN + "/24", "dev", LANIf},
		[]string{"link", "set", WANIf, "up"},
		[]string{"link", "set", LANIf, "up"},
		[]string{"route", "add", "198.51.100.0/24", "dev", WANIf})
	cfg(l.Cli,
		[]string{"addr", "add", CliAddr + "/24", "dev", HostIf},
		[]string{"link", "set", HostIf, "up"},
		[]string{"route", "add", "default", "via", CliRouterLAN})
	l.SrvRouter.Sysctl("net.ipv4.ip_forward", "1")
	l.CliRouter.Sysctl("net.ipv4.ip_forward", "1")
	return l
}

// For returns a copy of the lab whose namespaces report failures on t (for
// example a subtest); see Namespace.For.
func (l *Lab) For(t testing.TB) *Lab {
	c := *l
	c.Srv, c.SrvRouter, c.CliRouter, c.Cli = l.Srv.For(t), l.SrvRouter.For(t), l.CliRouter.For(t), l.Cli.For(t)
	return &c
}

// Namespaces returns srv, srvrt, clirt, cli.
func (l *Lab) Namespaces() []*Namespace {
	return []*Namespace{l.Srv, l.SrvRouter, l.CliRouter, l.Cli}
}

// RouterNAT loads the simplest working NAT for the lab: masquerade on clirt's
// wan0, and on srvrt a DNAT of the given TCP ports/ranges ("21",
// "50000-50031") arriving on wan0 to the server host, with no filtering.
func (l *Lab) RouterNAT(ports ...string) {
	l.CliRouter.t.Helper()
	l.CliRouter.MustNFT(MasqueradeRuleset)
	l.SrvRouter.MustNFT(DNATRuleset(ports...))
}

// MasqueradeRuleset is an nftables ruleset for clirt that masquerades
// everything leaving wan0.
const MasqueradeRuleset = `table ip labnat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" masquerade
	}
}
`

// DNATRuleset returns an nftables ruleset for srvrt that DNATs the TCP ports
// (single ports or "a-b" ranges) arriving on wan0 to SrvAddr, ports unchanged.
func DNATRuleset(ports ...string) string {
	set := ""
	for i, p := range ports {
		if i > 0 {
			set += ", "
		}
		set += p
	}
	return `table ip labnat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan0" tcp dport { ` + set + ` } dnat to ` + SrvAddr + `
	}
}
`
}

// IPv6 addresses EnableIPv6 gives the topology (documentation prefix
// 2001:db8::/32, inside the namespaces only). IPv6 is routed end to end
// without NAT: the server host's own address is what clients dial.
const (
	SrvAddr6      = "2001:db8:20::2" // server host, eth0
	SrvRouterLAN6 = "2001:db8:20::1" // server router, lan0
	SrvRouterWAN6 = "2001:db8:ff::1" // server router, wan0
	CliRouterWAN6 = "2001:db8:ff::2" // client router, wan0
	CliRouterLAN6 = "2001:db8:50::1" // client router, lan0
	CliAddr6      = "2001:db8:50::2" // client host, eth0

	SrvLAN6 = "2001:db8:20::/64"
	CliLAN6 = "2001:db8:50::/64"
)

// EnableIPv6 adds the IPv6 addresses above to every link (nodad: usable at
// once, so a test need not wait out duplicate address detection), default
// routes on the hosts, routes between the routers, and IPv6 forwarding on
// both routers. No NAT and no filter is loaded for IPv6: tests load rules.
func (l *Lab) EnableIPv6() {
	l.Srv.t.Helper()
	for _, ns := range l.Namespaces() {
		ns.Sysctl("net.ipv6.conf.all.disable_ipv6", "0")
		ns.Sysctl("net.ipv6.conf.default.disable_ipv6", "0")
	}
	add := func(ns *Namespace, addr, dev string) {
		ns.MustRun("ip", "-6", "addr", "add", addr, "dev", dev, "nodad")
	}
	add(l.Srv, SrvAddr6+"/64", HostIf)
	add(l.SrvRouter, SrvRouterLAN6+"/64", LANIf)
	add(l.SrvRouter, SrvRouterWAN6+"/64", WANIf)
	add(l.CliRouter, CliRouterWAN6+"/64", WANIf)
	add(l.CliRouter, CliRouterLAN6+"/64", LANIf)
	add(l.Cli, CliAddr6+"/64", HostIf)
	l.Srv.MustRun("ip", "-6", "route", "add", "default", "via", SrvRouterLAN6)
	l.Cli.MustRun("ip", "-6", "route", "add", "default", "via", CliRouterLAN6)
	l.SrvRouter.MustRun("ip", "-6", "route", "add", CliLAN6, "via", CliRouterWAN6)
	l.CliRouter.MustRun("ip", "-6", "route", "add", SrvLAN6, "via", SrvRouterWAN6)
	l.SrvRouter.Sysctl("net.ipv6.conf.all.forwarding", "1")
	l.CliRouter.Sysctl("net.ipv6.conf.all.forwarding", "1")
}

// DebianNftables is Debian 12's default /etc/nftables.conf (package
// nftables): the table inet filter with empty input, forward and output
// base chains, which a shared box's nftables file adds to (issue 10). It
// starts with flush ruleset: load it only into a lab namespace.
const DebianNftables = `flush ruleset

table inet filter {
	chain input {
		type filter hook input priority filter;
	}
	chain forward {
		type filter hook forward priority filter;
	}
	chain output {
		type filter hook output priority filter;
	}
}
`

// EgressFilterNftables is a client host's firewall of its own, in
// Debian's layout: only web and DNS may go out, only SSH may come in. The
// shared-box tests load it before the generated rules join it. It starts
// with flush ruleset: load it only into a lab namespace.
const EgressFilterNftables = `flush ruleset
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iif "lo" accept
		tcp dport 22 accept
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
	}
	chain output {
		type filter hook output priority filter; policy drop;
		ct state established,related accept
		oif "lo" accept
		tcp dport { 53, 443 } accept
		udp dport 53 accept
	}
}
`
