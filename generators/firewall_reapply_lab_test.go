package generators

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// reapplySrvrtOwn is the server router's own firewall for both families:
// FORWARD policy drop, its LAN may go out, IPv6 SSH may reach the server
// host (an earlier flow through the router), web on the router itself.
const reapplySrvrtOwn = `set -e
iptables -P FORWARD DROP
iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A FORWARD -i lan0 -o wan0 -j ACCEPT
iptables -P INPUT DROP
iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A INPUT -i lo -j ACCEPT
iptables -A INPUT -p tcp --dport 443 -j ACCEPT
ip6tables -P FORWARD DROP
ip6tables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
ip6tables -A FORWARD -p ipv6-icmp -j ACCEPT
ip6tables -A FORWARD -i lan0 -o wan0 -j ACCEPT
ip6tables -A FORWARD -i wan0 -o lan0 -d ` + lab.SrvAddr6 + ` -p tcp --dport 22 -j ACCEPT
`

// reapplyLab is the dual-stack plan (ipv6LabAnswers) on lab.New's
// topology with IPv6, the server router with its own iptables and
// ip6tables policy (reapplySrvrtOwn), the client router masquerading, and
// stand-ins (sharedTCPServer) for the FTPS ports on the server host and
// for the earlier flows.
type reapplyLab struct {
	l       *lab.Lab
	files   []File
	dir     string
	report  string
	earlier []reapplyFlow
	ftps    []reapplyFlow // every FTPS port, both families
	closed  []reapplyFlow // ports the plan never opens
}

// reapplyFlow is a TCP connection from a namespace to a stand-in.
type reapplyFlow struct {
	name string
	from *lab.Namespace
	addr string
}

func newReapplyLab(t *testing.T) *reapplyLab {
	t.Helper()
	p := decideFile(t, lab.WriteFile(t, "dual-stack-lab.yaml", ipv6LabAnswers), nil)
	if b, _ := p.BoxFirewall(wizard.SideServerRouter); !b.Shared() {
		t.Fatal("the dual-stack lab plan's server router is not shared (the default)")
	}
	files, err := RenderWith(Registry(), p)
	if err != nil {
		t.Fatal(err)
	}
	r := &reapplyLab{l: lab.New(t), files: files, dir: fwWrite(t, files), report: string(fwFile(t, files, "REPORT.md").Content)}
	l := r.l
	l.EnableIPv6()
	l.CliRouter.MustNFT(lab.MasqueradeRuleset)
	if _, se, err := l.SrvRouter.Run(30*time.Second, "bash", "-c", reapplySrvrtOwn); err != nil {
		t.Fatalf("srvrt's own policy: %v\n%s", err, se)
	}
	sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(lab.SrvPublicAddr, sharedWeb))
	sharedTCPServer(t, l.CliRouter, "tcp6", fwAddr(lab.CliRouterWAN6, sharedWeb))
	sharedTCPServer(t, l.Srv, "tcp", fwAddr("::", 22))
	r.earlier = []reapplyFlow{
		{"web from the client LAN to the server router", l.Cli, fwAddr(lab.SrvPublicAddr, sharedWeb)},
		{"the server LAN out through the router (IPv6)", l.Srv, fwAddr(lab.CliRouterWAN6, sharedWeb)},
		{"SSH over IPv4 to the server host from its LAN", l.SrvRouter, fwAddr(lab.SrvAddr, 22)},
		{"SSH over IPv6 to the server host through the router", l.Cli, fwAddr(lab.SrvAddr6, 22)},
	}
	s := p.Server
	for _, port := range []int{s.ControlPorts()[0], s.Passive.First, s.Passive.Last} {
		sharedTCPServer(t, l.Srv, "tcp", fwAddr("::", port))
		r.ftps = append(r.ftps,
			reapplyFlow{fmt.Sprintf("FTPS port %d over IPv4", port), l.Cli, fwAddr(lab.SrvPublicAddr, port)},
			reapplyFlow{fmt.Sprintf("FTPS port %d over IPv6", port), l.Cli, fwAddr(lab.SrvAddr6, port)})
	}
	for _, port := range []int{s.Passive.Last + 1, 8080} {
		sharedTCPServer(t, l.Srv, "tcp", fwAddr("::", port))
		r.closed = append(r.closed,
			reapplyFlow{fmt.Sprintf("port %d over IPv4", port), l.Cli, fwAddr(lab.SrvPublicAddr, port)},
			reapplyFlow{fmt.Sprintf("port %d over IPv6", port), l.Cli, fwAddr(lab.SrvAddr6, port)})
	}
	return r
}

// reapplyPass checks the flows of fs at once: each carries data
// (sharedSHA) when want is true; each is shut (no connection within
// 400 ms: the SYN is dropped) when want is false.
func reapplyPass(t *testing.T, when string, fs []reapplyFlow, want bool) {
	t.Helper()
	errs := make([]error, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if want {
				errs[i] = sharedSHA(f.from, f.addr)
				return
			}
			if c, err := f.from.Dial("tcp", f.addr, 400*time.Millisecond); err == nil {
				c.Close()
				errs[i] = fmt.Errorf("connected")
			}
		}()
	}
	wg.Wait()
	for i, f := range fs {
		switch {
		case want && errs[i] != nil:
			t.Errorf("%s: %s fails: %v", when, f.name, errs[i])
		case !want && errs[i] != nil:
			t.Errorf("%s: %s is open", when, f.name)
		}
	}
}

// reprobe are the connections reapplyProbe opens: FTPS control over IPv4
// and IPv6, web on the router, SSH over IPv6 through it.
func (r *reapplyLab) reprobe() []reapplyFlow {
	return []reapplyFlow{r.ftps[0], r.ftps[1], r.earlier[0], r.earlier[3]}
}

// script is cmds as a script run in the output directory; inReport: each
// line is checked to be one REPORT.md gives.
func (r *reapplyLab) script(t *testing.T, inReport bool, path string, cmds []Cmd) string {
	t.Helper()
	var lines []string
	for _, c := range cmds {
		line := c.Line(path)
		if inReport && !strings.Contains(r.report, line) {
			t.Errorf("REPORT.md does not give the command %q", line)
		}
		lines = append(lines, line)
	}
	return "set -e\ncd " + shQuote(r.dir) + "\n" + strings.Join(lines, "\n")
}

// run runs a script on the server router.
func (r *reapplyLab) run(t *testing.T, script string) {
	t.Helper()
	if _, se, err := r.l.SrvRouter.Run(30*time.Second, "bash", "-c", script); err != nil {
		t.Fatalf("%s\n: %v\n%s", script, err, se)
	}
}

// saves is the server router's iptables-save and ip6tables-save.
func (r *reapplyLab) saves() (string, string) {
	strip := func(s string) string { return reapplyCounters.ReplaceAllString(fwDropLines(s, "# "), "[0:0]") }
	return strip(r.l.SrvRouter.MustRun("iptables-save")), strip(r.l.SrvRouter.MustRun("ip6tables-save"))
}

// reapplyCounters are the packet and byte counters of iptables-save.
var reapplyCounters = regexp.MustCompile(`\[[0-9]+:[0-9]+\]`)

// reapplyJumps counts the jumps into ftpswiz's chains and the FTPSWIZ
// chains of an iptables-save dump.
func reapplyJumps(save string) (jumps, chains int) {
	for _, l := range strings.Split(save, "\n") {
		if strings.HasPrefix(l, ":FTPSWIZ-") {
			chains++
		}
		if strings.HasPrefix(l, "-A ") && strings.Contains(l, " -j FTPSWIZ-") {
			jumps++
		}
	}
	return jumps, chains
}

// reapplyProbe opens new connections to each target in a loop until stop
// is closed and counts those that were cut: a dial that failed (refused,
// reset, timed out) or a SYN the kernel had to retransmit (TCPSynRetrans of
// the dialling namespaces, read before and after), which is how a dropped
// SYN shows: a moment without the rules shows up as either. A dial that is
// merely slow (a loaded machine) is not a cut.
func reapplyProbe(t *testing.T, targets []reapplyFlow, stop <-chan struct{}) (probes, cut *atomic.Int64, done *sync.WaitGroup) {
	t.Helper()
	probes, cut, done = new(atomic.Int64), new(atomic.Int64), new(sync.WaitGroup)
	var spaces []*lab.Namespace
	for _, tg := range targets {
		if !slices.Contains(spaces, tg.from) {
			spaces = append(spaces, tg.from)
		}
	}
	before := make([]int64, len(spaces))
	for i, ns := range spaces {
		before[i] = synRetrans(t, ns)
	}
	var dialers sync.WaitGroup
	for _, tg := range targets {
		dialers.Add(1)
		go func() {
			defer dialers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, err := tg.from.Dial("tcp", tg.addr, 3*time.Second)
				probes.Add(1)
				if err != nil {
					cut.Add(1)
					continue
				}
				c.Close()
			}
		}()
	}
	done.Add(1)
	go func() {
		defer done.Done()
		dialers.Wait()
		for i, ns := range spaces {
			cut.Add(synRetrans(t, ns) - before[i])
		}
	}()
	return probes, cut, done
}

// synRetrans reads the namespace's count of retransmitted SYNs
// (TcpExt TCPSynRetrans in /proc/net/netstat, which is per network
// namespace).
func synRetrans(t *testing.T, ns *lab.Namespace) int64 {
	out, errOut, err := ns.Run(10*time.Second, "cat", "/proc/net/netstat")
	if err != nil {
		t.Errorf("read /proc/net/netstat: %v: %s", err, errOut)
		return 0
	}
	lines := strings.Split(out, "\n")
	for i := 0; i+1 < len(lines); i += 2 {
		names, values := strings.Fields(lines[i]), strings.Fields(lines[i+1])
		if len(names) == 0 || names[0] != "TcpExt:" || len(values) != len(names) {
			continue
		}
		for j, n := range names {
			if n == "TCPSynRetrans" {
				v, err := strconv.ParseInt(values[j], 10, 64)
				if err != nil {
					t.Errorf("TCPSynRetrans %q: %v", values[j], err)
				}
				return v
			}
		}
	}
	t.Errorf("no TCPSynRetrans in /proc/net/netstat:\n%s", out)
	return 0
}

// TestSharedIptablesReapplyKeepsOneJump: the shared server router's
// iptables and ip6tables files (the dual-stack plan), applied twice with
// exactly REPORT.md's apply commands on a router with its own policy for
// both families: one jump per chain, the same rules after the second run
// as after the first, and while the second runs (and 20 more) new
// connections (FTPS control over IPv4 and IPv6, SSH over IPv6, web) are
// opened in a loop: none fails and no SYN is retransmitted. The FTPS
// ports carry data over both families, the earlier flows pass, the ports
// the plan never opens stay shut. Then REPORT.md's remove commands: no
// jump, no FTPSWIZ chain, the FTPS ports shut, the earlier flows pass.
// Negative controls: the old apply command (plain iptables-restore
// --noflush < file) run twice leaves two jumps (and the new command run
// once after it leaves one); the probe sees the cut of a non-atomic
// re-apply (remove, then load).
func TestSharedIptablesReapplyKeepsOneJump(t *testing.T) {
	lab.Require(t, "ip", "nft", "iptables", "iptables-restore", "iptables-save", "ip6tables", "ip6tables-restore",
		"ip6tables-save", "awk", "bash")
	r := newReapplyLab(t)
	v4, v6 := iptablesPath(wizard.SideServerRouter), fwBackendOf(fwKindIp6tables).Path(wizard.SideServerRouter)
	f4, f6 := fwFile(t, r.files, v4), fwFile(t, r.files, v6)
	// The remove commands are in the files' headers (descHeader), not in
	// REPORT.md.
	apply := r.script(t, true, v4, f4.Desc.Apply) + "\n" + r.script(t, true, v6, f6.Desc.Apply)
	remove := r.script(t, false, v4, f4.Desc.Remove) + "\n" + r.script(t, false, v6, f6.Desc.Remove)

	// IPv6 neighbour discovery settles first (bounded).
	start := time.Now()
	for _, f := range r.earlier {
		if err := f.from.WaitTCP(f.addr, 10*time.Second); err != nil {
			t.Fatalf("before: %s: %v", f.name, err)
		}
	}
	t.Logf("the earlier flows came up in %v", time.Since(start).Round(time.Millisecond))
	reapplyPass(t, "before", r.earlier, true)
	reapplyPass(t, "before", r.ftps, false)

	r.run(t, apply)
	first4, first6 := r.saves()
	reapplyPass(t, "after one apply", r.ftps, true)

	stop := make(chan struct{})
	probes, cut, done := reapplyProbe(t, r.reprobe(), stop)
	for range 21 {
		r.run(t, apply)
	}
	close(stop)
	done.Wait()
	t.Logf("re-applied 21 times; %d new connections meanwhile, %d cut", probes.Load(), cut.Load())
	if cut.Load() != 0 || probes.Load() < 20 {
		t.Errorf("while re-applying: %d of %d new connections were cut (a failed dial or a retransmitted SYN)", cut.Load(), probes.Load())
	}
	second4, second6 := r.saves()
	for _, s := range []struct{ name, first, second string }{{"iptables", first4, second4}, {"ip6tables", first6, second6}} {
		if j, c := reapplyJumps(s.second); j != c || c == 0 {
			t.Errorf("%s after re-applying: %d jumps into %d FTPSWIZ chains, want one each:\n%s", s.name, j, c, s.second)
		}
		if s.first != s.second {
			t.Errorf("%s: the rules changed on re-apply:\n--- first\n%s\n--- last\n%s", s.name, s.first, s.second)
		}
	}
	reapplyPass(t, "after re-applying", r.earlier, true)
	reapplyPass(t, "after re-applying", r.ftps, true)
	reapplyPass(t, "after re-applying", r.closed, false)

	r.run(t, remove)
	for _, s := range []string{r.l.SrvRouter.MustRun("iptables-save"), r.l.SrvRouter.MustRun("ip6tables-save")} {
		if j, c := reapplyJumps(s); j != 0 || c != 0 || strings.Contains(s, "ftpswiz") {
			t.Errorf("after remove: %d jumps, %d FTPSWIZ chains:\n%s", j, c, s)
		}
	}
	reapplyPass(t, "after remove", r.earlier, true)
	reapplyPass(t, "after remove", r.ftps, false)

	// Negative control: the old apply command, twice, leaves two jumps;
	// the new one run once after it leaves one (a box applied twice before
	// this change heals on the next apply).
	old := "set -e\ncd " + shQuote(r.dir) + "\niptables-restore --noflush < " + shQuote(v4) + "\nip6tables-restore --noflush < " + shQuote(v6)
	r.run(t, old+"\n"+old)
	old4, old6 := r.saves()
	for _, s := range []string{old4, old6} {
		if j, c := reapplyJumps(s); j != 2*c || c == 0 {
			t.Errorf("negative control: the old command twice gave %d jumps into %d chains, want two each", j, c)
		}
	}
	r.run(t, apply)
	healed4, healed6 := r.saves()
	if healed4 != first4 || healed6 != first6 {
		t.Errorf("the apply command after two old ones: not the rules of one apply:\n%s\n%s", healed4, healed6)
	}

	// Negative control of the probe: a re-apply that is not atomic (the
	// remove commands, a moment, the load) is seen.
	stop = make(chan struct{})
	probes, cut, done = reapplyProbe(t, r.reprobe(), stop)
	r.run(t, remove+"\nsleep 0.3\n"+apply)
	time.Sleep(1200 * time.Millisecond)
	close(stop)
	done.Wait()
	t.Logf("negative control, remove + apply: %d new connections meanwhile, %d cut", probes.Load(), cut.Load())
	if cut.Load() == 0 {
		t.Errorf("negative control: %d new connections across remove + apply, none cut: the probe sees nothing", probes.Load())
	}
}

// TestApplyWithoutTheFileChangesNothing: a shared box's apply command run
// where its file is not (another directory) fails and leaves the rules as
// they were, for the nftables and the iptables file of shared-boxes.
// Control: the nftables command without its test -f, run there, exits 0
// and has taken the jump away (nft got only the delete lines).
func TestApplyWithoutTheFileChangesNothing(t *testing.T) {
	lab.Require(t, "nft", "iptables", "iptables-restore", "iptables-save", "awk", "bash")
	files := fwRender(t, fwPlan(t, "shared-boxes"))
	dir, empty := fwWrite(t, files), t.TempDir()
	for _, tt := range []struct {
		name, path, show string
		apply            func(f File, path string) string
		wantFail         bool
	}{
		{"nftables", nftPath(wizard.SideClientRouter), "nft list ruleset",
			func(f File, path string) string { return f.Desc.Apply[0].Line(path) }, true},
		{"iptables", iptablesPath(wizard.SideServerRouter), "iptables-save | grep -v '^#'",
			func(f File, path string) string { return f.Desc.Apply[0].Line(path) }, true},
		{"control: nftables without test -f", nftPath(wizard.SideClientRouter), "nft list ruleset",
			func(f File, path string) string {
				return strings.TrimPrefix(f.Desc.Apply[0].Line(path), "test -f "+path+" && ")
			}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ns := lab.NewNamespace(t)
			ns.MustNFT(lab.DebianNftables)
			apply := tt.apply(fwFile(t, files, tt.path), tt.path)
			if _, se, err := ns.Run(30*time.Second, "bash", "-c", "set -e\ncd "+shQuote(dir)+"\n"+apply); err != nil {
				t.Fatalf("%s: %v\n%s", apply, err, se)
			}
			before, _, _ := ns.Run(10*time.Second, "bash", "-c", tt.show)
			_, _, err := ns.Run(30*time.Second, "bash", "-c", "cd "+shQuote(empty)+"\n"+apply)
			after, _, _ := ns.Run(10*time.Second, "bash", "-c", tt.show)
			if tt.wantFail && (err == nil || after != before) {
				t.Errorf("run without its file: err %v, rules changed %v:\n%s", err, after != before, after)
			}
			if !tt.wantFail && (err != nil || strings.Contains(after, "ftpswiz jump") || !strings.Contains(before, "ftpswiz jump")) {
				t.Errorf("control: err %v; the jump is still there or never was:\n%s", err, after)
			}
		})
	}
}
