package generators

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The client host's own firewall in each format: an egress filter (web and
// DNS out, nothing else), SSH in from its LAN (nftables: lab.EgressFilterNftables).
const (
	sharedCliIptables = `set -e
iptables -P INPUT DROP
iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A INPUT -i lo -j ACCEPT
iptables -A INPUT -p tcp --dport 22 -j ACCEPT
iptables -P OUTPUT DROP
iptables -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A OUTPUT -o lo -j ACCEPT
iptables -A OUTPUT -p tcp -m multiport --dports 53,443 -j ACCEPT
iptables -A OUTPUT -p udp --dport 53 -j ACCEPT
`
	sharedCliUFW = "ufw default deny incoming && ufw default deny outgoing && ufw allow out 443/tcp && " +
		"ufw allow out 53 && ufw allow 22/tcp && ufw --force enable"
)

// TestSharedClientHostKeepsItsTraffic is issue 10's proof for the client
// host, shared by default: in lab.New's namespaces the client host (cli,
// behind clirt's masquerade) has an egress filter of its own in each format
// and carries other traffic (web and DNS to the fake internet host on
// srvrt's public address, SSH in from its LAN). Every flow passes before and
// the FTPS ports do not; its generated file is applied with exactly the
// command REPORT.md gives; then the FTPS ports carry data (sha256 checked),
// every earlier flow still passes, the ports the plan never opens stay shut
// and the host's own policy is still its own. Negative control: the
// dedicated client-host file (a complete egress filter of ftpswiz's) on the
// same box breaks web and DNS.
func TestSharedClientHostKeepsItsTraffic(t *testing.T) {
	lab.Require(t, "ip", "nft", "iptables", "iptables-restore", "ufw", "unshare", "bash", "mount")
	p := fwPlan(t, "shared-client-host")
	if b, _ := p.BoxFirewall(wizard.SideClientHost); !b.Shared() {
		t.Fatal("the client host of shared-client-host.yaml is not shared (the default)")
	}
	files, err := RenderWith(Registry(), p)
	if err != nil {
		t.Fatal(err)
	}
	dir := fwWrite(t, files)
	report := string(fwFile(t, files, "REPORT.md").Content)
	dedicated := fwRender(t, decideFile(t, filepath.Join("..", "testdata", "firewall", "shared-client-host.yaml"),
		func(a *wizard.Answers) { a.Client.HostFirewall.Use = wizard.BoxDedicated }))
	srv := lab.SrvPublicAddr
	for _, tt := range []struct {
		name, path string
		own        func(t *testing.T, l *lab.Lab, ufwConf string)
		ufw        bool
		stillOwn   func(l *lab.Lab) (string, []string)
	}{
		{"nftables", nftPath(wizard.SideClientHost), func(t *testing.T, l *lab.Lab, _ string) { l.Cli.MustNFT(lab.EgressFilterNftables) }, false,
			func(l *lab.Lab) (string, []string) {
				return l.Cli.MustRun("nft", "list", "chain", "inet", "filter", "output"), []string{"policy drop", "jump ftpswiz_output", "tcp dport { 53, 443 } accept"}
			}},
		{"iptables", iptablesPath(wizard.SideClientHost), func(t *testing.T, l *lab.Lab, _ string) {
			if _, se, err := l.Cli.Run(30*time.Second, "bash", "-c", sharedCliIptables); err != nil {
				t.Fatalf("client host policy: %v\n%s", err, se)
			}
		}, false, func(l *lab.Lab) (string, []string) {
			return l.Cli.MustRun("iptables", "-S", "OUTPUT"), []string{"-P OUTPUT DROP", "--dports 53,443 -j ACCEPT"}
		}},
		{"ufw", ufwPath(wizard.SideClientHost), func(t *testing.T, l *lab.Lab, conf string) { sharedUFW(t, l.Cli, conf, sharedCliUFW) }, true,
			func(l *lab.Lab) (string, []string) {
				return l.Cli.MustRun("iptables", "-S", "OUTPUT"), []string{"-P OUTPUT DROP"}
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := lab.New(t)
			l.CliRouter.MustNFT(lab.MasqueradeRuleset)
			ufwConf := sharedUFWConf(t)
			tt.own(t, l, ufwConf)
			sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(srv, sharedWeb))
			sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(srv, sharedDNS))
			sharedUDPEcho(t, l.SrvRouter, fwAddr(srv, sharedDNS))
			sharedTCPServer(t, l.Cli, "tcp4", fwAddr("0.0.0.0", 22))
			earlier := []sharedFlow{
				{"web from the client host", func() error { return sharedSHA(l.Cli, fwAddr(srv, sharedWeb)) }},
				{"DNS over TCP from the client host", func() error { return sharedSHA(l.Cli, fwAddr(srv, sharedDNS)) }},
				{"DNS over UDP from the client host", func() error { return sharedUDP(l.Cli, fwAddr(srv, sharedDNS)) }},
				{"SSH to the client host from its LAN", func() error { return sharedSHA(l.CliRouter, fwAddr(lab.CliAddr, 22)) }},
			}
			// The FTPS server's stand-ins on the fake internet host: they
			// hash what they receive and send it back.
			c := p.Client
			ftps := []int{21, c.Passive.First, c.Passive.Last}
			for _, port := range ftps {
				sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(srv, port))
			}
			closed := []int{c.Passive.Last + 1, 8080}
			for _, port := range closed {
				sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(srv, port))
			}
			check := func(when string) {
				t.Helper()
				for _, f := range earlier {
					if err := f.run(); err != nil {
						t.Errorf("%s: %s fails: %v", when, f.name, err)
					}
				}
			}
			check("before")
			for _, port := range ftps {
				if err := sharedSHA(l.Cli, fwAddr(srv, port)); err == nil {
					t.Fatalf("before: port %d already passes: the host's own firewall does not filter, the test proves nothing", port)
				}
			}

			f := fwFile(t, files, tt.path)
			var lines []string
			for _, cmd := range f.Desc.Apply {
				line := cmd.Line(tt.path)
				if !strings.Contains(report, line) {
					t.Errorf("REPORT.md does not give the apply command %q", line)
				}
				lines = append(lines, line)
			}
			script := "set -e\ncd " + shQuote(dir) + "\n" + strings.Join(lines, "\n")
			if tt.ufw {
				sharedUFW(t, l.Cli, ufwConf, strings.ReplaceAll(script, "sudo bash", "bash"))
			} else if _, se, err := l.Cli.Run(30*time.Second, "bash", "-c", script); err != nil {
				t.Fatalf("%s: %v\n%s", script, err, se)
			}

			check("after")
			for _, port := range ftps {
				if err := sharedSHA(l.Cli, fwAddr(srv, port)); err != nil {
					t.Errorf("after: FTPS port %d from the client host: %v", port, err)
				}
			}
			for _, port := range closed {
				if err := sharedSHA(l.Cli, fwAddr(srv, port)); err == nil {
					t.Errorf("after: port %d is open from the client host, but the plan never opens it", port)
				}
			}
			out, want := tt.stillOwn(l)
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("the host's own rules lost %q:\n%s", w, out)
				}
			}
		})
	}

	// Negative control: the dedicated client-host file (a complete policy:
	// the box's only firewall, as "dedicated" says) on a box whose own
	// firewall let web out: FTPS passes, web no longer does.
	t.Run("negative-dedicated", func(t *testing.T) {
		l := lab.New(t)
		l.CliRouter.MustNFT(lab.MasqueradeRuleset)
		l.Cli.MustNFT(lab.EgressFilterNftables)
		sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(srv, sharedWeb))
		sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(srv, 21))
		if err := sharedSHA(l.Cli, fwAddr(srv, sharedWeb)); err != nil {
			t.Fatalf("before: web fails: %v", err)
		}
		lock := filepath.Join(t.TempDir(), "client-host.nft")
		if err := os.WriteFile(lock, fwFile(t, dedicated, nftPath(wizard.SideClientHost)).Content, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, se, err := l.Cli.Run(30*time.Second, "bash", "-c", "nft flush ruleset && nft -f "+shQuote(lock)); err != nil {
			t.Fatalf("dedicated file: %v\n%s", err, se)
		}
		if err := sharedSHA(l.Cli, fwAddr(srv, sharedWeb)); err == nil {
			t.Error("negative control: web still passes with the dedicated (complete) client-host policy")
		}
		if err := sharedSHA(l.Cli, fwAddr(srv, 21)); err != nil {
			t.Errorf("negative control: FTPS control with the dedicated policy: %v", err)
		}
	})
}

// TestSharedNftReapplyKeepsOneJump: a shared box's nftables file applied
// with its apply command twice (a changed plan, a playbook's handler) leaves
// one jump per base chain and its rules once. Control: plain nft -f twice
// leaves two jumps, which the count sees.
func TestSharedNftReapplyKeepsOneJump(t *testing.T) {
	lab.Require(t, "nft", "bash")
	files, err := RenderWith(Registry(), fwPlan(t, "shared-boxes"))
	if err != nil {
		t.Fatal(err)
	}
	dir := fwWrite(t, files)
	path := nftPath(wizard.SideClientRouter)
	f := fwFile(t, files, path)
	if len(f.Desc.Apply) != 1 {
		t.Fatalf("apply commands: %v", f.Desc.Apply)
	}
	jumps := func(ns *lab.Namespace) (int, int) {
		out := ns.MustRun("nft", "list", "chain", "inet", "filter", "forward")
		all := ns.MustRun("nft", "list", "chain", "inet", "filter", "ftpswiz_forward")
		return strings.Count(out, `comment "ftpswiz jump"`), strings.Count(all, "accept")
	}
	for _, tt := range []struct {
		name, apply string
		want        int
	}{
		{"apply command", f.Desc.Apply[0].Line(path), 1},
		{"control: plain nft -f", "nft -f " + shQuote(path), 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ns := lab.NewNamespace(t)
			ns.MustNFT(lab.DebianNftables)
			var rules [2]int
			for i := range 2 {
				if _, se, err := ns.Run(30*time.Second, "bash", "-c", "set -e\ncd "+shQuote(dir)+"\n"+tt.apply); err != nil {
					t.Fatalf("run %d: %v\n%s", i+1, err, se)
				}
				var n int
				n, rules[i] = jumps(ns)
				if i == 1 && n != tt.want {
					t.Errorf("after two applies: %d jumps, want %d", n, tt.want)
				}
			}
			if rules[0] == 0 || rules[0] != rules[1] {
				t.Errorf("ftpswiz_forward's accept rules: %d after the first apply, %d after the second", rules[0], rules[1])
			}
		})
	}
}

// TestSharedNftNamesCheckedAtRender: a shared box's table and chain reach
// the file and the apply command, so the renderer checks them again: a
// plan changed after validation (here by hand) is refused, not written.
func TestSharedNftNamesCheckedAtRender(t *testing.T) {
	for _, bad := range []wizard.BoxFirewall{
		{Use: wizard.BoxShared, NftTable: "inet filter; flush ruleset", NftChain: "forward"},
		{Use: wizard.BoxShared, NftTable: "inet filter", NftChain: "forward'$(id)"},
		{Use: wizard.BoxShared, NftTable: "bridge filter", NftChain: "forward"},
	} {
		p := fwPlan(t, "shared-boxes")
		p.Server.Router.Firewall = bad
		if _, err := RenderWith(firewallRenderers(), p); err == nil || !strings.Contains(err.Error(), "not an nftables table") {
			t.Errorf("%+v: rendered (err %v)", bad, err)
		}
	}
	// Control: the plan as decided renders.
	if _, err := RenderWith(firewallRenderers(), fwPlan(t, "shared-boxes")); err != nil {
		t.Fatal(err)
	}
}

// TestAdminNetworkIPv6Rules: admin_network_ipv6 reaches the dual-stack
// host's nftables and ip6tables files as SSH from that network over IPv6,
// and both files pass their real checkers (nft -c, ip6tables-restore
// --test) in a namespace. Control: without it, neither file opens SSH
// over IPv6.
func TestAdminNetworkIPv6Rules(t *testing.T) {
	lab.Require(t, "nft", "ip6tables-restore", "bash")
	for _, v6 := range []string{"2001:db8:20::/64", ""} {
		t.Run("admin_network_ipv6="+v6, func(t *testing.T) { adminNetworkIPv6Rules(t, v6) })
	}
}

func adminNetworkIPv6Rules(t *testing.T, v6 string) {
	p := decideFile(t, filepath.Join("..", "testdata", "scenarios", "dual-stack", "answers.yaml"),
		func(a *wizard.Answers) { a.Server.AdminNetworkIPv6 = v6 })
	files := fwRender(t, p)
	dir := fwWrite(t, files)
	nft := string(fwFile(t, files, nftPath(wizard.SideServerHost)).Content)
	ip6 := string(fwFile(t, files, "firewall/server-host.ip6tables").Content)
	hasNft := strings.Contains(nft, "ip6 saddr 2001:db8:20::/64 tcp dport 22 ")
	hasIP6 := strings.Contains(ip6, "-s 2001:db8:20::/64 -p tcp -m tcp --dport 22 ")
	if hasNft != (v6 != "") || hasIP6 != (v6 != "") {
		t.Errorf("admin_network_ipv6 %q: nft rule %v, ip6tables rule %v", v6, hasNft, hasIP6)
	}
	ns := lab.NewNamespace(t)
	script := "set -e\ncd " + shQuote(dir) + "\n" + fwNftCheck(nftPath(wizard.SideServerHost)) +
		"ip6tables-restore --test < firewall/server-host.ip6tables\n"
	if _, se, err := ns.Run(30*time.Second, "bash", "-c", script); err != nil {
		t.Errorf("admin_network_ipv6 %q: %v\n%s", v6, err, se)
	}
}
