package generators

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The renderers' last line of defence. Decide validates the answers; these
// checks guard each renderer against a value that slipped through (a
// hand-made plan, a new field, a validation bug) and would make a config
// file mean something else than the plan says: a line break in a path
// starts a new vsftpd option, a systemd section or an sshd keyword.

// lineBreakingRune reports whether r could end a line for some reader or
// hide text from a human one: every control character (Cc: NUL, TAB, LF,
// CR, ESC, DEL, NEL ...), the Unicode line and paragraph separators
// (U+2028, U+2029), and format characters such as bidi overrides (Cf).
func lineBreakingRune(r rune) bool {
	if r < utf8.RuneSelf {
		// ASCII: Cc is U+0000-U+001F and DEL; Zl, Zp and Cf have no ASCII
		// members. Most runes are ASCII, and the tables cost a search.
		return r < 0x20 || r == 0x7f
	}
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) ||
		unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// describeRune names a rune for an error message ("U+000A (line feed)").
func describeRune(r rune) string {
	names := map[rune]string{
		0: "NUL", '\t': "tab", '\n': "line feed", '\r': "carriage return", 0x85: "next line",
		0x2028: "line separator", 0x2029: "paragraph separator", utf8.RuneError: "invalid UTF-8",
	}
	if n, ok := names[r]; ok {
		return fmt.Sprintf("U+%04X (%s)", r, n)
	}
	return fmt.Sprintf("U+%04X", r)
}

// guardValue refuses a value that cannot stay on one line of a config
// file: invalid UTF-8, any control character (NUL, tab, LF, CR ...), a
// Unicode line or paragraph separator or format character, and leading or
// trailing white space (vsftpd and systemd keep it, a reader does not see
// it).
func guardValue(v string) error {
	for i, r := range v {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(v[i:]); size <= 1 {
				return fmt.Errorf("contains %s at byte %d", describeRune(r), i)
			}
		}
		if lineBreakingRune(r) {
			return fmt.Errorf("contains %s at byte %d", describeRune(r), i)
		}
	}
	if strings.TrimSpace(v) != v {
		return fmt.Errorf("starts or ends with white space")
	}
	return nil
}

// guardToken is guardValue for a value that must also be one plain token
// (re: the characters its file format reads literally, unquoted).
func guardToken(v string, re *regexp.Regexp) error {
	if err := guardValue(v); err != nil {
		return err
	}
	if !re.MatchString(v) {
		return fmt.Errorf("is not one plain token (only %s)", strings.TrimSuffix(strings.TrimPrefix(re.String(), "^["), "]+$"))
	}
	return nil
}

// guardLines checks a rendered file line by line: no line may contain a
// rune guardValue refuses (the split is on LF only, so a CR or U+2028 that
// a template let through is caught), except a tab where tabs is true; and
// each line must satisfy line (which gets the 1-based line number). It
// returns the first failure, naming the line.
func guardLines(content []byte, tabs bool, line func(n int, s string) error) error {
	if !utf8.Valid(content) {
		return fmt.Errorf("not valid UTF-8")
	}
	for n, l := range bytes.Split(content, []byte("\n")) {
		s := string(l)
		for _, r := range s {
			if lineBreakingRune(r) && (r != '\t' || !tabs) {
				return fmt.Errorf("line %d %q contains %s", n+1, s, describeRune(r))
			}
		}
		if line != nil {
			if err := line(n+1, s); err != nil {
				return fmt.Errorf("line %d %q: %w", n+1, s, err)
			}
		}
	}
	return nil
}
