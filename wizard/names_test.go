package wizard

import (
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/chars"
	"github.com/ftpswiz/ftpswiz/internal/chars/charstest"
)

// TestNameChecksMatchPatterns: the byte-set checks accept exactly what the
// counted regular expressions they replaced accepted.
func TestNameChecksMatchPatterns(t *testing.T) {
	const label = `[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?`
	tests := []struct {
		pattern string
		check   func(string) bool
	}{
		{`^[a-z_][a-z0-9_-]{0,31}$`, ValidUserName},
		{`^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$`, ValidInterfaceName},
		{`^[a-z0-9][a-z0-9_.-]{0,62}$`, func(s string) bool { return chars.Run(s, 1, 63, containerNameFirst, containerNameRest) }},
		{`^[A-Za-z0-9._%+-]{1,64}@` + label + `(\.` + label + `)+$`, validEmail},
	}
	cands := charstest.Strings(charstest.Alphabet+"%+", 3, 70)
	for _, n := range []int{63, 64, 65} {
		long := strings.Repeat("b", n)
		cands = append(cands, long+"@a.b", "a@"+long+".b", "a@b."+long, "a@b", "a@b.", "a@.b", "a@b..c", "a@-b.c",
			"a@b-.c", "a@@b.c", "@b.c", "a@b.c@d.e")
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) { charstest.Equal(t, tt.pattern, tt.check, cands) })
	}
}
