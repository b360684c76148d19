package main

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateDiff: --diff shows what would change and writes nothing;
// exit 0 when nothing would change, 3 when something would.
func TestGenerateDiff(t *testing.T) {
	classic := scenario("classic")
	out := filepath.Join(t.TempDir(), "out")
	conf := filepath.Join(out, "server", "vsftpd.conf")
	report := filepath.Join(out, "REPORT.md")
	tests := []struct {
		name    string
		prepare func(t *testing.T)
		code    int
		want    []string // in stdout
		notWant []string
		stderr  string
	}{
		{"missing directory: every file added", func(t *testing.T) {}, codeExists,
			[]string{"--- /dev/null\n+++ b/REPORT.md\n@@ -0,0 +1,", "+++ b/server/vsftpd.conf", "+pasv_min_port=50000"}, []string{"--- a/"}, "17 new"},
		{"up to date", func(t *testing.T) {
			if r := runFTPSwiz(t, "", "generate", "--answers", classic, "--out", out); r.code != codeOK {
				t.Fatalf("generate: %d %s", r.code, r.stderr)
			}
		}, codeOK, nil, []string{"---", "+++", "# mode"}, "up to date"},
		{"one file edited, one mode changed", func(t *testing.T) {
			data := strings.Replace(readFile(t, conf), "pasv_min_port=50000", "pasv_min_port=40000", 1)
			if err := os.WriteFile(conf, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(report, 0o600); err != nil {
				t.Fatal(err)
			}
		}, codeExists, []string{"--- a/server/vsftpd.conf\n+++ b/server/vsftpd.conf\n", "-pasv_min_port=40000\n+pasv_min_port=50000\n",
			"# mode REPORT.md: 0600 -> 0644 (content unchanged)"}, []string{"/dev/null", "HANDOUT.md"}, "1 changed, 1 mode changed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.prepare(t)
			before := snapshotOrNone(t, out)
			r := runFTPSwiz(t, "", "generate", "--answers", classic, "--out", out, "--diff")
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %s", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("diff lacks %q:\n%.3000s", w, r.stdout)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(r.stdout, w) {
					t.Errorf("diff has %q:\n%.3000s", w, r.stdout)
				}
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q: %s", tt.stderr, r.stderr)
			}
			if after := snapshotOrNone(t, out); !maps.Equal(after, before) {
				t.Errorf("--diff changed the directory: %d entries before, %d after", len(before), len(after))
			}
		})
	}
	// --diff --json: the same, as JSON (the state of the last case).
	r := runFTPSwiz(t, "", "generate", "--answers", classic, "--out", out, "--diff", "--json")
	var g docGenerate
	decodeOne(t, r.stdout, &g)
	kinds := map[string]string{}
	for _, f := range g.Files {
		kinds[f.Path] = f.Kind
		if f.Path == "server/vsftpd.conf" && !strings.Contains(f.Diff, "+pasv_min_port=50000") {
			t.Errorf("no diff in the JSON: %q", f.Diff)
		}
	}
	if r.code != codeExists || g.Written || kinds["server/vsftpd.conf"] != "changed" || kinds["REPORT.md"] != "mode changed" ||
		kinds["HANDOUT.md"] != "unchanged" {
		t.Errorf("--diff --json: exit %d, written %v, kinds %v", r.code, g.Written, kinds)
	}
	for _, args := range [][]string{{"--diff", "--force"}, {"--diff", "--stdout"}, {"--json", "--stdout"}} {
		if r := runFTPSwiz(t, "", append([]string{"generate", "--answers", classic}, args...)...); r.code != codeUsage {
			t.Errorf("%v: exit %d", args, r.code)
		}
	}
}

// snapshotOrNone is snapshot, or nil when dir does not exist.
func snapshotOrNone(t *testing.T, dir string) map[string]string {
	t.Helper()
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil
	}
	return snapshot(t, dir)
}
