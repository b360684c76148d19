package generators

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// TestIPv6Backends renders the dual-stack scenario (nat none, so the host
// has both addresses, one vsftpd instance) with every host backend and
// checks each writes the IPv6 flows in its own syntax, next to the IPv4
// ones; the IPv4-only plan (the negative control) has none of them.
func TestIPv6Backends(t *testing.T) {
	edit := func(v6 bool) func(a *wizard.Answers) {
		return func(a *wizard.Answers) {
			a.Server.NAT, a.Server.Router, a.Server.HostAddress = wizard.NATNone, nil, ""
			a.Server.AllowedClients = []string{"192.0.2.20/32", "2001:db8:50::/64"}
			a.Client.NAT, a.Client.Router, a.Client.LANCIDR = wizard.ClientNATNone, nil, ""
			// A dedicated client host: its complete policy must let the
			// ICMPv6 through that IPv6 needs (a shared host's own rules do).
			a.Client.HostFirewall.Use = wizard.BoxDedicated
			a.Firewalls = []wizard.Firewall{wizard.FirewallNftables, wizard.FirewallIptables, wizard.FirewallUFW,
				wizard.FirewallFirewalld, wizard.FirewallAWS}
			if !v6 {
				a.Server.IPv6Address, a.Server.DNSRecords = "", wizard.RecordsA
				a.Server.AllowedClients = []string{"192.0.2.20/32"}
				a.Client.IPv6Prefix = ""
			}
		}
	}
	want := []struct{ path, text string }{
		{"firewall/server-host.nft", `ip6 saddr 2001:db8:50::/64 tcp dport 21 ct state new accept`},
		{"firewall/server-host.nft", `ip saddr 192.0.2.20/32 tcp dport 21 ct state new accept`},
		{"firewall/client-host.nft", `ip6 daddr 2001:db8:20::2/128 tcp dport 50000-`},
		{"firewall/server-host.ip6tables", `-s 2001:db8:50::/64 -p tcp -m tcp --dport 21 `},
		{"firewall/server-host.ip6tables", `-p ipv6-icmp -m icmp6 --icmpv6-type neighbour-solicitation -j ACCEPT`},
		{"firewall/client-host.ip6tables", `--icmpv6-type 143 -j ACCEPT`},
		{"firewall/server-host.ufw.sh", `ftpswiz_allow 'ftpswiz control-explicit (ftps.mode)' in proto tcp from 2001:db8:50::/64 to any port 21`},
		{"firewall/server-host.firewalld.sh", `rule family="ipv6" source address="2001:db8:50::/64" port port="21"`},
		{"firewall/client-host.firewalld.sh", `rule family="ipv6" destination address="2001:db8:20::2/128"`},
		{"firewall/aws-security-group.sh", `"Ipv6Ranges":[{"CidrIpv6":"2001:db8:50::/64"`},
		{"firewall/aws-security-group.tf", `cidr_ipv6         = "2001:db8:50::/64"`},
		{"server/vsftpd.conf", "\nlisten=NO\nlisten_ipv6=YES\n"},
	}
	for _, v6 := range []bool{true, false} {
		p := decideFile(t, filepath.Join("..", "testdata", "scenarios", "dual-stack", "answers.yaml"), edit(v6))
		files, err := Render(p)
		if err != nil {
			t.Fatalf("v6 %v: %v", v6, err)
		}
		got := map[string]string{}
		for _, f := range files {
			got[f.Path] = string(f.Content)
		}
		for _, w := range want {
			has := strings.Contains(got[w.path], w.text)
			if strings.HasPrefix(w.text, "ip saddr") {
				if !has {
					t.Errorf("v6 %v: %s lacks the IPv4 rule %q", v6, w.path, w.text)
				}
				continue
			}
			if has != v6 {
				t.Errorf("v6 %v: %s contains %q: %v\n%s", v6, w.path, w.text, has, got[w.path])
			}
		}
		if v6 && len(p.Server.Instances) != 1 {
			t.Errorf("nat none dual stack: %d vsftpd instances, want one", len(p.Server.Instances))
		}
		for path, content := range got {
			if strings.HasSuffix(path, ".sh") {
				if out, err := exec.Command("bash", "-n", "-c", content).CombinedOutput(); err != nil {
					t.Errorf("%s: bash -n: %v\n%s", path, err, out)
				}
			}
		}
	}
}
