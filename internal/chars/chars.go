// Package chars checks short ASCII tokens byte by byte: the user, interface,
// container and file names and the fingerprints that validation once matched
// with counted regular expressions such as [a-z0-9_-]{0,31}. Compiling
// one of those cost more than every check of a run (tens of microseconds
// each, at start-up of every command); a loop over a byte set costs
// nothing to prepare.
//
// It imports nothing of ftpswiz.
package chars

import (
	"unicode"
	"unicode/utf8"
)

// Set is a set of ASCII bytes. The zero Set is empty.
type Set [2]uint64

// NewSet returns the set spelled like a regular expression's character
// class without brackets: single bytes and ranges "a-z"; a '-' first or
// last stands for itself. It panics on a non-ASCII byte or a backwards
// range: the spellings are constants of the program.
func NewSet(spec string) Set {
	var s Set
	for i := 0; i < len(spec); i++ {
		lo, hi := spec[i], spec[i]
		if i+2 < len(spec) && spec[i+1] == '-' {
			hi = spec[i+2]
			i += 2
		}
		if hi >= 0x80 || lo > hi {
			panic("chars: bad set " + spec)
		}
		for c := lo; ; c++ {
			s[c/64] |= 1 << (c % 64)
			if c == hi {
				break
			}
		}
	}
	return s
}

// Has reports whether c is in the set.
func (s Set) Has(c byte) bool { return c < 0x80 && s[c/64]&(1<<(c%64)) != 0 }

// All reports whether every byte of t is in the set (true for "").
func (s Set) All(t string) bool {
	for i := 0; i < len(t); i++ {
		if !s.Has(t[i]) {
			return false
		}
	}
	return true
}

// Run reports whether t has between min and max bytes, its first byte in
// first and every other one in rest: the regular expression
// ^[first][rest]{min-1,max-1}$ for min >= 1.
func Run(t string, min, max int, first, rest Set) bool {
	return len(t) >= min && len(t) <= max && len(t) > 0 && first.Has(t[0]) && rest.All(t[1:])
}

var upperHex = NewSet("0-9A-F")

// IsSHA256Fingerprint reports whether t is a SHA-256 fingerprint as
// openssl prints it: 32 upper-case hex byte values joined by colons
// (^[0-9A-F]{2}(:[0-9A-F]{2}){31}$).
func IsSHA256Fingerprint(t string) bool {
	if len(t) != 32*3-1 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if i%3 == 2 {
			if t[i] != ':' {
				return false
			}
		} else if !upperHex.Has(t[i]) {
			return false
		}
	}
	return true
}

// AppendFields appends to dst the words of s as strings.Fields splits them
// (at runs of Unicode white space), reusing dst's storage: the wrappers of
// REPORT.md and the config comments split every paragraph they wrap.
func AppendFields(dst []string, s string) []string {
	i := 0
	for {
		// Skip white space, then take the word up to the next.
		for i < len(s) {
			if c := s[i]; c < utf8.RuneSelf {
				if !asciiSpace[c] {
					break
				}
				i++
			} else if r, size := utf8.DecodeRuneInString(s[i:]); unicode.IsSpace(r) {
				i += size
			} else {
				break
			}
		}
		if i == len(s) {
			return dst
		}
		start := i
		for i < len(s) {
			if c := s[i]; c < utf8.RuneSelf {
				if asciiSpace[c] {
					break
				}
				i++
			} else if r, size := utf8.DecodeRuneInString(s[i:]); !unicode.IsSpace(r) {
				i += size
			} else {
				break
			}
		}
		dst = append(dst, s[start:i])
	}
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}
