package probe

import (
	"context"
	"crypto/tls"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"
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

func TestParseEPSV(t *testing.T) {
	for _, tt := range []struct {
		in   string
		port int
		bad  bool
	}{
		{"Entering Extended Passive Mode (|||50012|)", 50012, false},
		{"Entering Extended Passive Mode (!!!21!)", 21, false},
		{"Entering Extended Passive Mode (|1|2001:db8::1|50012|)", 0, true},
		{"Entering Extended Passive Mode (|||0|)", 0, true},
		{"Entering Extended Passive Mode (|||70000|)", 0, true},
		{"Entering Extended Passive Mode", 0, true},
	} {
		port, err := parseEPSV(tt.in)
		if (err != nil) != tt.bad || port != tt.port {
			t.Errorf("parseEPSV(%q) = %d, %v", tt.in, port, err)
		}
	}
}

// TestFamilyResolution: a name with A and AAAA records has both families;
// a probe limited to a family the name lacks fails at dns, naming it, and
// one limited to a family it has connects to that family's address (the
// negative control: the dns step passes).
func TestFamilyResolution(t *testing.T) {
	both := func(context.Context, string) ([]string, error) { return []string{"2001:db8:20::2", "192.0.2.10"}, nil }
	only4 := func(context.Context, string) ([]string, error) { return []string{"192.0.2.10"}, nil }
	fams, err := Families(context.Background(), Options{Host: "ftp.example.net", LookupHost: both})
	if err != nil || len(fams) != 2 || fams[0] != FamilyIPv4 || fams[1] != FamilyIPv6 {
		t.Fatalf("Families = %v, %v", fams, err)
	}
	refused := func(context.Context, string, string) (net.Conn, error) { return nil, syscall.ECONNREFUSED }
	for _, tt := range []struct {
		lookup func(context.Context, string) ([]string, error)
		family string
		dns    Status
		addr   string
	}{
		{both, FamilyIPv6, Pass, "[2001:db8:20::2]:21"},
		{both, FamilyIPv4, Pass, "192.0.2.10:21"},
		{both, "", Pass, "192.0.2.10:21"},
		{only4, FamilyIPv6, Fail, ""},
	} {
		r, err := Run(context.Background(), Options{Host: "ftp.example.net", Family: tt.family, LookupHost: tt.lookup,
			Dial: refused, Timeout: 2 * time.Second, StepTimeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		st, _ := r.Step("dns")
		if st.Status != tt.dns || r.Address != tt.addr {
			t.Errorf("family %q: dns %s, address %q, want %s, %q", tt.family, st.Status, r.Address, tt.dns, tt.addr)
		}
		if tt.dns == Fail && (st.Diagnosis == nil || st.Diagnosis.Code != "dns-family" || !strings.Contains(st.Diagnosis.Cause, "no ipv6 address")) {
			t.Errorf("dns failure does not name the family: %+v", st.Diagnosis)
		}
	}
}

// TestDiagnosisCarriesCatalogueKey: fail and warn attach the catalogue
// entry of a code it lists, and none to one it does not.
func TestDiagnosisCarriesCatalogueKey(t *testing.T) {
	tests := []struct{ code, want string }{
		{"reuse-required", "session-reuse"},
		{"pasv-range-exhausted", "passive-range-sizing"},
		{"cert-wrong-name", "cert-name"},
		{"banner", ""},
	}
	for _, tt := range tests {
		for _, f := range []func(*Step, string, string, string, string){fail, warn} {
			var s Step
			f(&s, tt.code, "cause", "fix", "")
			if s.Diagnosis == nil || s.Diagnosis.Explain != tt.want {
				t.Errorf("%s: diagnosis %+v, want Explain %q", tt.code, s.Diagnosis, tt.want)
			}
		}
	}
}

// TestOopsReadsCatalogueMatch: oops recognises vsftpd's messages by the
// catalogue's match texts and points at the entry; an unknown OOPS gets the
// generic diagnosis, a non-OOPS reply none.
func TestOopsReadsCatalogueMatch(t *testing.T) {
	tests := []struct{ msg, code, key string }{
		{"OOPS: vsftpd: refusing to run with writable root inside chroot()", "writable-chroot", "chroot-writable"},
		{"OOPS: cannot change directory:/srv/ftps/alice", "home-missing", "home-missing"},
		{"OOPS: vsf_sysutil_bind", "pasv-range-exhausted", "passive-range-sizing"},
		{"OOPS: something new", "vsftpd-oops", ""},
	}
	for _, tt := range tests {
		var s Step
		if !oops(&s, tt.msg) {
			t.Fatalf("%q: not read as an OOPS", tt.msg)
		}
		if s.Diagnosis.Code != tt.code || s.Diagnosis.Explain != tt.key {
			t.Errorf("%q: code %s, explain %q; want %s, %q", tt.msg, s.Diagnosis.Code, s.Diagnosis.Explain, tt.code, tt.key)
		}
	}
	var s Step
	if oops(&s, "Login incorrect.") || s.Diagnosis != nil {
		t.Errorf("a 530 reply read as an OOPS: %+v", s.Diagnosis)
	}
}
