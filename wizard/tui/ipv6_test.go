package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// IPv6 through the wizard for both protocols, and SSH from an IPv6 admin
// network (server.admin_network_ipv6): the questions the answers file
// already had, answered in the TUI, give the answers file's plan.

// flat is the screen with its whitespace folded, for messages that wrap.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// formErrors are the focused form's field errors, joined.
func formErrors(d *driver) string {
	var errs []string
	for _, err := range d.m.form.Errors() {
		errs = append(errs, err.Error())
	}
	return strings.Join(errs, "\n")
}

// adminSSHFlows are the plan's server-host SSH flows of a family.
func adminSSHFlows(p *wizard.Plan, fam wizard.Family) [][]string {
	var out [][]string
	for _, f := range p.Flows {
		if f.Side == wizard.SideServerHost && f.Purpose == wizard.PurposeAdmin && f.Family == fam {
			out = append(out, f.From)
		}
	}
	return out
}

// answerSFTPDualStack drives the wizard to
// testdata/scenarios/sftp-dual-stack: SFTP (recommended), the classic
// network with the name sftp.example.net, the account acme, OpenSSH and
// lftp, nftables and iptables; in the optional settings the admin network,
// who may connect, then the server's IPv6 address, the client network's
// prefix, who may connect over IPv6 (an IPv4-only answer refused), no IPv6
// admin network and both records. It stops on the review.
func answerSFTPDualStack(t *testing.T, d *driver) {
	t.Helper()
	d.expect(stepPartner, wizard.QPartnerFTPS)
	d.key(keyEnter) // no
	d.expect(stepCertificates, wizard.QClientCertificates)
	d.key(keyEnter) // no
	d.expect(stepProtocol, wizard.QProtocol)
	if d.d().Protocol != wizard.ProtocolSFTP {
		t.Fatalf("SFTP not pre-selected:\n%s", d.view())
	}
	d.key(keyEnter)
	d.expect(stepRole, wizard.QRole)
	d.key(keyEnter) // both
	d.expect(stepSetup, wizard.QSetup)
	d.key(keyEnter) // classic
	d.expect(stepServerAddress, wizard.QServerPublic)
	d.replace("sftp.example.net")
	d.replace("10.20.0.2")
	d.replace("wan0 lan0")
	d.expect(stepSFTP, wizard.QSFTPPort)
	d.key(keyEnter) // 22
	d.replace("acme")
	d.key(keyEnter) // keys only
	d.expect(stepClientNetwork, wizard.QClientRouter)
	d.replace("wan0 lan0 192.168.50.0/24")
	d.expect(stepSoftware, wizard.QClientSoftware)
	d.key(keyDown) // OpenSSH is preselected; add lftp
	d.char('x')
	d.key(keyEnter)
	d.expect(stepFirewalls, wizard.QFirewalls)
	d.key(keyDown) // nftables is preselected; add iptables
	d.char('x')
	d.key(keyEnter)
	d.expect(stepReview, "")
	if !strings.Contains(flat(d.view()), "IPv6") {
		t.Errorf("the review's hint does not offer IPv6 among the optional settings:\n%s", d.view())
	}
	d.char('a')
	d.expect(stepAdvanced, wizard.QAdminNetwork)
	d.replace("10.20.0.0/24")
	d.expect(stepAdvanced, wizard.QAllowedClients)
	d.replace("192.0.2.20/32")
	d.expect(stepAdvanced, wizard.QClientUser)
	d.key(keyEnter)
	d.toStep(stepIPv6)
	d.expect(stepIPv6, wizard.QServerIPv6)
	// Worded for SFTP, from the questions' SFTP overlay.
	if v := flat(d.view()); !strings.Contains(v, "The SFTP server's IPv6 address") || strings.Contains(v, "vsftpd") {
		t.Errorf("the server's IPv6 address is not asked in SFTP's words:\n%s", d.view())
	}
	d.replace("2001:db8:20::2")
	d.expect(stepIPv6, wizard.QClientIPv6Prefix)
	d.replace("2001:db8:50::/64")
	d.expect(stepIPv6Access, wizard.QAllowedClients)
	d.key(keyEnter)
	d.expect(stepIPv6Access, wizard.QAllowedClients)
	if msg := formErrors(d); !strings.Contains(msg, "lists no IPv6 network") || !strings.Contains(msg, "Fix:") {
		t.Errorf("an IPv4-only allow-list passed for a dual-stack SFTP server: %q", msg)
	}
	d.replace("192.0.2.20/32, 2001:db8:50::/64")
	d.expect(stepIPv6Access, wizard.QAdminNetworkIPv6)
	d.key(keyEnter) // none: the scenario keeps SSH over IPv4
	d.expect(stepDNS, wizard.QServerDNSRecords)
	if !strings.Contains(d.view(), "> A and AAAA") {
		t.Errorf("both records not pre-selected:\n%s", d.view())
	}
	d.key(keyEnter)
	d.expect(stepReview, "")
	if len(d.m.problems) > 0 {
		t.Fatalf("problems:\n%s", d.view())
	}
}

// SFTP over IPv6 through the TUI gives the sftp-dual-stack scenario: the
// same normalised answers, the same plan as Decide on its answers file,
// every file equal to its golden; the review shows the plan's IPv6 flows.
func TestSFTPDualStackEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out}, 110, 40)
	answerSFTPDualStack(t, d)
	// The review is the plan's port map: the IPv6 SFTP flow to the host's
	// own address is among its rows.
	var v6 []string
	for _, r := range d.m.plan.PortMap() {
		if strings.Contains(r.To+r.From+r.Ports, "2001:db8:") {
			v6 = append(v6, r.Side+" "+r.From+" "+r.To)
		}
	}
	if len(v6) == 0 {
		t.Errorf("the reviewed plan has no IPv6 flow:\n%s", strings.Join(d.m.page.lines, "\n"))
	}
	if page := flat(strings.Join(d.m.page.lines, "\n")); !strings.Contains(page, "SFTP over IPv4 and IPv6") {
		t.Errorf("the review lacks the families decision:\n%s", page)
	}
	d.key(keyEnter)
	d.expect(stepOutput, "output")
	d.key(keyEnter)
	if !d.quit || d.m.result == nil {
		t.Fatalf("wizard did not finish:\n%s", d.view())
	}
	data, err := os.ReadFile(filepath.Join(scenarios, "sftp-dual-stack", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := requireSameAsAnswersFile(t, d.m.result, data, out)
	if got := d.m.result.Plan; !slices.EqualFunc(got.Flows, want.Flows, flowEqual) || len(got.Decisions) != len(want.Decisions) {
		t.Errorf("the wizard's plan differs from Decide on the answers file: %d flows, %d decisions; want %d, %d",
			len(got.Flows), len(got.Decisions), len(want.Flows), len(want.Decisions))
	}
	requireSameFiles(t, filepath.Join(scenarios, "sftp-dual-stack", "expected"), readTree(t, out))
}

func flowEqual(a, b wizard.Flow) bool {
	return a.Side == b.Side && a.Direction == b.Direction && a.Purpose == b.Purpose && a.Ports == b.Ports &&
		a.SourcePorts == b.SourcePorts && slices.Equal(a.From, b.From) && a.To == b.To && a.DNATTo == b.DNATTo &&
		a.Decision == b.Decision && a.Family == b.Family && a.Warning == b.Warning
}

// The same run in accessible mode (one huh field at a time, no hidden
// groups, static options): the same answers and files; the IPv6 questions
// in SFTP's words, and a refused IPv6 admin network re-asked with its
// error.
func TestAccessibleSFTPDualStack(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	in := script(
		"", "", "", // no constraints; SFTP (recommended)
		"", "", // role both, set-up classic
		"sftp.example.net", "10.20.0.2", "wan0 lan0",
		"", "acme", "", // port 22, the account, keys only
		"wan0 lan0 192.168.50.0/24",
		"2", "0", // software: + lftp
		"2", "0", // firewalls: + iptables
		"y",                             // review: optional settings
		"10.20.0.0/24", "192.0.2.20/32", // admin network, allowed clients
		"",         // client user: the first account
		"", "", "", // each box's firewall: the defaults
		"", "", "", "", // the routers' nftables tables and chains: the defaults
		"2001:db8:20::2", "2001:db8:50::/64", // IPv6: the server's address, the client network's prefix
		"192.0.2.20/32, 2001:db8:50::/64", // who may connect over IPv6 too
		"10.20.0.0/24", "",                // the IPv6 admin network: refused, then none
		"", // records: both (pre-selected)
		"", // output directory
	)
	res, text := runAccessibleScript(t, in, out)
	for _, want := range []string{
		"The SFTP server's IPv6 address (optional)",
		"IPv6 network allowed to reach SSH on the server (optional)",
		`"10.20.0.0/24" is not an IPv6 CIDR. Fix: give an IPv6 network in CIDR form`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("accessible output lacks %q", want)
		}
	}
	if strings.Contains(text, "The vsftpd host's IPv6 address") {
		t.Error("the SFTP run asked the server's IPv6 address in FTPS's words")
	}
	data, err := os.ReadFile(filepath.Join(scenarios, "sftp-dual-stack", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	requireSameAsAnswersFile(t, res, data, out)
	requireSameFiles(t, filepath.Join(scenarios, "sftp-dual-stack", "expected"), readTree(t, out))
}

// answerDualStackFTPS is the classic case of the main flow (twelve
// answers), then in the optional settings the server's IPv6 address, the
// client network's prefix and who may connect over IPv6; it stops on the
// IPv6 admin network's question.
func answerDualStackFTPS(t *testing.T, d *driver) {
	t.Helper()
	answerClassicMain(t, d)
	d.char('a')
	d.toStep(stepIPv6)
	d.expect(stepIPv6, wizard.QServerIPv6)
	d.replace("2001:db8:20::2")
	d.expect(stepIPv6, wizard.QClientIPv6Prefix)
	d.replace("2001:db8:50::/64")
	d.expect(stepIPv6Access, wizard.QAllowedClients)
	d.replace("192.0.2.20/32, 2001:db8:50::/64")
	d.expect(stepIPv6Access, wizard.QAdminNetworkIPv6)
}

// dualStackClassic is the classic-wizard answers file planned dual stack:
// the server's IPv6 address, who may connect over IPv6, the client
// network's prefix, and adminV6 as server.admin_network_ipv6 (none: "").
func dualStackClassic(t *testing.T, adminV6 string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(scenarios, "classic-wizard", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	server := "  ipv6_address: 2001:db8:20::2\n  allowed_clients: [192.0.2.20/32, 2001:db8:50::/64]"
	if adminV6 != "" {
		server += "\n  admin_network_ipv6: " + adminV6
	}
	s := string(data)
	for _, r := range [][2]string{
		{"  allowed_clients: [192.0.2.20/32]", server},
		{"  lan_cidr: 192.168.50.0/24", "  lan_cidr: 192.168.50.0/24\n  ipv6_prefix: 2001:db8:50::/64"},
	} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("classic-wizard's answers lack %q", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	return []byte(s)
}

// FTPS dual stack with and without an IPv6 admin network: given, the plan
// opens SSH over IPv6 from it on the server host (and the review shows
// the flow and the decision from that plan); left empty, SSH over IPv6
// stays closed and the decision says how to open it. Either way the
// answers and files are the answers file's.
func TestDualStackAdminNetworkIPv6(t *testing.T) {
	for _, tt := range []struct {
		name, adminV6 string
		wantV6        [][]string // the server host's SSH flows over IPv6
		wantDecision  string     // in the review's SSH access one-liner or its reason
	}{
		{"given", "2001:db8:20::/64", [][]string{{"2001:db8:20::/64"}}, "SSH access: port 22 from 10.20.0.0/24 and 2001:db8:20::/64"},
		{"empty", "", nil, "SSH access: port 22 from 10.20.0.0/24"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out}, 110, 40)
			answerDualStackFTPS(t, d)
			if v := flat(d.view()); !strings.Contains(v, "IPv6 network allowed to reach SSH on the server") {
				t.Errorf("the IPv6 admin network's question is not shown:\n%s", d.view())
			}
			if tt.adminV6 != "" {
				d.replace(tt.adminV6)
			} else {
				d.key(keyEnter)
			}
			d.expect(stepDNS, wizard.QServerDNSRecords)
			d.key(keyEnter) // both
			d.expect(stepContainer, wizard.QContainer)
			d.key(keyEnter) // no
			d.expect(stepReview, "")
			if len(d.m.problems) > 0 {
				t.Fatalf("problems:\n%s", d.view())
			}
			if got := adminSSHFlows(d.m.plan, wizard.FamilyIPv6); !slices.EqualFunc(got, tt.wantV6, slices.Equal) {
				t.Errorf("the server host's SSH flows over IPv6: %v, want %v", got, tt.wantV6)
			}
			if got := adminSSHFlows(d.m.plan, wizard.FamilyIPv4); !slices.EqualFunc(got, [][]string{{"10.20.0.0/24"}}, slices.Equal) {
				t.Errorf("the server host's SSH flows over IPv4: %v", got)
			}
			// The review shows it from the plan: the port map's sentences
			// and the decision's one-liner.
			page := flat(strings.Join(d.m.page.lines, "\n"))
			if !strings.Contains(page, tt.wantDecision) {
				t.Errorf("the review lacks %q:\n%s", tt.wantDecision, page)
			}
			sentences := strings.Join(portMapSentences(d.m.plan), "\n")
			if has := strings.Contains(sentences, "from "+tt.adminV6+" to"); tt.adminV6 != "" && !has {
				t.Errorf("the port map has no SSH row from %s:\n%s", tt.adminV6, sentences)
			}
			for _, dec := range d.m.plan.Decisions {
				if dec.Key == "firewall.admin_ssh" && strings.Contains(dec.Why, "SSH over IPv6 stays closed") != (tt.adminV6 == "") {
					t.Errorf("the SSH decision's reason, with admin_network_ipv6 %q: %s", tt.adminV6, dec.Why)
				}
			}
			d.key(keyEnter, keyEnter)
			if !d.quit || d.m.result == nil {
				t.Fatalf("wizard did not finish:\n%s", d.view())
			}
			requireSameAsAnswersFile(t, d.m.result, dualStackClassic(t, tt.adminV6), out)
		})
	}
}

// A bad IPv6 admin network shows the domain's error, naming the fix, on
// the field, and the wizard stays on it; a good one then goes on.
func TestAdminNetworkIPv6Refused(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 110, 40)
	answerDualStackFTPS(t, d)
	for _, tt := range []struct{ typed, want, fix string }{
		{"10.20.0.0/24", `"10.20.0.0/24" is not an IPv6 CIDR`, "Fix: give an IPv6 network in CIDR form"},
		{"2001:db8:20::zz/64", `"2001:db8:20::zz/64" is not an IPv6 CIDR`, "Fix: give an IPv6 network in CIDR form"},
		{"2001:db8:20::1/64", "2001:db8:20::1/64 has host bits set", "Fix: write the network address: 2001:db8:20::/64"},
		{"2001:db8:20::1", `"2001:db8:20::1" is not an IPv6 CIDR`, "Fix:"},
	} {
		t.Run(tt.typed, func(t *testing.T) {
			d.expect(stepIPv6Access, wizard.QAdminNetworkIPv6)
			d.replace(tt.typed)
			d.expect(stepIPv6Access, wizard.QAdminNetworkIPv6) // not advanced
			msg := formErrors(d)
			if !strings.Contains(msg, tt.want) || !strings.Contains(msg, tt.fix) {
				t.Errorf("error %q lacks %q or %q", msg, tt.want, tt.fix)
			}
			if v := flat(d.view()); !strings.Contains(v, flat(tt.want)) {
				t.Errorf("the error is not on screen:\n%s", d.view())
			}
		})
	}
	d.replace("2001:db8:20::/64")
	d.expect(stepDNS, wizard.QServerDNSRecords)
}

// The classic case never meets the IPv6 questions: twelve answers in the
// main flow, and through the optional settings with their defaults no
// IPv6 address, so neither who may connect over IPv6 nor the IPv6 admin
// network is asked, and the answers stay classic-wizard's.
func TestClassicAsksNoIPv6AdminNetwork(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out}, 80, 24)
	if n := answerClassicMain(t, d); n != 12 {
		t.Errorf("the classic case took %d answers, want 12", n)
	}
	d.char('a')
	for d.m.step == stepAdvanced {
		d.key(keyEnter)
	}
	asked := d.keepOptionalDefaults()
	for _, k := range asked {
		if k == wizard.QAdminNetworkIPv6 {
			t.Errorf("the classic case asked %s (asked %v)", k, asked)
		}
	}
	if !slices.Contains(asked, wizard.QServerIPv6) {
		t.Errorf("the optional settings did not offer IPv6 (asked %v)", asked)
	}
	d.expect(stepReview, "")
	d.key(keyEnter, keyEnter)
	if !d.quit || d.m.result == nil {
		t.Fatalf("wizard did not finish:\n%s", d.view())
	}
	data, err := os.ReadFile(filepath.Join(scenarios, "classic-wizard", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	requireSameAsAnswersFile(t, d.m.result, data, out)
}

// When the IPv6 admin network is asked, and what reaches the answers: a
// server with an IPv6 address whose admin network is not IPv6 already,
// for either protocol; a hidden answer is never kept.
func TestAdminNetworkIPv6Asked(t *testing.T) {
	for _, tt := range []struct {
		name       string
		proto      wizard.Protocol
		role       wizard.Role
		ipv6, adm  string
		want       bool
		wantAnswer string
	}{
		{"classic: no IPv6 address", wizard.ProtocolFTPS, wizard.RoleBoth, "", "10.20.0.0/24", false, ""},
		{"ftps dual stack", wizard.ProtocolFTPS, wizard.RoleBoth, "2001:db8:20::2", "10.20.0.0/24", true, "2001:db8:99::/64"},
		{"sftp dual stack", wizard.ProtocolSFTP, wizard.RoleServer, "2001:db8:20::2", "10.20.0.0/24", true, "2001:db8:99::/64"},
		{"admin network left to its default", wizard.ProtocolSFTP, wizard.RoleBoth, "2001:db8:20::2", "", true, "2001:db8:99::/64"},
		{"admin network IPv6 already", wizard.ProtocolFTPS, wizard.RoleServer, "2001:db8:20::2", "2001:db8:20::/64", false, ""},
		{"client only", wizard.ProtocolSFTP, wizard.RoleClient, "2001:db8:20::2", "10.20.0.0/24", false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := newDraft(defaults{})
			d.Advanced = true
			d.Protocol, d.Role = tt.proto, tt.role
			d.Public, d.Host = "sftp.example.net", "10.20.0.2"
			d.ServerIPv6, d.ClientServerIPv6 = tt.ipv6, tt.ipv6
			d.AdminNetwork = tt.adm
			d.AdminNetworkIPv6 = "2001:db8:99::/64"
			if got := d.adminIPv6Asked(); got != tt.want {
				t.Errorf("asked %v, want %v", got, tt.want)
			}
			b := &builder{d: d}
			var keys []string
			if d.applies(stepIPv6Access) {
				for _, sp := range b.fields(stepIPv6Access) {
					keys = append(keys, sp.q.Key)
				}
			}
			if slices.Contains(keys, wizard.QAdminNetworkIPv6) != tt.want {
				t.Errorf("the IPv6 access step asks %v", keys)
			}
			got := ""
			if a := d.answers(); a.Server != nil {
				got = a.Server.AdminNetworkIPv6
			}
			if got != tt.wantAnswer {
				t.Errorf("answers' admin_network_ipv6 %q, want %q", got, tt.wantAnswer)
			}
		})
	}
}

// Planning only the SFTP client: the server's IPv6 address and its
// name's records, and the client network's prefix, in SFTP's words, as
// the answers file says them.
func TestSFTPClientOnlyIPv6(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out}, 110, 40)
	d.key(keyEnter, keyEnter, keyEnter) // no, no, SFTP (recommended)
	d.expect(stepRole, wizard.QRole)
	d.key(keyUp, keyEnter) // client
	d.toStep(stepClientNetwork)
	d.expect(stepClientNetwork, wizard.QClientServer)
	d.replace("sftp.vendor.example")
	d.replace("wan0 lan0 192.168.50.0/24")
	d.untilReview()
	d.char('a')
	d.toStep(stepIPv6)
	d.expect(stepIPv6, wizard.QClientServerIPv6)
	if v := flat(d.view()); !strings.Contains(v, "The SFTP server's IPv6 address, if it has one") {
		t.Errorf("the server's IPv6 address is not asked in SFTP's words:\n%s", d.view())
	}
	d.replace("2001:db8:20::2")
	d.expect(stepIPv6, wizard.QClientIPv6Prefix)
	d.replace("2001:db8:50::/64")
	d.expect(stepDNS, wizard.QClientDNSRecords)
	if v := flat(panelText(d)); strings.Contains(v, "passive") || !strings.Contains(v, "SFTP port") {
		t.Errorf("the records' choices are not worded for SFTP:\n%s", v)
	}
	d.key(keyUp, keyEnter) // AAAA only
	d.finishFromReview()
	requireSameAsAnswersFile(t, d.m.result, []byte(`version: 1
protocol: sftp
role: client
sftp: {port: 22, password_authentication: false}
client:
  nat: masquerade
  router: {wan_interface: wan0, lan_interface: lan0}
  lan_cidr: 192.168.50.0/24
  server_address: sftp.vendor.example
  server_ipv6_address: 2001:db8:20::2
  dns_records: aaaa
  ipv6_prefix: 2001:db8:50::/64
  software: [openssh]
firewalls: [nftables]
`), out)
}
