package generators

import (
	"strconv"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// renderPython writes client/ftps_client.py, a Python 3 standard-library
// script that lists, downloads and uploads, resuming the TLS session on data
// connections (vsftpd's require_ssl_reuse) and speaking implicit FTPS too.
func renderPython(p *wizard.Plan) ([]File, error) {
	return clientTemplate(p, "client/ftps_client.py", "client-ftps_client.py.tmpl",
		"Python ftplib client for the FTPS server "+hostOf(p), 0o755)
}

// Quote returns s as a double-quoted string literal that Python (and Go)
// read back as s.
func (clientView) Quote(s string) string { return strconv.Quote(s) }
