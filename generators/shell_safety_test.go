package generators

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Shell safety of the apply steps (issue 16 item 2): every command REPORT.md
// or a file header gives is built as a Cmd, whose values are quoted by
// shWord, so no value of the answers is ever expanded or split by the shell.

func TestShWord(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/etc/vsftpd.conf", "/etc/vsftpd.conf"},
		{"subjectAltName=IP:198.51.100.10", "subjectAltName=IP:198.51.100.10"},
		{"", "''"},
		{"a b", "'a b'"},
		{"$(touch x)", "'$(touch x)'"},
		{"`id`", "'`id`'"},
		{"a;b", "'a;b'"},
		{"it's", `'it'\''s'`},
		{"~acme", "'~acme'"},
		{"a\nb", "'a\nb'"},
		{"x*", "'x*'"},
	}
	for _, tt := range tests {
		if got := shWord(tt.in); got != tt.want {
			t.Errorf("shWord(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	c := Sh("install", "-m", "0644").File().Arg("/srv/a b").Op("2>/dev/null", "||").Arg("true").GlueArg(";x")
	if got, want := c.Line("firewall/x y.nft"), `install -m 0644 'firewall/x y.nft' '/srv/a b' 2>/dev/null || true';x'`; got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
}

// bashN runs bash -n on a script and returns its complaint.
func bashN(t *testing.T, script string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-n")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}

// TestGoldenReportStepsParse: every apply-step block of every golden
// scenario's REPORT.md (testdata/scenarios/*/expected, which TestGolden
// keeps equal to what generate writes) passes bash -n, and so does each
// command line a firewall file's header gives.
func TestGoldenReportStepsParse(t *testing.T) {
	lab.Require(t, "bash")
	reports, err := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*", "expected", "REPORT.md"))
	if err != nil || len(reports) < 8 {
		t.Fatalf("golden reports: %v %v", reports, err)
	}
	for _, path := range reports {
		doc, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		blocks := reportShellBlocks(string(doc))
		if len(blocks) < 3 {
			t.Errorf("%s: %d command blocks", path, len(blocks))
		}
		for _, b := range blocks {
			if err := bashN(t, b); err != nil {
				t.Errorf("%s: bash -n rejects:\n%s\n%v", path, b, err)
			}
		}
	}
	for _, sc := range []string{"classic", "both-modes", "cloud-one-to-one", "sftp-classic"} {
		p := decideFile(t, filepath.Join("..", "testdata", "scenarios", sc, "answers.yaml"), nil)
		files, err := Render(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			d := f.Desc
			for _, c := range append(append(append(append([]Cmd{}, d.Check...), d.Apply...), d.Show...), d.Remove...) {
				if err := bashN(t, c.Line(f.Path)); err != nil {
					t.Errorf("%s %s: %q: %v", sc, f.Path, c.Line(f.Path), err)
				}
			}
		}
	}
}

// shellHarness runs a script as nobody, in dir, with an empty PATH: every
// external command is a no-op (bash's command_not_found_handle, set through
// BASH_ENV, only logs its words), builtins run, and nobody cannot write
// outside dir. So the only effects a script can have are expansions, such as
// a `$(: >file)` that creates a file in dir.
func shellHarness(t *testing.T, dir, script string) string {
	t.Helper()
	env := filepath.Join(dir, "bash_env")
	log := filepath.Join(dir, "argv.log")
	if err := os.WriteFile(env, []byte(`command_not_found_handle() { printf '%s\n' "$@" >>`+shQuote(log)+`; return 0; }`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
		"/usr/bin/bash", "--noprofile", "--norc", "-c", script)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + filepath.Join(dir, "no-such-dir"), "BASH_ENV=" + env, "HOME=" + dir, "LC_ALL=C"}
	out, _ := cmd.CombinedOutput() // the steps fail without their tools; only effects count
	b, _ := os.ReadFile(log)
	return string(out) + string(b)
}

// pwned lists the files the hostile values would have created.
func pwned(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "pwn*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// hostile is a value with every way to make a shell do something: a
// space, ';', $(...), backticks and a single quote. Expanded, each part
// creates a file pwn<tag>-* in dir.
func hostile(dir, tag string) string {
	v := fmt.Sprintf("/srv/h %[2]s;: >%[1]s/pwn%[2]s-semi;$(: >%[1]s/pwn%[2]s-sub)`: >%[1]s/pwn%[2]s-tick`", dir, tag)
	if strings.HasPrefix(tag, "q") {
		v += fmt.Sprintf("'$(: >%[1]s/pwn%[2]s-q)", dir, tag)
	}
	return v
}

// TestReportStepsQuoteHostileValues renders REPORT.md for plans whose
// path-like and name fields hold hostile values (set on the Plan directly:
// the answers' validation would refuse them), and runs every command block
// in the harness: no value may be expanded (no pwn file appears), every
// block passes bash -n, and each hostile value reaches the commands as one
// word. The negative control runs an unquoted value and must create its file.
func TestReportStepsQuoteHostileValues(t *testing.T) {
	lab.Require(t, "bash", "setpriv")
	// t.TempDir's parent is private; nobody must reach dir to write the
	// pwn files, so dir is a world-writable directory of its own.
	dir, err := os.MkdirTemp("", "ftpswiz-shell-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}

	// Negative control: the harness does see an expansion.
	if out := shellHarness(t, dir, "ls /srv/h;$(: >"+dir+"/pwnctl-sub)"); len(pwned(t, dir)) == 0 {
		t.Fatalf("negative control: the unquoted value created no file; the harness cannot see expansions\n%s", out)
	}
	for _, f := range pwned(t, dir) {
		os.Remove(f)
	}

	ftps := func(p *wizard.Plan, q string) {
		s := p.Server
		s.CertFile, s.KeyFile = hostile(dir, q+"cert"), hostile(dir, q+"key")
		s.LocalRoot = hostile(dir, q+"root")
		s.UploadDir = "up " + strings.TrimPrefix(hostile(dir, q+"up"), "/")
		s.Users = []string{hostile(dir, q+"user")}
		s.UserListPath = hostile(dir, q+"ulist")
		s.OpenSSLConf = hostile(dir, q+"ossl")
		s.Instances[0].InstallPath = hostile(dir, q+"inst")
		p.Client.User = hostile(dir, q+"cuser")
	}
	sftp := func(p *wizard.Plan, q string) {
		sp := p.SFTP
		sp.ChrootRoot = hostile(dir, q+"chroot")
		sp.UploadDir = "up " + strings.TrimPrefix(hostile(dir, q+"sup"), "/")
		sp.Users = []string{hostile(dir, q+"suser")}
		sp.Group = hostile(dir, q+"group")
		sp.InstallPath = hostile(dir, q+"sinst")
		p.Client.User = hostile(dir, q+"scuser")
	}
	cases := []struct {
		scenario string
		edit     func(*wizard.Plan, string)
	}{
		{"classic", ftps},
		{"both-modes", ftps},
		{"sftp-classic", sftp},
	}
	for _, c := range cases {
		// Values with a single quote ("q" tags) and without: both must
		// stay single words.
		for _, q := range []string{"", "q"} {
			t.Run(c.scenario+"/"+q, func(t *testing.T) {
				p := decideFile(t, filepath.Join("..", "testdata", "scenarios", c.scenario, "answers.yaml"), nil)
				outputs, err := Render(p) // the files, with their descriptions, of the clean plan
				if err != nil {
					t.Fatal(err)
				}
				c.edit(p, q)
				doc, err := Report(p, outputs)
				if err != nil {
					t.Fatal(err)
				}
				blocks := reportShellBlocks(string(doc))
				seen := 0
				for _, b := range blocks {
					if err := bashN(t, b); err != nil {
						t.Errorf("bash -n rejects:\n%s\n%v", b, err)
						continue
					}
					if strings.Contains(b, "pwn") {
						seen++
					}
					out := shellHarness(t, dir, b)
					if got := pwned(t, dir); len(got) > 0 {
						t.Errorf("a value was expanded: %v created by\n%s\n%s", got, b, out)
						for _, f := range got {
							os.Remove(f)
						}
					}
					// Every word that carries a hostile value is the whole value
					// (plus what the command joins to it), never a piece.
					for _, w := range strings.Split(out, "\n") {
						if strings.Contains(w, "pwn") && !strings.Contains(w, "`: >"+dir) {
							t.Errorf("a hostile value was split: word %q in\n%s", w, b)
						}
					}
				}
				if seen < 3 {
					t.Errorf("only %d command blocks carry a hostile value: the test does not reach the steps", seen)
				}
			})
		}
	}
}
