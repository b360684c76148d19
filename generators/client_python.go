package generators

import "strconv"

// Quote returns s as a double-quoted string literal that Python (and Go)
// read back as s.
func (clientView) Quote(s string) string { return strconv.Quote(s) }
