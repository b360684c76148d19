package generators

import (
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// setOption changes the value of one vsftpd option in every instance of a
// plan Decide made, bypassing validation (the renderer must still refuse).
func setOption(key, value string) func(p *wizard.Plan) {
	return func(p *wizard.Plan) {
		for i := range p.Server.Instances {
			for j := range p.Server.Instances[i].Options {
				if p.Server.Instances[i].Options[j].Key == key {
					p.Server.Instances[i].Options[j].Value = value
				}
			}
		}
	}
}

func setDecisionValue(key, value string) func(p *wizard.Plan) {
	return func(p *wizard.Plan) {
		for i := range p.Decisions {
			if p.Decisions[i].Key == key {
				p.Decisions[i].Value = value
			}
		}
	}
}

func bothModesPlan(t *testing.T) *wizard.Plan {
	t.Helper()
	return decideFile(t, "../testdata/scenarios/both-modes/answers.yaml", nil)
}

// TestVsftpdGuardRefusesHostileValues: values that bypass validation (the
// plan is edited after Decide) must make the server renderers fail with an
// error naming the option, its decision and the answer it came from,
// instead of writing a line that means something else.
func TestVsftpdGuardRefusesHostileValues(t *testing.T) {
	tests := []struct {
		name string
		// plan is the plan to start from (nil: classic).
		plan   func(t *testing.T) *wizard.Plan
		edit   func(p *wizard.Plan)
		render func(p *wizard.Plan) ([]File, error)
		// want are substrings of the error.
		want []string
	}{
		{name: "newline in cert_file injects ssl_enable=NO",
			edit:   setOption("rsa_cert_file", "/etc/ssl/certs/x.pem\nssl_enable=NO\nanonymous_enable=YES"),
			render: renderVsftpd, want: []string{"server/vsftpd.conf", `"rsa_cert_file"`, "tls.certificate", "server.tls.cert_file", "U+000A"}},
		{name: "CR in key_file", edit: setOption("rsa_private_key_file", "/etc/ssl/private/x.key\rssl_enable=NO"),
			render: renderVsftpd, want: []string{`"rsa_private_key_file"`, "server.tls.key_file", "U+000D"}},
		{name: "U+2028 in local_root", edit: setOption("local_root", "/srv/ftps\u2028ssl_enable=NO/$USER"),
			render: renderVsftpd, want: []string{`"local_root"`, "server.vsftpd.local_root", "U+2028"}},
		{name: "U+2029 in pasv_address", edit: setOption("pasv_address", "198.51.100.10\u2029"),
			render: renderVsftpd, want: []string{`"pasv_address"`, "server.public_address", "U+2029"}},
		{name: "NUL", edit: setOption("rsa_cert_file", "/etc/x.pem\x00"),
			render: renderVsftpd, want: []string{"U+0000"}},
		{name: "NEL", edit: setOption("rsa_cert_file", "/etc/x.pem\u0085ssl_enable=NO"),
			render: renderVsftpd, want: []string{"U+0085"}},
		{name: "tab", edit: setOption("rsa_cert_file", "/etc/x.pem\tx"),
			render: renderVsftpd, want: []string{"U+0009"}},
		{name: "hash in a value", edit: setOption("rsa_cert_file", "/etc/x.pem #"),
			render: renderVsftpd, want: []string{`"rsa_cert_file"`, "'#'"}},
		{name: "hash alone", edit: setOption("rsa_cert_file", "#"),
			render: renderVsftpd, want: []string{`"rsa_cert_file"`, "'#'"}},
		{name: "trailing space", edit: setOption("rsa_cert_file", "/etc/x.pem "),
			render: renderVsftpd, want: []string{"white space"}},
		{name: "leading space", edit: setOption("listen_port", " 21"),
			render: renderVsftpd, want: []string{`"listen_port"`, "white space"}},
		{name: "empty value", edit: setOption("rsa_cert_file", ""),
			render: renderVsftpd, want: []string{"empty value"}},
		{name: "invalid UTF-8", edit: setOption("rsa_cert_file", "/etc/\xff.pem"),
			render: renderVsftpd, want: []string{"invalid UTF-8"}},
		{name: "boolean that is not YES/NO", edit: setOption("ssl_enable", "MAYBE"),
			render: renderVsftpd, want: []string{`"ssl_enable"`, "YES or NO"}},
		{name: "number that is not a number", edit: setOption("max_clients", "16x"),
			render: renderVsftpd, want: []string{`"max_clients"`, "server.capacity.concurrent_clients", "whole number"}},
		{name: "number vsftpd would wrap to 0 (unlimited)", edit: setOption("max_clients", "2147483648000"),
			render: renderVsftpd, want: []string{`"max_clients"`, "server.capacity.concurrent_clients", "2147483647"}},
		{name: "number just past int32", edit: setOption("max_per_ip", "2147483648"),
			render: renderVsftpd, want: []string{`"max_per_ip"`, "server.capacity.per_client_limit", "wrap"}},
		{name: "passive port past 65535", edit: setOption("pasv_max_port", "70000"),
			render: renderVsftpd, want: []string{`"pasv_max_port"`, "within 1-65535"}},
		{name: "passive range reversed", edit: setOption("pasv_min_port", "60000"),
			render: renderVsftpd, want: []string{"passive range 60000-", "reversed"}},
		{name: "control port 0", edit: setOption("listen_port", "0"),
			render: renderVsftpd, want: []string{`"listen_port"`, "ftps.explicit_port"}},
		{name: "key that is a comment", edit: func(p *wizard.Plan) {
			p.Server.Instances[0].Options[2].Key = "#ssl_enable"
		}, render: renderVsftpd, want: []string{`"#ssl_enable"`, "not a plain vsftpd option name"}},
		{name: "key with a newline", edit: func(p *wizard.Plan) {
			p.Server.Instances[0].Options[0].Key = "listen=YES\nssl_enable"
		}, render: renderVsftpd, want: []string{"not a plain vsftpd option name"}},
		{name: "key the build does not know", edit: func(p *wizard.Plan) {
			p.Server.Instances[0].Options[0].Key = "ssl_tlsv1_3" // Debian's 3.0.3 has none
		}, render: renderVsftpd, want: []string{`"ssl_tlsv1_3"`, "does not know this option"}},
		{name: "newline in a decision value (a group heading)", edit: setDecisionValue("tls.certificate", "/etc/x.pem\nssl_enable=NO"),
			render: renderVsftpd, want: []string{"decision tls.certificate", "server.tls.cert_file", "U+000A"}},
		{name: "newline in upload_dir (chroot heading)", edit: setDecisionValue("vsftpd.chroot", "/srv/ftps/<user>, writable up\nssl_enable=NO/"),
			render: renderVsftpd, want: []string{"decision vsftpd.chroot", "server.vsftpd.upload_dir"}},
		{name: "newline in the install path comment", edit: func(p *wizard.Plan) {
			p.Server.Instances[0].InstallPath = "/etc/vsftpd.conf\nssl_enable=NO"
		}, render: renderVsftpd, want: []string{"install path", "U+000A"}},

		{name: "user list: newline in a user", edit: func(p *wizard.Plan) { p.Server.Users = []string{"acme\nroot"} },
			render: renderUserList, want: []string{"server/vsftpd.user_list", "server.vsftpd.users", "not a plain user name"}},
		{name: "user list: a comment as user", edit: func(p *wizard.Plan) { p.Server.Users = []string{"#acme"} },
			render: renderUserList, want: []string{"not a plain user name"}},
		{name: "user list: U+2028", edit: func(p *wizard.Plan) { p.Server.Users = []string{"acme\u2028root"} },
			render: renderUserList, want: []string{"not a plain user name"}},
		{name: "user list: newline in its install path", edit: func(p *wizard.Plan) { p.Server.UserListPath = "/etc/u\nroot" },
			render: renderUserList, want: []string{"install path", "U+000A"}},

		{name: "unit: newline in the install path starts a new key", plan: bothModesPlan, edit: func(p *wizard.Plan) {
			p.Server.Instances[1].InstallPath = "/etc/vsftpd-implicit.conf\nExecStartPre=/bin/sh -c evil"
		}, render: renderVsftpdUnits, want: []string{"vsftpd-implicit.service", "install path", "U+000A"}},
		{name: "unit: a new section", plan: bothModesPlan, edit: func(p *wizard.Plan) {
			p.Server.Instances[1].Name = "implicit\n[Service]"
		}, render: renderVsftpdUnits, want: []string{"instance name", "U+000A"}},
		{name: "unit: systemd specifier", plan: bothModesPlan, edit: func(p *wizard.Plan) {
			p.Server.Instances[1].InstallPath = "/home/%u/vsftpd.conf"
		}, render: renderVsftpdUnits, want: []string{"install path", "plain token"}},
		{name: "unit: trailing backslash continues ExecStart", plan: bothModesPlan, edit: func(p *wizard.Plan) {
			p.Server.Instances[1].InstallPath = `/etc/vsftpd.conf\`
		}, render: renderVsftpdUnits, want: []string{"install path", "plain token"}},
		{name: "unit: space splits the argument", plan: bothModesPlan, edit: func(p *wizard.Plan) {
			p.Server.Instances[1].InstallPath = "/etc/vsftpd.conf /etc/evil.conf"
		}, render: renderVsftpdUnits, want: []string{"install path", "plain token"}},
		{name: "unit: port out of range", plan: bothModesPlan, edit: func(p *wizard.Plan) {
			p.Server.Instances[1].Port = 70000
		}, render: renderVsftpdUnits, want: []string{"port 70000"}},
		{name: "unit: OpenSSL path with a newline", plan: bothModesPlan, edit: func(p *wizard.Plan) {
			p.Server.OpenSSLConf = "/etc/x.cnf\nExecStartPre=/bin/evil"
		}, render: renderVsftpdUnits, want: []string{"OpenSSL configuration path", "U+000A"}},

		{name: "OpenSSL cnf: newline in its path starts a section", edit: func(p *wizard.Plan) {
			p.Server.OpenSSLConf = "/etc/x.cnf\n[system_default_sect]\nMinProtocol = TLSv1"
		}, render: renderOpenSSLCap, want: []string{"server/vsftpd-openssl.cnf", "OpenSSL configuration path", "U+000A"}},
		{name: "OpenSSL drop-in: CR in the unit name", edit: func(p *wizard.Plan) {
			p.Server.Instances[0].Unit = "vsftpd.service\r"
		}, render: renderOpenSSLCap, want: []string{"unit", "U+000D"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p *wizard.Plan
			if tt.plan != nil {
				p = tt.plan(t)
			} else {
				p = testPlan(t, nil)
			}
			// The untouched plan renders: the refusal comes from the edit.
			if _, err := tt.render(p); err != nil {
				t.Fatalf("before the edit: %v", err)
			}
			tt.edit(p)
			files, err := tt.render(p)
			if err == nil {
				for _, f := range files {
					t.Logf("%s:\n%s", f.Path, f.Content)
				}
				t.Fatal("rendered a hostile value; want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			// Through the registry too: Render refuses the whole plan.
			if _, err := Render(p); err == nil {
				t.Error("Render: no error")
			}
		})
	}
}
