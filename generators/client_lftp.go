package generators

import "github.com/ftpswiz/ftpswiz/wizard"

// renderLFTP writes client/lftp.rc: per-host TLS, certificate, passive-mode
// and timeout settings, and one bookmark alias per endpoint, for
// `lftp -c "source client/lftp.rc; ftps-explicit; ls"`.
func renderLFTP(p *wizard.Plan) ([]File, error) {
	return clientTemplate(p, "client/lftp.rc", "client-lftp.rc.tmpl",
		"lftp settings for the FTPS server "+hostOf(p), 0o644)
}
