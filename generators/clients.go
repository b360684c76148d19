package generators

import (
	"slices"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// clientSpec is one client software of one protocol: what its file is (the
// description REPORT.md and the review show) and the function that writes
// it. Adding a client is a row here, its render function (client_*.go or
// sftp_clients.go), its template, and the ClientSoftware constant in wizard.
type clientSpec struct {
	Software wizard.ClientSoftware
	What     string
	Render   func(*wizard.Plan) ([]File, error)
}

// ftpsClients are the FTPS clients, in the order their files are described.
func ftpsClients() []clientSpec {
	return []clientSpec{
		{wizard.ClientLFTP, "lftp settings and bookmarks", renderLFTP},
		{wizard.ClientCurl, "curl commands", renderCurl},
		{wizard.ClientFileZilla, "FileZilla site, to import in the Site Manager", renderFileZilla},
		{wizard.ClientWinSCP, "WinSCP session and script", renderWinSCP},
		{wizard.ClientRclone, "rclone remote", renderRclone},
		{wizard.ClientPython, "Python client (TLS session reuse included)", renderPython},
	}
}

// sftpClients are the SFTP clients.
func sftpClients() []clientSpec {
	return []clientSpec{
		{wizard.ClientOpenSSH, "OpenSSH client settings: a Host entry for sftp (`sftp -F client/ssh_config " + sftpAlias + "`)", renderSFTPOpenSSH},
		{wizard.ClientLFTP, "lftp settings and an `sftp://` bookmark", renderSFTPLFTP},
		{wizard.ClientFileZilla, "FileZilla SFTP site, to import in the Site Manager", renderSFTPFileZilla},
		{wizard.ClientWinSCP, "WinSCP script with an `sftp://` session", renderSFTPWinSCP},
		{wizard.ClientRclone, "rclone `sftp` remote", renderSFTPRclone},
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
			files, err := c.Render(p)
			for i := range files {
				files[i].Desc = Desc{What: c.What + "; its header says how to use it"}
			}
			return files, err
		},
	}
}
