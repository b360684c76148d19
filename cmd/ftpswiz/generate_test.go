package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/detect"
	"github.com/ftpswiz/ftpswiz/wizard"
)

func TestGenerateWritesFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	r := runFTPSwiz(t, "", "generate", "--answers", scenario("classic"), "--out", out)
	if r.code != codeOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	files := readTree(t, out)
	var want []string
	for p := range files {
		want = append(want, filepath.Join(out, p))
	}
	sort.Strings(want)
	got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stdout lists\n%s\nwant the written files\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, p := range []string{"REPORT.md", "HANDOUT.md", "answers.yaml", "server/vsftpd.conf",
		"firewall/server-host.nft", "firewall/server-router.iptables", "firewall/client-router.nft",
		"client/lftp.rc", "client/curl.sh", "client/filezilla-sitemanager.xml"} {
		if _, ok := files[p]; !ok {
			t.Errorf("%s not written", p)
		}
	}
	// Scripts (#!) are executable, everything else is not.
	for p, content := range files {
		fi, err := os.Stat(filepath.Join(out, p))
		if err != nil {
			t.Fatal(err)
		}
		if exec, script := fi.Mode().Perm()&0o111 != 0, strings.HasPrefix(string(content), "#!"); exec != script {
			t.Errorf("%s has mode %v (script: %v)", p, fi.Mode().Perm(), script)
		}
	}
	if !strings.Contains(r.stderr, "new") || strings.Contains(r.stdout, "ftpswiz:") {
		t.Errorf("summary belongs on stderr; stderr:\n%s\nstdout:\n%s", r.stderr, r.stdout)
	}
	// The written answers.yaml reproduces the same files.
	r2 := runFTPSwiz(t, "", "generate", "--answers", filepath.Join(out, "answers.yaml"), "--out", out)
	if r2.code != codeOK || !strings.Contains(r2.stderr, "unchanged") || strings.Contains(r2.stderr, "replaced") {
		t.Fatalf("regenerating from answers.yaml: exit %d, stderr:\n%s", r2.code, r2.stderr)
	}
}

func TestGenerateDefaultOutDir(t *testing.T) {
	data := readFile(t, scenario("client-only"))
	t.Chdir(t.TempDir())
	r := runFTPSwiz(t, data, "generate", "--answers", "-")
	if r.code != codeOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(defaultOutDir, "REPORT.md")); err != nil {
		t.Fatalf("default output directory not used: %v", err)
	}
	if !strings.HasPrefix(r.stdout, defaultOutDir+string(filepath.Separator)) {
		t.Errorf("stdout = %q", r.stdout)
	}
}

// TestGenerateRefusesOverwrite: when the plan changes, a second run without
// --force exits 3 and changes nothing at all; with --force it replaces only
// the changed files, each with a backup, and leaves the others untouched.
func TestGenerateRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if r := runFTPSwiz(t, "", "generate", "-a", scenario("classic"), "-o", out); r.code != codeOK {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	// Same answers again: everything unchanged, exit 0, nothing touched.
	before := snapshot(t, out)
	if r := runFTPSwiz(t, "", "generate", "-a", scenario("classic"), "-o", out); r.code != codeOK {
		t.Fatalf("identical rerun: exit %d\n%s", r.code, r.stderr)
	}
	if got := snapshot(t, out); !reflect.DeepEqual(got, before) {
		t.Fatal("an identical rerun modified the output directory")
	}

	// More transfers: a bigger passive range changes most files.
	changed := strings.Replace(readFile(t, scenario("classic")), "concurrent_transfers: 16", "concurrent_transfers: 32", 1)
	answers := filepath.Join(dir, "answers.yaml")
	writeFile(t, answers, changed)
	r := runFTPSwiz(t, "", "generate", "-a", answers, "-o", out)
	if r.code != codeExists {
		t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, codeExists, r.stderr)
	}
	for _, want := range []string{"--force", "server/vsftpd.conf", "nothing was written"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
	if got := snapshot(t, out); !reflect.DeepEqual(got, before) {
		t.Fatal("a refused run modified the output directory")
	}

	// --force: changed files replaced with backups; unchanged ones untouched.
	r = runFTPSwiz(t, "", "generate", "-a", answers, "-o", out, "--force")
	if r.code != codeOK {
		t.Fatalf("--force: exit %d\n%s", r.code, r.stderr)
	}
	after := readTree(t, out)
	backups := 0
	for p, content := range after {
		if !strings.Contains(p, ".bak-") {
			continue
		}
		backups++
		orig := p[:strings.Index(p, ".bak-")]
		if !regexp.MustCompile(`\.bak-20260304-050607$`).MatchString(p) {
			t.Errorf("backup name %s, want NAME.bak-20260304-050607", p)
		}
		// The backup holds the first run's content, the file the new one.
		if want := before[orig]; !strings.HasSuffix(want, " "+string(content)) {
			t.Errorf("backup %s does not hold the old content of %s", p, orig)
		}
		if string(after[orig]) == string(content) {
			t.Errorf("%s was backed up but did not change", orig)
		}
		if !strings.Contains(r.stderr, "replaced "+orig) {
			t.Errorf("stderr does not mention replacing %s:\n%s", orig, r.stderr)
		}
	}
	if backups == 0 {
		t.Fatal("no backups after --force")
	}
	// Files whose content did not change keep their inode and mtime.
	unchanged := 0
	for p, old := range before {
		if strings.HasPrefix(old, "d") {
			continue
		}
		if _, backedUp := after[p+".bak-20260304-050607"]; backedUp {
			continue
		}
		unchanged++
		if got := snapshot(t, out)[p]; got != old {
			t.Errorf("%s did not change but was rewritten", p)
		}
	}
	if unchanged == 0 {
		t.Error("expected some files (e.g. client/filezilla-sitemanager.xml) to stay unchanged")
	}
}

func TestGenerateStdoutWritesNothing(t *testing.T) {
	answers := scenarioAbs(t, "both-modes")
	dir := t.TempDir()
	t.Chdir(dir)
	r := runFTPSwiz(t, "", "generate", "--answers", answers, "--stdout")
	if r.code != codeOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("--stdout wrote to disk: %v", entries)
	}
	got := splitStdout(t, r.stdout)
	// The same files, byte for byte, as a run that writes to disk.
	out := filepath.Join(t.TempDir(), "out")
	if r := runFTPSwiz(t, "", "generate", "--answers", answers, "--out", out); r.code != codeOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	want := readTree(t, out)
	if len(got) != len(want) {
		t.Errorf("--stdout has %d files, the disk run %d", len(got), len(want))
	}
	for p, w := range want {
		if string(got[p]) != string(w) {
			t.Errorf("%s differs between --stdout and disk", p)
		}
	}
	if !strings.HasPrefix(r.stdout, "==> HANDOUT.md <==\n") {
		t.Errorf("stdout starts with %q", r.stdout[:min(40, len(r.stdout))])
	}
}

func TestGenerateUsageErrors(t *testing.T) {
	dir := t.TempDir()
	classicPath := scenarioAbs(t, "classic")
	classic := readFile(t, classicPath)
	unknownKey := strings.Replace(classic, "  nat: port-forward\n", "  nat: port-forward\n  natt: yes\n", 1)
	badValues := strings.NewReplacer(
		"public_address: ftps.example.com", "public_address: 10.0.0.300",
		"concurrent_transfers: 16", "concurrent_transfers: -4",
		"software: [lftp, curl, filezilla]", "software: [lftp, ncftp]",
	).Replace(classic)
	writeFile(t, filepath.Join(dir, "unknown.yaml"), unknownKey)
	writeFile(t, filepath.Join(dir, "bad.yaml"), badValues)
	writeFile(t, filepath.Join(dir, "empty.yaml"), "")
	natLine := lineOf(t, unknownKey, "  natt: yes")

	tests := []struct {
		name   string
		stdin  string
		args   []string
		stderr []string
	}{
		{"unknown key", "", []string{"generate", "-a", filepath.Join(dir, "unknown.yaml")},
			[]string{"line " + natLine, "server.natt: unknown key", `did you mean "nat"?`}},
		{"unknown key on stdin", unknownKey, []string{"generate", "-a", "-"},
			[]string{"stdin", "line " + natLine, "server.natt: unknown key"}},
		{"every invalid value", "", []string{"generate", "-a", filepath.Join(dir, "bad.yaml")},
			[]string{"problems", "server.public_address", "server.capacity.concurrent_transfers", "client.software",
				"line " + lineOf(t, badValues, "  public_address:"), "line " + lineOf(t, badValues, "    concurrent_transfers:")}},
		{"empty file", "", []string{"generate", "-a", filepath.Join(dir, "empty.yaml")}, []string{"empty"}},
		{"missing file", "", []string{"generate", "-a", filepath.Join(dir, "nope.yaml")}, []string{"nope.yaml"}},
		{"no --answers", "", []string{"generate"}, []string{"--answers FILE is required", "ftpswiz generate --help"}},
		{"unknown flag", "", []string{"generate", "--bogus"}, []string{"unknown flag: --bogus", "ftpswiz generate --help"}},
		{"stray argument", "", []string{"generate", "-a", classicPath, "extra"}, []string{"takes no arguments"}},
		{"--stdout with --out", "", []string{"generate", "-a", classicPath, "--stdout", "--out", "x"}, []string{"--stdout"}},
		{"--stdout with --force", "", []string{"generate", "-a", classicPath, "--stdout", "--force"}, []string{"--stdout"}},
		{"unknown command", "", []string{"generat"}, []string{`unknown command "generat"`, "did you mean generate?"}},
		{"ports unknown format", "", []string{"ports", "-a", classicPath, "--format", "xml"}, []string{"table, markdown, tsv; --json for JSON"}},
		{"explain two keys", "", []string{"explain", "a", "b"}, []string{"at most 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			r := runFTPSwiz(t, tt.stdin, tt.args...)
			if r.code != codeUsage {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, codeUsage, r.stderr)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			if entries, _ := os.ReadDir("."); len(entries) != 0 {
				t.Errorf("something was written: %v", entries)
			}
		})
	}
}

// lineOf returns the 1-based line number (as text) of the first line of s
// starting with prefix.
func lineOf(t testing.TB, s, prefix string) string {
	t.Helper()
	for i, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return strconv.Itoa(i + 1)
		}
	}
	t.Fatalf("no line starts with %q", prefix)
	return ""
}

func TestGenerateInterrupted(t *testing.T) {
	answers := scenarioAbs(t, "classic")
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := runFTPSwizCtx(t, ctx, "", "generate", "-a", answers)
	if r.code != codeInterrupted {
		t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, codeInterrupted, r.stderr)
	}
	if entries, _ := os.ReadDir("."); len(entries) != 0 {
		t.Fatalf("an interrupted run wrote %v", entries)
	}
}

func TestGenerateStaleFilesMentioned(t *testing.T) {
	out := t.TempDir()
	writeFile(t, filepath.Join(out, "firewall", "old-side.nft"), "old\n")
	r := runFTPSwiz(t, "", "generate", "-a", scenario("classic"), "-o", out)
	if r.code != codeOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "firewall/old-side.nft") {
		t.Errorf("stale file not mentioned:\n%s", r.stderr)
	}
	if readFile(t, filepath.Join(out, "firewall", "old-side.nft")) != "old\n" {
		t.Error("stale file was touched")
	}
}

func TestResolveFlavour(t *testing.T) {
	known := fakeMachine()
	unknown := fakeMachine()
	unknown.VsftpdInfo = detect.Vsftpd{Installed: true, Path: "/opt/vsftpd", SSLOptions: []string{"ssl_enable"}}
	none := detect.Static{}
	tests := []struct {
		name     string
		flavour  wizard.Flavour
		detector detect.Detector
		want     wizard.Flavour
		note     string
	}{
		{"auto, detected", wizard.FlavourAuto, known, wizard.FlavourUpstream, "upstream-3.0.5, detected from /usr/sbin/vsftpd"},
		{"empty means auto", "", known, wizard.FlavourUpstream, "detected"},
		{"given flavour wins", wizard.FlavourRHEL, known, wizard.FlavourRHEL, ""},
		{"not installed", wizard.FlavourAuto, none, wizard.FlavourAuto, "no vsftpd installed on this machine; using debian-3.0.3"},
		{"unknown build", wizard.FlavourAuto, unknown, wizard.FlavourAuto, "/opt/vsftpd knows TLS options ssl_enable, which match no build"},
		{"no detector", wizard.FlavourAuto, nil, wizard.FlavourAuto, "using debian-3.0.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := wizard.Answers{Server: &wizard.Server{Vsftpd: wizard.Vsftpd{Flavour: tt.flavour}}}
			orig := a.Server
			note := resolveFlavour(&rootOptions{Detector: tt.detector}, &a)
			if a.Server.Vsftpd.Flavour != tt.want {
				t.Errorf("flavour = %q, want %q", a.Server.Vsftpd.Flavour, tt.want)
			}
			if orig.Vsftpd.Flavour != tt.flavour {
				t.Error("resolveFlavour modified the caller's Server")
			}
			if !strings.Contains(note, tt.note) || (tt.note == "") != (note == "") {
				t.Errorf("note = %q, want containing %q", note, tt.note)
			}
		})
	}
	// Protocol sftp: there is no vsftpd, so nothing is filled in (a vsftpd
	// section would be refused for sftp).
	sftp := wizard.Answers{Protocol: wizard.ProtocolSFTP, Server: &wizard.Server{}}
	if note := resolveFlavour(&rootOptions{Detector: known}, &sftp); note != "" || sftp.Server.Vsftpd.Flavour != "" {
		t.Errorf("sftp: note %q, flavour %q", note, sftp.Server.Vsftpd.Flavour)
	}
	// No server (role client): nothing to resolve.
	a := wizard.Answers{Role: wizard.RoleClient}
	if note := resolveFlavour(&rootOptions{Detector: known}, &a); note != "" || a.Server != nil {
		t.Errorf("client-only: note %q, server %v", note, a.Server)
	}
}
