package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMan: the pages are roff generated from the commands' help, one per
// command, dated reproducibly, and bad input is a usage error.
func TestMan(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"root page", []string{"man"}, codeOK, []string{`.TH "FTPSWIZ" "1"`, "ftpswiz manual", ".SH SYNOPSIS", "generate --answers answers.yaml"}},
		{"one command", []string{"man", "generate"}, codeOK, []string{`.TH "FTPSWIZ-GENERATE" "1"`, `\fB--force\fP`, "NAME.bak-YYYYMMDD-HHMMSS"}},
		{"nested command", []string{"man", "completion", "bash"}, codeOK, []string{`.TH "FTPSWIZ-COMPLETION-BASH"`}},
		{"unknown command", []string{"man", "frobnicate"}, codeUsage, nil},
		{"dir with command", []string{"man", "generate", "--dir", t.TempDir()}, codeUsage, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runFTPSwiz(t, "", tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("page lacks %q:\n%.600s", w, r.stdout)
				}
			}
			if tt.code == codeOK && !strings.Contains(r.stdout, `"Mar 2026" "ftpswiz v1.2.3-test"`) {
				t.Errorf("header not dated by the clock / versioned:\n%.200s", r.stdout)
			}
		})
	}
}

func TestManDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "man1")
	r := runFTPSwiz(t, "", "man", "--dir", dir)
	if r.code != codeOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	listed := strings.Fields(r.stdout)
	for _, name := range []string{"ftpswiz.1", "ftpswiz-generate.1", "ftpswiz-ports.1", "ftpswiz-explain.1",
		"ftpswiz-compare.1", "ftpswiz-check.1", "ftpswiz-probe.1", "ftpswiz-schema.1", "ftpswiz-man.1"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !strings.HasPrefix(string(data), ".nh\n.TH ") {
			t.Errorf("%s is not a roff page: %.80q", name, data)
		}
		found := false
		for _, l := range listed {
			found = found || l == filepath.Join(dir, name)
		}
		if !found {
			t.Errorf("%s not listed on stdout: %q", name, listed)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(listed) {
		t.Errorf("%d files in dir, %d listed (temporary files left?)", len(entries), len(listed))
	}
}
