package wizard

import (
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/ftpswiz/ftpswiz/internal/chars"
)

// Validate checks normalised answers and returns a *ValidationError listing
// every problem, or nil.
func Validate(a Answers) error {
	v := &validator{}
	v.answers(a)
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Fields: v.errs}
}

type validator struct {
	errs []*FieldError
	sftp bool // protocol sftp
}

func (v *validator) add(field, fix, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...), Fix: fix})
}

// listLength refuses a list longer than MaxListItems (the decoder does too;
// answers built in code reach only this check).
func (v *validator) listLength(field string, n int) bool {
	if n > MaxListItems {
		v.add(field, fmt.Sprintf("list at most %d items", MaxListItems), "has %d items, more than %d", n, MaxListItems)
		return false
	}
	return true
}

func (v *validator) enum(field string, got string, valid []string) bool {
	if slices.Contains(valid, got) {
		return true
	}
	if got == "" {
		v.add(field, "use one of: "+strings.Join(valid, ", "), "is missing")
		return false
	}
	v.add(field, "use one of: "+strings.Join(valid, ", "), "%q is not a valid value", got)
	return false
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func (v *validator) answers(a Answers) {
	if a.Version != SchemaVersion {
		v.add("version", fmt.Sprintf("set version: %d", SchemaVersion),
			"version %d is not supported by this ftpswiz (it reads version %d)", a.Version, SchemaVersion)
	}
	if v.enum("protocol", string(a.Protocol), strs(Protocols())) && a.Protocol == ProtocolSFTP {
		v.sftp = true
	}
	if v.sftp && a.Constraints.PartnerRequiresFTPS {
		v.add("constraints.partner_requires_ftps", "set protocol: ftps, or remove partner_requires_ftps if the other side can use SFTP",
			"says the other side accepts only FTP or FTPS, but protocol is sftp")
	}
	if v.sftp && a.Constraints.ClientCertificates {
		v.add("constraints.client_certificates", "set protocol: ftps (SFTP authenticates with SSH keys, not X.509), or remove client_certificates",
			"says users log in with X.509 client certificates, but protocol is sftp")
	}
	roleOK := v.enum("role", string(a.Role), strs(Roles()))
	switch {
	case v.sftp && a.FTPS != (FTPS{}):
		v.add("ftps", "remove the ftps: section, or set protocol: ftps", "is given, but protocol is sftp")
	case v.sftp:
		v.sftpSection(a.SFTP, a.Server)
	case a.SFTP != nil:
		v.add("sftp", "remove the sftp: section, or set protocol: sftp", "is given, but protocol is ftps")
		v.ftps(a.FTPS)
	default:
		v.ftps(a.FTPS)
	}
	if roleOK {
		switch {
		case a.Role.HasServer() && a.Server == nil:
			v.add("server", "add a server: section (public_address, nat, capacity.concurrent_transfers)",
				"is required for role %s", a.Role)
		case !a.Role.HasServer() && a.Server != nil:
			v.add("server", "remove the server: section, or set role: both to plan the server too",
				"is given, but role %s plans only the client", a.Role)
		}
		switch {
		case a.Role.HasClient() && a.Client == nil:
			v.add("client", "add a client: section (nat, software; with role client also server_address and passive_ports)",
				"is required for role %s", a.Role)
		case !a.Role.HasClient() && a.Client != nil:
			v.add("client", "remove the client: section, or set role: both to plan the client too",
				"is given, but role %s plans only the server", a.Role)
		}
	}
	if a.Server != nil {
		v.server(a.Server, a.FTPS)
	}
	if a.Client != nil {
		v.client(a.Client, a.Role, a.FTPS)
	}
	if a.Client != nil && a.Client.IPv6Prefix == "" {
		only6 := (a.Server != nil && a.Server.DNSRecords == RecordsAAAA) ||
			(a.Server == nil && a.Client.DNSRecords == RecordsAAAA)
		if only6 {
			v.add("client.ipv6_prefix", "give the client network's IPv6 prefix, e.g. 2001:db8:50::/64",
				"is missing, but the server is reached over IPv6 only (dns_records aaaa)")
		}
	}
	if !v.listLength("firewalls", len(a.Firewalls)) {
		a.Firewalls = nil
	}
	for i, f := range a.Firewalls {
		field := fmt.Sprintf("firewalls[%d]", i)
		if v.enum(field, string(f), strs(Firewalls())) && slices.Index(a.Firewalls, f) < i {
			v.add(field, "list each firewall once", "%s is listed twice", f)
		}
	}
	v.ipv4OnlyRules(a)
}

// ipv4OnlyRules refuses, for a plan with IPv6 flows, the rule formats
// ftpswiz writes for IPv4 only (the cloud firewalls so marked, and the
// routers that are not Linux boxes), naming the field and the way out.
// The renderers refuse them too; this says it at the answers.
func (v *validator) ipv4OnlyRules(a Answers) {
	via := ""
	switch {
	case a.Server != nil && a.Server.IPv6Address != "":
		via = "server.ipv6_address"
	case a.Server == nil && a.Client != nil && a.Client.ServerIPv6Address != "":
		via = "client.server_ipv6_address"
	default:
		return
	}
	for i, f := range a.Firewalls {
		if FirewallIPv4Only(f) {
			v.add(fmt.Sprintf("firewalls[%d]", i), "remove it (and open the ports in "+string(f)+"'s own console for both families), or plan IPv4 only (remove "+via+")",
				"%s: ftpswiz writes its rules for IPv4 only, but %s plans IPv6 flows", f, via)
		}
	}
	for _, r := range []struct {
		field  string
		router *Router
	}{{"server.router", routerOf(a.Server)}, {"client.router", clientRouterOf(a.Client)}} {
		if r.router != nil && !r.router.Kind.Linux() {
			v.add(r.field+".kind", "plan IPv4 only (remove "+via+"), or, for a Linux router, kind: linux (its nftables rules cover both families)",
				"%s: ftpswiz writes its file for IPv4 only, but %s plans IPv6 flows", r.router.Kind.Label(), via)
		}
	}
}

func routerOf(s *Server) *Router {
	if s == nil {
		return nil
	}
	return s.Router
}

func clientRouterOf(c *Client) *Router {
	if c == nil {
		return nil
	}
	return c.Router
}

func (v *validator) ftps(f FTPS) {
	modeOK := v.enum("ftps.mode", string(f.Mode), strs(Modes()))
	eOK := v.port("ftps.explicit_port", f.ExplicitPort)
	iOK := v.port("ftps.implicit_port", f.ImplicitPort)
	if !modeOK || !eOK || !iOK {
		return
	}
	if f.Mode == ModeBoth && f.ExplicitPort == f.ImplicitPort {
		v.add("ftps.implicit_port", "use 990 for implicit and 21 for explicit",
			"is %d, the same as explicit_port: two vsftpd instances cannot listen on one port", f.ImplicitPort)
	}
	if f.Mode.Implicit() && f.ImplicitPort == DefaultExplicitPort {
		v.add("ftps.implicit_port", "use 990, the port clients expect for implicit FTPS (ftps://)",
			"is 21, but implicit FTPS starts TLS at once and clients dialling port 21 speak plain FTP first: every login hangs in the handshake")
	}
	if f.Mode.Explicit() && f.ExplicitPort == DefaultImplicitPort {
		v.add("ftps.explicit_port", "use 21 for explicit FTPS (AUTH TLS)",
			"is 990, but clients dialling 990 start TLS at once (implicit) while explicit FTPS expects a plain-text greeting first")
	}
	// A port given for a mode that is not served would be silently ignored.
	if !f.Mode.Explicit() && f.ExplicitPort != DefaultExplicitPort {
		v.add("ftps.explicit_port", "remove explicit_port, or set mode: both to serve explicit FTPS on it as well",
			"is %d, but mode %s serves no explicit FTPS: the port would be ignored", f.ExplicitPort, f.Mode)
	}
	if !f.Mode.Implicit() && f.ImplicitPort != DefaultImplicitPort {
		v.add("ftps.implicit_port", "remove implicit_port, or set mode: both to serve implicit FTPS on it as well",
			"is %d, but mode %s serves no implicit FTPS: the port would be ignored", f.ImplicitPort, f.Mode)
	}
}

// controlPortsVsSSH refuses an FTPS control port on the SSH port: the host
// firewall opens control ports to allowed_clients (anywhere by default), so
// SSH would be opened to them too, bypassing admin_network.
func (v *validator) controlPortsVsSSH(f FTPS, sshPort int) {
	for _, x := range []struct {
		field string
		port  int
		used  bool
		def   int
	}{
		{"ftps.explicit_port", f.ExplicitPort, f.Mode.Explicit(), DefaultExplicitPort},
		{"ftps.implicit_port", f.ImplicitPort, f.Mode.Implicit(), DefaultImplicitPort},
	} {
		if x.used && x.port == sshPort {
			v.add(x.field, fmt.Sprintf("use %d (or another free port), or move SSH with server.ssh_port", x.def),
				"is %d, the same as server.ssh_port: vsftpd and sshd cannot share a port, and the firewall would open SSH to allowed_clients instead of only admin_network", x.port)
		}
	}
}

func modeKnown(m Mode) bool { return slices.Contains(Modes(), m) }

func (v *validator) port(field string, p int) bool {
	if p < 1 || p > 65535 {
		v.add(field, "use a TCP port from 1 to 65535", "%d is not a TCP port", p)
		return false
	}
	return true
}

func isIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

// unusableAddress says why a is no address to dial or to serve on, or ""
// when it is one: unspecified (0.0.0.0/8, "this network"), link-local,
// multicast, the reserved 240.0.0.0/4 and the broadcast address. Private
// addresses are usable (a LAN server); loopback is usable on one machine
// only (a test set-up) and gets a warning (see Decide).
func unusableAddress(a netip.Addr) string {
	switch {
	case netip.MustParsePrefix("0.0.0.0/8").Contains(a):
		return "an unspecified address (0.0.0.0/8 means \"this host\" and is never a destination)"
	case a.IsLinkLocalUnicast():
		return "a link-local address (169.254.0.0/16): it is not routed, and changes when the link does"
	case a.IsMulticast():
		return "a multicast address: TCP cannot connect to it"
	case netip.MustParsePrefix("240.0.0.0/4").Contains(a):
		return "a reserved or broadcast address: TCP cannot connect to it"
	}
	return ""
}

// checkAddress validates an "IPv4 or DNS name" answer; it returns the parsed
// address when it is one.
func (v *validator) address(field, s, what string) (netip.Addr, bool) {
	if s == "" {
		v.add(field, "give "+what+": an IPv4 address like 198.51.100.10 or a DNS name like ftp.example.com", "is missing")
		return netip.Addr{}, false
	}
	if a, err := netip.ParseAddr(s); err == nil {
		if !a.Is4() {
			v.add(field, "give the IPv4 address or the DNS name clients dial here, and the IPv6 address in "+ipv6FieldFor(field)+" (vsftpd's pasv_address is IPv4 only; IPv6 needs none)",
				"%s is an IPv6 address", s)
			return netip.Addr{}, false
		}
		if why := unusableAddress(a); why != "" {
			v.add(field, "give "+what+": the IPv4 address or DNS name clients on the network really dial, e.g. 198.51.100.10",
				"%s is %s", s, why)
			return netip.Addr{}, false
		}
		return a, true
	}
	if !IsHostname(s) {
		v.add(field, "give an IPv4 address like 198.51.100.10 or a DNS name like ftp.example.com (no scheme, port or path)",
			"%q is neither an IPv4 address nor a DNS name", clip(s))
	} else if strings.HasSuffix(s, ".") {
		// The name goes into certificates, certbot's live directory and
		// client configs, none of which take the root's final dot.
		v.add(field, fmt.Sprintf("write the name without its final dot: %s", strings.TrimSuffix(s, ".")),
			"%q ends with a dot", clip(s))
	}
	return netip.Addr{}, false
}

func ipv6FieldFor(field string) string {
	if strings.HasPrefix(field, "client.") {
		return "client.server_ipv6_address"
	}
	return "server.ipv6_address"
}

func (v *validator) ipv4(field, s, what string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if s == "" {
		v.add(field, "give "+what, "is missing")
		return netip.Addr{}, false
	}
	if err != nil || !a.Is4() {
		v.add(field, "give "+what+" as a numeric IPv4 address like 10.20.0.2", "%q is not an IPv4 address", clip(s))
		return netip.Addr{}, false
	}
	if why := unusableAddress(a); why != "" {
		v.add(field, "give "+what+" as the address of its network interface (ip -4 addr lists it), e.g. 10.20.0.2",
			"%s is %s", s, why)
		return netip.Addr{}, false
	}
	return a, true
}

func (v *validator) cidr(field, s string) bool {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		if a, aerr := netip.ParseAddr(s); aerr == nil && a.Is4() {
			v.add(field, fmt.Sprintf("write a single address as %s/32", s), "%q has no prefix length", s)
			return false
		}
		v.add(field, "give an IPv4 network in CIDR form, like 192.0.2.0/24 (0.0.0.0/0 for anywhere)", "%q is not an IPv4 CIDR", clip(s))
		return false
	}
	if p.Masked() != p {
		v.add(field, fmt.Sprintf("write the network address: %s", p.Masked()),
			"%s has host bits set", s)
		return false
	}
	return true
}

// cidrEither checks an IPv4 or IPv6 CIDR and returns its family.
func (v *validator) cidrEither(field, s string) (Family, bool) {
	if p, err := netip.ParsePrefix(s); err == nil && p.Addr().Is6() && !p.Addr().Is4In6() {
		return FamilyIPv6, v.cidr6(field, s)
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Is6() && !a.Is4In6() {
		v.add(field, fmt.Sprintf("write a single IPv6 address as %s/128", s), "%q has no prefix length", s)
		return FamilyIPv6, false
	}
	return FamilyIPv4, v.cidr(field, s)
}

// cidr6 checks an IPv6 CIDR.
func (v *validator) cidr6(field, s string) bool {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is6() || p.Addr().Is4In6() || p.Addr().Zone() != "" {
		v.add(field, "give an IPv6 network in CIDR form, like 2001:db8:50::/64 (::/0 for anywhere)", "%q is not an IPv6 CIDR", clip(s))
		return false
	}
	if p.Masked() != p {
		v.add(field, fmt.Sprintf("write the network address: %s", p.Masked()), "%s has host bits set", s)
		return false
	}
	return true
}

// ipv6 checks an IPv6 host address a client can connect to.
func (v *validator) ipv6(field, s, what string) bool {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() || a.Is4In6() || a.Zone() != "" {
		v.add(field, "give "+what+" as a numeric IPv6 address like 2001:db8:20::2 (ip -6 addr lists it)", "%q is not an IPv6 address", clip(s))
		return false
	}
	var why string
	switch {
	case a.IsUnspecified():
		why = "the unspecified address (::), never a destination"
	case a.IsLinkLocalUnicast():
		why = "a link-local address (fe80::/10): it is not routed, and needs a zone to be dialled"
	case a.IsMulticast():
		why = "a multicast address: TCP cannot connect to it"
	case a.IsLoopback():
		why = "the loopback address: only the host itself can reach it"
	}
	if why != "" {
		v.add(field, "give "+what+": its global (or unique local) IPv6 address, e.g. 2001:db8:20::2", "%s is %s", s, why)
		return false
	}
	return true
}

func familyHow(f Family) string {
	if f == FamilyIPv6 {
		return "set server.ipv6_address"
	}
	return "set server.dns_records to both or a"
}

// serverIPv6 checks the server's IPv6 answers: its address and the records
// of the name clients dial.
func (v *validator) serverIPv6(s *Server, natOK, pubIsIP bool) {
	if s.IPv6Address != "" {
		v.ipv6("server.ipv6_address", s.IPv6Address, "the vsftpd host's own IPv6 address")
	}
	if s.DNSRecords == "" {
		return
	}
	if !v.enum("server.dns_records", string(s.DNSRecords), strs(AllDNSRecords())) {
		return
	}
	if pubIsIP || isIP(s.PublicAddress) {
		v.add("server.dns_records", "remove dns_records: it describes a DNS name, and public_address is an address",
			"is %s, but public_address %s is not a DNS name", s.DNSRecords, s.PublicAddress)
		return
	}
	if s.DNSRecords.HasAAAA() && s.IPv6Address == "" {
		v.add("server.ipv6_address", "give the IPv6 address the AAAA record points to (the host's own; IPv6 needs no NAT), or set dns_records: a",
			"is missing, but dns_records %s says clients reach %s over IPv6", s.DNSRecords, s.PublicAddress)
	}
	if natOK && s.DNSRecords == RecordsAAAA && s.NAT.Behind() {
		v.add("server.dns_records", "set dns_records: both (IPv4 through the NAT, IPv6 directly), or nat: none for an IPv6-only server",
			"is aaaa (IPv6 only), but nat %s is IPv4 NAT: an IPv6-only server is reached directly", s.NAT)
	}
}

func (v *validator) router(field string, r *Router) {
	v.enum(field+".kind", string(r.Kind), strs(RouterKinds()))
	v.box(field+".firewall", r.Firewall, r)
	if !r.Kind.NeedsInterfaces() && r.WANInterface == "" && r.LANInterface == "" {
		return
	}
	wanOK := v.ifname(field+".wan_interface", r.WANInterface, "the interface facing the internet")
	lanOK := v.ifname(field+".lan_interface", r.LANInterface, "the interface facing the LAN")
	if wanOK && lanOK && r.WANInterface == r.LANInterface {
		v.add(field+".lan_interface", "give the router's two different interfaces (ip -br link on the router lists them)",
			"is %q, the same as wan_interface", r.LANInterface)
	}
}

func (v *validator) ifname(field, s, what string) bool {
	if s == "" {
		v.add(field, "give "+what+", e.g. eth0 (ip -br link on the router lists them)", "is missing")
		return false
	}
	if !ValidInterfaceName(s) {
		v.add(field, "give a Linux interface name of at most 15 characters (letters, digits, '_', '.' and '-'), e.g. eth0 or enp1s0",
			"%q is not an interface name", clip(s))
		return false
	}
	return true
}

func (v *validator) server(s *Server, f FTPS) {
	natOK := v.enum("server.nat", string(s.NAT), strs(ServerNATs()))
	pub, pubIsIP := v.address("server.public_address", s.PublicAddress, "the address clients dial")
	if natOK && s.NAT.Behind() && pubIsIP && IsNonPublic(pub) {
		v.add("server.public_address",
			fmt.Sprintf("set public_address to the router's (or cloud's) public address or DNS name, and put %s in host_address", s.PublicAddress),
			"%s is a private address, but with nat %s clients on the internet cannot reach it: the PASV reply would send them to it and every listing would time out",
			s.PublicAddress, s.NAT)
	}
	if natOK && s.NAT == NATDynamicDNS && pubIsIP {
		v.add("server.public_address", "give the DNS name your dynamic-DNS client updates, e.g. ftp.example.net",
			"is the address %s, but with nat dynamic-dns the address changes: clients (and vsftpd's pasv_address) must use a DNS name", s.PublicAddress)
	}
	if natOK && s.NAT.Behind() {
		if s.HostAddress == "" {
			v.add("server.host_address", "give the vsftpd host's own (private) IPv4 address, the one the router forwards to",
				"is required with nat %s", s.NAT)
		} else if host, ok := v.ipv4("server.host_address", s.HostAddress, "the vsftpd host's own address"); ok && pubIsIP && host == pub {
			v.add("server.host_address", "give the host's own private address (ip -4 addr on the server), or set nat: none if the host really has the public address",
				"is the same as public_address (%s), but with nat %s the host's own address differs from the public one", s.HostAddress, s.NAT)
		}
	} else if s.HostAddress != "" {
		if host, ok := v.ipv4("server.host_address", s.HostAddress, "the vsftpd host's own address"); ok && natOK && pubIsIP && host != pub {
			v.add("server.host_address",
				fmt.Sprintf("remove host_address (with nat none it is public_address), or set nat to the kind of NAT that maps %s to %s (one-to-one or port-forward)", s.PublicAddress, s.HostAddress),
				"is %s, but with nat none the host has the public address %s itself", s.HostAddress, s.PublicAddress)
		}
	}
	if natOK {
		switch {
		case s.NAT == NATPortForward && s.Router == nil:
			v.add("server.router", "add router: {wan_interface: eth0, lan_interface: eth1} with your Linux router's interface names, or router: {kind: web} for a router you configure in its web page (kinds: "+strings.Join(strs(RouterKinds()), ", ")+")",
				"is required with nat port-forward: ftpswiz writes the router's port-forward rules")
		case s.NAT == NATNone && s.Router != nil:
			v.add("server.router", "remove router:, or choose the nat type that matches your router (port-forward, one-to-one, dynamic-dns)",
				"is given, but nat none means no router translates addresses")
		}
	}
	if s.Router != nil {
		v.router("server.router", s.Router)
	}
	v.box("server.host_firewall", s.HostFirewall, nil)
	allowed := s.AllowedClients
	if !v.listLength("server.allowed_clients", len(allowed)) {
		allowed = nil
	}
	v.serverIPv6(s, natOK, pubIsIP)
	fams := ServerFamilies(s)
	perFamily := map[Family]int{}
	for i, c := range allowed {
		if f, ok := v.cidrEither(fmt.Sprintf("server.allowed_clients[%d]", i), c); ok {
			perFamily[f]++
		}
	}
	if len(allowed) > 0 && len(perFamily) > 0 {
		for _, f := range []Family{FamilyIPv4, FamilyIPv6} {
			switch {
			case HasFamily(fams, f) && perFamily[f] == 0:
				v.add("server.allowed_clients", fmt.Sprintf("add %s (anywhere over %s) or the %s networks of your clients", AnyOf(f), f.Title(), f.Title()),
					"lists no %s network, but the server is reached over %s: its %s clients would be refused", f.Title(), f.Title(), f.Title())
			case !HasFamily(fams, f) && perFamily[f] > 0:
				v.add("server.allowed_clients", fmt.Sprintf("remove the %s networks, or plan %s (%s)", f.Title(), f.Title(), familyHow(f)),
					"lists %s networks, but the server is not reached over %s", f.Title(), f.Title())
			}
		}
	}
	adminFam, adminOK := v.cidrEither("server.admin_network", s.AdminNetwork)
	if adminOK && adminFam == FamilyIPv4 {
		v.adminNetwork(s, pub, pubIsIP)
	}
	if s.AdminNetworkIPv6 != "" && v.cidr6("server.admin_network_ipv6", s.AdminNetworkIPv6) {
		switch {
		case s.IPv6Address == "":
			v.add("server.admin_network_ipv6", "remove it, or set server.ipv6_address to plan IPv6",
				"is given, but the server is not reached over IPv6")
		case adminOK && adminFam != FamilyIPv4:
			v.add("server.admin_network_ipv6", "give the IPv4 admin network in admin_network, or remove admin_network_ipv6",
				"is given, but admin_network %s is IPv6 already", s.AdminNetwork)
		}
	}
	sshOK := v.port("server.ssh_port", s.SSHPort)
	if v.sftp && s.Container != nil {
		v.container(s, f)
	}
	if v.sftp {
		for _, x := range []struct {
			field string
			zero  bool
		}{
			{"server.passive_start", s.PassiveStart == 0},
			{"server.capacity", s.Capacity == (Capacity{})},
			{"server.tls", s.TLS == (TLS{})},
			{"server.vsftpd", reflect.ValueOf(s.Vsftpd).IsZero()},
		} {
			if !x.zero {
				v.add(x.field, "remove it (SFTP users and chroot go in the sftp: section), or set protocol: ftps",
					"is for FTPS, but protocol is sftp")
			}
		}
		return
	}
	if sshOK && modeKnown(f.Mode) {
		v.controlPortsVsSSH(f, s.SSHPort)
	}
	v.capacity(&s.Capacity)
	v.passive(s, f, sshOK)
	v.tls(&s.TLS, s.Vsftpd.Flavour, s.PublicAddress)
	v.vsftpd(&s.Vsftpd)
	v.container(s, f)
}

// adminNetwork refuses an admin network that is only the server itself:
// SSH would be open to no administrator (the host firewall allows SSH from
// admin_network alone), which locks the admin out.
func (v *validator) adminNetwork(s *Server, pub netip.Addr, pubIsIP bool) {
	p := netip.MustParsePrefix(s.AdminNetwork)
	if p.Bits() != 32 {
		return
	}
	host, _ := netip.ParseAddr(s.HostAddress)
	if (pubIsIP && p.Addr() == pub) || (host.IsValid() && p.Addr() == host) {
		v.add("server.admin_network",
			"give the network your administrators connect from, e.g. your office's 203.0.113.0/24 or the server's LAN 10.20.0.0/24 (0.0.0.0/0 for anywhere)",
			"is %s, the server's own address: SSH would be allowed only from the server itself and every administrator would be locked out", s.AdminNetwork)
	}
}

func (v *validator) capacity(c *Capacity) {
	switch {
	case c.Transfers < 1:
		v.add("server.capacity.concurrent_transfers", "give the number of uploads and downloads you expect at the same time, e.g. 10",
			"must be at least 1 (got %d)", c.Transfers)
	case c.Transfers > MaxTransfers:
		v.add("server.capacity.concurrent_transfers",
			fmt.Sprintf("plan at most %d concurrent transfers per vsftpd host; spread more over several servers", MaxTransfers),
			"%d is more than one vsftpd host can serve from one passive range", c.Transfers)
	}
	switch {
	case c.Clients < 0:
		v.add("server.capacity.concurrent_clients", "give a positive number, or leave it out to use concurrent_transfers", "must not be negative (got %d)", c.Clients)
	case c.Clients > MaxClients:
		v.add("server.capacity.concurrent_clients",
			fmt.Sprintf("give at most %d (vsftpd runs two processes per session); spread more over several servers", MaxClients),
			"%d is more sessions than one vsftpd host can serve (vsftpd would wrap a number this large to another limit, or to none)", c.Clients)
	case c.Transfers >= 1 && c.Transfers <= MaxTransfers && c.Clients < c.Transfers:
		v.add("server.capacity.concurrent_clients",
			fmt.Sprintf("raise concurrent_clients to at least %d, or leave it out", c.Transfers),
			"is %d, fewer than concurrent_transfers (%d): every transfer needs its own session", c.Clients, c.Transfers)
	}
	switch {
	case c.PerClient < 0:
		v.add("server.capacity.per_client_limit", "give a positive number, or leave it out", "must not be negative (got %d)", c.PerClient)
	case c.PerClient > MaxClients:
		v.add("server.capacity.per_client_limit", fmt.Sprintf("give at most concurrent_clients (and never more than %d), or leave it out", MaxClients),
			"%d is more sessions than one vsftpd host can serve", c.PerClient)
	case c.Clients >= 1 && c.PerClient > c.Clients:
		v.add("server.capacity.per_client_limit",
			fmt.Sprintf("lower it to at most concurrent_clients (%d)", c.Clients),
			"is %d, more than concurrent_clients (%d)", c.PerClient, c.Clients)
	}
	const fix = "give a small probability such as 1.0e-6 (one PASV in a million may fail at full load)"
	switch r := c.TargetFailureRate; {
	case math.IsNaN(r) || math.IsInf(r, 0):
		v.add("server.capacity.target_failure_rate", fix, "%g is not a finite number", r)
	case r <= 0 || r >= 0.5:
		v.add("server.capacity.target_failure_rate", fix, "%g is not a probability between 0 and 0.5", r)
	case r < MinTargetFailureRate:
		v.add("server.capacity.target_failure_rate", fmt.Sprintf("give %g or more; 1.0e-6 is the usual choice", MinTargetFailureRate),
			"%g is below %g, the smallest target ftpswiz sizes for: far below it the range only grows, while a PASV is far likelier to fail for other reasons (a lost packet, a restart)",
			r, MinTargetFailureRate)
	}
}

// capacityOK reports whether the capacity answers are within the bounds
// capacity checks, so the passive range can be sized from them.
func capacityOK(c Capacity) bool {
	r := c.TargetFailureRate
	return c.Transfers >= 1 && c.Transfers <= MaxTransfers && c.Clients <= MaxClients &&
		!math.IsNaN(r) && r >= MinTargetFailureRate && r < 0.5
}

func (v *validator) passive(s *Server, f FTPS, sshOK bool) {
	start := s.PassiveStart
	if start < 1024 || start > 65535 {
		v.add("server.passive_start", "use a port from 1024 to 65535; 50000 is the usual choice",
			"%d is outside 1024-65535: ports below 1024 are for system services and vsftpd's passive ports must not collide with them", start)
		return
	}
	c := s.Capacity
	if !capacityOK(c) {
		return // the capacity errors already explain it
	}
	n := Listeners(f.Mode, s)
	load := n * c.Transfers
	size := PassivePortsFor(load, c.TargetFailureRate)
	r := PortRange{First: start, Last: start + size - 1}
	if r.Last > 65535 {
		what := fmt.Sprintf("%d concurrent transfers", load)
		if load != c.Transfers {
			what = fmt.Sprintf("%d concurrent transfers (%d for each of the %d vsftpd instances)", load, c.Transfers, n)
		}
		if first := 65536 - size; first >= 1024 {
			v.add("server.passive_start",
				fmt.Sprintf("lower passive_start to %d or less (or lower concurrent_transfers)", first),
				"%d plus the %d ports needed for %s runs past 65535", start, size, what)
			return
		}
		v.add("server.capacity.concurrent_transfers", maxTransfersFix(n, c.TargetFailureRate),
			"needs %d passive ports for %s at a target failure rate of %g, more than the 64512 ports from 1024 to 65535", size, what, c.TargetFailureRate)
		return
	}
	for _, cp := range controlPorts(f) {
		if r.Contains(cp) {
			v.add("server.passive_start", "move the passive range away from the control ports",
				"the passive range %s contains control port %d", r, cp)
		}
	}
	if sshOK && r.Contains(s.SSHPort) {
		v.add("server.passive_start", "move the passive range away from the SSH port",
			"the passive range %s contains the SSH port %d", r, s.SSHPort)
	}
}

// maxTransfersFix names the largest concurrent_transfers whose passive
// range fits in 1024-65535 at target, for an error's fix.
func maxTransfersFix(n int, target float64) string {
	lo, hi := 0, MaxTransfers // invariant: lo fits (0 trivially), hi+1 does not or is out of bounds
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if PassivePortsFor(n*mid, target) <= 65536-1024 {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return "raise target_failure_rate (1.0e-6 is the usual choice)"
	}
	return fmt.Sprintf("lower concurrent_transfers to %d or less, raise target_failure_rate, or spread the load over several servers", lo)
}

func controlPorts(f FTPS) []int {
	var out []int
	if f.Mode.Explicit() {
		out = append(out, f.ExplicitPort)
	}
	if f.Mode.Implicit() {
		out = append(out, f.ImplicitPort)
	}
	return out
}

func (v *validator) tls(t *TLS, fl Flavour, public string) {
	if v.enum("server.tls.profile", string(t.Profile), strs(TLSProfiles())) &&
		t.Profile == ProfileModern && (fl == FlavourDebian) {
		v.add("server.tls.profile", "use profile: intermediate with vsftpd 3.0.3 (TLS 1.2, and 1.3 with allow_tls13: true), or set vsftpd.flavour to a build that has ssl_tlsv12 / ssl_tlsv1_2",
			"modern means TLS 1.3 only, but %s cannot switch TLS 1.2 off", fl)
	}
	if t.Profile == ProfileModern && !IsTrue(t.AllowTLS13, true) {
		v.add("server.tls.allow_tls13", "set allow_tls13: true, or use profile: intermediate (TLS 1.2)",
			"is false, but profile modern means TLS 1.3 only")
	}
	if !slices.Contains(TLSSources(), t.Source) {
		v.enum("server.tls.source", string(t.Source), strs(TLSSources()))
		return // the paths depend on the source
	}
	pathsOK := true
	for _, p := range []struct{ field, val string }{{"server.tls.cert_file", t.CertFile}, {"server.tls.key_file", t.KeyFile}} {
		if err := CheckAbsPath(p.val); err != nil {
			if p.val == "" && (!pathsOK || t.Source == SourceLetsEncrypt) {
				continue // the certificate's own error says enough
			}
			pathsOK = false
			v.add(p.field, "give an absolute path on the server, e.g. /etc/ssl/certs/ftp.example.com.pem",
				"%v (vsftpd reads it at start-up, relative to nothing)", err)
		}
	}
	v.cert(t, public, pathsOK)
}

var (
	emailLocal = chars.NewSet("A-Za-z0-9._%+-")
	alnum      = chars.NewSet("A-Za-z0-9")
	labelChars = chars.NewSet("A-Za-z0-9-")
)

// validEmail reports whether s is a plain address (no quoting needed in a
// command line): at most 64 of A-Za-z0-9._%+- before the @, then two or
// more dot-separated labels of at most 64 letters, digits and inner
// hyphens (the pattern ^[A-Za-z0-9._%+-]{1,64}@L(\.L)+$ with
// L = [A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?, checked byte by byte).
func validEmail(s string) bool {
	local, domain, _ := strings.Cut(s, "@")
	if !chars.Run(local, 1, 64, emailLocal, emailLocal) {
		return false
	}
	n := 0
	for l := range strings.SplitSeq(domain, ".") {
		if !chars.Run(l, 1, 64, alnum, labelChars) || l[len(l)-1] == '-' {
			return false
		}
		n++
	}
	return n >= 2
}

// acmeURLRe is an https ACME directory URL made of plain characters.
var acmeURLRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$`)
})

// cert checks the certificate source and what it needs.
func (v *validator) cert(t *TLS, public string, pathsOK bool) {
	if !v.enum("server.tls.source", string(t.Source), strs(TLSSources())) {
		return
	}
	if v.enum("server.tls.key_type", string(t.KeyType), strs(KeyTypes())) && t.KeyType == KeyAny && t.Source != SourceOwn {
		v.add("server.tls.key_type", "use ecdsa (default) or rsa: ftpswiz creates this key, so it knows its type",
			"any is only for source own (a certificate whose key type ftpswiz is not told)")
	}
	if t.LetsEncrypt != nil && t.Source != SourceLetsEncrypt {
		v.add("server.tls.letsencrypt", "remove the letsencrypt section, or set source: letsencrypt",
			"is set, but source is %s", t.Source)
	}
	if t.Fingerprint != "" && t.Source != SourceSelfSigned {
		v.add("server.tls.fingerprint", "remove fingerprint: clients verify a "+string(t.Source)+" certificate through its CA",
			"is only for source self-signed (the pinned certificate)")
	}
	if pathsOK && t.Source != SourceLetsEncrypt {
		for _, p := range []struct{ field, val string }{{"server.tls.cert_file", t.CertFile}, {"server.tls.key_file", t.KeyFile}} {
			if IsSnakeoil(p.val) {
				v.add(p.field, fmt.Sprintf("use a dedicated pair, e.g. %s and %s (source self-signed creates it), or your own certificate",
					DefaultSelfSignedCert, DefaultSelfSignedKey),
					"%s is the system-wide snakeoil pair: it is named after the host, not the address clients dial, so every client refuses it, and other services (PostgreSQL, Postfix) share it", p.val)
			}
		}
	}
	switch t.Source {
	case SourceLetsEncrypt:
		if isIPv4(public) {
			v.add("server.tls.source", "use source: self-signed (pinned in every client) or own for an IP address, or give server.public_address as a DNS name",
				"is letsencrypt, but public_address %s is an IP address: certbot certifies DNS names", public)
		}
		le := t.LetsEncrypt
		if le == nil {
			return
		}
		v.enum("server.tls.letsencrypt.challenge", string(le.Challenge), strs(Challenges()))
		if le.Email != "" && !validEmail(le.Email) {
			v.add("server.tls.letsencrypt.email", "give a plain address like admin@example.com, or leave it out",
				"%q is not an e-mail address ftpswiz accepts", le.Email)
		}
		if le.Server != "" && (len(le.Server) > 200 || !acmeURLRe().MatchString(le.Server)) {
			v.add("server.tls.letsencrypt.server", "give an https ACME directory URL, e.g. https://acme-staging-v02.api.letsencrypt.org/directory, or leave it out for Let's Encrypt",
				"%q is not an https URL of plain characters", le.Server)
		}
		if err := CheckAbsPath(le.ConfigDir); err != nil {
			v.add("server.tls.letsencrypt.config_dir", "give an absolute directory, e.g. /etc/letsencrypt (the default)", "%v", err)
			return
		}
		if !pathsOK || isIPv4(public) || public == "" {
			return
		}
		for _, p := range []struct{ field, val, want string }{
			{"server.tls.cert_file", t.CertFile, LetsEncryptLive(le.ConfigDir, public, "fullchain.pem")},
			{"server.tls.key_file", t.KeyFile, LetsEncryptLive(le.ConfigDir, public, "privkey.pem")},
		} {
			if p.val != p.want {
				v.add(p.field, "leave it out: with source letsencrypt vsftpd reads "+p.want,
					"is %s, but certbot keeps the current pair in %s", p.val, p.want)
			}
		}
	case SourceSelfSigned:
		if t.Fingerprint != "" && !chars.IsSHA256Fingerprint(t.Fingerprint) {
			v.add("server.tls.fingerprint", "paste what `openssl x509 -noout -fingerprint -sha256` prints after the =, e.g. AB:CD:...(32 pairs, upper case)",
				"%q is not a SHA-256 fingerprint", t.Fingerprint)
		}
		if pathsOK {
			for _, p := range []struct{ field, val string }{{"server.tls.cert_file", t.CertFile}, {"server.tls.key_file", t.KeyFile}} {
				if strings.HasPrefix(p.val, "/etc/letsencrypt/") {
					v.add(p.field, fmt.Sprintf("use a directory of its own, e.g. %s (the default)", DefaultSelfSignedCert),
						"%s is inside certbot's directory, which certbot manages; the self-signed pair needs a directory of its own", p.val)
				}
			}
		}
	}
}

func (v *validator) vsftpd(x *Vsftpd) {
	v.enum("server.vsftpd.flavour", string(x.Flavour), strs(Flavours()))
	v.users("server.vsftpd.users", x.Users, "FTPS")
	v.chrootDirs("server.vsftpd.local_root", x.LocalRoot, "/srv/ftps", "server.vsftpd.upload_dir", x.UploadDir)
}

func (v *validator) client(c *Client, role Role, f FTPS) {
	natOK := v.enum("client.nat", string(c.NAT), strs(ClientNATs()))
	if natOK {
		switch {
		case c.NAT == ClientNATMasquerade:
			if c.Router == nil {
				v.add("client.router", "add router: {wan_interface: eth0, lan_interface: eth1} with your router's interface names",
					"is required with nat masquerade: ftpswiz writes the router's egress rules")
			}
			if c.LANCIDR == "" {
				v.add("client.lan_cidr", "give the client network behind the router, e.g. 192.168.1.0/24",
					"is required with nat masquerade")
			}
		case c.Router != nil:
			v.add("client.router", "remove router:, or set nat: masquerade if you manage the router",
				"is given, but with nat %s there is no router of yours to configure", c.NAT)
		}
	}
	if c.Router != nil {
		v.router("client.router", c.Router)
	}
	v.box("client.host_firewall", c.HostFirewall, nil)
	if c.LANCIDR != "" {
		v.cidr("client.lan_cidr", c.LANCIDR)
	}
	if c.IPv6Prefix != "" {
		v.cidr6("client.ipv6_prefix", c.IPv6Prefix)
	}
	if role == RoleBoth {
		if c.ServerIPv6Address != "" {
			v.add("client.server_ipv6_address", "remove it: with role both the client dials server.ipv6_address",
				"is given, but with role both ftpswiz takes it from server.ipv6_address")
		}
		if c.DNSRecords != "" {
			v.add("client.dns_records", "remove it: with role both it is server.dns_records",
				"is given, but with role both ftpswiz takes it from server.dns_records")
		}
	} else if role == RoleClient {
		if c.ServerIPv6Address != "" {
			v.ipv6("client.server_ipv6_address", c.ServerIPv6Address, "the server's IPv6 address")
		}
		if c.DNSRecords != "" && v.enum("client.dns_records", string(c.DNSRecords), strs(AllDNSRecords())) && isIP(c.ServerAddress) {
			v.add("client.dns_records", "remove dns_records: it describes a DNS name, and server_address is an address",
				"is %s, but server_address %s is not a DNS name", c.DNSRecords, c.ServerAddress)
		}
	}
	if role == RoleBoth {
		if c.ServerAddress != "" {
			v.add("client.server_address", "remove it: with role both the client dials server.public_address",
				"is given, but with role both ftpswiz takes it from server.public_address")
		}
		if c.PassivePorts != "" {
			v.add("client.passive_ports", "remove it: with role both ftpswiz sizes the passive range on the server side",
				"is given, but with role both the range comes from the server's sizing")
		}
	} else if role == RoleClient {
		v.address("client.server_address", c.ServerAddress, "the server's public address")
		if v.sftp {
			if c.PassivePorts != "" {
				v.add("client.passive_ports", "remove it: SFTP needs no passive range", "is given, but protocol is sftp")
			}
		} else if c.PassivePorts == "" {
			v.add("client.passive_ports", "ask the server's operator for the passive range and write it as first-last, e.g. 50000-50099",
				"is required with role client: the egress firewall must allow the server's data ports")
		} else if r, err := ParsePortRange(c.PassivePorts); err != nil {
			v.add("client.passive_ports", "write the range as first-last with ports from 1024 to 65535, e.g. 50000-50099", "%v", err)
		} else {
			for _, cp := range controlPorts(f) {
				if r.Contains(cp) {
					v.add("client.passive_ports", "check the range with the server's operator",
						"the range %s contains the control port %d", r, cp)
				}
			}
		}
	}
	valid := ClientSoftwares()
	if v.sftp {
		valid = SFTPClientSoftwares()
	}
	software := c.Software
	if !v.listLength("client.software", len(software)) {
		software = nil
	}
	for i, s := range software {
		field := fmt.Sprintf("client.software[%d]", i)
		if v.enum(field, string(s), strs(valid)) && slices.Index(c.Software, s) < i {
			v.add(field, "list each client once", "%s is listed twice", s)
		}
	}
	if !ValidUserName(c.User) {
		v.add("client.user", "use the login name the server's operator gave you (lower-case letters, digits, _ and -)",
			"%q is not a valid user name", clip(c.User))
	}
}

func (v *validator) sftpSection(x *SFTP, server *Server) {
	if x == nil {
		return // Normalize always fills it for protocol sftp
	}
	v.port("sftp.port", x.Port)
	if !ValidUserName(x.Group) {
		v.add("sftp.group", "use a Linux group name such as sftponly (lower-case letters, digits, _ and -)", "%q is not a valid group name", clip(x.Group))
	}
	v.users("sftp.users", x.Users, "SFTP")
	v.chrootDirs("sftp.chroot_root", x.ChrootRoot, "/srv/sftp", "sftp.upload_dir", x.UploadDir)
}

// users checks a list of login names.
func (v *validator) users(field string, users []string, service string) {
	if !v.listLength(field, len(users)) {
		return
	}
	for i, u := range users {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case !ValidUserName(u):
			v.add(f, "use a Linux login name: lower-case letters, digits, _ and -, starting with a letter (at most 32)",
				"%q is not a valid user name", clip(u))
		case u == "root":
			v.add(f, "create an unprivileged user for "+service, "root must never log in over %s", service)
		case slices.Index(users, u) < i:
			v.add(f, "list each user once", "%s is listed twice", u)
		}
	}
}

// chrootDirs checks a chroot base directory and the upload directory
// inside each user's chroot.
func (v *validator) chrootDirs(rootField, root, example, uploadField, upload string) {
	fix := fmt.Sprintf("give an absolute directory such as %s (each user gets %s/<user>)", example, example)
	if err := CheckAbsPath(root); err != nil {
		v.add(rootField, fix, "%v", err)
	} else if root == "/" {
		v.add(rootField, fix, "%q must be an absolute directory other than /", root)
	}
	if err := CheckDirName(upload); err != nil {
		v.add(uploadField, "give a single directory name such as upload", "%v", err)
	}
}
