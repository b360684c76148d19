// Package outdir writes generated files into an output directory safely.
//
// The rules, in order:
//
//   - Everything is checked before anything is written: paths, what is
//     already on disk, and whether a changed file may be replaced. On any
//     error nothing is left behind (no file, no temporary file, no new
//     directory).
//   - Every file is written atomically: a temporary file in the same
//     directory is written, synced and renamed over the target, so a reader
//     sees either the old or the new content, never a mix.
//   - A file whose content differs is never replaced without Force; the
//     whole write is refused with an *ExistsError.
//   - With Force, the old file is kept as a backup next to it before it is
//     replaced: NAME.bak-YYYYMMDD-HHMMSS (local time of Options.Now), and
//     NAME.bak-YYYYMMDD-HHMMSS.1, .2 ... when that name is taken.
//   - A file whose content is the same is left alone: not rewritten, not
//     backed up. If only its permission bits differ they are fixed in place.
//
// Preview tells, without writing, what Write would do, with a unified diff
// of every changed file, so an interactive caller can show it and ask.
package outdir

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/ftpswiz/ftpswiz/generators"
)

// Kind is what happens to one file.
type Kind int

// Kinds of change.
const (
	// New: the file does not exist yet and will be created.
	New Kind = iota
	// Changed: the file exists with different content; it is replaced only
	// with Force, after a backup.
	Changed
	// ModeChanged: same content, different permission bits; fixed in place.
	ModeChanged
	// Unchanged: same content and mode; left alone.
	Unchanged
)

func (k Kind) String() string {
	switch k {
	case New:
		return "new"
	case Changed:
		return "changed"
	case ModeChanged:
		return "mode changed"
	case Unchanged:
		return "unchanged"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Change is what Write does (or did) to one file.
type Change struct {
	// Path is the file's slash-separated path inside the output directory.
	Path string
	Kind Kind
	// Mode is the mode the file gets; OldMode the mode it has now (zero for
	// a new file).
	Mode    fs.FileMode
	OldMode fs.FileMode
	// Diff is a unified diff from the file on disk to the new content (for
	// Changed).
	Diff string
	// Backup is the backup's path inside the output directory, set by Write
	// when it replaced a changed file.
	Backup string
}

// ExistsError is returned by Write, before it writes anything, when files
// exist with different content and Options.Force is false.
type ExistsError struct {
	Dir string
	// Paths are the changed files (slash paths inside Dir), sorted.
	Paths []string
}

func (e *ExistsError) Error() string {
	noun := "files"
	if len(e.Paths) == 1 {
		noun = "file"
	}
	return fmt.Sprintf("refusing to overwrite %d changed %s in %s without --force: %s",
		len(e.Paths), noun, e.Dir, strings.Join(e.Paths, ", "))
}

// Options tune Write.
type Options struct {
	// Force allows replacing files whose content changed (after a backup).
	Force bool
	// Now names backups; default time.Now.
	Now func() time.Time
}

// BackupTimeLayout is the time format in backup names (NAME.bak-LAYOUT).
const BackupTimeLayout = "20060102-150405"

// Preview reports what Write would do with files in dir, in files' order,
// without writing anything. A missing dir means every file is new.
func Preview(dir string, files []generators.File) ([]Change, error) {
	if err := checkPaths(files); err != nil {
		return nil, err
	}
	out := make([]Change, 0, len(files))
	for _, f := range files {
		c, err := preview(dir, f)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func preview(dir string, f generators.File) (Change, error) {
	c := Change{Path: f.Path, Mode: f.Mode.Perm()}
	target := filepath.Join(dir, filepath.FromSlash(f.Path))
	fi, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// A missing parent is fine; a parent that is a file is not.
		if perr := checkParents(dir, f.Path); perr != nil {
			return c, perr
		}
		c.Kind = New
		return c, nil
	case err != nil:
		return c, fmt.Errorf("check %s: %w", target, err)
	case !fi.Mode().IsRegular():
		return c, fmt.Errorf("%s exists and is not a regular file", target)
	}
	old, err := os.ReadFile(target)
	if err != nil {
		return c, fmt.Errorf("read %s: %w", target, err)
	}
	c.OldMode = fi.Mode().Perm()
	switch {
	case !bytes.Equal(old, f.Content):
		c.Kind = Changed
		c.Diff = udiff.Unified("a/"+f.Path, "b/"+f.Path, string(old), string(f.Content))
	case c.OldMode != c.Mode:
		c.Kind = ModeChanged
	default:
		c.Kind = Unchanged
	}
	return c, nil
}

// checkParents fails when a parent of rel inside dir exists but is not a
// directory (os.Stat then reports ENOTDIR or not-exist depending on depth).
func checkParents(dir, rel string) error {
	p := dir
	for _, part := range strings.Split(path.Dir(rel), "/") {
		if part == "." {
			break
		}
		p = filepath.Join(p, part)
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("check %s: %w", p, err)
		}
		if !fi.IsDir() {
			return fmt.Errorf("%s exists and is not a directory", p)
		}
	}
	return nil
}

// checkPaths refuses paths that would escape the output directory, and
// duplicates.
func checkPaths(files []generators.File) error {
	seen := map[string]bool{}
	for _, f := range files {
		p := f.Path
		if p == "" || path.IsAbs(p) || strings.Contains(p, `\`) || path.Clean(p) != p ||
			p == "." || p == ".." || strings.HasPrefix(p, "../") {
			return fmt.Errorf("invalid output path %q: must be a clean relative path inside the output directory", p)
		}
		if seen[p] {
			return fmt.Errorf("output path %q given twice", p)
		}
		seen[p] = true
	}
	return nil
}

// Write writes files into dir (created if missing) following the package's
// rules, and returns what it did to each file, in files' order.
func Write(dir string, files []generators.File, opts Options) ([]Change, error) {
	changes, err := Preview(dir, files)
	if err != nil {
		return nil, err
	}
	if !opts.Force {
		var changed []string
		for _, c := range changes {
			if c.Kind == Changed {
				changed = append(changed, c.Path)
			}
		}
		if len(changed) > 0 {
			sort.Strings(changed)
			return changes, &ExistsError{Dir: dir, Paths: changed}
		}
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	w := &writer{dir: dir, stamp: now().Format(BackupTimeLayout)}
	if err := w.stage(files, changes); err != nil {
		w.rollback()
		return nil, err
	}
	if err := w.commit(changes); err != nil {
		return changes, err
	}
	return changes, nil
}

// writer holds one Write's temporary files and the directories it created,
// so a failure before commit removes every trace.
type writer struct {
	dir     string
	stamp   string
	created []string          // directories created, parents first
	temps   map[string]string // slash path -> temporary file
	synced  map[string]bool   // directories to fsync after renames
}

// stage creates the missing directories and writes every new or changed
// file to a synced temporary file next to its target. The files are written
// and synced in parallel: fsync latency, not CPU, dominates a run, and the
// file system commits concurrent syncs together.
func (w *writer) stage(files []generators.File, changes []Change) error {
	w.temps = map[string]string{}
	w.synced = map[string]bool{}
	type job struct {
		path, target string
		content      []byte
		mode         fs.FileMode
		tmp          string
		err          error
	}
	var jobs []*job
	for i, f := range files {
		if k := changes[i].Kind; k != New && k != Changed {
			continue
		}
		target := filepath.Join(w.dir, filepath.FromSlash(f.Path))
		if err := w.mkdirAll(filepath.Dir(target)); err != nil {
			return err
		}
		jobs = append(jobs, &job{path: f.Path, target: target, content: f.Content, mode: f.Mode.Perm()})
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallelSyncs)
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			j.tmp, j.err = writeTemp(j.target, j.content, j.mode)
			<-sem
		}()
	}
	wg.Wait()
	var errs []error
	for _, j := range jobs {
		if j.err != nil {
			errs = append(errs, j.err)
			continue
		}
		w.temps[j.path] = j.tmp
	}
	return errors.Join(errs...)
}

// maxParallelSyncs bounds the files written and synced at once.
const maxParallelSyncs = 16

func (w *writer) mkdirAll(d string) error {
	var missing []string
	for p := d; ; p = filepath.Dir(p) {
		if _, err := os.Stat(p); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("check %s: %w", p, err)
		}
		missing = append(missing, p)
		if filepath.Dir(p) == p {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil {
			return fmt.Errorf("create directory: %w", err)
		}
		w.created = append(w.created, missing[i])
		w.synced[filepath.Dir(missing[i])] = true
	}
	return nil
}

// rollback removes the temporary files and created directories.
func (w *writer) rollback() {
	for _, tmp := range w.temps {
		os.Remove(tmp)
	}
	for i := len(w.created) - 1; i >= 0; i-- {
		os.Remove(w.created[i])
	}
}

func writeTemp(target string, content []byte, mode fs.FileMode) (name string, err error) {
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", target, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(content); err != nil {
		return "", fmt.Errorf("write %s: %w", target, err)
	}
	if err = f.Chmod(mode); err != nil {
		return "", fmt.Errorf("chmod %s: %w", target, err)
	}
	if err = f.Sync(); err != nil {
		return "", fmt.Errorf("sync %s: %w", target, err)
	}
	if err = f.Close(); err != nil {
		return "", fmt.Errorf("close %s: %w", target, err)
	}
	return f.Name(), nil
}

// commit backs up changed files and renames the temporary files into place,
// then syncs the directories. A failure here (rare: the checks passed and
// the data is on disk) stops at the first file; the files before it are
// already replaced, each with its backup.
func (w *writer) commit(changes []Change) error {
	for i := range changes {
		c := &changes[i]
		target := filepath.Join(w.dir, filepath.FromSlash(c.Path))
		switch c.Kind {
		case Unchanged:
			continue
		case ModeChanged:
			if err := os.Chmod(target, c.Mode); err != nil {
				w.rollback()
				return fmt.Errorf("chmod %s: %w", target, err)
			}
			continue
		case Changed:
			backup, err := backupFile(target, w.stamp)
			if err != nil {
				w.rollback()
				return err
			}
			rel, _ := filepath.Rel(w.dir, backup)
			c.Backup = filepath.ToSlash(rel)
		}
		if err := os.Rename(w.temps[c.Path], target); err != nil {
			w.rollback()
			return fmt.Errorf("replace %s: %w", target, err)
		}
		delete(w.temps, c.Path)
		w.synced[filepath.Dir(target)] = true
	}
	var dirs []string
	for d := range w.synced {
		dirs = append(dirs, d)
	}
	errs := make([]error, len(dirs))
	var wg sync.WaitGroup
	for i, d := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = syncDir(d)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// backupFile keeps the current content of target under a fresh backup name
// and returns that name. It hard-links when it can (the old inode becomes
// the backup; the rename that follows replaces only the name), and copies
// otherwise.
func backupFile(target, stamp string) (string, error) {
	base := target + ".bak-" + stamp
	for n := 0; n < 1000; n++ {
		name := base
		if n > 0 {
			name = fmt.Sprintf("%s.%d", base, n)
		}
		err := os.Link(target, name)
		if err == nil {
			return name, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		// No hard links here (some file systems): copy instead.
		if err := copyFile(target, name); err != nil {
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			return "", err
		}
		return name, nil
	}
	return "", fmt.Errorf("back up %s: too many backups named %s.*", target, base)
}

func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("back up %s: %w", src, err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return fmt.Errorf("back up %s: %w", src, err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return fmt.Errorf("back up %s: %w", src, err)
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(dst)
		}
	}()
	if _, err = io.Copy(out, in); err != nil {
		return fmt.Errorf("back up %s: %w", src, err)
	}
	if err = out.Sync(); err != nil {
		return fmt.Errorf("back up %s: %w", src, err)
	}
	if err = out.Close(); err != nil {
		return fmt.Errorf("back up %s: %w", src, err)
	}
	return nil
}

func syncDir(d string) error {
	f, err := os.Open(d)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", d, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", d, err)
	}
	return nil
}

// IsBackup reports whether a file name is one of Write's backups
// (NAME.bak-YYYYMMDD-HHMMSS[.N]).
func IsBackup(name string) bool {
	i := strings.LastIndex(name, ".bak-")
	if i < 0 {
		return false
	}
	rest := name[i+len(".bak-"):]
	if len(rest) < len(BackupTimeLayout) {
		return false
	}
	if _, err := time.Parse(BackupTimeLayout, rest[:len(BackupTimeLayout)]); err != nil {
		return false
	}
	rest = rest[len(BackupTimeLayout):]
	if rest == "" {
		return true
	}
	if rest[0] != '.' || len(rest) == 1 {
		return false
	}
	for _, r := range rest[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Stale lists the files under the given subdirectories of dir (slash
// paths, e.g. "firewall") that are not among files and are not backups:
// outputs of an earlier run that this run does not produce. Write leaves
// them alone; callers mention them. Missing subdirectories are skipped.
func Stale(dir string, files []generators.File, subdirs ...string) ([]string, error) {
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
	}
	var out []string
	for _, sub := range subdirs {
		root := filepath.Join(dir, filepath.FromSlash(sub))
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return fs.SkipDir
			}
			if err != nil {
				return err
			}
			if d.IsDir() || IsBackup(d.Name()) || strings.HasPrefix(d.Name(), ".") {
				return nil
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			if rel = filepath.ToSlash(rel); !want[rel] {
				out = append(out, rel)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", root, err)
		}
	}
	sort.Strings(out)
	return out, nil
}
