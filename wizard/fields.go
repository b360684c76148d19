package wizard

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ftpswiz/ftpswiz/internal/chars"
)

// The per-field rules for every answer that reaches a generated file or a
// command. Validation enforces them with an error naming the field; the
// generators may call the exported checks again where they render (defence
// in depth), so there is one rule per kind of value.

// MaxPathLength is the longest path ftpswiz accepts in an answer.
const MaxPathLength = 1024

var (
	// usernameRE is the one rule for user and group names: the portable
	// POSIX login names useradd accepts by default (Debian's NAME_REGEX),
	// which need no quoting in a shell, a URL, vsftpd.conf or sshd_config.
	// (^[a-z_][a-z0-9_-]{0,31}$, checked byte by byte.)
	userFirst, userRest = chars.NewSet("a-z_"), chars.NewSet("a-z0-9_-")
	// ifnameRE is a Linux interface name (at most IFNAMSIZ-1 = 15 bytes, no
	// '/', ':' or whitespace), narrowed to characters every firewall
	// format takes unquoted.
	// (^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$.)
	ifnameFirst, ifnameRest = chars.NewSet("A-Za-z0-9"), chars.NewSet("A-Za-z0-9_.-")
)

// ValidUserName reports whether s is a user or group name ftpswiz writes into
// configs and commands: a lower-case letter or '_', then lower-case
// letters, digits, '_' or '-', at most 32 characters.
func ValidUserName(s string) bool { return chars.Run(s, 1, 32, userFirst, userRest) }

// ValidInterfaceName reports whether s is a network interface name ftpswiz
// writes into firewall rules: at most 15 characters (Linux's IFNAMSIZ),
// letters, digits, '_', '.' and '-', starting with a letter or digit.
func ValidInterfaceName(s string) bool {
	return chars.Run(s, 1, 15, ifnameFirst, ifnameRest) && s != "." && s != ".."
}

// pathCharsHelp says which characters a path may hold.
const pathCharsHelp = "letters A-Z and a-z, digits, '.', '_', '-', '+', '@' and '/'"

// pathByte reports whether b may appear in a path or directory name: none of
// these is special to vsftpd.conf, sshd_config (which expands '%'), YAML,
// Markdown code or a POSIX shell.
func pathByte(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("._-+@/", b) >= 0
}

// describeBadRune says why r cannot be in a path, for an error message.
func describeBadRune(r rune) string {
	switch {
	case r == utf8.RuneError:
		return "bytes that are not UTF-8"
	case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085':
		return fmt.Sprintf("a line break (U+%04X), which would start a new line in the generated config", r)
	case r == '\t':
		return "a tab"
	case r == 0:
		return "a NUL byte"
	case unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Cf):
		return fmt.Sprintf("a control character (U+%04X)", r)
	case r == ' ' || unicode.IsSpace(r):
		return "whitespace, which would split the value in the generated commands"
	case r == '#':
		return "'#', which starts a comment in vsftpd.conf and sshd_config"
	case strings.ContainsRune("$`\\\"';&|<>(){}*?[]~!", r):
		return fmt.Sprintf("%q, which the shell would interpret in REPORT.md's apply steps", r)
	case r == '%':
		return "'%', which sshd expands as a token (%u, %h)"
	}
	if r < utf8.RuneSelf {
		return fmt.Sprintf("%q", r)
	}
	return fmt.Sprintf("%q (U+%04X)", r, r)
}

// firstBadRune returns the first character of s not allowed in a path.
func firstBadRune(s string) (rune, bool) {
	for i, r := range s {
		if r == utf8.RuneError || r >= utf8.RuneSelf || !pathByte(s[i]) {
			return r, true
		}
	}
	return 0, false
}

// CheckAbsPath checks a path answer (a certificate, a chroot base directory):
// absolute, clean, at most MaxPathLength bytes, and only the characters that
// need no quoting anywhere ftpswiz writes them. The error says what is
// wrong, for a field error's problem text.
func CheckAbsPath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("is missing")
	case len(p) > MaxPathLength:
		return fmt.Errorf("is %d bytes long, more than the %d ftpswiz accepts", len(p), MaxPathLength)
	}
	if r, bad := firstBadRune(p); bad {
		return fmt.Errorf("%q contains %s; paths may contain only %s", clip(p), describeBadRune(r), pathCharsHelp)
	}
	if !path.IsAbs(p) {
		return fmt.Errorf("%q is not an absolute path (it must start with /)", p)
	}
	for _, part := range strings.Split(p[1:], "/") {
		if part == ".." || part == "." {
			return fmt.Errorf("%q has a %q component; give the real directory", p, part)
		}
	}
	if c := path.Clean(p); c != p {
		return fmt.Errorf("%q is not written in its plain form (write %s)", p, c)
	}
	return nil
}

// CheckDirName checks a single directory name (an upload directory inside a
// chroot): the characters of CheckAbsPath without '/', not "." or "..",
// not starting with '-' (it would read as an option).
func CheckDirName(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("is missing")
	case len(s) > 255:
		return fmt.Errorf("is %d bytes long; a directory name has at most 255", len(s))
	case s == "." || s == "..":
		return fmt.Errorf("%q is not a directory name", s)
	case strings.Contains(s, "/"):
		return fmt.Errorf("%q must be one directory name inside the user's chroot, without '/'", s)
	case s[0] == '-':
		return fmt.Errorf("%q starts with '-', which commands would read as an option", s)
	}
	if r, bad := firstBadRune(s); bad {
		return fmt.Errorf("%q contains %s; directory names may contain only letters A-Z and a-z, digits, '.', '_', '-', '+' and '@'", clip(s), describeBadRune(r))
	}
	return nil
}

// clip shortens a long value for an error message.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
