package generators

import (
	"github.com/ftpswiz/ftpswiz/internal/lab"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// fwScenarios are the answers files under testdata/firewall.
var fwScenarios = []string{
	"port-forward-classic",
	"shared-boxes",
	"one-to-one-router",
	"one-to-one-cloud",
	"dynamic-dns",
	"nat-none",
	"client-masquerade",
	"client-host",
	"mode-both",
	"active-mode",
}

// fwPlan decodes testdata/firewall/NAME.yaml and runs Decide on it.
func fwPlan(t testing.TB, name string) *wizard.Plan {
	t.Helper()
	return decideFile(t, filepath.Join("..", "testdata", "firewall", name+".yaml"), nil)
}

// fwRender renders the plan with the firewall renderers only.
func fwRender(t testing.TB, p *wizard.Plan) []File {
	t.Helper()
	files, err := RenderWith(firewallRenderers(), p)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// fwWrite writes files into a fresh directory and returns it.
func fwWrite(t testing.TB, files []File) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Content, f.Mode); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// fwFile returns the file with the given path.
func fwFile(t testing.TB, files []File, path string) File {
	t.Helper()
	for _, f := range files {
		if f.Path == path {
			return f
		}
	}
	t.Fatalf("no file %s", path)
	return File{}
}

// fwHasLine reports whether text has a line equal to line (after trimming).
func fwHasLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}

// fwDebianNftables is Debian 12's default /etc/nftables.conf.
const fwDebianNftables = lab.DebianNftables

// fwNftCheck is the shell lines that check an nftables file with nft -c
// in a fresh namespace: Debian's default ruleset is loaded first, so a
// shared box's file finds the table it adds to (in a fresh namespace only:
// the flush ruleset must never run elsewhere).
func fwNftCheck(path string) string {
	return "nft -f - <<'FTPSWIZ_DEBIAN'\n" + fwDebianNftables + "FTPSWIZ_DEBIAN\nnft -c -f " + shQuote(path) + "\n"
}
