package wizard

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzDecodeAnswers: no input makes the decoder or Decide panic or hang;
// answers Decide accepts satisfy the plan's invariants (ports in 1-65535,
// ranges ordered and apart, every string within its field's rule, limits
// bounded) and survive an encode/decode round trip unchanged.
func FuzzDecodeAnswers(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/scenarios/*/answers.yaml")
	seeds = append(seeds, "testdata/classic.yaml")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("version: 1\nrole: client\nftps: {mode: implicit}\nclient: {nat: cgnat, server_address: ftp.example.com, passive_ports: 50000-50099}\n"))
	f.Add([]byte("role: [a, b]\n"))
	f.Add([]byte("server: {capacity: {concurrent_transfers: 9999999999999999999}}"))
	f.Add([]byte("version: 1\nrole: server\nftps: {mode: both}\nserver: {public_address: 198.51.100.7, capacity: {concurrent_transfers: 300, target_failure_rate: 1e-12}}\n"))
	f.Add([]byte("version: 1\nrole: server\nserver: {public_address: 198.51.100.7, tls: {cert_file: \"/a\\nb\"}, capacity: {concurrent_transfers: 1, target_failure_rate: .nan}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeAnswers(data)
		if err != nil {
			if len(err.Error()) > 64<<10 {
				t.Fatalf("error message of %d bytes", len(err.Error()))
			}
			return
		}
		p, err := decideWithin(t, a, 10*time.Second)
		if err != nil {
			_ = AnnotateLines(data, err).Error()
			if len(FieldErrors(err)) == 0 {
				t.Fatalf("Decide refused without a field error: %v", err)
			}
			return
		}
		checkPlanInvariants(t, p)
		enc, err := EncodeAnswers(p.Answers)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		back, err := DecodeAnswers(enc)
		if err != nil {
			t.Fatalf("decode of encoded: %v\n%s", err, enc)
		}
		if !reflect.DeepEqual(back, p.Answers) {
			t.Fatalf("round trip changed answers:\n%s", enc)
		}
	})
}

// decideWithin runs Decide and fails the test if it does not return within d.
func decideWithin(t *testing.T, a Answers, d time.Duration) (*Plan, error) {
	t.Helper()
	type result struct {
		p   *Plan
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := Decide(a)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		return r.p, r.err
	case <-time.After(d):
		t.Fatalf("Decide did not return within %s", d)
		return nil, nil
	}
}

// checkPlanInvariants checks what every accepted plan must satisfy, whatever
// the answers were.
func checkPlanInvariants(t *testing.T, p *Plan) {
	t.Helper()
	if errs := planInvariantErrors(p); len(errs) > 0 {
		t.Fatalf("accepted answers break the plan's invariants:\n  %s", strings.Join(errs, "\n  "))
	}
}

// planInvariantErrors lists the invariants p breaks.
func planInvariantErrors(p *Plan) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	port := func(what string, n int) {
		if n < 1 || n > 65535 {
			bad("%s: port %d outside 1-65535", what, n)
		}
	}
	portRange := func(what string, r PortRange) {
		port(what+" first", r.First)
		port(what+" last", r.Last)
		if r.First > r.Last {
			bad("%s: range %d-%d reversed", what, r.First, r.Last)
		}
	}
	path := func(what, s string) {
		if err := CheckAbsPath(s); err != nil {
			bad("%s: %v", what, err)
		}
	}
	dir := func(what, s string) {
		if err := CheckDirName(s); err != nil {
			bad("%s: %v", what, err)
		}
	}
	user := func(what, s string) {
		if !ValidUserName(s) {
			bad("%s: user name %q", what, s)
		}
	}
	ifname := func(what string, r *Router) {
		if r != nil && (!ValidInterfaceName(r.WANInterface) || !ValidInterfaceName(r.LANInterface)) {
			bad("%s: interfaces %q, %q", what, r.WANInterface, r.LANInterface)
		}
	}
	address := func(what, s string) {
		if a, err := netip.ParseAddr(s); err == nil {
			if !a.Is4() || unusableAddress(a) != "" {
				bad("%s: address %q", what, s)
			}
		} else if !IsHostname(s) {
			bad("%s: neither an address nor a DNS name: %q", what, s)
		}
	}
	cidr := func(what, s string) {
		if pr, err := netip.ParsePrefix(s); err != nil || pr.Addr().Is4In6() || pr.Addr().Zone() != "" || pr.Masked() != pr || pr.String() != s {
			bad("%s: CIDR %q", what, s)
		}
	}
	line := func(what, s string) {
		if strings.ContainsAny(s, "\n\r\x00#\u2028\u2029\u0085") || strings.TrimSpace(s) != s {
			bad("%s: %q is not a one-line value", what, s)
		}
	}
	for _, fl := range p.Flows {
		portRange(fmt.Sprintf("flow %s %s", fl.Side, fl.Purpose), fl.Ports)
		for _, c := range fl.From {
			cidr("flow from", c)
		}
	}
	if s := p.Server; s != nil {
		address("server public address", s.PublicAddress)
		if a, err := netip.ParseAddr(s.PublicAddress); err == nil && a.IsLoopback() {
			if d, ok := p.Decision("address.loopback"); !ok || !d.Warning {
				bad("loopback public address %s without a warning", s.PublicAddress)
			}
		}
		if s.HostAddress != "" {
			address("server host address", s.HostAddress)
		}
		ifname("server router", s.Router)
		cidr("admin network", s.AdminNetwork)
		for _, c := range s.AllowedClients {
			cidr("allowed client", c)
		}
		port("ssh", s.SSHPort)
		for _, u := range s.Users {
			user("server user", u)
		}
		if len(s.Instances) > 0 {
			portRange("passive", s.Passive)
			if s.Passive.First < 1024 {
				bad("passive range %s starts below 1024", s.Passive)
			}
			if s.Passive.Count() != s.Sizing.Ports || s.Sizing.Ports < s.Sizing.Transfers {
				bad("passive range %s for sizing %+v", s.Passive, s.Sizing)
			}
			if s.Sizing.Failure > s.Sizing.Target {
				bad("sizing misses its target: %+v", s.Sizing)
			}
			path("cert", s.CertFile)
			path("key", s.KeyFile)
			path("local root", s.LocalRoot)
			dir("upload dir", s.UploadDir)
			c := p.Answers.Server.Capacity
			if c.Clients < 1 || c.Clients > MaxClients || c.PerClient < 1 || c.PerClient > c.Clients {
				bad("limits %+v", c)
			}
			if want := Listeners(p.Answers.FTPS.Mode, p.Answers.Server) * c.Transfers; s.Sizing.Transfers != want {
				bad("range sized for %d transfers, want %d", s.Sizing.Transfers, want)
			}
			ports := map[int]string{s.SSHPort: "ssh"}
			v6ports := map[int]string{s.SSHPort: "ssh"}
			for _, in := range s.Instances {
				port(in.Name, in.Port)
				used := ports
				if s.SplitListeners && slices.Equal(in.Families, []Family{FamilyIPv6}) {
					used = v6ports // the IPv6 listener binds its own address
					if _, ok := in.Lookup("pasv_address"); ok {
						bad("%s: IPv6 instance with pasv_address", in.Name)
					}
				}
				if other, dup := used[in.Port]; dup {
					bad("%s port %d is also the %s port", in.Name, in.Port, other)
				}
				used[in.Port] = in.Name
				if s.Passive.Contains(in.Port) {
					bad("passive range %s contains the %s port", s.Passive, in.Name)
				}
				for _, o := range in.Options {
					line("vsftpd option key "+o.Key, o.Key)
					line("vsftpd option "+o.Key, o.Value)
					if strings.ContainsAny(o.Key, "= ") || o.Key == "" {
						bad("vsftpd option key %q", o.Key)
					}
				}
			}
			if s.Passive.Contains(s.SSHPort) {
				bad("passive range %s contains the SSH port", s.Passive)
			}
		}
	}
	if s := p.SFTP; s != nil {
		port("sftp", s.Port)
		user("sftp group", s.Group)
		for _, u := range s.Users {
			user("sftp user", u)
		}
		path("sftp chroot", s.ChrootRoot)
		dir("sftp upload dir", s.UploadDir)
	}
	if c := p.Client; c != nil {
		address("client server address", c.ServerAddress)
		user("client user", c.User)
		ifname("client router", c.Router)
		if c.LANCIDR != "" {
			cidr("client LAN", c.LANCIDR)
		}
		if !c.Passive.IsZero() {
			portRange("client passive", c.Passive)
		}
		for _, e := range c.Endpoints {
			port("client endpoint", e.Port)
		}
	}
	return errs
}

// TestScenarioPlansKeepInvariants runs the invariants over every worked
// example, so the checker itself is known to accept good plans.
func TestScenarioPlansKeepInvariants(t *testing.T) {
	files, _ := filepath.Glob("../testdata/scenarios/*/answers.yaml")
	if len(files) < 5 {
		t.Fatalf("only %d scenarios found", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			a, err := DecodeAnswers(data)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Decide(a)
			if err != nil {
				t.Fatal(err)
			}
			checkPlanInvariants(t, p)
		})
	}
}

// TestPlanInvariantsCatchBadPlans is the checker's negative control: plans
// broken the ways issue 16 found are caught.
func TestPlanInvariantsCatchBadPlans(t *testing.T) {
	data, err := os.ReadFile("../testdata/scenarios/both-modes/answers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, breakIt := range map[string]func(p *Plan){
		"newline in cert":        func(p *Plan) { p.Server.CertFile = "/x.pem\nssl_enable=NO" },
		"shell in local root":    func(p *Plan) { p.Server.LocalRoot = "/srv/$(id)" },
		"negative passive max":   func(p *Plan) { p.Server.Passive.Last = -9223372036854725809 },
		"reversed passive range": func(p *Plan) { p.Server.Passive = PortRange{First: 50100, Last: 50000} },
		"control on ssh":         func(p *Plan) { p.Server.Instances[0].Port = p.Server.SSHPort },
		"range for one instance": func(p *Plan) { p.Server.Sizing.Transfers = p.Answers.Server.Capacity.Transfers },
		"wrapping max_clients":   func(p *Plan) { p.Answers.Server.Capacity.Clients = 2147483648000 },
		"unspecified public":     func(p *Plan) { p.Server.PublicAddress = "0.0.0.0" },
		"unwarned loopback":      func(p *Plan) { p.Server.PublicAddress = "127.0.0.1" },
		"option value two lines": func(p *Plan) { p.Server.Instances[0].Options[0].Value = "YES\nanonymous_enable=YES" },
	} {
		t.Run(name, func(t *testing.T) {
			a, err := DecodeAnswers(data)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Decide(a)
			if err != nil {
				t.Fatal(err)
			}
			if errs := planInvariantErrors(p); len(errs) != 0 {
				t.Fatalf("the good plan fails: %v", errs)
			}
			breakIt(p)
			if errs := planInvariantErrors(p); len(errs) == 0 {
				t.Error("the broken plan passes the invariants")
			}
		})
	}
}
