package generators

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// TestUFWSharedOnlyAdds: on a shared host (the client host's default, or
// host_firewall use: shared on the vsftpd host) the ufw script adds allow
// rules and nothing else: no defaults (a default deny outgoing would stop
// the host's DNS, web and updates; a default deny incoming its other
// services), no ufw enable (which would put ufw's policy next to the box's
// own firewall) and no SSH-over-IPv6 rule of ftpswiz's; its Desc says so
// (TestSharedUFWKeepsItsTraffic proves it in the lab). The firewalld script
// likewise keeps a shared host's ssh service and leaves its egress policy's
// target alone. A dedicated host keeps its complete policy (the control).
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
