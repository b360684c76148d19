package generators

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// TestUFWSharedOnlyAdds: on a shared host (the client host's default, or
// host_firewall use: shared on the vsftpd host) the ufw script adds allow
// rules and nothing else: no defaults (a default deny outgoing would stop
// the host's DNS, web and updates; a default deny incoming its other
// services), no ufw enable (which would put ufw's policy next to the box's
// own firewall), no SSH-over-IPv6 rule of ftpswiz's, and it stops when ufw
// is not active; its Desc says so. The firewalld script likewise keeps a
// shared host's ssh service and leaves its egress policy's target alone. A
// dedicated host keeps its complete policy (the control).
func TestUFWSharedOnlyAdds(t *testing.T) {
	shared := func(a *wizard.Answers) {
		a.Firewalls = []wizard.Firewall{wizard.FirewallUFW, wizard.FirewallFirewalld}
		a.Server.HostFirewall.Use = wizard.BoxShared
		a.Client.HostFirewall.Use = wizard.BoxShared
	}
	dedicated := func(a *wizard.Answers) {
		a.Firewalls = []wizard.Firewall{wizard.FirewallUFW, wizard.FirewallFirewalld}
		a.Server.HostFirewall.Use = wizard.BoxDedicated
		a.Client.HostFirewall.Use = wizard.BoxDedicated
	}
	path := filepath.Join("..", "testdata", "scenarios", "both-modes", "answers.yaml")
	never := []string{"ufw default", "ufw --force enable", "from ::/0", "(the script enables it)"}
	for _, tt := range []struct {
		name   string
		edit   func(*wizard.Answers)
		shared bool
	}{
		{"shared", shared, true},
		{"control: dedicated", dedicated, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files := fwRender(t, decideFile(t, path, tt.edit))
			for _, side := range []wizard.Side{wizard.SideServerHost, wizard.SideClientHost} {
				f := fwFile(t, files, ufwPath(side))
				body := string(f.Content)
				for _, w := range never {
					if w == "from ::/0" && side == wizard.SideClientHost {
						continue // no SSH flow on a client host, dedicated or not
					}
					if got := strings.Contains(body, w); got == tt.shared {
						t.Errorf("%s: contains %q = %v, shared %v", side, w, got, tt.shared)
					}
				}
				if got := strings.Contains(body, `"Status: active"*)`); got != tt.shared {
					t.Errorf("%s: checks that ufw is active = %v, shared %v", side, got, tt.shared)
				}
				if got := strings.Contains(f.Desc.ApplyNote, "only adds"); got != tt.shared {
					t.Errorf("%s: apply note %q", side, f.Desc.ApplyNote)
				}
				if !strings.Contains(body, "ufw allow ") {
					t.Errorf("%s: no allow rule:\n%s", side, body)
				}
				// firewalld: a dedicated server host's zone loses the ssh
				// service, a dedicated client host's egress policy drops the
				// rest; a shared host keeps both as they were.
				fw := string(fwFile(t, files, firewalldPath(side)).Content)
				drop := map[wizard.Side]string{wizard.SideServerHost: "--remove-service=ssh", wizard.SideClientHost: "--set-target=DROP"}[side]
				if got := strings.Contains(fw, drop); got == tt.shared {
					t.Errorf("%s firewalld: contains %q = %v, shared %v", side, drop, got, tt.shared)
				}
			}
		})
	}
}

// TestSharedUFWClientHostKeepsItsDefaults is the lab proof of the above
// on the ufw most hosts run: ufw's own defaults (deny incoming, allow
// outgoing), SSH allowed, enabled. The shared client-host script, applied
// with REPORT.md's command, leaves web and DNS out and SSH in working and
// ufw's outgoing default allow. Negative control: the dedicated script on
// the same box (a default deny outgoing) stops web. And on a box whose ufw
// is not active, the shared script fails and adds no ufw chain.
func TestSharedUFWClientHostKeepsItsDefaults(t *testing.T) {
	lab.Require(t, "ip", "nft", "iptables", "ufw", "unshare", "bash", "mount")
	yaml := filepath.Join("..", "testdata", "firewall", "shared-client-host.yaml")
	sharedFiles := fwRender(t, decideFile(t, yaml, nil))
	dedicatedFiles := fwRender(t, decideFile(t, yaml, func(a *wizard.Answers) { a.Client.HostFirewall.Use = wizard.BoxDedicated }))
	path := ufwPath(wizard.SideClientHost)
	srv := lab.SrvPublicAddr
	const ownUFW = "ufw default deny incoming && ufw default allow outgoing && ufw allow 22/tcp && ufw --force enable"
	apply := func(files []File) string {
		f := fwFile(t, files, path)
		var lines []string
		for _, c := range f.Desc.Apply {
			lines = append(lines, strings.ReplaceAll(c.Line(path), "sudo bash", "bash"))
		}
		return "cd " + shQuote(fwWrite(t, files)) + "\n" + strings.Join(lines, "\n")
	}
	for _, tt := range []struct {
		name    string
		files   []File
		webOK   bool
		outRule string
	}{
		{"shared", sharedFiles, true, "allow (outgoing)"},
		{"negative control: dedicated", dedicatedFiles, false, "deny (outgoing)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := lab.New(t)
			l.CliRouter.MustNFT(lab.MasqueradeRuleset)
			conf := sharedUFWConf(t)
			sharedUFW(t, l.Cli, conf, ownUFW)
			sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(srv, sharedWeb))
			sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(srv, sharedDNS))
			sharedUDPEcho(t, l.SrvRouter, fwAddr(srv, sharedDNS))
			sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(srv, 21))
			sharedTCPServer(t, l.Cli, "tcp4", fwAddr("0.0.0.0", 22))
			flows := map[string]func() error{
				"web":          func() error { return sharedSHA(l.Cli, fwAddr(srv, sharedWeb)) },
				"DNS over TCP": func() error { return sharedSHA(l.Cli, fwAddr(srv, sharedDNS)) },
				"DNS over UDP": func() error { return sharedUDP(l.Cli, fwAddr(srv, sharedDNS)) },
			}
			for name, f := range flows {
				if err := f(); err != nil {
					t.Fatalf("before: %s fails: %v", name, err)
				}
			}
			sharedUFW(t, l.Cli, conf, apply(tt.files))
			for name, f := range flows {
				if err := f(); (err == nil) != tt.webOK {
					t.Errorf("after: %s: %v (want passing: %v)", name, err, tt.webOK)
				}
			}
			if err := sharedSHA(l.CliRouter, fwAddr(lab.CliAddr, 22)); err != nil {
				t.Errorf("after: SSH to the client host: %v", err)
			}
			if err := sharedSHA(l.Cli, fwAddr(srv, 21)); err != nil {
				t.Errorf("after: FTPS control from the client host: %v", err)
			}
			var status string
			sharedUFWOut(t, l.Cli, conf, "ufw status verbose", &status)
			if !strings.Contains(status, tt.outRule) {
				t.Errorf("ufw status lacks %q:\n%s", tt.outRule, status)
			}
		})
	}
	t.Run("shared script on an inactive ufw", func(t *testing.T) {
		ns := lab.NewNamespace(t)
		conf := sharedUFWConf(t)
		before := ns.MustRun("iptables", "-S")
		_, se, err := ns.Run(60*time.Second, "unshare", "--mount", "--propagation", "private", "bash", "-c",
			"set -e; mount --bind "+shQuote(conf+"/etc-ufw")+" /etc/ufw; mount --bind "+shQuote(conf+"/default-ufw")+
				" /etc/default/ufw\nufw --force disable >/dev/null 2>&1 || true\n"+apply(sharedFiles))
		if err == nil || !strings.Contains(se, "ufw is not active") {
			t.Errorf("the shared script ran on an inactive ufw: %v\n%s", err, se)
		}
		if after := ns.MustRun("iptables", "-S"); after != before {
			t.Errorf("iptables changed:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

// sharedUFWOut is sharedUFW that keeps the script's standard output.
func sharedUFWOut(t *testing.T, ns *lab.Namespace, conf, script string, out *string) {
	t.Helper()
	so, se, err := ns.Run(60*time.Second, "unshare", "--mount", "--propagation", "private", "bash", "-c",
		"set -e; mount --bind "+shQuote(conf+"/etc-ufw")+" /etc/ufw; mount --bind "+shQuote(conf+"/default-ufw")+
			" /etc/default/ufw\n"+script)
	if err != nil {
		t.Fatalf("ufw in %s: %v\n%s", ns.Role, err, se)
	}
	*out = so
}
