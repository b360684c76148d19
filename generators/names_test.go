package generators

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/ftpswiz/ftpswiz/internal/chars"
	"github.com/ftpswiz/ftpswiz/internal/chars/charstest"
)

// TestNameChecksMatchPatterns: the byte-set checks accept exactly what the
// counted regular expressions they replaced accepted.
func TestNameChecksMatchPatterns(t *testing.T) {
	tests := []struct {
		pattern string
		check   func(string) bool
	}{
		{`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`, validCloudName},
		{`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.pem$`, clientPinFile},
		{`^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$`, func(s string) bool { return chars.Run(s, 1, 64, clientPathFirst, clientFileRest) }},
		{`^[A-Za-z0-9@._-]+\.service$`, certUnit},
	}
	cands := charstest.Strings(charstest.Alphabet, 3, 70)
	for _, c := range charstest.Strings("a._", 2, 66) {
		cands = append(cands, c+".pem", c+"pem", c+".pe")
	}
	for _, c := range charstest.Strings(charstest.Alphabet, 2, 0) {
		cands = append(cands, c+".service", c+"service", c+".servic", c+".service.service")
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) { charstest.Equal(t, tt.pattern, tt.check, cands) })
	}
}

// TestMdRiskyLineStartMatchesPattern: the loop accepts exactly what the
// regular expression it replaced accepted.
func TestMdRiskyLineStartMatchesPattern(t *testing.T) {
	cands := append(charstest.Strings("-+*#0=_>|<`~.)a\n", 4, 12),
		"```go", "~~~", "``", "~~", "1234567890.", "123456789.", "123456789)", "####a", "-*", "<a\nb")
	charstest.Equal(t, "^([-+*]|#{1,6}|[0-9]{1,9}[.)]|=+|-+|_+|\\*+|>.*|\\|.*|```.*|~~~.*|<.*)$", mdRiskyLineStart, cands)
}

// TestLineBreakingRuneASCII: the ASCII shortcut of lineBreakingRune says
// what the Unicode tables say.
func TestLineBreakingRuneASCII(t *testing.T) {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		want := unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) || unicode.Is(unicode.Cf, r)
		if got := lineBreakingRune(r); got != want {
			t.Errorf("lineBreakingRune(%U) = %v, the tables say %v", r, got, want)
		}
	}
}

// mdTidyJoined is mdTidy as it was written first (split, filter, join):
// the oracle of TestMdTidyIsJoined.
func mdTidyJoined(doc string) string {
	var out []string
	inFence := false
	blank := false
	for _, l := range strings.Split(doc, "\n") {
		l = strings.TrimRight(l, " \t")
		if strings.HasPrefix(l, "```") {
			inFence = !inFence
		}
		if l == "" && !inFence {
			if blank || len(out) == 0 {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n") + "\n"
}

// TestMdTidyIsJoined: the one-pass mdTidy gives what the split-and-join
// one gave, fences and trailing blanks included.
func TestMdTidyIsJoined(t *testing.T) {
	for _, doc := range charstest.Strings("a\n `", 7, 0) {
		doc = strings.ReplaceAll(doc, "`", "```")
		if got, want := string(mdTidy([]byte(doc))), mdTidyJoined(doc); got != want {
			t.Errorf("mdTidy(%q) = %q, want %q", doc, got, want)
		}
	}
}
