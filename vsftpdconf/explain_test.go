package vsftpdconf

import (
	"testing"

	"github.com/ftpswiz/ftpswiz/explain"
)

// TestFindingsCarryCatalogueKey: a finding whose code the catalogue of
// explanations lists points at its entry; one it does not list points at
// none (the negative control).
func TestFindingsCarryCatalogueKey(t *testing.T) {
	implicit := false
	tests := []struct {
		name, conf string
		opts       Options
		code, want string
	}{
		{"reuse off", "ssl_enable=YES\nrequire_ssl_reuse=NO\n", Options{}, "ssl-reuse-off", explain.SessionReuse},
		{"implicit mismatch", "ssl_enable=YES\nimplicit_ssl=YES\nlisten_port=990\n", Options{Implicit: &implicit}, "implicit-mismatch", explain.ImplicitExplicit},
		{"small range", "pasv_min_port=50000\npasv_max_port=50099\nbind_retries=2\n",
			Options{Flavour: "rhel", Transfers: 10}, "pasv-range-small", explain.PassiveExhausted},
		{"unknown option", "ssl_tlsv13=NO\n", Options{Flavour: "debian-3.0.3"}, "unknown-option", explain.UnknownOption},
		{"spaces around =", "listen = YES\n", Options{}, "space-around-equals", explain.UnknownOption},
		{"promiscuous", "pasv_promiscuous=YES\n", Options{}, "pasv-promiscuous", explain.BadIP},
		{"pam service", "local_enable=YES\n", Options{Flavour: "rhel"}, "pam-service", explain.LoginRefused},
		{"too few sessions", "pasv_min_port=50000\npasv_max_port=50099\nmax_clients=2\n", Options{Transfers: 10}, "max-clients", explain.TooMany},
		{"crlf has none", "listen=YES\r\n", Options{}, "crlf", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range Lint(Parse([]byte(tt.conf)), tt.opts) {
				if f.Code == tt.code {
					if f.Explain != tt.want {
						t.Errorf("%s: Explain %q, want %q", f.Code, f.Explain, tt.want)
					}
					return
				}
			}
			t.Errorf("no %s finding", tt.code)
		})
	}
}
