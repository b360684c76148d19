package vsftpd

import (
	"slices"
	"testing"
)

func TestBuildTLSOptions(t *testing.T) {
	tests := []struct {
		f    Flavour
		want map[TLSVersion]string
	}{
		{FlavourDebian, map[TLSVersion]string{SSLv2: "ssl_sslv2", SSLv3: "ssl_sslv3", TLS10: "ssl_tlsv1"}},
		{FlavourAuto, map[TLSVersion]string{SSLv2: "ssl_sslv2", SSLv3: "ssl_sslv3", TLS10: "ssl_tlsv1"}},
		{FlavourUpstream, map[TLSVersion]string{SSLv2: "ssl_sslv2", SSLv3: "ssl_sslv3", TLS10: "ssl_tlsv1",
			TLS11: "ssl_tlsv11", TLS12: "ssl_tlsv12", TLS13: "ssl_tlsv13"}},
		{FlavourRHEL, map[TLSVersion]string{SSLv2: "ssl_sslv2", SSLv3: "ssl_sslv3", TLS10: "ssl_tlsv1",
			TLS11: "ssl_tlsv1_1", TLS12: "ssl_tlsv1_2", TLS13: "ssl_tlsv1_3"}},
	}
	for _, tt := range tests {
		b := BuildOf(tt.f)
		for _, v := range TLSVersions() {
			got := b.TLSOption(v)
			if got != tt.want[v] {
				t.Errorf("%s: option for %s = %q, want %q", tt.f, v, got, tt.want[v])
			}
			// Every TLS switch is an option the build accepts.
			if got != "" {
				if k, ok := Lookup(tt.f, got); !ok || k != Bool {
					t.Errorf("%s: %s is not a boolean option of the build", tt.f, got)
				}
			}
		}
		if b.CertFile == "" || b.KeyFile == "" || b.ConfigPath == "" || b.Name == "" {
			t.Errorf("%s: incomplete build facts %+v", tt.f, b)
		}
	}
	if FlavourDebian.CanDisableTLS12() || !FlavourUpstream.CanDisableTLS12() || !FlavourRHEL.CanDisableTLS12() {
		t.Error("CanDisableTLS12: only 3.0.5 and RHEL have a TLS 1.2 switch")
	}
	// BuildOf returns a copy: changing it does not change the facts.
	b := BuildOf(FlavourRHEL)
	b.TLSOptions[TLS13] = "x"
	if BuildOf(FlavourRHEL).TLSOption(TLS13) != "ssl_tlsv1_3" {
		t.Error("BuildOf shares its map with the table")
	}
}

func TestResolveFlavour(t *testing.T) {
	tests := []struct {
		names []string
		want  Flavour
		ok    bool
	}{
		{[]string{"ssl_sslv2", "ssl_sslv3", "ssl_tlsv1"}, FlavourDebian, true},
		{[]string{"ssl_tlsv1", "ssl_tlsv11", "ssl_tlsv12", "ssl_tlsv13"}, FlavourUpstream, true},
		{[]string{"ssl_tlsv1", "ssl_tlsv1_1", "ssl_tlsv1_2", "ssl_tlsv1_3"}, FlavourRHEL, true},
		{[]string{"ssl_enable"}, "", false},
		{nil, "", false},
	}
	for _, tt := range tests {
		got, ok := ResolveFlavour(tt.names)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ResolveFlavour(%v) = %q, %v; want %q, %v", tt.names, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDefaultsAsTheBinariesHaveThem(t *testing.T) {
	deb := DefaultsFor(FlavourDebian)
	// Measured on Debian 12's vsftpd 3.0.3-13+b2 (see DefaultsFor and
	// vsftpdconf's TestRealVsftpdDefaults).
	if deb.Listen || deb.ListenIPv6 || deb.PAMServiceName != "vsftpd" || deb.SeccompSandbox {
		t.Errorf("Debian defaults %+v: want listen NO, listen_ipv6 NO, pam_service_name vsftpd, seccomp off", deb)
	}
	up := DefaultsFor(FlavourUpstream)
	if !up.Listen || up.PAMServiceName != "ftp" || !up.SeccompSandbox {
		t.Errorf("upstream defaults %+v: want listen YES, pam_service_name ftp, seccomp on", up)
	}
	for _, f := range Builds() {
		if d := DefaultsFor(f); d.BindAttempts != BindAttempts || d.ListenPort != 21 {
			t.Errorf("%s: %d bind attempts, port %d", f, d.BindAttempts, d.ListenPort)
		}
	}
}

func TestKnownElsewhere(t *testing.T) {
	if got := KnownElsewhere(FlavourDebian, "ssl_tlsv1_2"); !slices.Equal(got, []Flavour{FlavourRHEL}) {
		t.Errorf("ssl_tlsv1_2 elsewhere = %v", got)
	}
	if got := KnownElsewhere(FlavourRHEL, "utf8_filesystem"); !slices.Equal(got, []Flavour{FlavourDebian}) {
		t.Errorf("utf8_filesystem elsewhere = %v", got)
	}
	if _, ok := Lookup(FlavourAuto, "ssl_tlsv12"); ok {
		t.Error("auto means Debian 3.0.3, which has no ssl_tlsv12")
	}
}

func TestTLSVersionOf(t *testing.T) {
	tests := []struct {
		name  string
		want  TLSVersion
		minor int
		ok    bool
	}{
		{"ssl_tlsv1", TLS10, 0, true},
		{"ssl_tlsv11", TLS11, 1, true},
		{"ssl_tlsv1_2", TLS12, 2, true},
		{"ssl_tlsv13", TLS13, 3, true},
		{"ssl_sslv3", SSLv3, -1, true},
		{"ssl_enable", 0, -1, false},
	}
	for _, tt := range tests {
		v, ok := TLSVersionOf(tt.name)
		if v != tt.want || ok != tt.ok || v.Minor() != tt.minor {
			t.Errorf("TLSVersionOf(%s) = %v (minor %d), %v; want %v (minor %d), %v", tt.name, v, v.Minor(), ok, tt.want,
				tt.minor, tt.ok)
		}
	}
}
