package generators

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// TestFirewallFullPath loads all four sides of the classic scenario (whose
// addresses and interface names are those of lab.New's topology) at once,
// nftables or iptables, and connects from the client host to the server's
// public address: the control port and the passive range arrive at the
// vsftpd host, masqueraded by the client's router and with the port
// unchanged by the server's router; other ports do not get through.
func TestFirewallFullPath(t *testing.T) {
	t.Parallel()
	lab.Require(t, "ip", "nft", "iptables", "iptables-restore", "bash")
	p := fwPlan(t, "port-forward-classic")
	s := p.Server
	if s.PublicAddress != lab.SrvPublicAddr || s.HostAddress != lab.SrvAddr || p.Client.LANCIDR != lab.CliLAN ||
		s.Router.WANInterface != lab.WANIf || p.Client.Router.LANInterface != lab.LANIf {
		t.Fatal("port-forward-classic.yaml no longer matches lab.New's topology")
	}
	files := fwRender(t, p)
	dir := fwWrite(t, files)
	for _, backend := range []string{"nft", "iptables"} {
		t.Run(backend, func(t *testing.T) {
			l := lab.New(t)
			boxes := map[wizard.Side]*lab.Namespace{
				wizard.SideServerHost:   l.Srv,
				wizard.SideServerRouter: l.SrvRouter,
				wizard.SideClientRouter: l.CliRouter,
			}
			if got := p.Sides(); len(got) != 3 {
				t.Fatalf("sides %v", got)
			}
			lns := map[int]net.Listener{}
			ports := []int{s.ControlPorts()[0], s.Passive.First, s.Passive.Last, s.Passive.Last + 1, 8080}
			for _, port := range ports {
				ln, err := l.Srv.Listen("tcp4", fwAddr("0.0.0.0", port))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { ln.Close() })
				lns[port] = ln
			}
			for side, ns := range boxes {
				var script string
				if backend == "nft" {
					script = "nft -f " + shQuote(filepath.Join(dir, nftPath(side)))
				} else {
					script = "cd " + shQuote(filepath.Join(dir, "firewall")) + "\n" +
						strings.Join(fwHeaderApply(t, string(fwFile(t, files, iptablesPath(side)).Content)), "\n")
				}
				if _, stderr, err := ns.Run(30*time.Second, "bash", "-c", "set -e\n"+script); err != nil {
					t.Fatalf("%s: %v\n%s", side, err, stderr)
				}
			}
			for _, port := range ports {
				want := port != 8080 && port != s.Passive.Last+1
				c, err := l.Cli.Dial("tcp4", fwAddr(lab.SrvPublicAddr, port), 1500*time.Millisecond)
				if (err == nil) != want {
					t.Errorf("client -> %s:%d: error %v, want established=%v", lab.SrvPublicAddr, port, err, want)
				}
				if err != nil {
					continue
				}
				c.Close()
				if err := lns[port].(*net.TCPListener).SetDeadline(time.Now().Add(3 * time.Second)); err != nil {
					t.Fatal(err)
				}
				in, err := lns[port].Accept()
				if err != nil {
					t.Errorf("port %d: nothing arrived at the server host: %v", port, err)
					continue
				}
				in.Close()
				if got, want := in.LocalAddr().String(), fwAddr(lab.SrvAddr, port); got != want {
					t.Errorf("arrived at %s, want %s (port unchanged)", got, want)
				}
				if host, _, _ := net.SplitHostPort(in.RemoteAddr().String()); host != lab.CliPublicAddr {
					t.Errorf("arrived from %s, want the client router's public address %s", host, lab.CliPublicAddr)
				}
			}
		})
	}
}
