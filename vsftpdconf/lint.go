package vsftpdconf

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ftpswiz/ftpswiz/explain"
	"github.com/ftpswiz/ftpswiz/internal/textdist"
	"github.com/ftpswiz/ftpswiz/netaddr"
	"github.com/ftpswiz/ftpswiz/vsftpd"
)

// Severity ranks a finding.
type Severity string

// Severities, worst first.
const (
	// Error: vsftpd refuses to start, or FTPS fails for clients.
	Error Severity = "error"
	// Warning: works now, but fails under load, behind NAT, for strict
	// clients, or weakens security.
	Warning Severity = "warning"
	// Info: worth knowing; nothing to fix unless it matches your intent.
	Info Severity = "info"
)

func (s Severity) rank() int {
	switch s {
	case Error:
		return 0
	case Warning:
		return 1
	}
	return 2
}

// Finding is one problem in a config.
type Finding struct {
	Severity Severity `json:"severity"`
	// Code is a stable identifier ("unknown-option").
	Code string `json:"code"`
	// Line is the 1-based line the finding is about; 0 when it is about an
	// option the file does not set (its compiled-in default applies).
	Line int `json:"line"`
	// Option is the vsftpd option concerned ("" for whole-file findings).
	Option string `json:"option,omitempty"`
	// Why says what goes wrong, as the user will see it.
	Why string `json:"why"`
	// Fix says what to change.
	Fix string `json:"fix"`
	// Answer names the wizard answer that generates the fix, when there is
	// one ("server.public_address").
	Answer string `json:"answer,omitempty"`
	// Explain is the key of the catalogue entry (package explain, topic
	// of `ftpswiz explain`) that explains this failure at length, or "".
	Explain string `json:"explain,omitempty"`
	// Edits are the changes `check --fix` makes; none when the fix needs a
	// human decision.
	Edits []Edit `json:"edits,omitempty"`
}

// EditOp is the kind of an automatic correction.
type EditOp string

// Edit operations.
const (
	// Replace puts Text in place of line Line.
	Replace EditOp = "replace"
	// CommentOut turns line Line into a comment that keeps its old text.
	CommentOut EditOp = "comment-out"
	// Set makes Key=Value the effective setting: it replaces the line that
	// sets Key last, or appends a line.
	Set EditOp = "set"
)

// Edit is one automatic correction.
type Edit struct {
	Op    EditOp `json:"op"`
	Line  int    `json:"line,omitempty"`
	Text  string `json:"text,omitempty"`
	Key   string `json:"key,omitempty"`
	Value string `json:"value,omitempty"`
	// Note is the reason written next to a commented-out line.
	Note string `json:"note,omitempty"`
}

// Host gives the linter read access to the machine the config is for, to
// check files the config names (certificate, PAM service, chroot root).
// A nil Host skips those checks.
type Host interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
}

// OSHost reads the local machine.
type OSHost struct{}

// ReadFile reads a local regular file of at most MaxHostFileSize bytes (a
// config can name /dev/zero or a FIFO as its certificate).
func (OSHost) ReadFile(name string) ([]byte, error) {
	data, _, err := ReadFileLimited(name, MaxHostFileSize)
	return data, err
}

// Stat stats a local file.
func (OSHost) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

// Options tell the linter what the config is for.
type Options struct {
	// Flavour is the vsftpd build that reads the config (auto: Debian 3.0.3).
	Flavour vsftpd.Flavour
	// Transfers is the number of simultaneous data transfers expected
	// (0: unknown; the passive range is then only described).
	Transfers int
	// Clients and PerClient are the intended max_clients and max_per_ip
	// (0: at least Transfers).
	Clients, PerClient int
	// Target is the accepted PASV failure probability at full load
	// (0: vsftpd.DefaultTargetFailureRate).
	Target float64
	// PublicAddress is the address clients dial, when known ("": unknown).
	PublicAddress string
	// BehindNAT says the server sits behind NAT (nil: unknown).
	BehindNAT *bool
	// Implicit says the instance is meant for implicit FTPS (nil: unknown).
	Implicit *bool
	// Uploads says uploads are expected (nil: unknown).
	Uploads *bool
	// Host, when set, lets the linter read the files the config names.
	Host Host
	// OnHost says the config is the live config of the machine Host reads
	// (check --host, or the build's own config path): then every file the
	// config names must exist there — the user list, the banner file, the
	// log directory, the certificate and key, secure_chroot_dir — because a
	// missing one makes vsftpd stop at start or end every session with
	// "500 OOPS". Without OnHost only the certificate and the PAM service
	// are looked up (when Host is set).
	OnHost bool
	// Now is the time certificates are checked against (zero: time.Now()).
	Now time.Time
}

// Lint checks a parsed config and returns its findings, worst first, then
// by line.
func Lint(f *File, o Options) []Finding {
	l := &linter{f: f, o: o, flavour: normalise(o.Flavour), d: DefaultsFor(o.Flavour)}
	if l.o.Target <= 0 {
		l.o.Target = vsftpd.DefaultTargetFailureRate
	}
	if l.o.Now.IsZero() {
		l.o.Now = time.Now()
	}
	l.syntax()
	l.listen()
	l.pasvAddress()
	l.passiveRange()
	l.tls()
	l.certificate()
	l.hostFiles()
	l.login()
	l.misc()
	sort.SliceStable(l.out, func(i, j int) bool {
		a, b := l.out[i], l.out[j]
		if a.Severity != b.Severity {
			return a.Severity.rank() < b.Severity.rank()
		}
		return a.Line < b.Line
	})
	return l.out
}

// Worst returns the worst severity among the findings ("" when there are none).
func Worst(fs []Finding) Severity {
	var w Severity
	for _, f := range fs {
		if w == "" || f.Severity.rank() < w.rank() {
			w = f.Severity
		}
	}
	return w
}

type linter struct {
	f       *File
	o       Options
	flavour vsftpd.Flavour
	d       Defaults
	out     []Finding
	// intended maps a setting line to what its author meant (CR removed,
	// fixable slips corrected); the semantic checks read only these, so one
	// slip does not cascade into a dozen findings. Lines vsftpd cannot read
	// and the linter cannot guess are absent.
	intended map[int]Line
}

func (l *linter) markBad(num int) { delete(l.intended, num) }

func (l *linter) intend(num int, key, value string) {
	l.intended[num] = Line{Num: num, Kind: Setting, Key: key, Value: value, HasEquals: true}
}

func (l *linter) add(f Finding) {
	f.Explain = explain.ForLint(f.Code)
	l.out = append(l.out, f)
}

// setting returns the effective line for a known, well-formed key.
func (l *linter) setting(key string) (Line, bool) {
	for i := len(l.f.Lines) - 1; i >= 0; i-- {
		if ln, ok := l.intended[l.f.Lines[i].Num]; ok && ln.Key == key {
			return ln, true
		}
	}
	return Line{}, false
}

// boolean returns the effective value of a boolean option and its line
// (0 when the compiled-in default applies).
func (l *linter) boolean(key string, def bool) (bool, int) {
	ln, ok := l.setting(key)
	if !ok {
		return def, 0
	}
	v, ok := ParseBool(ln.Value)
	if !ok {
		return def, 0
	}
	return v, ln.Num
}

// number returns the effective value of a numeric option and its line.
func (l *linter) number(key string, def uint32) (uint32, int) {
	ln, ok := l.setting(key)
	if !ok || ln.Value == "" {
		return def, 0
	}
	n, _ := ParseUint(ln.Value)
	return n, ln.Num
}

// str returns the effective value of a string option; set is false when
// the option is unset (default) and a set-but-empty value unsets it.
func (l *linter) str(key string) (string, int, bool) {
	ln, ok := l.setting(key)
	if !ok {
		return "", 0, false
	}
	if ln.Value == "" {
		return "", ln.Num, false
	}
	return ln.Value, ln.Num, true
}

func (l *linter) flavourName() string { return vsftpd.BuildOf(l.flavour).Name }

var boolWords = map[string]string{
	"ON": "YES", "OFF": "NO", "Y": "YES", "N": "NO", "ENABLE": "YES", "ENABLED": "YES",
	"DISABLE": "NO", "DISABLED": "NO", "T": "YES", "F": "NO",
}

// syntax reports what stops vsftpd from reading the file at all.
func (l *linter) syntax() {
	l.intended = map[int]Line{}
	var crLines []Edit
	firstCR := 0
	for _, ln := range l.f.Lines {
		if ln.Kind == Ignored {
			continue
		}
		if strings.HasSuffix(ln.Raw, "\r") {
			if firstCR == 0 {
				firstCR = ln.Num
			}
			crLines = append(crLines, Edit{Op: Replace, Line: ln.Num, Text: strings.TrimRight(ln.Raw, "\r")})
		}
		if ln.Kind != Setting {
			continue
		}
		l.intended[ln.Num] = Line{Num: ln.Num, Kind: Setting, Key: strings.TrimRight(ln.Key, "\r"),
			Value: strings.TrimRight(ln.Value, "\r"), HasEquals: ln.HasEquals}
		l.settingSyntax(ln)
	}
	seen := map[string][]int{}
	for _, ln := range l.f.Lines {
		if in, ok := l.intended[ln.Num]; ok {
			seen[in.Key] = append(seen[in.Key], ln.Num)
		}
	}
	if len(crLines) > 0 {
		l.add(Finding{Severity: Error, Code: "crlf", Line: firstCR,
			Why: fmt.Sprintf("%d line(s) end in a Windows line break (CR LF). vsftpd splits lines on LF only, so every value keeps a "+
				"trailing CR: a YES/NO option then stops vsftpd with \"500 OOPS: bad bool value in config file\" and paths point "+
				"to files that do not exist.", len(crLines)),
			Fix:   "Save the file with Unix line endings (dos2unix).",
			Edits: crLines})
	}
	// Duplicates: the last line wins.
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		nums := seen[k]
		if len(nums) < 2 {
			continue
		}
		last := nums[len(nums)-1]
		var edits []Edit
		for _, n := range nums[:len(nums)-1] {
			edits = append(edits, Edit{Op: CommentOut, Line: n, Note: fmt.Sprintf("overridden by line %d", last)})
		}
		l.add(Finding{Severity: Info, Code: "duplicate", Line: nums[0], Option: k,
			Why: fmt.Sprintf("%s is set on lines %s; vsftpd keeps the last one (line %d), so the earlier ones have no effect.",
				k, joinInts(nums), last),
			Fix:   fmt.Sprintf("Keep only line %d.", last),
			Edits: edits})
	}
	if l.f.Truncated {
		for _, ln := range l.f.Lines {
			if ln.Kind == Ignored {
				l.add(Finding{Severity: Warning, Code: "too-long", Line: ln.Num,
					Why: fmt.Sprintf("The file is %d bytes; vsftpd reads only the first %d, so everything from here on is ignored "+
						"without a message.", l.f.Size, MaxFileSize),
					Fix: "Remove comments or unused settings so the file is shorter than 100000 bytes."})
				break
			}
		}
	}
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

func (l *linter) settingSyntax(ln Line) {
	raw := strings.TrimRight(ln.Raw, "\r")
	key := strings.TrimRight(ln.Key, "\r")
	value := strings.TrimRight(ln.Value, "\r")
	if strings.HasPrefix(key, "#") {
		l.markBad(ln.Num)
		l.add(Finding{Severity: Error, Code: "indented-comment", Line: ln.Num,
			Why: "A comment must start with '#' in the first column. vsftpd strips the leading white space and reads the rest as " +
				"a setting, so it refuses to start (\"500 OOPS: missing value in config file\" or " + explain.Quote(explain.UnknownOption) + ").",
			Fix:   "Move the '#' to the start of the line.",
			Edits: []Edit{{Op: Replace, Line: ln.Num, Text: strings.TrimLeft(raw, " \t\v\f")}}})
		return
	}
	tk, tv := strings.TrimSpace(key), strings.TrimSpace(value)
	kind, known := Lookup(l.flavour, key)
	tkind, tknown := Lookup(l.flavour, tk)
	switch {
	case !known && tknown && ln.HasEquals:
		// "listen = YES", "listen =YES"
		l.intend(ln.Num, tk, tv)
		fixed := tk + "=" + tv
		l.add(Finding{Severity: Error, Code: "space-around-equals", Line: ln.Num, Option: tk,
			Why: fmt.Sprintf("vsftpd allows no spaces around '=': it reads the option name as %q, an unknown option, and "+
				"refuses to start (%s; under systemd this can look silent).", key, explain.Quote(explain.UnknownOption)),
			Fix:   "Write " + fixed + ".",
			Edits: []Edit{{Op: Replace, Line: ln.Num, Text: fixed}}})
		return
	case !known && tknown && !ln.HasEquals && tkind != String:
		l.markBad(ln.Num)
		l.add(Finding{Severity: Error, Code: "missing-value", Line: ln.Num, Option: tk,
			Why: fmt.Sprintf("%s has no value; vsftpd refuses to start (\"500 OOPS: missing value in config file for: %s\").", tk, tk),
			Fix: fmt.Sprintf("Write %s=YES or %s=NO (or the number), or delete the line (--fix comments it out, so the "+
				"compiled-in default applies).", tk, tk),
			Edits: []Edit{{Op: CommentOut, Line: ln.Num, Note: "no value"}}})
		return
	case !known:
		l.markBad(ln.Num)
		l.unknown(ln, key, value)
		return
	}
	// The name is right; now the value.
	if i := inlineComment(value); i >= 0 && key != "ftpd_banner" && key != "hide_file" && key != "deny_file" {
		l.inlineComment(ln, key, kind, value, i)
		return
	}
	switch kind {
	case Bool:
		if !ln.HasEquals || value == "" {
			l.markBad(ln.Num)
			l.add(Finding{Severity: Error, Code: "missing-value", Line: ln.Num, Option: key,
				Why: fmt.Sprintf("%s has no value; vsftpd refuses to start (\"500 OOPS: missing value in config file for: %s\").", key, key),
				Fix: fmt.Sprintf("Write %s=YES or %s=NO, or delete the line (--fix comments it out, so the compiled-in "+
					"default applies).", key, key),
				Edits: []Edit{{Op: CommentOut, Line: ln.Num, Note: "no value"}}})
			return
		}
		if _, ok := ParseBool(value); ok {
			return
		}
		l.markBad(ln.Num)
		f := Finding{Severity: Error, Code: "bad-bool", Line: ln.Num, Option: key,
			Why: fmt.Sprintf("%s=%s: vsftpd accepts only YES/NO, TRUE/FALSE or 1/0 with nothing around them, and refuses to "+
				"start (\"500 OOPS: bad bool value in config file for: %s\").", key, value, key),
			Fix:   fmt.Sprintf("Write %s=YES or %s=NO (--fix comments the line out, so the compiled-in default applies).", key, key),
			Edits: []Edit{{Op: CommentOut, Line: ln.Num, Note: "not YES or NO"}}}
		up := strings.ToUpper(tv)
		if w, ok := boolWords[up]; ok {
			up = w
		}
		if _, ok := ParseBool(up); ok {
			fixed := key + "=" + up
			f.Fix = "Write " + fixed + "."
			f.Edits = []Edit{{Op: Replace, Line: ln.Num, Text: fixed}}
			l.intend(ln.Num, key, up)
		}
		l.add(f)
	case Uint:
		if !ln.HasEquals || value == "" {
			l.markBad(ln.Num)
			l.add(Finding{Severity: Error, Code: "missing-value", Line: ln.Num, Option: key,
				Why: fmt.Sprintf("%s has no value; vsftpd refuses to start (\"500 OOPS: missing value in config file for: %s\").", key, key),
				Fix: fmt.Sprintf("Give %s a number, or delete the line (--fix comments it out, so the compiled-in default "+
					"applies).", key),
				Edits: []Edit{{Op: CommentOut, Line: ln.Num, Note: "no value"}}})
			return
		}
		n, clean := ParseUint(value)
		octalOK := key == "local_umask" || key == "anon_umask" || key == "file_open_mode" || key == "chown_upload_mode"
		switch {
		case !clean:
			f := Finding{Severity: Warning, Code: "bad-number", Line: ln.Num, Option: key,
				Why: fmt.Sprintf("%s=%s is not a plain number; vsftpd silently reads it as %d.", key, value, n),
				Fix: fmt.Sprintf("Write %s as digits only.", key)}
			if !strings.HasPrefix(value, "0") && n > 0 && n < 1<<31 {
				// Write what vsftpd reads, so the line says what it does.
				fixed := fmt.Sprintf("%s=%d", key, n)
				f.Fix = "Write " + fixed + "."
				f.Edits = []Edit{{Op: Replace, Line: ln.Num, Text: fixed}}
			}
			l.add(f)
		case len(value) > 1 && value[0] == '0' && !octalOK:
			f := Finding{Severity: Warning, Code: "octal-number", Line: ln.Num, Option: key,
				Why: fmt.Sprintf("%s=%s starts with 0, so vsftpd reads it as octal: %d, not %s.", key, value, n,
					strings.TrimLeft(value, "0")),
				Fix: fmt.Sprintf("Drop the leading zero (or write %s=%d if %d is meant).", key, n, n)}
			l.add(f)
		}
	case String:
		if tv != value && value != "" {
			l.intend(ln.Num, key, tv)
			l.add(Finding{Severity: Warning, Code: "value-whitespace", Line: ln.Num, Option: key,
				Why: fmt.Sprintf("The value of %s has white space around it, which vsftpd keeps as part of the value "+
					"(a path or address with a trailing space is a different one).", key),
				Fix:   "Write " + key + "=" + tv + ".",
				Edits: []Edit{{Op: Replace, Line: ln.Num, Text: key + "=" + tv}}})
		}
	}
}

func (l *linter) unknown(ln Line, key, value string) {
	oops := strings.TrimPrefix(explain.Reply(explain.UnknownOption), "500 OOPS: ") + ": " + key
	if value == "" {
		// vsftpd checks for a missing value before it looks the name up.
		oops = "missing value in config file for: " + key
	}
	f := Finding{Severity: Error, Code: "unknown-option", Line: ln.Num, Option: key,
		Why: fmt.Sprintf("%s does not know the option %q and refuses to start (\"500 OOPS: %s\", written to the client "+
			"socket, not to stderr: under systemd the unit just fails).", l.flavourName(), key, oops)}
	comment := []Edit{{Op: CommentOut, Line: ln.Num, Note: "unknown to " + string(l.flavour)}}
	lower := strings.ToLower(key)
	if v, ok := vsftpd.TLSVersionOf(key); ok && v >= vsftpd.TLS11 {
		minor := v.Minor()
		name := vsftpd.BuildOf(l.flavour).TLSOption(v)
		if name == "" {
			f.Why += fmt.Sprintf(" This build has no switch for TLS 1.%d: ", minor)
			if minor == 1 {
				f.Why += "OpenSSL 3's default security level already refuses TLS 1.1."
			} else {
				f.Why += fmt.Sprintf("TLS 1.%d is always on.", minor)
			}
			f.Fix = "Delete the line."
			if v, _ := ParseBool(value); minor == 2 && !v {
				f.Fix += " A TLS 1.3-only server needs vsftpd 3.0.5 or the RHEL build (ftpswiz's modern profile)."
			}
			f.Edits = comment
		} else {
			f.Why += fmt.Sprintf(" This build spells it %s.", name)
			f.Fix = fmt.Sprintf("Write %s=%s.", name, value)
			l.intend(ln.Num, name, value)
			f.Edits = []Edit{{Op: Replace, Line: ln.Num, Text: name + "=" + value}}
		}
		f.Answer = "server.vsftpd.flavour"
		l.add(f)
		return
	}
	if lower != key {
		if _, ok := Lookup(l.flavour, lower); ok {
			f.Why += " Option names are case-sensitive and lower-case."
			l.intend(ln.Num, lower, value)
			f.Fix = fmt.Sprintf("Write %s=%s.", lower, value)
			f.Edits = []Edit{{Op: Replace, Line: ln.Num, Text: lower + "=" + value}}
			l.add(f)
			return
		}
	}
	if other := KnownElsewhere(l.flavour, key); len(other) > 0 {
		names := make([]string, len(other))
		for i, o := range other {
			names[i] = string(o)
		}
		f.Why += fmt.Sprintf(" It exists only in other builds (%s).", strings.Join(names, ", "))
		f.Fix = "Delete the line, or check that the flavour is right (ftpswiz check --flavour)."
		f.Answer = "server.vsftpd.flavour"
		f.Edits = comment
		l.add(f)
		return
	}
	if s := closest(l.flavour, key); s != "" {
		f.Why += fmt.Sprintf(" Did you mean %s?", s)
		l.intend(ln.Num, s, value)
		f.Fix = fmt.Sprintf("Write %s=%s, or delete the line.", s, value)
		f.Edits = []Edit{{Op: Replace, Line: ln.Num, Text: s + "=" + value}}
		l.add(f)
		return
	}
	f.Fix = "Delete the line (or comment it out)."
	f.Edits = comment
	l.add(f)
}

// closest finds a known option within edit distance 2 (one when the name
// is short), or "".
func closest(fl vsftpd.Flavour, key string) string {
	best, bestD := "", 3
	if len(key) < 8 {
		bestD = 2
	}
	for _, k := range Known(fl) {
		if d := distance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance, capped for long inputs (a
// "did you mean" for a 64-byte option name is noise).
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	return textdist.Levenshtein(a, b)
}

func (l *linter) listen() {
	listen, lnL := l.boolean("listen", l.d.Listen)
	v6, lnV6 := l.boolean("listen_ipv6", l.d.ListenIPv6)
	_, _, hasPasv := l.str("pasv_address")
	switch {
	case listen && v6:
		l.add(Finding{Severity: Error, Code: "listen-both", Line: max(lnL, lnV6), Option: "listen_ipv6",
			Why: "listen=YES and listen_ipv6=YES together stop vsftpd at start (\"500 OOPS: run two copies of vsftpd for IPv4 " +
				"and IPv6\"). listen_ipv6=YES alone already accepts IPv4 clients on a dual-stack socket.",
			Fix:   "Set listen_ipv6=NO (IPv4 only; needed with pasv_address), or listen=NO.",
			Edits: []Edit{{Op: Set, Key: "listen_ipv6", Value: "NO"}}})
	case !listen && !v6 && lnL == 0 && lnV6 == 0:
		// Neither is set: the build's compiled-in defaults (Debian's 3.0.3
		// has both off, measured) leave vsftpd.service unable to start.
		l.add(Finding{Severity: Error, Code: "listen-none", Option: "listen",
			Why: fmt.Sprintf("Neither listen nor listen_ipv6 is set, and %s defaults both to NO (its binary, unlike "+
				"upstream's): started by its service it exits at once with \"500 OOPS: vsftpd: not configured for "+
				"standalone, must be started from inetd\".", l.flavourName()),
			Fix:   "Set listen=YES and listen_ipv6=NO (IPv4; needed with pasv_address), or listen_ipv6=YES alone.",
			Edits: []Edit{{Op: Set, Key: "listen", Value: "YES"}, {Op: Set, Key: "listen_ipv6", Value: "NO"}}})
	case !listen && !v6:
		l.add(Finding{Severity: Warning, Code: "listen-none", Line: max(lnL, lnV6), Option: "listen",
			Why: "listen=NO and listen_ipv6=NO: vsftpd does not listen by itself and expects inetd or a systemd socket to hand " +
				"it each connection; started as a service it exits with \"500 OOPS: vsftpd: not configured for standalone, " +
				"must be started from inetd\".",
			Fix:   "Set listen=YES unless inetd or a socket unit starts vsftpd.",
			Edits: []Edit{{Op: Set, Key: "listen", Value: "YES"}}})
	case v6 && hasPasv:
		ln, _ := l.setting("pasv_address")
		l.add(Finding{Severity: Error, Code: "listen-ipv6-pasv-address", Line: lnOr(lnV6, ln.Num), Option: "listen_ipv6",
			Why: "With listen_ipv6=YES vsftpd ignores pasv_address: its PASV reply announces 0,0,0,0, which clients cannot " +
				"dial (lftp and FileZilla silently substitute the control address; strict clients and appliances fail). " +
				"Debian ships listen_ipv6=YES.",
			Fix: "Set listen=YES and listen_ipv6=NO (run a second instance if IPv6 is needed).",
			Edits: []Edit{
				{Op: Set, Key: "listen", Value: "YES"},
				{Op: Set, Key: "listen_ipv6", Value: "NO"},
			}})
	}
}

func lnOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

func (l *linter) pasvAddress() {
	addr, n, set := l.str("pasv_address")
	resolve, _ := l.boolean("pasv_addr_resolve", false)
	behind := l.o.BehindNAT != nil && *l.o.BehindNAT
	if !set {
		pasvOn, _ := l.boolean("pasv_enable", l.d.PasvEnable)
		if !pasvOn || (l.o.BehindNAT != nil && !behind) {
			return
		}
		f := Finding{Severity: Info, Code: "pasv-address-missing", Option: "pasv_address",
			Why: "No pasv_address: the PASV reply announces the address the client connected to, as the server sees it. " +
				"Behind NAT that is the private address, which clients cannot dial; lftp, curl and FileZilla hide this by " +
				"substituting the control address, strict clients and appliances fail.",
			Fix:    "If the server is behind NAT, set pasv_address to the public IPv4 address clients dial.",
			Answer: "server.nat, server.public_address"}
		if behind {
			f.Severity = Error
			f.Why = "The server is behind NAT but has no pasv_address: its PASV reply announces its private address, which " +
				"clients cannot dial (stock lftp, curl and FileZilla hide this by substituting the control address; strict " +
				"clients and appliances fail)."
			if ip, err := netip.ParseAddr(l.o.PublicAddress); err == nil && ip.Is4() {
				f.Fix = "Set pasv_address=" + l.o.PublicAddress + "."
				f.Edits = []Edit{{Op: Set, Key: "pasv_address", Value: l.o.PublicAddress}}
			} else if l.o.PublicAddress != "" {
				f.Fix = "Set pasv_address=" + l.o.PublicAddress + " and pasv_addr_resolve=YES."
				f.Edits = []Edit{{Op: Set, Key: "pasv_address", Value: l.o.PublicAddress}, {Op: Set, Key: "pasv_addr_resolve", Value: "YES"}}
			}
		}
		l.add(f)
		return
	}
	if i := strings.IndexAny(addr, " \t"); i > 0 && !strings.ContainsAny(addr[:i], "\"'") {
		// glibc's inet_aton accepts trailing white space and anything after it.
		addr = addr[:i]
	}
	trimmed := strings.Trim(addr, "\"' ")
	if trimmed != addr && strings.ContainsAny(addr, "\"'") {
		f := Finding{Severity: Error, Code: "pasv-address-quoted", Line: n, Option: "pasv_address",
			Why: fmt.Sprintf("pasv_address=%s: vsftpd takes the quotes literally. It starts, but the first PASV ends the session "+
				"with \"500 OOPS: invalid pasv_address\".", addr),
			Fix:   "Write pasv_address=" + trimmed + " without quotes.",
			Edits: []Edit{{Op: Replace, Line: n, Text: "pasv_address=" + trimmed}}}
		l.add(f)
		addr = trimmed
	}
	ip, err := netip.ParseAddr(addr)
	switch {
	case err == nil && ip.Is4():
		if l.o.PublicAddress != "" && l.o.PublicAddress != addr {
			if pub, err := netip.ParseAddr(l.o.PublicAddress); err == nil && pub.Is4() {
				l.add(Finding{Severity: Error, Code: "pasv-address-mismatch", Line: n, Option: "pasv_address",
					Why: fmt.Sprintf("pasv_address=%s, but clients dial %s: every PASV sends them to the wrong address.",
						addr, l.o.PublicAddress),
					Fix:    "Set pasv_address=" + l.o.PublicAddress + ".",
					Answer: "server.public_address",
					Edits:  []Edit{{Op: Set, Key: "pasv_address", Value: l.o.PublicAddress}}})
				return
			}
		}
		if !netaddr.IsNonPublic(ip) || !behind {
			if netaddr.IsNonPublic(ip) && l.o.BehindNAT == nil {
				l.add(Finding{Severity: Warning, Code: "pasv-address-private", Line: n, Option: "pasv_address",
					Why: fmt.Sprintf("pasv_address=%s is not a public address: only clients on that network can open "+
						"data connections.", addr),
					Fix:    "Set pasv_address to the public IPv4 address clients dial.",
					Answer: "server.public_address"})
			}
			return
		}
		l.add(Finding{Severity: Error, Code: "pasv-address-private", Line: n, Option: "pasv_address",
			Why: fmt.Sprintf("pasv_address=%s is a private address, but the server is behind NAT: clients cannot dial it.", addr),
			Fix: "Set pasv_address to the public IPv4 address clients dial.", Answer: "server.public_address"})
	case err == nil:
		l.add(Finding{Severity: Error, Code: "pasv-address-invalid", Line: n, Option: "pasv_address",
			Why: fmt.Sprintf("pasv_address=%s: PASV can only carry an IPv4 address; the first PASV ends the session with "+
				"\"500 OOPS: invalid pasv_address\". IPv6 clients use EPSV, which carries no address.", addr),
			Fix: "Set pasv_address to the public IPv4 address, or delete it for an IPv6-only server."})
	case netaddr.IsHostname(addr) && resolve:
		l.add(Finding{Severity: Info, Code: "pasv-addr-resolve", Line: n, Option: "pasv_addr_resolve",
			Why: fmt.Sprintf("pasv_address=%s is resolved once, when vsftpd starts: if the address behind the name changes "+
				"(dynamic DNS), PASV keeps announcing the old one until vsftpd restarts.", addr),
			Fix: "Restart vsftpd from the dynamic-DNS client's update hook (or a timer)."})
	case netaddr.IsHostname(addr):
		l.add(Finding{Severity: Error, Code: "pasv-address-name", Line: n, Option: "pasv_address",
			Why: fmt.Sprintf("pasv_address=%s is a name, but pasv_addr_resolve is not YES: the first PASV ends the session "+
				"with \"500 OOPS: invalid pasv_address\".", addr),
			Fix:   "Add pasv_addr_resolve=YES (or write the IPv4 address).",
			Edits: []Edit{{Op: Set, Key: "pasv_addr_resolve", Value: "YES"}}})
	default:
		l.add(Finding{Severity: Error, Code: "pasv-address-invalid", Line: n, Option: "pasv_address",
			Why: fmt.Sprintf("pasv_address=%s is not an IPv4 address: the first PASV ends the session with \"500 OOPS: "+
				"invalid pasv_address\".", addr),
			Fix: "Write the public IPv4 address clients dial, as digits (pasv_address=203.0.113.10)."})
	}
}

func (l *linter) passiveRange() {
	pasvOn, nEnable := l.boolean("pasv_enable", l.d.PasvEnable)
	if !pasvOn {
		l.add(Finding{Severity: Error, Code: "pasv-disabled", Line: nEnable, Option: "pasv_enable",
			Why: "pasv_enable=NO leaves only active mode (PORT), where the server connects back to the client: under TLS no " +
				"firewall or NAT between them can follow that, so listings and transfers fail.",
			Fix:   "Set pasv_enable=YES.",
			Edits: []Edit{{Op: Set, Key: "pasv_enable", Value: "YES"}}})
		return
	}
	minP, nMin := l.number("pasv_min_port", 0)
	maxP, nMax := l.number("pasv_max_port", 0)
	// vsftpd 3.0.x privops.c: the range starts at 1024 unless
	// 1024 < pasv_min_port <= 65535, and ends at 65535 unless
	// first <= pasv_max_port < 65535.
	first, last := vsftpd.EffectiveRange(minP, maxP)
	retries, nRetries := l.number(vsftpd.BindRetriesOption, uint32(l.d.BindAttempts))
	attempts := vsftpd.PassiveAttempts(l.flavour, retries, nRetries != 0)
	suggest := func() []Edit {
		if l.o.Transfers <= 0 {
			return nil
		}
		r, err := vsftpd.PassivePorts(l.o.Transfers, l.o.Target, attempts)
		if err != nil {
			return nil
		}
		start := vsftpd.DefaultPassiveStart
		if start+r-1 > 65535 {
			start = 65536 - r
		}
		if first > 1024 && first+r-1 <= 65535 {
			start = first
		}
		return []Edit{{Op: Set, Key: "pasv_min_port", Value: strconv.Itoa(start)},
			{Op: Set, Key: "pasv_max_port", Value: strconv.Itoa(start + r - 1)}}
	}
	suggestText := func() string {
		if l.o.Transfers <= 0 {
			return "Set pasv_min_port and pasv_max_port to a fixed range (ftpswiz sizes it from the expected concurrent " +
				"transfers), then open and forward exactly that range."
		}
		r, err := vsftpd.PassivePorts(l.o.Transfers, l.o.Target, attempts)
		if err != nil {
			return fmt.Sprintf("No passive range can carry %d concurrent transfers at this target (%v): lower the "+
				"expected concurrency, or spread it over several servers.", l.o.Transfers, err)
		}
		e := suggest()
		return fmt.Sprintf("Set pasv_min_port=%s and pasv_max_port=%s (%d ports for %d concurrent transfers), then open and "+
			"forward exactly that range.", e[0].Value, e[1].Value, r, l.o.Transfers)
	}
	switch {
	case minP != 0 && maxP != 0 && minP > maxP:
		f := Finding{Severity: Error, Code: "pasv-range-inverted", Line: max(nMin, nMax), Option: "pasv_max_port",
			Why: fmt.Sprintf("pasv_min_port=%d is above pasv_max_port=%d: vsftpd silently uses %d-65535 instead, ports the "+
				"firewall does not open, so data connections time out.", minP, maxP, first),
			Fix:    fmt.Sprintf("Swap them: pasv_min_port=%d, pasv_max_port=%d.", maxP, minP),
			Answer: "server.passive_start",
			Edits: []Edit{{Op: Set, Key: "pasv_min_port", Value: strconv.Itoa(int(maxP))},
				{Op: Set, Key: "pasv_max_port", Value: strconv.Itoa(int(minP))}}}
		l.add(f)
		return
	case nMin == 0 || nMax == 0 || minP == 0 || maxP == 0:
		l.add(Finding{Severity: Warning, Code: "pasv-range-missing", Line: max(nMin, nMax), Option: "pasv_min_port",
			Why: fmt.Sprintf("No fixed passive range: vsftpd picks a random port in %d-%d for every data connection. A "+
				"firewall or NAT router must then open all of them, because under TLS it cannot read the PASV reply "+
				"(the conntrack FTP helper sees only ciphertext): login works, listings time out.", first, last),
			Fix:    suggestText(),
			Answer: "server.capacity.concurrent_transfers",
			Edits:  suggest()})
		return
	}
	if minP < 1024 {
		l.add(Finding{Severity: Warning, Code: "pasv-range-low", Line: nMin, Option: "pasv_min_port",
			Why: fmt.Sprintf("pasv_min_port=%d is below 1024; vsftpd never uses ports below 1024, so the range is %d-%d.",
				minP, first, last),
			Fix: fmt.Sprintf("Set pasv_min_port=%d so the config says what vsftpd does.", first)})
	}
	if maxP > 65535 {
		l.add(Finding{Severity: Warning, Code: "pasv-range-high", Line: nMax, Option: "pasv_max_port",
			Why: fmt.Sprintf("pasv_max_port=%d is not a port; vsftpd uses up to 65535.", maxP),
			Fix: "Set pasv_max_port to at most 65535."})
	}
	r := last - first + 1
	if l.o.Transfers > 0 {
		p := vsftpd.Failure(l.o.Transfers, r, attempts)
		if p > l.o.Target {
			sev := Warning
			if p >= 0.01 {
				sev = Error
			}
			bindLFTP := explain.Get(explain.PassiveExhausted).Replies[1]
			why := fmt.Sprintf("The passive range %d-%d has %d ports. vsftpd tries %d random ports per PASV and ends the "+
				"session (%s, seen by lftp as \"%s\") when "+
				"all are busy: with %d transfers running, a PASV fails with probability (%d/%d)^%d = %s.",
				first, last, r, attempts, explain.Quote(explain.PassiveExhausted), bindLFTP, l.o.Transfers, l.o.Transfers, r, attempts, vsftpd.FormatProbability(p))
			if l.o.Transfers >= r {
				why = fmt.Sprintf("The passive range %d-%d has %d ports, fewer than the %d transfers expected: once %d "+
					"transfers run, every further PASV ends its session (%s, seen by lftp as "+
					"\"%s\"), and long before that vsftpd's %d random tries per PASV "+
					"start missing the free ports.", first, last, r, l.o.Transfers, r, explain.Quote(explain.PassiveExhausted), bindLFTP, attempts)
			}
			l.add(Finding{Severity: sev, Code: "pasv-range-small", Line: max(nMin, nMax), Option: "pasv_max_port",
				Why:    why,
				Fix:    suggestText(),
				Answer: "server.capacity.concurrent_transfers",
				Edits:  suggest()})
		}
		l.limits()
		return
	}
	capacity := vsftpd.Capacity(r, l.o.Target, attempts)
	l.add(Finding{Severity: Info, Code: "pasv-range-capacity", Line: max(nMin, nMax), Option: "pasv_max_port",
		Why: fmt.Sprintf("The passive range %d-%d has %d ports: it carries up to %d simultaneous transfers with a PASV "+
			"failure chance of %s each (vsftpd tries %d random ports per PASV).", first, last, r, capacity,
			vsftpd.FormatProbability(l.o.Target), attempts),
		Fix: "Nothing to do if that covers your peak; otherwise run ftpswiz check --transfers N."})
}

func (l *linter) limits() {
	mc, nMC := l.number("max_clients", uint32(l.d.MaxClients))
	mp, nMP := l.number("max_per_ip", uint32(l.d.MaxPerIP))
	n := uint32(l.o.Transfers)
	if l.o.Clients > 0 {
		n = uint32(l.o.Clients)
	}
	if mc != 0 && mc < n {
		l.add(Finding{Severity: Warning, Code: "max-clients", Line: nMC, Option: "max_clients",
			Why: fmt.Sprintf("max_clients=%d is below the %d concurrent sessions expected: further sessions get %s.", mc, n,
				explain.Quote(explain.TooMany)),
			Fix:    fmt.Sprintf("Set max_clients=%d.", n),
			Answer: "server.capacity.concurrent_clients",
			Edits:  []Edit{{Op: Set, Key: "max_clients", Value: strconv.Itoa(int(n))}}})
	}
	n = uint32(l.o.Transfers)
	if l.o.PerClient > 0 {
		n = uint32(l.o.PerClient)
	}
	if mp != 0 && mp < n {
		l.add(Finding{Severity: Warning, Code: "max-per-ip", Line: nMP, Option: "max_per_ip",
			Why: fmt.Sprintf("max_per_ip=%d is below the %d sessions expected from one address; clients behind one NAT share "+
				"one address and get \"%s\".", mp, n, explain.Get(explain.TooMany).Replies[1]),
			Fix:    fmt.Sprintf("Set max_per_ip=%d.", n),
			Answer: "server.capacity.per_client_limit",
			Edits:  []Edit{{Op: Set, Key: "max_per_ip", Value: strconv.Itoa(int(n))}}})
	}
}

func (l *linter) tls() {
	ssl, nSSL := l.boolean("ssl_enable", l.d.SSLEnable)
	if !ssl {
		f := Finding{Severity: Error, Code: "ssl-off", Line: nSSL, Option: "ssl_enable",
			Why: "ssl_enable is not YES: this is plain FTP, passwords and files cross the network in clear text, and FTPS " +
				"clients fail at AUTH TLS (\"530 Please login with USER and PASS\" or \"500 Unknown command\").",
			Fix: "Set ssl_enable=YES with rsa_cert_file and rsa_private_key_file pointing to a certificate and its key."}
		if _, _, ok := l.str("rsa_cert_file"); ok {
			f.Edits = []Edit{{Op: Set, Key: "ssl_enable", Value: "YES"}}
		}
		l.add(f)
		return
	}
	for _, k := range []string{"force_local_logins_ssl", "force_local_data_ssl"} {
		if v, n := l.boolean(k, true); !v {
			what := "logins (user name and password)"
			if k == "force_local_data_ssl" {
				what = "listings and file transfers"
			}
			l.add(Finding{Severity: Warning, Code: "ssl-not-forced", Line: n, Option: k,
				Why: fmt.Sprintf("%s=NO lets a client send %s in clear text: TLS is offered, not required.", k, what),
				Fix: fmt.Sprintf("Set %s=YES.", k), Edits: []Edit{{Op: Set, Key: k, Value: "YES"}}})
		}
	}
	for _, k := range []string{"ssl_sslv2", "ssl_sslv3"} {
		if v, n := l.boolean(k, false); v {
			l.add(Finding{Severity: Warning, Code: "tls-old", Line: n, Option: k,
				Why: fmt.Sprintf("%s=YES enables a broken SSL version (current OpenSSL no longer offers it anyway).", k),
				Fix: fmt.Sprintf("Set %s=NO.", k), Edits: []Edit{{Op: Set, Key: k, Value: "NO"}}})
		}
	}
	if v, n := l.boolean("ssl_tlsv1", l.d.TLSv1); v {
		f := Finding{Severity: Warning, Code: "tls-old", Line: n, Option: "ssl_tlsv1",
			Why: "ssl_tlsv1=YES allows TLS 1.0, deprecated since 2021 (RFC 8996).",
			Fix: "Set ssl_tlsv1=NO.", Edits: []Edit{{Op: Set, Key: "ssl_tlsv1", Value: "NO"}}}
		if n == 0 {
			f.Severity = Info
			f.Why = "ssl_tlsv1 is not set and defaults to YES in vsftpd 3.0.3: TLS 1.0 is allowed by vsftpd (OpenSSL 3's " +
				"default security level refuses it on Debian 12, but not everywhere)."
		}
		l.add(f)
	}
	if name := vsftpd.BuildOf(l.flavour).TLSOption(vsftpd.TLS11); name != "" {
		if v, n := l.boolean(name, false); v {
			l.add(Finding{Severity: Warning, Code: "tls-old", Line: n, Option: name,
				Why: name + "=YES allows TLS 1.1, deprecated since 2021 (RFC 8996).",
				Fix: "Set " + name + "=NO.", Edits: []Edit{{Op: Set, Key: name, Value: "NO"}}})
		}
	}
	ciphers, nC, hasC := l.str("ssl_ciphers")
	if hasC && strings.Contains(strings.ToUpper(ciphers), "@SECLEVEL=0") {
		l.add(Finding{Severity: Warning, Code: "seclevel-0", Line: nC, Option: "ssl_ciphers",
			Why: "@SECLEVEL=0 in ssl_ciphers switches off OpenSSL's security level: TLS 1.0/1.1, SHA-1 signatures and short " +
				"keys come back.",
			Fix:   "Remove @SECLEVEL=0 (use ftpswiz's intermediate cipher list).",
			Edits: []Edit{{Op: Set, Key: "ssl_ciphers", Value: vsftpd.IntermediateCiphers}}})
	}
	if reuse, n := l.boolean("require_ssl_reuse", l.d.RequireSSLReuse); !reuse {
		l.add(Finding{Severity: Info, Code: "ssl-reuse-off", Line: n, Option: "require_ssl_reuse",
			Why: "require_ssl_reuse=NO: vsftpd no longer checks that a data connection resumes the control connection's TLS " +
				"session, the proof that it comes from the same client. Needed only for clients that cannot resume " +
				"(Python's ftplib, some appliances).",
			Fix: "Set require_ssl_reuse=YES unless such a client must connect."})
	}
	if imp, n := l.boolean("implicit_ssl", false); imp {
		port, _ := l.number("listen_port", uint32(l.d.ListenPort))
		if port == 21 {
			l.add(Finding{Severity: Warning, Code: "implicit-port-21", Line: n, Option: "listen_port",
				Why: "implicit_ssl=YES on port 21: clients expect implicit FTPS on 990 and explicit FTPS (AUTH TLS) on 21; an " +
					"explicit client connecting here waits for a plain-text banner that never comes.",
				Fix:   "Set listen_port=990.",
				Edits: []Edit{{Op: Set, Key: "listen_port", Value: "990"}}})
		}
		if l.o.Implicit != nil && !*l.o.Implicit {
			l.add(Finding{Severity: Error, Code: "implicit-mismatch", Line: n, Option: "implicit_ssl",
				Why: "implicit_ssl=YES, but this instance should serve explicit FTPS: clients send AUTH TLS in clear text " +
					"and the server waits for a TLS handshake, so both time out.",
				Fix: "Set implicit_ssl=NO.", Answer: "ftps.mode",
				Edits: []Edit{{Op: Set, Key: "implicit_ssl", Value: "NO"}}})
		}
	} else if l.o.Implicit != nil && *l.o.Implicit {
		l.add(Finding{Severity: Error, Code: "implicit-mismatch", Line: n, Option: "implicit_ssl",
			Why: "implicit_ssl is not YES, but this instance should serve implicit FTPS: clients start a TLS handshake and " +
				"the server answers with a plain-text banner.",
			Fix: "Set implicit_ssl=YES (and listen_port=990).", Answer: "ftps.mode",
			Edits: []Edit{{Op: Set, Key: "implicit_ssl", Value: "YES"}}})
	}
}

// certificate checks the certificate files when the host can be read.
func (l *linter) certificate() {
	ssl, _ := l.boolean("ssl_enable", l.d.SSLEnable)
	if !ssl {
		return
	}
	cert, n, set := l.str("rsa_cert_file")
	if !set {
		if _, _, dsa := l.str("dsa_cert_file"); dsa {
			return
		}
		cert = l.d.RSACertFile
		if l.o.Host != nil {
			if _, err := l.o.Host.Stat(cert); err == nil {
				set = true
			}
		}
		if !set {
			l.add(Finding{Severity: Error, Code: "cert-missing", Line: 0, Option: "rsa_cert_file",
				Why: fmt.Sprintf("ssl_enable=YES but rsa_cert_file is not set: vsftpd looks for %s and, when it is missing, "+
					"stops at start (\"500 OOPS: SSL: cannot load RSA certificate\"; measured with Debian's 3.0.3).", cert),
				Fix:    "Set rsa_cert_file and rsa_private_key_file to your certificate and key.",
				Answer: "server.tls.cert_file"})
			return
		}
	}
	if l.o.Host == nil {
		return
	}
	data, err := l.o.Host.ReadFile(cert)
	if err != nil {
		sev := Error
		if !errors.Is(err, fs.ErrNotExist) {
			sev = Warning
		}
		fix := "Point rsa_cert_file to the certificate (PEM, with its chain)."
		if !l.o.OnHost && errors.Is(err, fs.ErrNotExist) {
			// A config checked before it is installed (generated for a
			// server whose apply steps make the certificate) is read on
			// the wrong machine: say how to check it.
			fix += " A config for another machine, or not installed yet: check it there, or here with --no-host."
		}
		l.add(Finding{Severity: sev, Code: "cert-missing", Line: n, Option: "rsa_cert_file",
			Why: fmt.Sprintf("Cannot read the certificate %s (%v): vsftpd stops at start with \"500 OOPS: SSL: "+
				"cannot load RSA certificate\".", cert, err),
			Fix: fix, Answer: "server.tls.cert_file"})
		return
	}
	c := firstCert(data)
	if c == nil {
		l.add(Finding{Severity: Error, Code: "cert-invalid", Line: n, Option: "rsa_cert_file",
			Why: fmt.Sprintf("%s holds no PEM certificate: vsftpd cannot load it.", cert),
			Fix: "Point rsa_cert_file to a PEM certificate."})
		return
	}
	l.keyMatches(cert, data, n)
	src := vsftpd.CertSourceOf(cert, c)
	switch {
	case l.o.Now.After(c.NotAfter):
		l.add(Finding{Severity: Error, Code: "cert-expired", Line: n, Option: "rsa_cert_file",
			Why: fmt.Sprintf("The certificate %s expired on %s: clients that verify certificates refuse to connect.", cert,
				c.NotAfter.Format("2006-01-02")),
			Fix: vsftpd.CertRenewFix(src), Answer: "server.tls.source"})
	case l.o.Now.Add(30 * 24 * time.Hour).After(c.NotAfter):
		l.add(Finding{Severity: Warning, Code: "cert-expiring", Line: n, Option: "rsa_cert_file",
			Why: fmt.Sprintf("The certificate %s expires on %s, within 30 days.", cert, c.NotAfter.Format("2006-01-02")),
			Fix: vsftpd.CertRenewFix(src), Answer: "server.tls.source"})
	}
	if src != vsftpd.CertSelfSigned && certCount(data) == 1 {
		l.add(Finding{Severity: Warning, Code: "cert-chain-incomplete", Line: n, Option: "rsa_cert_file",
			Why: fmt.Sprintf("%s holds only the server's certificate, issued by %q, without the intermediate "+
				"certificate(s): vsftpd sends what the file holds, and strict clients (lftp, curl, Python) refuse an "+
				"incomplete chain.", cert, c.Issuer.CommonName),
			Fix: vsftpd.CertChainFix(src), Answer: "server.tls.cert_file"})
	}
	name := l.o.PublicAddress
	if name == "" {
		if pa, _, ok := l.str("pasv_address"); ok {
			if resolve, _ := l.boolean("pasv_addr_resolve", false); resolve {
				name = pa // a name clients dial
			}
		}
	}
	if name != "" && c.VerifyHostname(name) != nil {
		l.add(Finding{Severity: Error, Code: "cert-wrong-name", Line: n, Option: "rsa_cert_file",
			Why: fmt.Sprintf("The certificate %s is for %s, not %s, the address clients dial: clients that check "+
				"names refuse it.", cert, strings.Join(certNames(c), ", "), name),
			Fix: vsftpd.CertNameFix(src, name), Answer: "server.tls.source"})
	}
	ciphers, _, hasC := l.str("ssl_ciphers")
	if !hasC {
		ciphers = l.d.SSLCiphers
	}
	rsaOnly := strings.Contains(ciphers, "RSA") && !strings.Contains(ciphers, "ECDSA") &&
		!strings.Contains(strings.ToUpper(ciphers), "HIGH") && !strings.Contains(ciphers, "PROFILE=") &&
		!strings.Contains(strings.ToUpper(ciphers), "DEFAULT") && !strings.Contains(strings.ToUpper(ciphers), "ALL")
	_, isEC := c.PublicKey.(*ecdsa.PublicKey)
	_, isEd := c.PublicKey.(ed25519.PublicKey)
	if (isEC || isEd) && rsaOnly {
		why := fmt.Sprintf("The certificate %s has an ECDSA key, but ssl_ciphers allows only RSA suites", cert)
		if !hasC {
			why = fmt.Sprintf("The certificate %s has an ECDSA key, but ssl_ciphers is not set and vsftpd's built-in default "+
				"(%s) allows only an RSA suite", cert, l.d.SSLCiphers)
		}
		l.add(Finding{Severity: Error, Code: "ecdsa-ciphers", Line: n, Option: "ssl_ciphers",
			Why:   why + ": TLS 1.2 clients fail with \"no shared cipher\" (TLS 1.3 clients still connect).",
			Fix:   "Set ssl_ciphers to a list with ECDSA suites (ftpswiz's intermediate list).",
			Edits: []Edit{{Op: Set, Key: "ssl_ciphers", Value: vsftpd.IntermediateCiphers}}})
	}
}

// keyMatches checks that the private key vsftpd loads belongs to the
// certificate: rsa_private_key_file, or the certificate file itself when
// it is not set (vsftpd's default). A key file that cannot be read is left
// to the host-file checks (key-missing).
func (l *linter) keyMatches(cert string, certPEM []byte, certLine int) {
	key, n, set := l.str("rsa_private_key_file")
	keyPEM := certPEM
	if set && key != cert {
		var err error
		if keyPEM, err = l.o.Host.ReadFile(key); err != nil {
			return
		}
	} else {
		key, n = cert, certLine
	}
	if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
		why := fmt.Sprintf("The private key %s does not belong to the certificate %s (%v): vsftpd stops at start with "+
			"\"500 OOPS: SSL: cannot load RSA private key\" (measured with Debian's 3.0.3).", key, cert, err)
		if !set {
			why = fmt.Sprintf("rsa_private_key_file is not set, so vsftpd reads the key from the certificate file %s, "+
				"which holds no matching private key (%v): vsftpd stops at start with \"500 OOPS: SSL: cannot load RSA "+
				"private key\" (measured with Debian's 3.0.3).", cert, err)
		}
		l.add(Finding{Severity: Error, Code: "key-mismatch", Line: n, Option: "rsa_private_key_file", Why: why,
			Fix: "Point rsa_private_key_file to the key the certificate was issued for (openssl x509 -noout -pubkey -in CERT " +
				"and openssl pkey -pubout -in KEY print the same public key).", Answer: "server.tls.key_file"})
	}
}

func certCount(data []byte) int {
	n := 0
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return n
		}
		if b.Type == "CERTIFICATE" {
			n++
		}
	}
}

func certNames(c *x509.Certificate) []string {
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	return names
}

func firstCert(data []byte) *x509.Certificate {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil
		}
		if b.Type == "CERTIFICATE" {
			c, err := x509.ParseCertificate(b.Bytes)
			if err == nil {
				return c
			}
		}
	}
}

func (l *linter) login() {
	local, nLocal := l.boolean("local_enable", false)
	anon, _ := l.boolean("anonymous_enable", true)
	if !local {
		sev := Warning
		if !anon {
			sev = Error
		}
		l.add(Finding{Severity: sev, Code: "local-disabled", Line: nLocal, Option: "local_enable",
			Why: "local_enable is not YES: local users cannot log in (\"530 This FTP server is anonymous only\").",
			Fix: "Set local_enable=YES.", Edits: []Edit{{Op: Set, Key: "local_enable", Value: "YES"}}})
	} else {
		l.pam()
	}
	if anon {
		_, n := l.boolean("anonymous_enable", true)
		why := "anonymous_enable=YES: anyone can log in as \"anonymous\" or \"ftp\""
		if n == 0 {
			why = "anonymous_enable is not set and defaults to YES: anyone can log in as \"anonymous\" or \"ftp\""
		}
		if allow, _ := l.boolean("allow_anon_ssl", false); !allow {
			why += ", and without TLS (allow_anon_ssl is NO)"
		}
		l.add(Finding{Severity: Warning, Code: "anonymous", Line: n, Option: "anonymous_enable",
			Why: why + ".", Fix: "Set anonymous_enable=NO unless a public download area is intended.",
			Edits: []Edit{{Op: Set, Key: "anonymous_enable", Value: "NO"}}})
	}
	chroot, nCh := l.boolean("chroot_local_user", false)
	if !chroot || !local {
		return
	}
	if allow, n := l.boolean("allow_writeable_chroot", false); allow {
		l.add(Finding{Severity: Info, Code: "writable-chroot-allowed", Line: n, Option: "allow_writeable_chroot",
			Why: "allow_writeable_chroot=YES lets users write to their chroot root, which vsftpd refuses by default because a " +
				"user could plant files the chrooted process trusts.",
			Fix: "Prefer a root-owned, non-writable root with a writable upload directory inside, and allow_writeable_chroot=NO."})
		return
	}
	root, nRoot, hasRoot := l.str("local_root")
	if hasRoot && l.o.Host != nil && !strings.Contains(root, "$") {
		if fi, err := l.o.Host.Stat(root); err == nil && fi.IsDir() && writableByOthers(fi) {
			l.add(Finding{Severity: Error, Code: "writable-chroot", Line: nRoot, Option: "local_root",
				Why: fmt.Sprintf("chroot_local_user=YES and the chroot root %s is writable by users: every login ends with "+
					"%s.", root, explain.Quote(explain.ChrootWritable)),
				Fix: fmt.Sprintf("chmod a-w %s (root-owned) and give users a writable subdirectory for uploads.", root)})
		}
		return
	}
	if write, _ := l.boolean("write_enable", false); write && !hasRoot {
		l.add(Finding{Severity: Warning, Code: "writable-chroot", Line: nCh, Option: "chroot_local_user",
			Why: "chroot_local_user=YES locks each user into their home directory, which is normally writable by the user: " +
				"vsftpd then ends every login with " + explain.Quote(explain.ChrootWritable) + ".",
			Fix: "Set local_root to a root-owned, non-writable directory with a writable upload directory inside (ftpswiz " +
				"generates this layout), or make each home non-writable (chmod a-w)."})
	}
}

func writableByOthers(fi fs.FileInfo) bool {
	if fi.Mode().Perm()&0o022 != 0 {
		return true
	}
	if uid, ok := ownerUID(fi); ok && uid != 0 && fi.Mode().Perm()&0o200 != 0 {
		return true
	}
	return false
}

func (l *linter) pam() {
	name, n, set := l.str("pam_service_name")
	if !set {
		name = l.d.PAMServiceName
	}
	if strings.ContainsAny(name, "/ ") {
		return
	}
	if l.o.Host != nil {
		if l.pamServiceExists(name) {
			return
		}
	} else if set || name == "vsftpd" {
		// Without the host, trust a name that is set, and a build whose own
		// default is the service its package ships (Debian: vsftpd).
		return
	}
	p := path.Join("/etc/pam.d", name)
	f := Finding{Severity: Error, Code: "pam-service", Line: n, Option: "pam_service_name"}
	switch {
	case set:
		f.Why = fmt.Sprintf("pam_service_name=%s, but %s does not exist: PAM falls back to its deny-all \"other\" service "+
			"and every local login fails with %s.", name, p, explain.Quote(explain.LoginRefused))
		f.Fix = "Set pam_service_name to a service in /etc/pam.d (Debian and RHEL ship vsftpd)."
	case l.o.Host != nil:
		f.Why = fmt.Sprintf("pam_service_name is not set, so %s uses the PAM service %q, and %s does not exist on this "+
			"machine: PAM falls back to its deny-all \"other\" service and every local login fails with %s.",
			l.flavourName(), name, p, explain.Quote(explain.LoginRefused))
		f.Fix = "Set pam_service_name to a service in /etc/pam.d (the vsftpd package ships vsftpd)."
		f.Edits = []Edit{{Op: Set, Key: "pam_service_name", Value: "vsftpd"}}
	default:
		f.Why = fmt.Sprintf("pam_service_name is not set, so %s uses the PAM service %q; RHEL and most packages ship only "+
			"/etc/pam.d/vsftpd, so PAM falls back to its deny-all \"other\" service and every local login fails with "+
			"%s.", l.flavourName(), name, explain.Quote(explain.LoginRefused))
		f.Fix = "Set pam_service_name=vsftpd."
		f.Edits = []Edit{{Op: Set, Key: "pam_service_name", Value: "vsftpd"}}
	}
	l.add(f)
}

// pamServiceExists looks for the service where Linux-PAM does: /etc/pam.d,
// then /usr/lib/pam.d (measured: vsftpd's PAM opens both, in this order).
// An error other than "does not exist" counts as existing: the linter
// cannot tell.
func (l *linter) pamServiceExists(name string) bool {
	for _, dir := range []string{"/etc/pam.d", "/usr/lib/pam.d"} {
		if _, err := l.o.Host.Stat(path.Join(dir, name)); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}

// hostFiles checks, when the config is this machine's live config, that the
// files it names exist. Each was measured with Debian's vsftpd 3.0.3: a
// missing user list, banner file or log directory ends every session at the
// greeting with "500 OOPS: ..."; a missing certificate or key stops vsftpd
// at start.
func (l *linter) hostFiles() {
	if !l.o.OnHost || l.o.Host == nil {
		return
	}
	missing := func(p string) (bool, error) {
		_, err := l.o.Host.Stat(p)
		if err == nil {
			return false, nil
		}
		return errors.Is(err, fs.ErrNotExist), err
	}
	report := func(code, option string, line int, p, why, fix string) {
		gone, err := missing(p)
		switch {
		case err == nil:
		case gone:
			l.add(Finding{Severity: Error, Code: code, Line: line, Option: option, Why: why, Fix: fix})
		default:
			l.add(Finding{Severity: Warning, Code: code, Line: line, Option: option,
				Why: fmt.Sprintf("Cannot check %s (%v). %s", p, err, why), Fix: fix})
		}
	}
	if on, _ := l.boolean("userlist_enable", false); on {
		file, n, set := l.str("userlist_file")
		if !set {
			file = l.d.UserListFile
		}
		if file != "" {
			report("userlist-missing", "userlist_file", n, file,
				fmt.Sprintf("userlist_enable=YES, but the user list %s does not exist: every session ends at the greeting "+
					"with \"500 OOPS: cannot read user list file:%s\".", file, file),
				fmt.Sprintf("Create %s with one user name per line (with userlist_deny=NO: the users allowed to log "+
					"in), or set userlist_file to the list.", file))
		}
	}
	if file, n, set := l.str("banner_file"); set {
		report("banner-missing", "banner_file", n, file,
			fmt.Sprintf("banner_file=%s does not exist: every session ends at the greeting with \"500 OOPS: cannot read "+
				"banner file:%s\".", file, file),
			"Create the file, or delete banner_file (ftpd_banner sets a one-line greeting).")
	}
	xfer, _ := l.boolean("xferlog_enable", false)
	dual, _ := l.boolean("dual_log_enable", false)
	if xfer || dual {
		std, _ := l.boolean("xferlog_std_format", false)
		syslog, _ := l.boolean("syslog_enable", false)
		type logFile struct{ option, def, what string }
		var logs []logFile
		if dual || std {
			logs = append(logs, logFile{"xferlog_file", l.d.XferlogFile, "xferlog"})
		}
		if (dual || !std) && !syslog {
			logs = append(logs, logFile{"vsftpd_log_file", l.d.VsftpdLogFile, "vsftpd"})
		}
		for _, lf := range logs {
			file, n, set := l.str(lf.option)
			if !set {
				file = lf.def
			}
			if file == "" || !path.IsAbs(file) {
				continue
			}
			dir := path.Dir(file)
			report("log-dir-missing", lf.option, n, dir,
				fmt.Sprintf("The log directory %s does not exist: vsftpd creates %s but not its directory, so every "+
					"session ends at the greeting with \"500 OOPS: failed to open %s log file:%s\".", dir, file, lf.what, file),
				fmt.Sprintf("Create %s (mkdir -p %s), or point %s to an existing directory.", dir, dir, lf.option))
		}
	}
	if ssl, _ := l.boolean("ssl_enable", l.d.SSLEnable); ssl {
		cert, _, certSet := l.str("rsa_cert_file")
		if !certSet {
			cert = l.d.RSACertFile
		}
		// An unset key is read from the certificate file, which
		// certificate() checks.
		if key, n, set := l.str("rsa_private_key_file"); set && key != cert {
			report("key-missing", "rsa_private_key_file", n, key,
				fmt.Sprintf("The private key %s does not exist: vsftpd stops at start with \"500 OOPS: SSL: cannot load "+
					"RSA private key\".", key),
				"Point rsa_private_key_file to the certificate's key.")
		}
	}
	if dir, n, set := l.str("secure_chroot_dir"); set && !serviceCreates(dir) {
		report("secure-chroot-missing", "secure_chroot_dir", n, dir,
			fmt.Sprintf("secure_chroot_dir=%s does not exist: every session ends at the greeting with \"500 OOPS: vsftpd: "+
				"not found: directory given in 'secure_chroot_dir':%s\".", dir, dir),
			fmt.Sprintf("Create it empty and root-owned (mkdir -p %s), or delete the line.", dir))
	}
}

// serviceCreates reports whether the distribution's vsftpd.service creates
// the directory before each start (Debian's: mkdir -p /var/run/vsftpd/empty,
// which lives on a tmpfs and is absent until then).
func serviceCreates(dir string) bool {
	return dir == "/var/run/vsftpd/empty" || dir == "/run/vsftpd/empty"
}

func (l *linter) misc() {
	if l.o.Uploads != nil && *l.o.Uploads {
		if w, n := l.boolean("write_enable", false); !w {
			l.add(Finding{Severity: Warning, Code: "write-disabled", Line: n, Option: "write_enable",
				Why: "write_enable is not YES, but uploads are expected: every STOR gets " + explain.Quote(explain.UploadDenied) + " (Debian " +
					"ships write_enable off).",
				Fix: "Set write_enable=YES.", Answer: "server.vsftpd.write_enable",
				Edits: []Edit{{Op: Set, Key: "write_enable", Value: "YES"}}})
		}
	}
	if seccomp, n := l.boolean("seccomp_sandbox", l.d.SeccompSandbox); seccomp {
		why := "seccomp_sandbox=YES: vsftpd's syscall filter predates current kernels and C libraries, and sessions can " +
			"die with \"500 OOPS: priv_sock_get_cmd\" or \"child died\"."
		if n == 0 {
			why = "seccomp_sandbox is not set and defaults to YES in upstream vsftpd: its syscall filter predates current " +
				"kernels and C libraries, and sessions can die with \"500 OOPS: priv_sock_get_cmd\" or \"child died\"."
		}
		l.add(Finding{Severity: Warning, Code: "seccomp", Line: n, Option: "seccomp_sandbox",
			Why: why, Fix: "Set seccomp_sandbox=NO (Debian's and Red Hat's builds default to NO).",
			Edits: []Edit{{Op: Set, Key: "seccomp_sandbox", Value: "NO"}}})
	}
	if p, n := l.boolean("pasv_promiscuous", false); p {
		l.add(Finding{Severity: Warning, Code: "pasv-promiscuous", Line: n, Option: "pasv_promiscuous",
			Why: "pasv_promiscuous=YES accepts data connections from any address, so anyone who guesses the port can take " +
				"over a transfer. It is the last resort for load balancers and multi-address carrier NAT (" +
				explain.Quote(explain.BadIP) + ").",
			Fix: "Set pasv_promiscuous=NO unless that is your case."})
	}
}

// inlineComment returns the index of a '#' that follows white space in a
// value (what a shell or INI reader would take for a comment), or -1.
func inlineComment(v string) int {
	for i := 1; i < len(v); i++ {
		if v[i] == '#' && (v[i-1] == ' ' || v[i-1] == '\t') {
			return i
		}
	}
	return -1
}

func (l *linter) inlineComment(ln Line, key string, kind Kind, value string, i int) {
	val := strings.TrimSpace(value[:i])
	comment := strings.TrimSpace(value[i:])
	f := Finding{Code: "inline-comment", Line: ln.Num, Option: key,
		Fix:   "Put the comment on its own line, starting with '#': " + key + "=" + val + ".",
		Edits: []Edit{{Op: Replace, Line: ln.Num, Text: comment + "\n" + key + "=" + val}}}
	l.intend(ln.Num, key, val)
	switch kind {
	case Bool:
		f.Severity = Error
		f.Why = fmt.Sprintf("vsftpd has no comments after a value: it reads %s as %q and refuses to start (\"500 OOPS: bad "+
			"bool value in config file for: %s\").", key, value, key)
		if _, ok := ParseBool(val); !ok {
			l.markBad(ln.Num)
			f.Edits = []Edit{{Op: CommentOut, Line: ln.Num, Note: "not YES or NO"}}
			f.Fix = "Put the comment on its own line and write " + key + "=YES or " + key + "=NO (--fix comments the " +
				"line out, so the compiled-in default applies)."
		}
	case Uint:
		n, _ := ParseUint(value)
		f.Severity = Warning
		f.Why = fmt.Sprintf("vsftpd has no comments after a value: it reads %s=%q and keeps only the leading number (%d).",
			key, value, n)
	default:
		f.Severity = Warning
		f.Why = fmt.Sprintf("vsftpd has no comments after a value: the comment becomes part of %s (%q).", key, value)
		if key == "pasv_address" {
			f.Why += " (glibc's inet_aton stops at the space, so PASV still works, but the line misleads.)"
		}
	}
	l.add(f)
}

// OwnerFinding reports a config file vsftpd refuses to read: vsftpd checks
// that the file is a regular file owned by the user running it (root for
// the system service), else it stops with "500 OOPS: config file not owned
// by correct user, or not a file". It returns nil when the file is fine or
// its owner cannot be told.
func OwnerFinding(fi fs.FileInfo) *Finding {
	if !fi.Mode().IsRegular() {
		return &Finding{Severity: Error, Code: "config-not-file", Why: "The config is not a regular file (a symlink " +
			"target is fine, a directory or device is not): vsftpd stops with \"500 OOPS: config file not owned by " +
			"correct user, or not a file\".", Fix: "Point vsftpd at a regular file."}
	}
	uid, ok := ownerUID(fi)
	if !ok || uid == 0 {
		return nil
	}
	return &Finding{Severity: Warning, Code: "config-owner",
		Why: fmt.Sprintf("The config is owned by uid %d, not root: vsftpd started as root (the system service) stops with "+
			"\"500 OOPS: config file not owned by correct user, or not a file\".", uid),
		Fix: "chown root:root the file (and chmod 600)."}
}
