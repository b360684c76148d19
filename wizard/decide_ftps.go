package wizard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ftpswiz/ftpswiz/explain"
	"github.com/ftpswiz/ftpswiz/vsftpd"
)

// ftpsVariant plans FTPS: vsftpd with its instances, the control port(s)
// and the passive range. Decide's skeleton (decide.go) calls it.
type ftpsVariant struct{}

// prepare resolves a vsftpd flavour of "auto" (or none) to debian-3.0.3.
func (ftpsVariant) prepare(a Answers) Answers {
	if a.Server != nil && (a.Server.Vsftpd.Flavour == FlavourAuto || a.Server.Vsftpd.Flavour == "") {
		s := *a.Server
		s.Vsftpd.Flavour = FlavourDebian
		a.Server = &s
	}
	return a
}

func (ftpsVariant) check(a Answers) error { return checkSizing(a) }

func (ftpsVariant) decideProtocol(d *decider) {
	d.decideMode()
	d.decideActive()
	if d.a.Server == nil {
		d.decide("tls.require_ssl_reuse", "TLS session reuse on data connections", "expected by the server",
			"vsftpd requires by default (require_ssl_reuse=YES) that each data connection resumes the "+
				"control connection's TLS session, proving it comes from the logged-in client. lftp, curl, "+
				"FileZilla, WinSCP and rclone do this; Python's stock ftplib does not and gets "+
				explain.Quote(explain.SessionReuse)+" (the generated Python script handles it).")
	}
}

func (ftpsVariant) server(d *decider) { d.vsftpdServer() }

func (ftpsVariant) clientService(d *decider, cp *ClientPlan) []Family {
	a, c := d.a, d.a.Client
	cp.ActiveMode = a.FTPS.ActiveMode
	var serverFams []Family
	if a.Server != nil {
		cp.Passive = d.p.Server.Passive
		cp.RequireSSLReuse = IsTrue(a.Server.TLS.RequireSSLReuse, true)
		cp.ServerIPv6Address, cp.DNSRecords = a.Server.IPv6Address, a.Server.DNSRecords
		serverFams = ServerFamilies(a.Server)
	} else {
		cp.Passive, _ = ParsePortRange(c.PassivePorts) // validated
		cp.RequireSSLReuse = true                      // vsftpd's default; assume the strict case
		cp.ServerIPv6Address, cp.DNSRecords = c.ServerIPv6Address, c.DNSRecords
		if cp.DNSRecords != RecordsAAAA {
			serverFams = append(serverFams, FamilyIPv4)
		}
		if cp.ServerIPv6Address != "" || cp.DNSRecords.HasAAAA() {
			serverFams = append(serverFams, FamilyIPv6)
		}
	}
	if a.FTPS.Mode.Explicit() {
		cp.Endpoints = append(cp.Endpoints, Endpoint{Port: a.FTPS.ExplicitPort})
	}
	if a.FTPS.Mode.Implicit() {
		cp.Endpoints = append(cp.Endpoints, Endpoint{Implicit: true, Port: a.FTPS.ImplicitPort})
	}
	return serverFams
}

func (ftpsVariant) clientNATWhy(c *Client) string {
	if c.NAT == ClientNATCGNAT {
		return "Your provider's carrier-grade NAT sits between you and the internet and you cannot configure it. " +
			"Passive mode is the only option: every connection is opened from your side, which any NAT " +
			"lets out. Active mode would need inbound connections no CGNAT can forward. Some CGNATs use " +
			"several public addresses; if your data connection leaves from another address than your " +
			"control connection, the server answers " + explain.Quote(explain.BadIP)
	}
	return fmt.Sprintf("Your router masquerades %s. In passive mode every connection, control and data, is "+
		"opened from the inside, so masquerading handles it and the router needs no port forward and "+
		"no FTP helper (which could not read the encrypted control channel anyway).", c.LANCIDR)
}

func (ftpsVariant) clientServer(_ *decider, cp *ClientPlan) (value, why string) {
	return fmt.Sprintf("%s, passive ports %s", cp.ServerAddress, cp.Passive),
		fmt.Sprintf("The server's operator told you its address (%s) and passive range (%s); your firewall "+
			"allows exactly those outbound. If they enlarge the range, regenerate with the new one, or "+
			"transfers to the new ports will time out.", cp.ServerAddress, cp.Passive)
}

func (ftpsVariant) clientSoftwareWhy(notes []string) string {
	return "Each client gets a config that forces TLS on the control and the data channel and uses passive mode. " +
		strings.Join(notes, "; ") + "."
}

func (ftpsVariant) clientIPv6(d *decider, cp *ClientPlan) { d.decideClientIPv6(cp) }

func (ftpsVariant) servers() (own, others string) {
	return "the vsftpd server", "someone else's FTPS server"
}

func (ftpsVariant) firewallsNote() string {
	return " The conntrack FTP helper is not used: it reads PASV replies from the control channel, which " +
		"TLS encrypts, so it sees nothing; the fixed passive range replaces it."
}

// openPorts lists what the server side opens: the control port(s) and the
// passive range.
func openPorts(sp *ServerPlan) string {
	open := []string{}
	for _, p := range sp.ControlPorts() {
		open = append(open, strconv.Itoa(p))
	}
	open = append(open, sp.Passive.String())
	return strings.Join(open, ", ")
}

func (ftpsVariant) hostFirewall(d *decider, allowed string) (value, why string) {
	s := d.a.Server
	return fmt.Sprintf("inbound tcp %s from %s; SSH %d from %s; %s", openPorts(d.p.Server), allowed, s.SSHPort, strings.Join(s.AdminNetworks(), ", "), hostRest(s.HostFirewall)),
		fmt.Sprintf("The vsftpd host accepts new connections only on the control port(s) and the passive range, "+
			"from %s, plus SSH for the administrator; replies to its own connections, loopback and the ICMP "+
			"messages TCP needs (path-MTU discovery: TLS handshakes stall without it) pass; %s%s", allowed,
			hostRestWhy(s.HostFirewall), containerHostNote(s))
}

func (ftpsVariant) hostFlows(d *decider) {
	s := d.a.Server
	sp := d.p.Server
	for _, fam := range sp.Families {
		d.controlFlows(Flow{Side: SideServerHost, Direction: Inbound, From: OfFamily(s.AllowedClients, fam), Family: fam})
		admin := OfFamily(s.AdminNetworks(), fam)
		if len(admin) == 0 && s.AdminNetwork == AnyIPv4 {
			admin = []string{AnyOf(fam)} // anywhere means anywhere in both families
		}
		if len(admin) > 0 {
			d.flow(Flow{Side: SideServerHost, Direction: Inbound, Purpose: PurposeAdmin, Ports: Port(s.SSHPort),
				From: admin, Decision: "firewall.admin_ssh", Family: fam,
				Why: "the administrator's SSH, so the firewall never locks you out"})
		}
		d.acmeFlows(SideServerHost, Flow{Direction: Inbound, Family: fam})
	}
	if d.a.FTPS.ActiveMode {
		for _, fam := range sp.Families {
			d.flow(Flow{Side: SideServerHost, Direction: Outbound, Purpose: PurposeActive,
				Ports: PortRange{First: 1024, Last: 65535}, SourcePorts: Port(20),
				Decision: "ftps.active_mode", Warning: true, Family: fam,
				Why: "active mode: the server connects from port 20 to the port the client names"})
		}
	}
}

func (ftpsVariant) routerFlows(d *decider, to string) {
	s := d.a.Server
	sp := d.p.Server
	open := openPorts(sp)
	kind := "forwards"
	if s.NAT == NATOneToOne {
		kind = "maps the public address one-to-one and forwards"
	}
	d.decide("firewall.server_router", "Server's NAT router",
		fmt.Sprintf("DNAT tcp %s on %s to %s, ports unchanged", open, s.Router.WANName(), s.HostAddress),
		fmt.Sprintf("The router %s the control port(s) and the whole passive range arriving on %s to %s with "+
			"the same port numbers (vsftpd announces its own port numbers; a forward that changes them "+
			"sends data connections nowhere). Its forward filter lets these in, the LAN's own connections out "+
			"and replies back, and drops every other new connection from outside. Without the passive "+
			"range forwarded, login works but every listing times out.",
			kind, s.Router.WANName(), s.HostAddress))
	if HasFamily(sp.Families, FamilyIPv4) {
		d.controlFlows(Flow{Side: SideServerRouter, Direction: Forward, From: OfFamily(s.AllowedClients, FamilyIPv4), To: to, DNATTo: s.HostAddress, Family: FamilyIPv4})
		d.acmeFlows(SideServerRouter, Flow{Direction: Forward, To: to, DNATTo: s.HostAddress, Family: FamilyIPv4})
		if d.a.FTPS.ActiveMode {
			d.flow(Flow{Side: SideServerRouter, Direction: Forward, Purpose: PurposeActive,
				Ports: PortRange{First: 1024, Last: 65535}, SourcePorts: Port(20), From: []string{s.HostAddress + "/32"},
				Decision: "ftps.active_mode", Warning: true, Family: FamilyIPv4,
				Why: "active mode: the server's connections from port 20 out to clients"})
		}
	}
	if HasFamily(sp.Families, FamilyIPv6) {
		d.decide("firewall.server_router_ipv6", "Server's router over IPv6",
			fmt.Sprintf("forward tcp %s to %s, no NAT", open, s.IPv6Address),
			fmt.Sprintf("IPv6 has no NAT: the router routes the control port(s) and the passive range to the host's "+
				"own address %s unchanged, and its forward filter lets exactly these in over IPv6 (plus the ICMPv6 "+
				"errors, packet too big above all: IPv6 routers never fragment, so path-MTU discovery depends "+
				"on it). The router needs IPv6 forwarding on (net.ipv6.conf.all.forwarding=1).", s.IPv6Address))
		d.controlFlows(Flow{Side: SideServerRouter, Direction: Forward, From: OfFamily(s.AllowedClients, FamilyIPv6),
			To: s.IPv6Address + "/128", Family: FamilyIPv6})
		d.acmeFlows(SideServerRouter, Flow{Direction: Forward, To: s.IPv6Address + "/128", Family: FamilyIPv6})
		if d.a.FTPS.ActiveMode {
			d.flow(Flow{Side: SideServerRouter, Direction: Forward, Purpose: PurposeActive,
				Ports: PortRange{First: 1024, Last: 65535}, SourcePorts: Port(20), From: []string{s.IPv6Address + "/128"},
				Decision: "ftps.active_mode", Warning: true, Family: FamilyIPv6,
				Why: "active mode: the server's connections from port 20 out to clients"})
		}
	}
}

func (ftpsVariant) cloudNAT(d *decider) (value, why string) {
	return fmt.Sprintf("allow tcp %s inbound to the instance", openPorts(d.p.Server)),
		"The provider maps the public address one-to-one onto the instance and keeps port numbers: " +
			"there is nothing to configure on the NAT itself; open the security group. The cloud's " +
			"firewall (an AWS security group, an Azure network security group, a Google Cloud VPC " +
			"firewall rule) is a second filter in front of the host and must allow the same ports as the " +
			"host firewall: the control port(s) and the whole passive range. The aws, azure and gcp " +
			"backends write it."
}

func (ftpsVariant) manualForward(d *decider) (value, why string) {
	return "configure its port forwards by hand",
		fmt.Sprintf("No router interfaces were given, so ftpswiz writes no router rules: in your router's "+
			"port-forwarding page forward tcp %s to %s with the port numbers unchanged. Without the "+
			"passive range forwarded, login works but every listing times out.", openPorts(d.p.Server), d.a.Server.HostAddress)
}

func (ftpsVariant) controlFlows(d *decider, f Flow) {
	ftps := d.a.FTPS
	if ftps.Mode.Explicit() {
		g := f
		g.Purpose, g.Ports, g.Decision = PurposeControlExplicit, Port(ftps.ExplicitPort), "ftps.mode"
		g.Why = fmt.Sprintf("explicit FTPS control channel (AUTH TLS) on %d", ftps.ExplicitPort)
		d.flow(g)
	}
	if ftps.Mode.Implicit() {
		g := f
		g.Purpose, g.Ports, g.Decision = PurposeControlImplicit, Port(ftps.ImplicitPort), "ftps.mode"
		g.Why = fmt.Sprintf("implicit FTPS control channel (TLS from the first byte) on %d", ftps.ImplicitPort)
		d.flow(g)
	}
	g := f
	g.Purpose, g.Ports, g.Decision = PurposePassive, d.passiveRange(), "passive.range"
	if d.p.Server == nil {
		g.Decision = "client.server"
	}
	g.Why = fmt.Sprintf("passive data connections: one port per running transfer, announced inside TLS, so "+
		"the whole range %s is needed", d.passiveRange())
	d.flow(g)
}

func (ftpsVariant) pitfalls(d *decider, add func(symptom, cause, fix string)) {
	a := d.a
	pr := d.passiveRange()
	entry := func(key string, v explain.Vars) {
		e := explain.Get(key).With(v)
		add(e.Symptom, e.Cause, e.Fix)
	}
	entry(explain.PassiveClosed, explain.Vars{"range": pr.String()})
	if a.Server != nil {
		s := a.Server
		d.containerPitfalls(add)
		if s.NAT.Behind() {
			entry(explain.PassiveAddress, nil)
		}
		entry(explain.UnknownOption, nil)
		v := explainVars()
		v["transfers"], v["ports"] = strconv.Itoa(d.p.Server.Sizing.Transfers), strconv.Itoa(d.p.Server.Sizing.Ports)
		entry(explain.PassiveExhausted, v)
		dirs := explain.Vars{"local_root": s.Vsftpd.LocalRoot, "upload_dir": s.Vsftpd.UploadDir}
		entry(explain.ChrootWritable, dirs)
		entry(explain.HomeMissing, dirs)
		entry(explain.LoginRefused, nil)
		if IsTrue(s.Vsftpd.WriteEnable, true) {
			entry(explain.UploadDenied, dirs)
		}
		if IsTrue(s.TLS.RequireSSLReuse, true) {
			entry(explain.SessionReuse, nil)
		}
		entry(explain.UploadEOF, nil)
		entry(explain.BadIP, nil)
	}
	if cp := d.p.Client; cp != nil && cp.DNSRecords.HasAAAA() && !HasFamily(cp.Families, FamilyIPv6) {
		add(fmt.Sprintf("Connections to %s hang for a while before they work, or fail, from clients with IPv6.", cp.ServerAddress),
			fmt.Sprintf("%s has an AAAA record, so clients try IPv6 first, but the client side's rules were planned for IPv4 only and drop it.", cp.ServerAddress),
			"Regenerate with client.ipv6_prefix set (the client network's IPv6 prefix), or make the clients use IPv4 (lftp: set dns:order \"inet\"; curl --ipv4).")
	}
	if s := d.p.Server; s != nil && HasFamily(s.Families, FamilyIPv6) {
		add("Over IPv6, login works but the first listing or transfer hangs; over IPv4 everything works.",
			fmt.Sprintf("The passive range %s is open for IPv4 only somewhere on the IPv6 path (ip6tables or a security group's IPv6 rules), or ICMPv6 packet too big is dropped.", pr),
			"Apply the generated IPv6 rules too (the .ip6tables files, the inet nftables tables); check with `ip6tables -S` or `nft list ruleset`.")
	}
	if a.Client != nil && !d.p.Client.ServerIsIP && clientEgressFiltered(a) {
		add(fmt.Sprintf("The client cannot resolve %s once the egress filter is on.", d.p.Client.ServerAddress),
			"The generated egress filter allows only the FTPS connections, so DNS queries to a resolver outside the client network are dropped too.",
			"Allow udp and tcp port 53 to your resolver in the client's firewall, or use the server's IPv4 address.")
	}
	entry(explain.ImplicitExplicit, nil)
	entry(explain.TLSRequired, nil)
	if a.Client != nil {
		for _, sw := range a.Client.Software {
			if sw == ClientFileZilla || sw == ClientWinSCP {
				entry(explain.StatefulFTP, nil)
				break
			}
		}
	}
}

// clientEgressFiltered reports whether the client side's generated rules
// stop the connections they do not list, DNS among them: a dedicated Linux
// client router (an egress lockdown), a dedicated client host, or a client
// host behind a cloud firewall (whose rules end in a deny of all other
// outbound traffic). A shared box's rules only add, so its DNS keeps
// working.
func clientEgressFiltered(a Answers) bool {
	c := a.Client
	if c.NAT == ClientNATMasquerade && c.Router != nil {
		return c.Router.Kind.Linux() && c.Router.Firewall.Use == BoxDedicated
	}
	if c.HostFirewall.Use == BoxDedicated {
		return true
	}
	for _, f := range a.Firewalls {
		if f == FirewallAWS || f == FirewallAzure || f == FirewallGCP {
			return true
		}
	}
	return false
}

// IntermediateCiphers is Mozilla's "intermediate" TLS 1.2 cipher list
// without the DHE suites (vsftpd configures no DH parameters). It has ECDSA
// and RSA suites, so either kind of certificate works; vsftpd 3.0.3's
// built-in default allows only ECDHE-RSA-AES256-GCM-SHA384.
const IntermediateCiphers = vsftpd.IntermediateCiphers

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

// vsftpdServer plans vsftpd: the server plan's FTPS part, its decisions and one
// instance per mode (and family, with split listeners).
func (d *decider) vsftpdServer() {
	a := d.a
	s := a.Server
	fl := flavourOf(s.Vsftpd.Flavour)
	sp := d.p.Server
	sp.IPv6Address = s.IPv6Address
	sp.DNSRecords = s.DNSRecords
	sp.Families = ServerFamilies(s)
	sp.SplitListeners = SplitListeners(s)
	sp.HostFirewall = s.HostFirewall
	sp.Flavour = s.Vsftpd.Flavour
	sp.Users = s.Vsftpd.Users
	sp.LocalRoot = s.Vsftpd.LocalRoot
	sp.UploadDir = s.Vsftpd.UploadDir
	sp.WriteEnable = IsTrue(s.Vsftpd.WriteEnable, true)
	sp.CertFile = s.TLS.CertFile
	sp.KeyFile = s.TLS.KeyFile
	sp.Cert = certPlan(s)
	if len(sp.Users) > 0 {
		sp.UserListPath = fl.UserListPath
	}
	sp.Sizing = SizePassive(Listeners(a.FTPS.Mode, s)*s.Capacity.Transfers, s.Capacity.TargetFailureRate)
	sp.Passive = PortRange{First: s.PassiveStart, Last: s.PassiveStart + sp.Sizing.Ports - 1}

	d.decide("vsftpd.flavour", "vsftpd build", string(sp.Flavour),
		fmt.Sprintf("The config uses the option names of %s. Builds spell the TLS options differently, and "+
			"vsftpd refuses to start on an option it does not know ("+explain.Quote(explain.UnknownOption)+
			", exit status 2, printed to standard input, so under systemd it can look like a "+
			"silent failure). Check what your binary knows with: strings \"$(command -v vsftpd)\" | grep '^ssl_'.",
			fl.Description))

	d.warnLoopback("server.public_address", s.PublicAddress)
	d.decideListen()
	d.decidePasvAddress()
	d.decidePassive()
	d.decideLimits()
	d.decideTLS(fl)
	d.decideUsers(fl)

	explicitFirst := []bool{}
	if a.FTPS.Mode.Explicit() {
		explicitFirst = append(explicitFirst, false)
	}
	if a.FTPS.Mode.Implicit() {
		explicitFirst = append(explicitFirst, true)
	}
	// One instance per mode serves every family, or (split listeners) one
	// per mode and family, IPv4 first.
	groups := [][]Family{sp.Families}
	if sp.SplitListeners {
		groups = [][]Family{{FamilyIPv4}, {FamilyIPv6}}
	}
	first := true
	for _, fams := range groups {
		for _, implicit := range explicitFirst {
			in := Instance{Implicit: implicit, Name: "explicit", Port: a.FTPS.ExplicitPort, Families: fams}
			if implicit {
				in.Name, in.Port = "implicit", a.FTPS.ImplicitPort
			}
			suffix := ""
			if implicit {
				suffix = "-implicit"
			}
			if sp.SplitListeners && fams[0] == FamilyIPv6 {
				in.Name += "-ipv6"
				suffix += "-ipv6"
			}
			if first {
				in.File, in.InstallPath, in.Unit = "server/vsftpd.conf", fl.ConfigPath, "vsftpd.service"
				first = false
			} else {
				in.File = "server/vsftpd" + suffix + ".conf"
				in.InstallPath = strings.TrimSuffix(fl.ConfigPath, ".conf") + suffix + ".conf"
				in.Unit, in.UnitFile = "vsftpd"+suffix+".service", "server/vsftpd"+suffix+".service"
			}
			in.Options = d.options(in, fl)
			sp.Instances = append(sp.Instances, in)
		}
	}
	d.decideContainer()
	if s.NAT == NATDynamicDNS && s.Container == nil {
		r := &PasvRefresh{Name: s.PublicAddress}
		for _, in := range sp.Instances {
			if v, _ := in.Lookup("pasv_addr_resolve"); v == "YES" {
				r.Units = append(r.Units, in.Unit)
			}
		}
		if len(r.Units) > 0 {
			sp.PasvRefresh = r
		}
	}
}

func (d *decider) decideMode() {
	f := d.a.FTPS
	if d.a.Server == nil {
		d.decideClientMode()
		return
	}
	switch f.Mode {
	case ModeExplicit:
		d.decide("ftps.mode", "FTPS mode", fmt.Sprintf("explicit (AUTH TLS) on port %d", f.ExplicitPort),
			fmt.Sprintf("Explicit FTPS is the standard (RFC 4217): the client connects to port %d, reads a "+
				"plain-text greeting, sends AUTH TLS and continues encrypted; vsftpd refuses to log anyone in "+
				"before that. Every current client supports it. Its weakness is the clear-text start: a "+
				"firewall or middlebox with an FTP helper can latch onto it and interfere; if a customer's "+
				"network does that, offer implicit FTPS as well (mode both).", f.ExplicitPort))
	case ModeImplicit:
		d.decide("ftps.mode", "FTPS mode", fmt.Sprintf("implicit on port %d", f.ImplicitPort),
			fmt.Sprintf("Implicit FTPS starts TLS with the first byte on port %d (ftps:// URLs), so "+
				"FTP-aware middleboxes see nothing to interfere with. It is not in the FTP standards but "+
				"widely supported; clients must be set to implicit mode, or they hang in the handshake "+
				"waiting for a plain-text greeting that never comes.", f.ImplicitPort))
	case ModeBoth:
		d.decide("ftps.mode", "FTPS mode", fmt.Sprintf("explicit on %d and implicit on %d", f.ExplicitPort, f.ImplicitPort),
			fmt.Sprintf("Both modes are offered: explicit FTPS (AUTH TLS) on port %d, the standard, and "+
				"implicit FTPS on port %d for clients or networks that need TLS from the first byte. "+
				"vsftpd's implicit_ssl applies to a whole process, so this takes two vsftpd instances "+
				"with two configs; ftpswiz writes a systemd unit for the second one. Both share one "+
				"passive range, sized for the transfers of both together: each instance has its own "+
				"limits, so the range is sized for what both admit at once (see Sessions at once).", f.ExplicitPort, f.ImplicitPort))
	}
}

// warnLoopback warns when the address clients dial is a loopback address:
// only a client on the server itself can reach it, which suits a test on one
func (d *decider) decideListen() {
	sp := d.p.Server
	v4, v6 := HasFamily(sp.Families, FamilyIPv4), HasFamily(sp.Families, FamilyIPv6)
	switch {
	case sp.SplitListeners:
		d.decide("vsftpd.listen", "Listeners per family",
			fmt.Sprintf("IPv4: listen=YES, listen_ipv6=NO, with pasv_address; IPv6: listen=NO, listen_ipv6=YES, listen_address6=%s, no pasv_address", sp.IPv6Address),
			fmt.Sprintf("The server is dual stack behind IPv4 NAT (%s). The IPv4 clients need pasv_address (the "+
				"public address), but vsftpd ignores pasv_address as soon as it listens on an IPv6 socket "+
				"(listen_ipv6=YES, Debian's default) and then announces 0,0,0,0 in its PASV replies. So each family "+
				"gets its own vsftpd instance with its own config and unit: the IPv4 one with listen=YES and "+
				"pasv_address, the IPv6 one with listen_ipv6=YES bound to %s only (listen_address6, so it does not "+
				"also claim the IPv4 port through a dual-stack socket) and no pasv_address: IPv6 needs no NAT, and "+
				"its clients use EPSV, whose reply carries no address at all. Both share the passive range, which "+
				"is sized for the sessions of all instances together.", d.a.Server.NAT, sp.IPv6Address))
	case v4 && v6:
		d.decide("vsftpd.listen", "Listen on IPv4 and IPv6", "listen=NO, listen_ipv6=YES (one dual-stack socket)",
			fmt.Sprintf("The host has both addresses itself (nat none), so one vsftpd instance serves both "+
				"families: with listen_ipv6=YES it listens on a dual-stack socket that accepts IPv4 as well "+
				"(as IPv4-mapped addresses; net.ipv6.bindv6only must stay 0, the default). No pasv_address is "+
				"needed: a PASV reply carries the address the client dialled, and IPv6 clients use EPSV, whose "+
				"reply carries none. Setting both listen and listen_ipv6 to YES makes vsftpd refuse to start."))
	case v6:
		d.decide("vsftpd.listen", "Listen on IPv6", "listen=NO, listen_ipv6=YES",
			fmt.Sprintf("Clients reach %s over IPv6 only (dns_records aaaa), so vsftpd listens on IPv6 "+
				"(listen_ipv6=YES) and needs no pasv_address: IPv6 has no NAT, and IPv6 clients use EPSV, whose "+
				"reply carries no address.", sp.PublicAddress))
	default:
		d.decide("vsftpd.listen", "Listen on IPv4", "listen=YES, listen_ipv6=NO",
			"vsftpd runs as a standalone IPv4 listener. Debian ships listen_ipv6=YES, and in that mode vsftpd "+
				"ignores pasv_address and announces 0,0,0,0 in its PASV replies; setting both listen options to "+
				"YES makes vsftpd refuse to start. For IPv6 as well, give server.ipv6_address: ftpswiz then plans "+
				"the IPv6 listener (IPv6 needs no NAT and no pasv_address).")
	}
}

func (d *decider) decidePasvAddress() {
	s := d.a.Server
	switch {
	case !s.NAT.Behind() && bridged(s) && isIPv4(s.PublicAddress):
		d.decide("vsftpd.pasv_address", "Address in PASV replies", s.PublicAddress,
			fmt.Sprintf("The host has the public address %s itself (nat none), but vsftpd runs in a "+
				"bridge-networked container and knows only the container's address (172.17.x.x on Docker's "+
				"default bridge). Without pasv_address, PASV replies send clients to that private address and "+
				"every listing times out after a successful login (stock lftp, curl and FileZilla hide it by "+
				"replacing the address; strict clients do not). The value must be a bare IPv4 address.", s.PublicAddress))
	case !s.NAT.Behind() && bridged(s):
		d.decide("vsftpd.pasv_address", "Address in PASV replies", s.PublicAddress+" (pasv_addr_resolve=YES)",
			fmt.Sprintf("vsftpd runs in a bridge-networked container and knows only the container's address; clients "+
				"dial the name %s, so vsftpd resolves it (pasv_addr_resolve=YES, once at start-up: restart the "+
				"container if the name's address changes) and announces the public address in PASV replies.", s.PublicAddress))
	case !s.NAT.Behind():
		d.decide("vsftpd.pasv_address", "Address in PASV replies", "not set (the address the client dialled)",
			fmt.Sprintf("The host has the public address itself (nat none), so vsftpd's default is right: a PASV "+
				"reply carries the address the client connected to. Setting pasv_address here would only "+
				"break clients that reach the host by another address."))
	case s.NAT == NATDynamicDNS && s.Container != nil:
		d.warn("vsftpd.pasv_address", "Address in PASV replies", s.PublicAddress+" (pasv_addr_resolve=YES)",
			fmt.Sprintf("The public address changes, so vsftpd resolves %s and announces the result in PASV "+
				"replies; without it, clients are told to connect to %s, the host's private address, and every "+
				"listing times out (stock lftp, curl and FileZilla hide this by replacing the address; strict "+
				"clients do not). vsftpd resolves the name once, at start-up: when the address changes, "+
				"restart the container (have your dynamic-DNS client run %s restart %s after each update; "+
				"ftpswiz writes no refresh timer for a container), or PASV replies carry the old address.",
				s.PublicAddress, s.HostAddress, s.Container.Engine, s.Container.Name))
	case s.NAT == NATDynamicDNS:
		d.decide("vsftpd.pasv_address", "Address in PASV replies", s.PublicAddress+" (pasv_addr_resolve=YES)",
			fmt.Sprintf("The public address changes, so vsftpd resolves %[1]s and announces the result in PASV "+
				"replies; without it, clients are told to connect to %[2]s, the host's private address, and every "+
				"listing times out (stock lftp, curl and FileZilla hide this by replacing the address; strict "+
				"clients do not). vsftpd resolves the name only once, at start-up (gethostbyname: IPv4, the "+
				"first address), so after a change its PASV replies would keep the old address. ftpswiz's "+
				"timer %[3]s therefore runs %[4]s every %[5]d minutes: it looks %[1]s up as vsftpd does (getent "+
				"ahostsv4: the same /etc/hosts and DNS, IPv4, at most %[6]d seconds) and restarts vsftpd only when "+
				"the addresses differ from those recorded when it last started (ExecStartPre in a drop-in records "+
				"them in %[7]s, before vsftpd resolves the name itself, so a change in between costs one extra "+
				"restart and is never missed; /run is emptied at boot, when vsftpd resolves afresh). Every %[5]d "+
				"minutes: until vsftpd announces the new address every transfer fails, and a check costs one "+
				"lookup, so the timer adds at most %[5]d minutes to the dynamic-DNS client's own delay and the "+
				"DNS record's TTL. A lookup that fails or times out never restarts vsftpd (it exits at start-up with "+
				"\"500 OOPS: cannot resolve host\" when the name does not resolve; a vsftpd that failed so at boot "+
				"is started once the name resolves), "+
				"and neither does a private address (a router answering the name with its LAN address would have "+
				"PASV replies send clients there): both are logged (journalctl -u %[8]s). The restart ends the "+
				"sessions that are open. Once the old address no longer leads to this router (a PPP line's new "+
				"session takes it away) they are dead anyway, since their connections are addressed to it; where "+
				"the old address still reaches the router for a while after the change, they would have lived on "+
				"and are cut (a running transfer fails and must be retried).",
				s.PublicAddress, s.HostAddress, PasvRefreshTimer, PasvRefreshScript, PasvRefreshMinutes,
				PasvRefreshLookupSeconds, PasvRefreshStateDir, PasvRefreshService))
	case isIPv4(s.PublicAddress):
		d.decide("vsftpd.pasv_address", "Address in PASV replies", s.PublicAddress,
			fmt.Sprintf("vsftpd sits behind NAT (%s) and only knows its own address %s. Without pasv_address, "+
				"clients behind NAT are told to connect to %s, an address they cannot reach, and every listing "+
				"and transfer times out after a successful login. Stock lftp, curl and FileZilla hide the "+
				"mistake by replacing the address; strict clients, appliances and libraries do not. The value "+
				"must be a bare IPv4 address (quotes give \"500 OOPS: invalid pasv_address\" at the first PASV).",
				s.NAT, s.HostAddress, s.HostAddress))
	default:
		d.decide("vsftpd.pasv_address", "Address in PASV replies", s.PublicAddress+" (pasv_addr_resolve=YES)",
			fmt.Sprintf("vsftpd sits behind NAT (%s) and only knows its own address %s; clients dial the name "+
				"%s, so vsftpd resolves it (pasv_addr_resolve=YES, once at start-up: restart vsftpd if the "+
				"name's address changes) and announces the public address in PASV replies. Without it, clients "+
				"are told to connect to %s and every listing times out after a successful login.",
				s.NAT, s.HostAddress, s.PublicAddress, s.HostAddress))
	}
}

func (d *decider) decidePassive() {
	sp := d.p.Server
	sz := sp.Sizing
	d.decide("passive.range", "Passive port range",
		fmt.Sprintf("%s (%d ports)", sp.Passive, sz.Ports),
		fmt.Sprintf("Every listing, download and upload opens a new data connection to a port vsftpd picks "+
			"from this range and announces inside the encrypted control channel, so no firewall can "+
			"guess it: the whole range must be open (and forwarded, with port numbers unchanged, on a NAT "+
			"router) — but only this range, not every port above 1024. Sizing: %s", sz.Arithmetic()))
	// A client needs the range and where it is opened, not the server's
	// sizing model.
	d.p.Decisions[len(d.p.Decisions)-1].ForClient = fmt.Sprintf("Every listing, download and upload "+
		"opens a new data connection from the client to a port of %s that the server announces inside "+
		"the encrypted control channel: the client side's firewall and router must let these ports out "+
		"to the server (outbound only; nothing inbound). The range's size is the server's concern "+
		"(REPORT.md explains it).", sp.Passive)
}

func (d *decider) decideLimits() {
	c := d.a.Server.Capacity
	r := d.p.Server.Sizing.Ports
	sized := d.p.Server.Sizing.Transfers
	n := Listeners(d.a.FTPS.Mode, d.a.Server)
	admitted := n * c.Clients // sessions the limits admit at once, over every instance
	why := fmt.Sprintf("max_clients=%d caps the sessions vsftpd serves at once. A session moves one file at "+
		"a time, so this also caps the transfers that can hold a passive port at once.", c.Clients)
	if n > 1 {
		// Mode both: two instances, each with its own limit, one shared range.
		why = fmt.Sprintf("max_clients=%d caps the sessions each of the %d vsftpd instances serves at once, and "+
			"each instance counts only its own, so together they admit %d sessions at once. A session moves "+
			"one file at a time, so %d is also the most transfers that can hold a port of the shared passive "+
			"range at once. ftpswiz therefore sizes the range for %d x %d (concurrent_transfers per instance) = %d "+
			"transfers rather than splitting "+
			"the limit between the instances: a split would turn clients away from one mode while the other "+
			"is idle, and extra passive ports cost only firewall entries.", c.Clients, n, admitted, admitted,
			n, c.Transfers, sized)
	}
	if admitted == sized {
		it := "It equals"
		if n > 1 {
			it = fmt.Sprintf("The %d sessions both instances admit equal", admitted)
		}
		why += fmt.Sprintf(" %s the %d transfers the range was sized for, so the failure rate above "+
			"is the worst case.", it, sized)
	} else {
		why += fmt.Sprintf(" The range was sized for %d transfers at once; if all %d sessions transferred at "+
			"the same time, a PASV would fail with probability (%d/%d)^%d = %s (%s). "+
			"Raise concurrent_transfers to %d if that can happen.", sized, admitted, admitted, r,
			BindAttempts, FormatProbability(FailureProbability(admitted, r)), explain.Quote(explain.PassiveExhausted), c.Clients)
	}
	why += " A client turned away gets " + explain.Quote(explain.TooMany) + " and can retry."
	d.decide("vsftpd.max_clients", "Sessions at once", strconv.Itoa(c.Clients), why)
	d.decide("vsftpd.max_per_ip", "Sessions per client address", strconv.Itoa(c.PerClient),
		fmt.Sprintf("max_per_ip=%d. Everyone behind one NAT router (a customer's whole office) arrives from "+
			"one address, so a low per-address limit turns away a whole site once a few of its users "+
			"connect; parallel transfers in lftp, rclone or FileZilla also open several sessions each.",
			c.PerClient))
}

// decideClientMode words the FTPS mode for a plan of the client alone: the
// server's operator runs the server and decides; nothing about vsftpd.
func (d *decider) decideClientMode() {
	f := d.a.FTPS
	const ask = " The server's operator decides which kind their server speaks: ask them if unsure; a " +
		"client set to the other kind hangs in the handshake or is refused."
	switch f.Mode {
	case ModeExplicit:
		d.decide("ftps.mode", "FTPS mode", fmt.Sprintf("explicit (AUTH TLS) to port %d", f.ExplicitPort),
			fmt.Sprintf("Your clients connect to port %d, read a plain-text greeting, send AUTH TLS and "+
				"continue encrypted (ftp:// with TLS required). A firewall or middlebox on your side with "+
				"an FTP helper can latch onto the clear-text start and interfere.", f.ExplicitPort)+ask)
	case ModeImplicit:
		d.decide("ftps.mode", "FTPS mode", fmt.Sprintf("implicit to port %d", f.ImplicitPort),
			fmt.Sprintf("Your clients start TLS with the first byte on port %d (ftps:// URLs), so "+
				"FTP-aware middleboxes on your side see nothing to interfere with.", f.ImplicitPort)+ask)
	case ModeBoth:
		d.decide("ftps.mode", "FTPS mode", fmt.Sprintf("explicit to %d, implicit to %d", f.ExplicitPort, f.ImplicitPort),
			fmt.Sprintf("The server offers both kinds: explicit FTPS (AUTH TLS) on port %d and implicit "+
				"FTPS on port %d. Your firewall allows both; the client configs use the explicit port "+
				"first.", f.ExplicitPort, f.ImplicitPort)+ask)
	}
}

func (d *decider) decideActive() {
	f := d.a.FTPS
	if d.a.Server == nil && !f.ActiveMode {
		d.decide("ftps.active_mode", "Active mode", "off (passive mode only)",
			"The client configs use passive mode: your clients open every connection, the control "+
				"connection and each data connection, so your firewall needs nothing inbound. Active mode "+
				"(the server connecting back to a port your client names inside the encrypted control "+
				"channel) fails through NAT and firewalls under TLS. If the server's operator says their "+
				"server needs active mode, ask them why: nearly every FTPS server offers passive mode.")
		return
	}
	if !f.ActiveMode {
		d.decide("ftps.active_mode", "Active mode", "off (port_enable=NO)",
			"Active mode (PORT/EPRT) makes the server connect back to the client on a port the client names "+
				"inside the encrypted control channel. No NAT router or firewall on the client side can "+
				"follow that under TLS, so it fails for nearly every client. Passive mode only: the client "+
				"opens every connection, and the client side needs nothing inbound.")
		return
	}
	d.warn("ftps.active_mode", "Active mode", "on (port_enable=YES, connect_from_port_20=YES)",
		"Active mode is on because you asked for it. The server connects from port 20 to a port the client "+
			"names inside the encrypted control channel, so the client's firewall must accept inbound "+
			"connections from the server on ports 1024-65535, and it cannot work at all for a client behind "+
			"NAT (no router can read the encrypted PORT command). Use it only for clients with a public "+
			"address that cannot do passive mode.")
}

func (d *decider) decideTLS(fl flavourInfo) {
	s := d.a.Server
	d.decide("tls.required", "TLS required", "ssl_enable=YES, force_local_logins_ssl=YES, force_local_data_ssl=YES",
		"Passwords and files are only ever sent encrypted: vsftpd refuses a login before TLS ("+
			explain.Quote(explain.TLSRequired)+") and a data connection without PROT P (\""+
			explain.Get(explain.TLSRequired).Replies[1]+"\"). Anonymous FTP is off, so allow_anon_ssl is too.")
	sp := d.p.Server
	sp.TLS13 = IsTrue(s.TLS.AllowTLS13, false)
	if !sp.TLS13 && fl.TLSOption(vsftpd.TLS13) == "" {
		sp.OpenSSLConf = VsftpdOpenSSLConfPath
	}
	vers := ProfileVersions(s.TLS.Profile, sp.TLS13)
	why := fmt.Sprintf("The %s profile (after Mozilla's server-side TLS guidelines) allows %s. SSLv2, SSLv3 "+
		"and TLS 1.0 are switched off with ssl_sslv2/ssl_sslv3/ssl_tlsv1=NO.", s.TLS.Profile, strings.Join(vers, " and "))
	if fl.TLSOption(vsftpd.TLS11) == "" {
		why += " vsftpd 3.0.3 has no option for TLS 1.1; OpenSSL 3's default security level refuses it (do " +
			"not add @SECLEVEL=0 to ssl_ciphers, which would bring it back)."
	} else {
		why += fmt.Sprintf(" This build's %s, %s and %s are set explicitly.", fl.TLSOption(vsftpd.TLS11), fl.TLSOption(vsftpd.TLS12), fl.TLSOption(vsftpd.TLS13))
	}
	defect := "over TLS 1.3, uploads to vsftpd are intermittently cut short with " + explain.Quote(explain.UploadEOF) +
		" (measured in ftpswiz's lab: 17 of 48 strict lftp uploads and 2 of 48 curl uploads " +
		"failed; none over TLS 1.2). vsftpd sends TLS 1.3 session tickets on the data connection that an " +
		"uploading client never reads, so the client's close turns into a TCP reset that can destroy the " +
		"last records before vsftpd has read them (reported upstream as well)."
	switch {
	case sp.TLS13:
		d.warn("tls.protocols", "TLS versions", strings.Join(vers, ", "), why+" TLS 1.3 is on because you "+
			"asked for it, but "+defect+" Check every upload's result, or set allow_tls13: false.")
		d.decideTLSRest(fl)
		return
	case sp.OpenSSLConf != "":
		why += fmt.Sprintf(" TLS 1.3 is capped: %s TLS 1.2 still resumes sessions by session ID, so "+
			"require_ssl_reuse keeps working. This build has no option for TLS 1.3, so OpenSSL's own "+
			"configuration caps it: %s (MaxProtocol = TLSv1.2) is given to vsftpd through OPENSSL_CONF by a "+
			"systemd drop-in.", defect, sp.OpenSSLConf)
	default:
		why += fmt.Sprintf(" TLS 1.3 is off (%s=NO): %s TLS 1.2 still resumes sessions by session ID, so "+
			"require_ssl_reuse keeps working.", fl.TLSOption(vsftpd.TLS13), defect)
	}
	d.decide("tls.protocols", "TLS versions", strings.Join(vers, ", "), why)
	d.decideTLSRest(fl)
}

func (d *decider) decideTLSRest(fl flavourInfo) {
	s := d.a.Server
	d.decideCiphers()
	reuse := IsTrue(s.TLS.RequireSSLReuse, true)
	if reuse {
		d.decide("tls.require_ssl_reuse", "TLS session reuse on data connections", "required (require_ssl_reuse=YES)",
			"vsftpd demands that each data connection resumes the control connection's TLS session. That "+
				"proves the data connection comes from the logged-in client, not from someone who raced to the "+
				"announced passive port. lftp, curl, FileZilla, WinSCP and rclone (with tls_cache_size) do "+
				"this; Python's stock ftplib does not and gets "+explain.Quote(explain.SessionReuse)+
				" (the generated Python script handles it).")
	} else {
		d.warn("tls.require_ssl_reuse", "TLS session reuse on data connections", "not required (require_ssl_reuse=NO)",
			"You switched session reuse off, so vsftpd accepts a data connection that does not resume the "+
				"control connection's TLS session. That lets clients without session resumption work, but "+
				"anyone who connects to the announced passive port first (from the same address, as "+
				"pasv_promiscuous is off) can take over the transfer. Prefer fixing the client.")
	}
	d.decideCert()
}

func (d *decider) decideUsers(fl flavourInfo) {
	sp := d.p.Server
	d.decide("vsftpd.anonymous", "Anonymous FTP", "off (anonymous_enable=NO)",
		"Only local accounts log in. Anonymous FTP over TLS makes little sense and is a common source of "+
			"leaks and abuse.")
	d.decide("vsftpd.local_users", "Local accounts", "local_enable=YES, pam_service_name=vsftpd",
		"Users log in with local system accounts through PAM. Debian's PAM stack checks pam_shells (an "+
			"account whose shell is not in /etc/shells, such as /usr/sbin/nologin, gets "+
			explain.Quote(explain.LoginRefused)+") and the /etc/ftpusers deny list.")
	if len(sp.Users) > 0 {
		d.decide("vsftpd.userlist", "Who may log in", strings.Join(sp.Users, ", "),
			fmt.Sprintf("Only the accounts listed in %s may log in (userlist_enable=YES, userlist_deny=NO): "+
				"other system accounts are refused before a password is even asked. Add a line there for "+
				"each new FTPS user.", sp.UserListPath))
	} else {
		d.warn("vsftpd.userlist", "Who may log in", "every local account not in /etc/ftpusers",
			"No user list was given, so every local account with a valid shell may log in over FTPS. "+
				"List the FTPS accounts (server.vsftpd.users) to turn this into an allow-list.")
	}
	d.decide("vsftpd.chroot", "Users locked into their directory",
		fmt.Sprintf("%s/<user>, writable %s/", sp.LocalRoot, sp.UploadDir),
		fmt.Sprintf("Each user is locked (chroot_local_user=YES) into %s/<user>, which must be owned by root "+
			"and not writable by the user, with a writable %s/ inside it; vsftpd refuses a writable chroot "+
			"root ("+explain.Quote(explain.ChrootWritable)+"). "+
			"allow_writeable_chroot=YES would silence that, but lets a user plant files such as "+
			"etc/passwd in their own root, the attack the check exists for.", sp.LocalRoot, sp.UploadDir))
	if sp.WriteEnable {
		d.decide("vsftpd.write", "Uploads", "allowed (write_enable=YES, local_umask=022)",
			"Users may upload, rename and delete inside their upload directory. Debian ships write_enable "+
				"off, which shows up as "+explain.Quote(explain.UploadDenied)+" on every upload.")
	} else {
		d.decide("vsftpd.write", "Uploads", "refused (write_enable=NO)",
			"Users may only download: every upload gets "+explain.Quote(explain.UploadDenied)+".")
	}
	d.decide("vsftpd.hardening", "Session hygiene", "idle and data timeouts, hidden ids, logging",
		"Idle sessions are closed after 5 minutes and stalled data connections after 2, so dead clients do "+
			"not hold sessions (and passive ports) forever; listings show ftp instead of real user and group "+
			"names; transfers are logged to /var/log/vsftpd.log.")
	if fl.SeccompOff {
		d.decide("vsftpd.seccomp", "seccomp sandbox", "off (seccomp_sandbox=NO)",
			"vsftpd 3.0.5's seccomp filter predates newer C libraries' system calls, which kills sessions "+
				"with \"500 OOPS: priv_sock_get_cmd\" or a child died error on current distributions; "+
				"Debian switches it off for the same reason. The other sandboxing (privilege separation, "+
				"chroot, isolation) stays on.")
	}
}

// options lays out one instance's vsftpd.conf, grouped by decision.
func (d *decider) options(in Instance, fl flavourInfo) []Option {
	a := d.a
	s := a.Server
	sp := d.p.Server
	var out []Option
	add := func(decision string, kv ...string) {
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, Option{Key: kv[i], Value: kv[i+1], Decision: decision})
		}
	}
	onlyV4 := len(in.Families) == 1 && in.Families[0] == FamilyIPv4
	switch {
	case onlyV4 || len(in.Families) == 0:
		add("vsftpd.listen", "listen", "YES", "listen_ipv6", "NO")
	case sp.SplitListeners:
		add("vsftpd.listen", "listen", "NO", "listen_ipv6", "YES", "listen_address6", sp.IPv6Address)
	default:
		add("vsftpd.listen", "listen", "NO", "listen_ipv6", "YES")
	}
	add("ftps.mode", "listen_port", strconv.Itoa(in.Port))
	add("tls.required", "ssl_enable", "YES")
	if in.Implicit {
		add("ftps.mode", "implicit_ssl", "YES")
	}
	add("tls.required", "allow_anon_ssl", "NO", "force_local_logins_ssl", "YES", "force_local_data_ssl", "YES")
	modern := s.TLS.Profile == ProfileModern
	for _, v := range vsftpd.TLSVersions() {
		val := "NO"
		switch v {
		case vsftpd.TLS12:
			val = yesNo(!modern)
		case vsftpd.TLS13:
			val = yesNo(sp.TLS13)
		}
		if k := fl.TLSOption(v); k != "" {
			add("tls.protocols", k, val)
		}
	}
	add("tls.ciphers", "ssl_ciphers", sp.Cert.Ciphers())
	add("tls.require_ssl_reuse", "require_ssl_reuse", yesNo(IsTrue(s.TLS.RequireSSLReuse, true)))
	add("tls.certificate", "rsa_cert_file", s.TLS.CertFile, "rsa_private_key_file", s.TLS.KeyFile)
	add("passive.range", "pasv_enable", "YES",
		"pasv_min_port", strconv.Itoa(sp.Passive.First), "pasv_max_port", strconv.Itoa(sp.Passive.Last))
	if (s.NAT.Behind() || bridged(s)) && (onlyV4 || len(in.Families) == 0) {
		add("vsftpd.pasv_address", "pasv_address", s.PublicAddress)
		if !sp.PublicIsIP {
			add("vsftpd.pasv_address", "pasv_addr_resolve", "YES")
		}
	}
	if a.FTPS.ActiveMode {
		add("ftps.active_mode", "port_enable", "YES", "connect_from_port_20", "YES")
	} else {
		add("ftps.active_mode", "port_enable", "NO", "connect_from_port_20", "NO")
	}
	add("vsftpd.max_clients", "max_clients", strconv.Itoa(s.Capacity.Clients))
	add("vsftpd.max_per_ip", "max_per_ip", strconv.Itoa(s.Capacity.PerClient))
	add("vsftpd.anonymous", "anonymous_enable", "NO")
	add("vsftpd.local_users", "local_enable", "YES", "pam_service_name", "vsftpd")
	if sp.UserListPath != "" {
		add("vsftpd.userlist", "userlist_enable", "YES", "userlist_deny", "NO", "userlist_file", sp.UserListPath)
	}
	add("vsftpd.chroot", "chroot_local_user", "YES", "user_sub_token", "$USER",
		"local_root", sp.LocalRoot+"/$USER")
	if fl.SecureChroot != "" {
		add("vsftpd.chroot", "secure_chroot_dir", fl.SecureChroot)
	}
	if sp.WriteEnable {
		add("vsftpd.write", "write_enable", "YES", "local_umask", "022")
	} else {
		add("vsftpd.write", "write_enable", "NO")
	}
	add("vsftpd.hardening", "idle_session_timeout", "300", "data_connection_timeout", "120",
		"hide_ids", "YES", "xferlog_enable", "YES", "vsftpd_log_file", "/var/log/vsftpd.log")
	if fl.SeccompOff {
		add("vsftpd.seccomp", "seccomp_sandbox", "NO")
	}
	return out
}

// decideClientIPv6 explains the client side's families: the IPv6 path when
// it is planned, a warning when the name has an AAAA record but it is not.
func (d *decider) decideClientIPv6(cp *ClientPlan) {
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
				"allow the control port(s) and the passive range to it over IPv6 as well, routed without NAT, with "+
				"the ICMPv6 IPv6 needs (packet too big, neighbour discovery). Over IPv6 clients use EPSV (RFC 2428), "+
				"whose 229 reply carries only a port: no address can be wrong, so no pasv_address is involved. "+
				"When the name has both records, clients try IPv6 first and fall back to IPv4.", cp.IPv6Prefix, to))
	case cp.DNSRecords.HasAAAA():
		d.warn("client.ipv6", "IPv6 path not planned", "the name has an AAAA record, the client side plans IPv4 only",
			fmt.Sprintf("%s has an AAAA record, so clients with IPv6 connect over IPv6 first, but no client.ipv6_prefix "+
				"was given, so the client side's rules allow IPv4 only: the IPv6 attempt is dropped and each "+
				"connection waits for a timeout before falling back to IPv4 (or fails, for clients that do not fall "+
				"back). Give client.ipv6_prefix to plan the IPv6 path, or make the clients use IPv4 (lftp: set "+
				"dns:order \"inet\"; curl: --ipv4).", cp.ServerAddress))
	}
}

func (d *decider) passiveRange() PortRange {
	if d.p.Server != nil {
		return d.p.Server.Passive
	}
	return d.p.Client.Passive
}
