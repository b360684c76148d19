// Package wizard is ftpswiz's pure domain: the answers a user gives, the
// questions that ask for them, and Decide, which turns answers into a Plan of
// explained decisions. It imports no UI code; the TUI, the answers-file
// decoder and the generators all go through it.
package wizard

// SchemaVersion is the version of the answers file format this build reads
// and writes. It only changes when a field changes meaning.
const SchemaVersion = 1

// Answers is everything ftpswiz needs to know about a deployment. It is the
// public answers-file schema (YAML, see the README): field names and meanings
// are stable within a SchemaVersion.
type Answers struct {
	Version int `yaml:"version"`
	// Protocol is ftps (the default) or sftp, SSH's file transfer, which
	// needs one port and no passive range (see `ftpswiz compare`).
	Protocol Protocol `yaml:"protocol,omitempty"`
	Role     Role     `yaml:"role"`
	// FTPS holds the FTPS choices (protocol ftps only).
	FTPS FTPS `yaml:"ftps,omitempty"`
	// SFTP holds the SFTP choices (protocol sftp only).
	SFTP *SFTP `yaml:"sftp,omitempty"`
	// Server is required for role server and both, and must be absent for
	// role client.
	Server *Server `yaml:"server,omitempty"`
	// Client is required for role client and both, and must be absent for
	// role server.
	Client    *Client    `yaml:"client,omitempty"`
	Firewalls []Firewall `yaml:"firewalls,flow"`
	// Constraints are what the other side imposes, as the wizard's first
	// questions asked it; `ftpswiz compare --answers` recommends from them.
	Constraints Constraints `yaml:"constraints,omitempty"`
}

// Constraints are facts about the deployment that decide the protocol and
// that the rest of the answers cannot show.
type Constraints struct {
	// PartnerRequiresFTPS: the other side (a partner, an appliance, a
	// contract or a regulation) accepts only FTP or FTPS, so SFTP is no
	// option. Requires protocol ftps.
	PartnerRequiresFTPS bool `yaml:"partner_requires_ftps,omitempty"`
	// ClientCertificates: users must log in with X.509 client
	// certificates, which only FTPS (TLS) offers. Requires protocol ftps.
	ClientCertificates bool `yaml:"client_certificates,omitempty"`
}

// RecommendOptions returns the constraints as Recommend's options.
func (c Constraints) RecommendOptions() RecommendOptions {
	return RecommendOptions(c)
}

// Protocol is the file-transfer protocol being planned.
type Protocol string

// Protocols.
const (
	ProtocolFTPS Protocol = "ftps" // FTP over TLS: vsftpd, a control port and a passive range
	ProtocolSFTP Protocol = "sftp" // SSH file transfer: sshd, one port
)

// Protocols lists the valid protocols.
func Protocols() []Protocol { return []Protocol{ProtocolFTPS, ProtocolSFTP} }

// SFTP describes an SFTP-only service run by OpenSSH's sshd.
type SFTP struct {
	// Port is the port sshd serves SFTP on. Default: server.ssh_port (22),
	// the same sshd the administrator uses.
	Port int `yaml:"port"`
	// Group is the system group whose members get SFTP only, locked into
	// their chroot. Default "sftponly".
	Group string `yaml:"group"`
	// Users are the SFTP accounts (members of Group).
	Users []string `yaml:"users,flow,omitempty"`
	// ChrootRoot is the directory under which each user gets a root-owned
	// chroot, ChrootRoot/<user>. Default /srv/sftp.
	ChrootRoot string `yaml:"chroot_root"`
	// UploadDir is the writable directory inside each chroot. Default "upload".
	UploadDir string `yaml:"upload_dir"`
	// PasswordAuthentication lets SFTP users log in with a password instead
	// of an SSH key. Default false (keys only).
	PasswordAuthentication *bool `yaml:"password_authentication"`
}

// Role says which ends of the connection the user is planning.
type Role string

// Roles.
const (
	RoleServer Role = "server" // I run vsftpd
	RoleClient Role = "client" // I connect to someone's FTPS server through my own firewall
	RoleBoth   Role = "both"   // I plan both ends (vendor's server, customer's client)
)

// Roles lists the valid roles in the order the wizard offers them.
func Roles() []Role { return []Role{RoleServer, RoleClient, RoleBoth} }

// HasServer reports whether the role includes the server end.
func (r Role) HasServer() bool { return r == RoleServer || r == RoleBoth }

// HasClient reports whether the role includes the client end.
func (r Role) HasClient() bool { return r == RoleClient || r == RoleBoth }

// FTPS holds the protocol choices both ends must agree on.
type FTPS struct {
	Mode Mode `yaml:"mode"`
	// ExplicitPort is the control port for explicit FTPS (AUTH TLS). Default 21.
	ExplicitPort int `yaml:"explicit_port"`
	// ImplicitPort is the control port for implicit FTPS. Default 990.
	ImplicitPort int `yaml:"implicit_port"`
	// ActiveMode allows PORT/EPRT data connections from the server to the
	// client. Off by default: under TLS no NAT can follow it.
	ActiveMode bool `yaml:"active_mode"`
}

// Mode is explicit FTPS, implicit FTPS, or both (two vsftpd instances).
type Mode string

// FTPS modes.
const (
	ModeExplicit Mode = "explicit"
	ModeImplicit Mode = "implicit"
	ModeBoth     Mode = "both"
)

// Modes lists the valid FTPS modes.
func Modes() []Mode { return []Mode{ModeExplicit, ModeImplicit, ModeBoth} }

// Explicit reports whether the mode serves explicit FTPS.
func (m Mode) Explicit() bool { return m == ModeExplicit || m == ModeBoth }

// Implicit reports whether the mode serves implicit FTPS.
func (m Mode) Implicit() bool { return m == ModeImplicit || m == ModeBoth }

// Server describes the vsftpd end.
type Server struct {
	// PublicAddress is the address clients dial: an IPv4 address or a DNS
	// name. With NAT it is the router's (or cloud's) public address.
	PublicAddress string `yaml:"public_address"`
	// HostAddress is the vsftpd host's own IPv4 address. With NAT none it
	// defaults to PublicAddress.
	HostAddress string    `yaml:"host_address"`
	NAT         ServerNAT `yaml:"nat"`
	// IPv6Address is the vsftpd host's own global IPv6 address, which
	// clients reach directly: IPv6 needs no NAT and no pasv_address. Empty:
	// the server is not reachable over IPv6.
	IPv6Address string `yaml:"ipv6_address,omitempty"`
	// DNSRecords says which address records the DNS name in PublicAddress
	// has: a, aaaa or both. Default: both when IPv6Address is given, else
	// a. Only for a DNS name; aaaa alone plans an IPv6-only server.
	DNSRecords DNSRecords `yaml:"dns_records,omitempty"`
	// Router names the NAT router's interfaces. Required for port-forward;
	// optional for one-to-one and dynamic-dns (give it when a Linux box you
	// manage does the NAT); unused for none.
	Router *Router `yaml:"router,omitempty"`
	// AllowedClients are the networks (CIDRs) allowed to reach the FTPS
	// ports. Default: anywhere (0.0.0.0/0).
	AllowedClients []string `yaml:"allowed_clients,flow"`
	// AdminNetwork is the network (CIDR) allowed to reach SSH on the server
	// host, so the generated host firewall never locks the admin out.
	AdminNetwork string `yaml:"admin_network"`
	// AdminNetworkIPv6 is the IPv6 network allowed to reach SSH when the
	// host is reached over IPv6 too and admin_network is IPv4 (one answer,
	// one family). Without it, a dual-stack host's SSH is IPv4 only.
	AdminNetworkIPv6 string `yaml:"admin_network_ipv6,omitempty"`
	// SSHPort is the server host's SSH port. Default 22.
	SSHPort int `yaml:"ssh_port"`
	// HostFirewall says whether the vsftpd host is dedicated (default: a
	// complete policy) or shared (it has a firewall of its own: rules that
	// only add).
	HostFirewall BoxFirewall `yaml:"host_firewall,omitempty"`
	// PassiveStart is the first port of the passive range. Default 50000.
	// The range's size comes from Capacity.
	PassiveStart int      `yaml:"passive_start,omitempty"`
	Capacity     Capacity `yaml:"capacity,omitempty"`
	TLS          TLS      `yaml:"tls,omitempty"`
	Vsftpd       Vsftpd   `yaml:"vsftpd,omitempty"`
	// Container runs vsftpd in a container (Docker or Podman) on the
	// server host; absent: vsftpd runs on the host itself.
	Container *Container `yaml:"container,omitempty"`
}

// ServerNAT is how the vsftpd host is reached from the internet.
type ServerNAT string

// Server NAT types.
const (
	NATNone        ServerNAT = "none"         // public IP on the host itself
	NATOneToOne    ServerNAT = "one-to-one"   // static 1:1 NAT, e.g. a cloud elastic IP on a private VM
	NATPortForward ServerNAT = "port-forward" // a router DNATs chosen ports to the host
	NATDynamicDNS  ServerNAT = "dynamic-dns"  // the public address changes; clients dial a DNS name
)

// ServerNATs lists the valid server NAT types.
func ServerNATs() []ServerNAT {
	return []ServerNAT{NATNone, NATOneToOne, NATPortForward, NATDynamicDNS}
}

// Behind reports whether the server host sits behind NAT (its own address
// differs from the one clients dial).
func (n ServerNAT) Behind() bool { return n != NATNone }

// Router describes a NAT router: its kind and, for a Linux box, its
// interfaces.
type Router struct {
	// Kind is linux (default: nftables/iptables rules), openwrt, mikrotik,
	// pfsense, opnsense, fortigate or web (a router configured in its web
	// page).
	Kind RouterKind `yaml:"kind,omitempty"`
	// WANInterface and LANInterface are required for kind linux; optional
	// for the others (defaults: the make's usual names).
	WANInterface string `yaml:"wan_interface,omitempty"`
	LANInterface string `yaml:"lan_interface,omitempty"`
	// Firewall says how the rules join the router's own firewall. Default
	// shared: rules that only add.
	Firewall BoxFirewall `yaml:"firewall,omitempty"`
}

// Capacity sizes the passive range and vsftpd's connection limits.
type Capacity struct {
	// Transfers is the number of data transfers expected at the same time
	// across all clients (each needs one passive port while it runs).
	Transfers int `yaml:"concurrent_transfers"`
	// Clients is the number of sessions allowed at once (vsftpd max_clients).
	// Default: Transfers. Must be at least Transfers.
	Clients int `yaml:"concurrent_clients"`
	// PerClient is the number of sessions allowed from one IP address
	// (vsftpd max_per_ip). Default: Clients, because everyone behind one NAT
	// shares one address.
	PerClient int `yaml:"per_client_limit"`
	// TargetFailureRate is the accepted probability that a PASV finds no free
	// port at full load. Default 1e-6 (one in a million).
	TargetFailureRate float64 `yaml:"target_failure_rate"`
}

// TLS holds the server's certificate and protocol policy.
type TLS struct {
	// Source is where the certificate comes from: letsencrypt (certbot,
	// renewed automatically; needs a DNS name), own (a certificate you
	// have), or self-signed (a dedicated pair for a closed partner link,
	// pinned in every client). Default: letsencrypt when public_address is
	// a DNS name, else self-signed; own when cert_file is given.
	Source TLSSource `yaml:"source"`
	// KeyType is the certificate's key type, which ssl_ciphers must match:
	// ecdsa (default for letsencrypt and self-signed) or rsa; any (own
	// only, the default there) lists the suites of both.
	KeyType KeyType `yaml:"key_type"`
	// LetsEncrypt configures certbot (source letsencrypt only).
	LetsEncrypt *LetsEncrypt `yaml:"letsencrypt,omitempty"`
	// CertFile and KeyFile are the pair vsftpd reads. letsencrypt: set
	// from the name (config_dir/live/NAME/fullchain.pem, privkey.pem);
	// self-signed: a dedicated pair (default /etc/ftpswiz/tls/), never the
	// system's snakeoil pair; own: required.
	CertFile string     `yaml:"cert_file"`
	KeyFile  string     `yaml:"key_file"`
	Profile  TLSProfile `yaml:"profile"`
	// Fingerprint is the self-signed certificate's SHA-256 fingerprint
	// (AA:BB:...: 32 bytes in hex), printed by the generated openssl
	// command; once set, HANDOUT.md and every client config pin it.
	Fingerprint string `yaml:"fingerprint,omitempty"`
	// RequireSSLReuse makes vsftpd demand TLS session resumption on data
	// connections, which proves the data connection comes from the same
	// client as the control connection. Default true.
	RequireSSLReuse *bool `yaml:"require_ssl_reuse"`
	// AllowTLS13 lets vsftpd speak TLS 1.3. Default false for the
	// intermediate profile: over TLS 1.3, uploads to vsftpd are
	// intermittently cut short ("426 Failure reading network stream"),
	// measured in ftpswiz's lab. The modern profile is TLS 1.3 only and
	// needs it true.
	AllowTLS13 *bool `yaml:"allow_tls13"`
}

// TLSSource is where the server's certificate comes from.
type TLSSource string

// Certificate sources.
const (
	SourceLetsEncrypt TLSSource = "letsencrypt" // certbot, renewed automatically
	SourceOwn         TLSSource = "own"         // a certificate the operator has
	SourceSelfSigned  TLSSource = "self-signed" // a dedicated pair, pinned in every client
)

// TLSSources lists the valid certificate sources.
func TLSSources() []TLSSource { return []TLSSource{SourceLetsEncrypt, SourceOwn, SourceSelfSigned} }

// KeyType is a certificate's key algorithm.
type KeyType string

// Key types.
const (
	KeyECDSA KeyType = "ecdsa" // P-256
	KeyRSA   KeyType = "rsa"   // 2048 bits or more
	KeyAny   KeyType = "any"   // own certificates of either type
)

// KeyTypes lists the valid key types.
func KeyTypes() []KeyType { return []KeyType{KeyECDSA, KeyRSA, KeyAny} }

// LetsEncrypt configures certbot for source letsencrypt.
type LetsEncrypt struct {
	// Challenge is how the CA checks the name: http-01 (certbot answers on
	// port 80, which the generated firewalls open for it; default) or
	// dns-01 (a TXT record; no port).
	Challenge Challenge `yaml:"challenge"`
	// Email receives expiry warnings; empty registers without one.
	Email string `yaml:"email,omitempty"`
	// Server is the ACME directory URL (default: Let's Encrypt's
	// production directory).
	Server string `yaml:"server,omitempty"`
	// ConfigDir is certbot's configuration directory (default
	// /etc/letsencrypt).
	ConfigDir string `yaml:"config_dir"`
}

// Challenge is an ACME challenge type.
type Challenge string

// ACME challenges.
const (
	ChallengeHTTP01 Challenge = "http-01"
	ChallengeDNS01  Challenge = "dns-01"
)

// Challenges lists the valid ACME challenges.
func Challenges() []Challenge { return []Challenge{ChallengeHTTP01, ChallengeDNS01} }

// TLSProfile follows Mozilla's server-side TLS recommendations.
type TLSProfile string

// TLS profiles.
const (
	ProfileModern       TLSProfile = "modern"       // TLS 1.3 only
	ProfileIntermediate TLSProfile = "intermediate" // TLS 1.2 with AEAD ciphers, and TLS 1.3
)

// TLSProfiles lists the valid TLS profiles.
func TLSProfiles() []TLSProfile { return []TLSProfile{ProfileIntermediate, ProfileModern} }

// ProfileVersions returns the TLS versions a plan with profile p allows,
// oldest first ("TLS 1.2", "TLS 1.3"): modern is TLS 1.3 alone; intermediate
// is TLS 1.2, and TLS 1.3 only with allow_tls13 (its default is false: see
// the tls.protocols decision). Labels and the decision both say it from
// here, so the wizard never promises a version the plan switches off.
func ProfileVersions(p TLSProfile, allowTLS13 bool) []string {
	switch {
	case p == ProfileModern:
		return []string{"TLS 1.3"}
	case allowTLS13:
		return []string{"TLS 1.2", "TLS 1.3"}
	}
	return []string{"TLS 1.2"}
}

// ProfileOffered reports whether the wizard offers profile p for vsftpd
// build fl: modern (TLS 1.3 only) needs a build that can switch TLS 1.2 off,
// which Debian's 3.0.3 cannot.
func ProfileOffered(p TLSProfile, fl Flavour) bool {
	return p != ProfileModern || fl.CanDisableTLS12()
}

// Vsftpd holds the vsftpd build and its local users.
type Vsftpd struct {
	// Flavour picks the option names of the vsftpd build that will read the
	// config. "auto" is resolved by the CLI (detecting the installed binary)
	// before Decide; Decide treats an unresolved auto as debian-3.0.3.
	Flavour Flavour `yaml:"flavour"`
	// Users are the local accounts allowed to log in (an allow-list). Empty:
	// every local user with a valid shell that /etc/ftpusers does not deny.
	Users []string `yaml:"users,flow,omitempty"`
	// LocalRoot is the directory under which each user gets a chroot,
	// LocalRoot/<user>. Default /srv/ftps.
	LocalRoot string `yaml:"local_root"`
	// UploadDir is the writable directory inside each user's non-writable
	// chroot root. Default "upload".
	UploadDir string `yaml:"upload_dir"`
	// WriteEnable allows uploads. Default true.
	WriteEnable *bool `yaml:"write_enable"`
}

// Client describes the end that connects to the FTPS server.
type Client struct {
	NAT ClientNAT `yaml:"nat"`
	// Router names the client's masquerading router's interfaces (nat
	// masquerade).
	Router *Router `yaml:"router,omitempty"`
	// LANCIDR is the client network behind the masquerading router.
	LANCIDR string `yaml:"lan_cidr,omitempty"`
	// ServerAddress is the FTPS server's public address (IPv4 or DNS name).
	// Role client only: with role both it is server.public_address.
	ServerAddress string `yaml:"server_address,omitempty"`
	// PassivePorts is the server's passive range as "first-last" (ask the
	// server's operator). Role client and protocol ftps only: with role both
	// ftpswiz sizes it.
	PassivePorts string `yaml:"passive_ports,omitempty"`
	// IPv6Prefix is the client network's IPv6 prefix (a CIDR such as
	// 2001:db8:50::/64). Given, and the server has IPv6, the client side's
	// rules allow the IPv6 path too (routers forward IPv6 without NAT).
	IPv6Prefix string `yaml:"ipv6_prefix,omitempty"`
	// ServerIPv6Address is the server's IPv6 address. Role client only: with
	// role both it is server.ipv6_address.
	ServerIPv6Address string `yaml:"server_ipv6_address,omitempty"`
	// DNSRecords says which address records the name in ServerAddress has
	// (a, aaaa or both). Role client only, for a DNS name. Default: both when
	// server_ipv6_address is given, else a.
	DNSRecords DNSRecords       `yaml:"dns_records,omitempty"`
	Software   []ClientSoftware `yaml:"software,flow"`
	// User is the login name written into client configs. Default: the
	// server's first account, else "ftpuser", a placeholder the plan warns
	// about (decision client.user).
	User string `yaml:"user"`
	// HostFirewall says whether the client host is dedicated (default: a
	// complete policy, an egress filter) or shared (rules that only add).
	HostFirewall BoxFirewall `yaml:"host_firewall,omitempty"`
}

// ClientNAT is how the client network reaches the internet.
type ClientNAT string

// Client NAT types.
const (
	ClientNATNone       ClientNAT = "none"       // the client host has a public address
	ClientNATMasquerade ClientNAT = "masquerade" // a router you manage masquerades the LAN
	ClientNATCGNAT      ClientNAT = "cgnat"      // carrier-grade NAT you do not control
)

// ClientNATs lists the valid client NAT types.
func ClientNATs() []ClientNAT {
	return []ClientNAT{ClientNATNone, ClientNATMasquerade, ClientNATCGNAT}
}

// DNSRecords says which address records the DNS name clients dial has.
type DNSRecords string

// DNS record sets.
const (
	RecordsA    DNSRecords = "a"    // IPv4 only
	RecordsAAAA DNSRecords = "aaaa" // IPv6 only
	RecordsBoth DNSRecords = "both" // A and AAAA: clients try IPv6 first
)

// AllDNSRecords lists the valid record sets.
func AllDNSRecords() []DNSRecords { return []DNSRecords{RecordsA, RecordsAAAA, RecordsBoth} }

// HasA reports whether the name has an A record.
func (r DNSRecords) HasA() bool { return r == RecordsA || r == RecordsBoth }

// HasAAAA reports whether the name has an AAAA record.
func (r DNSRecords) HasAAAA() bool { return r == RecordsAAAA || r == RecordsBoth }

// AdminNetworks are the networks allowed to reach the server host's SSH:
// admin_network and, when given, admin_network_ipv6.
func (s *Server) AdminNetworks() []string {
	if s.AdminNetworkIPv6 == "" {
		return []string{s.AdminNetwork}
	}
	return []string{s.AdminNetwork, s.AdminNetworkIPv6}
}
