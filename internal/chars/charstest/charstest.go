// Package charstest proves a hand-written token check equal to the
// regular expression it replaced, on every short string over an alphabet
// and on long strings around the length limits.
package charstest

import (
	"regexp"
	"strings"
	"testing"
)

// Alphabet holds one byte of each kind the patterns of ftpswiz tell apart,
// and some they all refuse (space, newline, '@', '/', ':', a non-ASCII rune).
const Alphabet = "aZ09-._:@/ \n\u00e9"

// Strings returns every string of up to short runes over alphabet, and for
// each length from 1 to long, strings of that length made of 'a' with
// each alphabet rune at the start, the end, or both.
func Strings(alphabet string, short, long int) []string {
	runes := []rune(alphabet)
	out := []string{""}
	level := []string{""}
	for range short {
		var next []string
		for _, p := range level {
			for _, r := range runes {
				next = append(next, p+string(r))
			}
		}
		out = append(out, next...)
		level = next
	}
	for n := 1; n <= long; n++ {
		body := strings.Repeat("a", n)
		out = append(out, body)
		for _, r := range runes {
			c := string(r)
			out = append(out, c+body[1:], body[:n-1]+c, c+strings.Repeat("a", max(n-2, 0))+c)
		}
	}
	return out
}

// Equal fails t for every candidate on which check and the pattern
// disagree (at most a few reported).
func Equal(t *testing.T, pattern string, check func(string) bool, candidates []string) {
	t.Helper()
	re := regexp.MustCompile(pattern)
	bad := 0
	for _, s := range candidates {
		if got, want := check(s), re.MatchString(s); got != want {
			t.Errorf("%q: check says %v, %s says %v", s, got, pattern, want)
			if bad++; bad == 5 {
				return
			}
		}
	}
}
