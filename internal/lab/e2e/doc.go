// Package e2e proves ftpswiz's main guarantee, "the configs it writes
// work", end to end. It has no code of its own outside its tests.
//
// For each scenario the tests run the real ftpswiz binary (`ftpswiz
// generate`, built once per test run) on an answers file from
// testdata/lab/scenarios that describes internal/lab's four-namespace
// topology, then follow the generated REPORT.md as an administrator would:
// the users-and-directories step creates the chroot layout, vsftpd runs the
// generated vsftpd.conf (two instances for mode both), the firewall apply
// blocks load the generated nftables or iptables files on the server host
// and both routers, and the client host uses the generated client/lftp.rc
// and client/curl.sh. Real files then move through both NATs with TLS on
// control and data, concurrently, and every file's SHA-256 is checked.
//
// vsftpd runs with the environment its systemd unit would give it, read
// from the files REPORT.md's install step installs: for Debian's vsftpd
// 3.0.3 the generated drop-in (server/vsftpd.service.d/ftpswiz-tls.conf)
// or, for mode both's second instance, the generated unit sets
// OPENSSL_CONF, which caps TLS at 1.2; every deployment checks that each
// instance then refuses TLS 1.3.
//
// The only departures from the generated files are lab values and are
// listed in one place (labValues, serverSubstitutions, unitEnvironment):
// the user, the chroot parent (server.vsftpd.local_root) and the
// certificate paths go in through the answers; userlist_file and
// vsftpd_log_file are rewritten in the copy vsftpd reads; OPENSSL_CONF
// names the generated vsftpd-openssl.cnf in the output directory instead of
// its install path /etc/ssl/vsftpd-openssl.cnf; /etc/shells is a private
// copy bind-mounted for vsftpd only. Clients are run strictly (PASV, not
// EPSV; the PASV address used as announced; no retries), so a wrong
// pasv_address or a closed passive port cannot be hidden by a lenient
// client.
//
// Negative controls show that the lab can fail, and how: pasv_address
// removed, the passive range removed from the server's router, a passive
// range smaller than the sizing model asks for, and TLS 1.3 allowed
// (the FTP conntrack helper control lives in internal/lab). Security checks
// cover plaintext and PROT C refusal, anonymous logins, TLS versions (1.0,
// 1.1 and 1.3 refused, 1.2 accepted) and REPORT.md's own TLS 1.3 check, a
// port scan of the public address, active mode and the chroot.
//
// The lab found one defect in the files ftpswiz used to generate: over TLS
// 1.3, uploads to vsftpd are intermittently cut short ("426 Failure reading
// network stream"). ftpswiz now caps vsftpd at TLS 1.2 unless
// server.tls.allow_tls13 is true. TestLab/tls13-uploads is the A/B: 48
// strict lftp uploads with the generated cap (none may fail), then the same
// answers regenerated with allow_tls13: true, where uploads must be cut
// short again (the negative control), both over a rate-limited, WAN-like
// client link so that the close race does not depend on the machine's load
// (at the rate measured over it, 43 of 48, a clean run of 48 has a chance
// of about 1e-47).
//
// FTPSWIZ_LAB_RUNS sets the repetitions of the concurrency design points
// (default 2). FTPSWIZ_LAB_RESULTS=1 writes testdata/lab/results.md;
// TestPassiveRangeVsModel (FTPSWIZ_LAB_MEASURE=1, minutes) measures failed
// sessions against passive range size with generated configs and writes its
// section of that file.
package e2e
