package wizard

import (
	"strings"
	"testing"
)

func TestCheckAbsPath(t *testing.T) {
	tests := []struct {
		path string
		want string // "" for valid, else a substring of the error
	}{
		{"/etc/ssl/certs/ssl-cert-snakeoil.pem", ""},
		{"/etc/letsencrypt/live/ftp.example.com/fullchain.pem", ""},
		{"/srv/ftps", ""},
		{"/srv/a_b-c+d@e", ""},
		{"/", ""}, // callers refuse / where it makes no sense
		{"", "is missing"},
		{"srv/ftps", "not an absolute path"},
		{"./srv", "not an absolute path"},
		{"/srv/../etc", `".." component`},
		{"/srv/./ftps", `"." component`},
		{"/srv/", "write /srv"},
		{"//srv", "write /srv"},
		{"/srv/ftp\nssl_enable=NO", "line break (U+000A)"},
		{"/srv/ftp\rx", "line break (U+000D)"},
		{"/srv/ftp\u2028x", "line break (U+2028)"},
		{"/srv/ftp\u2029x", "line break (U+2029)"},
		{"/srv/ftp\u0085x", "line break (U+0085)"},
		{"/srv/ftp\x00x", "NUL"},
		{"/srv/ftp\x1bx", "control character (U+001B)"},
		{"/srv/ftp\u200ex", "control character (U+200E)"},
		{"/srv/ftp\tx", "a tab"},
		{"/srv/my ftp", "whitespace"},
		{"/srv/my\u00a0ftp", "whitespace"},
		{"/srv/ftp#1", "'#'"},
		{"/srv/\xff", "not UTF-8"},
		{"/srv/fté", "U+00E9"},
		{"/srv/" + strings.Repeat("a", MaxPathLength), "more than the 1024"},
	}
	for _, c := range "$`\\\"';&|<>(){}*?[]~!" {
		tests = append(tests, struct{ path, want string }{"/srv/a" + string(c) + "b", "the shell would interpret"})
	}
	for _, tt := range tests {
		err := CheckAbsPath(tt.path)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckAbsPath(%q) = %v, want nil", tt.path, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckAbsPath(%q) = %v, want an error containing %q", tt.path, err, tt.want)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\n\r\x00\u2028") {
			t.Errorf("CheckAbsPath(%q): the message carries the raw character: %q", tt.path, err)
		}
	}
}

func TestCheckDirName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"upload", ""},
		{"in-box_2.d", ""},
		{"", "is missing"},
		{".", "not a directory name"},
		{"..", "not a directory name"},
		{"a/b", "without '/'"},
		{"/upload", "without '/'"},
		{"-rf", "starts with '-'"},
		{"up load", "whitespace"},
		{"up\nload", "line break"},
		{"$(id)", "the shell would interpret"},
		{strings.Repeat("a", 256), "at most 255"},
	}
	for _, tt := range tests {
		err := CheckDirName(tt.name)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckDirName(%q) = %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckDirName(%q) = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestValidUserName(t *testing.T) {
	for name, want := range map[string]bool{
		"alice": true, "_svc": true, "ftp-user2": true, "a": true, strings.Repeat("a", 32): true,
		"": false, "Alice": false, "2alice": false, "-alice": false, "al ice": false, "al.ice": false,
		"alice\n": false, "al$ice": false, "bob@example.com": false, strings.Repeat("a", 33): false,
	} {
		if got := ValidUserName(name); got != want {
			t.Errorf("ValidUserName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestValidInterfaceName(t *testing.T) {
	for name, want := range map[string]bool{
		"eth0": true, "enp1s0": true, "wan0": true, "eth0.100": true, "br-lan": true, "wg_0": true,
		strings.Repeat("a", 15): true,
		"":                      false, strings.Repeat("a", 16): false, ".": false, "..": false, "eth0/1": false, "eth0:1": false,
		"veth@if2": false, "eth 0": false, "eth0\n": false, "-eth0": false, "eth*": false, "\"eth0\"": false,
	} {
		if got := ValidInterfaceName(name); got != want {
			t.Errorf("ValidInterfaceName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestIsHostname(t *testing.T) {
	for name, want := range map[string]bool{
		"ftp.example.com": true, "ftp.example.com.": true, "a-b.example": true, "x1.y2": true,
		"localhost": false, "-ftp.example.com": false, "ftp-.example.com": false, "ftp..example.com": false,
		"ftp.example.com/path": false, "ftp_x.example.com": false, "10.0.0.300": false, "ftp.exam ple.com": false,
		strings.Repeat("a", 64) + ".com": false, strings.Repeat("a.", 127) + "com": false,
	} {
		if got := IsHostname(name); got != want {
			t.Errorf("IsHostname(%q) = %v, want %v", name, got, want)
		}
	}
}
