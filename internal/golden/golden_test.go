package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func init() { DefineUpdateFlag() }

// noUpdate turns updating off for one test, whatever the command line
// says, since these tests check the comparison itself.
func noUpdate(t *testing.T) {
	t.Setenv(EnvUpdate, "")
	f := flag.Lookup("update")
	old := f.Value.String()
	f.Value.Set("false")
	t.Cleanup(func() { f.Value.Set(old) })
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	name   string
	mu     sync.Mutex
	errors []string
	fatal  bool
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return r.name }
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

// run calls f with a recorder in its own goroutine (Fatal ends it) and
// returns the recorded failures.
func run(name string, f func(tb testing.TB)) []string {
	r := &recorder{name: name}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f(r)
	}()
	wg.Wait()
	return r.errors
}

func TestRequireEqualFile(t *testing.T) {
	noUpdate(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "x.golden")
	if err := os.WriteFile(p, []byte("a\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if errs := run("T", func(tb testing.TB) { RequireEqualFile(tb, p, []byte("a\nb\n")) }); len(errs) != 0 {
		t.Fatalf("equal content failed: %v", errs)
	}
	errs := run("T", func(tb testing.TB) { RequireEqualFile(tb, p, []byte("a\nB\n")) })
	if len(errs) != 1 || !strings.Contains(errs[0], "-b\n+B\n") || !strings.Contains(errs[0], EnvUpdate) {
		t.Fatalf("mismatch report = %q", errs)
	}
	errs = run("T", func(tb testing.TB) { RequireEqualFile(tb, filepath.Join(dir, "missing.golden"), nil) })
	if len(errs) != 1 || !strings.Contains(errs[0], "-update") {
		t.Fatalf("missing golden report = %q", errs)
	}

	t.Setenv(EnvUpdate, "1")
	if errs := run("T", func(tb testing.TB) { RequireEqualFile(tb, filepath.Join(dir, "new", "y.golden"), []byte("new\n")) }); len(errs) != 0 {
		t.Fatal(errs)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "new", "y.golden")); string(b) != "new\n" {
		t.Fatalf("update wrote %q", b)
	}
}

func TestRequireEqualPath(t *testing.T) {
	if got, want := Path(&recorder{name: "TestX/sub"}), filepath.Join("testdata", "TestX", "sub.golden"); got != want {
		t.Fatalf("Path = %q, want %q", got, want)
	}
}

func TestRequireEqualDir(t *testing.T) {
	noUpdate(t)
	dir := t.TempDir()
	for p, c := range map[string]string{"a.txt": "a\n", "sub/b.txt": "b\n"} {
		if err := writeFile(filepath.Join(dir, p), []byte(c)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		got  map[string][]byte
		want []string // substrings of the report; none: must pass
	}{
		{"equal", map[string][]byte{"a.txt": []byte("a\n"), "sub/b.txt": []byte("b\n")}, nil},
		{"changed", map[string][]byte{"a.txt": []byte("A\n"), "sub/b.txt": []byte("b\n")}, []string{"-a\n+A\n"}},
		{"missing", map[string][]byte{"a.txt": []byte("a\n")}, []string{"missing file sub/b.txt"}},
		{"unexpected", map[string][]byte{"a.txt": []byte("a\n"), "sub/b.txt": []byte("b\n"), "c": nil}, []string{"unexpected file c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := run("T", func(tb testing.TB) { RequireEqualDir(tb, dir, tt.got) })
			if len(tt.want) == 0 {
				if len(errs) != 0 {
					t.Fatalf("unexpected failure: %v", errs)
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("failures = %q, want one", errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs[0], w) {
					t.Errorf("report %q lacks %q", errs[0], w)
				}
			}
		})
	}

	// Update rewrites the directory to match exactly.
	t.Setenv(EnvUpdate, "1")
	got := map[string][]byte{"a.txt": []byte("A\n"), "new/c.txt": []byte("c\n")}
	if errs := run("T", func(tb testing.TB) { RequireEqualDir(tb, dir, got) }); len(errs) != 0 {
		t.Fatal(errs)
	}
	onDisk, err := readDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(onDisk, got) {
		t.Fatalf("after update: %q, want %q", onDisk, got)
	}
	if _, err := os.Stat(filepath.Join(dir, "sub")); err == nil {
		t.Fatal("empty directory sub left behind")
	}
}

func TestUpdateFlagLookup(t *testing.T) {
	// The flag is looked up at call time in whatever FlagSet defined it.
	noUpdate(t)
	DefineUpdateFlag()
	DefineUpdateFlag() // a second call must not panic
	f := flag.Lookup("update")
	if f == nil {
		t.Fatal("-update not defined")
	}
	old := f.Value.String()
	t.Cleanup(func() { f.Value.Set(old) })
	f.Value.Set("true")
	if !Update() {
		t.Fatal("Update() = false with -update=true")
	}
	f.Value.Set("false")
	if Update() {
		t.Fatal("Update() = true with -update=false")
	}
	t.Setenv(EnvUpdate, "1")
	if !Update() {
		t.Fatal("Update() = false with UPDATE_GOLDEN=1")
	}
}
