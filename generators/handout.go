package generators

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/ftpswiz/ftpswiz/explain"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// HANDOUT.md: the page the server's operator sends to the people who
// connect. It only uses what a client may know: the public address, the
// control ports and the passive range. It never prints the server host's
// own address, the admin network or the list of allowed networks (which
// would name other customers).

type handoutView struct {
	Title         string
	Intro         string
	Basics        string
	FirewallIntro string
	FirewallTable string
	FirewallNotes string
	Clients       []reportStep
	Reuse         string
	Troubles      []reportPitfall
	Regenerate    string
}

// handoutUser is the login name shown in examples.
func handoutUser(p *wizard.Plan) string {
	if p.Client != nil && p.Client.User != "" {
		return p.Client.User
	}
	return "USER"
}

// handoutReuse reports whether the server demands TLS session reuse on data
// connections (vsftpd's require_ssl_reuse, YES unless set to NO).
func handoutReuse(p *wizard.Plan) bool { return p.Service.RequireSSLReuse }

// handoutNoActive reports whether the server refuses active mode.
func handoutNoActive(p *wizard.Plan) bool {
	return !p.Service.ActiveMode && len(p.Service.Endpoints) > 0
}

func handoutTLSVersions(p *wizard.Plan) string {
	if p.Service.TLSProfile == wizard.ProfileModern && p.Server.Flavour.CanDisableTLS12() {
		return "TLS 1.3"
	}
	if p.Server.TLS13 {
		return "TLS 1.2 or 1.3"
	}
	return "TLS 1.2 (the server does not offer TLS 1.3: a client set to TLS 1.3 only cannot connect)"
}

func newHandoutView(p *wizard.Plan) *handoutView {
	s := p.Server
	addr := s.PublicAddress
	user := handoutUser(p)
	eps := p.Service.Endpoints
	v := &handoutView{Title: "Connecting to " + addr + " with FTPS"}

	v.Intro = mdWrap(reportWidth, "This server speaks FTPS: FTP secured with TLS, the same protocol as plain "+
		"FTP with encryption added. It is not SFTP (file transfer over SSH, port 22): an SFTP client "+
		"setting will not connect. In your client choose FTP with TLS, as described below.")

	var basics []string
	if s.PublicIsIP {
		basics = append(basics, "**Server address:** "+addr)
	} else {
		basics = append(basics, "**Server address:** "+addr+" (a DNS name)")
	}
	if sv := p.Service; wizard.HasFamily(sv.Families, wizard.FamilyIPv6) && sv.IPv6Address.Value != "" {
		line := "**IPv6 address:** " + sv.IPv6Address.Value
		switch {
		case sv.DNSRecords.HasAAAA() && sv.DNSRecords.HasA():
			line += " (" + addr + " has A and AAAA records: clients with IPv6 connect over IPv6 first, then fall back to IPv4)"
		case sv.DNSRecords == wizard.RecordsAAAA:
			line += " (" + addr + " has an AAAA record only: the server is reached over IPv6 only)"
		}
		basics = append(basics, line)
	}
	for _, e := range eps {
		if e.Implicit {
			basics = append(basics, fmt.Sprintf("**Implicit FTPS:** port %d (TLS from the first byte; "+
				"clients call it \"implicit FTP over TLS\" or use an `ftps://` address)", e.Port))
		} else {
			basics = append(basics, fmt.Sprintf("**Explicit FTPS:** port %d (the client connects, then switches "+
				"to TLS with AUTH TLS; clients call it \"explicit FTP over TLS\" or FTPES)", e.Port))
		}
	}
	if len(eps) > 1 {
		basics = append(basics, "Use either one; the two are not interchangeable: explicit FTPS on the "+
			"implicit port (or the reverse) hangs during the TLS handshake.")
	}
	basics = append(basics, fmt.Sprintf("**Data connections:** passive mode, ports %s (%d ports)", s.Passive, s.Passive.Count()))
	mode := "**Passive mode** (PASV) for every transfer."
	if handoutNoActive(p) {
		mode += " The server does not offer active mode."
	}
	basics = append(basics, mode,
		"**Encryption:** required for the login and for every data connection (protection level P, "+
			"\"PROT P\"), with "+handoutTLSVersions(p)+".",
		"**Login:** the user name and password the operator gave you. After login you are in your own folder.",
		handoutCert(p))
	if s.WriteEnable && s.UploadDir != "" {
		basics = append(basics, "**Uploads:** into the `"+s.UploadDir+"/` folder inside your folder.")
	} else {
		basics = append(basics, "**Uploads:** not possible; this server is for downloads.")
	}
	v.Basics = mdList(basics)

	v.FirewallIntro = mdWrap(reportWidth, "Your side opens every connection, so your firewall only needs "+
		"outbound rules to the server, and nothing inbound:")
	rows := [][]string{}
	dests := []string{addr}
	if sv := p.Service; wizard.HasFamily(sv.Families, wizard.FamilyIPv6) && sv.IPv6Address.Value != "" {
		if !wizard.HasFamily(sv.Families, wizard.FamilyIPv4) {
			dests = nil
		}
		dests = append(dests, sv.IPv6Address.Value+" (IPv6)")
	}
	for _, d := range dests {
		for _, e := range eps {
			rows = append(rows, []string{"outbound (new)", "TCP", d, fmt.Sprint(e.Port), "control, " + e.Name() + " FTPS"})
		}
		rows = append(rows, []string{"outbound (new)", "TCP", d, s.Passive.String(), "data connections (passive mode)"})
	}
	rows = append(rows,
		[]string{"inbound", "TCP", "your side", "replies only", "established/related traffic of the connections above"},
		[]string{"inbound (new)", "-", "-", "none", "nothing needs to reach you"},
	)
	v.FirewallTable = mdTable([]string{"Direction", "Protocol", "Destination", "Ports", "What for"}, rows)

	var notes []string
	notes = append(notes, fmt.Sprintf("Every listing, upload and download opens a new connection to one port "+
		"of %s. Which one is agreed inside the encrypted session, so no firewall can open it on demand: "+
		"allow the whole range. Nothing else above port 1024 is needed.", s.Passive))
	notes = append(notes, "An FTP helper, \"FTP inspection\" or ALG on your firewall cannot read the "+
		"encrypted session and is not needed; if it interferes, turn it off for this server. The same "+
		"goes for FTP proxies: connect directly.")
	if n := handoutNameNote(s); n != "" {
		notes = append(notes, n)
	}
	if wizard.HasFamily(p.Service.Families, wizard.FamilyIPv6) {
		notes = append(notes, "Over IPv6 your client uses EPSV (extended passive mode): the server's reply names "+
			"only the port, and the data connection goes to the address you dialled. If your network has IPv6 but "+
			"your firewall only allows IPv4 to this server, clients try IPv6 first and hang: allow both, or set "+
			"your client to IPv4. FileZilla's network configuration wizard tests IPv4 only.")
	}
	if reportRestricted(s.AllowedClients) {
		notes = append(notes, "The server only accepts connections from registered source addresses: tell the "+
			"operator the public address your connections leave from (your NAT's address), and keep "+
			"control and data connections on that one address.")
	}
	v.FirewallNotes = mdList(notes)

	v.Clients = handoutClients(p, addr, user, eps)

	if handoutReuse(p) {
		v.Reuse = mdWrap(reportWidth, "The server requires TLS session reuse: each data connection must "+
			"resume the TLS session of its control connection, which ties the two together. lftp, curl, "+
			"FileZilla and WinSCP do this by default. Python's ftplib does not, and gets `"+
			explain.Reply(explain.SessionReuse)+"`; check other libraries and appliances before relying on them.")
	}

	v.Troubles = handoutTroubles(p, addr, eps)
	v.Regenerate = "Generated by ftpswiz for the operator of " + addr + "."
	return v
}

// handoutNameNote tells a client whose firewall filters by address what to
// allow when the server is a DNS name ("" for an IP address).
func handoutNameNote(s *wizard.ServerPlan) string {
	if s.PublicIsIP {
		return ""
	}
	addr := s.PublicAddress
	n := "If your firewall filters by IP address, allow the address " + addr + " resolves to " +
		"(`getent hosts " + addr + "`)."
	if s.NAT == wizard.NATDynamicDNS {
		n += " That address can change: update the rule when it does, or filter by name if your firewall can."
	}
	return n
}

// reportRestricted reports whether the allowed networks are narrower than
// anywhere.
func reportRestricted(allowed []string) bool {
	return len(allowed) > 0 && !slices.Contains(allowed, wizard.AnyIPv4)
}

// handoutCert says how clients verify the server's certificate.
func handoutCert(p *wizard.Plan) string {
	pin := p.Service.Pin
	if pin == nil {
		return "**Certificate:** issued by a CA for " + p.Server.PublicAddress + ": clients verify it " +
			"with their system's CA list. Keep verification on; a client that refuses the certificate " +
			"points at a real problem (wrong address, intercepted connection)."
	}
	fp := "ask the operator for its SHA-256 fingerprint"
	if pin.Fingerprint != "" {
		fp = "its SHA-256 fingerprint is `" + pin.Fingerprint + "`"
	}
	return "**Certificate:** self-signed for this link, so no CA vouches for it: you pin it. Get the " +
		"certificate file from the operator over a channel you trust and save it as `client/" + pin.CAFile +
		"`; " + fp + " (check it with `openssl x509 -noout -fingerprint -sha256 -in client/" + pin.CAFile +
		"`). The commands below trust exactly that certificate, with verification on."
}

func handoutClients(p *wizard.Plan, addr, user string, eps []wizard.Endpoint) []reportStep {
	var lftp, curl, winscp []string
	lftpPin, curlPin, winscpPin, opensslPin := "", "", "", ""
	if pin := p.Service.Pin; pin != nil {
		lftpPin = "set ssl:ca-file client/" + pin.CAFile + "; "
		curlPin = "--cacert client/" + pin.CAFile + " "
		opensslPin = " -CAfile client/" + pin.CAFile + " -verify_return_error"
		if pin.Fingerprint != "" {
			winscpPin = " -certificate=\"" + pin.Fingerprint + "\""
		}
	}
	var fzMode, wsMode []string
	for _, e := range eps {
		if e.Implicit {
			lftp = append(lftp, fmt.Sprintf("lftp -e '%sset ftp:ssl-protect-data yes; open -u %s ftps://%s:%d'", lftpPin, user, addr, e.Port))
			curl = append(curl, fmt.Sprintf("curl %s--user %s ftps://%s:%d/", curlPin, user, addr, e.Port))
			winscp = append(winscp, fmt.Sprintf("open ftps://%s@%s:%d/ -passive=on%s", user, addr, e.Port, winscpPin))
			fzMode = append(fzMode, fmt.Sprintf("\"Require implicit FTP over TLS\" with port %d", e.Port))
			wsMode = append(wsMode, fmt.Sprintf("\"TLS/SSL Implicit encryption\" with port %d", e.Port))
		} else {
			lftp = append(lftp, fmt.Sprintf("lftp -e '%sset ftp:ssl-force yes; set ftp:ssl-protect-data yes; open -u %s -p %d %s'", lftpPin, user, e.Port, addr))
			curl = append(curl, fmt.Sprintf("curl %s--ssl-reqd --user %s ftp://%s:%d/", curlPin, user, addr, e.Port))
			winscp = append(winscp, fmt.Sprintf("open ftpes://%s@%s:%d/ -passive=on%s", user, addr, e.Port, winscpPin))
			fzMode = append(fzMode, fmt.Sprintf("\"Require explicit FTP over TLS\" with port %d", e.Port))
			wsMode = append(wsMode, fmt.Sprintf("\"TLS/SSL Explicit encryption\" with port %d", e.Port))
		}
	}
	first := eps[0]
	base := fmt.Sprintf("%s://%s:%d/", first.Scheme(), addr, first.Port)
	ssl := "--ssl-reqd "
	if first.Implicit {
		ssl = ""
	}
	curl = append(curl,
		"# download a file, upload a file:",
		fmt.Sprintf("curl %s%s--user %s -O %sFILE", curlPin, ssl, user, base))
	if p.Server.WriteEnable && p.Server.UploadDir != "" {
		curl = append(curl, fmt.Sprintf("curl %s%s--user %s -T FILE %s%s/", curlPin, ssl, user, base, p.Server.UploadDir))
	}
	openssl := make([]string, 0, len(eps))
	for _, e := range eps {
		if e.Implicit {
			openssl = append(openssl, fmt.Sprintf("openssl s_client -connect %s:%d%s -brief </dev/null", addr, e.Port, opensslPin))
		} else {
			openssl = append(openssl, fmt.Sprintf("openssl s_client -connect %s:%d -starttls ftp%s -brief </dev/null", addr, e.Port, opensslPin))
		}
	}
	return []reportStep{
		{
			Title: "lftp",
			Text: mdWrap(reportWidth, "`ftp:ssl-force` refuses to fall back to plain FTP; `ftp:ssl-protect-data` "+
				"encrypts the data connections. lftp asks for the password."),
			Code: mdCode(lftp...),
		},
		{
			Title: "curl",
			Text:  mdWrap(reportWidth, "`--ssl-reqd` refuses to continue without TLS; curl asks for the password."),
			Code:  mdCode(curl...),
		},
		{
			Title: "FileZilla",
			Text: mdList([]string{
				"Site Manager, New site: Protocol \"FTP - File Transfer Protocol\", Host " + addr + ", Encryption " +
					strings.Join(fzMode, ", or ") + ", Logon Type \"Ask for password\", User " + user + ".",
				"Transfer Settings tab: Transfer mode \"Passive\".",
			}),
		},
		{
			Title: "WinSCP",
			Text: mdList([]string{
				"Login dialog: File protocol \"FTP\", Encryption " + strings.Join(wsMode, ", or ") +
					", Host name " + addr + ", User name " + user + ".",
				"Advanced, Connection: \"Passive mode\" ticked (the default).",
				"In WinSCP scripts:",
			}),
			Code: mdCodeIn("text", winscp...),
		},
		{
			Title: "Check the certificate",
			Text:  mdWrap(reportWidth, handoutCheckText(p)),
			Code:  mdCode(openssl...),
		},
	}
}

func handoutCheckText(p *wizard.Plan) string {
	if p.Service.Pin != nil {
		return "Shows the TLS version and the certificate the server presents, verified against the pinned " +
			"certificate (`Verification: OK`); any other certificate is refused."
	}
	return "Shows the TLS version and the certificate the server presents, and whether your system's CAs " +
		"verify it (`Verification: OK`)."
}

// handoutTroubles lists the failures a client's user can meet, each from
// its catalogue entry as a user reads it (explain.Entry.ForUser): the same
// symptoms as REPORT.md's pitfalls, with what the user can do about them.
func handoutTroubles(p *wizard.Plan, addr string, eps []wizard.Endpoint) []reportPitfall {
	var ports []string
	for _, e := range eps {
		ports = append(ports, fmt.Sprintf("port %d is %s FTPS", e.Port, e.Name()))
	}
	v := explain.Vars{"range": p.Server.Passive.String(), "server": addr, "modes": strings.Join(ports, "; ")}
	keys := []string{explain.PassiveClosed, explain.StatefulFTP, explain.FTPInspection, explain.BadIP}
	if handoutReuse(p) {
		keys = append(keys, explain.SessionReuse)
	}
	keys = append(keys, explain.TLSRequired, explain.ImplicitExplicit, explain.PassiveAddress)
	out := make([]reportPitfall, 0, len(keys))
	for _, k := range keys {
		e := explain.Get(k).With(v).ForUser()
		out = append(out, reportPitfallOf(len(out)+1, e.Symptom, mdText(e.Cause), mdText(e.Fix)))
	}
	return out
}

// handoutLeaks returns an error if doc shows the server host's internal
// address or the admin network.
func handoutLeaks(p *wizard.Plan, doc string) error {
	s := p.Server
	var secrets []string
	if s.HostAddress != "" && s.HostAddress != s.PublicAddress {
		secrets = append(secrets, s.HostAddress)
	}
	if s.AdminNetwork != "" && s.AdminNetwork != wizard.AnyIPv4 {
		secrets = append(secrets, s.AdminNetwork)
		if pfx, err := netip.ParsePrefix(s.AdminNetwork); err == nil {
			secrets = append(secrets, pfx.Addr().String(), pfx.Masked().Addr().String())
		}
	}
	for _, sec := range secrets {
		// The address clients dial is the handout's point, even when the
		// admin network's base address is that same address.
		if sec == s.PublicAddress {
			continue
		}
		if reportContainsAddr(doc, sec) {
			return fmt.Errorf("%s would reveal the internal address %s", HandoutPath, sec)
		}
	}
	return nil
}

// reportContainsAddr reports whether addr occurs in doc as a whole address
// (10.0.0.1 does not match inside 10.0.0.12 or 110.0.0.1).
func reportContainsAddr(doc, addr string) bool {
	for i := 0; ; {
		j := strings.Index(doc[i:], addr)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(addr)
		before := start == 0 || !reportAddrByte(doc[start-1])
		after := end == len(doc) || !reportDigit(doc[end]) && !(doc[end] == '.' && end+1 < len(doc) && reportDigit(doc[end+1]))
		if before && after {
			return true
		}
		i = start + 1
	}
}

func reportDigit(c byte) bool { return c >= '0' && c <= '9' }

func reportAddrByte(c byte) bool { return reportDigit(c) || c == '.' }
