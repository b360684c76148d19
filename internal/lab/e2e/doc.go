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
// The only departures from the generated files are lab values and are
// listed in one place (labValues and serverSubstitutions): the user, the
// chroot parent (server.vsftpd.local_root) and the certificate paths go in
// through the answers; userlist_file and vsftpd_log_file are rewritten in
// the copy vsftpd reads; /etc/shells is a private copy bind-mounted for
// vsftpd only. Clients are run strictly (PASV, not EPSV; the PASV address
// used as announced; no retries), so a wrong pasv_address or a closed
// passive port cannot be hidden by a lenient client.
//
// Negative controls show that the lab can fail, and how: pasv_address
// removed, the passive range removed from the server's router, a passive
// range smaller than the sizing model asks for (the FTP conntrack helper
// control lives in internal/lab). Security checks cover plaintext and PROT C
// refusal, anonymous logins, TLS versions, a port scan of the public
// address, active mode and the chroot.
//
// The lab found one defect in the generated files: uploads over TLS 1.3 are
// intermittently cut short ("426 Failure reading network stream").
// TestLab/defect-tls13-uploads pins it with the files exactly as generated;
// the transfer scenarios run vsftpd capped at TLS 1.2 through OPENSSL_CONF
// and log that they do (tls13UploadWorkaround). FTPSWIZ_LAB_NO_WORKAROUND=1
// turns the workaround off.
//
// FTPSWIZ_LAB_RUNS sets the repetitions of the concurrency design points
// (default 2). FTPSWIZ_LAB_RESULTS=1 writes testdata/lab/results.md;
// TestPassiveRangeVsModel (FTPSWIZ_LAB_MEASURE=1, minutes) measures failed
// sessions against passive range size with generated configs and writes its
// section of that file.
package e2e
