package wizard

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestModeBothSizesForBothInstances: in mode both each vsftpd instance gets
// max_clients=N and both share one range, so the range is sized for 2N and
// the max_clients decision says the worst case honestly. Single-instance
// modes keep N.
func TestModeBothSizesForBothInstances(t *testing.T) {
	tests := []struct {
		mode      Mode
		transfers int
		clients   int
		sized     int
		why       []string
	}{
		{ModeExplicit, 16, 0, 16, []string{"It equals the 16 transfers the range was sized for", "is the worst case"}},
		{ModeImplicit, 16, 0, 16, []string{"It equals the 16 transfers"}},
		{ModeBoth, 16, 0, 32, []string{"each of the 2 vsftpd instances", "together they admit 32 sessions",
			"sizes the range for 2 x 16", "= 32 transfers rather than splitting", "The 32 sessions both instances admit equal the 32 transfers", "is the worst case"}},
		{ModeBoth, 16, 20, 32, []string{"together they admit 40 sessions", "if all 40 sessions transferred at the same time", "(40/"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			a := classic(t)
			a.FTPS.Mode = tt.mode
			a.Server.Capacity.Transfers = tt.transfers
			a.Server.Capacity.Clients = tt.clients
			p := decide(t, a)
			sz := p.Server.Sizing
			if sz.Transfers != tt.sized || sz.Ports != PassivePortsFor(tt.sized, DefaultTargetFailureRate) || p.Server.Passive.Count() != sz.Ports {
				t.Errorf("sized for %d transfers with %d ports (range %s), want %d transfers", sz.Transfers, sz.Ports, p.Server.Passive, tt.sized)
			}
			d, _ := p.Decision("vsftpd.max_clients")
			for _, w := range tt.why {
				if !strings.Contains(d.Why, w) {
					t.Errorf("max_clients why lacks %q:\n%s", w, d.Why)
				}
			}
			if len(p.Server.Instances) != tt.mode.Instances() {
				t.Errorf("%d instances", len(p.Server.Instances))
			}
			clients := a.Server.Capacity.Clients
			if clients == 0 {
				clients = tt.transfers
			}
			for _, in := range p.Server.Instances {
				if got := opt(t, in, "max_clients"); got != strconv.Itoa(clients) {
					t.Errorf("%s max_clients=%s, want %d", in.File, got, clients)
				}
			}
			// The worst case the limits admit fails no more often than the
			// decision says: (admitted/R)^9.
			admitted := tt.mode.Instances() * clients
			if admitted == tt.sized && FailureProbability(admitted, sz.Ports) > sz.Target {
				t.Errorf("the worst case %d sessions misses the target", admitted)
			}
		})
	}
}

// TestValidateBoundsAnswersFromCode: answers that never went through the
// decoder (the TUI builds them in code) are bounded by Validate alone.
func TestValidateBoundsAnswersFromCode(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(a *Answers)
		field string
		want  string
	}{
		{"NaN target", func(a *Answers) { a.Server.Capacity.TargetFailureRate = math.NaN() }, "server.capacity.target_failure_rate", "not a finite number"},
		{"infinite target", func(a *Answers) { a.Server.Capacity.TargetFailureRate = math.Inf(1) }, "server.capacity.target_failure_rate", "not a finite number"},
		{"tiny target", func(a *Answers) { a.Server.Capacity.TargetFailureRate = 1e-300 }, "server.capacity.target_failure_rate", "below 1e-12"},
		{"wrapping max_clients", func(a *Answers) { a.Server.Capacity.Clients = 2147483648000 }, "server.capacity.concurrent_clients", "more sessions than one vsftpd host"},
		{"wrapping max_per_ip", func(a *Answers) { a.Server.Capacity.PerClient = 2147483648000 }, "server.capacity.per_client_limit", "more sessions than one vsftpd host"},
		{"negative passive start", func(a *Answers) { a.Server.PassiveStart = -379674 }, "server.passive_start", "outside 1024-65535"},
		{"huge ssh port", func(a *Answers) { a.Server.SSHPort = 1 << 40 }, "server.ssh_port", "not a TCP port"},
		{"newline in cert", func(a *Answers) { a.Server.TLS.CertFile = "/x.pem\nssl_enable=NO" }, "server.tls.cert_file", "line break"},
		{"too many users", func(a *Answers) { a.Server.Vsftpd.Users = make([]string, MaxListItems+1) }, "server.vsftpd.users", "more than 1000"},
		{"too many allowed clients", func(a *Answers) {
			a.Server.AllowedClients = make([]string, MaxListItems+1)
		}, "server.allowed_clients", "more than 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := classic(t)
			s := *a.Server
			a.Server = &s
			tt.edit(&a)
			_, err := Decide(a)
			if err == nil {
				t.Fatal("accepted")
			}
			var found bool
			for _, f := range FieldErrors(err) {
				found = found || (f.Field == tt.field && strings.Contains(f.Error(), tt.want))
			}
			if !found {
				t.Errorf("no error on %s containing %q:\n%v", tt.field, tt.want, err)
			}
			if len(err.Error()) > 20000 {
				t.Errorf("error is %d bytes", len(err.Error()))
			}
		})
	}
}

// TestLargestTransfersFixFits: the concurrent_transfers the "too large"
// error proposes is accepted, and one more is refused with the same fix.
func TestLargestTransfersFixFits(t *testing.T) {
	for _, mode := range Modes() {
		t.Run(string(mode), func(t *testing.T) {
			fix := maxTransfersFix(mode.Instances(), 1e-9)
			var n int
			if _, err := fmt.Sscanf(fix, "lower concurrent_transfers to %d or less", &n); err != nil {
				t.Fatalf("fix %q names no number: %v", fix, err)
			}
			a := classic(t)
			a.FTPS.Mode = mode
			a.Server.Capacity.TargetFailureRate = 1e-9
			a.Server.PassiveStart = 1024
			a.Server.Capacity.Transfers = n
			if _, err := Decide(a); err != nil {
				t.Errorf("%d transfers refused: %v", n, err)
			}
			a.Server.Capacity.Transfers = n + 1
			if _, err := Decide(a); err == nil || !strings.Contains(err.Error(), fix) {
				t.Errorf("%d transfers: %v, want the fix %q", n+1, err, fix)
			}
		})
	}
}

// TestLoopbackAddressWarns: a loopback address clients dial suits only a test
// on one machine (ftpswiz's own lab uses 127.0.0.1): the plan is made, with a
// warning naming the field and the fix; other addresses get no such warning.
func TestLoopbackAddressWarns(t *testing.T) {
	for _, f := range []string{"../testdata/clients/lab-both.yaml", "../testdata/clients/lab-client.yaml", "testdata/classic.yaml"} {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			a, err := DecodeAnswers(data)
			if err != nil {
				t.Fatal(err)
			}
			p := decide(t, a)
			d, ok := p.Decision("address.loopback")
			if f == "testdata/classic.yaml" {
				if ok {
					t.Errorf("a public address warned as loopback: %+v", d)
				}
				return
			}
			field := "server.public_address"
			if a.Role == RoleClient {
				field = "client.server_address"
			}
			if !ok || !d.Warning || !strings.Contains(d.Why, field+" is 127.0.0.1, a loopback address") || !strings.Contains(d.Why, "set "+field) {
				t.Errorf("no loopback warning naming %s: %+v", field, d)
			}
		})
	}
}

// TestBadSFTPAndClientInputs: the same field rules hold for the SFTP
// section and for role client, through the decoder as the CLI runs it.
func TestBadSFTPAndClientInputs(t *testing.T) {
	tests := []struct {
		scenario string
		old, new string
		field    string
		want     string
	}{
		{"sftp-classic", "users: [acme]", "users: [acme]\n  chroot_root: \"/srv/sftp\\nForceCommand /bin/sh\"", "sftp.chroot_root", "a line break"},
		{"sftp-classic", "users: [acme]", "users: [acme]\n  chroot_root: \"/srv/$(reboot)\"", "sftp.chroot_root", "'$', which the shell"},
		{"sftp-classic", "users: [acme]", "users: [acme]\n  chroot_root: /srv/%u", "sftp.chroot_root", "'%', which sshd expands"},
		{"sftp-classic", "users: [acme]", "users: [acme]\n  upload_dir: \"in box\"", "sftp.upload_dir", "whitespace"},
		{"sftp-classic", "users: [acme]", "users: [acme]\n  group: \"sftp only\"", "sftp.group", "not a valid group name"},
		{"sftp-classic", "users: [acme]", "users: [acme]\n  port: 70000", "sftp.port", "not a TCP port"},
		{"sftp-classic", "users: [acme]", "users: [acme]\n  port: 1e3", "sftp.port", `"1e3" is not a whole number`},
		{"sftp-classic", "users: [acme]", "users: [acme]\n  colour: blue", "sftp.colour", "unknown key (fix: remove it, or use one of the keys valid in sftp: port, group"},
		{"client-only", "server_address: ftps.example.com", "server_address: \"ftps.example.com\\nset ssl:verify-certificate no\"", "client.server_address", "neither an IPv4 address nor a DNS name"},
		{"client-only", "server_address: ftps.example.com", "server_address: 0.0.0.0", "client.server_address", "unspecified address"},
		{"client-only", "server_address: ftps.example.com", "server_address: 224.1.2.3", "client.server_address", "multicast"},
		{"client-only", "passive_ports: 50000-50099", "passive_ports: +50000-50099", "client.passive_ports", "not a port range"},
		{"client-only", "passive_ports: 50000-50099", "passive_ports: 50000-50099-50100", "client.passive_ports", "not a port range"},
		{"client-only", "user: acme", "user: \"acme; rm -rf /\"", "client.user", "not a valid user name"},
		{"client-only", "user: acme", "user: -oProxyCommand=x", "client.user", "not a valid user name"},
		{"client-only", "mode: explicit", "mode: explicit\n  explicit_port: 22", "", ""}, // role client: no SSH port to collide with
	}
	for _, tt := range tests {
		t.Run(tt.scenario+" "+tt.field+" "+tt.new, func(t *testing.T) {
			data, err := os.ReadFile("../testdata/scenarios/" + tt.scenario + "/answers.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), tt.old) {
				t.Fatalf("test bug: %q not in %s", tt.old, tt.scenario)
			}
			doc := []byte(strings.Replace(string(data), tt.old, tt.new, 1))
			a, err := DecodeAnswers(doc)
			if err == nil {
				_, err = Decide(a)
				err = AnnotateLines(doc, err)
			}
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			var found *FieldError
			for _, f := range FieldErrors(err) {
				if f.Field == tt.field && strings.Contains(f.Error(), tt.want) {
					found = f
				}
			}
			if found == nil || found.Fix == "" || found.Line == 0 {
				t.Errorf("no error on %s with a fix and a line containing %q:\n%v", tt.field, tt.want, err)
			}
		})
	}
}
