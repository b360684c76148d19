package lab

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"
)

// rootState is what the root namespace looks like (addresses, routes,
// forwarding); the lab must never change it.
func rootState(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, args := range [][]string{
		{"-o", "addr"}, {"route"}, {"-6", "route"}, {"rule"},
	} {
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
		// Address lifetimes count down; drop them.
		for _, l := range strings.Split(string(out), "\n") {
			if i := strings.Index(l, "valid_lft"); i >= 0 {
				l = l[:i]
			}
			fmt.Fprintf(&b, "ip %s: %s\n", strings.Join(args, " "), strings.TrimSpace(l))
		}
	}
	fwd, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "ip_forward=%s", fwd)
	return b.String()
}

// ourNamespaces lists the namespaces this test binary currently owns.
func ourNamespaces(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("/run/netns")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if ownerPID(e.Name()) == os.Getpid() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// TestTopology: the four namespaces are wired as documented; with a
// masquerade on clirt and a DNAT on srvrt a TCP connection from cli reaches a
// listener in srv and arrives from 192.0.2.20; only DNATed ports pass; the
// root namespace is left exactly as it was.
func TestTopology(t *testing.T) {
	Require(t, "nft")
	before := rootState(t)

	t.Run("lab", func(t *testing.T) {
		l := New(t)
		wantAddrs := map[*Namespace][]string{
			l.Srv:       {"eth0 " + SrvAddr + "/24"},
			l.SrvRouter: {"lan0 " + SrvRouterLAN + "/24", "wan0 " + SrvPublicAddr + "/24"},
			l.CliRouter: {"wan0 " + CliPublicAddr + "/24", "lan0 " + CliRouterLAN + "/24"},
			l.Cli:       {"eth0 " + CliAddr + "/24"},
		}
		for ns, want := range wantAddrs {
			out := ns.MustRun("ip", "-o", "-4", "addr", "show")
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				f := strings.Fields(line)
				if len(f) >= 4 && f[1] != "lo" {
					got = append(got, f[1]+" "+f[3])
				}
			}
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("[%s] addresses %v, want %v", ns.Role, got, want)
			}
			if lo := ns.MustRun("ip", "-o", "link", "show", "lo"); !strings.Contains(lo, "UP") {
				t.Errorf("[%s] lo not up: %s", ns.Role, lo)
			}
		}
		for _, ns := range []*Namespace{l.SrvRouter, l.CliRouter} {
			if v, err := ns.ReadSysctl("net.ipv4.ip_forward"); err != nil || v != "1" {
				t.Errorf("[%s] ip_forward=%q (%v), want 1", ns.Role, v, err)
			}
		}
		if v, _ := l.Srv.ReadSysctl("net.ipv4.ip_forward"); v != "0" {
			t.Errorf("[srv] ip_forward=%q, want 0", v)
		}

		l.RouterNAT("21", "50000-50031")

		// Listeners in srv: the control port, one passive port, and a
		// port that is NOT forwarded.
		type result struct{ remote, line string }
		results := make(chan result, 8)
		for _, port := range []string{"21", "50017", "2121"} {
			ln, err := l.Srv.Listen("tcp", SrvAddr+":"+port)
			if err != nil {
				t.Fatalf("listen in srv: %v", err)
			}
			t.Cleanup(func() { ln.Close() })
			go func() {
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					_ = c.SetDeadline(time.Now().Add(5 * time.Second))
					line, _ := bufio.NewReader(c).ReadString('\n')
					fmt.Fprintf(c, "echo %s", line)
					results <- result{c.RemoteAddr().String(), strings.TrimSpace(line)}
					c.Close()
				}
			}()
		}
		for _, port := range []string{"21", "50017"} {
			c, err := l.Cli.Dial("tcp", SrvPublicAddr+":"+port, 3*time.Second)
			if err != nil {
				t.Fatalf("cli -> %s:%s: %v", SrvPublicAddr, port, err)
			}
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			fmt.Fprintf(c, "hello %s\n", port)
			reply, err := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if err != nil || reply != "echo hello "+port+"\n" {
				t.Errorf("cli -> %s: reply %q, %v", port, reply, err)
			}
			select {
			case r := <-results:
				host := r.remote[:strings.LastIndex(r.remote, ":")]
				if host != CliPublicAddr {
					t.Errorf("port %s: server saw the connection from %s, want %s (masquerade)", port, host, CliPublicAddr)
				}
				if r.line != "hello "+port {
					t.Errorf("port %s: server read %q", port, r.line)
				}
				t.Logf("port %s: connection from %s reached srv", port, r.remote)
			case <-time.After(5 * time.Second):
				t.Fatalf("port %s: listener saw nothing", port)
			}
		}
		// Not forwarded: the router itself answers (nothing listens there).
		if c, err := l.Cli.Dial("tcp", SrvPublicAddr+":2121", 2*time.Second); err == nil {
			c.Close()
			t.Errorf("port 2121 is not DNATed but cli reached it")
		}
		// The server's private address is not routable from the client side.
		if c, err := l.Cli.Dial("tcp", SrvAddr+":21", 2*time.Second); err == nil {
			c.Close()
			t.Errorf("cli reached the private address %s directly", SrvAddr)
		}
		select {
		case r := <-results:
			t.Errorf("unexpected connection %v", r)
		default:
		}
		if got := ourNamespaces(t); len(got) != 4 {
			t.Errorf("namespaces during the test: %v, want 4", got)
		}
	})

	if got := ourNamespaces(t); len(got) != 0 {
		t.Errorf("namespaces left after cleanup: %v", got)
	}
	if after := rootState(t); after != before {
		t.Errorf("root namespace changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestNewNamespace: a single namespace has only loopback, runs commands,
// times them out, and its processes die with it.
func TestNewNamespace(t *testing.T) {
	Require(t, "nft", "sleep")
	var name string
	var pid int
	t.Run("ns", func(t *testing.T) {
		ns := NewNamespace(t)
		name = ns.Name
		out := ns.MustRun("ip", "-o", "link", "show")
		if n := strings.Count(strings.TrimSpace(out), "\n") + 1; n != 1 || !strings.Contains(out, "lo:") {
			t.Errorf("links in a fresh namespace:\n%s", out)
		}
		if err := ns.NFT("table inet t {\n chain c {\n type filter hook input priority 0; policy accept;\n }\n}\n"); err != nil {
			t.Errorf("nft: %v", err)
		}
		if err := ns.NFT("table inet t { nonsense }"); err == nil {
			t.Errorf("nft accepted a broken ruleset")
		}
		start := time.Now()
		_, _, err := ns.Run(300*time.Millisecond, "sleep", "30")
		if err == nil || !strings.Contains(err.Error(), "timed out") || time.Since(start) > 5*time.Second {
			t.Errorf("timeout: err=%v after %v", err, time.Since(start))
		}
		p := ns.Start("sleep", "300")
		pid = p.PID()
		if exited, _ := p.Exited(); exited {
			t.Fatalf("sleep exited: %s", p.Output())
		}
		// `ip netns exec` joins the namespace right after the fork.
		var pids []int
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if pids, err = namespacePIDs(ns.Name); err != nil || len(pids) > 0 {
				break
			}
		}
		if err != nil || len(pids) != 1 || pids[0] != pid {
			t.Errorf("namespace pids %v (%v), want [%d]", pids, err, pid)
		}
	})
	if _, err := os.Stat("/run/netns/" + name); !os.IsNotExist(err) {
		t.Errorf("namespace %s still exists (%v)", name, err)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); !os.IsNotExist(err) {
		t.Errorf("process %d still running after cleanup", pid)
	}
}

// TestStaleNames: only names this package generates, owned by a dead PID,
// are swept.
func TestStaleNames(t *testing.T) {
	for s, want := range map[string]int{
		"ftpswizlab-123-abcdef-srv":    123,
		"ftpswizlab-123-abcdef-177373": 123,
		"ftpswizlab-123":               -1,
		"ftpswiz-123-abc":              -1,
		"ftpswizlab-x-abc":             -1,
		"ftpswizlab-0-abc":             -1,
		"other":                        -1,
	} {
		if got := ownerPID(s); got != want {
			t.Errorf("ownerPID(%q) = %d, want %d", s, got, want)
		}
	}
	if !ownerAlive(os.Getpid()) {
		t.Errorf("ownerAlive(self) = false")
	}
}
