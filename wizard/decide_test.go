package wizard

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/explain"
)

func classic(t testing.TB) Answers {
	t.Helper()
	data, err := os.ReadFile("testdata/classic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := DecodeAnswers(data)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func decide(t testing.TB, a Answers) *Plan {
	t.Helper()
	p, err := Decide(a)
	if err != nil {
		t.Fatalf("Decide: %v", err)
	}
	return p
}

// checkPlan asserts the invariants every plan must keep.
func checkPlan(t *testing.T, p *Plan) {
	t.Helper()
	keys := map[string]bool{}
	for _, d := range p.Decisions {
		if strings.TrimSpace(d.Why) == "" || d.Title == "" || d.Value == "" {
			t.Errorf("decision %q lacks a title, value or why: %+v", d.Key, d)
		}
		if keys[d.Key] {
			t.Errorf("decision %q twice", d.Key)
		}
		keys[d.Key] = true
	}
	for _, f := range p.Flows {
		if f.Why == "" || !keys[f.Decision] {
			t.Errorf("flow %+v has no why or an unknown decision", f)
		}
		if f.Ports.First < 1 || f.Ports.Last > 65535 || f.Ports.First > f.Ports.Last {
			t.Errorf("flow %+v has a bad port range", f)
		}
	}
	if p.Server != nil {
		for _, in := range p.Server.Instances {
			seen := map[string]bool{}
			for _, o := range in.Options {
				if !keys[o.Decision] {
					t.Errorf("%s: option %s refers to unknown decision %q", in.File, o.Key, o.Decision)
				}
				if seen[o.Key] {
					t.Errorf("%s: option %s twice", in.File, o.Key)
				}
				seen[o.Key] = true
				if strings.ContainsAny(o.Key+o.Value, "\n\" ") && o.Key != "ssl_ciphers" {
					t.Errorf("%s: option %s=%q would not parse in vsftpd", in.File, o.Key, o.Value)
				}
			}
		}
	}
}

func opt(t *testing.T, in Instance, key string) string {
	t.Helper()
	v, ok := in.Lookup(key)
	if !ok {
		t.Fatalf("%s has no %s", in.File, key)
	}
	return v
}

func TestDecideClassic(t *testing.T) {
	p := decide(t, classic(t))
	checkPlan(t, p)
	if len(p.Server.Instances) != 1 {
		t.Fatalf("instances = %d", len(p.Server.Instances))
	}
	in := p.Server.Instances[0]
	for key, want := range map[string]string{
		"pasv_address": "198.51.100.10", "listen": "YES", "listen_ipv6": "NO", "listen_port": "21",
		"pasv_min_port": "50000", "pasv_max_port": "50074", "max_clients": "16", "max_per_ip": "16",
		"ssl_tlsv1": "NO", "require_ssl_reuse": "YES", "port_enable": "NO", "userlist_deny": "NO",
		"chroot_local_user": "YES", "anonymous_enable": "NO", "force_local_data_ssl": "YES",
	} {
		if got := opt(t, in, key); got != want {
			t.Errorf("%s = %s, want %s", key, got, want)
		}
	}
	if _, ok := in.Lookup("implicit_ssl"); ok {
		t.Error("explicit instance must not set implicit_ssl")
	}
	if got := p.Sides(); !reflect.DeepEqual(got, []Side{SideServerHost, SideServerRouter, SideClientRouter}) {
		t.Errorf("sides = %v", got)
	}
	for _, f := range p.FlowsFor(SideServerRouter) {
		if f.DNATTo != "10.20.0.2" {
			t.Errorf("router flow %v does not forward to the host", f)
		}
	}
	for _, f := range p.FlowsFor(SideClientRouter) {
		if f.To != "198.51.100.10/32" || !slices.Equal(f.From, []string{"192.168.50.0/24"}) {
			t.Errorf("client flow %+v", f)
		}
	}
	if p.Client.Passive != p.Server.Passive || p.Client.User != "alice" {
		t.Errorf("client plan does not follow the server: %+v", p.Client)
	}
}

func TestDecideVariants(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(a *Answers)
		check func(t *testing.T, p *Plan)
	}{
		{"nat none sets no pasv_address", func(a *Answers) {
			a.Server.NAT, a.Server.Router, a.Server.HostAddress = NATNone, nil, ""
		}, func(t *testing.T, p *Plan) {
			if _, ok := p.Server.Instances[0].Lookup("pasv_address"); ok {
				t.Error("pasv_address set without NAT")
			}
			if p.Server.HostAddress != "198.51.100.10" {
				t.Errorf("host address defaults to %q", p.Server.HostAddress)
			}
			if len(p.FlowsFor(SideServerRouter)) != 0 {
				t.Error("router flows without a router")
			}
		}},
		{"dynamic dns resolves the name and allows any destination", func(a *Answers) {
			a.Server.NAT, a.Server.PublicAddress = NATDynamicDNS, "ftp.example.net"
		}, func(t *testing.T, p *Plan) {
			in := p.Server.Instances[0]
			if opt(t, in, "pasv_address") != "ftp.example.net" || opt(t, in, "pasv_addr_resolve") != "YES" {
				t.Error("dynamic dns must resolve the name")
			}
			d, _ := p.Decision("vsftpd.pasv_address")
			// The refresh timer restarts vsftpd: nothing left for the
			// operator to wire, so no warning.
			if d.Warning || !strings.Contains(d.Why, PasvRefreshTimer) || !strings.Contains(d.Why, "sessions") {
				t.Errorf("dynamic dns must say the timer restarts vsftpd and what a restart ends: %+v", d)
			}
			if r := p.Server.PasvRefresh; r == nil || r.Name != "ftp.example.net" || !slices.Equal(r.Units, []string{"vsftpd.service"}) {
				t.Errorf("dynamic dns refresh = %+v, want ftp.example.net for vsftpd.service", r)
			}
			for _, f := range p.FlowsFor(SideClientRouter) {
				if f.To != "" {
					t.Errorf("client flow pinned to %s for a changing address", f.To)
				}
			}
		}},
		{"mode both runs two instances on one range", func(a *Answers) { a.FTPS.Mode = ModeBoth }, func(t *testing.T, p *Plan) {
			if len(p.Server.Instances) != 2 {
				t.Fatalf("instances = %d", len(p.Server.Instances))
			}
			ex, im := p.Server.Instances[0], p.Server.Instances[1]
			if ex.Implicit || !im.Implicit || opt(t, im, "implicit_ssl") != "YES" || opt(t, im, "listen_port") != "990" {
				t.Errorf("instances: %+v / %+v", ex.Name, im.Name)
			}
			if im.UnitFile != "server/vsftpd-implicit.service" || im.InstallPath != "/etc/vsftpd-implicit.conf" {
				t.Errorf("second instance files: %+v", im)
			}
			if opt(t, ex, "pasv_min_port") != opt(t, im, "pasv_min_port") {
				t.Error("instances must share the passive range")
			}
			if got := p.Server.ControlPorts(); !slices.Equal(got, []int{21, 990}) {
				t.Errorf("control ports %v", got)
			}
			if len(p.Client.Endpoints) != 2 || !p.Client.Endpoints[1].Implicit {
				t.Errorf("endpoints %+v", p.Client.Endpoints)
			}
		}},
		{"implicit only is one implicit instance", func(a *Answers) { a.FTPS.Mode = ModeImplicit }, func(t *testing.T, p *Plan) {
			in := p.Server.Instances[0]
			if len(p.Server.Instances) != 1 || !in.Implicit || in.File != "server/vsftpd.conf" || in.UnitFile != "" {
				t.Errorf("implicit instance %+v", in)
			}
		}},
		{"rhel names its TLS options differently", func(a *Answers) {
			a.Server.Vsftpd.Flavour = FlavourRHEL
			a.Server.TLS.Profile = ProfileModern
		}, func(t *testing.T, p *Plan) {
			in := p.Server.Instances[0]
			if opt(t, in, "ssl_tlsv1_2") != "NO" || opt(t, in, "ssl_tlsv1_3") != "YES" || in.InstallPath != "/etc/vsftpd/vsftpd.conf" {
				t.Error("rhel modern profile")
			}
			if _, ok := in.Lookup("ssl_tlsv12"); ok {
				t.Error("upstream option name in a rhel config")
			}
		}},
		{"upstream intermediate", func(a *Answers) { a.Server.Vsftpd.Flavour = FlavourUpstream }, func(t *testing.T, p *Plan) {
			in := p.Server.Instances[0]
			if opt(t, in, "ssl_tlsv11") != "NO" || opt(t, in, "ssl_tlsv12") != "YES" || opt(t, in, "seccomp_sandbox") != "NO" {
				t.Error("upstream options")
			}
			if opt(t, in, "ssl_tlsv13") != "NO" || p.Server.OpenSSLConf != "" {
				t.Error("upstream caps TLS 1.3 with its own option, not through OpenSSL")
			}
		}},
		{"debian caps TLS 1.3 through OpenSSL", nil, func(t *testing.T, p *Plan) {
			if p.Server.TLS13 || p.Server.OpenSSLConf != VsftpdOpenSSLConfPath {
				t.Errorf("TLS13=%v OpenSSLConf=%q", p.Server.TLS13, p.Server.OpenSSLConf)
			}
			if d, _ := p.Decision("tls.protocols"); d.Value != "TLS 1.2" || !strings.Contains(d.Why, "426 Failure reading network stream") {
				t.Errorf("tls.protocols %+v", d)
			}
		}},
		{"TLS 1.3 on request is a warning", func(a *Answers) { a.Server.TLS.AllowTLS13 = ptr(true) }, func(t *testing.T, p *Plan) {
			if !p.Server.TLS13 || p.Server.OpenSSLConf != "" {
				t.Error("allow_tls13 must leave TLS 1.3 on")
			}
			if d, _ := p.Decision("tls.protocols"); !d.Warning || d.Value != "TLS 1.2, TLS 1.3" {
				t.Errorf("tls.protocols %+v", d)
			}
		}},
		{"auto flavour falls back to debian", func(a *Answers) { a.Server.Vsftpd.Flavour = FlavourAuto }, func(t *testing.T, p *Plan) {
			if p.Answers.Server.Vsftpd.Flavour != FlavourDebian {
				t.Errorf("flavour recorded as %s", p.Answers.Server.Vsftpd.Flavour)
			}
		}},
		{"active mode opens inbound only where possible", func(a *Answers) {
			a.FTPS.ActiveMode = true
			a.Client.NAT, a.Client.Router, a.Client.LANCIDR = ClientNATNone, nil, ""
		}, func(t *testing.T, p *Plan) {
			var in *Flow
			for _, f := range p.FlowsFor(SideClientHost) {
				if f.Purpose == PurposeActive {
					in = &f
				}
			}
			if in == nil || in.Direction != Inbound || in.SourcePorts != Port(20) || !in.Warning {
				t.Errorf("active flow on the client host: %+v", in)
			}
			if opt(t, p.Server.Instances[0], "port_enable") != "YES" {
				t.Error("port_enable")
			}
		}},
		{"active mode behind client NAT is a warning", func(a *Answers) { a.FTPS.ActiveMode = true }, func(t *testing.T, p *Plan) {
			d, ok := p.Decision("client.active_mode")
			if !ok || !d.Warning {
				t.Errorf("no warning: %+v", d)
			}
		}},
		{"no users means a warning", func(a *Answers) { a.Server.Vsftpd.Users = nil }, func(t *testing.T, p *Plan) {
			if _, ok := p.Server.Instances[0].Lookup("userlist_enable"); ok {
				t.Error("userlist without users")
			}
			if d, _ := p.Decision("vsftpd.userlist"); !d.Warning {
				t.Error("no warning")
			}
			if p.Client.User != DefaultClientUser {
				t.Errorf("client user %q", p.Client.User)
			}
		}},
		{"high concurrency", func(a *Answers) { a.Server.Capacity.Transfers = 500 }, func(t *testing.T, p *Plan) {
			if p.Server.Passive != (PortRange{First: 50000, Last: 52320}) {
				t.Errorf("range %v", p.Server.Passive)
			}
		}},
		{"user-given start port", func(a *Answers) { a.Server.PassiveStart = 40000 }, func(t *testing.T, p *Plan) {
			if p.Server.Passive.First != 40000 || p.Server.Passive.Count() != 75 {
				t.Errorf("range %v", p.Server.Passive)
			}
		}},
		{"one-to-one with router maps the public address", func(a *Answers) { a.Server.NAT = NATOneToOne }, func(t *testing.T, p *Plan) {
			for _, f := range p.FlowsFor(SideServerRouter) {
				if f.To != "198.51.100.10/32" {
					t.Errorf("1:1 flow %+v", f)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := classic(t)
			if tt.edit != nil {
				tt.edit(&a)
			}
			p := decide(t, a)
			checkPlan(t, p)
			tt.check(t, p)
		})
	}
}

func TestDecideClientRole(t *testing.T) {
	a := Answers{Version: 1, Role: RoleClient, FTPS: FTPS{Mode: ModeImplicit},
		Client: &Client{NAT: ClientNATCGNAT, ServerAddress: "ftp.example.com", PassivePorts: "50000-50099"}}
	p := decide(t, a)
	checkPlan(t, p)
	if p.Server != nil || p.Client.Passive != (PortRange{First: 50000, Last: 50099}) || p.Client.Endpoints[0].Port != 990 {
		t.Fatalf("client plan %+v", p.Client)
	}
	if got := p.Sides(); !slices.Equal(got, []Side{SideClientHost}) {
		t.Errorf("sides %v", got)
	}
	for _, f := range p.Flows {
		if f.To != "" || f.Direction != Outbound {
			t.Errorf("flow to a DNS name must allow any address outbound: %+v", f)
		}
	}
}

func TestDecideDoesNotAliasAnswers(t *testing.T) {
	a := classic(t)
	p := decide(t, a)
	p.Answers.Server.Vsftpd.Users[0] = "mallory"
	p.Answers.Firewalls[0] = "ufw"
	if a.Server.Vsftpd.Users[0] != "alice" || a.Firewalls[0] != FirewallNftables {
		t.Error("the plan shares slices with the caller's answers")
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	p := decide(t, classic(t))
	data, err := EncodeAnswers(p.Answers)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeAnswers(data)
	if err != nil {
		t.Fatalf("decode of encoded answers: %v\n%s", err, data)
	}
	if !reflect.DeepEqual(back, p.Answers) {
		t.Fatalf("round trip changed the answers:\n%+v\n%+v", back, p.Answers)
	}
	p2 := decide(t, back)
	if !reflect.DeepEqual(p, p2) {
		t.Error("normalised answers decide differently")
	}
}

func TestTopics(t *testing.T) {
	topics := Topics()
	if len(topics) < 6 {
		t.Fatalf("%d topics", len(topics))
	}
	for _, tp := range topics {
		if tp.Text == "" || tp.Title == "" {
			t.Errorf("topic %s is empty", tp.Key)
		}
		if got, ok := FindTopic(strings.ToUpper(tp.Key)); !ok || got.Key != tp.Key {
			t.Errorf("FindTopic(%s)", tp.Key)
		}
	}
}

// TestTopicsForProtocol: every topic applies to FTPS or SFTP; an SFTP
// plan's topics never speak of vsftpd, PASV or a passive range of FTP; SFTP's
// own failures are its plans' topics alone, FTPS plans get every other.
func TestTopicsForProtocol(t *testing.T) {
	if string(ProtocolFTPS) != explain.FTPS || string(ProtocolSFTP) != explain.SFTP {
		t.Fatalf("protocol names differ from the catalogue's: %s %s", explain.FTPS, explain.SFTP)
	}
	all := Topics()
	for _, tp := range all {
		if !tp.AppliesTo(ProtocolFTPS) && !tp.AppliesTo(ProtocolSFTP) {
			t.Errorf("topic %s applies to no protocol", tp.Key)
		}
	}
	sftp := TopicsFor(ProtocolSFTP)
	if len(sftp) == 0 || len(sftp) == len(all) {
		t.Fatalf("%d SFTP topics of %d", len(sftp), len(all))
	}
	for _, tp := range sftp {
		low := strings.ToLower(tp.Title + " " + tp.Text)
		for _, bad := range []string{"vsftpd", "pasv", "epsv", "passive mode", "implicit", "ftp helper"} {
			if strings.Contains(low, bad) {
				t.Errorf("SFTP topic %s speaks of %q: %s", tp.Key, bad, tp.Text)
			}
		}
	}
	// SFTP's own failures (OpenSSH's) are SFTP plans' topics and no FTPS
	// plan's; every other topic is FTPS's.
	sftpFailures := []string{explain.SFTPChroot, explain.SFTPHostKey, explain.SFTPOnly, explain.SFTPKeysOnly, explain.SFTPUploadDenied}
	keys := func(ts []Topic) []string {
		var out []string
		for _, tp := range ts {
			out = append(out, tp.Key)
		}
		return out
	}
	ftps := keys(TopicsFor(ProtocolFTPS))
	for _, k := range sftpFailures {
		if !slices.Contains(keys(sftp), k) {
			t.Errorf("SFTP plans do not get the topic %s: %v", k, keys(sftp))
		}
		if slices.Contains(ftps, k) {
			t.Errorf("FTPS plans get SFTP's topic %s", k)
		}
	}
	if len(ftps) != len(all)-len(sftpFailures) {
		t.Errorf("FTPS plans get %d topics of %d, want all but SFTP's %d", len(ftps), len(all), len(sftpFailures))
	}
}

func BenchmarkDecide(b *testing.B) {
	a := classic(b)
	for b.Loop() {
		if _, err := Decide(a); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEmptyListsNormaliseLikeMissingOnes(t *testing.T) {
	a := classic(t)
	a.Server.Vsftpd.Users = []string{}
	b := classic(t)
	b.Server.Vsftpd.Users = nil
	if !reflect.DeepEqual(decide(t, a), decide(t, b)) {
		t.Error("users: [] and no users decide differently")
	}
}
