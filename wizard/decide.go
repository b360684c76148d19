package wizard

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Decide validates the answers and turns them into an explained Plan. It is
// pure: the same answers always give the same plan. Invalid answers return a
// *ValidationError listing every problem.
//
// A vsftpd flavour of "auto" must be resolved by the caller (which can look
// at the installed binary); Decide treats it as debian-3.0.3, the most common
// build, and records the flavour it used in Plan.Answers.
func Decide(a Answers) (*Plan, error) {
	v := variantFor(a.Protocol)
	a = v.prepare(a)
	a = Normalize(a)
	if err := Validate(a); err != nil {
		return nil, err
	}
	if err := v.check(a); err != nil {
		return nil, err
	}
	d := &decider{a: a, p: &Plan{Answers: a}, v: v}
	d.role()
	v.decideProtocol(d)
	if a.Server != nil {
		d.p.Server = serverBase(a.Server)
		v.server(d)
	}
	if a.Client != nil {
		d.client()
	}
	d.firewalls()
	d.pitfalls()
	d.p.Complete()
	return d.p, nil
}

// protocolVariant is what one protocol contributes to a plan. Decide and the
// skeleton in this file decide what every plan has (role, addresses, the
// client side, the firewall decisions both protocols share, admin SSH, the
// order of everything) and call the variant at fixed points for the rest:
// ftpsVariant (decide_ftps.go) plans vsftpd, sftpVariant (decide_sftp.go)
// plans sshd. variantFor is the one place that looks at the protocol.
type protocolVariant interface {
	// prepare fills in, before Normalize, what only this protocol defaults
	// (the vsftpd flavour).
	prepare(a Answers) Answers
	// check refuses, after Validate, answers the variant cannot plan.
	check(a Answers) error
	// decideProtocol decides the protocol's own settings (mode, active
	// mode), with or without a server.
	decideProtocol(d *decider)
	// server plans the server's service; d.p.Server holds serverBase.
	server(d *decider)
	// clientService fills the client plan's view of the service (passive
	// range, endpoints, IPv6 address, records) and returns the families the
	// server is reachable over.
	clientService(d *decider, cp *ClientPlan) []Family
	// clientNATWhy explains a client network behind NAT (masquerade or
	// CGNAT) for this protocol.
	clientNATWhy(c *Client) string
	// clientServer words the client.server decision of a client alone.
	clientServer(d *decider, cp *ClientPlan) (value, why string)
	// clientSoftwareWhy explains the client configs, given each client's note.
	clientSoftwareWhy(notes []string) string
	// clientIPv6 explains the client side's families.
	clientIPv6(d *decider, cp *ClientPlan)
	// firewallsNote is appended to the firewall.backends explanation.
	firewallsNote() string
	// servers names the server the plan configures and someone else's, for
	// the role decision ("the vsftpd server", "someone else's FTPS server").
	servers() (own, others string)
	// hostFirewall words the firewall.server_host decision; allowed is
	// who may connect, worded.
	hostFirewall(d *decider, allowed string) (value, why string)
	// hostFlows writes the server host's inbound (and outbound) flows.
	hostFlows(d *decider)
	// routerFlows decides the server's NAT router and writes its flows; to
	// is the public address the forward matches, or empty.
	routerFlows(d *decider, to string)
	// cloudNAT and manualForward word the firewall.server_router decision
	// for a one-to-one cloud NAT and for a router configured by hand.
	cloudNAT(d *decider) (value, why string)
	manualForward(d *decider) (value, why string)
	// controlFlows writes the flows of the service's connections on f's
	// side and direction.
	controlFlows(d *decider, f Flow)
	// pitfalls lists what goes wrong with this protocol, in order.
	pitfalls(d *decider, add func(symptom, cause, fix string))
}

// variantFor picks the protocol variant. An empty or unknown protocol is
// FTPS, as Normalize defaults it (and Validate refuses an unknown one).
func variantFor(p Protocol) protocolVariant {
	if p == ProtocolSFTP {
		return sftpVariant{}
	}
	return ftpsVariant{}
}

// serverBase is the part of the server plan both protocols share.
func serverBase(s *Server) *ServerPlan {
	return &ServerPlan{
		PublicAddress:  s.PublicAddress,
		PublicIsIP:     isIPv4(s.PublicAddress),
		HostAddress:    s.HostAddress,
		NAT:            s.NAT,
		Router:         s.Router,
		AllowedClients: s.AllowedClients,
		AdminNetwork:   s.AdminNetwork,
		SSHPort:        s.SSHPort,
	}
}

type decider struct {
	a Answers
	p *Plan
	v protocolVariant
}

func (d *decider) decide(key, title, value, why string) {
	d.p.Decisions = append(d.p.Decisions, Decision{Key: key, Title: title, Value: value, Why: why})
}

func (d *decider) warn(key, title, value, why string) {
	d.p.Decisions = append(d.p.Decisions, Decision{Key: key, Title: title, Value: value, Why: why, Warning: true})
}

func (d *decider) role() {
	var why string
	own, others := d.v.servers()
	switch d.a.Role {
	case RoleServer:
		why = "You run " + own + ". ftpswiz writes its config, the firewall rules of the server host " +
			"and of its NAT router where there is one, and a handout telling the people who connect what " +
			"their own firewall must allow."
	case RoleClient:
		why = "You connect to " + others + " through your own firewall. ftpswiz writes the " +
			"egress rules your firewall needs and the settings of your client software; the server's " +
			"operator must open the same ports on their side."
	case RoleBoth:
		why = "You plan both ends: the server behind its firewall and the client behind its own. ftpswiz " +
			"writes both sides so they agree on every port: the server side opens them inbound, the " +
			"client side allows them outbound."
	}
	d.decide("role", "Role", string(d.a.Role), why)
}

// machine and nothing else.
func (d *decider) warnLoopback(field, addr string) {
	if a, err := netip.ParseAddr(addr); err != nil || !a.IsLoopback() {
		return
	}
	d.warn("address.loopback", "Loopback address", addr,
		fmt.Sprintf("%s is %s, a loopback address: only a client on the same machine can reach it, so "+
			"this plan suits a test on one machine and nothing else. For real clients, set %s to the "+
			"address or DNS name they dial (with NAT, the router's public address) and regenerate.",
			field, addr, field))
}

// ---- client ----------------------------------------------------------------

func (d *decider) client() {
	a := d.a
	c := a.Client
	if a.Server == nil {
		d.warnLoopback("client.server_address", c.ServerAddress)
	}
	cp := &ClientPlan{
		NAT:           c.NAT,
		Router:        c.Router,
		LANCIDR:       c.LANCIDR,
		HostFirewall:  c.HostFirewall,
		Software:      c.Software,
		User:          c.User,
		ServerAddress: c.ServerAddress,
		IPv6Prefix:    c.IPv6Prefix,
	}
	if a.Server != nil {
		cp.ServerAddress = a.Server.PublicAddress
	}
	cp.ServerIsIP = isIPv4(cp.ServerAddress)
	for _, f := range d.v.clientService(d, cp) {
		if f == FamilyIPv4 || c.IPv6Prefix != "" {
			cp.Families = append(cp.Families, f)
		}
	}
	d.p.Client = cp

	switch c.NAT {
	case ClientNATNone:
		d.decide("client.nat", "Client network", "public address, no NAT",
			"The client host has its own public address. Its firewall only needs to let the connections "+
				"to the server out and their replies back in; nothing new comes in.")
	case ClientNATMasquerade:
		d.decide("client.nat", "Client network", fmt.Sprintf("%s masqueraded by your router (%s)", c.LANCIDR, c.Router.WANName()),
			d.v.clientNATWhy(c))
	case ClientNATCGNAT:
		d.decide("client.nat", "Client network", "carrier-grade NAT (nothing to configure there)", d.v.clientNATWhy(c))
	}
	if a.Server == nil {
		value, why := d.v.clientServer(d, cp)
		d.decide("client.server", "Server", value, why)
	}
	d.v.clientIPv6(d, cp)
	var notes []string
	for _, sw := range c.Software {
		notes = append(notes, clientNote(a.Protocol, sw))
	}
	d.decide("client.software", "Client software", strings.Join(strs(c.Software), ", "), d.v.clientSoftwareWhy(notes))
	if d.clientUserPlaceholder() {
		d.warn(KeyClientUser, "Login name", c.User+" (a placeholder)",
			fmt.Sprintf("The client configs and the test commands log in as %s, ftpswiz's placeholder for a "+
				"client.user the answers leave empty, and no account of this plan has that name. Unless the "+
				"server's operator gave you exactly %s, set client.user to the login they gave you and "+
				"regenerate, or replace %s in every file under client/.", c.User, c.User, c.User))
	}
}

// KeyClientUser is the decision that says the client's login is ftpswiz's
// placeholder (clientUserPlaceholder).
const KeyClientUser = "client.user"

// clientUserPlaceholder reports whether the client logs in as
// DefaultClientUser without the plan's server creating that account: the
// login is then Normalize's stand-in for an empty client.user (or the same
// word typed), which the client's administrator must replace. Decided from
// the normalised answers, so answers.yaml (which has the stand-in written
// out) reproduces it.
func (d *decider) clientUserPlaceholder() bool {
	user := d.p.Client.User
	if user != DefaultClientUser {
		return false
	}
	var accounts []string
	switch {
	case d.p.SFTP != nil:
		accounts = d.p.SFTP.Users
	case d.p.Server != nil:
		accounts = d.p.Server.Users
	}
	return !slices.Contains(accounts, user)
}

// ---- firewalls and the port map ---------------------------------------------

func (d *decider) firewalls() {
	a := d.a
	names := strs(a.Firewalls)
	// How the rules join each box's own firewall is that box's use (its
	// decision below): this text only points there, so the two never
	// disagree.
	why := "Rules are written for each chosen backend and each side that needs them; none of them flushes " +
		"the whole ruleset. How they join a box's own firewall is the box's use, decided below: on a " +
		"shared box (every router by default) they only add, inside its own table or chains; a dedicated " +
		"box gets ftpswiz's complete policy, for a box with no firewall of its own (an accept in one " +
		"nftables table does not override a drop in another)." + d.v.firewallsNote()
	d.decide("firewall.backends", "Firewall rules written for", strings.Join(names, ", "), why)
	if a.Server != nil {
		d.serverFlows()
	}
	if a.Client != nil {
		d.clientFlows()
	}
	d.boxDecisions()
}

func (d *decider) flow(f Flow) { d.p.Flows = append(d.p.Flows, f) }

// controlFlows writes the flows of the service's connections (the variant's
// ports) on f's side and direction.
func (d *decider) controlFlows(f Flow) { d.v.controlFlows(d, f) }

func (d *decider) adminSSH() {
	s := d.a.Server
	if s.AdminNetwork == AnyIPv4 {
		d.warn("firewall.admin_ssh", "SSH access", fmt.Sprintf("port %d from anywhere", s.SSHPort),
			fmt.Sprintf("The host firewall keeps SSH (port %d) open so applying it cannot lock you out, but "+
				"from anywhere, because no admin network was given. Set server.admin_network to the network "+
				"you administer from (e.g. 192.0.2.0/24) to close it to everyone else.", s.SSHPort))
	} else {
		nets := strings.Join(s.AdminNetworks(), " and ")
		why := fmt.Sprintf("SSH (port %d) stays open from your admin network %s, so applying the host firewall "+
			"never locks you out; make sure the address you are connected from is inside it before you "+
			"apply the rules.", s.SSHPort, nets)
		if len(d.p.Server.Families) > 1 && s.AdminNetworkIPv6 == "" {
			other := FamilyIPv6
			if CIDRFamily(s.AdminNetwork) == FamilyIPv6 {
				other = FamilyIPv4
			}
			why += fmt.Sprintf(" The host is reached over IPv4 and IPv6, but the admin network is %s only, so SSH over "+
				"%s stays closed on the host; to administer over %s as well, give server.admin_network_ipv6 (the "+
				"IPv6 network; admin_network takes the IPv4 one).", CIDRFamily(s.AdminNetwork).Title(), other.Title(), other.Title())
		}
		d.decide("firewall.admin_ssh", "SSH access", fmt.Sprintf("port %d from %s", s.SSHPort, nets), why)
	}
}

func hostRest(b BoxFirewall) string {
	if b.Shared() {
		return "added to the host's own firewall, nothing else changed"
	}
	return "everything else dropped (IPv6: SSH stays open, the rest as IPv4)"
}

// hostRestWhy is the reason's last sentence for the rest of a host's
// traffic: dropped on a dedicated host, the host's own rules' on a shared one.
func hostRestWhy(b BoxFirewall) string {
	if b.Shared() {
		return "these rules only add accepts to the host's own firewall, which goes on deciding everything else."
	}
	return "everything else is dropped."
}

// serverFlows decides the server side's firewalls: the host's (the
// variant's ports, admin SSH) and the NAT in front of it.
func (d *decider) serverFlows() {
	s := d.a.Server
	value, why := d.v.hostFirewall(d, allowedText(s.AllowedClients))
	d.decide("firewall.server_host", "Server host firewall", value, why)
	d.adminSSH()
	d.v.hostFlows(d)
	switch {
	case s.Router != nil:
		to := ""
		if d.p.Server.PublicIsIP && s.NAT == NATOneToOne {
			to = s.PublicAddress + "/32"
		}
		d.v.routerFlows(d, to)
	case s.NAT == NATOneToOne:
		value, why := d.v.cloudNAT(d)
		d.decide("firewall.server_router", "Cloud NAT and security group", value, why)
	case s.NAT == NATPortForward || s.NAT == NATDynamicDNS:
		value, why := d.v.manualForward(d)
		d.decide("firewall.server_router", "Server's NAT router", value, why)
	}
}

// allowedText words the clients the server admits: "anywhere", or the list.
func allowedText(clients []string) string {
	if len(clients) == 1 && clients[0] == AnyIPv4 {
		return "anywhere"
	}
	return strings.Join(clients, ", ")
}

func (d *decider) clientFlows() {
	c := d.p.Client
	to, toWhy := "", ""
	switch {
	case d.a.Server != nil && d.a.Server.NAT == NATDynamicDNS:
		toWhy = fmt.Sprintf("any address, because %s changes address", c.ServerAddress)
	case c.ServerIsIP:
		to = c.ServerAddress + "/32"
	default:
		toWhy = fmt.Sprintf("any address, because %s is a name; pin its address here if it is stable", c.ServerAddress)
	}
	dest := c.ServerAddress
	if toWhy != "" {
		dest = toWhy
	}
	ports := []string{}
	for _, e := range c.Endpoints {
		ports = append(ports, strconv.Itoa(e.Port))
	}
	what := "the server's SFTP port"
	tail := " SFTP needs no other port in either direction."
	if !c.Passive.IsZero() {
		ports = append(ports, c.Passive.String())
		what = "the server's control port(s) and passive range"
		tail = " Passive mode needs no inbound rule and no port forward on your side. A strict egress " +
			"filter that allows only the control port lets you log in, then hangs on the first listing."
	}
	to6 := ""
	if c.ServerIPv6Address != "" {
		to6 = c.ServerIPv6Address + "/128"
	}
	v4, v6 := HasFamily(c.Families, FamilyIPv4), HasFamily(c.Families, FamilyIPv6)
	switch c.NAT {
	case ClientNATMasquerade:
		d.decide("firewall.client_egress", "Client's router",
			fmt.Sprintf("forward tcp %s from %s to %s; nothing inbound", strings.Join(ports, ", "), c.LANCIDR, dest),
			fmt.Sprintf("Your router lets %s open connections to %s and lets the replies back; nothing new "+
				"comes in.%s", c.LANCIDR, what, tail))
		if v4 {
			d.controlFlows(Flow{Side: SideClientRouter, Direction: Forward, From: []string{c.LANCIDR}, To: to, Family: FamilyIPv4})
		}
		if v6 {
			d.controlFlows(Flow{Side: SideClientRouter, Direction: Forward, From: []string{c.IPv6Prefix}, To: to6, Family: FamilyIPv6})
		}
	default:
		d.decide("firewall.client_egress", "Client host firewall",
			fmt.Sprintf("outbound tcp %s to %s; nothing inbound", strings.Join(ports, ", "), dest),
			fmt.Sprintf("The client host may open connections to %s and gets the replies back; nothing new "+
				"comes in.%s", what, tail))
		if v4 {
			d.controlFlows(Flow{Side: SideClientHost, Direction: Outbound, To: to, Family: FamilyIPv4})
		}
		if v6 {
			d.controlFlows(Flow{Side: SideClientHost, Direction: Outbound, To: to6, Family: FamilyIPv6})
		}
		if c.ActiveMode && c.NAT == ClientNATNone {
			d.flow(Flow{Side: SideClientHost, Direction: Inbound, Purpose: PurposeActive,
				Ports: PortRange{First: 1024, Last: 65535}, SourcePorts: Port(20), From: []string{orAny(to)},
				Decision: "ftps.active_mode", Warning: true,
				Why: "active mode: the server connects back from port 20"})
		}
	}
	if c.ActiveMode && c.NAT != ClientNATNone {
		d.warn("client.active_mode", "Active mode on the client side", "cannot work behind this NAT",
			fmt.Sprintf("Active mode is on, but the client is behind %s: the server's connection back to the "+
				"client would need a port forward to a port named inside the encrypted control channel, which no "+
				"router can follow. Clients here must use passive mode.", c.NAT))
	}
}

func orAny(cidr string) string {
	if cidr == "" {
		return AnyIPv4
	}
	return cidr
}

// ---- pitfalls ---------------------------------------------------------------

func (d *decider) pitfalls() {
	d.v.pitfalls(d, func(symptom, cause, fix string) {
		d.p.Pitfalls = append(d.p.Pitfalls, Pitfall{Symptom: symptom, Cause: cause, Fix: fix})
	})
}
