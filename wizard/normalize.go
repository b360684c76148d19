package wizard

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/ftpswiz/ftpswiz/vsftpd"
)

// Defaults for optional answers.
const (
	DefaultExplicitPort = 21
	DefaultImplicitPort = 990
	DefaultSSHPort      = 22
	DefaultPassiveStart = vsftpd.DefaultPassiveStart
	DefaultLocalRoot    = "/srv/ftps"
	DefaultUploadDir    = "upload"
	DefaultClientUser   = "ftpuser"
)

// Normalize returns a copy of the answers with every optional field that was
// left empty set to its default. It does not validate; fields it cannot
// default (the public address, the concurrency) stay as given. Normalizing
// twice gives the same result.
func Normalize(a Answers) Answers {
	n := a
	if n.Version == 0 {
		n.Version = SchemaVersion
	}
	if n.Protocol == "" {
		n.Protocol = ProtocolFTPS
	}
	sftp := n.Protocol == ProtocolSFTP
	if !sftp {
		if n.FTPS.Mode == "" {
			n.FTPS.Mode = ModeExplicit
		}
		if n.FTPS.ExplicitPort == 0 {
			n.FTPS.ExplicitPort = DefaultExplicitPort
		}
		if n.FTPS.ImplicitPort == 0 {
			n.FTPS.ImplicitPort = DefaultImplicitPort
		}
	}
	if len(n.Firewalls) == 0 {
		n.Firewalls = []Firewall{FirewallNftables}
	} else {
		n.Firewalls = slices.Clone(n.Firewalls)
	}
	if a.Server != nil {
		s := *a.Server
		normalizeServerNetwork(&s)
		if !sftp {
			normalizeContainer(&s)
			normalizeServerFTPS(&s)
		}
		n.Server = &s
	}
	if sftp {
		x := SFTP{}
		if a.SFTP != nil {
			x = *a.SFTP
		}
		normalizeSFTP(&x, n.Server)
		n.SFTP = &x
	}
	if a.Client != nil {
		c := *a.Client
		normalizeClient(&c, n)
		n.Client = &c
	}
	return n
}

func normalizeSFTP(x *SFTP, server *Server) {
	if x.Port == 0 {
		x.Port = DefaultSSHPort
		if server != nil {
			x.Port = server.SSHPort
		}
	}
	if x.Group == "" {
		x.Group = "sftponly"
	}
	x.Users = cloneOrNil(x.Users)
	if x.ChrootRoot == "" {
		x.ChrootRoot = "/srv/sftp"
	}
	if x.UploadDir == "" {
		x.UploadDir = DefaultUploadDir
	}
	x.PasswordAuthentication = ptr(IsTrue(x.PasswordAuthentication, false))
}

func normalizeServerNetwork(s *Server) {
	if s.NAT == "" {
		s.NAT = NATNone
	}
	if s.HostAddress == "" && s.NAT == NATNone && isIPv4(s.PublicAddress) && unusableAddress(netip.MustParseAddr(s.PublicAddress)) == "" {
		s.HostAddress = s.PublicAddress
	}
	if s.Router != nil {
		r := *s.Router
		normalizeRouter(&r)
		s.Router = &r
	}
	normalizeBox(&s.HostFirewall, DefaultBoxUse(SideServerHost), DefaultNftChain(SideServerHost))
	if s.DNSRecords == "" {
		s.DNSRecords = DefaultDNSRecords(s.PublicAddress, s.IPv6Address)
	}
	fams := ServerFamilies(s)
	if len(s.AllowedClients) == 0 {
		for _, f := range fams {
			s.AllowedClients = append(s.AllowedClients, AnyOf(f))
		}
	} else {
		s.AllowedClients = slices.Clone(s.AllowedClients)
	}
	if s.AdminNetwork == "" {
		s.AdminNetwork = AnyIPv4
		if !slices.Contains(fams, FamilyIPv4) {
			s.AdminNetwork = AnyIPv6
		}
	}
	if s.SSHPort == 0 {
		s.SSHPort = DefaultSSHPort
	}
}

func normalizeServerFTPS(s *Server) {
	if s.PassiveStart == 0 {
		s.PassiveStart = DefaultPassiveStart
	}
	c := &s.Capacity
	// Copy only sensible values, so one wrong number is reported once.
	if c.Clients == 0 && c.Transfers > 0 && c.Transfers <= MaxTransfers {
		c.Clients = c.Transfers
	}
	if c.PerClient == 0 && c.Clients > 0 && c.Clients <= MaxClients {
		c.PerClient = c.Clients
	}
	if c.TargetFailureRate == 0 {
		c.TargetFailureRate = DefaultTargetFailureRate
	}
	v := &s.Vsftpd
	if v.Flavour == "" {
		v.Flavour = FlavourAuto
	}
	if s.TLS.Profile == "" {
		s.TLS.Profile = ProfileIntermediate
	}
	normalizeCert(s)
	if s.TLS.AllowTLS13 == nil {
		s.TLS.AllowTLS13 = ptr(s.TLS.Profile == ProfileModern)
	} else {
		s.TLS.AllowTLS13 = ptr(*s.TLS.AllowTLS13)
	}
	if s.TLS.RequireSSLReuse == nil {
		s.TLS.RequireSSLReuse = ptr(true)
	} else {
		s.TLS.RequireSSLReuse = ptr(*s.TLS.RequireSSLReuse)
	}
	v.Users = cloneOrNil(v.Users)
	if v.LocalRoot == "" {
		v.LocalRoot = DefaultLocalRoot
	}
	if v.UploadDir == "" {
		v.UploadDir = DefaultUploadDir
	}
	if v.WriteEnable == nil {
		v.WriteEnable = ptr(true)
	} else {
		v.WriteEnable = ptr(*v.WriteEnable)
	}
}

func normalizeClient(c *Client, a Answers) {
	if c.NAT == "" {
		c.NAT = ClientNATNone
	}
	if c.Router != nil {
		r := *c.Router
		normalizeRouter(&r)
		c.Router = &r
	}
	// A client host is someone's workstation or server with traffic of its
	// own: its rules only add unless the answers say it is dedicated (a
	// complete policy there is an egress lockdown that stops web, DNS and
	// SSH).
	normalizeBox(&c.HostFirewall, DefaultBoxUse(SideClientHost), DefaultNftChain(SideClientHost))
	if c.DNSRecords == "" && a.Role == RoleClient {
		c.DNSRecords = DefaultDNSRecords(c.ServerAddress, c.ServerIPv6Address)
	}
	switch {
	case len(c.Software) > 0:
		c.Software = slices.Clone(c.Software)
	case a.Protocol == ProtocolSFTP:
		c.Software = []ClientSoftware{ClientOpenSSH}
	default:
		c.Software = []ClientSoftware{ClientLFTP, ClientCurl}
	}
	if c.User == "" {
		c.User = DefaultClientUser
		switch {
		case a.Protocol == ProtocolSFTP && a.SFTP != nil && len(a.SFTP.Users) > 0 && ValidUserName(a.SFTP.Users[0]):
			c.User = a.SFTP.Users[0]
		case a.Protocol != ProtocolSFTP && a.Server != nil && len(a.Server.Vsftpd.Users) > 0 && ValidUserName(a.Server.Vsftpd.Users[0]):
			c.User = a.Server.Vsftpd.Users[0]
		}
	}
}

// DefaultDNSRecords is the record set of the DNS name clients dial when
// the answers do not say: both when the server has an IPv6 address, else
// a; "" when name is empty or an address (no records to describe).
func DefaultDNSRecords(name, ipv6 string) DNSRecords {
	switch {
	case name == "" || isIP(name):
		return ""
	case ipv6 != "":
		return RecordsBoth
	}
	return RecordsA
}

func ptr[T any](v T) *T { return &v }

// Certificate defaults.
const (
	DefaultLetsEncryptDir = "/etc/letsencrypt"
	DefaultSelfSignedCert = "/etc/ftpswiz/tls/vsftpd-cert.pem"
	DefaultSelfSignedKey  = "/etc/ftpswiz/tls/vsftpd-key.pem"
)

// normalizeCert fills in the certificate source and its pair. An answers
// file without a source (written before it existed) gets own when it names
// a certificate other than the system's snakeoil pair, letsencrypt when
// clients dial a DNS name, else self-signed.
func normalizeCert(s *Server) {
	t := &s.TLS
	if t.Source == "" {
		switch {
		case t.CertFile != "" && !IsSnakeoil(t.CertFile):
			t.Source = SourceOwn
		case IsHostname(s.PublicAddress) && !isIPv4(s.PublicAddress):
			t.Source = SourceLetsEncrypt
		default:
			t.Source = SourceSelfSigned
		}
	}
	if t.KeyType == "" {
		t.KeyType = KeyECDSA
		if t.Source == SourceOwn {
			t.KeyType = KeyAny
		}
	}
	if t.LetsEncrypt != nil {
		le := *t.LetsEncrypt
		t.LetsEncrypt = &le
	}
	switch t.Source {
	case SourceLetsEncrypt:
		if t.LetsEncrypt == nil {
			t.LetsEncrypt = &LetsEncrypt{}
		}
		le := t.LetsEncrypt
		if le.Challenge == "" {
			le.Challenge = ChallengeHTTP01
		}
		if le.ConfigDir == "" {
			le.ConfigDir = DefaultLetsEncryptDir
		}
		if !IsHostname(s.PublicAddress) || isIPv4(s.PublicAddress) || !strings.HasPrefix(le.ConfigDir, "/") {
			break // validation names public_address
		}
		if t.CertFile == "" {
			t.CertFile = LetsEncryptLive(le.ConfigDir, s.PublicAddress, "fullchain.pem")
		}
		if t.KeyFile == "" {
			t.KeyFile = LetsEncryptLive(le.ConfigDir, s.PublicAddress, "privkey.pem")
		}
	case SourceSelfSigned:
		if t.CertFile == "" {
			t.CertFile = DefaultSelfSignedCert
		}
		if t.KeyFile == "" {
			t.KeyFile = DefaultSelfSignedKey
		}
	}
}

// LetsEncryptLive is where certbot keeps the current file of a lineage
// (config_dir/live/NAME/file).
func LetsEncryptLive(dir, name, file string) string {
	return strings.TrimRight(dir, "/") + "/live/" + name + "/" + file
}

// IsSnakeoil reports whether a path is one of the distribution's
// system-wide snakeoil files (Debian's ssl-cert pair), which other services
// share and ftpswiz never writes.
func IsSnakeoil(p string) bool { return strings.Contains(p, "snakeoil") }

// IsTrue reads an optional boolean answer, nil meaning def.
func IsTrue(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// cloneOrNil copies a list, making an empty one nil so that "users: []" and
// a missing key normalise alike.
func cloneOrNil[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return slices.Clone(xs)
}

func normalizeRouter(r *Router) {
	if r.Kind == "" {
		r.Kind = RouterLinux
	}
	normalizeBox(&r.Firewall, DefaultBoxUse(SideServerRouter), DefaultNftChain(SideServerRouter)) // the same for both routers
}
