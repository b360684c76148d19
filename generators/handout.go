package generators

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

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
		"**Login:** the user name and password the operator gave you. After login you are in your own folder.")
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
	if !s.PublicIsIP {
		n := "If your firewall filters by IP address, allow the address " + addr + " resolves to " +
			"(`getent hosts " + addr + "`)."
		if s.NAT == wizard.NATDynamicDNS {
			n += " That address can change: update the rule when it does, or filter by name if your firewall can."
		}
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
			"FileZilla and WinSCP do this by default. Python's ftplib does not, and gets `522 SSL connection "+
			"failed: session reuse required`; check other libraries and appliances before relying on them.")
	}

	v.Troubles = handoutTroubles(p, addr, eps)
	v.Regenerate = "Generated by ftpswiz for the operator of " + addr + "."
	return v
}

// reportRestricted reports whether the allowed networks are narrower than
// anywhere.
func reportRestricted(allowed []string) bool {
	return len(allowed) > 0 && !slices.Contains(allowed, wizard.AnyIPv4)
}

func handoutClients(p *wizard.Plan, addr, user string, eps []wizard.Endpoint) []reportStep {
	var lftp, curl, winscp []string
	var fzMode, wsMode []string
	for _, e := range eps {
		if e.Implicit {
			lftp = append(lftp, fmt.Sprintf("lftp -e 'set ftp:ssl-protect-data yes; open -u %s ftps://%s:%d'", user, addr, e.Port))
			curl = append(curl, fmt.Sprintf("curl --user %s ftps://%s:%d/", user, addr, e.Port))
			winscp = append(winscp, fmt.Sprintf("open ftps://%s@%s:%d/ -passive=on", user, addr, e.Port))
			fzMode = append(fzMode, fmt.Sprintf("\"Require implicit FTP over TLS\" with port %d", e.Port))
			wsMode = append(wsMode, fmt.Sprintf("\"TLS/SSL Implicit encryption\" with port %d", e.Port))
		} else {
			lftp = append(lftp, fmt.Sprintf("lftp -e 'set ftp:ssl-force yes; set ftp:ssl-protect-data yes; open -u %s -p %d %s'", user, e.Port, addr))
			curl = append(curl, fmt.Sprintf("curl --ssl-reqd --user %s ftp://%s:%d/", user, addr, e.Port))
			winscp = append(winscp, fmt.Sprintf("open ftpes://%s@%s:%d/ -passive=on", user, addr, e.Port))
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
		fmt.Sprintf("curl %s--user %s -O %sFILE", ssl, user, base))
	if p.Server.WriteEnable && p.Server.UploadDir != "" {
		curl = append(curl, fmt.Sprintf("curl %s--user %s -T FILE %s%s/", ssl, user, base, p.Server.UploadDir))
	}
	openssl := make([]string, 0, len(eps))
	for _, e := range eps {
		if e.Implicit {
			openssl = append(openssl, fmt.Sprintf("openssl s_client -connect %s:%d -brief </dev/null", addr, e.Port))
		} else {
			openssl = append(openssl, fmt.Sprintf("openssl s_client -connect %s:%d -starttls ftp -brief </dev/null", addr, e.Port))
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
			Text: mdWrap(reportWidth, "Shows the TLS version and the certificate the server presents; if it is "+
				"self-signed, compare its fingerprint with the one the operator gives you before trusting it."),
			Code: mdCode(openssl...),
		},
	}
}

func handoutTroubles(p *wizard.Plan, addr string, eps []wizard.Endpoint) []reportPitfall {
	s := p.Server
	var out []reportPitfall
	t := func(symptom, cause, fix string) reportPitfall {
		return reportPitfallOf(len(out)+1, symptom, cause, fix)
	}
	out = append(out, t("Login works, but the directory listing or the transfer hangs and times out",
		fmt.Sprintf("the data connection to a port of %s is blocked on your side (firewall, proxy or "+
			"security software)", s.Passive),
		fmt.Sprintf("allow outbound TCP to %s, ports %s, as in the table above", addr, s.Passive)))
	out = append(out, t("On Windows, login works but data connections are reset or hang",
		"Windows Firewall's stateful FTP filter interferes with encrypted FTP",
		"in an administrator's command prompt: `netsh advfirewall set global StatefulFTP disable`"))
	out = append(out, t("Connections fail only from your network, or only through a proxy",
		"a middlebox (FTP proxy, \"FTP inspection\" or ALG, security gateway) tries to read or rewrite "+
			"the FTP commands, which are encrypted",
		"connect directly, and turn FTP inspection off for this server"))
	out = append(out, t("`425 Security: Bad IP connecting`",
		"the data connection reached the server from another public address than the control connection "+
			"(several outgoing addresses, load-balanced NAT, a carrier-grade NAT pool)",
		"make connections to this server leave through one public address"))
	if handoutReuse(p) {
		out = append(out, t("`522 SSL connection failed: session reuse required` (curl may only show error 18 or 55)",
			"the client does not resume the TLS session on the data connection",
			"use a client that does (lftp, curl, FileZilla, WinSCP)"))
	}
	out = append(out, t("`530 Non-anonymous sessions must use encryption` or `522 Data connections must be encrypted`",
		"the client did not switch to TLS for the login or for the data connection",
		"choose FTP over TLS (explicit or implicit as above) and protection level P (\"PROT P\")"))
	var ports []string
	for _, e := range eps {
		ports = append(ports, fmt.Sprintf("port %d is %s FTPS", e.Port, e.Name()))
	}
	out = append(out, t("The connection hangs right after connecting, during the TLS handshake",
		"explicit and implicit FTPS are mixed up",
		strings.Join(ports, "; ")+": set the client's encryption to match the port"))
	out = append(out, t("Your client reports a private or unroutable address in the server's PASV reply",
		"a setting on the server",
		"tell the operator; most clients work around it, but it must be fixed on the server"))
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
