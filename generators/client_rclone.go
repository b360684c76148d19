package generators

import (
	"fmt"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// rcloneView adds rclone's own choices to the client view.
type rcloneView struct {
	clientView
	// TLS13Only is true when the server is known to accept only TLS 1.3
	// (the modern profile), so disable_tls13 cannot be used.
	TLS13Only bool
	// Concurrency caps rclone's FTP connections to the server.
	Concurrency int
	PerIP       clientReason // vsftpd.max_per_ip
}

// renderRclone writes client/rclone.conf with one remote per endpoint.
func renderRclone(p *wizard.Plan) ([]File, error) {
	const path = "client/rclone.conf"
	cv, err := newClientView(p, "rclone remotes for the FTPS server "+hostOf(p))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	v := rcloneView{clientView: cv, Concurrency: 4, PerIP: clientReasonOf(p, "vsftpd.max_per_ip")}
	v.TLS13Only = p.Service.TLSProfile == wizard.ProfileModern
	if n := p.Service.Limits.PerClient; n > 0 && n < v.Concurrency {
		v.Concurrency = n
	}
	b, err := templates.Render("client-rclone.conf.tmpl", v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return []File{{Path: path, Mode: 0o600, Content: clientEOL(b)}}, nil
}
