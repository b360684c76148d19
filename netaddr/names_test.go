package netaddr

import (
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/chars/charstest"
)

// TestNameChecksMatchPatterns: the loops accept exactly what the counted
// regular expressions they replaced accepted.
func TestNameChecksMatchPatterns(t *testing.T) {
	const label = `[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?`
	tests := []struct {
		pattern string
		check   func(string) bool
	}{
		{`^` + label + `$`, IsLabel},
		{`^` + label + `(\.` + label + `)*\.?$`, func(s string) bool { return IsDNSName(s, 1, true) }},
		{`^` + label + `(\.` + label + `)+$`, func(s string) bool { return IsDNSName(s, 2, false) }},
	}
	cands := charstest.Strings(charstest.Alphabet, 4, 70)
	for _, n := range []int{61, 62, 63, 64} {
		long := strings.Repeat("b", n)
		cands = append(cands, long+".example", "a."+long, long+"."+long+".", "a.-b", "a-.b", "a..b", ".a")
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) { charstest.Equal(t, tt.pattern, tt.check, cands) })
	}
}
