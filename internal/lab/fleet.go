package lab

import (
	"testing"
	"time"
)

// Addresses of the fleet topology built by NewFleet: the four-namespace
// topology's addresses, plus a second server host on the server router's
// LAN.
const (
	Srv2Addr = "10.20.0.3" // second server host, eth0
)

// Fleet is the topology of two vsftpd hosts behind one NAT router:
//
//	srv  (10.20.0.2/24 eth0) ┐
//	                         ├ (bridge lan0 10.20.0.1/24) srvrt (wan0 198.51.100.10/24)
//	srv2 (10.20.0.3/24 eth0) ┘   — (wan0 192.0.2.20/24) clirt (lan0 192.168.50.1/24) — (eth0 192.168.50.2/24) cli
//
// The server router's lan0 is a bridge with one veth port per server host,
// so both hosts sit on one LAN behind one router interface, as in an office.
// Nothing is configured in the root namespace.
type Fleet struct {
	Srv, Srv2, SrvRouter, CliRouter, Cli *Namespace
	Dir                                  string
}

// NewFleet builds the fleet topology; cleanup as for New.
func NewFleet(t testing.TB) *Fleet {
	t.Helper()
	Require(t, "ip")
	r := reg(t)
	f := &Fleet{Dir: TempDir(t)}
	f.Srv = newNamespace(t, r, "srv")
	f.Srv2 = newNamespace(t, r, "srv2")
	f.SrvRouter = newNamespace(t, r, "srvrt")
	f.CliRouter = newNamespace(t, r, "clirt")
	f.Cli = newNamespace(t, r, "cli")
	link := func(a *Namespace, aIf string, b *Namespace, bIf string) {
		t.Helper()
		if out, err := rootCmd(10*time.Second, "", "ip", "link", "add", aIf, "netns", a.Name, "type", "veth",
			"peer", "name", bIf, "netns", b.Name); err != nil {
			t.Fatalf("lab: veth %s/%s <-> %s/%s: %v: %s", a.Role, aIf, b.Role, bIf, err, out)
		}
	}
	f.SrvRouter.MustRun("ip", "link", "add", LANIf, "type", "bridge")
	link(f.Srv, HostIf, f.SrvRouter, "lanp1")
	link(f.Srv2, HostIf, f.SrvRouter, "lanp2")
	link(f.SrvRouter, WANIf, f.CliRouter, WANIf)
	link(f.CliRouter, LANIf, f.Cli, HostIf)
	cfg := func(ns *Namespace, cmds ...[]string) {
		t.Helper()
		for _, c := range cmds {
			ns.MustRun("ip", c...)
		}
	}
	for _, h := range []struct {
		ns   *Namespace
		addr string
	}{{f.Srv, SrvAddr}, {f.Srv2, Srv2Addr}} {
		cfg(h.ns,
			[]string{"addr", "add", h.addr + "/24", "dev", HostIf},
			[]string{"link", "set", HostIf, "up"},
			[]string{"route", "add", "default", "via", SrvRouterLAN})
	}
	cfg(f.SrvRouter,
		[]string{"link", "set", "lanp1", "master", LANIf},
		[]string{"link", "set", "lanp2", "master", LANIf},
		[]string{"link", "set", "lanp1", "up"},
		[]string{"link", "set", "lanp2", "up"},
		[]string{"addr", "add", SrvRouterLAN + "/24", "dev", LANIf},
		[]string{"addr", "add", SrvPublicAddr + "/24", "dev", WANIf},
		[]string{"link", "set", LANIf, "up"},
		[]string{"link", "set", WANIf, "up"},
		[]string{"route", "add", "192.0.2.0/24", "dev", WANIf})
	cfg(f.CliRouter,
		[]string{"addr", "add", CliPublicAddr + "/24", "dev", WANIf},
		[]string{"addr", "add", CliRouterLAN + "/24", "dev", LANIf},
		[]string{"link", "set", WANIf, "up"},
		[]string{"link", "set", LANIf, "up"},
		[]string{"route", "add", "198.51.100.0/24", "dev", WANIf})
	cfg(f.Cli,
		[]string{"addr", "add", CliAddr + "/24", "dev", HostIf},
		[]string{"link", "set", HostIf, "up"},
		[]string{"route", "add", "default", "via", CliRouterLAN})
	f.CliRouter.Sysctl("net.ipv4.ip_forward", "1")
	// srvrt's forwarding is left off: the playbook's router role turns it on.
	return f
}
