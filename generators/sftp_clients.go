package generators

import (
	"encoding/xml"
	"fmt"
	"io/fs"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// sftpAlias names the server in every SFTP client file: the ssh_config Host,
// the lftp bookmark, the rclone remote.
const sftpAlias = "ftpswiz-sftp"

// Paths of the SFTP client files. A plan is one protocol, so the FileZilla,
// WinSCP and rclone files use the same paths as their FTPS versions.
const (
	sftpOpenSSHPath   = "client/ssh_config"
	sftpLFTPPath      = "client/lftp-sftp.rc"
	sftpFileZillaPath = "client/filezilla-sitemanager.xml"
	sftpWinSCPPath    = "client/winscp.txt"
	sftpRclonePath    = "client/rclone.conf"
)

// sftpClientView is what every SFTP client file needs from the plan,
// checked and flattened once.
type sftpClientView struct {
	Title   string
	Command string // the regenerate command for file headers
	Alias   string
	Host    string // the address clients dial (IPv4 or DNS name)
	Port    int
	User    string
	// PasswordAuth is true when the server lets SFTP accounts log in with a
	// password; otherwise keys only.
	PasswordAuth bool
	// UploadDir is the writable directory in the user's chroot when the plan
	// knows it (it plans the server), else "".
	UploadDir string
	// KnownHostsName is the host as known_hosts names it: "host", or
	// "[host]:port" for a port other than 22.
	KnownHostsName string
	// Reasons are the plan's explanations the files quote; a reason whose
	// decision the plan lacks is empty and left out.
	Protocol clientReason // protocol
	Server   clientReason // client.server (role client only)
	Auth     clientReason // sftp.auth (when the plan has the server)
	Chroot   clientReason // sftp.chroot (when the plan has the server)
	Login    clientReason // client.user (when the login is ftpswiz's placeholder)
}

// newSFTPClientView checks the plan's client part and flattens it.
func newSFTPClientView(p *wizard.Plan, what string) (sftpClientView, error) {
	if p == nil || p.Client == nil {
		return sftpClientView{}, fmt.Errorf("plan has no client part")
	}
	c := p.Client
	v := sftpClientView{
		Title:   what + " for the SFTP server " + c.ServerAddress,
		Command: RegenerateCommand,
		Alias:   sftpAlias,
		Host:    c.ServerAddress,
		User:    c.User,
	}
	if a, err := netip.ParseAddr(c.ServerAddress); err == nil {
		if !a.Is4() {
			return sftpClientView{}, fmt.Errorf("server address %q: only IPv4 addresses or DNS names are supported", c.ServerAddress)
		}
	} else if !clientHost(c.ServerAddress) {
		return sftpClientView{}, fmt.Errorf("server address %q is neither an IPv4 address nor a DNS name", c.ServerAddress)
	}
	if !wizard.ValidUserName(c.User) {
		return sftpClientView{}, fmt.Errorf("user name %q: client files need a plain user name (lower-case letters, digits, _ and -)", c.User)
	}
	var ends []wizard.Endpoint
	for _, e := range c.Endpoints {
		if e.SFTP {
			ends = append(ends, e)
		}
	}
	if len(ends) != 1 {
		return sftpClientView{}, fmt.Errorf("an SFTP plan needs exactly one SFTP endpoint, has %d", len(ends))
	}
	v.Port = ends[0].Port
	if v.Port < 1 || v.Port > 65535 {
		return sftpClientView{}, fmt.Errorf("SFTP port %d out of range", v.Port)
	}
	v.KnownHostsName = v.Host
	if v.Port != 22 {
		v.KnownHostsName = "[" + v.Host + "]:" + strconv.Itoa(v.Port)
	}
	switch {
	case p.SFTP != nil:
		v.PasswordAuth = p.SFTP.PasswordAuth
		if clientSafeDir(p.SFTP.UploadDir) {
			v.UploadDir = strings.Trim(p.SFTP.UploadDir, "/")
		}
	default:
		v.PasswordAuth = p.Service.PasswordAuth
	}
	v.Protocol = clientReasonOf(p, "protocol")
	v.Server = clientReasonOf(p, "client.server")
	v.Auth = clientReasonOf(p, "sftp.auth")
	v.Chroot = clientReasonOf(p, "sftp.chroot")
	v.Login = clientReasonOf(p, wizard.KeyClientUser)
	return v, nil
}

// UploadPath is the remote directory the examples upload to: the upload
// directory when known, else the login directory.
func (v sftpClientView) UploadPath() string {
	if v.UploadDir != "" {
		return v.UploadDir + "/"
	}
	return ""
}

// Reasons are the plan's reasons every file quotes, in order, those the
// plan has.
func (v sftpClientView) Reasons() []clientReason {
	var out []clientReason
	for _, r := range []clientReason{v.Login, v.Protocol, v.Server, v.Auth, v.Chroot} {
		if r.Why != "" {
			out = append(out, r)
		}
	}
	return out
}

// sftpTemplate renders one SFTP client file from templates/sftp-*.tmpl.
func sftpTemplate(p *wizard.Plan, path, tmpl, what string, mode fs.FileMode) ([]File, error) {
	v, err := newSFTPClientView(p, what)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b, err := templates.Render(tmpl, v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return []File{{Path: path, Mode: mode, Content: clientEOL(b)}}, nil
}

// FileZilla's values for an SFTP site (FileZilla's ServerProtocol and
// LogonType enums; saved sites depend on the numbers).
const (
	fzProtocolSFTP       = 1 // SFTP - SSH File Transfer Protocol
	fzLogonAskPassword   = 2 // "Ask for password"
	fzLogonInteractive   = 3 // "Interactive": keys from the agent or FileZilla's key list, prompts only when asked
	fzSFTPMaxConnections = 0 // FileZilla's default
)

// renderSFTPFileZilla writes client/filezilla-sitemanager.xml with one SFTP
// site (Protocol 1), importable with Site Manager's File > Import.
func renderSFTPFileZilla(p *wizard.Plan) ([]File, error) {
	v, err := newSFTPClientView(p, "FileZilla site")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sftpFileZillaPath, err)
	}
	site := fzSite{
		Host: v.Host, Port: v.Port, Protocol: fzProtocolSFTP, User: v.User,
		PasvMode: "MODE_DEFAULT", MaxConnections: fzSFTPMaxConnections, EncodingType: "Auto",
		Name:     fmt.Sprintf("%s (SFTP, port %d)", v.Host, v.Port),
		Comments: fmt.Sprintf("SFTP (SSH file transfer, not FTP or FTPS) on port %d. Generated by ftpswiz.", v.Port),
	}
	why := fmt.Sprintf("SFTP on port %d: Protocol %d (\"SFTP - SSH File Transfer Protocol\"). It is not FTPS: "+
		"there is no TLS, no passive mode and no second connection.", v.Port, fzProtocolSFTP)
	notes := []string{
		"Import into FileZilla: File > Import..., choose this file; the site appears in the Site Manager. " +
			"The header above is an XML processing instruction because XML comments cannot hold the " +
			"regenerate command's double dashes; FileZilla ignores both.",
		"Host key: at the first connection FileZilla shows the server's host key fingerprint. Compare it " +
			"with the one the server's operator gives you before you trust it; FileZilla warns if it ever changes.",
	}
	if v.PasswordAuth {
		site.Logontype = fzLogonAskPassword
		notes = append(notes, fmt.Sprintf("Logontype %d (\"Ask for password\"): FileZilla asks for the password "+
			"when you connect; nothing secret is stored in this file. An SSH key works too (logon type "+
			"\"Key file\", or a key loaded in Pageant or the SSH agent).", fzLogonAskPassword))
	} else {
		site.Logontype = fzLogonInteractive
		notes = append(notes, fmt.Sprintf("Logontype %d (\"Interactive\"): the server accepts SSH keys only. "+
			"FileZilla offers the keys loaded in Pageant (Windows) or the SSH agent, and those added under "+
			"Edit > Settings > Connection > SFTP; or switch the site to logon type \"Key file\" and choose "+
			"your private key (FileZilla offers to convert an OpenSSH key). Send the public key to the "+
			"server's operator first.", fzLogonInteractive))
	}
	for _, r := range v.Reasons() {
		notes = append(notes, fmt.Sprintf("Why (%s, %s): %s", r.Key, r.Value, r.Why))
	}
	site.Why = sftpXMLComment([]string{why}, "      ")
	body, err := xml.MarshalIndent(fzServers{Sites: []fzSite{site}}, "  ", "  ")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sftpFileZillaPath, err)
	}
	b, err := templates.Render("client-filezilla-sitemanager.xml.tmpl", map[string]any{
		"View": v, "Notes": sftpXMLComment(notes, "  "), "Servers": string(body),
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sftpFileZillaPath, err)
	}
	return []File{{Path: sftpFileZillaPath, Mode: 0o644, Content: clientEOL(b)}}, nil
}

// sftpXMLComment formats paragraphs as the inside of an XML comment:
// wrapped, indented, and without "--", which XML comments may not contain.
func sftpXMLComment(paras []string, indent string) string {
	var b strings.Builder
	b.WriteString("\n")
	for _, p := range paras {
		for strings.Contains(p, "--") {
			p = strings.ReplaceAll(p, "--", "- -")
		}
		b.WriteString(templates.Comment(indent, p))
		b.WriteString("\n")
	}
	b.WriteString(indent)
	return b.String()
}
