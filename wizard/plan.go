package wizard

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
	// Warning marks a decision the user must read (a risk they accepted).
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
		if len(p.FlowsFor(s)) > 0 {
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
}

// AnyIPv4 is the CIDR for "anywhere".
const AnyIPv4 = "0.0.0.0/0"

// ServerPlan is what the vsftpd end gets.
type ServerPlan struct {
	PublicAddress string
	// PublicIsIP is false when clients dial a DNS name.
	PublicIsIP  bool
	HostAddress string
	NAT         ServerNAT
	// Router is set when ftpswiz writes rules for a Linux NAT router.
	Router         *Router
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
	// TLS13 says whether vsftpd may speak TLS 1.3.
	TLS13 bool
	// OpenSSLConf is set when TLS 1.3 is capped through OpenSSL's
	// configuration (builds without an option for it, Debian's 3.0.3): its
	// install path, which each vsftpd unit gets as OPENSSL_CONF.
	OpenSSLConf string
}

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
	// Endpoints are the server's control ports the client may use (explicit
	// first); client configs get one entry per endpoint.
	Endpoints []Endpoint
	Passive   PortRange
	NAT       ClientNAT
	Router    *Router
	LANCIDR   string
	Software  []ClientSoftware
	User      string
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
