package generators

import (
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

func TestGuardValue(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" accepts; else a substring of the error
	}{
		{"/etc/ssl/certs/x.pem", ""},
		{"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256", ""},
		{"/srv/ftps/$USER", ""},
		{"a value with inner spaces", ""},
		{"x\nssl_enable=NO", "U+000A (line feed)"},
		{"x\r", "U+000D (carriage return)"},
		{"x\u2028y", "U+2028 (line separator)"},
		{"x\u2029y", "U+2029 (paragraph separator)"},
		{"x\u0085y", "U+0085 (next line)"},
		{"x\x00", "U+0000 (NUL)"},
		{"x\ty", "U+0009 (tab)"},
		{"x\x1b[2Jy", "U+001B"},
		{"x\x7f", "U+007F"},
		{"x\u202ey", "U+202E"}, // right-to-left override hides text from readers
		{"x\xffy", "invalid UTF-8"},
		{" x", "white space"},
		{"x ", "white space"},
		{"x\u00a0", "white space"},
	}
	for _, tt := range tests {
		err := guardValue(tt.in)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("guardValue(%q) = %v, want nil", tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("guardValue(%q) = %v, want an error with %q", tt.in, err, tt.want)
		}
	}
}

func TestGuardLinesAndKeyLines(t *testing.T) {
	sections := []string{"[Unit]", "[Service]"}
	keys := []string{"Description", "ExecStart"}
	tests := []struct {
		name, content, want string
	}{
		{"good", "# c\n\n[Unit]\nDescription=x y\n[Service]\nExecStart=/usr/sbin/vsftpd /etc/vsftpd.conf\n", ""},
		{"CR in a comment", "# c\r\n[Unit]\n", "U+000D"},
		{"U+2028 in a value", "[Unit]\nDescription=x\u2028ExecStart=/bin/sh\n", "U+2028"},
		{"tab", "[Unit]\nDescription=\tx\n", "U+0009"},
		{"unknown section", "[Unit]\n[Install]\n", "not one of the sections"},
		{"section twice", "[Unit]\n[Service]\n[Unit]\n", "[Unit] appears twice"},
		{"key twice", "[Service]\nExecStart=/a\nExecStart=/b\n", "ExecStart appears twice"},
		{"unknown key", "[Service]\nExecStartPre=/bin/evil\n", "known key"},
		{"no separator", "[Service]\nExecStart\n", "known key"},
		{"continuation", "[Service]\nExecStart=/a \\\n", "backslash"},
		{"invalid UTF-8", "[Unit]\nDescription=\xff\n", "UTF-8"},
	}
	for _, tt := range tests {
		err := checkKeyLines([]byte(tt.content), "=", sections, keys)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want an error with %q", tt.name, err, tt.want)
		}
	}
}

// TestGuardVsftpdConfLines: the last check of a rendered vsftpd.conf,
// given files a template bug could produce, refuses every line that is
// not a comment or the next planned option.
func TestGuardVsftpdConfLines(t *testing.T) {
	groups := []optionGroup{
		{Decision: wizard.Decision{Key: "tls.required", Title: "TLS"}, Options: []wizard.Option{{Key: "ssl_enable", Value: "YES", Decision: "tls.required"}}},
		{Decision: wizard.Decision{Key: "tls.certificate", Title: "Certificate"}, Options: []wizard.Option{{Key: "rsa_cert_file", Value: "/etc/x.pem", Decision: "tls.certificate"}}},
	}
	tests := []struct {
		name, content, want string
	}{
		{"good", "# head\n\n# --- TLS: on\nssl_enable=YES\n\n# --- Certificate: x\nrsa_cert_file=/etc/x.pem\n", ""},
		{"injected line after the last option", "# --- TLS: on\nssl_enable=YES\n# --- Certificate: x\nrsa_cert_file=/etc/x.pem\nssl_enable=NO\n",
			"after the last planned option"},
		{"injected line in a heading", "# --- TLS: on\nssl_enable=YES\n# --- Certificate: /etc/x.pem\nssl_enable=NO\nrsa_cert_file=/etc/x.pem\n",
			`under "# --- Certificate: /etc/x.pem"`},
		{"spaces around =", "ssl_enable = YES\nrsa_cert_file=/etc/x.pem\n", "expected the planned option"},
		{"indented comment", " # x\nssl_enable=YES\nrsa_cert_file=/etc/x.pem\n", "expected the planned option"},
		{"CR at the end of an option", "ssl_enable=YES\r\nrsa_cert_file=/etc/x.pem\n", "U+000D"},
		{"option missing", "ssl_enable=YES\n", "missing from the rendered file"},
		{"option commented out", "ssl_enable=YES\n#rsa_cert_file=/etc/x.pem\n", "missing from the rendered file"},
	}
	for _, tt := range tests {
		err := checkVsftpdConf(groups, []byte(tt.content))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want an error with %q", tt.name, err, tt.want)
		}
	}
}

// TestGuardSSHDDropIn: the sshd renderer shares guardValue, so a Match
// criterion with a CR or a Unicode separator is refused like a newline.
func TestGuardSSHDDropIn(t *testing.T) {
	tests := []struct {
		name string
		edit func(sp *wizard.SFTPPlan)
	}{
		{"CR in Match", func(sp *wizard.SFTPPlan) { sp.Match = "Group sftponly\rMatch all" }},
		{"U+2028 in Match", func(sp *wizard.SFTPPlan) { sp.Match = "Group sftponly\u2028Match all" }},
		{"NUL in Match", func(sp *wizard.SFTPPlan) { sp.Match = "Group sftponly\x00" }},
		{"trailing space in Match", func(sp *wizard.SFTPPlan) { sp.Match = "Group sftponly " }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sftpTestPlan(t, nil)
			if _, err := renderSSHDDropIn(p); err != nil {
				t.Fatalf("before the edit: %v", err)
			}
			sp := *p.SFTP
			tt.edit(&sp)
			p.SFTP = &sp
			if _, err := renderSSHDDropIn(p); err == nil || !strings.Contains(err.Error(), "match criteria") {
				t.Errorf("err = %v, want a refusal of the match criteria", err)
			}
		})
	}
}
