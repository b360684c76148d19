package wizard

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestBadDocuments: whole answers files that are not answers at all get a
// message that says what is wrong and how to start, never Go type names or
// a bare parser error.
func TestBadDocuments(t *testing.T) {
	classic, err := os.ReadFile("testdata/classic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		doc     string
		want    []string
		notWant []string
	}{
		{"empty", "", []string{"the answers file is empty", "version: 1", "ftpswiz generate needs"}, nil},
		{"blank lines", "\n\n   \n", []string{"the answers file is empty"}, nil},
		{"comments only", "# my answers\n# to do\n", []string{"the answers file is empty", "ftpswiz generate needs", "README"}, []string{"EOF"}},
		{"document marker only", "---\n", []string{"the answers file is empty"}, nil},
		{"null document", "~\n", []string{"the answers file is empty"}, nil},
		{"top-level list", "- version: 1\n- role: both\n", []string{"must be a mapping of keys", "but it is a list"}, []string{"!!seq", "wizard.Answers", "unmarshal"}},
		{"top-level scalar", "hello\n", []string{"must be a mapping of keys", `the single value "hello"`}, []string{"!!str", "wizard."}},
		{"tab indent", strings.Replace(string(classic), "  mode: explicit", "\tmode: explicit", 1),
			[]string{"line 6: tab characters cannot indent YAML; use spaces"}, nil},
		{"two documents", "version: 1\nrole: server\n---\nversion: 1\n", []string{"more than one YAML document"}, nil},
		{"too large", "version: 1\n#" + strings.Repeat("x", MaxAnswersSize), []string{"more than the 1048576 ftpswiz reads"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeAnswers([]byte(tt.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ncontains %q", err, w)
				}
			}
		})
	}
}

// unknownKeys is an answers file with n unknown top-level keys.
func unknownKeys(n int) []byte {
	var b bytes.Buffer
	b.WriteString("version: 1\nrole: server\n")
	for i := range n {
		fmt.Fprintf(&b, "unknown_key_%07d: x\n", i)
	}
	return b.Bytes()
}

// TestManyProblemsBounded: a file of a thousand mistakes gives a message of
// bounded size that still says how many there were.
func TestManyProblemsBounded(t *testing.T) {
	_, err := DecodeAnswers(unknownKeys(1000))
	if err == nil {
		t.Fatal("accepted")
	}
	if n := len(FieldErrors(err)); n != maxDecodeErrors {
		t.Errorf("%d field errors listed, want %d", n, maxDecodeErrors)
	}
	msg := err.Error()
	if !strings.Contains(msg, "invalid answers (1000 problems)") || !strings.Contains(msg, "... and 980 more") {
		t.Errorf("message does not count the problems:\n%s", msg)
	}
	if len(msg) > 10000 {
		t.Errorf("message is %d bytes", len(msg))
	}
}

// TestDecodeWorstCaseMemory: the largest accepted file of the worst shapes
// (many unknown keys, many list items, deep nesting) is decoded with bounded
// allocation, so no answers file can exhaust memory (which Go reports with
// exit status 2, the usage-error code).
func TestDecodeWorstCaseMemory(t *testing.T) {
	fill := func(prefix, item string) []byte {
		var b bytes.Buffer
		b.WriteString(prefix)
		for b.Len()+len(item) < MaxAnswersSize {
			b.WriteString(item)
		}
		return b.Bytes()
	}
	docs := map[string][]byte{
		"unknown keys": unknownKeys(MaxAnswersSize / 25),
		"long list":    fill("version: 1\nfirewalls:\n", "- a\n"),
		"flow list":    fill("version: 1\nfirewalls: [", "a,"),
		"nesting":      fill("version: 1\nrole: ", "["),
		"aliases":      fill("version: 1\na: &a [x]\nb: [", "*a,"),
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			if len(doc) > MaxAnswersSize {
				t.Fatalf("test bug: %d bytes", len(doc))
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := DecodeAnswers(doc)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("accepted")
			}
			if len(err.Error()) > 20000 {
				t.Errorf("error is %d bytes", len(err.Error()))
			}
			const limit = 512 << 20
			got := after.TotalAlloc - before.TotalAlloc
			if got > limit {
				t.Errorf("allocated %d MB for a %d KB file", got>>20, len(doc)>>10)
			}
			t.Logf("%d KB file: %d MB allocated", len(doc)>>10, got>>20)
		})
	}
}

// BenchmarkDecodeUnknownKeys: 1 MB of unknown keys (40,000 of them). yaml.v3's
// own duplicate-key check is quadratic in a mapping's keys (16 s for 1 MB);
// DecodeAnswers rejects them in one pass before that check runs.
func BenchmarkDecodeUnknownKeys(b *testing.B) {
	doc := unknownKeys(MaxAnswersSize / 26)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := DecodeAnswers(doc); err == nil {
			b.Fatal("accepted")
		}
	}
}
