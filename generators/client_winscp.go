package generators

import (
	"fmt"
	"net/url"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// renderWinSCP writes client/winscp.txt, a script for
// `winscp.com /script=winscp.txt` with one open command per endpoint.
func renderWinSCP(p *wizard.Plan) ([]File, error) {
	return clientTemplate(p, "client/winscp.txt", "client-winscp.txt.tmpl",
		"WinSCP script for the FTPS server "+hostOf(p), 0o644)
}

// WinSCPURL is WinSCP's session URL for an endpoint: ftpes:// for explicit
// FTPS, ftps:// for implicit, with the user name and no password.
func (v clientView) WinSCPURL(e clientEndpoint) string {
	scheme := "ftpes"
	if e.Implicit {
		scheme = "ftps"
	}
	return fmt.Sprintf("%s://%s@%s:%d/", scheme, url.PathEscape(v.User), v.Host, e.Port)
}
