package fleet

import (
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/chars/charstest"
)

// TestValidNameMatchesPattern: validName accepts exactly what the counted
// regular expression it replaced accepted.
func TestValidNameMatchesPattern(t *testing.T) {
	charstest.Equal(t, `^[a-z][a-z0-9-]{0,62}$`, validName, charstest.Strings(charstest.Alphabet, 3, 70))
}
