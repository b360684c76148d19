package tui

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/generators"
	"github.com/ftpswiz/ftpswiz/internal/detect"
	"github.com/ftpswiz/ftpswiz/internal/golden"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The optional settings the answers file had before the wizard asked
// them (issues 10, 12, 17): each box's firewall, IPv6, the container.
// Answered through the wizard they must give what the answers file gives:
// the same normalised answers and the same files.

// requireSameAsAnswersFile checks that the wizard's result equals the
// answers file's: the normalised answers byte for byte, and the files
// written equal to generators.Render on the file's plan.
func requireSameAsAnswersFile(t *testing.T, res *Result, answersYAML []byte, out string) *wizard.Plan {
	t.Helper()
	want, err := wizard.DecodeAnswers(answersYAML)
	if err != nil {
		t.Fatal(err)
	}
	wantPlan, err := wizard.Decide(want)
	if err != nil {
		t.Fatal(err)
	}
	gotYAML, _ := wizard.EncodeAnswers(res.Answers)
	wantYAML, _ := wizard.EncodeAnswers(wantPlan.Answers)
	if !bytes.Equal(gotYAML, wantYAML) {
		t.Errorf("answers differ from the answers file's:\n%s", golden.Diff("answers", string(wantYAML), string(gotYAML)))
	}
	writeResult(t, res)
	written := readTree(t, out)
	files, err := generators.Render(wantPlan)
	if err != nil {
		t.Fatal(err)
	}
	generated := map[string][]byte{}
	for _, f := range files {
		generated[f.Path] = f.Content
	}
	if !maps.EqualFunc(written, generated, bytes.Equal) {
		var differ []string
		for p := range maps.Keys(generated) {
			if !bytes.Equal(written[p], generated[p]) {
				differ = append(differ, p)
			}
		}
		for p := range maps.Keys(written) {
			if _, ok := generated[p]; !ok {
				differ = append(differ, p+" (extra)")
			}
		}
		slices.Sort(differ)
		t.Errorf("written files differ from generators.Render on the answers file: %v", differ)
	}
	return wantPlan
}

// chooseFTPSFreely answers the protocol steps as a user without
// constraints who chooses FTPS (the answers then have no constraints:
// section).
func (d *driver) chooseFTPSFreely() {
	d.t.Helper()
	d.expect(stepPartner, wizard.QPartnerFTPS)
	d.key(keyEnter) // no
	d.expect(stepCertificates, wizard.QClientCertificates)
	d.key(keyEnter) // no
	d.expect(stepProtocol, wizard.QProtocol)
	if d.d().Protocol != wizard.ProtocolFTPS {
		d.key(keyUp) // FTPS is the first choice
	}
	d.key(keyEnter)
	d.expect(stepRole, wizard.QRole)
	if d.d().protocol() != wizard.ProtocolFTPS {
		d.t.Fatalf("FTPS not chosen:\n%s", d.view())
	}
}

// panelText is the side panel's text, unwrapped: its sections' titles and
// lines.
func panelText(d *driver) string {
	var b strings.Builder
	for _, sec := range d.m.panelSections() {
		b.WriteString(sec.Title + "\n" + strings.Join(sec.Lines, "\n") + "\n")
	}
	return b.String()
}

// untilReview presses enter until the review (the steps after a fixed
// answer keep what they hold).
func (d *driver) untilReview() {
	d.t.Helper()
	for i := 0; d.m.step != stepReview; i++ {
		if i > 60 {
			d.t.Fatalf("no review after %d enters:\n%s", i, d.view())
		}
		d.key(keyEnter)
	}
}

// toStep presses enter until step s is shown.
func (d *driver) toStep(s step) {
	d.t.Helper()
	for i := 0; d.m.step != s; i++ {
		if i > 60 || d.m.step == stepReview {
			d.t.Fatalf("step %q not reached:\n%s", s.title(), d.view())
		}
		d.key(keyEnter)
	}
}

// serverHostDetector is the vsftpd host itself (10.20.0.2) with nftables
// whose input chain is not Debian's: table inet fw, chain in.
func serverHostDetector() detect.Detector {
	return detect.Static{
		Tools: []detect.Tool{{Firewall: "nftables", Command: "nft", Path: "/usr/sbin/nft"}},
		Ifaces: []detect.Interface{
			detect.Iface("lo", true, "127.0.0.1/8"),
			detect.Iface("ens3", true, "10.20.0.2/24"),
		},
		Nft: detect.NftRuleset{LiveRead: true, Live: []detect.NftChain{
			{Family: "ip", Table: "nat", Name: "pre", Hook: "prerouting", Policy: "accept", Source: "nft list chains"},
			{Family: "inet", Table: "fw", Name: "in", Hook: "input", Policy: "drop", Source: "nft list chains"},
		}},
	}
}

// classicWith is the classic-wizard scenario's answers file with more
// lines under its sections: extra maps a section's first line
// ("server:", "  router:") to the lines to add after it.
func classicWith(t *testing.T, extra map[string]string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(scenarios, "classic-wizard", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	section := ""
	for _, l := range strings.Split(string(data), "\n") {
		out = append(out, l)
		if !strings.HasPrefix(l, " ") && strings.HasSuffix(l, ":") {
			section = l
		}
		if add, ok := extra[section+"/"+l]; ok {
			out = append(out, add)
		}
	}
	return []byte(strings.Join(out, "\n"))
}

// A shared server host whose nftables this machine has: its input chain
// is offered; the client's router dedicated, said to be the egress
// lockdown. The same plan and files as the answers file saying so.
func TestOptionalBoxFirewalls(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	d := newDriver(t, Options{Detector: serverHostDetector(), OutDir: out}, 110, 40)
	answerClassicMain(t, d)
	d.char('a')
	d.toStep(stepBoxes)

	d.expect(stepBoxes, wizard.QServerHostUse)
	if !strings.Contains(d.view(), "> Dedicated") {
		t.Errorf("the server host is not dedicated by default:\n%s", d.view())
	}
	d.key(keyUp, keyEnter) // shared
	d.expect(stepBoxes, wizard.QServerRouterUse)
	if !strings.Contains(d.view(), "> Shared") {
		t.Errorf("the server's router is not shared by default:\n%s", d.view())
	}
	d.key(keyEnter)
	d.expect(stepBoxes, wizard.QClientRouterUse)
	d.key(keyDown) // dedicated
	if v := panelText(d); !strings.Contains(v, "Dedicated: egress lockdown") || !strings.Contains(v, "web, DNS, mail, VPNs") {
		t.Errorf("the client router's dedicated choice does not say it is an egress lockdown:\n%s", d.view())
	}
	d.key(keyEnter)

	// The server host's input chain, as this machine's nftables has it.
	d.expect(stepNft, wizard.QServerHostNftTable)
	if b := d.d().ServerHostBox; b.Table != "inet fw" || b.Chain != "in" {
		t.Errorf("detected chain not offered: %+v", b)
	}
	if v := panelText(d); !strings.Contains(v, "This machine is the server host") || !strings.Contains(v, "inet fw, chain in (policy drop; nft list chains)") {
		t.Errorf("the panel does not show the detected chain:\n%s", d.view())
	}
	// Validated per field by the domain, the error naming what is wrong.
	d.replace("filter")
	d.expect(stepNft, wizard.QServerHostNftTable)
	if v := strings.Join(strings.Fields(d.view()), " "); !strings.Contains(v, `"filter" is not an nftables table`) {
		t.Errorf("no error for a table without its family:\n%s", d.view())
	}
	d.replace("inet fw")
	d.expect(stepNft, wizard.QServerHostNftChain)
	d.key(keyEnter) // in
	// The server's router: Debian's names, shown as the defaults.
	d.expect(stepNft, wizard.QServerRouterNftTable)
	if !strings.Contains(d.view(), "default: inet filter") {
		t.Errorf("the default table is not shown:\n%s", d.view())
	}
	d.key(keyEnter)
	d.expect(stepNft, wizard.QServerRouterNftChain)
	if !strings.Contains(d.view(), "default: forward") {
		t.Errorf("the default chain is not shown:\n%s", d.view())
	}
	d.key(keyEnter)
	// The dedicated client router has no table to join.
	d.expect(stepIPv6, wizard.QServerIPv6)
	d.untilReview()
	if len(d.m.problems) > 0 {
		t.Fatalf("problems:\n%s", d.view())
	}
	if v := strings.Join(d.m.page.lines, "\n"); !strings.Contains(v, "Client's router: egress lockdown") {
		t.Errorf("the review does not warn of the egress lockdown:\n%s", d.view())
	}
	d.key(keyEnter) // output directory
	d.key(keyEnter)
	if !d.quit || d.m.result == nil {
		t.Fatalf("wizard did not finish:\n%s", d.view())
	}
	requireSameAsAnswersFile(t, d.m.result, classicWith(t, map[string]string{
		"server:/  admin_network: 10.20.0.0/24": "  host_firewall: {use: shared, nft_table: inet fw, nft_chain: in}",
		"client:/    lan_interface: lan0":       "    firewall: {use: dedicated}",
	}), out)
}

// The dual-stack scenario through the wizard: the classic flow, then the
// server's IPv6 address, who may connect over IPv6, the client network's
// prefix and the name's records in the optional settings. Every file
// equals the scenario's golden.
func TestOptionalIPv6DualStack(t *testing.T) {
	classicEndToEnd(t, "dual-stack", func(t *testing.T, d *driver) {
		d.chooseFTPSFreely()
		d.key(keyEnter) // role: both
		d.expect(stepSetup, wizard.QSetup)
		d.key(keyEnter) // classic
		d.expect(stepServerAddress, wizard.QServerPublic)
		d.replace("ftp.example.net")
		d.replace("10.20.0.2")
		d.replace("wan0 lan0")
		d.expect(stepAccess, wizard.QAllowedClients)
		d.replace("192.0.2.20/32")
		d.replace("10.20.0.0/24")
		d.expect(stepAccounts, wizard.QTLSSource)
		d.key(keyEnter) // Let's Encrypt
		d.replace("acme")
		d.replace("wan0 lan0 192.168.50.0/24")
		d.expect(stepReview, "")
		d.char('a')
		d.expect(stepAdvanced, wizard.QMode)
		d.key(keyEnter)
		d.replace("8") // transfers
		d.key(keyEnter)
		d.expect(stepAdvanced, wizard.QLEEmail)
		d.key(keyEnter)
		d.expect(stepAdvanced, wizard.QFlavour)
		d.key(keyDown, keyEnter) // Debian 12
		d.toStep(stepAdvanced)   // profile, reuse, active mode
		for d.focused() != wizard.QClientSoftware {
			d.key(keyEnter)
		}
		d.key(keyDown, keyDown)
		d.char('x') // + FileZilla
		d.key(keyEnter)
		for d.focused() != wizard.QFirewalls {
			d.key(keyEnter)
		}
		d.key(keyDown)
		d.char('x') // + iptables
		d.key(keyEnter)
		d.toStep(stepIPv6)
		d.expect(stepIPv6, wizard.QServerIPv6)
		d.replace("2001:db8:20::zz")
		d.expect(stepIPv6, wizard.QServerIPv6)
		if v := strings.Join(strings.Fields(d.view()), " "); !strings.Contains(v, `"2001:db8:20::zz" is not an IPv6 address`) {
			t.Errorf("no error for a malformed IPv6 address:\n%s", d.view())
		}
		d.replace("2001:db8:20::2")
		d.expect(stepIPv6, wizard.QClientIPv6Prefix)
		d.replace("2001:db8:50::/64")
		// The server is now reached over IPv6: who may connect is asked
		// again, and an IPv4-only answer is refused naming the fix.
		d.expect(stepIPv6Access, wizard.QAllowedClients)
		d.key(keyEnter)
		d.expect(stepIPv6Access, wizard.QAllowedClients)
		if v := strings.Join(strings.Fields(d.view()), " "); !strings.Contains(v, "lists no IPv6 network") {
			t.Errorf("an IPv4-only allow-list passed for a dual-stack server:\n%s", d.view())
		}
		d.replace("192.0.2.20/32, 2001:db8:50::/64")
		// SSH over IPv6 is optional: the scenario leaves it closed.
		d.expect(stepIPv6Access, wizard.QAdminNetworkIPv6)
		d.key(keyEnter)
		// A name and an IPv6 address: both records, pre-selected.
		d.expect(stepDNS, wizard.QServerDNSRecords)
		if !strings.Contains(d.view(), "> A and AAAA") {
			t.Errorf("both records not pre-selected:\n%s", d.view())
		}
		d.key(keyEnter)
		d.expect(stepContainer, wizard.QContainer)
		d.key(keyEnter) // no
		d.expect(stepReview, "")
		if len(d.m.problems) > 0 {
			t.Fatalf("problems:\n%s", d.view())
		}
		d.key(keyEnter)
		d.expect(stepOutput, "output")
	})
}

// The record set follows the addresses until the user picks another: a
// pre-selection left alone is the default, not an answer.
func TestOptionalDNSRecordsFollowTheAddress(t *testing.T) {
	d := newDraft(defaults{})
	d.Advanced = true
	d.Public = "ftp.example.net"
	d.ServerIPv6 = "2001:db8:20::2"
	d.preselectDNS()
	if d.ServerDNS != wizard.RecordsBoth {
		t.Fatalf("pre-selected %q, want both", d.ServerDNS)
	}
	if a := d.answers(); a.Server.DNSRecords != "" {
		t.Errorf("the pre-selection is in the answers: %q", a.Server.DNSRecords)
	}
	d.ServerDNS = wizard.RecordsAAAA
	if a := d.answers(); a.Server.DNSRecords != wizard.RecordsAAAA {
		t.Errorf("the choice is not in the answers: %q", a.Server.DNSRecords)
	}
	d.ServerIPv6 = ""
	if d.applies(stepDNS) {
		t.Error("records asked without an IPv6 address")
	}
	if a := d.answers(); a.Server.DNSRecords != "" {
		t.Errorf("records answered without an IPv6 address: %q", a.Server.DNSRecords)
	}
}

// The docker-vps scenario in accessible mode: vsftpd in a Docker container
// on the host with the public address; every file equals the scenario's
// golden, byte for byte.
func TestAccessibleDockerVPS(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	in := script(
		"n", "n", // no constraints: the scenario's answers file has none
		"1",                                                 // protocol: FTPS
		"1",                                                 // role: server
		"1",                                                 // NAT: none, the host has the public address
		"203.0.113.80",                                      // public address
		"192.0.2.0/24, 198.51.100.77/32", "198.51.100.0/24", // who may connect, admin network
		"",             // certificate: self-signed, pinned (the default for an address)
		"acme, globex", // accounts
		"y",            // review: optional settings
		"", "16", "",   // mode, transfers, passive start
		"", "", "", "", // flavour, profile, session reuse, active mode
		"2", "3", "0", // firewalls: + iptables, + ufw
		"",                 // the server host's firewall: dedicated
		"",                 // IPv6: none
		"y",                // vsftpd in a container
		"", "", "", "", "", // Docker, bridge, name, directory, base image: the defaults
		"", // output directory
	)
	res, text := runAccessibleScript(t, in, out)
	for _, want := range []string{
		"Does vsftpd run in a container (Docker or Podman)? [y/N]",
		"Which container engine runs vsftpd?",
		"Container and image name [default: " + wizard.DefaultContainerName + "]",
		"Debian image the Dockerfile starts from [default: " + wizard.DefaultContainerBaseImage + "]",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("accessible output lacks %q", want)
		}
	}
	data, err := os.ReadFile(filepath.Join(scenarios, "docker-vps", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	requireSameAsAnswersFile(t, res, data, out)
	requireSameFiles(t, filepath.Join(scenarios, "docker-vps", "expected"), readTree(t, out))
}

// The container's fields through the wizard: another engine, network,
// name and directory, each checked by the domain under its own field.
func TestOptionalContainerFields(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out}, 110, 40)
	answerClassicMain(t, d)
	d.char('a')
	d.toStep(stepContainer)
	d.expect(stepContainer, wizard.QContainer)
	d.char('y')
	d.expect(stepContainerDetails, wizard.QContainerEngine)
	d.key(keyDown, keyEnter) // podman
	d.expect(stepContainerDetails, wizard.QContainerNetwork)
	d.key(keyDown, keyEnter) // host
	d.expect(stepContainerDetails, wizard.QContainerName)
	if !strings.Contains(d.view(), "default: "+wizard.DefaultContainerName) {
		t.Errorf("the default name is not shown:\n%s", d.view())
	}
	for _, tt := range []struct{ key, bad, want, good string }{
		{wizard.QContainerName, "Bad Name", `"Bad Name" is not a container name`, "vsftpd1"},
		{wizard.QContainerConfigDir, "etc/ftpswiz", "is not an absolute path", "/srv/ftpswiz"},
		{wizard.QContainerBaseImage, "alpine:3", "does not look like a Debian image", ""},
	} {
		d.expect(stepContainerDetails, tt.key)
		d.replace(tt.bad)
		d.expect(stepContainerDetails, tt.key)
		if v := strings.Join(strings.Fields(d.view()), " "); !strings.Contains(v, tt.want) {
			t.Errorf("%s %q: no error %q:\n%s", tt.key, tt.bad, tt.want, d.view())
		}
		d.replace(tt.good)
	}
	d.finishFromReview()
	requireSameAsAnswersFile(t, d.m.result, classicWith(t, map[string]string{
		"server:/  admin_network: 10.20.0.0/24": "  container: {engine: podman, network: host, name: vsftpd1, config_dir: /srv/ftpswiz}",
	}), out)
}

// Planning only the client: the server's IPv6 address and its name's
// records, and the client network's prefix, as the answers file says them.
func TestOptionalIPv6ClientOnly(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out}, 110, 40)
	d.chooseFTPS()
	d.key(keyUp, keyEnter) // client
	d.expect(stepMode, wizard.QMode)
	d.key(keyEnter)
	d.expect(stepClientNAT, wizard.QClientNAT)
	d.key(keyEnter) // masquerade
	d.replace("ftp.vendor.example")
	d.replace("50000-50099")
	d.replace("wan0 lan0 192.168.50.0/24")
	d.expect(stepReview, "")
	d.char('a')
	d.toStep(stepIPv6)
	d.expect(stepIPv6, wizard.QClientServerIPv6)
	d.replace("2001:db8:20::2")
	d.expect(stepIPv6, wizard.QClientIPv6Prefix)
	d.replace("2001:db8:50::")
	if v := strings.Join(strings.Fields(d.view()), " "); !strings.Contains(v, `"2001:db8:50::" is not an IPv6 CIDR`) {
		t.Errorf("a prefix without its length passed:\n%s", d.view())
	}
	d.replace("2001:db8:50::/64")
	d.expect(stepDNS, wizard.QClientDNSRecords)
	d.key(keyUp, keyEnter) // AAAA only
	d.finishFromReview()
	requireSameAsAnswersFile(t, d.m.result, []byte(`version: 1
role: client
ftps: {mode: explicit}
client:
  nat: masquerade
  router: {wan_interface: wan0, lan_interface: lan0}
  lan_cidr: 192.168.50.0/24
  server_address: ftp.vendor.example
  passive_ports: 50000-50099
  server_ipv6_address: 2001:db8:20::2
  dns_records: aaaa
  ipv6_prefix: 2001:db8:50::/64
firewalls: [nftables]
constraints: {partner_requires_ftps: true}
`), out)
}

// A complaint about an optional field sends the user to the step that
// asks it (the review's enter), also when the optional settings were not
// opened.
func TestOptionalStepForField(t *testing.T) {
	d := newDraft(defaults{})
	d.Public = "ftp.example.net"
	d.Host = "10.20.0.2"
	d.ServerHostBox.Use = wizard.BoxShared
	d.ServerIPv6 = "2001:db8:20::2"
	d.Container = true
	b := &builder{d: d}
	for _, tt := range []struct {
		field string
		want  step
	}{
		{wizard.QServerHostUse, stepBoxes},
		{wizard.QClientRouterUse, stepBoxes},
		{wizard.QServerHostNftTable, stepNft},
		{wizard.QServerRouterNftChain, stepNft},
		{wizard.QServerIPv6, stepIPv6},
		{wizard.QClientIPv6Prefix, stepIPv6},
		{wizard.QServerDNSRecords, stepDNS},
		{wizard.QAdminNetworkIPv6, stepIPv6Access},
		{wizard.QContainer, stepContainer},
		{wizard.QContainerBaseImage, stepContainerDetails},
		{wizard.QAllowedClients, stepAccess},
		{"server.router", stepServerAddress},
		{wizard.QServerRouterWAN, stepServerAddress},
		{wizard.QServerRouterKind, stepAdvanced},
		{"server.container", stepContainer},
	} {
		if got := b.stepFor(tt.field); got != tt.want {
			t.Errorf("%s: step %q, want %q", tt.field, got.title(), tt.want.title())
		}
	}
	if d.Advanced {
		t.Error("stepFor left the optional settings open")
	}
}
