package generators

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The persistence proof (TestPersistSurvivesReboot) carries out each Linux
// firewall file's Persist commands for real, on Debian 12 only (Ubuntu and
// RHEL are not exercised), and then simulates a reboot. Each box runs
// every step inside its network namespace and a private mount namespace
// whose /etc is an overlay (lower: the host's /etc, upper: a directory of
// the test), so the host's /etc is never written and the box's /etc
// survives from one step to the next.
//
// What Debian's boot loads, confirmed from the packages' files:
//   - nftables 1.0.6-2+deb12u2, /lib/systemd/system/nftables.service:
//     ExecStart=/usr/sbin/nft -f /etc/nftables.conf, WantedBy=sysinit.target
//     (not enabled by default). Read from the installed unit at test time.
//   - ufw 0.36.2-1, /lib/systemd/system/ufw.service: ExecStart=/lib/ufw/ufw-init
//     start quiet, WantedBy=multi-user.target, enabled by the package;
//     ufw-init exits at once unless /etc/ufw/ufw.conf says ENABLED=yes.
//     Read from the installed unit at test time.
//   - iptables-persistent and netfilter-persistent 1.0.20 (apt-get download,
//     dpkg-deb -x): netfilter-persistent.service, enabled by the postinst
//     (deb-systemd-helper enable), ExecStart=/usr/sbin/netfilter-persistent
//     start, which runs the plugins 15-ip4tables and 25-ip6tables: with the
//     package's /etc/default/netfilter-persistent (IPTABLES_TEST_RULESET=yes)
//     iptables-restore --test < /etc/iptables/rules.v4, then iptables-restore
//     < /etc/iptables/rules.v4 (ip6tables and rules.v6 the same); save runs
//     touch, chmod 0640 and iptables-save > /etc/iptables/rules.v4 (and v6).
//     ufw's package Breaks both, so they cannot be installed on a test
//     machine that has ufw: persistNetfilterPersistent stands in for them
//     with exactly those commands, and persistNetfilterUnit is the unit.
//   - systemd-sysctl loads /etc/sysctl.d/*.conf at boot; the reboot loads
//     only the files the box's steps wrote (the host's own set global keys).
//
// The reboot: the namespace's ruleset flushed (nft flush ruleset, which
// also empties iptables-nft's tables), forwarding off on routers, then the
// sysctl files and each enabled unit's ExecStart, in boot order.

// persistNetfilterPersistent stands in for /usr/sbin/netfilter-persistent
// with iptables-persistent's two plugins (see above).
const persistNetfilterPersistent = `#!/bin/sh
# Stand-in for netfilter-persistent 1.0.20 with iptables-persistent's
# plugins 15-ip4tables and 25-ip6tables (IPTABLES_TEST_RULESET=yes).
set -e
case "$1" in
save)
	touch /etc/iptables/rules.v4; chmod 0640 /etc/iptables/rules.v4; iptables-save > /etc/iptables/rules.v4
	touch /etc/iptables/rules.v6; chmod 0640 /etc/iptables/rules.v6; ip6tables-save > /etc/iptables/rules.v6
	;;
start|restart|reload|force-reload)
	if [ -f /etc/iptables/rules.v4 ]; then iptables-restore --test < /etc/iptables/rules.v4 && iptables-restore < /etc/iptables/rules.v4; fi
	if [ -f /etc/iptables/rules.v6 ]; then ip6tables-restore --test < /etc/iptables/rules.v6 && ip6tables-restore < /etc/iptables/rules.v6; fi
	;;
*) echo "usage: $0 start|save" >&2; exit 1 ;;
esac
`

// persistNetfilterUnit is netfilter-persistent 1.0.20's unit, as the
// package installs it (its Install section; the rest does not matter to
// the reboot simulated here).
const persistNetfilterUnit = `[Unit]
Description=netfilter persistent configuration
DefaultDependencies=no

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/netfilter-persistent start

[Install]
WantedBy=multi-user.target
`

// persistOwnRouterNft is the server router's own nftables firewall, its
// /etc/nftables.conf (Debian's layout): input and forward policy drop, web
// on the router, its LAN out (IPv4 masqueraded), ICMPv6 (neighbour
// discovery).
const persistOwnRouterNft = `#!/usr/sbin/nft -f
flush ruleset
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iif "lo" accept
		meta l4proto ipv6-icmp accept
		tcp dport 443 accept
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		meta l4proto ipv6-icmp accept
		iifname "lan0" oifname "wan0" accept
	}
	chain output {
		type filter hook output priority filter;
	}
}
table ip owner_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "wan0" masquerade
	}
}
`

// persistOwnRouterIptables is the same firewall in iptables (the router of
// the iptables case), saved by its owner with netfilter-persistent save.
const persistOwnRouterIptables = reapplySrvrtOwn + `iptables -t nat -A POSTROUTING -o wan0 -j MASQUERADE
ip6tables -P INPUT DROP
ip6tables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
ip6tables -A INPUT -p ipv6-icmp -j ACCEPT
`

// persistOwnForward is the router's forwarding as its owner persisted it:
// IPv4 only (it routed IPv4 before; the plan's IPv6 flows need IPv6
// forwarding, which the router files' persist commands add).
const persistOwnForward = "mkdir -p /etc/sysctl.d\necho net.ipv4.ip_forward=1 > /etc/sysctl.d/10-owner-forward.conf\n"

// persistBox is one box of the lab with a private /etc (an overlay).
type persistBox struct {
	name        string
	ns          *lab.Namespace
	upper, work string
	snap        string
	bin         string // the stand-ins, first in PATH
	router      bool
	units       []persistUnit
	dir         string // the output directory
	report      string
	files       []File
	paths       []string // the box's firewall files, applied in order
	ufw         bool
}

// persistUnit is a unit the reboot starts when it is enabled.
type persistUnit struct {
	Name, WantedBy, ExecStart string
}

// persistReadUnit reads a unit file's ExecStart and WantedBy.
func persistReadUnit(t *testing.T, name, text string) persistUnit {
	t.Helper()
	u := persistUnit{Name: name}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "ExecStart="); ok {
			u.ExecStart = v
		}
		if v, ok := strings.CutPrefix(sc.Text(), "WantedBy="); ok {
			u.WantedBy = v
		}
	}
	if u.ExecStart == "" || u.WantedBy == "" {
		t.Fatalf("%s: no ExecStart or WantedBy:\n%s", name, text)
	}
	return u
}

// persistUnits are the units the reboot may start, in boot order
// (sysinit.target before multi-user.target), read from the packages' unit
// files; netfilter-persistent's ExecStart runs the stand-in.
func persistUnits(t *testing.T, bin string) []persistUnit {
	t.Helper()
	var out []persistUnit
	for _, name := range []string{"nftables.service", "ufw.service"} {
		b, err := os.ReadFile("/lib/systemd/system/" + name)
		if err != nil {
			t.Fatalf("the package's unit: %v", err)
		}
		out = append(out, persistReadUnit(t, name, string(b)))
	}
	nfp := persistReadUnit(t, "netfilter-persistent.service", persistNetfilterUnit)
	nfp.ExecStart = strings.Replace(nfp.ExecStart, "/usr/sbin/netfilter-persistent", shQuote(filepath.Join(bin, "netfilter-persistent")), 1)
	return append(out, nfp)
}

// run runs a script on the box with its /etc.
func (b *persistBox) run(t *testing.T, script string) string {
	t.Helper()
	out, se, err := b.exec(script)
	if err != nil {
		t.Fatalf("%s: %v\n%s\n%s", b.name, err, script, se)
	}
	return out
}

// exec runs a script on the box with its /etc: its stdout, its stderr.
func (b *persistBox) exec(script string) (string, string, error) {
	prelude := "set -e\nmount -t overlay overlay -o " + shQuote("lowerdir=/etc,upperdir="+b.upper+",workdir="+b.work) + " /etc\n" +
		"export PATH=" + shQuote(b.bin) + ":$PATH SYSTEMD_OFFLINE=1\ncd " + shQuote(b.dir) + "\n"
	return b.ns.Run(60*time.Second, "unshare", "--mount", "--propagation", "private", "bash", "-c", prelude+script)
}

// cmds is the box's files' commands (apply or persist) as REPORT.md gives
// them, each checked to be there.
func (b *persistBox) cmds(t *testing.T, pick func(Desc) []Cmd) string {
	t.Helper()
	var lines []string
	for _, p := range b.paths {
		for _, c := range pick(fwFile(t, b.files, p).Desc) {
			l := c.Line(p)
			if !strings.Contains(b.report, l) {
				t.Errorf("%s: REPORT.md does not give %q", b.name, l)
			}
			if b.ufw {
				l = strings.Replace(l, "sudo bash", "bash", 1) // ufw's /etc is the box's
			}
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// reboot flushes the box's ruleset (and its forwarding) and loads what
// Debian's boot would.
func (b *persistBox) reboot(t *testing.T) {
	t.Helper()
	s := []string{"nft flush ruleset"}
	if b.router {
		s = append(s, "sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0")
	}
	confs, _ := filepath.Glob(filepath.Join(b.upper, "sysctl.d", "*.conf"))
	for _, c := range confs {
		s = append(s, "sysctl -q -p "+shQuote("/etc/sysctl.d/"+filepath.Base(c)))
	}
	for _, u := range b.units {
		s = append(s, fmt.Sprintf("if [ -e %s ]; then %s; fi",
			shQuote("/etc/systemd/system/"+u.WantedBy+".wants/"+u.Name), u.ExecStart))
	}
	b.run(t, strings.Join(s, "\n"))
}

// snapshot keeps the box's /etc as it is; restore goes back to it.
func (b *persistBox) snapshot(t *testing.T) {
	t.Helper()
	if out, err := fwExec("cp", "-a", b.upper, b.snap); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

func (b *persistBox) restore(t *testing.T) {
	t.Helper()
	for _, c := range [][]string{{"rm", "-rf", b.upper, b.work}, {"cp", "-a", b.snap, b.upper}, {"mkdir", b.work}} {
		if out, err := fwExec(c[0], c[1:]...); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
}

// TestPersistSurvivesReboot: for each Linux backend of the dual-stack plan
// (the dual-stack golden scenario on lab.New's addresses, with SSH over
// IPv6 from the server LAN), the server host and its shared router, each
// with its owner's firewall persisted the Debian way (the router: a policy
// drop for both families, IPv4 forwarding in /etc/sysctl.d), get their
// files applied with REPORT.md's commands and then its persist commands;
// after a simulated reboot of both boxes the FTPS ports pass over IPv4
// (DNAT) and IPv6 (routed), the earlier flows (SSH over IPv4 and IPv6 from
// the admin network, web on the router, the server LAN out) pass, the
// ports the plan never opens are shut and there is one jump per chain.
// ufw has no persist commands: its apply is its persistence. Negative
// controls: each box's /etc as it was before ftpswiz (no persist step; for
// ufw, no script) and a reboot: the FTPS ports are shut, the earlier flows
// pass. nftables: the forwarding line REPORT.md gave before (IPv4 only)
// leaves IPv6 FTPS shut after the reboot. ufw: re-running the script, new
// connections are opened in a loop (reapplyProbe).
func TestPersistSurvivesReboot(t *testing.T) {
	lab.Require(t, "ip", "nft", "iptables", "iptables-save", "iptables-restore", "ip6tables", "ip6tables-save",
		"ip6tables-restore", "ufw", "unshare", "mount", "systemctl", "sysctl", "awk", "bash", "cp")
	for _, tt := range []struct {
		name      string
		firewalls []wizard.Firewall
		host      []string // the server host's files
		router    []string
		hostOwn   string // the host's own set-up (persisted)
		routerOwn string
	}{
		{"nftables", []wizard.Firewall{wizard.FirewallNftables},
			[]string{nftPath(wizard.SideServerHost)}, []string{nftPath(wizard.SideServerRouter)},
			"printf '%s' " + shQuote(lab.DebianNftables) + " > /etc/nftables.conf\n",
			"printf '%s' " + shQuote(persistOwnRouterNft) + " > /etc/nftables.conf\nsystemctl enable nftables\nnft -f /etc/nftables.conf\n"},
		{"iptables", []wizard.Firewall{wizard.FirewallIptables},
			[]string{iptablesPath(wizard.SideServerHost), fwBackendOf(fwKindIp6tables).Path(wizard.SideServerHost)},
			[]string{iptablesPath(wizard.SideServerRouter), fwBackendOf(fwKindIp6tables).Path(wizard.SideServerRouter)},
			"", persistOwnRouterIptables + "netfilter-persistent save\n"},
		{"ufw", []wizard.Firewall{wizard.FirewallUFW, wizard.FirewallNftables},
			[]string{ufwPath(wizard.SideServerHost)}, []string{nftPath(wizard.SideServerRouter)},
			"ufw default deny incoming\nufw allow 22/tcp\nufw --force enable\n",
			"printf '%s' " + shQuote(persistOwnRouterNft) + " > /etc/nftables.conf\nsystemctl enable nftables\nnft -f /etc/nftables.conf\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := decideFile(t, lab.WriteFile(t, "dual-stack-lab.yaml", ipv6LabAnswers), func(a *wizard.Answers) {
				a.Firewalls = tt.firewalls
				a.Server.AdminNetworkIPv6 = lab.SrvLAN6
			})
			files, err := RenderWith(Registry(), p)
			if err != nil {
				t.Fatal(err)
			}
			dir, report := fwWrite(t, files), string(fwFile(t, files, "REPORT.md").Content)
			bin := t.TempDir()
			if err := os.WriteFile(filepath.Join(bin, "netfilter-persistent"), []byte(persistNetfilterPersistent), 0o755); err != nil {
				t.Fatal(err)
			}
			units := persistUnits(t, bin)
			l := lab.New(t)
			l.EnableIPv6()
			l.CliRouter.MustNFT(lab.MasqueradeRuleset)
			box := func(name string, ns *lab.Namespace, router bool, paths []string, own string) *persistBox {
				d := t.TempDir()
				b := &persistBox{name: name, ns: ns, upper: filepath.Join(d, "upper"), work: filepath.Join(d, "work"), snap: filepath.Join(d, "snap"),
					bin: bin, router: router, units: units, dir: dir, report: report, files: files, paths: paths,
					ufw: strings.HasSuffix(paths[0], ".ufw.sh")}
				for _, sub := range []string{b.upper, b.work} {
					if err := os.Mkdir(sub, 0o755); err != nil {
						t.Fatal(err)
					}
				}
				if strings.Contains(paths[0], ".iptables") {
					// iptables-persistent "installed": its /etc/iptables,
					// its unit enabled (as its postinst does).
					b.run(t, "mkdir -p /etc/iptables /etc/systemd/system\nprintf '%s' "+shQuote(persistNetfilterUnit)+
						" > /etc/systemd/system/netfilter-persistent.service\nsystemctl enable netfilter-persistent\n")
				}
				if b.ufw {
					// ufw's package enables its unit; the persistence relies on it.
					b.run(t, "test -e /etc/systemd/system/multi-user.target.wants/ufw.service || "+
						"{ echo 'ufw.service is not enabled (the ufw package enables it)' >&2; exit 1; }")
				}
				b.run(t, own)
				if router {
					b.run(t, persistOwnForward)
				}
				return b
			}
			srv := box("server host", l.Srv, false, tt.host, tt.hostOwn)
			srvrt := box("server router", l.SrvRouter, true, tt.router, tt.routerOwn)
			boxes := []*persistBox{srv, srvrt}

			s := p.Server
			sharedTCPServer(t, l.SrvRouter, "tcp4", fwAddr(lab.SrvPublicAddr, sharedWeb))
			sharedTCPServer(t, l.CliRouter, "tcp4", fwAddr(lab.CliPublicAddr, sharedWeb))
			sharedTCPServer(t, l.Srv, "tcp", fwAddr("::", 22))
			sharedTCPServer(t, l.Cli, "tcp6", fwAddr(lab.CliAddr6, sharedWeb))
			earlier := []reapplyFlow{
				{"SSH over IPv4 to the server host from the admin network", l.SrvRouter, fwAddr(lab.SrvAddr, 22)},
				{"SSH over IPv6 to the server host from the admin network", l.SrvRouter, fwAddr(lab.SrvAddr6, 22)},
				{"web on the server router from the client LAN", l.Cli, fwAddr(lab.SrvPublicAddr, sharedWeb)},
				{"the server LAN out through its router (IPv4, masqueraded)", l.Srv, fwAddr(lab.CliPublicAddr, sharedWeb)},
				// Last: it needs IPv6 forwarding, which the owner did not
				// persist (the router's persist commands do); it also
				// settles IPv6 neighbour discovery on the client's path.
				{"the server LAN out to the client over IPv6", l.Srv, fwAddr(lab.CliAddr6, sharedWeb)},
			}
			var ftps, ftps6, closed []reapplyFlow
			for _, port := range []int{s.ControlPorts()[0], s.Passive.First, s.Passive.Last} {
				sharedTCPServer(t, l.Srv, "tcp", fwAddr("::", port))
				ftps = append(ftps, reapplyFlow{fmt.Sprintf("FTPS port %d over IPv4", port), l.Cli, fwAddr(lab.SrvPublicAddr, port)})
				ftps6 = append(ftps6, reapplyFlow{fmt.Sprintf("FTPS port %d over IPv6", port), l.Cli, fwAddr(lab.SrvAddr6, port)})
			}
			for _, port := range []int{s.Passive.Last + 1, 8080} {
				sharedTCPServer(t, l.Srv, "tcp", fwAddr("::", port))
			}
			closed = []reapplyFlow{
				{"port 8080 over IPv4 from the client", l.Cli, fwAddr(lab.SrvPublicAddr, 8080)},
				{fmt.Sprintf("port %d over IPv6 from the client", s.Passive.Last+1), l.Cli, fwAddr(lab.SrvAddr6, s.Passive.Last+1)},
				{"port 8080 on the server host from its LAN", l.SrvRouter, fwAddr(lab.SrvAddr, 8080)},
			}
			all := slices2(ftps, ftps6)
			for _, f := range earlier {
				if err := f.from.WaitTCP(f.addr, 10*time.Second); err != nil {
					t.Fatalf("before: %s: %v", f.name, err)
				}
			}
			reapplyPass(t, "before", all, false)

			for _, b := range boxes {
				b.snapshot(t)
				b.run(t, b.cmds(t, func(d Desc) []Cmd { return d.Apply }))
			}
			reapplyPass(t, "applied", all, true)
			reapplyPass(t, "applied", earlier, true)
			reapplyPass(t, "applied", closed, false)
			if srv.ufw {
				// ufw: re-running the script (its apply note: safe) cuts no
				// new connection and adds no rule.
				before := srv.run(t, "ufw status numbered")
				stop := make(chan struct{})
				probes, cut, done := reapplyProbe(t, []reapplyFlow{ftps[0], ftps6[0], earlier[0], earlier[1]}, stop)
				srv.run(t, srv.cmds(t, func(d Desc) []Cmd { return d.Apply }))
				close(stop)
				done.Wait()
				t.Logf("ufw re-run: %d new connections meanwhile, %d cut", probes.Load(), cut.Load())
				if cut.Load() != 0 {
					t.Errorf("ufw re-run: %d of %d new connections were cut (a failed dial or a retransmitted SYN)", cut.Load(), probes.Load())
				}
				if after := srv.run(t, "ufw status numbered"); after != before {
					t.Errorf("ufw re-run changed the rules:\n%s\n---\n%s", before, after)
				}
			}

			start := time.Now()
			for _, b := range boxes {
				b.run(t, b.cmds(t, func(d Desc) []Cmd { return d.PersistCmds }))
				b.reboot(t)
			}
			t.Logf("persist and reboot: %v", time.Since(start).Round(time.Millisecond))
			reapplyPass(t, "after the reboot", all, true)
			reapplyPass(t, "after the reboot", earlier, true)
			reapplyPass(t, "after the reboot", closed, false)
			for _, b := range boxes {
				persistOneJump(t, b)
			}

			if tt.name == "nftables" {
				// Negative control: the forwarding REPORT.md gave before
				// (IPv4 only): IPv6 FTPS through the router is shut after
				// the reboot, IPv4 still passes.
				srvrt.run(t, "echo net.ipv4.ip_forward=1 > /etc/sysctl.d/99-ftpswiz-forward.conf")
				srvrt.reboot(t)
				reapplyPass(t, "negative control, IPv4 forwarding only", ftps6, false)
				reapplyPass(t, "negative control, IPv4 forwarding only", ftps, true)
			}

			// Negative control: /etc as it was before ftpswiz (no persist
			// step; for ufw no script, its apply being its persistence).
			for _, b := range boxes {
				b.restore(t)
				b.reboot(t)
			}
			reapplyPass(t, "negative control, not persisted", all, false)
			reapplyPass(t, "negative control, not persisted", earlier[:len(earlier)-1], true)
		})
	}
}

// persistOneJump checks the box's ftpswiz rules after a reboot: one jump
// per chain (iptables and ip6tables; a shared box's nftables chains), or
// ftpswiz's own table (a dedicated box's nftables file).
func persistOneJump(t *testing.T, b *persistBox) {
	t.Helper()
	switch {
	case b.ufw:
		if out := b.run(t, "ufw status"); !strings.Contains(out, "Status: active") || !strings.Contains(out, "ftpswiz") {
			t.Errorf("%s after the reboot: ufw:\n%s", b.name, out)
		}
	case strings.HasSuffix(b.paths[0], ".iptables"):
		for _, save := range []string{b.run(t, "iptables-save"), b.run(t, "ip6tables-save")} {
			if j, c := reapplyJumps(save); j != c || c == 0 {
				t.Errorf("%s after the reboot: %d jumps into %d FTPSWIZ chains:\n%s", b.name, j, c, save)
			}
		}
	default:
		dump := b.run(t, "nft list ruleset")
		if j, c := strings.Count(dump, "jump ftpswiz_"), strings.Count(dump, "\tchain ftpswiz_"); b.router && (j != c || c == 0) {
			t.Errorf("%s after the reboot: %d jumps into %d ftpswiz chains:\n%s", b.name, j, c, dump)
		}
		if !b.router && !strings.Contains(dump, "table inet ftpswiz {") {
			t.Errorf("%s after the reboot: no table inet ftpswiz:\n%s", b.name, dump)
		}
	}
}

// slices2 is a and b in one new slice.
func slices2(a, b []reapplyFlow) []reapplyFlow { return append(append([]reapplyFlow{}, a...), b...) }
