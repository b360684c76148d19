package netaddr

import (
	"net/netip"
	"strings"
	"testing"
)

func TestIsHostname(t *testing.T) {
	for s, want := range map[string]bool{
		"ftp.example.com": true, "ftp.example.com.": true, "a-b.example": true, "localhost": false, "": false,
		"10.0.0.300": false, "-bad.example.com": false, "bad-.example.com": false, "ftp..example.com": false,
		"ftp.example.com/x": false, strings.Repeat("a", 64) + ".com": false,
		strings.Repeat("abcdefghi.", 26) + "com": false, // 263 characters
	} {
		if got := IsHostname(s); got != want {
			t.Errorf("IsHostname(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestIsNonPublic(t *testing.T) {
	for s, want := range map[string]bool{
		"10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true, "100.64.0.1": true, "100.127.255.255": true,
		"127.0.0.1": true, "169.254.1.1": true, "0.0.0.0": true, "224.0.0.1": true,
		"100.128.0.1": false, "203.0.113.10": false, "198.51.100.1": false, "8.8.8.8": false,
	} {
		if got := IsNonPublic(netip.MustParseAddr(s)); got != want {
			t.Errorf("IsNonPublic(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestParsePortRange(t *testing.T) {
	tests := []struct {
		in      string
		want    PortRange
		wantErr string
	}{
		{"50000-50099", PortRange{First: 50000, Last: 50099}, ""},
		{" 50000 - 50099 ", PortRange{First: 50000, Last: 50099}, ""},
		{"2121", PortRange{First: 2121, Last: 2121}, ""},
		{"1024-65535", PortRange{First: 1024, Last: 65535}, ""},
		{"50099-50000", PortRange{}, "reversed"},
		{"1023-2000", PortRange{}, "within 1024-65535"},
		{"50000-65536", PortRange{}, "within 1024-65535"},
		{"a-b", PortRange{}, "not a port range"},
		{"", PortRange{}, "not a port range"},
		{"99999999999999999999-1", PortRange{}, "not a port range"},
	}
	for _, tt := range tests {
		got, err := ParsePortRange(tt.in)
		switch {
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("ParsePortRange(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParsePortRange(%q) error %v, want one saying %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestPortRange(t *testing.T) {
	r := PortRange{First: 50000, Last: 50074}
	if r.Count() != 75 || r.Single() || r.IsZero() || !r.Contains(50000) || !r.Contains(50074) || r.Contains(50075) ||
		r.String() != "50000-50074" {
		t.Errorf("range %v: count %d, string %s", r, r.Count(), r)
	}
	if p := Port(21); !p.Single() || p.String() != "21" || p.Count() != 1 {
		t.Errorf("port %v", p)
	}
	if !(PortRange{}).IsZero() {
		t.Error("zero range")
	}
}
