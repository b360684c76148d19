package wizard

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestBoxAnswers: the box and router-kind answers (issue 10) default as
// documented (routers shared, hosts dedicated, Debian's inet filter) and
// a wrong one is refused naming the field and the fix.
func TestBoxAnswers(t *testing.T) {
	p := decide(t, classic(t))
	b, r := p.BoxFirewall(SideServerRouter)
	if r == nil || r.Kind != RouterLinux || !b.Shared() || b.NftTable != "inet filter" || b.NftChain != "forward" {
		t.Errorf("server router defaults: kind %v, %+v", r, b)
	}
	if b, _ := p.BoxFirewall(SideServerHost); b.Shared() || b.NftChain != "input" {
		t.Errorf("server host defaults: %+v", b)
	}
	if _, ok := p.Decision("firewall.server_router_use"); !ok {
		t.Error("no decision for the router's use")
	}
	tests := []struct {
		name  string
		edit  func(a *Answers)
		field string
		fix   string
	}{
		{"unknown kind", func(a *Answers) { a.Server.Router.Kind = "cisco" }, "server.router.kind", "openwrt"},
		{"bad use", func(a *Answers) { a.Server.HostFirewall.Use = "exclusive" }, "server.host_firewall.use", "shared"},
		{"table without family", func(a *Answers) { a.Server.Router.Firewall.NftTable = "filter" }, "server.router.firewall.nft_table", `"inet filter"`},
		{"table with a quote", func(a *Answers) { a.Client.Router.Firewall.NftTable = `inet fil"ter` }, "client.router.firewall.nft_table", "family name"},
		{"chain with a space", func(a *Answers) { a.Server.Router.Firewall.NftChain = "for ward" }, "server.router.firewall.nft_chain", "input or forward"},
		{"dedicated web router", func(a *Answers) {
			a.Server.Router = &Router{Kind: RouterWebPage, Firewall: BoxFirewall{Use: BoxDedicated}}
		}, "server.router.firewall.use", "shared"},
		{"linux router without interfaces", func(a *Answers) { a.Server.Router = &Router{Kind: RouterLinux} }, "server.router.wan_interface", "eth0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := classic(t)
			tt.edit(&a)
			_, err := Decide(a)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.field) || !strings.Contains(err.Error(), tt.fix) {
				t.Errorf("error does not name %s with the fix %q:\n%v", tt.field, tt.fix, err)
			}
		})
	}
	// A router of another kind needs no interfaces, and its rules are not
	// nftables/iptables.
	for _, k := range RouterKinds() {
		if k == RouterLinux {
			continue
		}
		a := classic(t)
		a.Server.Router = &Router{Kind: k}
		p := decide(t, a)
		if p.LinuxSide(SideServerRouter) || len(p.FlowsFor(SideServerRouter)) == 0 {
			t.Errorf("kind %s: linux side %v, %d flows", k, p.LinuxSide(SideServerRouter), len(p.FlowsFor(SideServerRouter)))
		}
	}
}

// TestSharedHostDecisionSaysItOnlyAdds: the host firewall decision of a
// shared vsftpd or SFTP host says its rules only add, not that everything
// else is dropped (which the dedicated host's says).
func TestSharedHostDecisionSaysItOnlyAdds(t *testing.T) {
	for _, proto := range []Protocol{ProtocolFTPS, ProtocolSFTP} {
		for _, use := range []BoxUse{BoxShared, BoxDedicated} {
			a := classic(t)
			if proto == ProtocolSFTP {
				data, err := os.ReadFile("../testdata/scenarios/sftp/answers.yaml")
				if err != nil {
					t.Fatal(err)
				}
				if a, err = DecodeAnswers(data); err != nil {
					t.Fatal(err)
				}
			}
			a.Server.HostFirewall.Use = use
			p := decide(t, a)
			d, ok := p.Decision("firewall.server_host")
			if !ok {
				t.Fatalf("%s %s: no firewall.server_host decision", proto, use)
			}
			shared := strings.Contains(d.Value, "added to the host's own firewall") && strings.Contains(d.Why, "only add accepts") &&
				!strings.Contains(d.Value+d.Why, "dropped")
			if shared != (use == BoxShared) {
				t.Errorf("%s, host %s: value %q\nwhy %q", proto, use, d.Value, d.Why)
			}
		}
	}
}

// TestRoleNamesTheProtocolsServer: the role decision of an SFTP plan names
// sshd's SFTP server, not vsftpd (control: the FTPS plan names vsftpd).
func TestRoleNamesTheProtocolsServer(t *testing.T) {
	data, err := os.ReadFile("../testdata/scenarios/sftp/answers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sftp, err := DecodeAnswers(data)
	if err != nil {
		t.Fatal(err)
	}
	sftp.Role, sftp.Client = RoleServer, nil
	ftps := classic(t)
	ftps.Role, ftps.Client = RoleServer, nil
	for _, tt := range []struct {
		a            Answers
		want, absent string
	}{{sftp, "You run the SFTP server (OpenSSH's sshd)", "vsftpd"}, {ftps, "You run the vsftpd server", "SFTP"}} {
		d, ok := decide(t, tt.a).Decision("role")
		if !ok || !strings.Contains(d.Why, tt.want) || strings.Contains(d.Why, tt.absent) {
			t.Errorf("role decision %q: want %q, not %q", d.Why, tt.want, tt.absent)
		}
	}
}

// TestAdminNetworkPerFamily: on a dual-stack host, admin_network_ipv6 opens
// SSH over IPv6 from that network only, beside admin_network over IPv4;
// without it SSH over IPv6 stays closed and the decision says how to open
// it.
func TestAdminNetworkPerFamily(t *testing.T) {
	data, err := os.ReadFile("../testdata/scenarios/dual-stack/answers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, v6 := range []string{"2001:db8:20::/64", ""} {
		a, err := DecodeAnswers(data)
		if err != nil {
			t.Fatal(err)
		}
		a.Server.AdminNetworkIPv6 = v6
		p := decide(t, a)
		got := map[Family][]string{}
		for _, f := range p.FlowsFor(SideServerHost) {
			if f.Purpose == PurposeAdmin {
				got[f.Family] = append(got[f.Family], f.From...)
			}
		}
		if !slices.Equal(got[FamilyIPv4], []string{"10.20.0.0/24"}) {
			t.Errorf("v6 %q: IPv4 admin SSH from %v", v6, got[FamilyIPv4])
		}
		d, _ := p.Decision("firewall.admin_ssh")
		if v6 != "" {
			if !slices.Equal(got[FamilyIPv6], []string{v6}) || !strings.Contains(d.Value, "10.20.0.0/24 and "+v6) {
				t.Errorf("IPv6 admin SSH from %v, decision %q", got[FamilyIPv6], d.Value)
			}
			continue
		}
		if len(got[FamilyIPv6]) != 0 || !strings.Contains(d.Why, "give server.admin_network_ipv6") {
			t.Errorf("without admin_network_ipv6: IPv6 admin SSH from %v, decision %q", got[FamilyIPv6], d.Why)
		}
	}
}

// TestSharedHostWhySaysUFW: a shared host's use decision says what its ufw
// script does (only allow rules, no default changed, ufw not enabled) when
// the plan writes ufw scripts, and names no ufw otherwise; a router's never
// does (ufw writes host rules only).
func TestSharedHostWhySaysUFW(t *testing.T) {
	for _, tt := range []struct {
		name      string
		firewalls []Firewall
		key       string
		want      bool
	}{
		{"server host, ufw", []Firewall{FirewallNftables, FirewallUFW}, "firewall.server_host_use", true},
		{"server host, no ufw", []Firewall{FirewallNftables}, "firewall.server_host_use", false},
		{"server router, ufw", []Firewall{FirewallNftables, FirewallUFW}, "firewall.server_router_use", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := classic(t)
			a.Server.HostFirewall.Use = BoxShared
			a.Firewalls = tt.firewalls
			p := decide(t, a)
			d, ok := p.Decision(tt.key)
			if !ok {
				t.Fatalf("no decision %s", tt.key)
			}
			has := strings.Contains(d.Why, "ufw: allow rules commented ftpswiz and nothing else, never a default policy changed or ufw enabled")
			if has != tt.want {
				t.Errorf("%s's Why names ufw's shared script: %v, want %v:\n%s", tt.key, has, tt.want, d.Why)
			}
		})
	}
}
