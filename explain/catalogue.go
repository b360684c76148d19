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
	// Replies are what the user sees verbatim (a server reply, a client's
	// error), without quotes: a reason, a finding or a file comment that
	// names the failure quotes it from here (Quote).
	Replies []string
	// Match is the part of a reply that identifies the failure when a
	// program reads one (the prober), "" when there is none to read.
	Match string
	// UserCause and UserFix are the cause and fix as HANDOUT.md tells a
	// client's user, who cannot change the server; "" keeps Cause or Fix
	// (ForUser).
	UserCause, UserFix string
	// Long is the long form `ftpswiz explain KEY` prints ("" when the
	// entry has none: explain then shows symptom, cause and fix).
	Long string
	// Lint lists the vsftpdconf finding codes about this failure; Probe
	// the probe diagnosis codes. A finding or diagnosis with one of those
	// codes carries Key.
	Lint, Probe []string
	// Protocols are the protocols whose plans the entry applies to, by the
	// answers file's names ("ftps", "sftp"); nil is FTPS alone, as every
	// failure so far is FTP's or vsftpd's (AppliesTo).
	Protocols []string
}

// FTPS and SFTP are the protocol names of Entry.Protocols.
const (
	FTPS = "ftps"
	SFTP = "sftp"
)

// AppliesTo reports whether the entry speaks of plans of the protocol
// (FTPS or SFTP): `ftpswiz explain --answers FILE` lists only those.
func (e Entry) AppliesTo(protocol string) bool {
	if len(e.Protocols) == 0 {
		return protocol == FTPS
	}
	for _, p := range e.Protocols {
		if p == protocol {
			return true
		}
	}
	return false
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
	e.UserCause, e.UserFix = r.Replace(e.UserCause), r.Replace(e.UserFix)
	return e
}

// ForUser returns the entry with cause and fix as a client's user reads
// them (UserCause, UserFix where the entry has them).
func (e Entry) ForUser() Entry {
	if e.UserCause != "" {
		e.Cause = e.UserCause
	}
	if e.UserFix != "" {
		e.Fix = e.UserFix
	}
	return e
}

// Text is the entry's explanation for `ftpswiz explain KEY`, with no
// plan's facts: the long form, or symptom, cause and fix when it has none.
// v fills the placeholders the caller knows ({bind_attempts}); the others
// get generic words (see generic).
func (e Entry) Text(v Vars) string {
	all := generic()
	for k, x := range v {
		all[k] = x
	}
	e = e.With(all)
	if e.Long != "" {
		return e.Long
	}
	return "Symptom: " + e.Symptom + "\nCause: " + e.Cause + "\nFix: " + e.Fix
}

// generic fills the placeholders of a plan's facts when there is no plan.
func generic() Vars {
	return Vars{
		"range":      "pasv_min_port-pasv_max_port",
		"transfers":  "N",
		"ports":      "R",
		"local_root": "LOCAL_ROOT",
		"upload_dir": "upload",
		"modes":      "port 21 is explicit FTPS, port 990 implicit FTPS",
		"server":     "the server",
	}
}

// Reply returns the first reply of the entry with the key, verbatim.
func Reply(key string) string { return Get(key).Replies[0] }

// Quote returns the first reply of the entry with the key in double
// quotes, as reasons and findings quote it.
func Quote(key string) string { return `"` + Reply(key) + `"` }

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
	ChrootWritable   = "chroot-writable"
	HomeMissing      = "home-missing"
	LoginRefused     = "login-refused"
	BadIP            = "bad-ip"
	StatefulFTP      = "windows-stateful-ftp"
	TLSRequired      = "tls-required"
	TooMany          = "too-many-sessions"
	UnknownOption    = "vsftpd-no-start"
	UploadDenied     = "upload-denied"
	FTPInspection    = "ftp-inspection"
)

// entries is the catalogue. Order: as listed in `explain` (sorted by key
// there).
var entries = []Entry{
	{Key: SessionReuse, Title: "TLS session reuse on data connections",
		Symptom: "\"522 SSL connection failed: session reuse required\" (curl shows only error 18 or 55).",
		Cause:   "The client does not resume the TLS session on the data connection (Python's stock ftplib, some libraries and appliances).",
		Fix:     "Use a client that does (the generated configs do); switching require_ssl_reuse off is the last resort.",
		UserFix: "Use a client that does (lftp, curl, FileZilla, WinSCP).",
		Replies: []string{"522 SSL connection failed: session reuse required"},
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
		Replies: []string{"500 OOPS: vsf_sysutil_bind", "An unexpected TLS packet was received"}, Match: "vsf_sysutil_bind",
		Long: "vsftpd picks a random port of the range for each PASV, tries up to {bind_attempts} times, and ends " +
			"the session with \"500 OOPS: vsf_sysutil_bind\" when all tries hit busy ports. A port is busy " +
			"while a transfer uses it; a finished one (TIME_WAIT) is free again. With N transfers at once " +
			"and R ports a PASV fails with probability about (N/R)^{bind_attempts}, so R = ceil(N / target^(1/{bind_attempts})): for " +
			"a one-in-a-million target that is about 4.7 ports per concurrent transfer (16 transfers: 75 " +
			"ports). Open exactly that range, not every port above 1024.",
		Lint: []string{"pasv-range-small"}, Probe: []string{"pasv-range-exhausted"}},
	{Key: PassiveAddress, Title: "PASV and EPSV",
		Symptom:   "A strict client reports an unroutable or private address in the \"227 Entering Passive Mode\" reply (or PASV 0,0,0,0).",
		Cause:     "vsftpd announces its own address: pasv_address is missing, or listen_ipv6=YES makes vsftpd ignore it.",
		Fix:       "Keep pasv_address, listen=YES and listen_ipv6=NO from the generated config.",
		UserCause: "A setting on the server.",
		UserFix:   "Tell the operator; most clients work around it, but it must be fixed on the server.",
		Long: "PASV's reply (227) carries an IPv4 address and a port: behind NAT the server must announce its " +
			"public address (vsftpd's pasv_address), or strict clients connect to a private address and " +
			"time out. EPSV's reply (229) carries only the port; the client reuses the control " +
			"connection's address, so it is immune to that mistake. curl tries EPSV first and ignores " +
			"PASV addresses by default, lftp and FileZilla replace private PASV addresses: stock clients " +
			"hide a missing pasv_address that appliances and libraries trip over.",
		Lint:  []string{"pasv-address-missing", "pasv-address-private", "listen-ipv6-pasv-address"},
		Probe: []string{"pasv-address-private", "pasv-zero"}},
	{Key: PassiveClosed, Title: "A closed passive range",
		Symptom:   "Login works, but the first listing or transfer hangs and times out.",
		Cause:     "The passive range {range} is not open (or not forwarded) somewhere on the path: the server host, its NAT router or cloud security group, or the client's egress filter.",
		Fix:       "Apply the generated rules on every side; check each hop with `nft list ruleset` and the port map.",
		UserCause: "The data connection to a port of {range} is blocked on your side (firewall, proxy or security software).",
		UserFix:   "Allow outbound TCP to {server}, ports {range}, as in the table above.",
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
		Fix:     "Check curl's exit status and retry the upload (STOR replaces the partial file). strict_ssl_read_eof=NO removes the failures but also the truncation check: ftpswiz keeps it on.",
		Replies: []string{"426 Failure reading network stream"}},
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
		Symptom:   "The connection hangs during the TLS handshake.",
		Cause:     "Implicit and explicit mixed up: a client speaking implicit TLS to the explicit port (or the reverse).",
		Fix:       "explicit: ftp:// on port 21 with TLS forced; implicit: ftps:// on port 990.",
		UserCause: "Explicit and implicit FTPS are mixed up.",
		UserFix:   "{modes}: set the client's encryption to match the port.",
		Long: "Explicit FTPS (RFC 4217) starts as plain FTP on port 21; the client sends AUTH TLS and both " +
			"switch to TLS before logging in (URLs ftp:// with TLS forced, or ftpes://). Implicit FTPS " +
			"starts TLS with the first byte, usually on port 990 (ftps://). Explicit is the standard and " +
			"supported everywhere; implicit passes FTP-aware middleboxes untouched because they see no " +
			"clear text. Mixing them up hangs the TLS handshake. vsftpd serves one or the other per " +
			"process, so offering both takes two instances.",
		Lint: []string{"implicit-mismatch", "implicit-port-21"}, Probe: []string{"implicit-on-explicit", "explicit-on-implicit"}},
	{Key: ChrootWritable, Title: "A writable chroot root",
		Symptom: "\"500 OOPS: vsftpd: refusing to run with writable root inside chroot()\" right after login.",
		Cause:   "The user's chroot root is writable by the user.",
		Fix:     "`chown root:root {local_root}/USER && chmod 755 {local_root}/USER`; uploads go to the {upload_dir}/ directory inside it.",
		Replies: []string{"500 OOPS: vsftpd: refusing to run with writable root inside chroot()"}, Match: "writable root inside chroot",
		Long: "With chroot_local_user=YES vsftpd locks each user into a root directory, and ends the login with " +
			"\"500 OOPS: vsftpd: refusing to run with writable root inside chroot()\" when the user can write " +
			"to that directory itself: a user could plant files such as etc/passwd in their " +
			"own root. Make the root owned by root and not writable (chmod 755), with a writable upload " +
			"directory inside it (ftpswiz's layout). allow_writeable_chroot=YES silences the check; it is the " +
			"weaker alternative.",
		Lint: []string{"writable-chroot", "writable-chroot-allowed"}, Probe: []string{"writable-chroot"}},
	{Key: HomeMissing, Title: "A missing home directory",
		Symptom: "\"500 OOPS: cannot change directory\" right after the password is accepted.",
		Cause:   "The account's home directory does not exist: vsftpd changes into it before it moves into the chroot, even with local_root set.",
		Fix:     "Create the account with its chroot as home (`useradd -d {local_root}/USER ...`), as the apply steps do.",
		Replies: []string{"500 OOPS: cannot change directory"}, Match: "cannot change directory",
		Probe: []string{"home-missing"}},
	{Key: LoginRefused, Title: "A login refused with the right password",
		Symptom: "\"530 Login incorrect\" with the right password.",
		Cause:   "PAM refuses the account: its shell is not in /etc/shells (pam_shells), the name is in /etc/ftpusers, or it is missing from the user list.",
		Fix:     "Give the account a shell listed in /etc/shells, and add it to the user list.",
		Replies: []string{"530 Login incorrect"},
		Long: "vsftpd asks PAM (pam_service_name, vsftpd on Debian and RHEL) whether a local user may log in. " +
			"Debian's stack refuses an account whose shell is not in /etc/shells (pam_shells: " +
			"/usr/sbin/nologin is not) and one listed in /etc/ftpusers; userlist_enable can deny it too; and a " +
			"pam_service_name without a file in /etc/pam.d falls back to PAM's deny-all \"other\" service. In " +
			"every case the client sees the same reply as for a wrong password. Give the account a shell listed " +
			"in /etc/shells, keep it out of /etc/ftpusers, add it to the user list and set pam_service_name=vsftpd.",
		Lint: []string{"pam-service"}, Probe: []string{"login-incorrect"}},
	{Key: BadIP, Title: "A data connection from another address",
		Symptom:   "\"425 Security: Bad IP connecting.\"",
		Cause:     "The data connection arrives from another address than the control connection: a load balancer, or a carrier-grade NAT with several public addresses.",
		Fix:       "Route the client's FTPS traffic through one address; pasv_promiscuous=YES is the last resort and weakens security.",
		UserCause: "The data connection reached the server from another public address than the control connection (several outgoing addresses, load-balanced NAT, a carrier-grade NAT pool).",
		UserFix:   "Make connections to this server leave through one public address.",
		Replies:   []string{"425 Security: Bad IP connecting."}, Match: "Bad IP",
		Lint: []string{"pasv-promiscuous"}, Probe: []string{"bad-ip"}},
	{Key: StatefulFTP, Title: "Windows Firewall's stateful FTP filter",
		Symptom: "On Windows, login works but data connections are reset or hang.",
		Cause:   "Windows Firewall's stateful FTP filter (StatefulFTP) inspects FTP control connections, which it cannot read under TLS; it is documented for active-mode data connections, so passive FTPS rarely needs it changed.",
		Fix:     "Only when data connections fail on Windows alone, with the passive range allowed: in an administrator's command prompt, `netsh advfirewall set global StatefulFTP disable` (a system-wide setting)."},
	{Key: TLSRequired, Title: "A login or data connection without TLS",
		Symptom:   "\"530 Non-anonymous sessions must use encryption\" or \"522 Data connections must be encrypted\".",
		Cause:     "The client logs in without TLS, or does not protect the data channel (PROT P).",
		Fix:       "Force TLS on control and data in the client (the generated client configs do).",
		UserCause: "The client did not switch to TLS for the login or for the data connection.",
		UserFix:   "Choose FTP over TLS (explicit or implicit as above) and protection level P (\"PROT P\").",
		Replies:   []string{"530 Non-anonymous sessions must use encryption", "522 Data connections must be encrypted"},
		Probe:     []string{"tls-required"}},
	{Key: TooMany, Title: "Too many sessions",
		Symptom: "The server turns a connection away with \"421 There are too many connected users\" or \"421 There are too many connections from your internet address\".",
		Cause:   "The server already serves max_clients sessions, or max_per_ip sessions from that address (everyone behind one NAT shares one address).",
		Fix:     "Retry later; if it happens often, regenerate with the real number of clients (or raise max_clients and max_per_ip).",
		Replies: []string{"421 There are too many connected users", "421 There are too many connections from your internet address"},
		Lint:    []string{"max-clients", "max-per-ip"}, Probe: []string{"too-many"}},
	{Key: UnknownOption, Title: "vsftpd does not start",
		Symptom: "vsftpd does not start, with no message under systemd; run by hand it prints \"500 OOPS: unrecognised variable in config file\" and exits 2.",
		Cause:   "An option the installed vsftpd build does not know (TLS option names differ between builds), spaces around `=`, or listen and listen_ipv6 both YES.",
		Fix:     "Generate for the right build (vsftpd.flavour), and test with `vsftpd CONFIG` in the foreground before restarting the service.",
		Replies: []string{"500 OOPS: unrecognised variable in config file"}, Match: "unrecognised variable",
		Long: "vsftpd reads its whole config at start-up and refuses to start on a line it cannot use: an option " +
			"its build does not know, an option name with spaces around `=`, a comment not in the first column, " +
			"or listen and listen_ipv6 both YES. It prints \"500 OOPS: ...\" and exits with status 2, writing " +
			"to standard input rather than standard error, so under systemd the unit just fails. Builds spell the " +
			"TLS options differently (Debian's 3.0.3 knows only ssl_tlsv1; upstream 3.0.5 ssl_tlsv12, RHEL " +
			"ssl_tlsv1_2): `strings \"$(command -v vsftpd)\" | grep '^ssl_'` tells what a binary knows, and " +
			"`ftpswiz check` reads a config the way the chosen build does.",
		Lint: []string{"unknown-option", "space-around-equals", "indented-comment", "listen-both", "missing-value"}},
	{Key: UploadDenied, Title: "Uploads refused",
		Symptom: "\"550 Permission denied\" on upload.",
		Cause:   "The upload goes to the non-writable chroot root, or the upload directory is not owned by the user.",
		Fix:     "Upload into {upload_dir}/; `chown USER {local_root}/USER/{upload_dir}`.",
		Replies: []string{"550 Permission denied"},
		Long: "vsftpd answers \"550 Permission denied\" to every upload when write_enable is not YES (Debian ships " +
			"it off), and to an upload into a directory the user cannot write: the chroot root is read-only by design, so uploads go to the " +
			"writable directory inside it, owned by the user.",
		Lint: []string{"write-disabled"}, Probe: []string{"permission"}},
	{Key: FTPInspection, Title: "FTP inspection on a middlebox",
		Symptom: "Connections fail only from one network, or only through a proxy.",
		Cause:   "A middlebox (FTP proxy, \"FTP inspection\" or ALG, security gateway) tries to read or rewrite the FTP commands, which are encrypted.",
		Fix:     "Turn FTP inspection (the FTP ALG or helper) off for this server on every firewall in the path.",
		UserFix: "Connect directly, and turn FTP inspection off for this server.",
		Probe:   []string{"no-greeting"}},
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
