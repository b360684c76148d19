// Package explain is ftpswiz's one catalogue of explanations: each failure
// that the planner's pitfalls, the linter's findings, the prober's
// diagnoses and the `explain` topics speak of has one entry here (symptom,
// cause, fix, and a long form for `ftpswiz explain`). Consumers render an
// entry for their audience: a pitfall shows symptom, cause and fix; a lint
// finding or a probe diagnosis keeps its own observation (the line, the
// reply) and points at the entry by its key; `explain KEY` shows the long
// form. The package is data and imports nothing of ftpswiz, so vsftpdconf
// and probe use it without importing the planner.
package explain

import (
	"sort"
	"strings"
)

// Entry is one failure, explained once.
type Entry struct {
	// Key is stable and is also the `ftpswiz explain` topic key.
	Key string
	// Title heads the long form.
	Title string
	// Symptom is what the user sees; Cause why; Fix what to do. Each is
	// one sentence or two, for a pitfall list or a panel.
	Symptom, Cause, Fix string
	// Long is the long form `ftpswiz explain KEY` prints ("" when the
	// entry has none).
	Long string
	// Lint lists the vsftpdconf finding codes about this failure; Probe
	// the probe diagnosis codes. A finding or diagnosis with one of those
	// codes carries Key.
	Lint, Probe []string
}

// Vars fills the entry's placeholders ({bind_attempts}, ...): the catalogue
// holds no facts of its own, the caller passes them.
type Vars map[string]string

// With returns the entry with each {name} of Vars replaced in its texts.
func (e Entry) With(v Vars) Entry {
	if len(v) == 0 {
		return e
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, 0, 2*len(v))
	for _, k := range keys {
		pairs = append(pairs, "{"+k+"}", v[k])
	}
	r := strings.NewReplacer(pairs...)
	e.Symptom, e.Cause, e.Fix, e.Long = r.Replace(e.Symptom), r.Replace(e.Cause), r.Replace(e.Fix), r.Replace(e.Long)
	return e
}

// Keys of the entries, for the consumers that name one.
const (
	SessionReuse     = "session-reuse"
	PassiveExhausted = "passive-range-sizing"
	PassiveAddress   = "pasv-vs-epsv"
	PassiveClosed    = "passive-range-closed"
	UploadEOF        = "upload-426"
	CertName         = "cert-name"
	CertUntrusted    = "cert-untrusted"
	CertExpired      = "cert-expired"
	ImplicitExplicit = "implicit-vs-explicit"
)

// entries is the catalogue. Order: as listed in `explain` (sorted by key
// there).
var entries = []Entry{
	{Key: SessionReuse, Title: "TLS session reuse on data connections",
		Symptom: "\"522 SSL connection failed: session reuse required\" (curl shows only error 18 or 55).",
		Cause:   "The client does not resume the TLS session on the data connection (Python's stock ftplib, some libraries and appliances).",
		Fix:     "Use a client that does (the generated configs do); switching require_ssl_reuse off is the last resort.",
		Long: "With require_ssl_reuse=YES (vsftpd's default), each data connection must resume the TLS " +
			"session of the control connection. That proves the data connection belongs to the " +
			"logged-in client and blocks a third party that connects first to an announced passive port. " +
			"lftp, curl, FileZilla, WinSCP and rclone resume sessions; Python's ftplib does not unless " +
			"the data socket is wrapped with the control socket's session, and gets \"522 SSL connection " +
			"failed: session reuse required\".",
		Lint: []string{"ssl-reuse-off"}, Probe: []string{"reuse-required", "reuse-failed"}},
	{Key: PassiveExhausted, Title: "How big the passive range must be",
		Symptom: "Every PASV now and then fails with \"500 OOPS: vsf_sysutil_bind\"; lftp shows \"An unexpected TLS packet was received\", curl \"(56) wrong version number\".",
		Cause:   "More transfers at once than the passive range was sized for ({transfers} transfers, {ports} ports): vsftpd found no free port in {bind_attempts} tries.",
		Fix:     "Regenerate with the real concurrency, or lower max_clients.",
		Long: "vsftpd picks a random port of the range for each PASV, tries up to {bind_attempts} times, and ends " +
			"the session with \"500 OOPS: vsf_sysutil_bind\" when all tries hit busy ports. A port is busy " +
			"while a transfer uses it; a finished one (TIME_WAIT) is free again. With N transfers at once " +
			"and R ports a PASV fails with probability about (N/R)^{bind_attempts}, so R = ceil(N / target^(1/{bind_attempts})): for " +
			"a one-in-a-million target that is about 4.7 ports per concurrent transfer (16 transfers: 75 " +
			"ports). Open exactly that range, not every port above 1024.",
		Lint: []string{"pasv-range-small"}, Probe: []string{"pasv-range-exhausted"}},
	{Key: PassiveAddress, Title: "PASV and EPSV",
		Symptom: "A strict client reports an unroutable or private address in the \"227 Entering Passive Mode\" reply (or PASV 0,0,0,0).",
		Cause:   "vsftpd announces its own address: pasv_address is missing, or listen_ipv6=YES makes vsftpd ignore it.",
		Fix:     "Keep pasv_address, listen=YES and listen_ipv6=NO from the generated config.",
		Long: "PASV's reply (227) carries an IPv4 address and a port: behind NAT the server must announce its " +
			"public address (vsftpd's pasv_address), or strict clients connect to a private address and " +
			"time out. EPSV's reply (229) carries only the port; the client reuses the control " +
			"connection's address, so it is immune to that mistake. curl tries EPSV first and ignores " +
			"PASV addresses by default, lftp and FileZilla replace private PASV addresses: stock clients " +
			"hide a missing pasv_address that appliances and libraries trip over.",
		Lint:  []string{"pasv-address-missing", "pasv-address-private", "listen-ipv6-pasv-address"},
		Probe: []string{"pasv-address-private", "pasv-zero"}},
	{Key: PassiveClosed, Title: "A closed passive range",
		Symptom: "Login works, but the first listing or transfer hangs and times out.",
		Cause:   "The passive range {range} is not open (or not forwarded) somewhere on the path: the server host, its NAT router or cloud security group, or the client's egress filter.",
		Fix:     "Apply the generated rules on every side; check each hop with `nft list ruleset` and the port map.",
		Long: "FTPS opens one data connection per listing or transfer, to a port of the server's passive range " +
			"announced inside the encrypted control channel. No firewall helper can read that port, so the " +
			"whole range must be open on the server host, forwarded by its NAT router or cloud security group, " +
			"and allowed by the client's egress filter. When one hop drops it, login works (port 21 is open) and " +
			"the first listing hangs until the client times out (\"425 Failed to establish connection\" or a " +
			"timeout).",
		Lint: []string{"pasv-range-missing"}, Probe: []string{"data-timeout", "data-refused"}},
	{Key: UploadEOF, Title: "curl uploads ending with 426",
		Symptom: "Now and then a curl upload ends with \"426 Failure reading network stream\" (curl: error 18) although the whole file was sent.",
		Cause:   "curl closes the data connection without a TLS close_notify, and vsftpd's strict_ssl_read_eof=YES (its default, which detects an upload cut short by a forged end of connection) rejects the upload. Measured in ftpswiz's lab: 5 of 2,760 curl uploads over TLS 1.2, more often on a busy machine.",
		Fix:     "Check curl's exit status and retry the upload (STOR replaces the partial file). strict_ssl_read_eof=NO removes the failures but also the truncation check: ftpswiz keeps it on."},
	{Key: CertName, Title: "Certificate name mismatch",
		Symptom: "Clients refuse the server's certificate: its name does not match the address they dial.",
		Cause:   "The certificate's subject alternative names do not include the server name or address clients connect to.",
		Fix:     "Issue the certificate for the name clients dial (server.tls), or make clients dial a name the certificate has; never turn verification off.",
		Lint:    []string{"cert-wrong-name"}, Probe: []string{"cert-wrong-name"}},
	{Key: CertUntrusted, Title: "Untrusted certificate",
		Symptom: "Clients refuse the server's certificate as untrusted or self-signed.",
		Cause:   "The certificate is not signed by a CA the client trusts, or the server does not send the intermediate certificates.",
		Fix:     "Serve the full chain (rsa_cert_file with the intermediates), or give clients the self-signed certificate to pin (the generated client configs do); never turn verification off.",
		Lint:    []string{"cert-chain-incomplete"}, Probe: []string{"cert-untrusted", "cert-chain-incomplete"}},
	{Key: CertExpired, Title: "Expired certificate",
		Symptom: "Clients refuse the server's certificate as expired (or not yet valid).",
		Cause:   "The certificate's validity period does not include today (a renewal did not run, or the clock is wrong).",
		Fix:     "Renew the certificate and restart vsftpd; check the host's clock.",
		Lint:    []string{"cert-expired"}, Probe: []string{"cert-expired", "cert-not-yet-valid"}},
	{Key: ImplicitExplicit, Title: "Implicit and explicit FTPS",
		Symptom: "The connection hangs during the TLS handshake.",
		Cause:   "Implicit and explicit mixed up: a client speaking implicit TLS to the explicit port (or the reverse).",
		Fix:     "explicit: ftp:// on port 21 with TLS forced; implicit: ftps:// on port 990.",
		Long: "Explicit FTPS (RFC 4217) starts as plain FTP on port 21; the client sends AUTH TLS and both " +
			"switch to TLS before logging in (URLs ftp:// with TLS forced, or ftpes://). Implicit FTPS " +
			"starts TLS with the first byte, usually on port 990 (ftps://). Explicit is the standard and " +
			"supported everywhere; implicit passes FTP-aware middleboxes untouched because they see no " +
			"clear text. Mixing them up hangs the TLS handshake. vsftpd serves one or the other per " +
			"process, so offering both takes two instances.",
		Lint: []string{"implicit-mismatch", "implicit-port-21"}, Probe: []string{"implicit-on-explicit", "explicit-on-implicit"}},
}

// All returns the entries, sorted by key, in a fresh slice.
func All() []Entry {
	out := append([]Entry(nil), entries...)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Get returns the entry with the key; it panics on an unknown key, which
// is a programming error a test catches (every consumer names a constant).
func Get(key string) Entry {
	for _, e := range entries {
		if e.Key == key {
			return e
		}
	}
	panic("explain: no catalogue entry " + key)
}

// ForLint returns the key of the entry that explains a vsftpdconf finding
// code, or "".
func ForLint(code string) string { return lookup(code, func(e Entry) []string { return e.Lint }) }

// ForProbe returns the key of the entry that explains a probe diagnosis
// code, or "".
func ForProbe(code string) string { return lookup(code, func(e Entry) []string { return e.Probe }) }

func lookup(code string, codes func(Entry) []string) string {
	for _, e := range entries {
		for _, c := range codes(e) {
			if c == code {
				return e.Key
			}
		}
	}
	return ""
}
