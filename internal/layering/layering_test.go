// Package layering asserts the import rule of issue 9: the linter, the
// prober and the detector do not import the planner, and the fact and
// helper packages import nothing of ftpswiz.
package layering

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const module = "github.com/ftpswiz/ftpswiz"

// deps returns the ftpswiz packages pkg depends on (itself included), as
// `go list -deps` reports them.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	//lint:ignore SA1019 tests run where they were built: this is the toolchain that is running them
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := exec.LookPath(goTool); err != nil {
		goTool = "go"
	}
	out, err := exec.Command(goTool, "list", "-deps", module+"/"+pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
	}
	var own []string
	for _, p := range strings.Fields(string(out)) {
		if p == module || strings.HasPrefix(p, module+"/") {
			own = append(own, strings.TrimPrefix(strings.TrimPrefix(p, module), "/"))
		}
	}
	if len(own) == 0 {
		t.Fatalf("go list -deps %s lists no ftpswiz package:\n%s", pkg, out)
	}
	return own
}

func TestImportRule(t *testing.T) {
	tests := []struct {
		pkg       string
		forbidden []string // packages (and their subpackages) pkg must not depend on
		onlyOwn   bool     // pkg depends on no other ftpswiz package
	}{
		{pkg: "vsftpdconf", forbidden: []string{"wizard", "generators", "cmd"}},
		{pkg: "probe", forbidden: []string{"wizard", "generators", "cmd"}},
		{pkg: "internal/detect", forbidden: []string{"wizard", "generators", "cmd"}},
		{pkg: "vsftpd", onlyOwn: true},
		{pkg: "netaddr", onlyOwn: true},
		{pkg: "firewall", onlyOwn: true},
		{pkg: "schema", onlyOwn: true},
		{pkg: "internal/safefile", onlyOwn: true},
		{pkg: "internal/chars", onlyOwn: true},
		// The catalogue of explanations is data: the linter and the prober
		// use it without the planner.
		{pkg: "explain", onlyOwn: true},
		// The fleet planner sits beside the wizard: the generators render
		// its plans, it never renders.
		{pkg: "fleet", forbidden: []string{"generators", "cmd", "vsftpdconf", "probe", "templates"}},
		// The negative control: the planner itself depends on the facts, so
		// the check sees real dependencies.
		{pkg: "wizard", forbidden: []string{"generators", "cmd", "vsftpdconf", "probe"}},
		// The renderers sit below the interactive face and the commands.
		{pkg: "generators", forbidden: []string{"wizard/tui", "cmd"}},
		{pkg: "templates", forbidden: []string{"wizard", "generators", "cmd"}},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			ds := deps(t, tt.pkg)
			for _, d := range ds {
				if tt.onlyOwn && d != tt.pkg {
					t.Errorf("%s imports %s; it must import nothing of ftpswiz", tt.pkg, d)
				}
				for _, f := range tt.forbidden {
					if d == f || strings.HasPrefix(d, f+"/") {
						t.Errorf("%s depends on %s (go list -deps): a lower package must not import a higher one", tt.pkg, d)
					}
				}
			}
			if tt.pkg == "wizard" && !contains(ds, "vsftpd") {
				t.Errorf("control: wizard should depend on vsftpd, go list -deps gives %v", ds)
			}
		})
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
