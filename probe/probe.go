// Package probe checks a live FTPS server from the client side, step by
// step, the way an FTPS client meets it: DNS, TCP connect, banner, implicit
// TLS or AUTH TLS, TLS version and certificate, login, PBSZ/PROT P, EPSV and
// PASV (with the address the server announces), the passive data connection,
// a LIST over the protected data channel with TLS session resumption, and an
// optional upload/download round trip. Every failure maps to a known cause
// and its fix; every step is bounded in time, and so is the whole probe.
//
// It speaks FTP itself (net/textproto over crypto/tls) instead of using an
// FTP library: the well-kept Go client (github.com/jlaffaye/ftp) replaces an
// unroutable PASV address with the control address and falls back between
// EPSV and PASV on its own, which hides exactly the faults a probe must show,
// and it exposes neither the raw replies, per-step deadlines nor the TLS
// state (session resumption) of data connections.
package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Mode is how TLS starts on the control connection.
type Mode string

// Modes.
const (
	// Auto picks implicit on port 990 and explicit elsewhere.
	Auto Mode = "auto"
	// Explicit: plain-text banner, then AUTH TLS (port 21).
	Explicit Mode = "explicit"
	// Implicit: TLS from the first byte (port 990).
	Implicit Mode = "implicit"
)

// Defaults.
const (
	DefaultTimeout     = 15 * time.Second
	DefaultStepTimeout = 5 * time.Second
	DefaultPassword    = "ftpswiz@" // anonymous logins
)

// Options configure a probe.
type Options struct {
	// Host is the server's name or address, Port its control port (0: 21,
	// or 990 for Implicit).
	Host string
	Port int
	Mode Mode
	// User and Password log in ("" User: no login; the data steps are then
	// skipped). The password is never printed.
	User     string
	Password string
	// ServerName is the name the certificate must match ("": Host).
	ServerName string
	// RootCAs are trusted besides the system roots (a self-signed server
	// certificate or a private CA).
	RootCAs *x509.CertPool
	// Fingerprint pins the server certificate by its SHA-256 fingerprint
	// (hex, colons optional): a match counts as trusted.
	Fingerprint string
	// Insecure continues after a certificate problem (and logs in).
	Insecure bool
	// MinTLS and MaxTLS limit the TLS versions offered (tls.VersionTLS10 ...;
	// 0: Go's defaults, TLS 1.2 to 1.3). A MaxTLS below 1.2 lowers the
	// minimum to TLS 1.0, to act like an old client.
	MinTLS, MaxTLS uint16
	// NoReuse makes the data connections start fresh TLS sessions, like a
	// client that cannot resume sessions (Python's ftplib).
	NoReuse bool
	// Transfer uploads, downloads and deletes a small file in RemoteDir.
	Transfer  bool
	RemoteDir string
	// PassiveRange, when known ("50000-50099"), is checked against the
	// ports the server announces.
	PassiveRange string
	// Timeout bounds the whole probe (0: DefaultTimeout); StepTimeout each
	// network wait (0: DefaultStepTimeout).
	Timeout     time.Duration
	StepTimeout time.Duration
	// Family limits the probe to one address family of a name: "ipv4",
	// "ipv6" or "" (any, IPv4 preferred). A name without an address of the
	// family fails the dns step, naming the family.
	Family string
	// Dial opens TCP connections (nil: net.Dialer). Tests use it to dial
	// from inside a network namespace.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// LookupHost resolves names (nil: net.DefaultResolver).
	LookupHost func(ctx context.Context, host string) ([]string, error)
	// Now is the clock for certificate checks (nil: time.Now).
	Now func() time.Time
	// OnStep is called when a step starts (Status Running) and when it
	// ends. It runs on the probe's goroutine.
	OnStep func(Step)
}

// Status of a step.
type Status string

// Statuses.
const (
	Running Status = "running"
	Pass    Status = "pass"
	Warn    Status = "warn"
	Fail    Status = "fail"
	Skip    Status = "skip"
)

// Step is one check.
type Step struct {
	// ID is stable: dns, tcp, banner, tls, certificate, login, protection,
	// epsv, pasv, data, list, reuse, transfer.
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status Status `json:"status"`
	// Detail is what was seen (a reply, an address, a TLS version).
	Detail   string        `json:"detail,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	// Diagnosis explains a warning or failure.
	Diagnosis *Diagnosis `json:"diagnosis,omitempty"`
}

// Diagnosis is the known cause of a problem and its fix.
type Diagnosis struct {
	// Code is stable ("pasv-address-private").
	Code  string `json:"code"`
	Cause string `json:"cause"`
	Fix   string `json:"fix"`
	// Answer names the ftpswiz wizard answer that generates the fix, when
	// there is one.
	Answer string `json:"answer,omitempty"`
	// Explain is the key of the catalogue entry (package explain, topic
	// of `ftpswiz explain`) that explains this failure at length, or "".
	Explain string `json:"explain,omitempty"`
}

// TLSInfo describes the control connection's TLS session.
type TLSInfo struct {
	Version     string    `json:"version"`
	CipherSuite string    `json:"cipher_suite"`
	Subject     string    `json:"subject,omitempty"`
	Issuer      string    `json:"issuer,omitempty"`
	NotAfter    time.Time `json:"not_after,omitempty"`
	Names       []string  `json:"names,omitempty"`
	Fingerprint string    `json:"sha256_fingerprint,omitempty"`
}

// Report is the outcome of a probe.
type Report struct {
	Target string `json:"target"`
	// Address is the IP:port connected to.
	Address string `json:"address,omitempty"`
	// Family is the family of Address ("ipv4" or "ipv6"; "" before it is known).
	Family string `json:"family,omitempty"`
	// Mode is the mode the server actually speaks (after a mismatch, the
	// working one).
	Mode  Mode     `json:"mode"`
	TLS   *TLSInfo `json:"tls,omitempty"`
	Steps []Step   `json:"steps"`
	// PASV is the address and port the server announced ("" if none).
	PASV     string        `json:"pasv,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// Worst returns the worst status of the report's steps (Pass when all
// passed or were skipped).
func (r *Report) Worst() Status {
	w := Pass
	for _, s := range r.Steps {
		switch {
		case s.Status == Fail:
			return Fail
		case s.Status == Warn:
			w = Warn
		}
	}
	return w
}

// Problems returns the steps that warned or failed, in order.
func (r *Report) Problems() []Step {
	var out []Step
	for _, s := range r.Steps {
		if s.Status == Fail || s.Status == Warn {
			out = append(out, s)
		}
	}
	return out
}

// Step returns the step with the given ID.
func (r *Report) Step(id string) (Step, bool) {
	for _, s := range r.Steps {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}

// ParseTarget reads HOST, HOST:PORT, [IPv6]:PORT or an ftp://, ftpes:// or
// ftps:// URL into host, port (0 when absent) and the mode the URL implies
// (Auto for a bare host).
func ParseTarget(s string) (host string, port int, mode Mode, err error) {
	mode = Auto
	if i := strings.Index(s, "://"); i >= 0 {
		switch strings.ToLower(s[:i]) {
		case "ftp", "ftpes":
			mode = Explicit
		case "ftps":
			mode = Implicit
		default:
			return "", 0, "", fmt.Errorf("unknown scheme %q (use ftp://, ftpes:// or ftps://)", s[:i])
		}
		s = s[i+3:]
		if j := strings.IndexAny(s, "/?#"); j >= 0 {
			s = s[:j]
		}
		if j := strings.LastIndex(s, "@"); j >= 0 {
			return "", 0, "", fmt.Errorf("put the user in --user, not in the URL")
		}
	}
	if s == "" {
		return "", 0, "", fmt.Errorf("no host given")
	}
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, "", fmt.Errorf("bad port %q", p)
		}
		return h, n, mode, nil
	}
	if strings.Count(s, ":") > 1 { // bare IPv6
		return strings.Trim(s, "[]"), 0, mode, nil
	}
	if strings.Contains(s, ":") {
		return "", 0, "", fmt.Errorf("bad address %q", s)
	}
	return s, 0, mode, nil
}

// tlsVersionName prints a TLS version.
func tlsVersionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLS 1.0"
	case tls.VersionTLS11:
		return "TLS 1.1"
	case tls.VersionTLS12:
		return "TLS 1.2"
	case tls.VersionTLS13:
		return "TLS 1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

// ParseTLSVersion reads "1.0" ... "1.3" (also "tls1.2", "TLSv1.2").
func ParseTLSVersion(s string) (uint16, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimPrefix(strings.TrimPrefix(t, "tlsv"), "tls")
	t = strings.TrimSpace(t)
	switch t {
	case "1.0", "1":
		return tls.VersionTLS10, nil
	case "1.1":
		return tls.VersionTLS11, nil
	case "1.2":
		return tls.VersionTLS12, nil
	case "1.3":
		return tls.VersionTLS13, nil
	}
	return 0, fmt.Errorf("unknown TLS version %q (use 1.0, 1.1, 1.2 or 1.3)", s)
}
