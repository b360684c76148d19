package explain_test

import (
	"os"
	"path/filepath"
	"regexp"
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
	all := explain.Vars{"bind_attempts": "5", "transfers": "16", "ports": "75", "range": "40000-40074"}
	for _, e := range explain.All() {
		e = e.With(all)
		for _, s := range []string{e.Symptom, e.Cause, e.Fix, e.Long} {
			if regexp.MustCompile(`\{[a-z_]+\}`).MatchString(s) {
				t.Errorf("%s keeps a placeholder: %q", e.Key, s)
			}
		}
	}
}
