package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// REPORT.md's hints say `ftpswiz explain passive.range`, to be run next to
// it: explain finds the answers.yaml of the current directory by itself.
func TestExplainFindsAnswersInCurrentDirectory(t *testing.T) {
	src, err := os.ReadFile(scenarioAbs(t, "classic"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "answers.yaml"), src, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	r := runFTPSwiz(t, "", "explain", "passive.range")
	if r.code != codeOK || !strings.Contains(r.stdout, "(passive.range): ") {
		t.Fatalf("explain passive.range next to answers.yaml: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A topic is still a topic, with or without answers.yaml.
	if r := runFTPSwiz(t, "", "explain", "passive-vs-active"); r.code != codeOK {
		t.Fatalf("explain passive-vs-active: exit %d\n%s", r.code, r.stderr)
	}
	// Without answers.yaml here, the error says how to get one.
	t.Chdir(t.TempDir())
	r = runFTPSwiz(t, "", "explain", "passive.range")
	if r.code != codeUsage || !strings.Contains(r.stderr, "answers.yaml in the current directory") {
		t.Fatalf("explain passive.range without answers: exit %d\n%s", r.code, r.stderr)
	}
}

// The default output directory lands inside a checkout when the wizard runs
// there: git ignores it.
func TestDefaultOutDirIgnored(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if l == "/"+defaultOutDir+"/" || l == defaultOutDir || l == "/"+defaultOutDir || l == defaultOutDir+"/" {
			return
		}
	}
	t.Errorf(".gitignore does not ignore %s:\n%s", defaultOutDir, data)
}
