package generators

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Issue 10's proof: boxes that ftpswiz treats as shared already carry other
// traffic and have a firewall of their own, in lab.New's namespaces (never
// the root namespace):
//
//   - clirt, the client's router: a Debian-style nftables firewall (table
//     inet filter, forward policy drop, the LAN may open web and DNS) and
//     its own masquerade;
//   - srvrt, the server's router: an iptables policy (FORWARD and INPUT
//     policy DROP, the LAN may go out) and it is also the "internet host"
//     the client LAN's web (tcp 443) and DNS (udp and tcp 53) go to;
//   - srv, the vsftpd host: ufw enabled, SSH allowed, reached over IPv4 and
//     IPv6 from the server LAN.
//
// Every flow passes before; then each box gets its generated file, applied
// with exactly the command REPORT.md gives (the file's Desc.Apply); after
// that the FTPS ports carry data end to end (sha256 checked), every earlier
// flow still passes, nothing new is open, and each box's own policy is
// still in place. Negative control: today's standalone client-router file
// (the egress lockdown, firewall use dedicated) on the same clirt breaks web
// and DNS.

const (
	sharedWeb     = 443
	sharedDNS     = 53
	srvLAN6       = "fd00:20::2"
	srvRouterLAN6 = "fd00:20::1"
)

// sharedClirtFirewall is the client router's own firewall: Debian's
// nftables.conf layout with a forward policy of its own.
const sharedClirtFirewall = `flush ruleset
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iif "lo" accept
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "lan0" oifname "wan0" tcp dport { 53, 443 } accept
		iifname "lan0" oifname "wan0" udp dport 53 accept
	}
	chain output {
		type filter hook output priority filter;
	}
}
table ip labnat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" masquerade
	}
}
`

// sharedSrvrtPolicy is the server router's own iptables policy.
const sharedSrvrtPolicy = `set -e
iptables -P FORWARD DROP
iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A FORWARD -i lan0 -o wan0 -j ACCEPT
iptables -P INPUT DROP
iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A INPUT -i lo -j ACCEPT
iptables -A INPUT -p tcp --dport 443 -j ACCEPT
iptables -A INPUT -p tcp --dport 53 -j ACCEPT
iptables -A INPUT -p udp --dport 53 -j ACCEPT
`

type sharedFlow struct {
	name string
	run  func() error
}

func TestSharedBoxesKeepTheirTraffic(t *testing.T) {
	lab.Require(t, "ip", "nft", "iptables", "iptables-restore", "ufw", "unshare", "bash", "mount")
	p := fwPlan(t, "shared-boxes")
	s := p.Server
	if s.PublicAddress != lab.SrvPublicAddr || s.HostAddress != lab.SrvAddr || p.Client.LANCIDR != lab.CliLAN {
		t.Fatal("shared-boxes.yaml no longer matches lab.New's topology")
	}
	for _, side := range []wizard.Side{wizard.SideServerHost, wizard.SideServerRouter, wizard.SideClientRouter} {
		if b, _ := p.BoxFirewall(side); !b.Shared() {
			t.Fatalf("%s is not shared in shared-boxes.yaml", side)
		}
	}
	files, err := RenderWith(Registry(), p)
	if err != nil {
		t.Fatal(err)
	}
	dir := fwWrite(t, files)
	lockdown := fwFile(t, fwRender(t, fwPlan(t, "port-forward-classic")), nftPath(wizard.SideClientRouter))
	if !strings.Contains(string(lockdown.Content), "EGRESS LOCKDOWN") {
		t.Fatal("port-forward-classic's client-router.nft is no longer the egress lockdown")
	}

	l := lab.New(t)
	// IPv6 on the server LAN (nodad: usable at once).
	l.Srv.MustRun("ip", "-6", "addr", "add", srvLAN6+"/64", "dev", lab.HostIf, "nodad")
	l.SrvRouter.MustRun("ip", "-6", "addr", "add", srvRouterLAN6+"/64", "dev", lab.LANIf, "nodad")

	// The boxes' own firewalls.
	l.CliRouter.MustNFT(sharedClirtFirewall)
	if _, se, err := l.SrvRouter.Run(30*time.Second, "bash", "-c", sharedSrvrtPolicy); err != nil {
		t.Fatalf("srvrt policy: %v\n%s", err, se)
	}
	ufwConf := sharedUFWConf(t)
	sharedUFW(t, l.Srv, ufwConf, "ufw default deny incoming && ufw allow 22/tcp && ufw --force enable")

	// The other traffic: web and DNS servers on the fake internet host
	// (srvrt's public address), SSH on the server host (both families).
	web := sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(lab.SrvPublicAddr, sharedWeb))
	dnsTCP := sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(lab.SrvPublicAddr, sharedDNS))
	sharedUDPEcho(t, l.SrvRouter, fwAddr(lab.SrvPublicAddr, sharedDNS))
	ssh := sharedTCPServer(t, l.Srv, "tcp", fwAddr("::", 22))
	_ = web
	_ = dnsTCP
	_ = ssh
	earlier := []sharedFlow{
		{"web from the client LAN", func() error { return sharedSHA(l.Cli, fwAddr(lab.SrvPublicAddr, sharedWeb)) }},
		{"DNS over TCP from the client LAN", func() error { return sharedSHA(l.Cli, fwAddr(lab.SrvPublicAddr, sharedDNS)) }},
		{"DNS over UDP from the client LAN", func() error { return sharedUDP(l.Cli, fwAddr(lab.SrvPublicAddr, sharedDNS)) }},
		{"SSH over IPv4 to the server host", func() error { return sharedSHA(l.SrvRouter, fwAddr(lab.SrvAddr, 22)) }},
		{"SSH over IPv6 to the server host", func() error { return sharedSHA(l.SrvRouter, fwAddr(srvLAN6, 22)) }},
	}
	// The FTPS ports at the server host (vsftpd's stand-ins: they hash
	// what they receive and send it back).
	ftps := []int{s.ControlPorts()[0], s.Passive.First, s.Passive.Last}
	for _, port := range ftps {
		sharedTCPServer(t, l.Srv, "tcp4", fwAddr("0.0.0.0", port))
	}
	closed := []int{s.Passive.Last + 1, 8080}
	for _, port := range closed {
		sharedTCPServer(t, l.Srv, "tcp4", fwAddr("0.0.0.0", port))
	}
	check := func(t *testing.T, when string) {
		t.Helper()
		for _, f := range earlier {
			if err := f.run(); err != nil {
				t.Errorf("%s: %s fails: %v", when, f.name, err)
			}
		}
	}
	check(t, "before")
	for _, port := range ftps {
		if err := sharedSHA(l.Cli, fwAddr(lab.SrvPublicAddr, port)); err == nil {
			t.Fatalf("before: port %d already passes: the boxes' own firewalls do not filter, the test proves nothing", port)
		}
	}

	// Apply exactly REPORT.md's commands (the files' descriptions).
	apply := map[wizard.Side]struct {
		path string
		ns   *lab.Namespace
		ufw  bool
	}{
		wizard.SideClientRouter: {nftPath(wizard.SideClientRouter), l.CliRouter, false},
		wizard.SideServerRouter: {iptablesPath(wizard.SideServerRouter), l.SrvRouter, false},
		wizard.SideServerHost:   {ufwPath(wizard.SideServerHost), l.Srv, true},
	}
	report := string(fwFile(t, files, "REPORT.md").Content)
	for side, a := range apply {
		f := fwFile(t, files, a.path)
		var lines []string
		for _, c := range f.Desc.Apply {
			line := c.Line(a.path)
			if !strings.Contains(report, line) {
				t.Errorf("%s: REPORT.md does not give the apply command %q", side, line)
			}
			lines = append(lines, line)
		}
		script := "set -e\ncd " + shQuote(dir) + "\n" + strings.Join(lines, "\n")
		if a.ufw {
			// ufw's configuration is the namespace's private copy.
			script = strings.ReplaceAll(script, "sudo bash", "bash")
			sharedUFW(t, a.ns, ufwConf, script)
			continue
		}
		if _, se, err := a.ns.Run(30*time.Second, "bash", "-c", script); err != nil {
			t.Fatalf("%s: %s: %v\n%s", side, script, err, se)
		}
	}

	check(t, "after")
	for _, port := range ftps {
		if err := sharedSHA(l.Cli, fwAddr(lab.SrvPublicAddr, port)); err != nil {
			t.Errorf("after: FTPS port %d from the client LAN: %v", port, err)
		}
	}
	for _, port := range closed {
		if err := sharedSHA(l.Cli, fwAddr(lab.SrvPublicAddr, port)); err == nil {
			t.Errorf("after: port %d is open from the client LAN, but the plan never opens it", port)
		}
	}
	if err := sharedSHA(l.Cli, fwAddr(lab.SrvPublicAddr, 8081)); err == nil {
		t.Error("after: the server router accepts port 8081")
	}
	// The boxes' own policies are still theirs.
	if out := l.CliRouter.MustRun("nft", "list", "chain", "inet", "filter", "forward"); !strings.Contains(out, "policy drop") ||
		!strings.Contains(out, "jump ftpswiz_forward") {
		t.Errorf("clirt's forward chain lost its policy or has no jump:\n%s", out)
	}
	if out := l.SrvRouter.MustRun("iptables", "-S", "FORWARD"); !strings.Contains(out, "-P FORWARD DROP") || !strings.Contains(out, "-i lan0 -o wan0 -j ACCEPT") {
		t.Errorf("srvrt's FORWARD policy changed:\n%s", out)
	}

	// Negative control: today's standalone client-router file (egress
	// lockdown) on the same box breaks web and DNS; FTPS still passes.
	lock := filepath.Join(t.TempDir(), "client-router.nft")
	if err := os.WriteFile(lock, lockdown.Content, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, se, err := l.CliRouter.Run(30*time.Second, "nft", "-f", lock); err != nil {
		t.Fatalf("lockdown file: %v\n%s", err, se)
	}
	for _, f := range earlier[:3] {
		if err := f.run(); err == nil {
			t.Errorf("negative control: %s still passes with the egress lockdown applied", f.name)
		}
	}
	if err := sharedSHA(l.Cli, fwAddr(lab.SrvPublicAddr, ftps[0])); err != nil {
		t.Errorf("negative control: FTPS control with the lockdown: %v", err)
	}
}

// TestDedicatedHostKeepsIPv6SSH: the dedicated server host's nftables file
// (inet table, policy drop) keeps SSH over IPv6 open; negative control:
// the same file without its IPv6 SSH rule locks IPv6 SSH out.
func TestDedicatedHostKeepsIPv6SSH(t *testing.T) {
	lab.Require(t, "ip", "nft")
	p := fwPlan(t, "port-forward-classic")
	f := fwFile(t, fwRender(t, p), nftPath(wizard.SideServerHost))
	text := string(f.Content)
	rule := `meta nfproto ipv6 tcp dport 22 ct state new accept comment "ftpswiz admin-ssh ipv6 (firewall.admin_ssh)"`
	if !strings.Contains(text, rule) {
		t.Fatalf("server-host.nft has no IPv6 SSH rule:\n%s", text)
	}
	for _, withRule := range []bool{true, false} {
		t.Run(fmt.Sprintf("rule=%v", withRule), func(t *testing.T) {
			l := lab.New(t)
			l.Srv.MustRun("ip", "-6", "addr", "add", srvLAN6+"/64", "dev", lab.HostIf, "nodad")
			l.SrvRouter.MustRun("ip", "-6", "addr", "add", srvRouterLAN6+"/64", "dev", lab.LANIf, "nodad")
			sharedTCPServer(t, l.Srv, "tcp", fwAddr("::", 22))
			ruleset := text
			if !withRule {
				ruleset = strings.Replace(ruleset, rule, "", 1)
			}
			l.Srv.MustNFT(ruleset)
			err6 := sharedSHA(l.SrvRouter, fwAddr(srvLAN6, 22))
			if withRule && err6 != nil {
				t.Errorf("SSH over IPv6 after the host rules: %v", err6)
			}
			if !withRule && err6 == nil {
				t.Error("negative control: IPv6 SSH passes without the rule (the test proves nothing)")
			}
			if err := sharedSHA(l.SrvRouter, fwAddr(lab.SrvAddr, 22)); err != nil {
				t.Errorf("SSH over IPv4 from the admin network: %v", err)
			}
		})
	}
}

// sharedTCPServer listens in ns and answers each connection with the
// sha256 of everything it received (the client half-closes).
func sharedTCPServer(t *testing.T, ns *lab.Namespace, network, addr string) net.Listener {
	t.Helper()
	ln, err := ns.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				h := sha256.New()
				if _, err := io.Copy(h, io.LimitReader(c, 8<<20)); err != nil {
					return
				}
				_, _ = c.Write(h.Sum(nil))
			}()
		}
	}()
	return ln
}

// sharedSHA sends 256 KiB of random data from ns to addr and checks the
// sha256 the server answers with.
func sharedSHA(ns *lab.Namespace, addr string) error {
	c, err := ns.Dial("tcp", addr, 1500*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	data := make([]byte, 256<<10)
	if _, err := rand.Read(data); err != nil {
		return err
	}
	if _, err := c.Write(data); err != nil {
		return err
	}
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		return err
	}
	got, err := io.ReadAll(io.LimitReader(c, 64))
	if err != nil {
		return err
	}
	want := sha256.Sum256(data)
	if !bytes.Equal(got, want[:]) {
		return fmt.Errorf("sha256 mismatch: sent %x, server got %x", want, got)
	}
	return nil
}

// sharedUDPEcho answers every datagram with itself (a DNS stand-in).
func sharedUDPEcho(t *testing.T, ns *lab.Namespace, addr string) {
	t.Helper()
	var pc net.PacketConn
	if err := ns.Do(func() error {
		var err error
		pc, err = net.ListenPacket("udp4", addr)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			_, _ = pc.WriteTo(buf[:n], from)
		}
	}()
}

// sharedUDP sends a datagram from ns and waits (bounded) for its echo.
func sharedUDP(ns *lab.Namespace, addr string) error {
	c, err := ns.Dial("udp4", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	msg := make([]byte, 32)
	if _, err := rand.Read(msg); err != nil {
		return err
	}
	for try := 0; try < 3; try++ {
		if _, err := c.Write(msg); err != nil {
			return err
		}
		_ = c.SetReadDeadline(time.Now().Add(700 * time.Millisecond))
		buf := make([]byte, 64)
		n, err := c.Read(buf)
		if err == nil && bytes.Equal(buf[:n], msg) {
			return nil
		}
	}
	return fmt.Errorf("no UDP answer from %s", addr)
}

// sharedUFWConf is a private copy of ufw's configuration for one test.
func sharedUFWConf(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	for _, c := range [][]string{
		{"mkdir", "-p", d + "/etc-ufw"},
		{"cp", "-a", "/etc/ufw/.", d + "/etc-ufw/"},
		{"cp", "/etc/default/ufw", d + "/default-ufw"},
	} {
		if out, err := fwExec(c[0], c[1:]...); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	return d
}

// sharedUFW runs a script inside ns with ufw's configuration bind-mounted
// from conf in a private mount namespace: the host's /etc is never written.
func sharedUFW(t *testing.T, ns *lab.Namespace, conf, script string) {
	t.Helper()
	_, se, err := ns.Run(60*time.Second, "unshare", "--mount", "--propagation", "private", "bash", "-c",
		"set -e; mount --bind "+shQuote(conf+"/etc-ufw")+" /etc/ufw; mount --bind "+shQuote(conf+"/default-ufw")+
			" /etc/default/ufw\n"+script)
	if err != nil {
		t.Fatalf("ufw in %s: %v\n%s", ns.Role, err, se)
	}
}
