package probe

import (
	"crypto/tls"
	"net/netip"
	"testing"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		host string
		port int
		mode Mode
		bad  bool
	}{
		{"ftp.example.com", "ftp.example.com", 0, Auto, false},
		{"203.0.113.5:2121", "203.0.113.5", 2121, Auto, false},
		{"[2001:db8::1]:21", "2001:db8::1", 21, Auto, false},
		{"2001:db8::1", "2001:db8::1", 0, Auto, false},
		{"ftps://ftp.example.com", "ftp.example.com", 0, Implicit, false},
		{"ftpes://ftp.example.com:2121/dir", "ftp.example.com", 2121, Explicit, false},
		{"ftp://ftp.example.com", "ftp.example.com", 0, Explicit, false},
		{"sftp://x", "", 0, "", true},
		{"ftp://user@x", "", 0, "", true},
		{"x:99999", "", 0, "", true},
		{"", "", 0, "", true},
	}
	for _, tt := range tests {
		h, p, m, err := ParseTarget(tt.in)
		if (err != nil) != tt.bad || h != tt.host || p != tt.port || m != tt.mode {
			t.Errorf("ParseTarget(%q) = %q, %d, %q, %v", tt.in, h, p, m, err)
		}
	}
}

func TestParsePASV(t *testing.T) {
	tests := []struct {
		in   string
		ip   string
		port int
		bad  bool
	}{
		{"Entering Passive Mode (198,51,100,10,195,80).", "198.51.100.10", 50000, false},
		{"Entering Passive Mode (0,0,0,0,195,81).", "0.0.0.0", 50001, false},
		{"=198,51,100,10,195,80", "", 0, true},
		{"Entering Passive Mode (1,2,3,4,5).", "", 0, true},
		{"Entering Passive Mode (1,2,3,400,5,6).", "", 0, true},
	}
	for _, tt := range tests {
		ip, port, err := parsePASV(tt.in)
		if (err != nil) != tt.bad {
			t.Errorf("parsePASV(%q): err %v", tt.in, err)
			continue
		}
		if !tt.bad && (ip != netip.MustParseAddr(tt.ip) || port != tt.port) {
			t.Errorf("parsePASV(%q) = %s, %d", tt.in, ip, port)
		}
	}
}

func TestParseTLSVersion(t *testing.T) {
	for in, want := range map[string]uint16{"1.0": tls.VersionTLS10, "TLSv1.1": tls.VersionTLS11, "tls1.2": tls.VersionTLS12,
		"1.3": tls.VersionTLS13} {
		if got, err := ParseTLSVersion(in); err != nil || got != want {
			t.Errorf("ParseTLSVersion(%q) = %x, %v", in, got, err)
		}
	}
	if _, err := ParseTLSVersion("1.4"); err == nil {
		t.Error("1.4 accepted")
	}
}

func TestNormFingerprint(t *testing.T) {
	if normFingerprint("SHA256:AB:cd:01") != "abcd01" {
		t.Error(normFingerprint("SHA256:AB:cd:01"))
	}
}

func TestReportWorst(t *testing.T) {
	r := &Report{Steps: []Step{{Status: Pass}, {Status: Skip}}}
	if r.Worst() != Pass {
		t.Error(r.Worst())
	}
	r.Steps = append(r.Steps, Step{Status: Warn})
	if r.Worst() != Warn || len(r.Problems()) != 1 {
		t.Error(r.Worst())
	}
	r.Steps = append(r.Steps, Step{Status: Fail})
	if r.Worst() != Fail {
		t.Error(r.Worst())
	}
}
