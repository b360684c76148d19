package fleet_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/fleet"
	"github.com/ftpswiz/ftpswiz/generators"
	"github.com/ftpswiz/ftpswiz/internal/golden"
	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
	"go.yaml.in/yaml/v3"
)

func init() { golden.DefineUpdateFlag() }

const classic = "../testdata/fleet/classic/answers.yaml"

func renderFleet(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	fa, err := fleet.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	fp, err := fleet.Decide(fa)
	if err != nil {
		t.Fatal(err)
	}
	files, err := generators.RenderFleet(fp)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Path] = f.Content
	}
	return m
}

func readClassic(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(classic)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFleetGolden pins every output of the classic fleet.
func TestFleetGolden(t *testing.T) {
	golden.RequireEqualDir(t, "../testdata/fleet/classic/expected", renderFleet(t, readClassic(t)))
}

// forwards returns the lines of a router ruleset that forward or DNAT to
// addr.
func forwards(ruleset []byte, addr string) []string {
	var out []string
	for _, l := range strings.Split(string(ruleset), "\n") {
		if (strings.Contains(l, "dnat to "+addr) || strings.Contains(l, "daddr "+addr+" ") ||
			strings.Contains(l, "--to-destination "+addr) || strings.Contains(l, "-d "+addr+" ")) && !strings.HasPrefix(strings.TrimSpace(l), "#") {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

// TestFleetRouterKeepsEveryServer: the router's one ruleset forwards both
// servers' control ports and passive ranges; regenerating after a change to
// one server leaves the other's forwards and every file of the other server
// as they were.
func TestFleetRouterKeepsEveryServer(t *testing.T) {
	before := renderFleet(t, readClassic(t))
	changed := strings.Replace(string(readClassic(t)), "          concurrent_transfers: 40\n", "          concurrent_transfers: 60\n", 1)
	changedA := strings.Replace(changed, "        host_address: 10.20.0.2\n", "        host_address: 10.20.0.2\n        capacity:\n          concurrent_transfers: 20\n", 1)
	if changedA == string(readClassic(t)) || changed == changedA {
		t.Fatal("fixture did not change")
	}
	after := renderFleet(t, []byte(changedA))
	for _, f := range []string{"routers/office-gw/firewall/server-router.nft", "routers/office-gw/firewall/server-router.iptables"} {
		for _, addr := range []string{"10.20.0.2", "10.20.0.3"} {
			if n := len(forwards(before[f], addr)); n < 4 {
				t.Errorf("%s forwards %d rules to %s, want control and passive (DNAT and forward):\n%s", f, n, addr, before[f])
			}
		}
	}
	// A change to ftp-b alone (its concurrency, so its passive range
	// grows): ftp-a's files and forwards stay as they were.
	onlyB := renderFleet(t, []byte(changed))
	for p, b := range before {
		if strings.HasPrefix(p, "servers/ftp-a/") && string(onlyB[p]) != string(b) {
			t.Errorf("changing ftp-b changed %s", p)
		}
	}
	rb, ra := before["routers/office-gw/firewall/server-router.nft"], onlyB["routers/office-gw/firewall/server-router.nft"]
	if strings.Join(forwards(rb, "10.20.0.2"), "\n") != strings.Join(forwards(ra, "10.20.0.2"), "\n") {
		t.Errorf("changing ftp-b changed ftp-a's forwards:\n%s\n---\n%s", forwards(rb, "10.20.0.2"), forwards(ra, "10.20.0.2"))
	}
	if strings.Join(forwards(rb, "10.20.0.3"), "\n") == strings.Join(forwards(ra, "10.20.0.3"), "\n") {
		t.Error("control: ftp-b's forwards did not change although its passive range grew")
	}
	// Growing ftp-a's range moves ftp-b's range after it: the allocation
	// keeps them apart, and both are still forwarded.
	ra = after["routers/office-gw/firewall/server-router.nft"]
	for _, addr := range []string{"10.20.0.2", "10.20.0.3"} {
		if len(forwards(ra, addr)) < 4 {
			t.Errorf("after growing ftp-a, %s lost its forwards", addr)
		}
	}
	// No server writes its own router file: loading it would replace the
	// others' forwards.
	for p := range before {
		if strings.HasPrefix(p, "servers/") && strings.Contains(p, "server-router") {
			t.Errorf("%s: a server's own router file is written", p)
		}
	}
}

// TestFleetRouterRulesetLoads: the router's and sites' rulesets pass nft -c
// and iptables-restore --test, and the nft ruleset, loaded in a namespace,
// holds both servers' DNAT rules.
func TestFleetRouterRulesetLoads(t *testing.T) {
	lab.Require(t, "nft", "iptables-restore")
	files := renderFleet(t, readClassic(t))
	ns := lab.NewNamespace(t)
	dir := t.TempDir()
	for p, b := range files {
		if !strings.HasPrefix(p, "routers/") && !strings.HasPrefix(p, "sites/") || !strings.Contains(p, "/firewall/") {
			continue
		}
		f := filepath.Join(dir, strings.ReplaceAll(p, "/", "_"))
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(p, ".nft"):
			if _, stderr, err := ns.Run(20*time.Second, "nft", "-c", "-f", f); err != nil {
				t.Errorf("nft -c -f %s: %v\n%s", p, err, stderr)
			}
		case strings.HasSuffix(p, ".iptables"):
			if _, stderr, err := ns.RunInput(20*time.Second, string(b), "iptables-restore", "--test"); err != nil {
				t.Errorf("iptables-restore --test < %s: %v\n%s", p, err, stderr)
			}
		}
	}
	rt := filepath.Join(dir, "routers_office-gw_firewall_server-router.nft")
	ns.MustRun("nft", "-f", rt)
	ns.MustRun("nft", "-f", rt) // twice: the same result
	listed := ns.MustRun("nft", "list", "table", "ip", "ftpswiz_nat")
	for _, want := range []string{"tcp dport 21 dnat to 10.20.0.2", "tcp dport 2121 dnat to 10.20.0.3", "tcp dport 50000-50074 dnat to 10.20.0.2", "dnat to 10.20.0.3"} {
		if !strings.Contains(listed, want) {
			t.Errorf("loaded router ruleset lacks %q:\n%s", want, listed)
		}
	}
}

// TestFleetAnsibleProject: ansible-playbook --syntax-check and ansible-lint
// (production profile) accept the generated project.
func TestFleetAnsibleProject(t *testing.T) {
	lab.Require(t, "ansible-playbook", "ansible-lint")
	dir := t.TempDir()
	for p, b := range renderFleet(t, readClassic(t)) {
		f := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"HOME=" + dir, "ANSIBLE_NOCOLOR=1", "ANSIBLE_LOCAL_TEMP=" + filepath.Join(dir, "tmp")}
	if out, err := run(t, time.Minute, filepath.Join(dir, "ansible"), env, "ansible-playbook", "site.yml", "--syntax-check"); err != nil {
		t.Fatalf("ansible-playbook --syntax-check: %v\n%s", err, out)
	}
	out, err := run(t, 4*time.Minute, filepath.Join(dir, "ansible"), env, "ansible-lint", "--offline", "--nocolor", "-p", "site.yml")
	if err != nil {
		t.Fatalf("ansible-lint: %v\n%s", err, out)
	}
	// Negative control: a task without a name fails the same lint.
	bad := filepath.Join(dir, "ansible", "roles", "router", "tasks", "main.yml")
	b, _ := os.ReadFile(bad)
	if err := os.WriteFile(bad, append(b, []byte("\n- ansible.builtin.command: echo hi\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, 4*time.Minute, filepath.Join(dir, "ansible"), env, "ansible-lint", "--offline", "--nocolor", "-p", "site.yml"); err == nil {
		t.Fatalf("control: ansible-lint accepted an unnamed task:\n%s", out)
	}
}

// TestMergedSidesRefuseOverlaps: two plans forwarding overlapping ports to
// different hosts cannot share one router ruleset.
func TestMergedSidesRefuseOverlaps(t *testing.T) {
	mk := func(host string) *wizard.Plan {
		a := wizard.Answers{Version: 1, Role: wizard.RoleServer, Server: &wizard.Server{PublicAddress: "198.51.100.10", HostAddress: host,
			NAT: wizard.NATPortForward, Router: &wizard.Router{WANInterface: "wan0", LANInterface: "lan0"},
			Capacity: wizard.Capacity{Transfers: 4}}}
		p, err := wizard.Decide(a)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	_, err := generators.RenderMergedSides([]*wizard.Plan{mk("10.20.0.2"), mk("10.20.0.3")}, []wizard.Side{wizard.SideServerRouter})
	if err == nil || !strings.Contains(err.Error(), "overlap") {
		t.Fatalf("err %v, want an overlap error", err)
	}
	if _, err := generators.RenderMergedSides([]*wizard.Plan{mk("10.20.0.2")}, []wizard.Side{wizard.SideServerRouter}); err != nil {
		t.Fatalf("control: one plan: %v", err)
	}
}

// TestFleetIPv6Server: a server with an IPv6 address renders; its router
// forwards IPv6 too and the playbook turns IPv6 forwarding on there.
func TestFleetIPv6Server(t *testing.T) {
	in := strings.Replace(string(readClassic(t)), "        host_address: 10.20.0.2\n",
		"        host_address: 10.20.0.2\n        ipv6_address: 2001:db8::2\n        allowed_clients: [192.0.2.20/32, \"2001:db8:1::/48\"]\n", 1)
	files := renderFleet(t, []byte(in))
	if !strings.Contains(string(files["ansible/host_vars/office-gw.yml"]), "router_ipv6_forwarding: true") {
		t.Errorf("router vars lack IPv6 forwarding:\n%s", files["ansible/host_vars/office-gw.yml"])
	}
	if !strings.Contains(string(readClassicRendered(t)["ansible/host_vars/office-gw.yml"]), "router_ipv6_forwarding: false") {
		t.Error("control: the IPv4-only fleet's router turns IPv6 forwarding on")
	}
}

func readClassicRendered(t *testing.T) map[string][]byte { return renderFleet(t, readClassic(t)) }

// TestFleetRouterOfAnotherKind: a fleet's router that is not a Linux box
// gets its make's file with every server's forwards (and a hairpin rule
// per server), is left out of the playbook, and the fleet's REPORT.md says
// to apply it by hand. (Before: no router file at all, and exit 0.)
func TestFleetRouterOfAnotherKind(t *testing.T) {
	base := strings.Replace(string(readClassic(t)), "      wan_interface: wan0\n      lan_interface: lan0\n      firewall: {use: dedicated}\n",
		"      kind: KIND\n", 1)
	if base == string(readClassic(t)) {
		t.Fatal("fixture did not change: the classic fleet's router block moved")
	}
	for _, tt := range []struct{ kind, file string }{
		{"mikrotik", "server-router.rsc"},
		{"openwrt", "server-router.openwrt.sh"},
		{"fortigate", "server-router.fortigate.conf"},
		{"pfsense", "server-router.pfsense.md"},
		{"opnsense", "server-router.opnsense.md"},
		{"web", "server-router.router.md"},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			files := renderFleet(t, []byte(strings.Replace(base, "KIND", tt.kind, 1)))
			rf, ok := files["routers/office-gw/firewall/"+tt.file]
			if !ok {
				t.Fatalf("no routers/office-gw/firewall/%s", tt.file)
			}
			for _, addr := range []string{"10.20.0.2", "10.20.0.3"} {
				if !strings.Contains(string(rf), addr) {
					t.Errorf("%s does not forward to %s:\n%s", tt.file, addr, rf)
				}
			}
			for p := range files {
				if strings.HasPrefix(p, "routers/") && !strings.HasSuffix(p, tt.file) {
					t.Errorf("unexpected router file %s", p)
				}
			}
			if inv := string(files["ansible/inventory.yml"]); strings.Contains(inv, "office-gw") || strings.Contains(inv, "ftpswiz_routers") {
				t.Errorf("the playbook's inventory names the %s router:\n%s", tt.kind, inv)
			}
			if _, ok := files["ansible/host_vars/office-gw.yml"]; ok {
				t.Error("host_vars for a router the playbook does not configure")
			}
			if !strings.Contains(string(files["REPORT.md"]), "the playbook configures Linux routers only, so apply its file by hand") {
				t.Error("REPORT.md does not say to apply the router's file by hand")
			}
		})
	}
	mt := string(renderFleet(t, []byte(strings.Replace(base, "KIND", "mikrotik", 1)))["routers/office-gw/firewall/server-router.rsc"])
	for _, want := range []string{`dst-address=10.20.0.2 dst-port=21,50000-50074 comment="ftpswiz hairpin"`,
		`dst-address=10.20.0.3 dst-port=2121,50075-50260 comment="ftpswiz hairpin"`} {
		if !strings.Contains(mt, want) {
			t.Errorf("RouterOS hairpin rule missing: %s\n%s", want, mt)
		}
	}
}

// TestFleetDynamicDNSTimer: a fleet whose servers sit behind a dynamic
// address gets the pasv-refresh files installed and its timer in the
// build's timers, which the playbook starts and enables, as REPORT.md's apply step does by hand (before:
// the files were copied, and the timer never ran).
func TestFleetDynamicDNSTimer(t *testing.T) {
	in := strings.Replace(string(readClassic(t)), "    public_address: 198.51.100.10\n    nat: port-forward\n",
		"    public_address: ftps.example.net\n    nat: dynamic-dns\n    tls: {source: self-signed}\n", 1)
	if in == string(readClassic(t)) {
		t.Fatal("fixture did not change: the classic fleet's address block moved")
	}
	for name, tt := range map[string]struct {
		in        string
		wantTimer bool
	}{
		"dynamic-dns":  {in, true},
		"port-forward": {string(readClassic(t)), false},
	} {
		t.Run(name, func(t *testing.T) {
			vars := renderFleet(t, []byte(tt.in))["ansible/host_vars/ftp-a.yml"]
			var hv struct {
				Builds map[string]struct {
					Timers    []string `yaml:"timers"`
					UnitFiles []struct {
						Dest string `yaml:"dest"`
					} `yaml:"unit_files"`
				} `yaml:"vsftpd_builds"`
			}
			if err := yaml.Unmarshal(vars, &hv); err != nil {
				t.Fatalf("host_vars: %v\n%s", err, vars)
			}
			if len(hv.Builds) == 0 {
				t.Fatalf("host_vars without builds:\n%s", vars)
			}
			for flavour, b := range hv.Builds {
				started := slices.Contains(b.Timers, wizard.PasvRefreshTimer)
				installed := slices.ContainsFunc(b.UnitFiles, func(f struct {
					Dest string `yaml:"dest"`
				}) bool {
					return strings.HasSuffix(f.Dest, "/"+wizard.PasvRefreshTimer)
				})
				if started != tt.wantTimer || installed != tt.wantTimer {
					t.Errorf("build %s: timer started %v, installed %v, want %v:\n%s", flavour, started, installed, tt.wantTimer, vars)
				}
			}
		})
	}
}
