package wizard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ftpswiz/ftpswiz/explain"
)

// SFTPDropInPath is where the generated sshd drop-in goes. Debian's and
// Ubuntu's sshd_config include /etc/ssh/sshd_config.d/*.conf first, and for
// most keywords the first value sshd reads wins.
const SFTPDropInPath = "/etc/ssh/sshd_config.d/ftpswiz-sftp.conf"

// sftpVariant plans SFTP: sshd's SFTP-only service on one port. Decide's
// skeleton (decide.go) calls it.
type sftpVariant struct{}

func (sftpVariant) prepare(a Answers) Answers { return a }

// check has nothing to refuse: SFTP has no passive range to size.
func (sftpVariant) check(Answers) error { return nil }

func (sftpVariant) decideProtocol(d *decider) { d.decideSFTPProtocol() }

func (sftpVariant) server(d *decider) { d.sftpServer() }

// clientService: the server is reached over the families it has (the
// server's, or what the client was told), on its one SFTP port.
func (sftpVariant) clientService(d *decider, cp *ClientPlan) []Family {
	a, c := d.a, d.a.Client
	cp.Endpoints = append(cp.Endpoints, Endpoint{SFTP: true, Port: a.SFTP.Port})
	if a.Server != nil {
		cp.ServerIPv6Address, cp.DNSRecords = a.Server.IPv6Address, a.Server.DNSRecords
		return ServerFamilies(a.Server)
	}
	cp.ServerIPv6Address, cp.DNSRecords = c.ServerIPv6Address, c.DNSRecords
	var fams []Family
	if cp.DNSRecords != RecordsAAAA {
		fams = append(fams, FamilyIPv4)
	}
	if cp.ServerIPv6Address != "" || cp.DNSRecords.HasAAAA() {
		fams = append(fams, FamilyIPv6)
	}
	return fams
}

func (sftpVariant) clientNATWhy(c *Client) string {
	if c.NAT == ClientNATCGNAT {
		return "Your provider's carrier-grade NAT sits between you and the internet and you cannot configure it. " +
			"SFTP needs nothing from it: its one connection is opened from your side, which any NAT lets out."
	}
	return fmt.Sprintf("Your router masquerades %s. SFTP is one connection opened from the inside, so "+
		"masquerading handles it and the router needs no port forward.", c.LANCIDR)
}

func (sftpVariant) clientServer(d *decider, cp *ClientPlan) (value, why string) {
	return fmt.Sprintf("%s, port %d", cp.ServerAddress, d.a.SFTP.Port),
		fmt.Sprintf("The server's operator told you its address (%s) and SFTP port (%d); your firewall "+
			"allows exactly that outbound.", cp.ServerAddress, d.a.SFTP.Port)
}

func (sftpVariant) clientSoftwareWhy(notes []string) string {
	return "Each client gets an SFTP (not FTP or FTPS) configuration for the server: " + strings.Join(notes, "; ") +
		". Verify the server's host key fingerprint with its operator on the first connection."
}

// clientIPv6 explains the client side's families: the IPv6 path when it
// is planned, a warning when the name has an AAAA record but it is not.
func (sftpVariant) clientIPv6(d *decider, cp *ClientPlan) {
	port := d.a.SFTP.Port
	switch {
	case HasFamily(cp.Families, FamilyIPv6):
		to := "the server's IPv6 address"
		if cp.ServerIPv6Address != "" {
			to = cp.ServerIPv6Address
		}
		fams := "IPv4 and IPv6"
		if !HasFamily(cp.Families, FamilyIPv4) {
			fams = "IPv6 only"
		}
		d.decide("client.ipv6", "Client network over IPv6", fmt.Sprintf("%s; IPv6 from %s, no NAT", fams, cp.IPv6Prefix),
			fmt.Sprintf("The client network has IPv6 (%s) and the server does too (%s), so the client side's rules "+
				"allow the SFTP port %d to it over IPv6 as well, routed without NAT, with the ICMPv6 IPv6 needs "+
				"(packet too big, neighbour discovery). SFTP is one SSH connection, so nothing in it names an "+
				"address: over IPv6 clients dial %s directly. When the name has both records, clients try IPv6 "+
				"first and fall back to IPv4.", cp.IPv6Prefix, to, port, to))
	case cp.DNSRecords.HasAAAA():
		d.warn("client.ipv6", "IPv6 path not planned", "the name has an AAAA record, the client side plans IPv4 only",
			fmt.Sprintf("%s has an AAAA record, so clients with IPv6 connect over IPv6 first, but no client.ipv6_prefix "+
				"was given, so the client side's rules allow IPv4 only: the IPv6 attempt is dropped and each "+
				"connection waits for a timeout before falling back to IPv4 (or fails, for clients that do not fall "+
				"back). Give client.ipv6_prefix to plan the IPv6 path, or make the clients use IPv4 (sftp/ssh: -4; "+
				"lftp: set dns:order \"inet\").", cp.ServerAddress))
	}
}

// firewallsNote adds nothing: SFTP has no helper to speak of.
func (sftpVariant) firewallsNote() string { return "" }

func (sftpVariant) servers() (own, others string) {
	return "the SFTP server (OpenSSH's sshd)", "someone else's SFTP server"
}

// sftpServer plans sshd's SFTP-only service; d.p.Server holds serverBase.
func (d *decider) sftpServer() {
	s := d.a.Server
	x := d.a.SFTP
	d.warnLoopback("server.public_address", s.PublicAddress)
	sp := &SFTPPlan{
		Port: x.Port, Group: x.Group, Users: x.Users, ChrootRoot: x.ChrootRoot, UploadDir: x.UploadDir,
		PasswordAuth: IsTrue(x.PasswordAuthentication, false),
		File:         "server/sshd_config.d/ftpswiz-sftp.conf", InstallPath: SFTPDropInPath,
		Match: "Group " + x.Group,
	}
	d.p.SFTP = sp
	base := d.p.Server
	base.IPv6Address, base.DNSRecords, base.Families = s.IPv6Address, s.DNSRecords, ServerFamilies(s)
	add := func(list *[]Option, decision string, kv ...string) {
		for i := 0; i+1 < len(kv); i += 2 {
			*list = append(*list, Option{Key: kv[i], Value: kv[i+1], Decision: decision})
		}
	}

	if x.Port == s.SSHPort {
		d.decide("sftp.port", "SFTP port", strconv.Itoa(x.Port),
			fmt.Sprintf("SFTP is served by the sshd you already run, on port %d, so nothing new listens. SSH "+
				"sessions and SFTP transfers share the port; the drop-in's Match block decides per account "+
				"what each login may do. Clients must be able to reach port %d, so it cannot be closed to "+
				"everyone but the admin network.", x.Port, x.Port))
	} else {
		d.decide("sftp.port", "SFTP port", strconv.Itoa(x.Port),
			fmt.Sprintf("sshd listens on port %d for SFTP as well as on %d for the administrator, so the "+
				"firewall can open %d to clients and keep %d to the admin network. sshd stops listening on "+
				"its default port once any Port line is set, so both are listed.", x.Port, s.SSHPort, x.Port, s.SSHPort))
		add(&sp.Global, "sftp.port", "Port", strconv.Itoa(s.SSHPort), "Port", strconv.Itoa(x.Port))
	}
	d.decideSFTPFamilies()
	d.decide("sftp.service", "SFTP only, no shell", fmt.Sprintf("Match Group %s: ForceCommand internal-sftp", x.Group),
		fmt.Sprintf("Members of the group %s get the SFTP server built into sshd and nothing else: whatever "+
			"command they send, sshd runs internal-sftp instead, so there is no shell to escape to. "+
			"internal-sftp runs inside sshd, so the chroot needs no binaries or libraries. Give these "+
			"accounts /usr/sbin/nologin as their shell too.", x.Group))
	add(&sp.MatchOptions, "sftp.service", "ForceCommand", "internal-sftp")
	d.decide("sftp.chroot", "Users locked into their directory", fmt.Sprintf("%s/<user>, writable %s/", x.ChrootRoot, x.UploadDir),
		fmt.Sprintf("Each account is locked (ChrootDirectory %s/%%u) into its own directory, which sshd "+
			"requires to be owned by root and writable by no one else (otherwise it ends the session after the "+
			"login and logs %s); the account writes into %s/ inside it.",
			x.ChrootRoot, explain.Quote(explain.SFTPChroot), x.UploadDir))
	add(&sp.MatchOptions, "sftp.chroot", "ChrootDirectory", x.ChrootRoot+"/%u")
	d.decide("sftp.restrictions", "No tunnels or forwarding", "forwarding, tunnels, X11 and TTYs off",
		"An SFTP account could otherwise use the SSH connection as a tunnel into your network (port "+
			"forwarding, SOCKS, tun devices) even without a shell. All forwarding, tunnels, X11 and "+
			"terminals are switched off for the group.")
	add(&sp.MatchOptions, "sftp.restrictions", "AllowTcpForwarding", "no", "AllowStreamLocalForwarding", "no",
		"AllowAgentForwarding", "no", "PermitTunnel", "no", "X11Forwarding", "no", "PermitTTY", "no")
	if sp.PasswordAuth {
		d.warn("sftp.auth", "Authentication", "passwords allowed",
			"SFTP accounts may log in with a password (PasswordAuthentication yes in their Match block). "+
				"That is what FTPS users are used to, but passwords can be guessed: prefer SSH keys, and "+
				"rate-limit or ban repeated failures (fail2ban).")
		add(&sp.MatchOptions, "sftp.auth", "PasswordAuthentication", "yes")
	} else {
		d.decide("sftp.auth", "Authentication", "SSH keys only",
			"SFTP accounts log in with SSH keys only (AuthenticationMethods publickey, which also closes "+
				"the keyboard-interactive password path through PAM that PasswordAuthentication no leaves "+
				"open): nothing to guess or "+
				"phish. Each user sends you a public key (ssh-keygen -t ed25519), which goes into "+
				"~user/.ssh/authorized_keys (outside the chroot, owned by the user).")
		add(&sp.MatchOptions, "sftp.auth", "AuthenticationMethods", "publickey", "PasswordAuthentication", "no")
	}
}

// decideSFTPFamilies explains, for a server with IPv6, which address
// clients dial over which family and why sshd needs no listener per family.
// An IPv4-only plan says nothing new.
func (d *decider) decideSFTPFamilies() {
	s, sp := d.a.Server, d.p.Server
	if !HasFamily(sp.Families, FamilyIPv6) {
		return
	}
	port := d.a.SFTP.Port
	v4 := fmt.Sprintf("over IPv4 %s", s.PublicAddress)
	if s.NAT.Behind() {
		v4 += fmt.Sprintf(" (forwarded to %s)", s.HostAddress)
	}
	value := fmt.Sprintf("%s, over IPv6 %s directly, port %d", v4, s.IPv6Address, port)
	dial := fmt.Sprintf("Clients dial %s and port %d over IPv6 (the host's own address: IPv6 has no NAT, "+
		"so nothing translates it)", s.IPv6Address, port)
	switch {
	case s.DNSRecords == RecordsAAAA:
		value = fmt.Sprintf("IPv6 only: %s, port %d", s.IPv6Address, port)
		dial = fmt.Sprintf("Clients reach %s over IPv6 only (dns_records aaaa): they dial its AAAA record, %s, "+
			"port %d, the host's own address with no NAT", s.PublicAddress, s.IPv6Address, port)
	case s.DNSRecords == RecordsBoth:
		dial += fmt.Sprintf("; %s has A and AAAA records, so clients with IPv6 try IPv6 first and fall back "+
			"to IPv4, and both paths are open", s.PublicAddress)
	default:
		dial += fmt.Sprintf(", and %s over IPv4", s.PublicAddress)
	}
	d.decide("sftp.families", "SFTP over IPv4 and IPv6", value,
		dial+". sshd listens on every address of both families by default (AddressFamily any, no "+
			"ListenAddress), so the drop-in sets neither and one sshd serves both: SFTP is one SSH "+
			"connection and names no address inside it, so there is no per-family listener, pasv_address "+
			"or EPSV question as with FTPS. The firewalls open the SFTP port per family, to the clients of "+
			"that family.")
}

// decideSFTPProtocol explains the protocol choice.
func (d *decider) decideSFTPProtocol() {
	d.decide("protocol", "Protocol", "SFTP (SSH file transfer)",
		"SFTP runs inside SSH: one TCP connection to one port carries the login, the commands and every "+
			"file, so there is no passive range, no pasv_address and nothing a NAT router must track; each "+
			"firewall needs one rule. It is a different protocol from FTPS: FTPS clients (and partners "+
			"that mandate FTPS) cannot use it, and users authenticate with SSH keys or passwords instead "+
			"of TLS certificates.")
}

func (sftpVariant) hostFirewall(d *decider, allowed string) (value, why string) {
	s := d.a.Server
	return fmt.Sprintf("inbound tcp %d from %s; SSH %d from %s; %s", d.p.SFTP.Port, allowed, s.SSHPort, strings.Join(s.AdminNetworks(), ", "), hostRest(s.HostFirewall)),
		fmt.Sprintf("The host accepts new connections only on the SFTP port from %s, plus SSH for the "+
			"administrator; replies, loopback and the ICMP messages TCP needs pass; %s", allowed, hostRestWhy(s.HostFirewall))
}

// hostFlows opens the SFTP port per family to that family's allowed
// clients, and admin SSH from the admin network (in each family when it is
// anywhere).
func (sftpVariant) hostFlows(d *decider) {
	s := d.a.Server
	fams := d.p.Server.Families
	adminFam := CIDRFamily(s.AdminNetwork)
	for _, fam := range fams {
		d.controlFlows(Flow{Side: SideServerHost, Direction: Inbound, From: OfFamily(s.AllowedClients, fam), Family: fam})
		admin := OfFamily(s.AdminNetworks(), fam)
		if len(admin) == 0 && s.AdminNetwork == AnyIPv4 {
			admin = []string{AnyOf(fam)} // anywhere means anywhere in both families
		}
		if len(admin) > 0 {
			d.adminFlow(admin, fam)
		}
	}
	if !HasFamily(fams, adminFam) {
		// An admin network of a family the service does not use still
		// reaches the host's SSH.
		d.adminFlow([]string{s.AdminNetwork}, adminFam)
	}
}

func (d *decider) adminFlow(from []string, fam Family) {
	d.flow(Flow{Side: SideServerHost, Direction: Inbound, Purpose: PurposeAdmin, Ports: Port(d.a.Server.SSHPort),
		From: from, Decision: "firewall.admin_ssh", Family: fam,
		Why: "the administrator's SSH, so the firewall never locks you out"})
}

// routerFlows: IPv4 is DNATed to the host, IPv6 routed to the host's own
// address.
func (sftpVariant) routerFlows(d *decider, to string) {
	s := d.a.Server
	fams := d.p.Server.Families
	port := d.p.SFTP.Port
	if HasFamily(fams, FamilyIPv4) {
		d.decide("firewall.server_router", "Server's NAT router",
			fmt.Sprintf("DNAT tcp %d on %s to %s", port, s.Router.WANName(), s.HostAddress),
			fmt.Sprintf("The router forwards the SFTP port arriving on %s to %s and its forward filter lets "+
				"exactly that through. One port: no range, no helper.", s.Router.WANName(), s.HostAddress))
		d.controlFlows(Flow{Side: SideServerRouter, Direction: Forward, From: OfFamily(s.AllowedClients, FamilyIPv4), To: to,
			DNATTo: s.HostAddress, Family: FamilyIPv4})
	}
	if HasFamily(fams, FamilyIPv6) {
		d.decide("firewall.server_router_ipv6", "Server's router over IPv6",
			fmt.Sprintf("forward tcp %d to %s, no NAT", port, s.IPv6Address),
			fmt.Sprintf("IPv6 has no NAT: the router routes the SFTP port to the host's own address %s "+
				"unchanged, and its forward filter lets exactly that in over IPv6 (plus the ICMPv6 errors, packet "+
				"too big above all: IPv6 routers never fragment, so path-MTU discovery depends on it). The router "+
				"needs IPv6 forwarding on (net.ipv6.conf.all.forwarding=1).", s.IPv6Address))
		d.controlFlows(Flow{Side: SideServerRouter, Direction: Forward, From: OfFamily(s.AllowedClients, FamilyIPv6),
			To: s.IPv6Address + "/128", Family: FamilyIPv6})
	}
}

func (sftpVariant) cloudNAT(d *decider) (value, why string) {
	return fmt.Sprintf("allow tcp %d inbound", d.p.SFTP.Port),
		"The provider maps the public address onto the instance; its security group must allow the SFTP port."
}

func (sftpVariant) manualForward(d *decider) (value, why string) {
	return "configure its port forward by hand",
		fmt.Sprintf("No router interfaces were given: in your router's port-forwarding page forward tcp %d to %s.", d.p.SFTP.Port, d.a.Server.HostAddress)
}

// controlFlows writes the one flow SFTP needs: the SSH connection to the
// SFTP port.
func (sftpVariant) controlFlows(d *decider, f Flow) {
	f.Purpose, f.Ports, f.Decision = PurposeSFTP, Port(d.a.SFTP.Port), "client.software"
	if d.p.SFTP != nil {
		f.Decision = "sftp.port"
	} else if d.a.Server == nil {
		f.Decision = "client.server"
	}
	f.Why = "SFTP sessions: login, commands and data in one SSH connection"
	d.flow(f)
}

func (sftpVariant) pitfalls(d *decider, add func(symptom, cause, fix string)) {
	d.sftpPitfalls(add)
}

func (d *decider) sftpPitfalls(add func(symptom, cause, fix string)) {
	x := d.a.SFTP
	add("\"Connection timed out\" or \"Connection refused\" before any password or key prompt.",
		fmt.Sprintf("The SFTP port %d is not open or not forwarded on the path, or sshd does not listen on it.", x.Port),
		"Apply the generated rules on every side; `ss -ltn` on the server shows sshd's ports.")
	entry := func(key string) {
		e := explain.Get(key).With(explain.Vars{"chroot_root": x.ChrootRoot, "upload_dir": x.UploadDir})
		if d.p.SFTP == nil {
			e = e.ForUser() // a client-only plan: the reader cannot change the server
		}
		add(e.Symptom, e.Cause, e.Fix)
	}
	if d.p.SFTP != nil {
		entry(explain.SFTPChroot)
	}
	if !IsTrue(x.PasswordAuthentication, false) {
		entry(explain.SFTPKeysOnly)
	}
	entry(explain.SFTPHostKey)
	entry(explain.SFTPOnly)
	if d.p.SFTP != nil {
		entry(explain.SFTPUploadDenied)
	}
	add("An FTP or FTPS client cannot connect (\"unexpected greeting\", \"SSH-2.0-OpenSSH\" shown as the banner).",
		"SFTP is not FTPS: FTP clients speak another protocol.",
		"Choose SFTP (sftp://) in the client, as the generated client configs do.")
	if cp := d.p.Client; cp != nil && cp.DNSRecords.HasAAAA() && !HasFamily(cp.Families, FamilyIPv6) {
		add(fmt.Sprintf("Connections to %s hang for a while before they work, or fail, from clients with IPv6.", cp.ServerAddress),
			fmt.Sprintf("%s has an AAAA record, so clients try IPv6 first, but the client side's rules were planned for IPv4 only and drop it.", cp.ServerAddress),
			"Regenerate with client.ipv6_prefix set (the client network's IPv6 prefix), or make the clients use IPv4 (sftp/ssh -4; lftp: set dns:order \"inet\").")
	}
	if s := d.p.Server; s != nil && HasFamily(s.Families, FamilyIPv6) {
		add("\"Connection timed out\" over IPv6 while IPv4 works (or the reverse).",
			fmt.Sprintf("The SFTP port %d is open for one family only somewhere on the path (ip6tables or a security group's IPv6 rules), the router does not forward IPv6, or ICMPv6 packet too big is dropped.", x.Port),
			"Apply the generated IPv6 rules too (the .ip6tables files, the inet nftables tables) and net.ipv6.conf.all.forwarding=1 on the router; `ssh -6 -p PORT` and `ssh -4 -p PORT` test each family.")
	}
}
