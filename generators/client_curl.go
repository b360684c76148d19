package generators

import "github.com/ftpswiz/ftpswiz/wizard"

// renderCurl writes client/curl.sh, a bash script with the exact curl
// commands to list, download and upload on each endpoint.
func renderCurl(p *wizard.Plan) ([]File, error) {
	return clientTemplate(p, "client/curl.sh", "client-curl.sh.tmpl",
		"curl commands for the FTPS server "+hostOf(p), 0o755)
}
