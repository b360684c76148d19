package release

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
)

// distDir is make release's output, relative to this package.
const distDir = "../../dist"

// cmdTimeout bounds every program the tests run.
const cmdTimeout = 60 * time.Second

// artefacts finds the release files, failing in CI and skipping elsewhere
// when make release has not run.
func artefacts(t *testing.T) (archive, deb, rpm string) {
	t.Helper()
	one := func(pattern string) string {
		m, _ := filepath.Glob(filepath.Join(distDir, pattern))
		switch {
		case len(m) == 1:
			return m[0]
		case len(m) == 0 && !lab.InCI():
			t.Skipf("no %s in dist/: run make release first (make test does)", pattern)
		}
		t.Fatalf("want exactly one %s in dist/ (make release), found %q", pattern, m)
		return ""
	}
	return one("ftpswiz_*_linux_*.tar.gz"), one("ftpswiz_*.deb"), one("ftpswiz-*.rpm")
}

// version is the release version, from the archive's name.
func version(archive string) string {
	v := strings.TrimPrefix(filepath.Base(archive), "ftpswiz_")
	v, _, _ = strings.Cut(v, "_linux_")
	return "v" + v
}

func run(t *testing.T, env []string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// TestChecksums: SHA256SUMS lists the archive and both packages with their
// real sums.
func TestChecksums(t *testing.T) {
	archive, deb, rpm := artefacts(t)
	sums, err := os.ReadFile(filepath.Join(distDir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(sums))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 {
			t.Fatalf("SHA256SUMS line %q is not sha256sum's format", sc.Text())
		}
		listed[name] = sum
	}
	if len(listed) != 3 {
		t.Errorf("SHA256SUMS lists %d files, want 3: %v", len(listed), listed)
	}
	for _, f := range []string{archive, deb, rpm} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); listed[filepath.Base(f)] != got {
			t.Errorf("%s: listed %q, real %s", filepath.Base(f), listed[filepath.Base(f)], got)
		}
	}
	// The rpm is an RPM (lead magic); no rpm tool is needed for that.
	head := make([]byte, 4)
	f, err := os.Open(rpm)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, []byte{0xed, 0xab, 0xee, 0xdb}) {
		t.Errorf("%s does not start with the RPM lead: % x", rpm, head)
	}
}

// TestArchive: the archive holds the binary, the completions, the man
// pages, the schema and the licence, under one top directory.
func TestArchive(t *testing.T) {
	archive, _, _ := artefacts(t)
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	top := strings.TrimSuffix(filepath.Base(archive), ".tar.gz") + "/"
	got := map[string]int64{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h.Name, top) || strings.Contains(h.Name, "..") {
			t.Errorf("entry %q outside %s", h.Name, top)
		}
		got[strings.TrimPrefix(h.Name, top)] = h.Mode
	}
	for name, mode := range map[string]int64{
		"ftpswiz": 0o755, "LICENSE": 0o644, "README.md": 0o644, "answers.schema.json": 0o644, "fleet.schema.json": 0o644,
		"completions/ftpswiz.bash": 0o644, "completions/_ftpswiz": 0o644, "completions/ftpswiz.fish": 0o644,
		"man/man1/ftpswiz.1.gz": 0o644, "man/man1/ftpswiz-generate.1.gz": 0o644,
	} {
		if m, ok := got[name]; !ok || m != mode {
			t.Errorf("%s: in archive %v, mode %o (want %o); entries %v", name, ok, m, mode, got)
		}
	}
}

// TestDebInstallsInThrowawayRoot installs the .deb with dpkg into a
// private root (its own admin directory: the machine's dpkg database and
// /usr are not touched), runs the installed ftpswiz, finds its man page
// with man -w, and removes it cleanly.
func TestDebInstallsInThrowawayRoot(t *testing.T) {
	lab.Require(t, "dpkg", "dpkg-query", "man")
	archive, deb, _ := artefacts(t)
	root := t.TempDir()
	admin := filepath.Join(root, "var", "lib", "dpkg")
	for _, d := range []string{"info", "updates", "triggers"} {
		if err := os.MkdirAll(filepath.Join(admin, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"status", "available"} {
		if err := os.WriteFile(filepath.Join(admin, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, hostErr := os.Stat("/usr/bin/ftpswiz")
	dpkg := func(args ...string) string {
		t.Helper()
		out, err := run(t, nil, "dpkg", append([]string{"--root=" + root, "--log=" + filepath.Join(root, "dpkg.log")}, args...)...)
		if err != nil {
			t.Fatalf("dpkg %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	manpath := []string{"MANPATH=" + filepath.Join(root, "usr", "share", "man"), "MANPAGER=cat", "PAGER=cat", "MANWIDTH=80"}
	page := filepath.Join(root, "usr", "share", "man", "man1", "ftpswiz.1.gz")

	// Negative control: before the install man -w finds nothing there.
	if out, err := run(t, manpath, "man", "-w", "ftpswiz"); err == nil {
		t.Fatalf("man -w finds ftpswiz before the install: %s", out)
	}

	dpkg("-i", deb)
	status, err := run(t, nil, "dpkg-query", "--admindir="+admin, "-W", "-f=${db:Status-Status} ${Version}", "ftpswiz")
	if err != nil || !strings.HasPrefix(status, "installed ") {
		t.Fatalf("after dpkg -i: %q %v", status, err)
	}
	out, err := run(t, nil, filepath.Join(root, "usr", "bin", "ftpswiz"), "--version")
	if err != nil || !strings.HasPrefix(out, "ftpswiz "+version(archive)+" ") {
		t.Errorf("installed ftpswiz --version: %q %v (want ftpswiz %s ...)", out, err, version(archive))
	}
	out, err = run(t, manpath, "man", "-w", "ftpswiz")
	if err != nil || strings.TrimSpace(out) != page {
		t.Errorf("man -w ftpswiz: %q %v, want %s", out, err, page)
	}
	if out, err := run(t, manpath, "man", "-w", "ftpswiz-generate"); err != nil {
		t.Errorf("man -w ftpswiz-generate: %q %v", out, err)
	}
	if out, err := run(t, manpath, "man", "ftpswiz-generate"); err != nil || !strings.Contains(out, "--diff") {
		t.Errorf("man ftpswiz-generate does not render the page: %v\n%.500s", err, out)
	}
	for _, f := range []string{"usr/share/bash-completion/completions/ftpswiz", "usr/share/zsh/vendor-completions/_ftpswiz",
		"usr/share/fish/vendor_completions.d/ftpswiz.fish", "usr/share/ftpswiz/answers.schema.json", "usr/share/ftpswiz/fleet.schema.json", "usr/share/doc/ftpswiz/copyright"} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("not installed: %v", err)
		}
	}

	dpkg("-r", "ftpswiz")
	status, _ = run(t, nil, "dpkg-query", "--admindir="+admin, "-W", "-f=${db:Status-Status}", "ftpswiz")
	if strings.HasPrefix(status, "installed") {
		t.Errorf("after dpkg -r: %q", status)
	}
	var left []string
	_ = filepath.WalkDir(filepath.Join(root, "usr"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("dpkg -r left files behind: %q", left)
	}
	if out, err := run(t, manpath, "man", "-w", "ftpswiz"); err == nil {
		t.Errorf("man -w still finds ftpswiz after dpkg -r: %s", out)
	}
	if _, err := os.Stat("/usr/bin/ftpswiz"); (err == nil) != (hostErr == nil) {
		t.Errorf("the machine's /usr/bin/ftpswiz changed: before %v, after %v", hostErr, err)
	}
}
