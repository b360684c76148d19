package wizard

import (
	"fmt"

	"github.com/ftpswiz/ftpswiz/explain"
)

// ComparisonRow is one aspect of FTPS and SFTP, side by side. The texts are
// plain sentences (no markup), short enough for a three-column terminal
// table; `ftpswiz compare` and the wizard's first step show them.
type ComparisonRow struct {
	// Key is a stable identifier ("ports"), for tests and links.
	Key    string
	Aspect string
	FTPS   string
	SFTP   string
}

// Comparison returns FTPS and SFTP compared aspect by aspect, in a fresh
// slice, in the order a newcomer should read them.
func Comparison() []ComparisonRow {
	return []ComparisonRow{
		{"family", "Protocol family",
			"FTP with TLS added (RFC 4217). An FTP server such as vsftpd; FTP clients.",
			"A subsystem of SSH, not FTP at all. Served by OpenSSH's sshd, which most Linux servers already run."},
		{"ports", "Ports and directions",
			"A control connection to port 21 (explicit) or 990 (implicit), plus a new data connection " +
				"for every listing and transfer to a port of the passive range (e.g. 50000-50074). " +
				"All client to server.",
			"One TCP connection from client to server, port 22 (or one port you choose), carrying " +
				"login, commands and every file."},
		{"nat", "What NAT and firewalls must do",
			"Open, and on a NAT router forward with unchanged numbers, the control port and the whole " +
				"passive range; behind NAT the server must announce its public address (pasv_address). " +
				"Client egress filters must allow the range too.",
			"Open (and forward) one port on the server side; allow one port out on the client side. " +
				"Nothing to announce, no range."},
		{"helper", "Conntrack FTP helper (ALG)",
			"Useless: the helper reads the data port from the control channel, which TLS encrypts. " +
				"Ports are opened by number instead.",
			"Not involved: there is no second connection to discover."},
		{"implicit", "Implicit or explicit",
			"Two variants: explicit (AUTH TLS on port 21, the standard) and implicit (TLS from the " +
				"first byte, port 990). Client and server must agree, or the handshake hangs.",
			"No such choice: SSH is encrypted from the first packet."},
		{"clients", "Client support",
			"FileZilla, WinSCP, lftp, curl, rclone, Python's ftplib; many appliances and business " +
				"systems speak only FTP or FTPS. Web browsers and Windows Explorer do not do FTPS.",
			"OpenSSH's sftp (Linux, macOS, Windows 10 and later), FileZilla, WinSCP, lftp, rclone, " +
				"curl. Python needs a library (paramiko); some appliances offer only FTP."},
		{"auth", "Authentication",
			"Passwords inside TLS, optionally X.509 client certificates. The server proves itself " +
				"with a TLS certificate (CA-signed, or pinned by fingerprint).",
			"SSH keys (recommended) or passwords, optionally SSH certificates; no X.509. The server " +
				"proves itself with its host key: check its fingerprint on the first connection."},
		{"chroot", "Locking users into a directory",
			"vsftpd chroot_local_user: the user's root must not be writable by the user (\"500 OOPS\" " +
				"otherwise); uploads go to a writable subdirectory.",
			"sshd ChrootDirectory with ForceCommand internal-sftp: the directory and every parent " +
				"owned by root and writable by nobody else; no binaries needed inside."},
		{"audit", "Auditing",
			"vsftpd logs logins and every transfer (xferlog, vsftpd.log); log_ftp_protocol adds " +
				"every command.",
			"sshd logs logins to the auth log. Per-file logging needs internal-sftp -l INFO and, " +
				"for chrooted users, a log socket inside the chroot."},
		{"failures", "Typical failure modes",
			"Login works but listings hang (passive range closed); private address in the PASV reply " +
				"(no pasv_address); \"522 session reuse required\"; \"500 OOPS\" writable chroot; " +
				"implicit and explicit mixed up.",
			"Timeout before the login prompt (port closed or not forwarded); " + explain.Quote(explain.SFTPKeysOnly) +
				" (key missing or loose permissions); session closes at once (chroot " +
				"ownership); " + explain.Quote(explain.SFTPHostKey) + " after a reinstall."},
	}
}

// RecommendOptions are facts Recommend needs beyond the network: the
// wizard's first questions, saved in answers as Constraints and given to
// `ftpswiz compare` as flags.
type RecommendOptions struct {
	// PartnerRequiresFTPS: the other side (a partner, an appliance, a
	// contract or a regulation) accepts only FTP or FTPS.
	PartnerRequiresFTPS bool
	// ClientCertificates: users must authenticate with X.509 client
	// certificates, which only FTPS (TLS) offers.
	ClientCertificates bool
}

// Recommendation is the protocol ftpswiz recommends for a set of answers,
// with its reasons.
type Recommendation struct {
	Protocol Protocol
	// Reasons say why, the most important first.
	Reasons []string
	// Caveats are what to keep in mind with the recommended protocol: the
	// points for the other one, and for FTPS how to make it work.
	Caveats []string
}

// sftpOnlyWhy is the baseline reason for SFTP.
const sftpOnlyWhy = "SFTP needs one port in one direction and nothing else: no passive range, no " +
	"announced public address, no implicit/explicit choice, so there is less to get wrong on every " +
	"firewall on the path."

// Recommend recommends FTPS or SFTP from the answers given so far (they may
// be incomplete or empty: the wizard asks this first) and the options. A
// partner that accepts only FTPS, or required X.509 client certificates,
// decide for FTPS; otherwise SFTP wins unless the answers point more
// strongly to FTPS (implicit FTPS or active mode requested, Python's
// standard library as the client).
func Recommend(a Answers, o RecommendOptions) Recommendation {
	var forSFTP, forFTPS []string
	sftpScore, ftpsScore := 1, 0 // SFTP is simpler to run: it starts ahead
	addS := func(weight int, why string) { sftpScore += weight; forSFTP = append(forSFTP, why) }
	addF := func(weight int, why string) { ftpsScore += weight; forFTPS = append(forFTPS, why) }

	serverBehind := a.Server != nil && a.Server.NAT.Behind()
	clientBehind := a.Client != nil && a.Client.NAT != "" && a.Client.NAT != ClientNATNone
	if serverBehind && clientBehind {
		addS(1, "Both ends are behind NAT: with FTPS every data connection must cross both routers on "+
			"ports chosen inside the encrypted channel; with SFTP one connection crosses them.")
	}
	if serverBehind {
		addS(2, fmt.Sprintf("The server is behind NAT (%s): FTPS needs the control port and the whole "+
			"passive range opened (and forwarded with unchanged numbers), plus pasv_address; SFTP needs one port.",
			a.Server.NAT))
		if a.Server.NAT == NATDynamicDNS {
			addS(1, "The server's address changes (dynamic DNS): vsftpd resolves its pasv_address once at "+
				"start-up and must be restarted after every change (ftpswiz writes a timer that does it, ending the open "+
				"sessions); sshd does not care about its public address.")
		}
	}
	if a.Client != nil {
		if a.Client.NAT == ClientNATCGNAT {
			addS(1, "The client is behind carrier-grade NAT: when it uses several public addresses, FTPS data "+
				"connections leave from another address than the control connection and vsftpd refuses them "+
				"("+explain.Quote(explain.BadIP)+"); SFTP has one connection.")
		}
		addS(1, "The client side filters outgoing connections: for FTPS it must allow the server's whole "+
			"passive range out, for SFTP one port.")
	}
	if a.Server != nil && a.Server.Capacity.Transfers >= 100 {
		addS(1, fmt.Sprintf("%d transfers at the same time need a passive range of several hundred ports "+
			"for FTPS, on every firewall; SFTP multiplexes them over its one port.", a.Server.Capacity.Transfers))
	}
	if a.FTPS.Mode == ModeImplicit || a.FTPS.Mode == ModeBoth {
		addF(2, "You asked for implicit FTPS, which usually means a client or partner that speaks only "+
			"implicit FTPS: such a client cannot use SFTP.")
	}
	if a.FTPS.ActiveMode {
		addF(1, "You asked for active mode, which only old FTP clients need; they do not speak SFTP either.")
	}
	if a.Client != nil {
		for _, sw := range a.Client.Software {
			if sw == ClientPython {
				addF(1, "Python's standard library speaks FTPS (ftplib) but not SFTP, which needs a third-party "+
					"library (paramiko).")
				break
			}
		}
	}

	howFTPS := []string{
		"Open, and forward with unchanged port numbers, the control port and the whole passive range on " +
			"every firewall and router on the path (ftpswiz writes these rules for every side).",
		"Behind NAT, vsftpd must announce the public address in its PASV replies (pasv_address); no " +
			"conntrack FTP helper or ALG can do this under TLS.",
		"Size the passive range for the transfers that run at the same time, and use clients that resume " +
			"the TLS session on data connections (the generated client configs do).",
	}
	switch {
	case o.PartnerRequiresFTPS || o.ClientCertificates:
		var reasons []string
		if o.PartnerRequiresFTPS {
			reasons = append(reasons, "The other side accepts only FTP or FTPS: SFTP is a different protocol "+
				"that its clients cannot speak, so FTPS it is.")
		}
		if o.ClientCertificates {
			reasons = append(reasons, "Users must authenticate with X.509 client certificates, which FTPS "+
				"(TLS) supports and SFTP (SSH keys and SSH certificates) does not.")
		}
		return Recommendation{Protocol: ProtocolFTPS, Reasons: append(reasons, forFTPS...),
			Caveats: append(howFTPS, forSFTP...)}
	case ftpsScore > sftpScore:
		return Recommendation{Protocol: ProtocolFTPS, Reasons: forFTPS,
			Caveats: append(append(howFTPS, forSFTP...), sftpOnlyWhy)}
	}
	caveats := []string{"Choose FTPS instead if a partner, an appliance or its software speaks only FTP " +
		"or FTPS: FTPS and SFTP clients are not interchangeable."}
	return Recommendation{Protocol: ProtocolSFTP, Reasons: append(forSFTP, sftpOnlyWhy),
		Caveats: append(caveats, forFTPS...)}
}
