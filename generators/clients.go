package generators

import (
	"io/fs"
	"slices"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// clientSpec is one client software of one protocol: the file it writes
// (path, template, title, mode), what that file is (the description
// REPORT.md and the review show), and, for a file a template alone cannot
// write, the function that writes it.
//
// Adding a client touches: wizard/clients.go (its ClientSoftware constant
// and its row in wizard.ClientCatalogue: question choice, decision note), a
// row here, its template in templates/, and only when the template needs
// more than the client view, a render function (client_*.go, sftp_clients.go).
type clientSpec struct {
	Software wizard.ClientSoftware
	What     string
	// Path, Template, Title and Mode describe a file the template writes
	// from the client view; Render, when set, writes the file instead.
	Path, Template, Title string
	Mode                  fs.FileMode
	Render                func(*wizard.Plan) ([]File, error)
}

// ftpsClients are the FTPS clients, in the order their files are described.
func ftpsClients() []clientSpec {
	return []clientSpec{
		// lftp.rc: per-host TLS, certificate, passive-mode and timeout
		// settings, and one bookmark alias per endpoint.
		{Software: wizard.ClientLFTP, What: "lftp settings and bookmarks",
			Path: "client/lftp.rc", Template: "client-lftp.rc.tmpl", Title: "lftp settings", Mode: 0o644},
		// curl.sh: the exact curl commands to list, download and upload on
		// each endpoint.
		{Software: wizard.ClientCurl, What: "curl commands",
			Path: "client/curl.sh", Template: "client-curl.sh.tmpl", Title: "curl commands", Mode: 0o755},
		{Software: wizard.ClientFileZilla, What: "FileZilla site, to import in the Site Manager", Render: renderFileZilla},
		// winscp.txt: a script for `winscp.com /script=winscp.txt` with one
		// open command per endpoint.
		{Software: wizard.ClientWinSCP, What: "WinSCP session and script",
			Path: "client/winscp.txt", Template: "client-winscp.txt.tmpl", Title: "WinSCP script", Mode: 0o644},
		{Software: wizard.ClientRclone, What: "rclone remote", Render: renderRclone},
		// ftps_client.py: a Python 3 standard-library script that lists,
		// downloads and uploads, resuming the TLS session on data
		// connections (vsftpd's require_ssl_reuse), implicit FTPS too.
		{Software: wizard.ClientPython, What: "Python client (TLS session reuse included)",
			Path: "client/ftps_client.py", Template: "client-ftps_client.py.tmpl", Title: "Python ftplib client", Mode: 0o755},
	}
}

// sftpClients are the SFTP clients.
func sftpClients() []clientSpec {
	return []clientSpec{
		// ssh_config: a Host entry for OpenSSH's sftp (and ssh), usable
		// with -F or pasted into ~/.ssh/config.
		{Software: wizard.ClientOpenSSH, What: "OpenSSH client settings: a Host entry for sftp (`sftp -F client/ssh_config " + sftpAlias + "`)",
			Path: sftpOpenSSHPath, Template: "sftp-ssh_config.tmpl", Title: "OpenSSH client settings", Mode: 0o644},
		// lftp-sftp.rc: lftp's sftp:// bookmark, with the ssh options lftp
		// runs ssh with.
		{Software: wizard.ClientLFTP, What: "lftp settings and an `sftp://` bookmark",
			Path: sftpLFTPPath, Template: "sftp-lftp.rc.tmpl", Title: "lftp settings", Mode: 0o644},
		{Software: wizard.ClientFileZilla, What: "FileZilla SFTP site, to import in the Site Manager", Render: renderSFTPFileZilla},
		// winscp.txt: a winscp.com script with an sftp:// session.
		{Software: wizard.ClientWinSCP, What: "WinSCP script with an `sftp://` session",
			Path: sftpWinSCPPath, Template: "sftp-winscp.txt.tmpl", Title: "WinSCP script", Mode: 0o644},
		// rclone.conf: a type = sftp remote; private like the FTPS one
		// (0600), since people add secrets to it.
		{Software: wizard.ClientRclone, What: "rclone `sftp` remote",
			Path: sftpRclonePath, Template: "sftp-rclone.conf.tmpl", Title: "rclone remote", Mode: 0o600},
	}
}

// clientRenderers returns the renderers of this group: one per client
// software, each writing one file under client/ when the plan's client part
// lists that software (role server has no client part, so no client files).
func clientRenderers() []Renderer {
	var out []Renderer
	for _, c := range ftpsClients() {
		out = append(out, c.renderer("client-", func(p *wizard.Plan) bool { return !isSFTP(p) }))
	}
	return out
}

// renderer builds the renderer of one client: it applies when the plan's
// client part lists the software (and proto agrees), and describes every
// file it writes.
func (c clientSpec) renderer(prefix string, proto func(*wizard.Plan) bool) Renderer {
	return Renderer{
		Name: prefix + string(c.Software),
		Applies: func(p *wizard.Plan) bool {
			return p != nil && p.Client != nil && proto(p) && slices.Contains(p.Client.Software, c.Software)
		},
		Render: func(p *wizard.Plan) ([]File, error) {
			files, err := c.render(p)
			for i := range files {
				files[i].Desc = Desc{What: c.What + "; its header says how to use it", Side: wizard.SideClientHost}
			}
			return files, err
		},
	}
}

// render writes the client's file: its Render function, or its template
// with the client view of the plan's protocol.
func (c clientSpec) render(p *wizard.Plan) ([]File, error) {
	switch {
	case c.Render != nil:
		return c.Render(p)
	case isSFTP(p):
		return sftpTemplate(p, c.Path, c.Template, c.Title, c.Mode)
	}
	return clientTemplate(p, c.Path, c.Template, c.Title+" for the FTPS server "+hostOf(p), c.Mode)
}
