package explain_test

import (
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/explain"
)

// source returns the production Go source of the module's packages under
// the directories, concatenated.
func source(t *testing.T, dirs ...string) string {
	t.Helper()
	var b strings.Builder
	for _, d := range dirs {
		files, err := filepath.Glob(filepath.Join("..", d, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", d, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(data)
		}
	}
	return b.String()
}

// constName maps each key to the Go constant that names it, read from the
// catalogue's own source.
func constNames(t *testing.T) map[string]string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^\t(\w+)\s*= "([a-z0-9-]+)"$`)
	out := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(source(t, "explain"), -1) {
		out[m[2]] = m[1]
	}
	return out
}

func TestCatalogueEntries(t *testing.T) {
	names := constNames(t)
	users := source(t, "wizard", "generators", "cmd/ftpswiz")
	lint := source(t, "vsftpdconf")
	probe := source(t, "probe")
	seenKey := map[string]bool{}
	seenLint, seenProbe := map[string]string{}, map[string]string{}
	for _, e := range explain.All() {
		t.Run(e.Key, func(t *testing.T) {
			if seenKey[e.Key] {
				t.Errorf("key %s twice", e.Key)
			}
			seenKey[e.Key] = true
			if e.Title == "" || e.Symptom == "" || e.Cause == "" || e.Fix == "" {
				t.Errorf("entry %s lacks a title, symptom, cause or fix: %+v", e.Key, e)
			}
			name, ok := names[e.Key]
			if !ok {
				t.Fatalf("entry %s has no constant", e.Key)
			}
			// Every entry is used: a consumer names its constant, or a
			// lint finding or probe diagnosis carries its key, or it is
			// an explain topic.
			if !strings.Contains(users, "explain."+name) && len(e.Lint) == 0 && len(e.Probe) == 0 && e.Long == "" {
				t.Errorf("entry %s is used by nobody", e.Key)
			}
			for _, c := range e.Lint {
				if prev, dup := seenLint[c]; dup {
					t.Errorf("lint code %s in %s and %s", c, prev, e.Key)
				}
				seenLint[c] = e.Key
				if !strings.Contains(lint, `Code: "`+c+`"`) {
					t.Errorf("lint code %s of %s is not a vsftpdconf finding code", c, e.Key)
				}
				if got := explain.ForLint(c); got != e.Key {
					t.Errorf("ForLint(%s) = %q, want %q", c, got, e.Key)
				}
			}
			for _, c := range e.Probe {
				if prev, dup := seenProbe[c]; dup {
					t.Errorf("probe code %s in %s and %s", c, prev, e.Key)
				}
				seenProbe[c] = e.Key
				if !strings.Contains(probe, `"`+c+`"`) {
					t.Errorf("probe code %s of %s is not a probe diagnosis code", c, e.Key)
				}
				if got := explain.ForProbe(c); got != e.Key {
					t.Errorf("ForProbe(%s) = %q, want %q", c, got, e.Key)
				}
			}
		})
	}
	// The negative control: a code the catalogue does not know.
	if k := explain.ForLint("crlf"); k != "" {
		t.Errorf("ForLint(crlf) = %q, want none", k)
	}
	if k := explain.ForProbe("banner"); k != "" {
		t.Errorf("ForProbe(banner) = %q, want none", k)
	}
}

func TestWith(t *testing.T) {
	tests := []struct {
		vars explain.Vars
		want string
	}{
		{explain.Vars{"range": "40000-40074"}, "The passive range 40000-40074 is not open"},
		{nil, "The passive range {range} is not open"},
	}
	for _, tc := range tests {
		e := explain.Get(explain.PassiveClosed).With(tc.vars)
		if !strings.HasPrefix(e.Cause, tc.want) {
			t.Errorf("With(%v).Cause = %q, want prefix %q", tc.vars, e.Cause, tc.want)
		}
	}
	// No entry keeps a placeholder once the planner's facts are filled in.
	all := explain.Vars{"bind_attempts": "5", "transfers": "16", "ports": "75", "range": "40000-40074",
		"local_root": "/srv/ftps", "upload_dir": "upload", "server": "ftp.example.com", "modes": "port 21 is explicit FTPS", "chroot_root": "/srv/sftp"}
	for _, e := range explain.All() {
		e = e.With(all)
		for _, s := range []string{e.Symptom, e.Cause, e.Fix, e.UserCause, e.UserFix, e.Long} {
			if regexp.MustCompile(`\{[a-z_]+\}`).MatchString(s) {
				t.Errorf("%s keeps a placeholder: %q", e.Key, s)
			}
		}
	}
}

// literals returns the string literals of a Go source, with literals joined
// by + (across lines) as one string, so a phrase split over two lines of
// source is found.
func literals(t *testing.T, name string, src []byte) []string {
	t.Helper()
	fset := token.NewFileSet()
	var s scanner.Scanner
	s.Init(fset.AddFile(name, -1, len(src)), src, nil, 0)
	var out []string
	cur, joining := "", false
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.STRING:
			v, err := strconv.Unquote(lit)
			if err != nil {
				t.Fatalf("%s: literal %s: %v", name, lit, err)
			}
			if joining {
				cur += v
			} else {
				if cur != "" {
					out = append(out, cur)
				}
				cur = v
			}
			joining = false
		case token.ADD:
			joining = cur != ""
		default:
			if cur != "" {
				out = append(out, cur)
			}
			cur, joining = "", false
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// phrases returns the texts of an entry that must stand nowhere but in the
// catalogue: its replies, its match, and every run of its sentences between
// placeholders that is long enough to be distinctive.
func phrases(e explain.Entry) []string {
	out := append([]string{}, e.Replies...)
	if e.Match != "" {
		out = append(out, e.Match)
	}
	for _, s := range []string{e.Symptom, e.Cause, e.Fix, e.UserCause, e.UserFix, e.Long} {
		for _, part := range regexp.MustCompile(`\{[a-z_]+\}`).Split(s, -1) {
			if part = strings.TrimSpace(part); len(part) >= 40 {
				out = append(out, part)
			}
		}
	}
	return out
}

// copies returns, for each text of the module outside the catalogue (Go
// string literals of production code, templates), the entries' phrases it
// repeats, as "file: key: phrase".
func copies(texts map[string][]string) []string {
	var out []string
	for _, e := range explain.All() {
		for _, ph := range phrases(e) {
			for file, lits := range texts {
				for _, l := range lits {
					if strings.Contains(l, ph) {
						out = append(out, file+": "+e.Key+": "+ph)
						break
					}
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// moduleTexts reads the module's production Go sources (string literals)
// and templates, outside package explain.
func moduleTexts(t *testing.T) map[string][]string {
	t.Helper()
	texts := map[string][]string{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != ".." && (n == "testdata" || n == "explain" || strings.HasPrefix(n, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go"):
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			texts[path] = literals(t, path, src)
		case strings.HasSuffix(path, ".tmpl"):
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			texts[path] = []string{string(src)}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(texts) < 50 {
		t.Fatalf("read %d files: the walk missed the module", len(texts))
	}
	return texts
}

// TestNoCopiesOutsideCatalogue: a failure the catalogue explains is worded
// only there; the planner, the renderers, the linter, the prober and the
// templates quote its replies (explain.Quote, the template function reply)
// and render its sentences from the entry.
func TestNoCopiesOutsideCatalogue(t *testing.T) {
	for _, c := range copies(moduleTexts(t)) {
		t.Errorf("a catalogued text written again outside explain/: %s", c)
	}
}

// TestCopiesFound is the negative control of TestNoCopiesOutsideCatalogue:
// a reply split over two lines, a sentence, and a template are found; a
// quote built by explain.Quote is not.
func TestCopiesFound(t *testing.T) {
	src := []byte(`package x

var a = "clients get \"522 SSL connection " +
	"failed: session reuse required\" here"
var b = fmt.Sprintf("%s", "The user's chroot root is writable by the user.")
var c = "gets " + explain.Quote(explain.BadIP) + " then"
`)
	got := copies(map[string][]string{
		"x.go":   literals(t, "x.go", src),
		"y.tmpl": {"# fails with \"530 Login incorrect\"\n"},
	})
	want := []string{
		"x.go: chroot-writable: The user's chroot root is writable by the user.",
		"x.go: session-reuse: 522 SSL connection failed: session reuse required",
		"y.tmpl: login-refused: 530 Login incorrect",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("copies found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestText: every entry has a text for `ftpswiz explain` with no
// placeholder left once the planner's facts are given: its long form, or
// symptom, cause and fix.
func TestText(t *testing.T) {
	ph := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, e := range explain.All() {
		txt := e.Text(explain.Vars{"bind_attempts": "9"})
		if ph.MatchString(txt) {
			t.Errorf("%s: Text keeps a placeholder: %q", e.Key, txt)
		}
		want := e.Long
		if want == "" {
			want = "Symptom: " + e.Symptom + "\n"
		}
		if want = want[:min(len(want), 10)]; !strings.HasPrefix(txt, want) {
			t.Errorf("%s: Text %q does not start with the entry's own text %q", e.Key, txt, want)
		}
	}
	// The negative control: a placeholder no caller fills stays visible.
	if txt := (explain.Entry{Long: "x {nobody}"}).Text(nil); !ph.MatchString(txt) {
		t.Errorf("an unknown placeholder vanished: %q", txt)
	}
}
