package outdir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/generators"
)

var fixedNow = func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.Local) }

func files(kv ...string) []generators.File {
	var out []generators.File
	for i := 0; i < len(kv); i += 2 {
		mode := fs.FileMode(0o644)
		if strings.HasSuffix(kv[i], ".sh") {
			mode = 0o755
		}
		out = append(out, generators.File{Path: kv[i], Mode: mode, Content: []byte(kv[i+1])})
	}
	return out
}

// tree returns every file under dir (slash paths) with its content and mode.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fi.Mode().Perm().String() + " " + string(b)
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

func kinds(cs []Change) map[string]Kind {
	out := map[string]Kind{}
	for _, c := range cs {
		out[c.Path] = c.Kind
	}
	return out
}

func TestWriteNewIntoMissingDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "deep")
	fs := files("REPORT.md", "report\n", "server/vsftpd.conf", "listen=YES\n", "firewall/aws-security-group.sh", "#!/bin/sh\n")
	changes, err := Write(dir, fs, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"REPORT.md":                      "-rw-r--r-- report\n",
		"server/vsftpd.conf":             "-rw-r--r-- listen=YES\n",
		"firewall/aws-security-group.sh": "-rwxr-xr-x #!/bin/sh\n",
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, want) {
		t.Fatalf("tree = %v, want %v", got, want)
	}
	for _, c := range changes {
		if c.Kind != New || c.Backup != "" {
			t.Errorf("%s: %v backup %q, want new without backup", c.Path, c.Kind, c.Backup)
		}
	}
}

func TestWriteRefusesWithoutForceAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, files("a.txt", "one\n", "b/c.txt", "two\n"), Options{}); err != nil {
		t.Fatal(err)
	}
	before := tree(t, dir)
	// a.txt changes, b/c.txt is unchanged, d/new.txt is new: nothing at all
	// may be written, not even the new file or its directory.
	_, err := Write(dir, files("a.txt", "ONE\n", "b/c.txt", "two\n", "d/new.txt", "x"), Options{})
	var ee *ExistsError
	if !errors.As(err, &ee) {
		t.Fatalf("err = %v, want *ExistsError", err)
	}
	if !reflect.DeepEqual(ee.Paths, []string{"a.txt"}) {
		t.Errorf("ExistsError.Paths = %v, want [a.txt]", ee.Paths)
	}
	if !strings.Contains(err.Error(), "--force") {
		t.Errorf("error %q does not mention --force", err)
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, before) {
		t.Fatalf("tree changed after refusal:\n got %v\nwant %v", got, before)
	}
	if _, err := os.Stat(filepath.Join(dir, "d")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("directory d created despite refusal: %v", err)
	}
}

func TestWriteForceBacksUpChangedOnly(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, files("a.txt", "one\n", "b/c.txt", "two\n"), Options{}); err != nil {
		t.Fatal(err)
	}
	stC := statT(t, filepath.Join(dir, "b/c.txt"))
	changes, err := Write(dir, files("a.txt", "ONE\n", "b/c.txt", "two\n"), Options{Force: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a.txt":                     "-rw-r--r-- ONE\n",
		"a.txt.bak-20260304-050607": "-rw-r--r-- one\n",
		"b/c.txt":                   "-rw-r--r-- two\n",
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, want) {
		t.Fatalf("tree = %v, want %v", got, want)
	}
	if changes[0].Kind != Changed || changes[0].Backup != "a.txt.bak-20260304-050607" {
		t.Errorf("a.txt change = %+v", changes[0])
	}
	if !strings.Contains(changes[0].Diff, "-one\n+ONE\n") {
		t.Errorf("diff = %q", changes[0].Diff)
	}
	if changes[1].Kind != Unchanged || changes[1].Backup != "" {
		t.Errorf("b/c.txt change = %+v", changes[1])
	}
	// The unchanged file was not rewritten: same inode, same mtime.
	stC2 := statT(t, filepath.Join(dir, "b/c.txt"))
	if !os.SameFile(stC, stC2) || !stC.ModTime().Equal(stC2.ModTime()) {
		t.Errorf("unchanged file was rewritten")
	}

	// A second forced change in the same second gets a numbered backup.
	if _, err := Write(dir, files("a.txt", "1\n"), Options{Force: true, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, files("a.txt", "2\n"), Options{Force: true, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	got := tree(t, dir)
	for name, content := range map[string]string{
		"a.txt.bak-20260304-050607":   "-rw-r--r-- one\n",
		"a.txt.bak-20260304-050607.1": "-rw-r--r-- ONE\n",
		"a.txt.bak-20260304-050607.2": "-rw-r--r-- 1\n",
		"a.txt":                       "-rw-r--r-- 2\n",
	} {
		if got[name] != content {
			t.Errorf("%s = %q, want %q", name, got[name], content)
		}
	}
}

func TestWriteModeOnlyChange(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	changes, err := Write(dir, files("x.sh", "#!/bin/sh\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if changes[0].Kind != ModeChanged {
		t.Fatalf("kind = %v, want mode changed", changes[0].Kind)
	}
	if got := tree(t, dir); got["x.sh"] != "-rwxr-xr-x #!/bin/sh\n" || len(got) != 1 {
		t.Fatalf("tree = %v", got)
	}
}

func TestPreview(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, files("same", "s\n", "diff", "a\nb\nc\n"), Options{}); err != nil {
		t.Fatal(err)
	}
	before := tree(t, dir)
	cs, err := Preview(dir, files("same", "s\n", "diff", "a\nB\nc\n", "sub/new", "n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := kinds(cs), map[string]Kind{"same": Unchanged, "diff": Changed, "sub/new": New}; !reflect.DeepEqual(got, want) {
		t.Fatalf("kinds = %v, want %v", got, want)
	}
	wantDiff := "--- a/diff\n+++ b/diff\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
	if cs[1].Diff != wantDiff {
		t.Errorf("diff =\n%s\nwant\n%s", cs[1].Diff, wantDiff)
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, before) {
		t.Fatal("Preview wrote something")
	}
	// A missing directory previews as all new.
	cs, err = Preview(filepath.Join(dir, "nope"), files("a", "b"))
	if err != nil || cs[0].Kind != New {
		t.Fatalf("Preview(missing) = %+v, %v", cs, err)
	}
}

func TestWriteErrorsWriteNothing(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		files []generators.File
		want  string
	}{
		{"absolute path", nil, files("/etc/passwd", "x"), "invalid output path"},
		{"parent escape", nil, files("ok", "x", "../x", "x"), "invalid output path"},
		{"unclean path", nil, files("a//b", "x"), "invalid output path"},
		{"backslash", nil, files(`a\b`, "x"), "invalid output path"},
		{"empty path", nil, files("", "x"), "invalid output path"},
		{"duplicate", nil, files("a", "x", "a", "y"), "given twice"},
		{"target is a directory", func(t *testing.T, dir string) { mkdir(t, filepath.Join(dir, "server", "vsftpd.conf")) },
			files("new.txt", "x", "server/vsftpd.conf", "x"), "not a regular file"},
		{"parent is a file", func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "server"), "x") },
			files("new.txt", "x", "server/vsftpd.conf", "x"), "not a directory"},
		{"grandparent is a file", func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "a"), "x") },
			files("new.txt", "x", "a/b/c", "x"), "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			before := tree(t, dir)
			_, err := Write(dir, tt.files, Options{Force: true})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want containing %q", err, tt.want)
			}
			if got := tree(t, dir); !reflect.DeepEqual(got, before) {
				t.Fatalf("tree changed on error: %v", got)
			}
			if _, err := os.Stat(filepath.Join(dir, "new.txt")); err == nil {
				t.Fatal("new.txt written despite the error")
			}
		})
	}
}

// TestStageFailureRollsBack makes staging fail half-way (a path that
// becomes a file between the checks and staging; permissions would not stop
// root) and checks that the files and directories staged before the
// failure are gone.
func TestStageFailureRollsBack(t *testing.T) {
	dir := t.TempDir()
	fs := files("a/first", "x", "b/second", "y")
	changes, err := Preview(dir, fs)
	if err != nil {
		t.Fatal(err)
	}
	// Make b a file after the preview, so creating b/ fails during staging.
	writeFile(t, filepath.Join(dir, "b"), "in the way")
	w := &writer{dir: dir, stamp: "x", ops: osOps{}}
	if err := w.open(); err != nil {
		t.Fatal(err)
	}
	if err := w.stage(fs, changes); err == nil {
		t.Fatal("stage succeeded, want an error")
	}
	w.rollback()
	if got := tree(t, dir); !reflect.DeepEqual(got, map[string]string{"b": "-rw-r--r-- in the way"}) {
		t.Fatalf("left behind: %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); err == nil {
		t.Fatal("directory a left behind")
	}
}

func TestIsBackup(t *testing.T) {
	for name, want := range map[string]bool{
		"vsftpd.conf.bak-20260304-050607":    true,
		"vsftpd.conf.bak-20260304-050607.12": true,
		"vsftpd.conf.bak-20260304-050607.":   false,
		"vsftpd.conf.bak-20260304-0506":      false,
		"vsftpd.conf.bak-2026030x-050607":    false,
		"vsftpd.conf.bak-20260304-050607x":   false,
		"vsftpd.conf":                        false,
		"vsftpd.conf.bak":                    false,
	} {
		if got := IsBackup(name); got != want {
			t.Errorf("IsBackup(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestStale(t *testing.T) {
	dir := t.TempDir()
	old := files("REPORT.md", "r", "firewall/server-host.nft", "n", "firewall/aws-security-group.sh", "a", "client/lftp.rc", "l")
	if _, err := Write(dir, old, Options{}); err != nil {
		t.Fatal(err)
	}
	now := files("REPORT.md", "R", "firewall/server-host.nft", "N")
	if _, err := Write(dir, now, Options{Force: true, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	got, err := Stale(dir, now, "server", "firewall", "client")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"client/lftp.rc", "firewall/aws-security-group.sh"}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Stale = %v, want %v", got, want)
	}
}

func statT(t *testing.T, p string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func mkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	mkdir(t, filepath.Dir(p))
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestOutDirIsAFile: an output directory that is a file gets an error that
// names it once and says what to do, from Preview (the wizard's check of
// its output step) and from Write (generate --out).
func TestOutDirIsAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plan")
	writeFile(t, file, "x")
	_, perr := Preview(file, files("a", "x"))
	_, werr := Write(file, files("a", "x"), Options{})
	for name, err := range map[string]error{"Preview": perr, "Write": werr} {
		if err == nil {
			t.Fatalf("%s(a file) succeeded", name)
		}
		msg := err.Error()
		if n := strings.Count(msg, file); n != 1 {
			t.Errorf("%s: %q names %s %d times, want once", name, msg, file, n)
		}
		if !strings.Contains(msg, "give another directory") {
			t.Errorf("%s: %q does not say what to do", name, msg)
		}
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "x" {
		t.Fatalf("the file changed: %q, %v", b, err)
	}
}
