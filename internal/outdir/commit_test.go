package outdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/generators"
)

// faultOps is the real file system, except that the calls whose number
// (counting from 0, renames and chmods alike) is in fail return an error;
// before runs before each call.
type faultOps struct {
	fail   map[int]bool
	calls  int
	before func(call int)
}

func (o *faultOps) next() error {
	i := o.calls
	o.calls++
	if o.before != nil {
		o.before(i)
	}
	if o.fail[i] {
		return fmt.Errorf("injected fault at call %d", i)
	}
	return nil
}

func (o *faultOps) Rename(root *os.Root, oldname, newname string) error {
	if err := o.next(); err != nil {
		return err
	}
	return root.Rename(oldname, newname)
}

func (o *faultOps) Chmod(f *os.File, mode fs.FileMode) error {
	if err := o.next(); err != nil {
		return err
	}
	return f.Chmod(mode)
}

// snapshot is everything under dir: files with mode and content, empty and
// non-empty directories, and symbolic links with their targets.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out[rel] = "link " + target
		case fi.IsDir():
			out[rel+"/"] = "dir " + fi.Mode().Perm().String()
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = fi.Mode().Perm().String() + " " + string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// commitSetup is a directory where a Write has every kind of step: changed
// files (one in a subdirectory), a mode-only change, an unchanged file, new
// files (one in a new directory, one in a new directory tree).
func commitSetup(t *testing.T) (string, []generators.File) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "REPORT.md"), "old report\n")
	writeFile(t, filepath.Join(dir, "server", "vsftpd.conf"), "ssl_enable=YES\n")
	writeFile(t, filepath.Join(dir, "server", "same.txt"), "same\n")
	writeFile(t, filepath.Join(dir, "firewall", "apply.sh"), "#!/bin/sh\n") // 0644 on disk, 0755 wanted
	writeFile(t, filepath.Join(dir, "firewall", "server-host.nft"), "old rules\n")
	return dir, files(
		"REPORT.md", "new report\n",
		"client/lftp.rc", "set ftp:ssl-force true\n",
		"firewall/apply.sh", "#!/bin/sh\n",
		"firewall/server-host.nft", "new rules\n",
		"new.txt", "new\n",
		"server/same.txt", "same\n",
		"server/vsftpd.conf", "ssl_enable=YES\nforce_local_logins_ssl=YES\n",
		"x/y/z.txt", "deep\n",
	)
}

// TestCommitFaultAtEveryStep makes the final pass fail at step k, for
// every k: the directory must end byte for byte as before (no new file,
// no temporary file, no backup, no new directory, every mode as it was),
// and the error must name the failed file and exactly the files replaced
// and restored. With no fault it ends as a clean Write leaves it.
func TestCommitFaultAtEveryStep(t *testing.T) {
	refDir, fs := commitSetup(t)
	before := snapshot(t, refDir)
	changes, err := Write(refDir, fs, Options{Force: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, refDir)
	var steps []string // the files of the commit's steps, in order
	for _, c := range changes {
		if c.Kind != Unchanged {
			steps = append(steps, c.Path)
		}
	}
	if len(steps) != 7 {
		t.Fatalf("steps = %v, want 7 (the setup lost a kind of change)", steps)
	}
	for k := 0; k <= len(steps); k++ {
		t.Run(fmt.Sprintf("fault at step %d", k), func(t *testing.T) {
			dir, fs := commitSetup(t)
			if got := snapshot(t, dir); !reflect.DeepEqual(got, before) {
				t.Fatal("setups differ")
			}
			ops := &faultOps{fail: map[int]bool{k: true}}
			_, err := Write(dir, fs, Options{Force: true, Now: fixedNow, Ops: ops})
			got := snapshot(t, dir)
			if k == len(steps) {
				if err != nil {
					t.Fatalf("no fault: %v", err)
				}
				if !reflect.DeepEqual(got, after) {
					t.Fatalf("no fault: tree =\n%v\nwant\n%v", got, after)
				}
				return
			}
			var ce *CommitError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *CommitError", err)
			}
			if !reflect.DeepEqual(got, before) {
				t.Errorf("tree after a fault at step %d (%s) =\n%v\nwant as before\n%v", k, steps[k], got, before)
			}
			if ce.Path != steps[k] {
				t.Errorf("failed path = %s, want %s", ce.Path, steps[k])
			}
			wantRestored := slices.Sorted(slices.Values(steps[:k]))
			if !slices.Equal(ce.Restored, wantRestored) || len(ce.NotRestored) != 0 {
				t.Errorf("restored %v, not restored %v; want %v and none", ce.Restored, ce.NotRestored, wantRestored)
			}
			msg := err.Error()
			if !strings.Contains(msg, "injected fault") || !strings.Contains(msg, steps[k]) {
				t.Errorf("message %q does not name the fault and %s", msg, steps[k])
			}
			for _, p := range wantRestored {
				if !strings.Contains(msg, p) {
					t.Errorf("message %q does not name the restored %s", msg, p)
				}
			}
			if k == 0 && !strings.Contains(msg, "nothing in") {
				t.Errorf("message %q does not say nothing was replaced", msg)
			}
		})
	}
}

// TestCommitRollbackFailureSaysWhatIsMixed: when undoing fails too, the
// error lists exactly the files left new, and where their old content is.
func TestCommitRollbackFailureSaysWhatIsMixed(t *testing.T) {
	dir, fs := commitSetup(t)
	// Steps: 0 REPORT.md, 1 client/lftp.rc, 2 firewall/apply.sh (chmod),
	// 3 firewall/server-host.nft; fault at 3, then the first undo call
	// (restoring the mode of apply.sh, call 4) fails, and the second
	// (REPORT.md from its backup, call 5) works.
	ops := &faultOps{fail: map[int]bool{3: true, 4: true}}
	_, err := Write(dir, fs, Options{Force: true, Now: fixedNow, Ops: ops})
	var ce *CommitError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *CommitError", err)
	}
	if !slices.Equal(ce.NotRestored, []string{"firewall/apply.sh"}) || !slices.Equal(ce.Restored, []string{"REPORT.md", "client/lftp.rc"}) {
		t.Fatalf("not restored %v, restored %v", ce.NotRestored, ce.Restored)
	}
	if !strings.Contains(err.Error(), "MIXED") || !strings.Contains(err.Error(), "firewall/apply.sh") {
		t.Errorf("message %q", err)
	}
	got := snapshot(t, dir)
	if got["firewall/apply.sh"] != "-rwxr-xr-x #!/bin/sh\n" || got["REPORT.md"] != "-rw-r--r-- old report\n" {
		t.Errorf("apply.sh %q, REPORT.md %q", got["firewall/apply.sh"], got["REPORT.md"])
	}
	if _, ok := got["client/lftp.rc"]; ok {
		t.Error("new client/lftp.rc left behind")
	}
	for p := range got {
		if IsBackup(filepath.Base(p)) || IsTemp(filepath.Base(p)) {
			t.Errorf("left behind %s", p)
		}
	}
}

// TestCommitRefusesALinkThatAppearsMidway: a target swapped for a
// symbolic link during the final pass is refused and everything undone.
func TestCommitRefusesALinkThatAppearsMidway(t *testing.T) {
	dir, fs := commitSetup(t)
	victim := filepath.Join(t.TempDir(), "victim")
	writeFile(t, victim, "victim\n")
	before := snapshot(t, dir)
	ops := &faultOps{before: func(call int) {
		if call == 0 { // while REPORT.md is renamed, server-host.nft becomes a link
			p := filepath.Join(dir, "firewall", "server-host.nft")
			os.Remove(p)
			if err := os.Symlink(victim, p); err != nil {
				t.Error(err)
			}
		}
	}}
	_, err := Write(dir, fs, Options{Force: true, Now: fixedNow, Ops: ops})
	var se *SymlinkError
	if !errors.As(err, &se) || se.Path != "firewall/server-host.nft" {
		t.Fatalf("err = %v, want a *SymlinkError for firewall/server-host.nft", err)
	}
	got := snapshot(t, dir)
	before["firewall/server-host.nft"] = "link " + victim // the swap itself stays
	if !reflect.DeepEqual(got, before) {
		t.Errorf("tree =\n%v\nwant\n%v", got, before)
	}
	if b, _ := os.ReadFile(victim); string(b) != "victim\n" {
		t.Errorf("victim = %q", b)
	}
}

// TestWriteRefusesSymbolicLinks: no read, write or chmod through a link
// inside the output directory, with or without Force, and nothing written.
func TestWriteRefusesSymbolicLinks(t *testing.T) {
	tests := []struct {
		name string
		// setup makes the link; victim is a directory outside dir.
		setup func(t *testing.T, dir, victim string)
		files []generators.File
		link  string // the path the error names
	}{
		{"directory link to outside", func(t *testing.T, dir, victim string) {
			symlink(t, victim, filepath.Join(dir, "server"))
		}, files("REPORT.md", "r", "server/vsftpd.conf", "ssl_enable=NO\n"), "server"},
		{"directory link inside the output directory", func(t *testing.T, dir, victim string) {
			mkdir(t, filepath.Join(dir, "real"))
			symlink(t, "real", filepath.Join(dir, "server"))
		}, files("REPORT.md", "r", "server/vsftpd.conf", "ssl_enable=NO\n"), "server"},
		{"deeper directory link", func(t *testing.T, dir, victim string) {
			mkdir(t, filepath.Join(dir, "a"))
			symlink(t, victim, filepath.Join(dir, "a", "b"))
		}, files("REPORT.md", "r", "a/b/c", "x"), "a/b"},
		{"file link, content differs", func(t *testing.T, dir, victim string) {
			symlink(t, filepath.Join(victim, "vsftpd.conf"), filepath.Join(dir, "vsftpd.conf"))
		}, files("REPORT.md", "r", "vsftpd.conf", "ssl_enable=NO\n"), "vsftpd.conf"},
		{"file link, same content (a mode change would chmod the victim)", func(t *testing.T, dir, victim string) {
			symlink(t, filepath.Join(victim, "vsftpd.conf"), filepath.Join(dir, "vsftpd.conf"))
		}, files("REPORT.md", "r", "vsftpd.conf", "victim\n"), "vsftpd.conf"},
		{"dangling file link", func(t *testing.T, dir, victim string) {
			symlink(t, filepath.Join(victim, "nope"), filepath.Join(dir, "vsftpd.conf"))
		}, files("REPORT.md", "r", "vsftpd.conf", "x"), "vsftpd.conf"},
	}
	for _, tt := range tests {
		for _, force := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, force %v", tt.name, force), func(t *testing.T) {
				dir, victim := t.TempDir(), t.TempDir()
				writeFile(t, filepath.Join(victim, "vsftpd.conf"), "victim\n")
				if err := os.Chmod(filepath.Join(victim, "vsftpd.conf"), 0o600); err != nil {
					t.Fatal(err)
				}
				tt.setup(t, dir, victim)
				beforeDir, beforeVictim := snapshot(t, dir), snapshot(t, victim)
				_, err := Preview(dir, tt.files)
				var se *SymlinkError
				if !errors.As(err, &se) || se.Path != tt.link {
					t.Errorf("Preview: err = %v, want a *SymlinkError for %s", err, tt.link)
				}
				_, err = Write(dir, tt.files, Options{Force: force, Now: fixedNow})
				if !errors.As(err, &se) || se.Path != tt.link {
					t.Fatalf("Write: err = %v, want a *SymlinkError for %s", err, tt.link)
				}
				if !strings.Contains(err.Error(), "symbolic link") || !strings.Contains(err.Error(), "remove the link") {
					t.Errorf("message %q", err)
				}
				if got := snapshot(t, dir); !reflect.DeepEqual(got, beforeDir) {
					t.Errorf("output directory changed: %v", got)
				}
				if got := snapshot(t, victim); !reflect.DeepEqual(got, beforeVictim) {
					t.Errorf("victim changed: %v", got)
				}
			})
		}
	}
	// The output directory itself may be a link (the negative control).
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "out")
	symlink(t, real, link)
	if _, err := Write(link, files("REPORT.md", "r"), Options{}); err != nil {
		t.Fatalf("--out a link: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(real, "REPORT.md")); err != nil || string(b) != "r" {
		t.Fatalf("REPORT.md = %q, %v", b, err)
	}
}

// TestWriteRemovesLeftoverTemps: the temporary files of a killed run go at
// the next Write into that directory; other files stay, and a refused
// Write removes nothing.
func TestWriteRemovesLeftoverTemps(t *testing.T) {
	dir := t.TempDir()
	leftovers := []string{
		"server/.vsftpd.conf.ftpswiz-tmp-0123456789abcdef",
		"server/.gone.conf.ftpswiz-tmp-fedcba9876543210", // any name with ftpswiz's pattern
		".REPORT.md.tmp-12345",                           // the older pattern, for an output
	}
	keep := []string{
		".other.tmp-123",         // older pattern, not an output: not ours to remove
		"server/keep.tmp-1",      // not hidden
		"server/.notes",          // someone's file
		"server/.x.ftpswiz-tmp-", // no random part
		"REPORT.md",
	}
	for _, p := range append(slices.Clone(leftovers), keep...) {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(p)), "x")
	}
	symlink(t, "nowhere", filepath.Join(dir, "server", ".link.ftpswiz-tmp-0000000000000000"))
	keep = append(keep, "server/.link.ftpswiz-tmp-0000000000000000")
	out := files("REPORT.md", "new", "server/vsftpd.conf", "ssl_enable=YES\n")

	// Refused (REPORT.md changed, no Force): nothing removed.
	before := snapshot(t, dir)
	var exists *ExistsError
	if _, err := Write(dir, out, Options{}); !errors.As(err, &exists) {
		t.Fatalf("err = %v, want an *ExistsError", err)
	}
	if got := snapshot(t, dir); !reflect.DeepEqual(got, before) {
		t.Fatal("a refused Write changed the directory")
	}

	if _, err := Write(dir, out, Options{Force: true, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	got := snapshot(t, dir)
	for _, p := range leftovers {
		if _, ok := got[p]; ok {
			t.Errorf("leftover %s not removed", p)
		}
	}
	for _, p := range keep {
		if _, ok := got[p]; !ok {
			t.Errorf("%s removed", p)
		}
	}
	for p := range got {
		if IsTemp(filepath.Base(p)) && !slices.Contains(keep, p) {
			t.Errorf("temporary file %s left by this Write", p)
		}
	}
}

// TestWriteOneAtATime: a Write into a directory another Write holds is
// refused at once, writing nothing.
func TestWriteOneAtATime(t *testing.T) {
	dir := t.TempDir()
	unlock, err := lockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Write(dir, files("REPORT.md", "r"), Options{})
	if err == nil || !strings.Contains(err.Error(), "another ftpswiz is writing") {
		t.Fatalf("err = %v", err)
	}
	if got := snapshot(t, dir); len(got) != 1 { // only "./"
		t.Fatalf("wrote %v", got)
	}
	unlock()
	if _, err := Write(dir, files("REPORT.md", "r"), Options{}); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
}

func symlink(t *testing.T, target, name string) {
	t.Helper()
	mkdir(t, filepath.Dir(name))
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}

// TestWriteModeChangeSparesHardLinks: a mode-only change of a file with a
// second hard link (here outside the output directory) must not change the
// other name's mode: the file is replaced by a copy. With a fault, both
// stay as they were.
func TestWriteModeChangeSparesHardLinks(t *testing.T) {
	for _, fault := range []bool{false, true} {
		t.Run(fmt.Sprintf("fault %v", fault), func(t *testing.T) {
			dir, other := t.TempDir(), t.TempDir()
			victim := filepath.Join(other, "shadow")
			writeFile(t, victim, "same\n")
			if err := os.Chmod(victim, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Link(victim, filepath.Join(dir, "vsftpd.conf")); err != nil {
				t.Skipf("no hard links here: %v", err)
			}
			before := snapshot(t, dir)
			ops := &faultOps{}
			if fault {
				ops.fail = map[int]bool{0: true}
			}
			fs := []generators.File{{Path: "vsftpd.conf", Mode: 0o644, Content: []byte("same\n")}}
			changes, err := Write(dir, fs, Options{Now: fixedNow, Ops: ops})
			if fi := statT(t, victim); fi.Mode().Perm() != 0o600 {
				t.Errorf("the other hard link went %v", fi.Mode().Perm())
			}
			got := snapshot(t, dir)
			if fault {
				var ce *CommitError
				if !errors.As(err, &ce) {
					t.Fatalf("err = %v, want a *CommitError", err)
				}
				if !reflect.DeepEqual(got, before) {
					t.Errorf("tree = %v, want %v", got, before)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if changes[0].Kind != ModeChanged || changes[0].Backup != "" {
				t.Errorf("change = %+v", changes[0])
			}
			want := map[string]string{"./": before["./"], "vsftpd.conf": "-rw-r--r-- same\n"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("tree = %v, want %v", got, want)
			}
		})
	}
}
