package generators

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// TestSharedUFWKeepsItsTraffic: a shared host's ufw script only adds. In
// lab.New's namespaces, each box runs ufw with a private /etc (an overlay in
// a private mount namespace: persistBox, as TestPersistSurvivesReboot) and a
// set-up of its owner's, more open than ftpswiz's dedicated defaults:
//
//   - client-host (shared-client-host.yaml): ufw enabled, default allow
//     outgoing, deny incoming, SSH allowed; web, DNS and any other port out
//     pass, SSH comes in from its LAN, port 8081 does not;
//   - server-host (shared-boxes.yaml): ufw enabled, default allow incoming,
//     8081 denied, and the owner's own uncommented rule for 21/tcp (a rule
//     ftpswiz's script has too);
//   - server-host-inactive: ufw installed but never enabled (nothing
//     filters).
//
// Every earlier flow passes before; the script is applied twice with
// REPORT.md's exact apply command; then the FTPS ports carry data (sha256
// checked), every earlier flow passes, the closed port stays closed, ufw's
// status and default policies are unchanged and the second run added
// nothing; on the inactive box nothing filters (no ufw chain in iptables)
// and the script's stderr says the rules wait until ufw is enabled. Then
// the file's Remove command (its header's) leaves ufw's rules exactly as
// the owner had them (ufw show added), the owner's 21/tcp included.
// Negative control: the dedicated host's script (what a shared host got
// before: defaults and enable) on the same box cuts an earlier flow.
func TestSharedUFWKeepsItsTraffic(t *testing.T) {
	lab.Require(t, "ip", "nft", "iptables-save", "ip6tables-save", "ufw", "unshare", "mount", "bash")
	for _, tt := range []struct {
		name, plan string
		side       wizard.Side
		own        string // the owner's ufw set-up, run before ftpswiz
		active     bool
	}{
		{"client-host", "shared-client-host", wizard.SideClientHost,
			"ufw default allow outgoing\nufw default deny incoming\nufw allow 22/tcp\nufw --force enable\n", true},
		{"server-host", "shared-boxes", wizard.SideServerHost,
			"ufw default allow incoming\nufw deny 8081/tcp\nufw allow 21/tcp\nufw --force enable\n", true},
		{"server-host-inactive", "shared-boxes", wizard.SideServerHost, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			p := fwPlan(t, tt.plan)
			if b, _ := p.BoxFirewall(tt.side); !b.Shared() {
				t.Fatalf("%s's %s is not shared", tt.plan, tt.side)
			}
			files, err := RenderWith(Registry(), p)
			if err != nil {
				t.Fatal(err)
			}
			dir, report := fwWrite(t, files), string(fwFile(t, files, "REPORT.md").Content)
			dedicated := fwWrite(t, fwRender(t, decideFile(t, filepath.Join("..", "testdata", "firewall", tt.plan+".yaml"), func(a *wizard.Answers) {
				if tt.side == wizard.SideClientHost {
					a.Client.HostFirewall.Use = wizard.BoxDedicated
				} else {
					a.Server.HostFirewall.Use = wizard.BoxDedicated
				}
			})))
			path := ufwPath(tt.side)

			l := lab.New(t)
			ns := l.Srv
			if tt.side == wizard.SideClientHost {
				ns = l.Cli
				l.CliRouter.MustNFT(lab.MasqueradeRuleset)
			}
			d := t.TempDir()
			box := &persistBox{name: tt.name, ns: ns, upper: filepath.Join(d, "upper"), work: filepath.Join(d, "work"),
				bin: t.TempDir(), dir: dir, report: report, files: files, paths: []string{path}, ufw: true}
			for _, sub := range []string{box.upper, box.work} {
				if err := os.Mkdir(sub, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if tt.own != "" {
				box.run(t, tt.own)
			}

			var earlier, ftps, closed []reapplyFlow
			var cut reapplyFlow // what the dedicated script cuts
			if tt.side == wizard.SideClientHost {
				srv := lab.SrvPublicAddr
				for _, port := range []int{sharedWeb, sharedDNS, 8443} {
					sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(srv, port))
				}
				sharedUDPEcho(t, l.SrvRouter, fwAddr(srv, sharedDNS))
				sharedTCPServer(t, l.Cli, "tcp4", fwAddr("0.0.0.0", 22))
				sharedTCPServer(t, l.Cli, "tcp4", fwAddr("0.0.0.0", 8081))
				earlier = []reapplyFlow{
					{"web from the client host", l.Cli, fwAddr(srv, sharedWeb)},
					{"DNS over TCP from the client host", l.Cli, fwAddr(srv, sharedDNS)},
					{"port 8443 out from the client host (default allow outgoing)", l.Cli, fwAddr(srv, 8443)},
					{"SSH to the client host from its LAN", l.CliRouter, fwAddr(lab.CliAddr, 22)},
				}
				closed = []reapplyFlow{{"port 8081 on the client host from its LAN", l.CliRouter, fwAddr(lab.CliAddr, 8081)}}
				c := p.Client
				for _, port := range []int{21, c.Passive.First, c.Passive.Last} {
					sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(srv, port))
					ftps = append(ftps, reapplyFlow{"FTPS port " + strconv.Itoa(port) + " from the client host", l.Cli, fwAddr(srv, port)})
				}
				cut = earlier[0]
			} else {
				for _, port := range []int{sharedWeb, 8080, 22, 8081} {
					sharedTCPServer(t, l.Srv, "tcp4", fwAddr("0.0.0.0", port))
				}
				earlier = []reapplyFlow{
					{"web on the server host from its LAN", l.SrvRouter, fwAddr(lab.SrvAddr, sharedWeb)},
					{"port 8080 on the server host from its LAN", l.SrvRouter, fwAddr(lab.SrvAddr, 8080)},
					{"SSH to the server host from the admin network", l.SrvRouter, fwAddr(lab.SrvAddr, 22)},
				}
				port8081 := reapplyFlow{"port 8081 on the server host from its LAN", l.SrvRouter, fwAddr(lab.SrvAddr, 8081)}
				if tt.active {
					closed = []reapplyFlow{port8081}
				} else {
					earlier = append(earlier, port8081) // nothing filters
				}
				s := p.Server
				for _, port := range []int{s.ControlPorts()[0], s.Passive.First, s.Passive.Last} {
					sharedTCPServer(t, l.Srv, "tcp4", fwAddr("0.0.0.0", port))
					ftps = append(ftps, reapplyFlow{"FTPS port " + strconv.Itoa(port) + " to the server host", l.SrvRouter, fwAddr(lab.SrvAddr, port)})
				}
				cut = earlier[1]
			}
			udpDNS := func(when string) {
				if tt.side == wizard.SideClientHost {
					if err := sharedUDP(l.Cli, fwAddr(lab.SrvPublicAddr, sharedDNS)); err != nil {
						t.Errorf("%s: DNS over UDP from the client host: %v", when, err)
					}
				}
			}
			for _, f := range earlier {
				if err := f.from.WaitTCP(f.addr, 10*time.Second); err != nil {
					t.Fatalf("before: %s: %v", f.name, err)
				}
			}
			reapplyPass(t, "before", earlier, true)
			reapplyPass(t, "before", closed, false)
			udpDNS("before")
			// The owner's ufw: its status and defaults, and its rules.
			state := func() string {
				var keep []string
				for _, l := range strings.Split(box.run(t, "ufw status verbose"), "\n") {
					if strings.HasPrefix(l, "Status:") || strings.HasPrefix(l, "Default:") {
						keep = append(keep, l)
					}
				}
				return strings.Join(keep, "\n")
			}
			state0, added0 := state(), box.run(t, "ufw show added")
			if want := map[bool]string{true: "Status: active", false: "Status: inactive"}[tt.active]; !strings.HasPrefix(state0, want) {
				t.Fatalf("the owner's ufw: %q, want %s", state0, want)
			}

			apply := box.cmds(t, func(d Desc) []Cmd { return d.Apply })
			var added [2]string
			for i := range 2 {
				out, se, err := box.exec(apply)
				if err != nil {
					t.Fatalf("apply %d: %v\n%s\n%s", i+1, err, out, se)
				}
				added[i] = box.run(t, "ufw show added")
				if note := strings.Contains(se, "ufw is inactive") && strings.Contains(se, "take effect only when you enable ufw"); note == tt.active {
					t.Errorf("apply %d: the inactive note on stderr is %v, ufw active %v:\n%s", i+1, note, tt.active, se)
				}
				if tt.name == "server-host" && !strings.Contains(se, "port 21: your own rule allows this already; left as it is") {
					t.Errorf("apply %d: no word on the owner's 21/tcp:\n%s", i+1, se)
				}
			}
			if added[0] != added[1] {
				t.Errorf("the second apply changed ufw's rules:\n%s\n---\n%s", added[0], added[1])
			}
			if n := strings.Count(added[1], "comment 'ftpswiz "); n < len(ftps)-1 {
				t.Errorf("%d rules commented ftpswiz:\n%s", n, added[1])
			}
			if s := state(); s != state0 {
				t.Errorf("ufw's status or defaults changed:\n%s\n---\n%s", state0, s)
			}
			if !tt.active {
				for _, save := range []string{box.run(t, "iptables-save"), box.run(t, "ip6tables-save")} {
					if strings.Contains(save, "ufw-") {
						t.Errorf("an inactive ufw filters after the script:\n%s", save)
					}
				}
			}
			reapplyPass(t, "applied", ftps, true)
			reapplyPass(t, "applied", earlier, true)
			reapplyPass(t, "applied", closed, false)
			udpDNS("applied")

			// Remove: the header's command; only ftpswiz's rules go.
			f := fwFile(t, files, path)
			var remove []string
			for _, c := range f.Desc.Remove {
				if h := "# Remove: " + c.Line(filepath.Base(path)); !strings.Contains(string(f.Content), h+"\n") {
					t.Errorf("the header does not give %q", h)
				}
				remove = append(remove, strings.Replace(c.Line(path), "sudo bash", "bash", 1))
			}
			if len(remove) == 0 {
				t.Fatal("no Remove command")
			}
			box.run(t, strings.Join(remove, "\n"))
			if a := box.run(t, "ufw show added"); a != added0 {
				t.Errorf("after remove, ufw's rules are not the owner's:\n%s\n---\n%s", added0, a)
			}
			if s := state(); s != state0 {
				t.Errorf("after remove, ufw's status or defaults changed:\n%s\n---\n%s", state0, s)
			}
			reapplyPass(t, "removed", earlier, true)
			reapplyPass(t, "removed", closed, false)

			// Negative control: the dedicated script (a shared host's before
			// this change) on the same box cuts an earlier flow.
			box.run(t, "bash "+shQuote(filepath.Join(dedicated, path))+" >/dev/null")
			reapplyPass(t, "negative control, the dedicated script", []reapplyFlow{cut}, false)
			t.Logf("%s: %v", tt.name, time.Since(start).Round(time.Millisecond))
		})
	}
}
