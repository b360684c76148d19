// Package outdir writes generated files into an output directory safely.
//
// The rules, in order:
//
//   - Everything is checked before anything is written: paths, what is
//     already on disk, and whether a changed file may be replaced. On any
//     error nothing is left behind (no file, no temporary file, no new
//     directory).
//   - Nothing is read, written or chmodded through a symbolic link inside
//     the output directory (a linked subdirectory or a linked target file):
//     the write is refused with an error naming the link. Every access goes
//     through an [os.Root] of the output directory, so even a link that
//     appears in between cannot lead outside it. (The output directory
//     itself may be a link.)
//   - The commit is all or nothing as far as a file system allows: every
//     new or changed file is first staged as a synced temporary file in its
//     target's directory and every backup is made; then one pass renames
//     the temporary files into place and fixes permission bits. If a step
//     of that pass fails, the steps already done are undone (replaced files
//     restored from their backups, new files removed, modes put back) and
//     the *CommitError says which files were replaced and restored, so the
//     directory ends as before or, if even that fails, the error says
//     exactly which files are new.
//   - A file whose content differs is never replaced without Force; the
//     whole write is refused with an *ExistsError.
//   - With Force, the old file is kept as a backup next to it before it is
//     replaced: NAME.bak-YYYYMMDD-HHMMSS (local time of Options.Now), and
//     NAME.bak-YYYYMMDD-HHMMSS.1, .2 ... when that name is taken.
//   - A file whose content is the same is left alone: not rewritten, not
//     backed up. If only its permission bits differ they are fixed in place
//     (on the open file, never through a path), or, when the file has other
//     hard links, by replacing it with a copy, so the other names keep
//     their mode.
//   - One Write at a time per directory (an advisory lock on it), and the
//     temporary files a killed run left behind (.NAME.ftpswiz-tmp-HEX, and
//     the older .NAME.tmp-DIGITS of an output NAME) are removed by the next
//     Write into that directory.
//
// Preview tells, without writing, what Write would do, with a unified diff
// of every changed file, so an interactive caller can show it and ask.
package outdir

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
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
	// Ops performs the commit's steps; nil means the real file system.
	// Tests set it to make one step fail.
	Ops Ops
}

// Ops are the steps of Write's final pass, one call per file (and the
// calls that undo them): renaming a staged file into place (or a backup
// back) and changing an open file's permission bits.
type Ops interface {
	Rename(root *os.Root, oldname, newname string) error
	Chmod(f *os.File, mode fs.FileMode) error
}

type osOps struct{}

func (osOps) Rename(root *os.Root, oldname, newname string) error {
	return root.Rename(oldname, newname)
}

func (osOps) Chmod(f *os.File, mode fs.FileMode) error { return f.Chmod(mode) }

// CommitError is returned when a step of the final pass failed. The steps
// done before it were undone: Restored lists those files (slash paths).
// NotRestored lists the files that could not be put back (empty when the
// rollback worked): they have their new content, or new mode, and a
// changed one's old content is in its backup (Backups).
type CommitError struct {
	Dir  string
	Path string // the file whose step failed (slash path)
	Err  error  // names the file
	// Restored are the files replaced (or created, or chmodded) before the
	// failure and put back as they were.
	Restored []string
	// NotRestored are the files left as written; Backups maps each changed
	// one to its backup.
	NotRestored []string
	Backups     map[string]string
	RollbackErr error
	how         map[string]string // path -> how it was put back
}

func (e *CommitError) describe(paths []string) string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p
		if h := e.how[p]; h != "" {
			out[i] += " (" + h + ")"
		}
	}
	return strings.Join(out, ", ")
}

func (e *CommitError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if len(e.NotRestored) == 0 {
		if len(e.Restored) > 0 {
			fmt.Fprintf(&b, "; rolled back, so %s is as before: %s", e.Dir, e.describe(e.Restored))
		} else {
			fmt.Fprintf(&b, "; nothing in %s was replaced", e.Dir)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "; the rollback failed (%v), so %s is MIXED: new content or mode in %s", e.RollbackErr, e.Dir,
		strings.Join(e.NotRestored, ", "))
	var kept []string
	for _, p := range e.NotRestored {
		if bk, ok := e.Backups[p]; ok {
			kept = append(kept, p+" in "+bk)
		}
	}
	if len(kept) > 0 {
		fmt.Fprintf(&b, " (old content kept: %s)", strings.Join(kept, ", "))
	}
	if len(e.Restored) > 0 {
		fmt.Fprintf(&b, "; put back: %s", e.describe(e.Restored))
	}
	return b.String()
}

func (e *CommitError) Unwrap() error { return e.Err }

// SymlinkError refuses a symbolic link inside the output directory.
type SymlinkError struct {
	Dir  string
	Path string // slash path inside Dir
}

func (e *SymlinkError) Error() string {
	return fmt.Sprintf("%s is a symbolic link: ftpswiz does not read, write or chmod through symbolic links inside the "+
		"output directory %s; remove the link (or choose another --out)", filepath.Join(e.Dir, filepath.FromSlash(e.Path)), e.Dir)
}

// BackupTimeLayout is the time format in backup names (NAME.bak-LAYOUT).
const BackupTimeLayout = "20060102-150405"

// Preview reports what Write would do with files in dir, in files' order,
// without writing anything. A missing dir means every file is new.
func Preview(dir string, files []generators.File) ([]Change, error) {
	if err := checkPaths(files); err != nil {
		return nil, err
	}
	root, err := openRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		out := make([]Change, 0, len(files))
		for _, f := range files {
			out = append(out, Change{Path: f.Path, Kind: New, Mode: f.Mode.Perm()})
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return scan(root, dir, files)
}

// openRoot opens the output directory. Its error names the directory once
// (os.OpenRoot's own error already does) and, for a path that is a file,
// says what to do.
func openRoot(dir string) (*os.Root, error) {
	root, err := os.OpenRoot(dir)
	if err == nil {
		return root, nil
	}
	if fi, serr := os.Stat(dir); serr == nil && !fi.IsDir() {
		return nil, fmt.Errorf("output directory: %w (a file, not a directory: give another directory, or remove the file)", err)
	}
	return nil, fmt.Errorf("output directory: %w", err)
}

func scan(root *os.Root, dir string, files []generators.File) ([]Change, error) {
	out := make([]Change, 0, len(files))
	for _, f := range files {
		c, err := preview(root, dir, f)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func preview(root *os.Root, dir string, f generators.File) (Change, error) {
	c := Change{Path: f.Path, Mode: f.Mode.Perm()}
	target := filepath.Join(dir, filepath.FromSlash(f.Path))
	missing, err := checkParents(root, dir, f.Path)
	if err != nil || missing {
		c.Kind = New
		return c, err
	}
	fi, err := root.Lstat(filepath.FromSlash(f.Path))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.Kind = New
		return c, nil
	case err != nil:
		return c, fmt.Errorf("check %s: %w", target, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return c, &SymlinkError{Dir: dir, Path: f.Path}
	case !fi.Mode().IsRegular():
		return c, fmt.Errorf("%s exists and is not a regular file", target)
	}
	file, err := openNoFollow(root, dir, f.Path, os.O_RDONLY)
	if err != nil {
		return c, err
	}
	old, err := io.ReadAll(file)
	file.Close()
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

// openNoFollow opens the regular file rel inside root and checks that what
// it opened is what Lstat sees under that name: a regular file, not a
// symbolic link (which os.Root would follow inside the root) and not
// swapped in between.
func openNoFollow(root *os.Root, dir, rel string, flag int) (*os.File, error) {
	name := filepath.FromSlash(rel)
	target := filepath.Join(dir, name)
	before, err := root.Lstat(name)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", target, err)
	}
	if before.Mode()&fs.ModeSymlink != 0 {
		return nil, &SymlinkError{Dir: dir, Path: rel}
	}
	f, err := root.OpenFile(name, flag|oNoFollow, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", target, err)
	}
	after, err := f.Stat()
	if err != nil || !after.Mode().IsRegular() || !os.SameFile(before, after) {
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", target, err)
		}
		return nil, fmt.Errorf("%s changed while ftpswiz was reading it (is something else writing to %s?)", target, dir)
	}
	return f, nil
}

// checkParents checks every parent of rel inside dir, top down: each that
// exists must be a real directory (not a symbolic link, not a file).
// missing reports that one does not exist yet (nor do those below it).
func checkParents(root *os.Root, dir, rel string) (missing bool, err error) {
	p := ""
	for _, part := range strings.Split(path.Dir(rel), "/") {
		if part == "." {
			break
		}
		p = path.Join(p, part)
		fi, err := root.Lstat(filepath.FromSlash(p))
		if errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		switch {
		case err != nil:
			return false, fmt.Errorf("check %s: %w", full, err)
		case fi.Mode()&fs.ModeSymlink != 0:
			return false, &SymlinkError{Dir: dir, Path: p}
		case !fi.IsDir():
			return false, fmt.Errorf("%s exists and is not a directory", full)
		}
	}
	return false, nil
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
	if err := checkPaths(files); err != nil {
		return nil, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	w := &writer{dir: dir, stamp: now().Format(BackupTimeLayout), ops: opts.Ops}
	if w.ops == nil {
		w.ops = osOps{}
	}
	if err := w.open(); err != nil {
		w.rollback()
		return nil, err
	}
	defer w.close()
	changes, err := scan(w.root, dir, files)
	if err != nil {
		w.rollback()
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
			w.rollback()
			return changes, &ExistsError{Dir: dir, Paths: changed}
		}
	}
	if err := w.findHardLinks(changes); err != nil {
		w.rollback()
		return nil, err
	}
	if err := w.removeLeftovers(files); err != nil {
		w.rollback()
		return nil, err
	}
	if err := w.stage(files, changes); err != nil {
		w.rollback()
		return nil, err
	}
	if err := w.backup(changes); err != nil {
		w.rollback()
		return nil, err
	}
	if err := w.commit(changes); err != nil {
		return changes, err
	}
	return changes, nil
}

// writer holds one Write's open directory, temporary files, backups and the
// directories it created, so a failure before or during the commit can
// remove every trace.
type writer struct {
	dir     string
	stamp   string
	ops     Ops
	root    *os.Root
	unlock  func()
	outDirs []string          // directories created for dir itself, parents first
	created []string          // directories created inside dir (slash paths), parents first
	temps   map[string]string // slash path -> its temporary file (slash path)
	backups map[string]string // slash path -> its backup (slash path)
	synced  map[string]bool   // directories (slash paths, "." for dir) to fsync after the commit
	// relink are the mode-only changes of files with more than one hard
	// link: replaced by a copy with the new mode (through a temporary file
	// and a backup kept only until the commit succeeds), so the file's
	// other names, possibly outside dir, keep their mode.
	relink map[string]bool
}

// findHardLinks fills w.relink.
func (w *writer) findHardLinks(changes []Change) error {
	w.relink = map[string]bool{}
	for _, c := range changes {
		if c.Kind != ModeChanged {
			continue
		}
		fi, err := w.root.Lstat(filepath.FromSlash(c.Path))
		if err != nil {
			return fmt.Errorf("check %s: %w", w.full(c.Path), err)
		}
		if linkCount(fi) > 1 {
			w.relink[c.Path] = true
		}
	}
	return nil
}

// open creates dir when missing, opens it as the writer's root and locks it
// against a concurrent Write.
func (w *writer) open() error {
	var missing []string
	for p := w.dir; ; p = filepath.Dir(p) {
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
		w.outDirs = append(w.outDirs, missing[i])
	}
	root, err := openRoot(w.dir)
	if err != nil {
		return err
	}
	w.root = root
	unlock, err := lockDir(w.dir)
	if err != nil {
		return err
	}
	w.unlock = unlock
	w.temps = map[string]string{}
	w.backups = map[string]string{}
	w.synced = map[string]bool{}
	return nil
}

func (w *writer) close() {
	if w.unlock != nil {
		w.unlock()
		w.unlock = nil
	}
	if w.root != nil {
		w.root.Close()
		w.root = nil
	}
}

func (w *writer) full(rel string) string { return filepath.Join(w.dir, filepath.FromSlash(rel)) }

// tempSuffix marks Write's temporary files: .NAME.ftpswiz-tmp-HEX.
const tempSuffix = ".ftpswiz-tmp-"

var (
	// tempRE and oldTempRE are compiled when a directory is cleaned, not at
	// start-up of every command.
	tempRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\..+\.ftpswiz-tmp-[0-9a-f]{16}$`) })
	// oldTempRE is the temporary name of earlier versions
	// (os.CreateTemp's ".NAME.tmp-DIGITS"); removed only for an output NAME.
	oldTempRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\.(.+)\.tmp-[0-9]+$`) })
)

// IsTemp reports whether a file name is one of Write's temporary files.
func IsTemp(name string) bool { return tempRE().MatchString(name) }

// removeLeftovers removes the temporary files a killed Write left in the
// directories of files (no other Write runs: the directory is locked).
func (w *writer) removeLeftovers(files []generators.File) error {
	outputs := map[string]map[string]bool{}
	for _, f := range files {
		d := path.Dir(f.Path)
		if outputs[d] == nil {
			outputs[d] = map[string]bool{}
		}
		outputs[d][path.Base(f.Path)] = true
	}
	dirs := make([]string, 0, len(outputs))
	for d := range outputs {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		if d != "." {
			if missing, err := checkParents(w.root, w.dir, d+"/x"); err != nil || missing {
				if err != nil {
					return err
				}
				continue
			}
		}
		f, err := w.root.Open(filepath.FromSlash(d))
		if err != nil {
			return fmt.Errorf("list %s: %w", w.full(d), err)
		}
		entries, err := f.ReadDir(-1)
		f.Close()
		if err != nil {
			return fmt.Errorf("list %s: %w", w.full(d), err)
		}
		for _, e := range entries {
			name := e.Name()
			m := oldTempRE().FindStringSubmatch(name)
			if !IsTemp(name) && (m == nil || !outputs[d][m[1]]) || !e.Type().IsRegular() {
				continue
			}
			rel := path.Join(d, name)
			if err := w.root.Remove(filepath.FromSlash(rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove the leftover temporary file %s: %w", w.full(rel), err)
			}
			w.synced[d] = true
		}
	}
	return nil
}

// stage creates the missing directories and writes every new or changed
// file to a synced temporary file next to its target. The files are written
// and synced in parallel: fsync latency, not CPU, dominates a run, and the
// file system commits concurrent syncs together.
func (w *writer) stage(files []generators.File, changes []Change) error {
	type job struct {
		path    string
		content []byte
		mode    fs.FileMode
		tmp     string
		err     error
	}
	var jobs []*job
	for i, f := range files {
		if k := changes[i].Kind; k != New && k != Changed && !w.relink[f.Path] {
			continue
		}
		if err := w.mkdirAll(path.Dir(f.Path)); err != nil {
			return err
		}
		jobs = append(jobs, &job{path: f.Path, content: f.Content, mode: f.Mode.Perm()})
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallelSyncs)
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			j.tmp, j.err = w.writeTemp(j.path, j.content, j.mode)
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

// mkdirAll creates the missing directories of d (a slash path inside the
// root), each checked not to be a symbolic link.
func (w *writer) mkdirAll(d string) error {
	if d == "." {
		return nil
	}
	p := ""
	for _, part := range strings.Split(d, "/") {
		p = path.Join(p, part)
		fi, err := w.root.Lstat(filepath.FromSlash(p))
		switch {
		case err == nil && fi.Mode()&fs.ModeSymlink != 0:
			return &SymlinkError{Dir: w.dir, Path: p}
		case err == nil && !fi.IsDir():
			return fmt.Errorf("%s exists and is not a directory", w.full(p))
		case err == nil:
			continue
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("check %s: %w", w.full(p), err)
		}
		if err := w.root.Mkdir(filepath.FromSlash(p), 0o755); err != nil {
			return fmt.Errorf("create directory %s: %w", w.full(p), err)
		}
		w.created = append(w.created, p)
		w.synced[path.Dir(p)] = true
	}
	return nil
}

// rollback removes the temporary files, the backups of files not replaced
// and the created directories.
func (w *writer) rollback() {
	if w.root != nil {
		for _, tmp := range w.temps {
			w.root.Remove(filepath.FromSlash(tmp))
		}
		w.temps = nil
		for _, bk := range w.backups {
			w.root.Remove(filepath.FromSlash(bk))
		}
		w.backups = nil
		for i := len(w.created) - 1; i >= 0; i-- {
			w.root.Remove(filepath.FromSlash(w.created[i]))
		}
		w.created = nil
	}
	w.close()
	for i := len(w.outDirs) - 1; i >= 0; i-- {
		os.Remove(w.outDirs[i])
	}
	w.outDirs = nil
}

func (w *writer) writeTemp(rel string, content []byte, mode fs.FileMode) (name string, err error) {
	target := w.full(rel)
	var f *os.File
	for range 10 {
		var r [8]byte
		rand.Read(r[:])
		name = path.Join(path.Dir(rel), "."+path.Base(rel)+tempSuffix+hex.EncodeToString(r[:]))
		f, err = w.root.OpenFile(filepath.FromSlash(name), os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return "", fmt.Errorf("write %s: %w", target, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			w.root.Remove(filepath.FromSlash(name))
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
	return name, nil
}

// backup keeps the current content of every changed file under a fresh
// backup name, before anything is replaced.
func (w *writer) backup(changes []Change) error {
	for i := range changes {
		c := &changes[i]
		if c.Kind != Changed && !w.relink[c.Path] {
			continue
		}
		bk, err := w.backupFile(c.Path)
		if err != nil {
			return err
		}
		w.backups[c.Path] = bk
		if c.Kind == Changed {
			c.Backup = bk
		}
		w.synced[path.Dir(c.Path)] = true
	}
	return nil
}

// commit renames the temporary files into place and fixes modes, in one
// pass, then syncs the directories. When a step fails, the steps done are
// undone in reverse order.
func (w *writer) commit(changes []Change) error {
	var done []*Change
	for i := range changes {
		c := &changes[i]
		var err error
		switch c.Kind {
		case Unchanged:
			continue
		case ModeChanged:
			if !w.relink[c.Path] {
				err = w.chmod(c.Path, c.Mode)
				break
			}
			fallthrough
		case New, Changed:
			// The target must still be what the scan saw: no link appeared.
			if _, err = checkParents(w.root, w.dir, c.Path); err == nil {
				err = w.checkTarget(c)
			}
			if err == nil {
				if err = w.ops.Rename(w.root, filepath.FromSlash(w.temps[c.Path]), filepath.FromSlash(c.Path)); err == nil {
					delete(w.temps, c.Path)
				} else {
					err = fmt.Errorf("replace %s: %w", w.full(c.Path), err)
				}
			}
		}
		if err != nil {
			return w.undo(done, c.Path, err)
		}
		done = append(done, c)
	}
	// Committed: the backups stay, except those of relinked files (same
	// content).
	for p := range w.relink {
		w.root.Remove(filepath.FromSlash(w.backups[p]))
	}
	w.backups = nil
	w.synced["."] = true
	var dirs []string
	for d := range w.synced {
		dirs = append(dirs, d)
	}
	errs := make([]error, len(dirs)+len(w.outDirs))
	var wg sync.WaitGroup
	for i, d := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = w.syncDir(d)
		}()
	}
	wg.Wait()
	for i, d := range w.outDirs {
		errs[len(dirs)+i] = syncPath(filepath.Dir(d))
	}
	w.close()
	return errors.Join(errs...)
}

// checkTarget checks that a file about to be replaced is what the scan saw:
// absent for New, a regular file (not a link) for Changed.
func (w *writer) checkTarget(c *Change) error {
	fi, err := w.root.Lstat(filepath.FromSlash(c.Path))
	switch {
	case c.Kind == New && errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("check %s: %w", w.full(c.Path), err)
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		return &SymlinkError{Dir: w.dir, Path: c.Path}
	case c.Kind != New && err == nil && fi.Mode().IsRegular():
		return nil
	}
	return fmt.Errorf("%s changed while ftpswiz was writing (is something else writing to %s?)", w.full(c.Path), w.dir)
}

// chmod changes the mode of the regular file rel on its open descriptor.
func (w *writer) chmod(rel string, mode fs.FileMode) error {
	f, err := openNoFollow(w.root, w.dir, rel, os.O_RDONLY)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := w.ops.Chmod(f, mode); err != nil {
		return fmt.Errorf("chmod %s: %w", w.full(rel), err)
	}
	return nil
}

// undo reverts the done steps (newest first) after the step of the file
// failed went wrong with cause, removes what is left of the write (temporary
// files, unused backups, created directories), and describes both.
func (w *writer) undo(done []*Change, failed string, cause error) error {
	e := &CommitError{Dir: w.dir, Path: failed, Err: cause, Backups: map[string]string{}, how: map[string]string{}}
	var errs []error
	for i := len(done) - 1; i >= 0; i-- {
		c := done[i]
		var err error
		switch c.Kind {
		case ModeChanged:
			if !w.relink[c.Path] {
				err = w.chmod(c.Path, c.OldMode)
				break
			}
			fallthrough
		case Changed:
			if err = w.ops.Rename(w.root, filepath.FromSlash(w.backups[c.Path]), filepath.FromSlash(c.Path)); err == nil {
				delete(w.backups, c.Path)
			}
		case New:
			if err = w.root.Remove(filepath.FromSlash(c.Path)); err == nil {
				w.synced[path.Dir(c.Path)] = true
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("restore %s: %w", c.Path, err))
			e.NotRestored = append(e.NotRestored, c.Path)
			if bk, ok := w.backups[c.Path]; ok {
				e.Backups[c.Path] = bk
				delete(w.backups, c.Path) // keep it: it holds the old content
			}
			continue
		}
		e.Restored = append(e.Restored, c.Path)
		switch {
		case c.Kind == New:
			e.how[c.Path] = "new, removed"
		case c.Kind == Changed:
			e.how[c.Path] = "replaced, restored from its backup"
		case w.relink[c.Path]:
			e.how[c.Path] = "mode changed, restored"
		default:
			e.how[c.Path] = "mode changed, put back"
		}
		c.Backup = ""
	}
	sort.Strings(e.Restored)
	sort.Strings(e.NotRestored)
	e.RollbackErr = errors.Join(errs...)
	if len(e.NotRestored) > 0 {
		// Directories holding kept files must stay.
		w.created = nil
		w.outDirs = nil
	}
	for i := range done {
		if done[i].Kind == New {
			w.synced[path.Dir(done[i].Path)] = true
		}
	}
	for d := range w.synced {
		w.syncDir(d)
	}
	w.rollback()
	return e
}

// backupFile keeps the current content of rel under a fresh backup name
// and returns that name. It hard-links when it can (the old inode becomes
// the backup; the rename that follows replaces only the name), and copies
// otherwise.
func (w *writer) backupFile(rel string) (string, error) {
	base := rel + ".bak-" + w.stamp
	for n := 0; n < 1000; n++ {
		name := base
		if n > 0 {
			name = fmt.Sprintf("%s.%d", base, n)
		}
		err := w.root.Link(filepath.FromSlash(rel), filepath.FromSlash(name))
		if err == nil {
			return name, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		// No hard links here (some file systems): copy instead.
		if err := w.copyFile(rel, name); err != nil {
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			return "", err
		}
		return name, nil
	}
	return "", fmt.Errorf("back up %s: too many backups named %s.*", w.full(rel), w.full(base))
}

func (w *writer) copyFile(src, dst string) (err error) {
	in, err := openNoFollow(w.root, w.dir, src, os.O_RDONLY)
	if err != nil {
		return fmt.Errorf("back up: %w", err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return fmt.Errorf("back up %s: %w", w.full(src), err)
	}
	out, err := w.root.OpenFile(filepath.FromSlash(dst), os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, fi.Mode().Perm())
	if err != nil {
		return fmt.Errorf("back up %s: %w", w.full(src), err)
	}
	defer func() {
		if err != nil {
			out.Close()
			w.root.Remove(filepath.FromSlash(dst))
		}
	}()
	if _, err = io.Copy(out, in); err != nil {
		return fmt.Errorf("back up %s: %w", w.full(src), err)
	}
	if err = out.Chmod(fi.Mode().Perm()); err != nil {
		return fmt.Errorf("back up %s: %w", w.full(src), err)
	}
	if err = out.Sync(); err != nil {
		return fmt.Errorf("back up %s: %w", w.full(src), err)
	}
	if err = out.Close(); err != nil {
		return fmt.Errorf("back up %s: %w", w.full(src), err)
	}
	return nil
}

func (w *writer) syncDir(rel string) error {
	f, err := w.root.Open(filepath.FromSlash(rel))
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", w.full(rel), err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", w.full(rel), err)
	}
	return nil
}

func syncPath(d string) error {
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
