package generators

import (
	"fmt"
	"net/url"
)

// WinSCPURL is WinSCP's session URL for an endpoint: ftpes:// for explicit
// FTPS, ftps:// for implicit, with the user name and no password.
func (v clientView) WinSCPURL(e clientEndpoint) string {
	scheme := "ftpes"
	if e.Implicit {
		scheme = "ftps"
	}
	return fmt.Sprintf("%s://%s@%s:%d/", scheme, url.PathEscape(v.User), v.Host, e.Port)
}
