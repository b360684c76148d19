// Package golden compares test output with golden files under testdata/
// and rewrites them on request, in the style of goreleaser's
// internal/golden.
//
// Updating: run the tests with -update (go test ./cmd/ftpswiz -run Golden
// -update) or with UPDATE_GOLDEN=1 in the environment. This package does not
// define the -update flag itself, because charmbracelet's teatest/v2 (and
// x/exp/golden) already define a global -update flag and a second
// definition panics. Instead Update looks the flag up when it is called:
//
//   - a test package that does not link teatest calls DefineUpdateFlag from
//     an init function in a _test.go file (it defines -update only when no
//     one else has);
//   - a test package that links teatest needs nothing: teatest's -update
//     is found and honoured.
//
// Golden files compare byte for byte; a mismatch fails the test with a
// unified diff.
package golden

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	udiff "github.com/aymanbagabas/go-udiff"
)

// EnvUpdate is the environment variable that, set to 1, updates golden
// files like -update.
const EnvUpdate = "UPDATE_GOLDEN"

// DefineUpdateFlag defines the global -update flag unless something
// (teatest, x/exp/golden) already has. Call it from an init function in a
// _test.go file.
func DefineUpdateFlag() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "update golden files")
	}
}

// Update reports whether golden files should be rewritten: -update was
// given (whoever defined the flag) or UPDATE_GOLDEN=1.
func Update() bool {
	if os.Getenv(EnvUpdate) == "1" {
		return true
	}
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	if g, ok := f.Value.(flag.Getter); ok {
		if b, ok := g.Get().(bool); ok {
			return b
		}
	}
	return f.Value.String() == "true"
}

// Path returns the golden file of the running test:
// testdata/<TestName>.golden, with subtest slashes kept as directories.
func Path(tb testing.TB) string {
	return filepath.Join("testdata", filepath.FromSlash(tb.Name())+".golden")
}

// RequireEqual compares got with the test's golden file (Path), updating
// it when Update() is true.
func RequireEqual(tb testing.TB, got []byte) {
	tb.Helper()
	RequireEqualFile(tb, Path(tb), got)
}

// RequireEqualFile compares got with the golden file at path, updating it
// when Update() is true.
func RequireEqualFile(tb testing.TB, path string, got []byte) {
	tb.Helper()
	if Update() {
		if err := writeFile(path, got); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read golden file (run with -update or %s=1 to create it): %v", EnvUpdate, err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the output (run with -update or %s=1 if the change is intended):\n%s",
			path, EnvUpdate, Diff(path, string(want), string(got)))
	}
}

// RequireEqualDir compares a set of files (slash paths relative to dir,
// with their contents) with the golden directory dir: every file must be
// there with the same content, and dir must hold no other file. With
// Update() it rewrites dir to match exactly (extra files are removed).
func RequireEqualDir(tb testing.TB, dir string, got map[string][]byte) {
	tb.Helper()
	onDisk, err := readDir(dir)
	if err != nil && !(Update() && errors.Is(err, fs.ErrNotExist)) {
		tb.Fatalf("read golden directory (run with -update or %s=1 to create it): %v", EnvUpdate, err)
	}
	if Update() {
		for p := range onDisk {
			if _, ok := got[p]; !ok {
				if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
					tb.Fatal(err)
				}
			}
		}
		for p, content := range got {
			if err := writeFile(filepath.Join(dir, filepath.FromSlash(p)), content); err != nil {
				tb.Fatal(err)
			}
		}
		removeEmptyDirs(dir)
		return
	}
	var problems []string
	for _, p := range sortedKeys(got) {
		want, ok := onDisk[p]
		switch {
		case !ok:
			problems = append(problems, "unexpected file "+p+" (not in "+dir+")")
		case !bytes.Equal(got[p], want):
			problems = append(problems, Diff(filepath.ToSlash(filepath.Join(dir, p)), string(want), string(got[p])))
		}
	}
	for _, p := range sortedKeys(onDisk) {
		if _, ok := got[p]; !ok {
			problems = append(problems, "missing file "+p+" (in "+dir+" but not generated)")
		}
	}
	if len(problems) > 0 {
		tb.Errorf("output differs from %s (run with -update or %s=1 if the change is intended):\n%s",
			dir, EnvUpdate, strings.Join(problems, "\n"))
	}
}

// maxDiff bounds a reported diff so one broken template does not flood the
// test log.
const maxDiff = 8000

// Diff is a unified diff from want (the golden file) to got, truncated.
func Diff(name, want, got string) string {
	d := udiff.Unified(name+" (golden)", name+" (got)", want, got)
	if len(d) > maxDiff {
		d = d[:maxDiff] + fmt.Sprintf("\n... (%d more bytes of diff)", len(d)-maxDiff)
	}
	return d
}

func readDir(dir string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if _, err := os.Stat(dir); err != nil {
		return out, err
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	return out, err
}

func writeFile(path string, content []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("update golden file: %w", err)
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		return fmt.Errorf("update golden file: %w", err)
	}
	return nil
}

// removeEmptyDirs removes directories under dir left empty by an update.
func removeEmptyDirs(dir string) {
	var dirs []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != dir {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(dirs[i]) // fails, harmlessly, when not empty
	}
}

func sortedKeys(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
