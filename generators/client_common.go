package generators

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/netip"
	"strings"

	"github.com/ftpswiz/ftpswiz/internal/chars"
	"github.com/ftpswiz/ftpswiz/netaddr"
	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// clientView is what every client renderer needs from the plan, checked
// and flattened once.
type clientView struct {
	Title   string
	Command string // the regenerate command for file headers
	Host    string // the address clients dial (IPv4 or DNS name)
	// HostIsIP is true when Host is an IPv4 address: certificates must then
	// carry it as an IP subjectAltName for verification to pass.
	HostIsIP bool
	User     string
	// Passive is the server's passive range ("50000-50074"), "" when unknown.
	Passive string
	// ActiveMode reports whether the server allows active (PORT) transfers.
	ActiveMode      bool
	RequireSSLReuse bool
	// ServerKnown is true when the plan includes the server (role both), so
	// the files can state what the server does rather than what vsftpd
	// does by default.
	ServerKnown bool
	// UploadDir is the writable directory inside the user's chroot when the
	// plan knows it (role both), else "".
	UploadDir string
	// IPv6 is true when the client side is planned for IPv6 too: clients
	// then prefer EPSV, whose 229 reply carries only a port.
	IPv6 bool
	// ForceIPv4 is true when the name has an AAAA record but the client
	// side is planned for IPv4 only: clients must not try IPv6 first.
	ForceIPv4 bool
	Endpoints []clientEndpoint
	Reasons   clientReasons
	// PinFile is set when the server's certificate is self-signed and
	// pinned: the certificate file clients trust (relative to the output
	// directory, where the usage lines run); PinFP is its SHA-256
	// fingerprint, "" until the operator records it.
	PinFile string
	PinFP   string
}

// clientFileFirst and clientFileRest spell a pinned certificate's file name,
// written into client files unquoted (^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.pem$,
// checked byte by byte by clientPinFile).
var clientFileFirst, clientFileRest = chars.NewSet("A-Za-z0-9"), chars.NewSet("A-Za-z0-9._-")

// clientEndpoint is one way to reach the server, as client configs name it.
type clientEndpoint struct {
	Name     string // "explicit" or "implicit"
	Implicit bool
	Port     int
	Scheme   string // "ftp" (explicit, AUTH TLS forced) or "ftps" (implicit)
	// Label names the bookmark/site/remote: "ftps-explicit", "ftps-implicit".
	Label string
	// URL is scheme://host:port (no user, no trailing slash).
	URL string
}

// clientReason is a decision's explanation from the plan; Why is empty when
// the plan has no such decision (then the files say nothing about it).
type clientReason struct {
	Key   string
	Title string
	Value string
	Why   string
}

// Comment renders the reason as a comment block with the given line prefix,
// or "" when the plan has no such decision.
func (r clientReason) Comment(prefix string) string {
	if r.Why == "" {
		return ""
	}
	return templates.Comment(prefix, fmt.Sprintf("Why (%s, %s): %s", r.Key, r.Value, r.Why))
}

// clientReasons are the plan decisions client files quote.
type clientReasons struct {
	Mode     clientReason // ftps.mode
	Passive  clientReason // passive.range, or client.server for role client
	SSLReuse clientReason // tls.require_ssl_reuse
	Active   clientReason // ftps.active_mode
	// User is client.user's warning when the login is ftpswiz's
	// placeholder (empty otherwise); every file's header quotes it.
	User clientReason
}

// Decision keys client files quote.
const (
	clientKeyMode     = "ftps.mode"
	clientKeyPassive  = "passive.range"
	clientKeyServer   = "client.server"
	clientKeySSLReuse = "tls.require_ssl_reuse"
	clientKeyActive   = "ftps.active_mode"
)

// clientPathFirst and clientFileRest spell one directory name client files
// accept: they end up in shell scripts, URLs and lftp commands unquoted
// (^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$, checked byte by byte).
var clientPathFirst = chars.NewSet("A-Za-z0-9_")

// newClientView checks the plan's client part and flattens it for the
// client renderers.
func newClientView(p *wizard.Plan, title string) (clientView, error) {
	if p == nil || p.Client == nil {
		return clientView{}, fmt.Errorf("plan has no client part")
	}
	c := p.Client
	v := clientView{
		Title:           title,
		Command:         RegenerateCommand,
		Host:            c.ServerAddress,
		User:            c.User,
		ActiveMode:      c.ActiveMode,
		RequireSSLReuse: c.RequireSSLReuse,
		ServerKnown:     p.Server != nil,
	}
	if a, err := netip.ParseAddr(c.ServerAddress); err == nil {
		if !a.Is4() {
			return clientView{}, fmt.Errorf("server address %q: only IPv4 addresses or DNS names are supported", c.ServerAddress)
		}
		v.HostIsIP = true
	} else if !clientHost(c.ServerAddress) {
		return clientView{}, fmt.Errorf("server address %q is neither an IPv4 address nor a DNS name", c.ServerAddress)
	}
	if !wizard.ValidUserName(c.User) {
		return clientView{}, fmt.Errorf("user name %q: client files need a plain user name (lower-case letters, digits, _ and -)", c.User)
	}
	if !c.Passive.IsZero() {
		v.Passive = c.Passive.String()
	}
	v.IPv6 = wizard.HasFamily(c.Families, wizard.FamilyIPv6)
	v.ForceIPv4 = !v.IPv6 && c.DNSRecords.HasAAAA()
	if p.Server != nil && p.Server.WriteEnable && clientSafeDir(p.Server.UploadDir) {
		v.UploadDir = strings.Trim(p.Server.UploadDir, "/")
	}
	if len(c.Endpoints) == 0 {
		return clientView{}, fmt.Errorf("plan has no server endpoint for the client")
	}
	seen := map[string]bool{}
	for _, e := range c.Endpoints {
		if e.Port < 1 || e.Port > 65535 {
			return clientView{}, fmt.Errorf("%s endpoint: port %d out of range", e.Name(), e.Port)
		}
		if seen[e.Name()] {
			return clientView{}, fmt.Errorf("two %s endpoints", e.Name())
		}
		seen[e.Name()] = true
		v.Endpoints = append(v.Endpoints, clientEndpoint{
			Name:     e.Name(),
			Implicit: e.Implicit,
			Port:     e.Port,
			Scheme:   e.Scheme(),
			Label:    "ftps-" + e.Name(),
			URL:      fmt.Sprintf("%s://%s:%d", e.Scheme(), c.ServerAddress, e.Port),
		})
	}
	if pin := p.Service.Pin; pin != nil {
		if !clientPinFile(pin.CAFile) {
			return clientView{}, fmt.Errorf("pinned certificate file %q is not a plain .pem file name", pin.CAFile)
		}
		if pin.Fingerprint != "" && !chars.IsSHA256Fingerprint(pin.Fingerprint) {
			return clientView{}, fmt.Errorf("pinned fingerprint %q (from server.tls.fingerprint) is not a SHA-256 fingerprint", pin.Fingerprint)
		}
		v.PinFile, v.PinFP = "client/"+pin.CAFile, pin.Fingerprint
	}
	v.Reasons = clientReasons{
		Mode:     clientReasonOf(p, clientKeyMode),
		Passive:  clientReasonOf(p, clientKeyPassive, clientKeyServer),
		SSLReuse: clientReasonOf(p, clientKeySSLReuse),
		Active:   clientReasonOf(p, clientKeyActive),
		User:     clientReasonOf(p, wizard.KeyClientUser),
	}
	return v, nil
}

// clientReasonOf returns the first of the given decisions the plan has.
func clientReasonOf(p *wizard.Plan, keys ...string) clientReason {
	for _, k := range keys {
		if d, ok := p.Decision(k); ok {
			why := d.Why
			if d.ForClient != "" {
				// What the client needs, not the server's model.
				why = d.ForClient
			}
			return clientReason{Key: d.Key, Title: d.Title, Value: d.Value, Why: why}
		}
	}
	return clientReason{Key: keys[0]}
}

// clientHost reports whether s is a DNS name client files can hold: one or
// more labels, a final dot allowed.
func clientHost(s string) bool { return netaddr.IsDNSName(s, 1, true) }

// clientPinFile reports whether name is a plain .pem file name.
func clientPinFile(name string) bool {
	base, ok := strings.CutSuffix(name, ".pem")
	return ok && chars.Run(base, 1, 64, clientFileFirst, clientFileRest)
}

// clientSafeDir reports whether dir is a plain relative directory name that
// can go into scripts and URLs unquoted.
func clientSafeDir(dir string) bool {
	dir = strings.Trim(dir, "/")
	if dir == "" {
		return false
	}
	for _, part := range strings.Split(dir, "/") {
		if part == "." || part == ".." || !chars.Run(part, 1, 64, clientPathFirst, clientFileRest) {
			return false
		}
	}
	return true
}

// Explicit returns the explicit endpoint, if the plan has one.
func (v clientView) Explicit() (clientEndpoint, bool) {
	for _, e := range v.Endpoints {
		if !e.Implicit {
			return e, true
		}
	}
	return clientEndpoint{}, false
}

// Implicit returns the implicit endpoint, if the plan has one.
func (v clientView) Implicit() (clientEndpoint, bool) {
	for _, e := range v.Endpoints {
		if e.Implicit {
			return e, true
		}
	}
	return clientEndpoint{}, false
}

// NoActive says why the client must not use active mode.
func (v clientView) NoActive() string {
	if v.ServerKnown {
		return "the server refuses it (port_enable=NO)"
	}
	return "it needs inbound connections to this client, which its firewall rules do not allow"
}

// ReuseNeed says who requires TLS session resumption on data connections.
func (v clientView) ReuseNeed() string {
	if v.ServerKnown {
		return "the server requires it"
	}
	return "vsftpd servers require it unless set to require_ssl_reuse=NO"
}

// First is the endpoint client files use by default (explicit first).
func (v clientView) First() clientEndpoint { return v.Endpoints[0] }

// UploadPath is the remote directory the examples upload to: the upload
// directory when known, else the login directory.
func (v clientView) UploadPath() string {
	if v.UploadDir != "" {
		return v.UploadDir + "/"
	}
	return ""
}

// clientTemplate renders one client file from templates/client-*.tmpl.
func clientTemplate(p *wizard.Plan, path, tmpl, title string, mode fs.FileMode) ([]File, error) {
	v, err := newClientView(p, title)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b, err := templates.Render(tmpl, v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return []File{{Path: path, Mode: mode, Content: clientEOL(b)}}, nil
}

// clientEOL trims trailing blank lines and ends the file with one newline.
func clientEOL(b []byte) []byte {
	return append(bytes.TrimRight(b, "\n"), '\n')
}
