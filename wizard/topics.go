package wizard

import (
	"fmt"
	"sort"
	"strings"
)

// Topic is a concept `ftpswiz explain` teaches, independent of any answers.
type Topic struct {
	Key   string
	Title string
	Text  string
}

// Topics returns the concept topics, sorted by key, in a fresh slice.
func Topics() []Topic {
	t := []Topic{
		{"passive-vs-active", "Passive and active mode",
			"FTP moves files over a second TCP connection, the data connection. In passive mode (PASV/EPSV) " +
				"the server opens a port and tells the client which; the client connects to it. In active " +
				"mode (PORT/EPRT) the client opens a port and the server connects back. Passive mode keeps " +
				"every connection client-initiated, so the client side needs nothing inbound and NAT on the " +
				"client side just works; the server side must open a passive port range. Active mode needs " +
				"inbound connections to the client, which no NAT can follow under TLS. ftpswiz plans passive " +
				"mode and switches active mode off unless you ask for it."},
		{"implicit-vs-explicit", "Implicit and explicit FTPS",
			"Explicit FTPS (RFC 4217) starts as plain FTP on port 21; the client sends AUTH TLS and both " +
				"switch to TLS before logging in (URLs ftp:// with TLS forced, or ftpes://). Implicit FTPS " +
				"starts TLS with the first byte, usually on port 990 (ftps://). Explicit is the standard and " +
				"supported everywhere; implicit passes FTP-aware middleboxes untouched because they see no " +
				"clear text. Mixing them up hangs the TLS handshake. vsftpd serves one or the other per " +
				"process, so offering both takes two instances."},
		{"conntrack-helper", "Why the conntrack FTP helper cannot help FTPS",
			"For plain FTP, a firewall's FTP helper (Linux nf_conntrack_ftp, nftables `ct helper`) reads " +
				"the PASV reply in the control channel, learns the data port and opens it just for that " +
				"connection, and rewrites the address for NAT. Under TLS the control channel is ciphertext: " +
				"the helper sees nothing, opens nothing, rewrites nothing. Measured: plain FTP through a " +
				"helper-only firewall passes, FTPS fails every time. So FTPS needs a fixed passive range " +
				"opened (and forwarded) explicitly, and pasv_address set to the public address. Linux " +
				"kernels since 6.0 never attach helpers automatically anyway."},
		{"pasv-vs-epsv", "PASV and EPSV",
			"PASV's reply (227) carries an IPv4 address and a port: behind NAT the server must announce its " +
				"public address (vsftpd's pasv_address), or strict clients connect to a private address and " +
				"time out. EPSV's reply (229) carries only the port; the client reuses the control " +
				"connection's address, so it is immune to that mistake. curl tries EPSV first and ignores " +
				"PASV addresses by default, lftp and FileZilla replace private PASV addresses: stock clients " +
				"hide a missing pasv_address that appliances and libraries trip over."},
		{"session-reuse", "TLS session reuse on data connections",
			"With require_ssl_reuse=YES (vsftpd's default), each data connection must resume the TLS " +
				"session of the control connection. That proves the data connection belongs to the " +
				"logged-in client and blocks a third party that connects first to an announced passive port. " +
				"lftp, curl, FileZilla, WinSCP and rclone resume sessions; Python's ftplib does not unless " +
				"the data socket is wrapped with the control socket's session, and gets \"522 SSL connection " +
				"failed: session reuse required\"."},
		{"passive-range-sizing", "How big the passive range must be",
			fmt.Sprintf("vsftpd picks a random port of the range for each PASV, tries up to %d times, and ends "+
				"the session with \"500 OOPS: vsf_sysutil_bind\" when all tries hit busy ports. A port is busy "+
				"while a transfer uses it; a finished one (TIME_WAIT) is free again. With N transfers at once "+
				"and R ports a PASV fails with probability about (N/R)^%d, so R = ceil(N / target^(1/%d)): for "+
				"a one-in-a-million target that is about 4.7 ports per concurrent transfer (16 transfers: 75 "+
				"ports). Open exactly that range, not every port above 1024.", BindAttempts, BindAttempts, BindAttempts)},
		{"nat-types", "NAT in front of the server",
			"none: the host has the public address and needs no pasv_address. one-to-one: a cloud or router " +
				"maps a public address onto the host's private one, keeping ports; vsftpd must announce the " +
				"public address. port-forward: a router forwards chosen ports to the host; the control port " +
				"and the whole passive range must be forwarded with unchanged port numbers. dynamic-dns: the " +
				"public address changes; clients dial a name, vsftpd resolves it at start-up " +
				"(pasv_addr_resolve=YES) and must be restarted when the address changes."},
		{"ftps-vs-sftp", "FTPS is not SFTP",
			"FTPS is FTP over TLS: a control connection plus one data connection per transfer, on ports " +
				"negotiated inside the encrypted channel, so firewalls and NAT need a fixed passive range and " +
				"careful configuration on both sides. SFTP is a different protocol, a subsystem of SSH: one " +
				"TCP connection on port 22 carries everything, so it crosses NAT and egress filters with a " +
				"single rule. Choose FTPS when a partner or appliance requires it; otherwise SFTP is simpler " +
				"to run through firewalls."},
	}
	sort.Slice(t, func(i, j int) bool { return t[i].Key < t[j].Key })
	return t
}

// FindTopic returns the topic with the key, case-insensitively.
func FindTopic(key string) (Topic, bool) {
	for _, t := range Topics() {
		if strings.EqualFold(t.Key, key) {
			return t, true
		}
	}
	return Topic{}, false
}
