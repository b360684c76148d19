package generators

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// fwHeaderApply returns the apply commands an iptables file documents in
// its header (the "#   " lines between "# Apply" and "# Check"): since
// issue 10 the one iptables-restore command, the jumps being in the file.
func fwHeaderApply(t testing.TB, text string) []string {
	t.Helper()
	var out []string
	in := false
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, "# Apply"):
			in = true
		case strings.HasPrefix(l, "# Check"):
			in = false
		case in && strings.HasPrefix(l, "#   ("):
			// the note on re-running it
		case in && strings.HasPrefix(l, "#   "):
			out = append(out, strings.TrimPrefix(l, "#   "))
		}
	}
	if len(out) < 1 {
		t.Fatalf("no apply commands in the header:\n%s", text)
	}
	return out
}

// fwIptablesVariants are the iptables builds the apply commands are run
// with: a directory to put first in PATH ("" for the default) and a name.
func fwIptablesVariants(t testing.TB) map[string]string {
	t.Helper()
	legacy := t.TempDir()
	for _, tool := range []string{"iptables", "iptables-restore", "iptables-save", "ip6tables", "ip6tables-restore", "ip6tables-save"} {
		target, err := exec.LookPath(strings.Replace(tool, "iptables", "iptables-legacy", 1))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(legacy, tool)); err != nil {
			t.Fatal(err)
		}
	}
	return map[string]string{"default": "", "legacy": legacy}
}

// fwPathPrefix is a shell line that puts dir first in PATH ("" for none).
func fwPathPrefix(dir string) string {
	if dir == "" {
		return ""
	}
	return "export PATH=" + shQuote(dir) + ":$PATH\n"
}

// TestFirewallNftIdempotent applies every .nft twice in a fresh namespace
// that already has another table: the ruleset after the second run is the
// one after the first, and the other table is untouched.
func TestFirewallNftIdempotent(t *testing.T) {
	lab.Require(t, "nft", "unshare", "bash")
	for _, name := range fwScenarios {
		t.Run(name, func(t *testing.T) {
			files := fwRender(t, fwPlan(t, name))
			dir := fwWrite(t, files)
			for _, f := range files {
				if !strings.HasSuffix(f.Path, ".nft") {
					continue
				}
				script := "set -e\n" + "nft -f - <<'FTPSWIZ_DEBIAN'\n" + fwDebianNftables + "FTPSWIZ_DEBIAN\n" + `
nft add table inet other
nft add chain inet other input '{ type filter hook input priority 10; policy accept; }'
nft add rule inet other input tcp dport 1 accept
nft -f "$1"
nft list ruleset
echo =====
nft -f "$1"
nft list ruleset
`
				out, err := fwExec("unshare", "--net", "bash", "-c", script, "x", filepath.Join(dir, f.Path))
				if err != nil {
					t.Fatalf("%s: %v\n%s", f.Path, err, out)
				}
				first, second, _ := strings.Cut(out, "=====\n")
				shared := strings.Contains(string(f.Content), "\ninsert rule ")
				if shared {
					// Loaded with plain nft -f (not its apply command,
					// nftSharedApply, which TestSharedNftReapplyKeepsOneJump
					// runs), a second run adds a second jump and changes
					// nothing else.
					if n := strings.Count(first, "jump ftpswiz_"); n == 0 || strings.Count(second, "jump ftpswiz_") != 2*n {
						t.Errorf("%s: %d jumps after one run, %d after two", f.Path, n, strings.Count(second, "jump ftpswiz_"))
					}
					first, second = fwDropLines(first, "jump ftpswiz_"), fwDropLines(second, "jump ftpswiz_")
				}
				if first != second {
					t.Errorf("%s: ruleset changed on re-apply:\n--- first\n%s\n--- second\n%s", f.Path, first, second)
				}
				if !strings.Contains(second, "table inet other") || !strings.Contains(second, "tcp dport 1 accept") {
					t.Errorf("%s: the other table was touched:\n%s", f.Path, second)
				}
				if !shared && !strings.Contains(second, "table inet ftpswiz") {
					t.Errorf("%s: ftpswiz's table missing:\n%s", f.Path, second)
				}
				if shared && (strings.Contains(second, "table inet ftpswiz {") || !strings.Contains(second, "chain ftpswiz_")) {
					t.Errorf("%s: a shared box's file must add its chains to the box's table, not a table of its own:\n%s", f.Path, second)
				}
			}
		})
	}
}

// TestFirewallIptablesIdempotent runs the apply commands of every
// .iptables and .ip6tables header twice, with the nft and the legacy
// iptables, in a fresh namespace that already has rules: the rules after
// the second run are the ones after the first, the other rules stay, and
// each jump into ftpswiz's chains is there once, as the first rule of its
// built-in chain. The fwScenarios plans are IPv4 only: the dual-stack
// scenario brings the .ip6tables files. (The control, plain
// iptables-restore --noflush run twice leaving two jumps, is in
// TestSharedIptablesReapplyKeepsOneJump.)
func TestFirewallIptablesIdempotent(t *testing.T) {
	lab.Require(t, "iptables", "iptables-restore", "iptables-legacy", "iptables-legacy-restore",
		"ip6tables", "ip6tables-restore", "ip6tables-legacy", "ip6tables-legacy-restore", "awk", "unshare", "bash")
	variants := fwIptablesVariants(t)
	plans := map[string]*wizard.Plan{}
	for _, name := range fwScenarios {
		plans[name] = fwPlan(t, name)
	}
	plans["dual-stack"] = decideFile(t, filepath.Join("..", "testdata", "scenarios", "dual-stack", "answers.yaml"), nil)
	for name, p := range plans {
		t.Run(name, func(t *testing.T) {
			files := fwRender(t, p)
			dir := fwWrite(t, files)
			for _, f := range files {
				tool := "iptables"
				switch {
				case strings.HasSuffix(f.Path, ".ip6tables"):
					tool = "ip6tables"
				case !strings.HasSuffix(f.Path, ".iptables"):
					continue
				}
				apply := strings.Join(fwHeaderApply(t, string(f.Content)), "\n")
				for variant, bin := range variants {
					script := "set -e\n" + fwPathPrefix(bin) + "cd " + shQuote(filepath.Join(dir, "firewall")) + `
T=` + tool + `
$T -A INPUT -p tcp --dport 1 -j ACCEPT
$T -A FORWARD -p tcp --dport 2 -j ACCEPT
$T -t nat -A POSTROUTING -o nowhere0 -j MASQUERADE
` + apply + `
$T-save | grep -v '^#'
echo =====
` + apply + `
$T-save | grep -v '^#'
`
					out, err := fwExec("unshare", "--net", "bash", "-c", script)
					if err != nil {
						t.Fatalf("%s (%s): %v\n%s", f.Path, variant, err, out)
					}
					first, second, _ := strings.Cut(out, "=====\n")
					fwCheckJumps(t, f.Path+" ("+variant+", applied once)", first, 1)
					if first != second {
						t.Errorf("%s (%s): rules changed on re-apply:\n--- first\n%s\n--- second\n%s", f.Path, variant, first, second)
					}
					for _, keep := range []string{"-A INPUT -p tcp -m tcp --dport 1 -j ACCEPT", "-A FORWARD -p tcp -m tcp --dport 2 -j ACCEPT", "-A POSTROUTING -o nowhere0 -j MASQUERADE"} {
						if !strings.Contains(second, keep) {
							t.Errorf("%s (%s): lost the other rule %q:\n%s", f.Path, variant, keep, second)
						}
					}
					fwCheckJumps(t, f.Path+" ("+variant+", applied twice)", second, 1)
				}
			}
		})
	}
}

// fwDropLines removes the lines containing sub.
func fwDropLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// fwCheckJumps checks that every FTPSWIZ chain in an iptables-save dump is
// jumped to want times, from the first rule of its built-in chain.
func fwCheckJumps(t *testing.T, what, save string, want int) {
	t.Helper()
	firstRule := map[string]string{}
	count := map[string]int{}
	chains := 0
	for _, l := range strings.Split(save, "\n") {
		if strings.HasPrefix(l, "*") {
			firstRule = map[string]string{}
		}
		if strings.HasPrefix(l, ":FTPSWIZ-") {
			chains++
		}
		f := strings.Fields(l)
		if len(f) < 2 || f[0] != "-A" {
			continue
		}
		if _, ok := firstRule[f[1]]; !ok {
			firstRule[f[1]] = l
		}
		if strings.HasSuffix(l, " -j FTPSWIZ-"+f[1]) {
			count[f[1]]++
			if firstRule[f[1]] != l && want == 1 {
				t.Errorf("%s: the jump %q is not the first rule of %s", what, l, f[1])
			}
		}
	}
	n := 0
	for chain, c := range count {
		if c != want {
			t.Errorf("%s: %d jumps from %s", what, c, chain)
		}
		n++
	}
	if n != chains || chains == 0 {
		t.Errorf("%s: %d FTPSWIZ chains but %d hooked:\n%s", what, chains, n, save)
	}
}
