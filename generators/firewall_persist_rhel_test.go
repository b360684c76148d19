package generators

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// TestPersistRHELServerHost: when the plan's vsftpd is RHEL's build, the
// server host's nftables, iptables and ip6tables files persist the RHEL 9
// way (header and REPORT.md's at-boot line lead with RHEL's commands and
// say they are not run here); the routers, whose system the plan does not
// know, and every box of a Debian plan keep Debian 12's commands, which
// TestPersistSurvivesReboot runs.
func TestPersistRHELServerHost(t *testing.T) {
	rhel := func(a *wizard.Answers) { a.Server.Vsftpd.Flavour = wizard.FlavourRHEL }
	debianLead := map[string]string{
		"nftables": "mkdir -p /etc/nftables.d", "iptables": "netfilter-persistent save", "ip6tables": "netfilter-persistent save",
	}
	rhelLead := map[string]string{
		"nftables":  "mkdir -p /etc/nftables",
		"iptables":  "iptables-save > /etc/sysconfig/iptables",
		"ip6tables": "ip6tables-save > /etc/sysconfig/ip6tables",
	}
	rhelAll := map[string][]string{
		"nftables": {"cp server-host.nft /etc/nftables/ftpswiz-server-host.nft",
			`grep -qxF 'include "/etc/nftables/ftpswiz-server-host.nft"' /etc/sysconfig/nftables.conf || printf '\n%s\n' 'include "/etc/nftables/ftpswiz-server-host.nft"' >> /etc/sysconfig/nftables.conf`,
			"systemctl enable nftables"},
		"iptables":  {"systemctl enable iptables"},
		"ip6tables": {"systemctl enable ip6tables"},
	}
	tests := []struct {
		name     string
		scenario string
		edit     func(*wizard.Answers)
		rhelHost bool
	}{
		{"classic, RHEL build", "classic", rhel, true},
		{"dual-stack, RHEL build (ip6tables)", "dual-stack", rhel, true},
		{"RHEL scenario", "cloud-one-to-one", nil, true},
		{"classic, Debian build", "classic", nil, false},
		{"dual-stack, Debian build", "dual-stack", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := decideFile(t, filepath.Join("..", "testdata", "scenarios", tt.scenario, "answers.yaml"), tt.edit)
			files, err := Render(p)
			if err != nil {
				t.Fatal(err)
			}
			report := string(fwFile(t, files, ReportPath).Content)
			n := 0
			for _, f := range files {
				d := f.Desc
				if len(d.PersistCmds) == 0 || !strings.HasPrefix(f.Path, "firewall/") {
					continue
				}
				kind := map[string]string{".nft": "nftables", ".iptables": "iptables", ".ip6tables": "ip6tables"}[filepath.Ext(f.Path)]
				if kind == "" {
					continue
				}
				n++
				wantRHEL := tt.rhelHost && d.Side == wizard.SideServerHost
				lead, qual := debianLead[kind], persistQual
				if wantRHEL {
					lead, qual = rhelLead[kind], persistQualRHEL
				}
				name := filepath.Base(f.Path)
				if got := d.PersistCmds[0].Line(name); got != lead {
					t.Errorf("%s: persist leads with %q, want %q", f.Path, got, lead)
				}
				if !strings.Contains(string(f.Content), "# Persist ("+qual+"):") {
					t.Errorf("%s: header lacks # Persist (%s):", f.Path, qual)
				}
				boot := "# at boot (" + qual + "): " + d.PersistCmds[0].Line(f.Path)
				if !strings.Contains(report, boot) {
					t.Errorf("REPORT.md lacks %q", boot)
				}
				if !wantRHEL {
					if strings.Contains(d.Persist, "not run") {
						t.Errorf("%s: Debian persistence says it is not run: %s", f.Path, d.Persist)
					}
					continue
				}
				for _, want := range rhelAll[kind] {
					if !fwHasLine(string(f.Content), "#   "+want) {
						t.Errorf("%s: header lacks %q", f.Path, want)
					}
				}
				for _, want := range []string{fwRHELUntested, "Debian 12: "} {
					if !strings.Contains(d.Persist, want) {
						t.Errorf("%s: persist prose lacks %q: %s", f.Path, want, d.Persist)
					}
				}
				for _, c := range d.PersistCmds {
					if l := c.Line(name); strings.Contains(l, "netfilter-persistent") || strings.Contains(l, "/etc/nftables.d") || strings.Contains(l, " /etc/nftables.conf") {
						t.Errorf("%s: a RHEL persist command is Debian's: %s", f.Path, l)
					}
				}
			}
			if n == 0 {
				t.Fatal("no firewall file with persist commands")
			}
		})
	}
}
