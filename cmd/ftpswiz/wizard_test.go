package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// runInTerminal runs the command line in-process as if standard input and
// output were a terminal, with the given environment.
func runInTerminal(t *testing.T, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	opts := &rootOptions{
		In:         strings.NewReader(stdin),
		Out:        &out,
		ErrOut:     &errOut,
		Detector:   fakeMachine(),
		Now:        fixedNow,
		Getenv:     func(k string) string { return env[k] },
		IsTerminal: func() bool { return true },
		Version:    "v1.2.3-test",
	}
	code := run(context.Background(), args, opts)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

func TestWizardNeedsATerminal(t *testing.T) {
	for _, args := range [][]string{nil, {"--accessible"}, {"--out", "x", "--save-answers", "a.yaml"}} {
		r := runFTPSwiz(t, "", args...)
		if r.code != codeUsage || r.stdout != "" {
			t.Errorf("%v: exit %d stdout %q, want %d and nothing", args, r.code, r.stdout, codeUsage)
		}
		if !strings.Contains(r.stderr, "needs a terminal") || !strings.Contains(r.stderr, "ftpswiz generate --answers FILE") {
			t.Errorf("%v: stderr does not point to generate:\n%s", args, r.stderr)
		}
	}
}

// clientOnlyScript answers the accessible wizard for a client behind CGNAT
// connecting to a partner's FTPS server: the partner accepts only FTPS (y,
// so FTPS without asking), client, explicit, CGNAT, the server, its passive
// range, the preselected software and firewall, no optional settings, the
// offered directory.
const clientOnlyScript = "y\n2\n\n3\nftp.vendor.example\n50000-50099\n0\n0\n\n\n"

func TestWizardAccessibleSavesAnswers(t *testing.T) {
	dir := t.TempDir()
	out, saved := filepath.Join(dir, "out"), filepath.Join(dir, "saved.yaml")
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"flag", nil, []string{"--accessible", "--out", out, "--save-answers", saved}},
		{"ACCESSIBLE=1", map[string]string{"ACCESSIBLE": "1"}, []string{"-o", out + "2", "--save-answers", saved + "2"}},
		{"TERM=dumb", map[string]string{"TERM": "dumb"}, []string{"-o", out + "3", "--save-answers", saved + "3"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runInTerminal(t, clientOnlyScript, tt.env, tt.args...)
			if r.code != codeOK {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			o, s := tt.args[len(tt.args)-3], tt.args[len(tt.args)-1]
			if !strings.Contains(r.stdout, "ftpswiz wrote the plan to "+o) || !strings.Contains(r.stdout, filepath.Join(o, "client", "lftp.rc")) ||
				!strings.Contains(r.stdout, "Answers saved to "+s) {
				t.Errorf("stdout summary:\n%s", r.stdout)
			}
			if strings.Contains(r.stdout, "Enter a number") || !strings.Contains(r.stderr, "Enter a number") {
				t.Errorf("prompts must go to stderr only")
			}
			if readFile(t, s) != readFile(t, filepath.Join(o, "answers.yaml")) {
				t.Errorf("saved answers differ from answers.yaml")
			}
			// The saved answers repeat the run non-interactively.
			again := filepath.Join(t.TempDir(), "again")
			if g := runFTPSwiz(t, "", "generate", "--answers", s, "--out", again); g.code != codeOK {
				t.Fatalf("generate --answers saved: exit %d\n%s", g.code, g.stderr)
			}
			want := readTree(t, o)
			for p, c := range readTree(t, again) {
				if string(want[p]) != string(c) {
					t.Errorf("%s differs when generated from the saved answers", p)
				}
			}
		})
	}
}

func TestWizardAbortWritesNothing(t *testing.T) {
	dir := t.TempDir()
	r := runInTerminal(t, "y\n2\n\n3\n", nil, "--accessible", "--out", filepath.Join(dir, "out"), "--save-answers", filepath.Join(dir, "a.yaml"))
	if r.code != codeInterrupted || r.stdout != "" {
		t.Fatalf("exit %d stdout %q, want %d and nothing\n%s", r.code, r.stdout, codeInterrupted, r.stderr)
	}
	if !strings.Contains(r.stderr, "nothing was written") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	if files := readTree(t, dir); len(files) != 0 {
		t.Errorf("files written: %v", files)
	}
}

func TestWizardSaveAnswersCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{filepath.Join(dir, "missing", "a.yaml"), dir} {
		r := runInTerminal(t, clientOnlyScript, nil, "--accessible", "--out", filepath.Join(dir, "out"), "--save-answers", path)
		if r.code != codeUsage || strings.Contains(r.stderr, "Enter a number") {
			t.Errorf("--save-answers %s: exit %d (want %d before any question)\n%s", path, r.code, codeUsage, r.stderr)
		}
	}
}
