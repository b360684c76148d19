package wizard

import (
	"net/netip"
	"slices"

	"github.com/ftpswiz/ftpswiz/vsftpd"
)

// Plan is what Decide makes of Answers: every setting ftpswiz will write, each
// with its reason. Generators render a Plan and nothing else, so the Why of a
// decision is written once and shown everywhere (file comments, REPORT.md,
// `ftpswiz explain`, the TUI's side panel).
type Plan struct {
	// Answers are the normalised answers (defaults filled in).
	Answers   Answers
	Decisions []Decision
	// Flows is the port map: every connection a firewall must allow, on
	// every side that needs rules, in a stable order.
	Flows []Flow
	// Server holds the server end's network and, for FTPS, vsftpd; nil for
	// role client.
	Server *ServerPlan
	// SFTP holds the sshd side of an SFTP plan (protocol sftp with a
	// server end); nil otherwise.
	SFTP     *SFTPPlan
	Client   *ClientPlan // nil for role server
	Pitfalls []Pitfall

	// The fields below say what every renderer needs without looking at
	// Answers; Complete fills them in (Decide calls it).

	// Role says which ends the plan has.
	Role Role
	// Protocol is FTPS or SFTP.
	Protocol Protocol
	// Firewalls are the rule formats to write, in the answers' order.
	Firewalls []Firewall
	// Service is what both ends share, whichever of them the plan has.
	Service Service
	// Boxes are the boxes the plan's network has, in port-map order: each
	// host of an end the plan has, and each NAT device in front of one
	// (Managed when ftpswiz writes its rules; Sides lists those with rules).
	Boxes []Box
}

// Box is one box of the plan's network.
type Box struct {
	Side Side
	// Managed says whether ftpswiz writes rules for it (a NAT device the
	// user does not manage, a cloud's 1:1 NAT or a carrier's NAT, is not).
	Managed bool
}

// Box returns the box on a side, if the plan's network has one.
func (p *Plan) Box(side Side) (Box, bool) {
	for _, b := range p.Boxes {
		if b.Side == side {
			return b, true
		}
	}
	return Box{}, false
}

// Family is an address's family. ftpswiz plans IPv4 today; FamilyIPv6 is
// the seam IPv6 will use.
type Family string

// Address families.
const (
	FamilyIPv4 Family = "ipv4"
	FamilyIPv6 Family = "ipv6"
	// FamilyName is a DNS name: its family is whatever it resolves to.
	FamilyName Family = "name"
)

// Address is one address of the plan with its family.
type Address struct {
	Value  string
	Family Family
}

// AddressOf returns s with its family.
func AddressOf(s string) Address {
	if s == "" {
		return Address{}
	}
	if a, err := netip.ParseAddr(s); err == nil {
		if a.Is4() || a.Is4In6() {
			return Address{Value: s, Family: FamilyIPv4}
		}
		return Address{Value: s, Family: FamilyIPv6}
	}
	return Address{Value: s, Family: FamilyName}
}

// IsIP reports whether the address is a literal IP address (not a name).
func (a Address) IsIP() bool { return a.Family == FamilyIPv4 || a.Family == FamilyIPv6 }

// String is the address as written.
func (a Address) String() string { return a.Value }

// Service is the service both ends share, role-neutral: the address
// clients dial, its control endpoints, the passive range and the
// settings a client must follow. It is the same whether the plan has the
// server (it is derived from it), the client (from what the client was
// told) or both.
type Service struct {
	Protocol Protocol
	// Address is what clients dial.
	Address Address
	// Endpoints are the control ports (explicit first), or the SFTP port.
	Endpoints []Endpoint
	// IPv6Address is the server's IPv6 address when the plan knows it.
	IPv6Address Address
	// Families are the families the service is planned for, IPv4 first
	// (the server's, or what the client side allows).
	Families []Family
	// DNSRecords are the records of the name clients dial ("" for an address).
	DNSRecords DNSRecords
	// Passive is the passive range (FTPS; zero for SFTP).
	Passive PortRange
	// Mode is the FTPS mode (explicit, implicit or both); "" for SFTP.
	Mode Mode
	// ActiveMode says whether active-mode data connections are allowed.
	ActiveMode bool
	// RequireSSLReuse says whether clients must resume the TLS session on
	// data connections (FTPS).
	RequireSSLReuse bool
	// PasswordAuth says whether SFTP accounts may log in with a password.
	PasswordAuth bool
	// TLSProfile is the server's TLS profile when the plan knows it.
	TLSProfile TLSProfile
	// Pin is set when clients must pin the server's certificate
	// (self-signed, known to the plan).
	Pin *CertPin
	// Limits are the server's session limits when the plan knows them.
	Limits Limits
}

// Limits are a server's session limits (vsftpd max_clients, max_per_ip).
type Limits struct {
	Transfers int
	Clients   int
	PerClient int
}

// SFTPPort is the service's SFTP port (0 when it has none).
func (sv Service) SFTPPort() int {
	for _, e := range sv.Endpoints {
		if e.SFTP {
			return e.Port
		}
	}
	return 0
}

// Complete fills in the plan's role-neutral fields (Role, Protocol,
// Firewalls, Service) from its answers and its ends. Decide calls it; a
// plan built by hand calls it once its ends are set.
func (p *Plan) Complete() {
	a := p.Answers
	p.Role, p.Protocol = a.Role, a.Protocol
	if p.Protocol == "" {
		p.Protocol = ProtocolFTPS
	}
	p.Firewalls = append([]Firewall(nil), a.Firewalls...)
	for i := range p.Flows {
		if p.Flows[i].Family == "" {
			p.Flows[i].Family = flowFamily(p.Flows[i])
		}
	}
	sv := Service{Protocol: p.Protocol, ActiveMode: a.FTPS.ActiveMode, RequireSSLReuse: true}
	if p.Protocol != ProtocolSFTP {
		sv.Mode = a.FTPS.Mode
	}
	if a.SFTP != nil {
		sv.PasswordAuth = IsTrue(a.SFTP.PasswordAuthentication, false)
	}
	switch s := p.Server; {
	case s != nil:
		sv.Address = AddressOf(s.PublicAddress)
		if s.PublicAddress != "" && !s.PublicIsIP {
			sv.Address.Family = FamilyName
		}
		for _, in := range s.Instances {
			e := Endpoint{Implicit: in.Implicit, Port: in.Port}
			if !slices.Contains(sv.Endpoints, e) {
				sv.Endpoints = append(sv.Endpoints, e)
			}
		}
		sv.IPv6Address = AddressOf(s.IPv6Address)
		sv.Families = slices.Clone(s.Families)
		sv.DNSRecords = s.DNSRecords
		sv.Passive = s.Passive
		if p.SFTP != nil {
			sv.Endpoints = []Endpoint{{SFTP: true, Port: p.SFTP.Port}}
			sv.PasswordAuth = p.SFTP.PasswordAuth
		}
		if s.Cert.Source == SourceSelfSigned && p.SFTP == nil {
			sv.Pin = &CertPin{CAFile: PinCAFile, Fingerprint: s.Cert.Fingerprint}
		}
		if as := a.Server; as != nil {
			sv.RequireSSLReuse = IsTrue(as.TLS.RequireSSLReuse, true)
			sv.TLSProfile = as.TLS.Profile
			sv.Limits = Limits{Transfers: as.Capacity.Transfers, Clients: as.Capacity.Clients, PerClient: as.Capacity.PerClient}
		}
	case p.Client != nil:
		c := p.Client
		sv.Address = AddressOf(c.ServerAddress)
		if c.ServerAddress != "" && !c.ServerIsIP {
			sv.Address.Family = FamilyName
		}
		sv.Endpoints = append([]Endpoint(nil), c.Endpoints...)
		sv.IPv6Address = AddressOf(c.ServerIPv6Address)
		sv.Families = slices.Clone(c.Families)
		sv.DNSRecords = c.DNSRecords
		sv.Passive = c.Passive
		sv.RequireSSLReuse = c.RequireSSLReuse
	}
	p.Service = sv
	p.Boxes = nil
	managed := map[Side]bool{}
	for _, s := range p.Sides() {
		managed[s] = true
	}
	if p.Server != nil {
		p.Boxes = append(p.Boxes, Box{Side: SideServerHost, Managed: managed[SideServerHost]})
		if p.Server.NAT.Behind() {
			p.Boxes = append(p.Boxes, Box{Side: SideServerRouter, Managed: managed[SideServerRouter]})
		}
	}
	if c := p.Client; c != nil {
		if c.NAT != ClientNATNone && c.NAT != "" {
			p.Boxes = append(p.Boxes, Box{Side: SideClientRouter, Managed: managed[SideClientRouter]})
		}
		p.Boxes = append(p.Boxes, Box{Side: SideClientHost, Managed: managed[SideClientHost]})
	}
}

// Decision is one choice ftpswiz made, with its reason.
type Decision struct {
	// Key is a stable identifier ("passive.range"); `ftpswiz explain KEY`
	// and file comments refer to it.
	Key   string
	Title string
	// Value is the chosen setting in short form ("50000-50074 (75 ports)").
	Value string
	// Why is the plain-language reason, citing the failure it prevents.
	Why string
	// ForClient is the reason as a client's configuration quotes it: what
	// the client and its network need, without the server's internals
	// (sizing arithmetic, vsftpd's PASV retries). Empty: Why serves both.
	ForClient string
	// Warning marks a decision the user must read before applying the
	// plan: a risk they accepted, or a step left to them (a placeholder to
	// replace).
	Warning bool
}

// Decision returns the decision with the given key.
func (p *Plan) Decision(key string) (Decision, bool) {
	for _, d := range p.Decisions {
		if d.Key == key {
			return d, true
		}
	}
	return Decision{}, false
}

// FlowsFor returns the flows a firewall on the given side must allow.
func (p *Plan) FlowsFor(side Side) []Flow {
	var out []Flow
	for _, f := range p.Flows {
		if f.Side == side {
			out = append(out, f)
		}
	}
	return out
}

// Sides returns the sides that need firewall rules, in port-map order.
func (p *Plan) Sides() []Side {
	var out []Side
	for _, s := range AllSides() {
		if slices.ContainsFunc(p.Flows, func(f Flow) bool { return f.Side == s }) {
			out = append(out, s)
		}
	}
	return out
}

// Side is a box that needs firewall rules.
type Side string

// Sides.
const (
	SideServerHost   Side = "server-host"   // the vsftpd host's own firewall (inbound)
	SideServerRouter Side = "server-router" // the server's NAT router (DNAT + forward filter)
	SideClientRouter Side = "client-router" // the client's masquerading router (egress filter)
	SideClientHost   Side = "client-host"   // the client host's own firewall (egress filter)
)

// AllSides lists every side in port-map order.
func AllSides() []Side {
	return []Side{SideServerHost, SideServerRouter, SideClientRouter, SideClientHost}
}

// Title is a human name for the side.
func (s Side) Title() string {
	switch s {
	case SideServerHost:
		return "Server host"
	case SideServerRouter:
		return "Server's NAT router"
	case SideClientRouter:
		return "Client's router"
	case SideClientHost:
		return "Client host"
	}
	return string(s)
}

// Direction is the direction of a new connection as seen from its side.
type Direction string

// Directions.
const (
	Inbound  Direction = "inbound"  // new connections arrive at this box
	Outbound Direction = "outbound" // this box opens new connections
	Forward  Direction = "forward"  // a router passes new connections through (see Flow.DNATTo)
)

// Purpose says what a flow carries.
type Purpose string

// Purposes.
const (
	PurposeControlExplicit Purpose = "control-explicit" // FTP control channel, AUTH TLS
	PurposeControlImplicit Purpose = "control-implicit" // FTP control channel, TLS from the first byte
	PurposePassive         Purpose = "passive-data"     // passive-mode data connections
	PurposeActive          Purpose = "active-data"      // active-mode data connections (server to client)
	PurposeAdmin           Purpose = "admin-ssh"        // the administrator's SSH
	PurposeSFTP            Purpose = "sftp"             // SFTP (SSH) sessions
	PurposeACME            Purpose = "acme-http01"      // certbot's answer to Let's Encrypt's HTTP-01 check
)

// Flow is one kind of connection a firewall must let through. Return traffic
// (established/related) is implied: every renderer allows it.
type Flow struct {
	Side      Side
	Direction Direction
	Purpose   Purpose
	// Ports are the destination ports, unchanged across NAT.
	Ports PortRange
	// SourcePorts limits the source port (active mode's port 20); zero: any.
	SourcePorts PortRange
	// From are the source networks (CIDRs); AnyIPv4 for anywhere. Empty for
	// outbound flows: the side's box itself opens the connection.
	From []string
	// To is the destination (an IPv4 CIDR). "" means: for inbound flows, this
	// box; for a router's DNAT flows, whatever arrives on its WAN interface;
	// for outbound and forwarded flows, any address (used when the server's
	// address is a DNS name or changes).
	To string
	// DNATTo is set on server-router flows: the router forwards the ports,
	// unchanged, to this host address.
	DNATTo string
	// Decision is the key of the decision that explains this flow.
	Decision string
	// Why is the reason for this flow (the port map's last column).
	Why string
	// Warning marks a flow the user should think twice about (active mode).
	Warning bool
	// Family is the address family of the flow's From, To and DNATTo
	// (FamilyIPv4 today; Complete sets it).
	Family Family
}

// flowFamily is the family of a flow's addresses: IPv6 when any of them is
// an IPv6 address or prefix, else IPv4.
func flowFamily(f Flow) Family {
	addrs := append([]string{f.To, f.DNATTo}, f.From...)
	for _, a := range addrs {
		if a == "" {
			continue
		}
		if pfx, err := netip.ParsePrefix(a); err == nil && pfx.Addr().Is6() && !pfx.Addr().Is4In6() {
			return FamilyIPv6
		}
		if ip, err := netip.ParseAddr(a); err == nil && ip.Is6() && !ip.Is4In6() {
			return FamilyIPv6
		}
	}
	return FamilyIPv4
}

// AnyIPv4 is the CIDR for "anywhere".
const AnyIPv4 = "0.0.0.0/0"

// ServerPlan is what the vsftpd end gets.
type ServerPlan struct {
	PublicAddress string
	// PublicIsIP is false when clients dial a DNS name.
	PublicIsIP  bool
	HostAddress string
	// IPv6Address is the host's own IPv6 address ("" without IPv6).
	IPv6Address string
	// DNSRecords are the records of the name clients dial ("" for an address).
	DNSRecords DNSRecords
	// Families are the families clients reach the server over, IPv4 first.
	Families []Family
	// SplitListeners says that each family has its own vsftpd instances
	// (dual stack behind IPv4 NAT).
	SplitListeners bool
	NAT            ServerNAT
	// Router is set when ftpswiz writes rules for the NAT router (its Kind
	// says which make).
	Router *Router
	// HostFirewall says how the host's rules join its firewall.
	HostFirewall   BoxFirewall
	Flavour        Flavour
	Passive        PortRange
	Sizing         Sizing
	Instances      []Instance
	AllowedClients []string
	AdminNetwork   string
	SSHPort        int
	Users          []string
	LocalRoot      string
	UploadDir      string
	WriteEnable    bool
	// UserListPath is where the allow-list of users goes ("" when Users is empty).
	UserListPath string
	CertFile     string
	KeyFile      string
	// Cert is where the certificate comes from and how it is kept valid.
	Cert CertPlan
	// TLS13 says whether vsftpd may speak TLS 1.3.
	TLS13 bool
	// OpenSSLConf is set when TLS 1.3 is capped through OpenSSL's
	// configuration (builds without an option for it, Debian's 3.0.3): its
	// install path, which each vsftpd unit gets as OPENSSL_CONF.
	OpenSSLConf string
	// Container is set when vsftpd runs in a container (the certificate
	// renewal hook restarts it: Engine restart Name).
	Container *ContainerPlan
	// PasvRefresh is set when vsftpd resolves a name that moves (nat
	// dynamic-dns, vsftpd on the host): the timer that restarts it when the
	// name's address changes.
	PasvRefresh *PasvRefresh
}

// Install paths of the PASV-address refresh (nat dynamic-dns).
const (
	PasvRefreshScript   = "/usr/local/sbin/ftpswiz-pasv-refresh.sh"
	PasvRefreshService  = "ftpswiz-pasv-refresh.service"
	PasvRefreshTimer    = "ftpswiz-pasv-refresh.timer"
	PasvRefreshDropIn   = "ftpswiz-pasv-refresh.conf"
	PasvRefreshStateDir = "/run/ftpswiz-pasv"
	// PasvRefreshMinutes is how often the timer checks the name.
	PasvRefreshMinutes = 2
	// PasvRefreshLookupSeconds bounds one lookup of the name.
	PasvRefreshLookupSeconds = 10
)

// PasvRefresh restarts the vsftpd instances whose pasv_address is a name
// (pasv_addr_resolve=YES: vsftpd resolves it once, at start) when the name
// resolves to other addresses than when they started.
type PasvRefresh struct {
	// Name is the name in pasv_address.
	Name string
	// Units are the systemd units of the instances that announce it (an
	// IPv6 listener announces no address and is left alone).
	Units []string
}

// CertPlan is the server certificate: its source, key type and, per
// source, how it is obtained and renewed.
type CertPlan struct {
	Source  TLSSource
	KeyType KeyType
	// Name is what the certificate must cover: the address clients dial.
	Name     string
	NameIsIP bool
	CertFile string
	KeyFile  string
	// Let's Encrypt (certbot).
	Challenge  Challenge
	Email      string
	ACMEServer string // "" for Let's Encrypt's production directory
	ConfigDir  string
	// DeployHook is the install path of the renewal hook ftpswiz writes
	// (config_dir/renewal-hooks/deploy/ftpswiz-vsftpd.sh).
	DeployHook string
	// Fingerprint is the pinned SHA-256 fingerprint (self-signed; "" until
	// the operator records it).
	Fingerprint string
}

// Ciphers is the ssl_ciphers value that matches the key type.
func (c CertPlan) Ciphers() string {
	switch c.KeyType {
	case KeyECDSA:
		return vsftpd.ECDSACiphers
	case KeyRSA:
		return vsftpd.RSACiphers
	}
	return vsftpd.IntermediateCiphers
}

// CertPin is how clients pin a self-signed server certificate: the
// certificate file handed to them (their CA file) and its fingerprint.
type CertPin struct {
	// CAFile is the name of the server's certificate next to the client
	// configs.
	CAFile string
	// Fingerprint is its SHA-256 fingerprint, "" when not recorded yet.
	Fingerprint string
}

// PinCAFile is the file name clients keep the pinned certificate under.
const PinCAFile = "ftps-server.pem"

// ControlPorts returns the control port of every instance.
func (s *ServerPlan) ControlPorts() []int {
	out := make([]int, 0, len(s.Instances))
	for _, in := range s.Instances {
		out = append(out, in.Port)
	}
	return out
}

// Instance is one vsftpd process with its own config file.
type Instance struct {
	// Name is "explicit" or "implicit".
	Name     string
	Implicit bool
	Port     int
	// File is the output path inside --out ("server/vsftpd.conf").
	File string
	// InstallPath is where the config goes on the server ("/etc/vsftpd.conf").
	InstallPath string
	// Families are the address families the instance listens on: one
	// family for split listeners, both for one dual-stack instance.
	Families []Family
	// Unit is the systemd unit that runs this instance ("vsftpd.service").
	Unit string
	// UnitFile is the output path of a unit ftpswiz writes ("" when the
	// distribution's own unit runs it).
	UnitFile string
	// Options are the vsftpd.conf settings in file order.
	Options []Option
}

// Option is one vsftpd.conf line and the decision that explains it.
type Option struct {
	Key      string
	Value    string
	Decision string
}

// Lookup returns the value of a vsftpd option in this instance.
func (in Instance) Lookup(key string) (string, bool) {
	for _, o := range in.Options {
		if o.Key == key {
			return o.Value, true
		}
	}
	return "", false
}

// ClientPlan is what the connecting end gets.
type ClientPlan struct {
	ServerAddress string
	ServerIsIP    bool
	// ServerIPv6Address is the server's IPv6 address when known.
	ServerIPv6Address string
	// DNSRecords are the records of the name the client dials ("" for an address).
	DNSRecords DNSRecords
	// IPv6Prefix is the client network's IPv6 prefix ("" without IPv6).
	IPv6Prefix string
	// Families are the families the client side's rules allow, IPv4 first.
	Families []Family
	// Endpoints are the server's control ports the client may use (explicit
	// first); client configs get one entry per endpoint.
	Endpoints []Endpoint
	Passive   PortRange
	NAT       ClientNAT
	Router    *Router
	LANCIDR   string
	// HostFirewall says how the client host's rules join its firewall.
	HostFirewall BoxFirewall
	Software     []ClientSoftware
	User         string
	// RequireSSLReuse is the server's setting: clients must resume the TLS
	// session on data connections.
	RequireSSLReuse bool
	ActiveMode      bool
}

// Endpoint is one way to reach the server.
type Endpoint struct {
	Implicit bool
	// SFTP marks the endpoint of an SFTP plan (Implicit is then false).
	SFTP bool
	Port int
}

// Scheme is the URL scheme clients use for this endpoint: ftps:// for
// implicit, ftp:// (with AUTH TLS forced) for explicit, sftp:// for SFTP.
func (e Endpoint) Scheme() string {
	switch {
	case e.SFTP:
		return "sftp"
	case e.Implicit:
		return "ftps"
	}
	return "ftp"
}

// Name is "explicit", "implicit" or "sftp".
func (e Endpoint) Name() string {
	switch {
	case e.SFTP:
		return "sftp"
	case e.Implicit:
		return "implicit"
	}
	return "explicit"
}

// SFTPPlan is the sshd side of an SFTP plan.
type SFTPPlan struct {
	Port       int
	Group      string
	Users      []string
	ChrootRoot string
	UploadDir  string
	// PasswordAuth says whether SFTP users may log in with a password.
	PasswordAuth bool
	// File is the output path of the sshd drop-in ("server/sshd_config.d/ftpswiz-sftp.conf").
	File string
	// InstallPath is where the drop-in goes on the server.
	InstallPath string
	// Global are the drop-in's settings outside the Match block.
	Global []Option
	// Match is the Match block's criteria ("Group sftponly").
	Match string
	// MatchOptions are the settings inside the Match block.
	MatchOptions []Option
}

// Pitfall is a failure that can happen in this deployment, as the user will
// see it.
type Pitfall struct {
	Symptom string
	Cause   string
	Fix     string
}

// BoxFirewall returns how the rules of a side join its box's firewall, and
// the side's router (nil for a host side).
func (p *Plan) BoxFirewall(side Side) (BoxFirewall, *Router) {
	var b BoxFirewall
	var r *Router
	switch side {
	case SideServerHost:
		if p.Server != nil {
			b = p.Server.HostFirewall
		}
	case SideClientHost:
		if p.Client != nil {
			b = p.Client.HostFirewall
		}
	case SideServerRouter:
		if p.Server != nil && p.Server.Router != nil {
			r = p.Server.Router
			b = r.Firewall
		}
	case SideClientRouter:
		if p.Client != nil && p.Client.Router != nil {
			r = p.Client.Router
			b = r.Firewall
		}
	}
	if b.Use == "" { // a plan built by hand: as Normalize defaults it
		b.Use = BoxDedicated
		if r != nil || side == SideClientHost {
			b.Use = BoxShared
		}
	}
	if b.NftTable == "" {
		b.NftTable = DefaultNftTable
	}
	if b.NftChain == "" {
		b.NftChain = DefaultNftHostChain
		if r != nil {
			b.NftChain = DefaultNftRouterChain
		}
	}
	return b, r
}

// LinuxSide reports whether the side's rules are nftables/iptables (a host,
// or a router of kind linux).
func (p *Plan) LinuxSide(side Side) bool {
	_, r := p.BoxFirewall(side)
	return r == nil || r.Kind.Linux()
}
