package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ftpswiz/ftpswiz/internal/golden"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// ftpsOnlyQuestions are the questions an SFTP plan must never ask: their
// answers would be FTPS sections Decide refuses with protocol sftp.
var ftpsOnlyQuestions = []string{
	wizard.QMode, wizard.QActiveMode, wizard.QTransfers, wizard.QPassiveStart, wizard.QClientPassivePorts,
	wizard.QTLSProfile, wizard.QTLSCert, wizard.QTLSKey, wizard.QSSLReuse, wizard.QFlavour, wizard.QUsers,
}

// scenarioAnswers reads a golden scenario's answers, normalised by Decide.
func scenarioAnswers(t *testing.T, name string) wizard.Answers {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(scenarios, name, "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := wizard.DecodeAnswers(data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := wizard.Decide(a)
	if err != nil {
		t.Fatal(err)
	}
	return p.Answers
}

// requireSameAnswers compares answers through the answers-file encoder.
func requireSameAnswers(t *testing.T, got, want wizard.Answers) {
	t.Helper()
	g, err := wizard.EncodeAnswers(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := wizard.EncodeAnswers(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("answers differ:\n%s", golden.Diff("answers", string(w), string(g)))
	}
}

// answerSFTPClassic drives the wizard to testdata/scenarios/sftp-classic:
// no constraint, so SFTP is recommended and pre-selected, and accepted with
// enter; then the classic network with port 22, the account acme, keys
// only and every SFTP client. It records every question asked and stops
// on the output directory question.
func answerSFTPClassic(t *testing.T, d *driver) map[string]bool {
	t.Helper()
	asked := map[string]bool{}
	ask := func(s step, key string) {
		t.Helper()
		d.expect(s, key)
		asked[key] = true
	}
	ask(stepPartner, wizard.QPartnerFTPS)
	d.key(keyEnter) // no (the default)
	ask(stepCertificates, wizard.QClientCertificates)
	d.key(keyEnter) // no
	ask(stepProtocol, wizard.QProtocol)
	if d.d().Protocol != wizard.ProtocolSFTP || !strings.Contains(d.view(), "Recommended: SFTP") {
		t.Fatalf("SFTP not recommended and pre-selected:\n%s", d.view())
	}
	d.key(keyEnter)
	ask(stepRole, wizard.QRole)
	if !strings.Contains(d.view(), "Which end of the SFTP connection") || !strings.Contains(d.view(), "SFTP wizard") {
		t.Errorf("role not asked for SFTP:\n%s", d.view())
	}
	d.key(keyEnter) // both
	ask(stepSetup, wizard.QSetup)
	d.key(keyEnter) // classic: port-forward and masquerade
	ask(stepServerAddress, wizard.QServerPublic)
	d.replace("198.51.100.10")
	ask(stepServerAddress, wizard.QServerHost)
	d.replace("10.20.0.2")
	ask(stepServerAddress, wizard.QServerRouter)
	d.replace("wan0 lan0")
	ask(stepSFTP, wizard.QSFTPPort)
	d.key(keyEnter) // 22
	ask(stepSFTP, wizard.QSFTPUsers)
	d.replace("acme")
	ask(stepSFTP, wizard.QSFTPPasswordAuth)
	d.key(keyEnter) // keys only
	ask(stepClientNetwork, wizard.QClientRouter)
	d.replace("wan0 lan0 192.168.50.0/24")
	ask(stepSoftware, wizard.QClientSoftware)
	for range 4 { // OpenSSH is preselected; add lftp, FileZilla, WinSCP, rclone
		d.key(keyDown)
		d.char('x')
	}
	d.key(keyEnter)
	ask(stepFirewalls, wizard.QFirewalls)
	d.key(keyDown) // nftables is installed (preselected); add iptables
	d.char('x')
	d.key(keyEnter)
	d.expect(stepReview, "")
	page := strings.Join(d.m.page.lines, "\n")
	for _, want := range []string{"Port map", "sftp", "SFTP port: 22", "SSH keys only"} {
		if !strings.Contains(page, want) {
			t.Errorf("review lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "With all your answers ftpswiz recommends") {
		t.Errorf("review re-check disagrees with the recommended protocol:\n%s", page)
	}
	d.char('a')
	ask(stepAdvanced, wizard.QAdminNetwork)
	d.replace("10.20.0.0/24")
	ask(stepAdvanced, wizard.QAllowedClients)
	d.replace("192.0.2.20/32")
	ask(stepAdvanced, wizard.QClientUser)
	if !strings.Contains(d.view(), "default: acme") {
		t.Errorf("client user does not default to the first SFTP account:\n%s", d.view())
	}
	d.key(keyEnter)
	for _, k := range d.keepOptionalDefaults() {
		asked[k] = true
	}
	d.expect(stepReview, "")
	d.key(keyEnter)
	d.expect(stepOutput, "output")
	return asked
}

func TestSFTPClassicEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out}, 80, 24)
	asked := answerSFTPClassic(t, d)
	d.key(keyEnter) // the offered directory
	if !d.quit || d.m.result == nil {
		t.Fatalf("wizard did not finish (notice %q):\n%s", d.m.notice, d.view())
	}
	for _, k := range ftpsOnlyQuestions {
		if asked[k] {
			t.Errorf("the SFTP run asked the FTPS question %s", k)
		}
	}
	requireSameAnswers(t, d.m.result.Answers, scenarioAnswers(t, "sftp-classic"))
	requireSameFiles(t, filepath.Join(scenarios, "sftp-classic", "expected"), readTree(t, out))
}

// walk answers every question of the wizard with a valid value or the
// default, takes the optional settings once, and writes the files. It
// returns the question keys asked.
func walk(t *testing.T, d *driver, pick func(d *driver)) []string {
	t.Helper()
	values := map[string]string{
		wizard.QServerPublic: "198.51.100.10",
		wizard.QServerHost:   "10.20.0.2",
		wizard.QServerRouter: "wan0 lan0",
		wizard.QClientRouter: "wan0 lan0 192.168.50.0/24",
		wizard.QClientServer: "sftp.vendor.example",
		wizard.QSFTPUsers:    "acme, bob",
	}
	var asked []string
	advanced := false
	for range 100 {
		if d.quit {
			return asked
		}
		switch d.m.step {
		case stepReview:
			if len(d.m.problems) > 0 {
				t.Fatalf("review found problems:\n%s", d.view())
			}
			if !advanced {
				advanced = true
				d.char('a')
			} else {
				d.key(keyEnter)
			}
			continue
		case stepOutput:
			d.key(keyEnter)
			continue
		}
		k := d.focused()
		asked = append(asked, k)
		if k == wizard.QRole && pick != nil {
			pick(d)
		}
		if v, ok := values[k]; ok {
			d.replace(v)
		} else {
			d.key(keyEnter)
		}
	}
	t.Fatalf("the wizard did not finish; it shows:\n%s", d.view())
	return nil
}

func TestSFTPNeverAsksFTPSQuestions(t *testing.T) {
	for _, tt := range []struct {
		role wizard.Role
		up   int // presses of up from the default role (both)
		want []string
	}{
		{wizard.RoleServer, 2, []string{wizard.QSFTPUsers, wizard.QAdminNetwork, wizard.QAllowedClients}},
		{wizard.RoleClient, 1, []string{wizard.QClientServer, wizard.QClientUser}},
		{wizard.RoleBoth, 0, []string{wizard.QSetup, wizard.QSFTPUsers, wizard.QClientRouter, wizard.QClientUser}},
	} {
		t.Run(string(tt.role), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out}, 80, 24)
			asked := walk(t, d, func(d *driver) {
				for range tt.up {
					d.key(keyUp)
				}
			})
			if d.m.result == nil {
				t.Fatalf("nothing written:\n%s", d.view())
			}
			for _, k := range ftpsOnlyQuestions {
				if slices.Contains(asked, k) {
					t.Errorf("asked the FTPS question %s (asked %v)", k, asked)
				}
			}
			for _, k := range append([]string{wizard.QProtocol, wizard.QSFTPPort, wizard.QSFTPPasswordAuth}, tt.want...) {
				if !slices.Contains(asked, k) {
					t.Errorf("did not ask %s (asked %v)", k, asked)
				}
			}
			a := d.m.result.Answers
			if a.Protocol != wizard.ProtocolSFTP || a.Role != tt.role || a.SFTP == nil {
				t.Fatalf("protocol %s role %s sftp %v", a.Protocol, a.Role, a.SFTP)
			}
			if a.FTPS != (wizard.FTPS{}) {
				t.Errorf("FTPS answers in an SFTP plan: %+v", a.FTPS)
			}
			if s := a.Server; s != nil && (s.PassiveStart != 0 || s.Capacity != (wizard.Capacity{}) ||
				s.TLS != (wizard.TLS{}) || !reflect.ValueOf(s.Vsftpd).IsZero()) {
				t.Errorf("FTPS server answers in an SFTP plan: %+v", s)
			}
			if c := a.Client; c != nil && c.PassivePorts != "" {
				t.Errorf("passive ports in an SFTP plan: %q", c.PassivePorts)
			}
			if tt.role.HasServer() && !slices.Equal(a.SFTP.Users, []string{"acme", "bob"}) {
				t.Errorf("sftp.users %v", a.SFTP.Users)
			}
			files := readTree(t, out)
			if _, ok := files["server/vsftpd.conf"]; ok {
				t.Error("an SFTP plan wrote vsftpd.conf")
			}
			if _, ok := files["server/sshd_config.d/ftpswiz-sftp.conf"]; ok != tt.role.HasServer() {
				t.Errorf("sshd drop-in written: %v, want %v", ok, tt.role.HasServer())
			}
			if _, ok := files["client/ssh_config"]; ok != tt.role.HasClient() {
				t.Errorf("client/ssh_config written: %v, want %v", ok, tt.role.HasClient())
			}
		})
	}
}

func TestRecommendationPreselected(t *testing.T) {
	for _, tt := range []struct {
		name         string
		partner      bool
		certs        bool
		want         wizard.Protocol
		reasons      []string // in the panel, in order
		keepInMind   string
		certsAsked   bool
		otherChoice  tea.KeyPressMsg // moves the cursor to the other protocol
		otherTitle   string          // the role question of the other protocol
		otherWizard  string
		otherProtocl wizard.Protocol
	}{
		{"no constraint: SFTP", false, false, wizard.ProtocolSFTP,
			[]string{"Recommended: SFTP", "SFTP needs one port in one direction"},
			"Keep in mind with SFTP", true, keyUp, "Which end of the FTPS connection", "FTPS wizard", wizard.ProtocolFTPS},
		{"partner accepts only FTPS", true, false, wizard.ProtocolFTPS,
			[]string{"Recommended: FTPS", "The other side accepts only FTP or FTPS"},
			"Keep in mind with FTPS", false, keyDown, "Which end of the SFTP connection", "SFTP wizard", wizard.ProtocolSFTP},
		{"client certificates", false, true, wizard.ProtocolFTPS,
			[]string{"Recommended: FTPS", "X.509 client certificates"},
			"Keep in mind with FTPS", true, keyDown, "Which end of the SFTP connection", "SFTP wizard", wizard.ProtocolSFTP},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 80, 24)
			d.expect(stepPartner, wizard.QPartnerFTPS)
			if tt.partner {
				d.char('y')
			} else {
				d.char('n')
			}
			if tt.certsAsked {
				d.expect(stepCertificates, wizard.QClientCertificates)
				if tt.certs {
					d.key(keyMsg(tea.KeyRight, 0)) // toggle to Yes, shown in the panel
					if !strings.Contains(d.panelText(), "Users present an X.509 certificate") {
						t.Errorf("panel does not follow the yes/no toggle:\n%s", d.panelText())
					}
				}
				d.key(keyEnter)
			}
			if tt.partner {
				// SFTP is no option for this partner: FTPS, not asked.
				d.expect(stepRole, wizard.QRole)
				if d.d().protocol() != tt.want || !strings.Contains(d.view(), "Which end of the FTPS connection") {
					t.Fatalf("protocol %q\n%s", d.d().protocol(), d.view())
				}
				return
			}
			d.expect(stepProtocol, wizard.QProtocol)
			if d.d().Protocol != tt.want {
				t.Fatalf("pre-selected %q, want %q", d.d().Protocol, tt.want)
			}
			panel := d.panelText()
			at := 0
			for _, w := range append(tt.reasons, "✓ "+choiceLabel(tt.want), tt.keepInMind, "FTPS and SFTP side by side", "Typical failure modes") {
				i := strings.Index(panel[at:], w)
				if i < 0 {
					t.Fatalf("panel lacks %q after position %d:\n%s", w, at, panel)
				}
				at += i
			}
			// The recommendation heads the panel on screen; the cursor
			// is on the recommended protocol.
			if !strings.Contains(d.view(), tt.reasons[0]) || !strings.Contains(d.view(), "> "+choiceLabel(tt.want)) {
				t.Errorf("screen does not show the recommendation selected:\n%s", d.view())
			}
			// The user may choose the other one.
			d.key(tt.otherChoice)
			if strings.Contains(d.panelText(), "✓ "+choiceLabel(tt.otherProtocl)) {
				t.Errorf("the other protocol is marked recommended:\n%s", d.panelText())
			}
			d.key(keyEnter)
			d.expect(stepRole, wizard.QRole)
			if d.d().Protocol != tt.otherProtocl || !strings.Contains(d.view(), tt.otherTitle) || !strings.Contains(d.view(), tt.otherWizard) {
				t.Errorf("protocol %q; screen:\n%s", d.d().Protocol, d.view())
			}
		})
	}
}

func TestRecommendationFollowsAnswers(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 80, 24)
	d.key(keyEnter, keyEnter) // no, no
	d.expect(stepProtocol, wizard.QProtocol)
	if strings.Contains(d.panelText(), "The server is behind NAT") {
		t.Errorf("the recommendation uses defaults the user has not seen:\n%s", d.panelText())
	}
	d.key(keyUp, keyEnter) // FTPS, against the recommendation
	d.key(keyEnter)        // both
	d.key(keyEnter)        // port-forward
	d.expect(stepServerAddress, wizard.QServerPublic)

	// Back at the protocol step: the server's NAT is now a reason, and
	// the user's choice is kept (the recommendation did not change).
	d.key(keyShiftTab, keyShiftTab, keyShiftTab)
	d.expect(stepProtocol, wizard.QProtocol)
	if !strings.Contains(d.panelText(), "The server is behind NAT (port-forward)") {
		t.Errorf("the recommendation ignores the NAT answer:\n%s", d.panelText())
	}
	if d.d().Protocol != wizard.ProtocolFTPS || d.m.notice != "" {
		t.Errorf("override lost: protocol %q, notice %q", d.d().Protocol, d.m.notice)
	}

	// A changed constraint changes the recommendation, and the selection
	// follows it with a notice.
	d.key(keyDown, keyEnter) // SFTP
	d.expect(stepRole, wizard.QRole)
	d.key(keyShiftTab, keyShiftTab, keyShiftTab)
	d.expect(stepPartner, wizard.QPartnerFTPS)
	d.char('y')
	// The partner accepts only FTPS: FTPS without asking, whatever was
	// chosen before.
	d.expect(stepRole, wizard.QRole)
	if d.d().protocol() != wizard.ProtocolFTPS || !strings.Contains(d.view(), "FTPS wizard") {
		t.Errorf("protocol %q\n%s", d.d().protocol(), d.view())
	}
}

func TestReviewRechecksTheProtocol(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 80, 24)
	d.key(keyEnter, keyEnter) // no constraint: SFTP recommended
	d.key(keyUp, keyEnter)    // FTPS anyway
	d.key(keyEnter, keyEnter) // both, classic
	d.replace("198.51.100.10")
	d.replace("10.20.0.2")
	d.replace("wan0 lan0")
	d.key(keyEnter, keyEnter, keyEnter) // who may connect, admin network, certificate
	d.key(keyEnter)                     // accounts
	d.replace("wan0 lan0 192.168.50.0/24")
	d.expect(stepReview, "")
	page := strings.Join(d.m.page.lines, "\n")
	for _, want := range []string{"With all your answers ftpswiz recommends SFTP, not FTPS", "Both ends are behind NAT", "Press p"} {
		if !strings.Contains(page, want) {
			t.Errorf("review lacks %q:\n%s", want, page)
		}
	}
	if !strings.Contains(d.view(), "p protocol") {
		t.Errorf("help line lacks p:\n%s", d.view())
	}
	// p goes to the choice, the user's FTPS still selected.
	d.char('p')
	d.expect(stepProtocol, wizard.QProtocol)
	if d.d().Protocol != wizard.ProtocolFTPS {
		t.Fatalf("protocol %q", d.d().Protocol)
	}
	d.key(keyDown, keyEnter)                                // SFTP after all
	d.key(keyEnter, keyEnter, keyEnter, keyEnter, keyEnter) // role, set-up, three addresses kept
	d.expect(stepSFTP, wizard.QSFTPPort)
	d.key(keyEnter, keyEnter, keyEnter) // port, no accounts, keys only
	d.key(keyEnter)                     // the client's router kept
	d.key(keyEnter, keyEnter)           // software, firewalls
	d.expect(stepReview, "")
	if page := strings.Join(d.m.page.lines, "\n"); strings.Contains(page, "With all your answers") || len(d.m.problems) > 0 {
		t.Errorf("review after switching to SFTP:\n%s", page)
	}
	if strings.Contains(d.view(), "p protocol") {
		t.Errorf("help line offers p without a reason:\n%s", d.view())
	}
}

func TestComparisonPanelScrolls(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {60, 24}, {120, 40}} {
		d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, sz.w, sz.h)
		first := d.view()
		if !strings.Contains(first, "pgdn ▾") || !strings.Contains(first, "pgdn more") {
			t.Errorf("%dx%d: no hint that the panel scrolls:\n%s", sz.w, sz.h, first)
		}
		seen := first
		for range 40 {
			d.key(keyMsg(tea.KeyPgDown, 0))
			seen += d.view()
			fits(t, d.m.View().Content, sz.w, sz.h, "comparison scrolled")
		}
		last := d.view()
		if !strings.Contains(last, "pgup ▴") {
			t.Errorf("%dx%d: not at the end after 40 pages:\n%s", sz.w, sz.h, last)
		}
		// Every aspect passed by (its heading, maybe wrapped: its first
		// word).
		for _, r := range wizard.Comparison() {
			if !strings.Contains(seen, strings.Fields(r.Aspect)[0]) {
				t.Errorf("%dx%d: aspect %q never shown", sz.w, sz.h, r.Aspect)
			}
		}
		if d.m.step != stepPartner || d.focused() != wizard.QPartnerFTPS {
			t.Errorf("scrolling moved the form: %s %s", d.m.step.title(), d.focused())
		}
		for range 40 {
			d.key(keyMsg(tea.KeyPgUp, 0))
		}
		if d.view() != first {
			t.Errorf("%dx%d: pgup does not come back to the top:\n%s", sz.w, sz.h, d.view())
		}
		// The next step starts at the top again.
		d.key(keyMsg(tea.KeyPgDown, 0), keyEnter)
		d.expect(stepCertificates, wizard.QClientCertificates)
		if d.m.panelTop != 0 {
			t.Errorf("panel scrolled on a new step: %d", d.m.panelTop)
		}
	}
}

func TestAccessibleSFTPClassic(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	in := script(
		"", // the other side accepts only FTP or FTPS: no
		"", // client certificates: no
		"", // protocol: SFTP (recommended, the default)
		"", // role: both
		"", // set-up: classic
		"198.51.100.10", "10.20.0.2", "wan0 lan0",
		"",     // SFTP port 22
		"acme", // SFTP accounts
		"",     // passwords: no, keys only
		"wan0 lan0 192.168.50.0/24",
		"2", "3", "4", "5", "0", // software: OpenSSH preselected, add the other four
		"2", "0", // firewalls: + iptables
		"y",                             // review: optional settings
		"10.20.0.0/24", "192.0.2.20/32", // admin network, allowed clients
		"",         // client user: the first account
		"", "", "", // each box's firewall: the defaults
		"", "", "", "", // the routers' nftables tables and chains: the defaults
		"", "", // IPv6: the server's address, the client network's prefix: none
		"", // output directory
	)
	res, text := runAccessibleScript(t, in, out)
	if strings.Contains(text, "\x1b[") {
		t.Errorf("accessible output has escape sequences:\n%q", text)
	}
	for _, want := range []string{
		"FTPS and SFTP compared",
		"Ports and directions. FTPS: A control connection",
		"Does the other side accept only FTP or FTPS? [y/N]",
		"Must users log in with X.509 client certificates? [y/N]",
		"Recommended: SFTP.",
		"Why: SFTP needs one port in one direction",
		"Keep in mind: Choose FTPS instead if",
		"Chosen: SFTP (SSH file transfer, sshd).",
		"Which end of the SFTP connection are you planning?",
		"SFTP accounts (comma-separated)",
		"Change the optional settings (the network allowed to reach SSH",
		"Server host: inbound SFTP (SSH), TCP 22, from",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("accessible output lacks %q", want)
		}
	}
	for _, k := range ftpsOnlyQuestions {
		q, _ := wizard.QuestionByKey(k)
		if strings.Contains(text, q.Title) {
			t.Errorf("the SFTP run asked the FTPS question %q", q.Title)
		}
	}
	requireSameAnswers(t, res.Answers, scenarioAnswers(t, "sftp-classic"))
	writeResult(t, res)
	requireSameFiles(t, filepath.Join(scenarios, "sftp-classic", "expected"), readTree(t, out))
}

func TestSFTPValidationMessages(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 100, 30)
	d.key(keyEnter, keyEnter, keyEnter) // no, no, SFTP
	d.key(keyUp, keyUp, keyEnter)       // server
	d.key(keyUp, keyUp, keyEnter)       // nat none
	d.replace("198.51.100.10")
	d.expect(stepSFTP, wizard.QSFTPPort)
	for _, tt := range []struct {
		key, typed, want, fix string
	}{
		{wizard.QSFTPPort, "ssh", "is not a whole number", ""},
		{wizard.QSFTPPort, "70000", "70000", "2222"},
		{wizard.QSFTPUsers, "root", "root must never log in over SFTP", ""},
		{wizard.QSFTPUsers, "Alice", "is not a valid user name", "alice"},
	} {
		d.expect(stepSFTP, tt.key)
		d.replace(tt.typed)
		d.expect(stepSFTP, tt.key) // refused: still there
		var errs []string
		for _, err := range d.m.form.Errors() {
			errs = append(errs, err.Error())
		}
		if msg := strings.Join(errs, "\n"); !strings.Contains(msg, tt.want) {
			t.Errorf("%s %q: error %q lacks %q", tt.key, tt.typed, msg, tt.want)
		}
		if tt.fix != "" {
			d.replace(tt.fix)
		}
	}
	d.expect(stepSFTP, wizard.QSFTPPasswordAuth)
	d.key(keyDown, keyEnter) // passwords
	d.key(keyEnter)          // firewalls
	d.expect(stepReview, "")
	page := strings.Join(d.m.page.lines, "\n")
	for _, want := range []string{"SFTP port: 2222", "⚠ Authentication: passwords allowed", "TCP 2222"} {
		if !strings.Contains(page, want) && !strings.Contains(strings.Join(portMapSentences(d.m.plan), "\n"), want) {
			t.Errorf("review lacks %q:\n%s", want, page)
		}
	}
}
