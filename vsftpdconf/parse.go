// Package vsftpdconf reads vsftpd.conf files exactly as vsftpd does, knows
// which option names each vsftpd build accepts, and lints a config for the
// mistakes that stop vsftpd from starting or break FTPS through firewalls
// and NAT (`ftpswiz check`).
//
// The parser follows vsftpd 3.0.x's parseconf.c and str.c: the file is cut at
// MaxFileSize bytes, split on '\n' only (a '\r' stays part of the line), a
// line is skipped when it is empty, all white space, or starts with '#' in
// its very first byte; otherwise leading white space is dropped and the line
// is split at its first '='. Nothing else is trimmed: "listen = YES" sets the
// unknown option "listen " to " YES". A later line overrides an earlier one.
package vsftpdconf

import (
	"bytes"
	"math"
	"strings"
)

// MaxFileSize is how much of a config file vsftpd reads (VSFTP_CONF_FILE_MAX);
// anything after it is silently ignored.
const MaxFileSize = 100000

// LineKind classifies a config line the way vsftpd treats it.
type LineKind int

// Line kinds.
const (
	// Blank is an empty or all-white-space line (skipped).
	Blank LineKind = iota
	// Comment is a line whose first byte is '#' (skipped).
	Comment
	// Setting is any other line: vsftpd reads it as KEY=VALUE.
	Setting
	// Ignored is a line beyond MaxFileSize that vsftpd never reads.
	Ignored
)

func (k LineKind) String() string {
	switch k {
	case Blank:
		return "blank"
	case Comment:
		return "comment"
	case Setting:
		return "setting"
	case Ignored:
		return "ignored"
	}
	return "unknown"
}

// Line is one line of a config file.
type Line struct {
	// Num is the 1-based line number.
	Num int
	// Raw is the line's text without its '\n' (a '\r' of a CRLF file stays).
	Raw  string
	Kind LineKind
	// Key and Value are what vsftpd sees for a Setting: Key is the text after
	// leading white space up to the first '=', Value everything after it.
	// Both are cut at a NUL byte, as vsftpd reads the line as a C string.
	Key   string
	Value string
	// HasEquals reports whether the setting line contains '='.
	HasEquals bool
}

// File is a parsed config file.
type File struct {
	Lines []Line
	// Size is the file's size in bytes.
	Size int
	// Truncated reports whether the file is longer than MaxFileSize, so that
	// its tail (the Ignored lines) never reaches vsftpd.
	Truncated bool
	// FinalNewline reports whether the file ends with '\n'.
	FinalNewline bool
}

// Parse reads a config file. It never fails: every byte sequence is a file
// vsftpd would read somehow, and the linter reports what vsftpd makes of it.
func Parse(data []byte) *File {
	f := &File{Size: len(data), FinalNewline: bytes.HasSuffix(data, []byte("\n"))}
	effective := len(data)
	if effective > MaxFileSize {
		effective = MaxFileSize
		f.Truncated = true
	}
	pos, num := 0, 0
	for pos < len(data) {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			end += pos
			next = end + 1
		} else {
			end = len(data)
		}
		num++
		raw := string(data[pos:end])
		var l Line
		switch {
		case pos >= effective:
			l = Line{Num: num, Raw: raw, Kind: Ignored}
		case end > effective:
			// vsftpd reads only the part before the cut.
			l = classify(num, raw, string(data[pos:effective]))
		default:
			l = classify(num, raw, raw)
		}
		f.Lines = append(f.Lines, l)
		pos = next
	}
	return f
}

// classify interprets seen (the part of the line vsftpd reads) and keeps raw.
func classify(num int, raw, seen string) Line {
	l := Line{Num: num, Raw: raw}
	switch {
	case seen == "" || allSpace(seen):
		l.Kind = Blank
		return l
	case seen[0] == '#':
		l.Kind = Comment
		return l
	}
	l.Kind = Setting
	// vsf_parseconf_load_setting gets the line as a C string.
	if i := strings.IndexByte(seen, 0); i >= 0 {
		seen = seen[:i]
	}
	i := 0
	for i < len(seen) && isSpace(seen[i]) {
		i++
	}
	s := seen[i:]
	if k, v, ok := strings.Cut(s, "="); ok {
		l.Key, l.Value, l.HasEquals = k, v, true
	} else {
		l.Key = s
	}
	return l
}

// isSpace is C's isspace in the "C" locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func allSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			return false
		}
	}
	return true
}

// Settings returns the setting lines in file order.
func (f *File) Settings() []Line {
	var out []Line
	for _, l := range f.Lines {
		if l.Kind == Setting {
			out = append(out, l)
		}
	}
	return out
}

// Lookup returns the line that sets key last (the one vsftpd keeps).
func (f *File) Lookup(key string) (Line, bool) {
	for i := len(f.Lines) - 1; i >= 0; i-- {
		if l := f.Lines[i]; l.Kind == Setting && l.Key == key {
			return l, true
		}
	}
	return Line{}, false
}

// ParseBool reads a boolean value as vsftpd does: YES, TRUE or 1 and NO,
// FALSE or 0, in any case, with nothing around them. ok is false for any
// other value (vsftpd refuses to start: "bad bool value").
func ParseBool(v string) (value, ok bool) {
	switch strings.ToUpper(v) {
	case "YES", "TRUE", "1":
		return true, true
	case "NO", "FALSE", "0":
		return false, true
	}
	return false, false
}

// ParseUint reads an unsigned value as vsftpd does: a value starting with '0'
// is octal (read up to the first non-octal digit), anything else goes
// through C's atoi (leading white space and a sign allowed, digits up to the
// first non-digit, 0 when there are none) and is converted to unsigned int.
// clean is false when vsftpd silently ignored part of the text.
func ParseUint(v string) (n uint32, clean bool) {
	if v != "" && v[0] == '0' {
		i := 0
		var r uint32
		for i < len(v) && v[i] >= '0' && v[i] <= '7' {
			r = r<<3 + uint32(v[i]-'0')
			i++
		}
		return r, i == len(v)
	}
	i := 0
	for i < len(v) && isSpace(v[i]) {
		i++
	}
	neg := false
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		neg = v[i] == '-'
		i++
	}
	start := i
	var r int64
	overflow := false
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		if r > (math.MaxInt64-9)/10 {
			overflow = true
		} else {
			r = r*10 + int64(v[i]-'0')
		}
		i++
	}
	switch {
	case overflow && neg: // strtol saturates; atoi keeps the low 32 bits
		r = math.MinInt64
	case overflow:
		r = math.MaxInt64
	case neg:
		r = -r
	}
	clean = i == len(v) && i > start && start == 0 && !overflow && !neg
	return uint32(uint64(r)), clean
}
