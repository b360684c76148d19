package chars_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/chars"
	"github.com/ftpswiz/ftpswiz/internal/chars/charstest"
)

func TestRunMatchesPattern(t *testing.T) {
	tests := []struct {
		pattern     string
		min, max    int
		first, rest string
	}{
		{`^[a-z_][a-z0-9_-]{0,31}$`, 1, 32, "a-z_", "a-z0-9_-"},
		{`^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$`, 1, 15, "A-Za-z0-9", "A-Za-z0-9_.-"},
		{`^[-a-z][-.]{2,4}$`, 3, 5, "-a-z", "-."},
	}
	cands := charstest.Strings(charstest.Alphabet, 3, 40)
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			first, rest := chars.NewSet(tt.first), chars.NewSet(tt.rest)
			charstest.Equal(t, tt.pattern, func(s string) bool { return chars.Run(s, tt.min, tt.max, first, rest) }, cands)
		})
	}
}

func TestSet(t *testing.T) {
	s := chars.NewSet("a-c_-")
	for c := range 256 {
		want := strings.IndexByte("abc_-", byte(c)) >= 0
		if got := s.Has(byte(c)); got != want {
			t.Errorf("Has(%q) = %v, want %v", rune(c), got, want)
		}
	}
	for _, bad := range []string{"z-a", "\u00e9"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewSet(%q) did not panic", bad)
				}
			}()
			chars.NewSet(bad)
		}()
	}
}

func TestIsSHA256Fingerprint(t *testing.T) {
	fp := strings.TrimSuffix(strings.Repeat("AB:", 32), ":")
	cands := append(charstest.Strings("A0:g", 4, 0), fp, fp[:len(fp)-1]+"a", fp+":", "0"+fp[1:],
		strings.Replace(fp, ":", "-", 1), fp[:len(fp)-3], strings.Repeat("ABC", 31)+"AB")
	charstest.Equal(t, `^[0-9A-F]{2}(:[0-9A-F]{2}){31}$`, chars.IsSHA256Fingerprint, cands)
	if !chars.IsSHA256Fingerprint(fp) {
		t.Errorf("control: %s refused", fp)
	}
}

// TestAppendFieldsIsFields: AppendFields splits as strings.Fields does,
// Unicode white space and invalid UTF-8 included, and keeps what dst held.
func TestAppendFieldsIsFields(t *testing.T) {
	cands := charstest.Strings("a \t\n\u00a0\u2003\u0085\xff\u00e9", 4, 0)
	cands = append(cands, "  two  words ", "\u3000ideographic\u3000space", "x\u200by") // U+200B is not white space
	for _, s := range cands {
		got := chars.AppendFields([]string{"kept"}, s)
		want := append([]string{"kept"}, strings.Fields(s)...)
		if !slices.Equal(got, want) {
			t.Errorf("AppendFields(%q) = %q, want %q", s, got, want)
		}
	}
}
