package tui

import (
	"bytes"
	"github.com/charmbracelet/x/ansi"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/generators"
	"github.com/ftpswiz/ftpswiz/internal/detect"
	"github.com/ftpswiz/ftpswiz/internal/golden"
	"github.com/ftpswiz/ftpswiz/internal/outdir"
	"github.com/ftpswiz/ftpswiz/wizard"
)

const scenarios = "../../testdata/scenarios"

// chooseFTPS answers the protocol steps as a user whose partner accepts
// only FTPS: y, then enter on FTPS, which the recommendation pre-selected.
// The certificates question is not asked: it cannot change the answer.
func (d *driver) chooseFTPS() {
	d.t.Helper()
	d.expect(stepPartner, wizard.QPartnerFTPS)
	d.char('y')
	// SFTP is no option: FTPS without asking.
	d.expect(stepRole, wizard.QRole)
	if d.m.d.protocol() != wizard.ProtocolFTPS {
		d.t.Fatalf("FTPS not chosen for a partner that requires it:\n%s", d.view())
	}
}

// answerClassic drives the wizard through the classic case in the main
// flow, as testdata/scenarios/classic-wizard/answers.yaml holds it: the
// vendor's vsftpd behind a port-forwarding router, the customer's clients
// behind a masquerading router, both planned at once, in the twelve answers
// of issue 14 (who may connect, the admin network, the certificate and the
// accounts included; everything else at its default). It stops on the
// review and returns the number of answers given (the review included).
func answerClassicMain(t *testing.T, d *driver) int {
	t.Helper()
	answers := 0
	answer := func(s step, key string, f func()) {
		t.Helper()
		d.expect(s, key)
		answers++
		f()
	}
	answer(stepPartner, wizard.QPartnerFTPS, func() { d.char('y') })
	answer(stepRole, wizard.QRole, func() { d.key(keyEnter) }) // both (the default)
	answer(stepSetup, wizard.QSetup, func() {
		if d.d().Setup != wizard.SetupClassic {
			t.Fatalf("the classic set-up is not pre-selected:\n%s", d.view())
		}
		d.key(keyEnter) // each side behind its own Linux router
	})
	answer(stepServerAddress, wizard.QServerPublic, func() { d.replace("ftps.example.com") })
	answer(stepServerAddress, wizard.QServerHost, func() { d.replace("10.20.0.2") })
	answer(stepServerAddress, wizard.QServerRouter, func() { d.replace("wan0 lan0") })
	answer(stepAccess, wizard.QAllowedClients, func() { d.replace("192.0.2.20/32") }) // the customer's public address
	answer(stepAccess, wizard.QAdminNetwork, func() { d.replace("10.20.0.0/24") })
	answer(stepAccounts, wizard.QTLSSource, func() {
		if d.d().TLSSource != wizard.SourceLetsEncrypt {
			t.Fatalf("Let's Encrypt not pre-selected for a DNS name:\n%s", d.view())
		}
		d.key(keyEnter)
	})
	answer(stepAccounts, wizard.QUsers, func() { d.replace("acme") })
	answer(stepClientNetwork, wizard.QClientRouter, func() { d.replace("wan0 lan0 192.168.50.0/24") })
	d.expect(stepReview, "")
	answers++
	if !strings.Contains(d.view(), "Port map") {
		t.Fatalf("review shows no port map:\n%s", d.view())
	}
	return answers
}

// answerClassic is answerClassicMain, then enter on the review: it stops
// on the output directory question.
func answerClassic(t *testing.T, d *driver) {
	t.Helper()
	if n := answerClassicMain(t, d); n > 12 {
		t.Errorf("the classic case took %d answers, issue 14's budget is 12", n)
	}
	d.key(keyEnter)
	d.expect(stepOutput, "output")
}

// answerClassicOptional reaches testdata/scenarios/classic from the main
// flow's classic case through the optional settings (review, a): 16
// transfers, the Let's Encrypt e-mail, FileZilla too, iptables too. It
// stops on the output directory question.
func answerClassicOptional(t *testing.T, d *driver) {
	t.Helper()
	answerClassicMain(t, d)
	d.char('a')
	d.expect(stepAdvanced, wizard.QMode)
	d.key(keyEnter) // explicit
	d.expect(stepAdvanced, wizard.QTransfers)
	d.replace("16")
	d.expect(stepAdvanced, wizard.QPassiveStart)
	d.key(keyEnter)
	d.expect(stepAdvanced, wizard.QLEEmail)
	d.replace("ops@example.com")
	for _, k := range []string{wizard.QFlavour, wizard.QTLSProfile, wizard.QSSLReuse, wizard.QActiveMode} {
		d.expect(stepAdvanced, k)
		d.key(keyEnter)
	}
	d.expect(stepAdvanced, wizard.QClientSoftware)
	d.key(keyDown, keyDown) // lftp and curl are preselected; add FileZilla
	d.char('x')
	d.key(keyEnter)
	d.expect(stepAdvanced, wizard.QClientUser)
	d.key(keyEnter)
	for _, k := range []string{wizard.QServerRouterKind, wizard.QClientRouterKind} {
		d.expect(stepAdvanced, k)
		if !strings.Contains(d.view(), "> Linux (nftables/iptables)") {
			t.Errorf("%s: Linux not pre-selected:\n%s", k, d.view())
		}
		d.key(keyEnter) // Linux
	}
	d.expect(stepAdvanced, wizard.QFirewalls)
	d.key(keyDown) // nftables is preselected; add iptables
	d.char('x')
	d.key(keyEnter)
	d.keepOptionalDefaults()
	d.expect(stepReview, "")
	d.key(keyEnter)
	d.expect(stepOutput, "output")
}

// readTree reads every file under dir as slash paths.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// requireSameFiles compares a directory with the scenario's expected
// outputs (owned by `ftpswiz generate`'s golden test, never updated here).
func requireSameFiles(t *testing.T, expected string, got map[string][]byte) {
	t.Helper()
	want := readTree(t, expected)
	var problems []string
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			problems = append(problems, "missing "+p)
		case !bytes.Equal(g, w):
			problems = append(problems, golden.Diff(p, string(w), string(g)))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			problems = append(problems, "unexpected "+p)
		}
	}
	slices.Sort(problems)
	if len(problems) > 0 {
		t.Errorf("wizard output differs from %s:\n%s", expected, strings.Join(problems, "\n"))
	}
}

// TestClassicScenarioEndToEnd plays the classic case in the main flow's
// twelve answers (classic-wizard), and with the optional settings changed
// to reach the classic scenario (everything stays reachable): the answers
// and the files are the scenario's.
func TestClassicScenarioEndToEnd(t *testing.T) {
	for _, tt := range []struct {
		scenario string
		play     func(*testing.T, *driver)
	}{
		{"classic-wizard", answerClassic},
		{"classic", answerClassicOptional},
	} {
		t.Run(tt.scenario, func(t *testing.T) { classicEndToEnd(t, tt.scenario, tt.play) })
	}
}

func classicEndToEnd(t *testing.T, scenario string, play func(*testing.T, *driver)) {
	out := filepath.Join(t.TempDir(), "out")
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out}, 80, 24)
	play(t, d)
	d.key(keyEnter) // the offered directory
	if !d.quit || d.m.result == nil {
		t.Fatalf("wizard did not finish (notice %q):\n%s", d.m.notice, d.view())
	}

	data, err := os.ReadFile(filepath.Join(scenarios, scenario, "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := wizard.DecodeAnswers(data)
	if err != nil {
		t.Fatal(err)
	}
	wantPlan, err := wizard.Decide(want)
	if err != nil {
		t.Fatal(err)
	}
	gotYAML, err := wizard.EncodeAnswers(d.m.result.Answers)
	if err != nil {
		t.Fatal(err)
	}
	wantYAML, err := wizard.EncodeAnswers(wantPlan.Answers)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotYAML, wantYAML) {
		t.Errorf("answers differ from the %s scenario:\n%s", scenario, golden.Diff("answers", string(wantYAML), string(gotYAML)))
	}
	if d.m.result.Dir != out {
		t.Errorf("result dir %q, want %q", d.m.result.Dir, out)
	}
	// The same files as `ftpswiz generate` (generators.Render) on the
	// scenario's answers file, and the scenario's golden files.
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
		t.Errorf("written files differ from generators.Render on the scenario's answers: %v vs %v",
			slices.Sorted(maps.Keys(written)), slices.Sorted(maps.Keys(generated)))
	}
	requireSameFiles(t, filepath.Join(scenarios, scenario, "expected"), written)
}

func TestOverwriteShowsDiffAndKeepsBackup(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if err := os.MkdirAll(filepath.Join(out, "server"), 0o755); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(out, "server", "vsftpd.conf")
	if err := os.WriteFile(conf, []byte("listen=YES\n# my own edit\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out}, 80, 24)
	answerClassic(t, d)
	d.key(keyEnter)
	d.expect(stepConfirm, "")
	if d.quit {
		t.Fatal("wrote without asking")
	}
	// Nothing is written before the confirmation.
	if b, _ := os.ReadFile(conf); string(b) != "listen=YES\n# my own edit\n" {
		t.Fatalf("vsftpd.conf replaced before confirmation: %q", b)
	}
	page := strings.Join(d.m.page.lines, "\n")
	for _, want := range []string{"changed", "server/vsftpd.conf", "-# my own edit", "new "} {
		if !strings.Contains(page, want) {
			t.Errorf("confirm page lacks %q:\n%s", want, page)
		}
	}
	// n goes back to the directory question; y on the way back writes.
	d.char('n')
	d.expect(stepOutput, "output")
	d.key(keyEnter)
	d.expect(stepConfirm, "")
	d.char('y')
	if !d.quit || d.m.result == nil {
		t.Fatalf("not written after y:\n%s", d.view())
	}
	backups, _ := filepath.Glob(conf + ".bak-*")
	if len(backups) != 1 {
		t.Fatalf("backups %v, want one", backups)
	}
	if b, _ := os.ReadFile(backups[0]); string(b) != "listen=YES\n# my own edit\n" {
		t.Errorf("backup holds %q", b)
	}
	var kinds []string
	if !d.m.result.Force {
		t.Error("result without Force after y")
	}
	for _, c := range d.written {
		if c.Path == "server/vsftpd.conf" {
			kinds = append(kinds, c.Kind.String())
		}
	}
	if !slices.Equal(kinds, []string{outdir.Changed.String()}) {
		t.Errorf("vsftpd.conf change %v", kinds)
	}
}

func TestBackNavigation(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 80, 24)
	d.chooseFTPS()
	d.key(keyEnter, keyEnter)
	d.expect(stepServerAddress, wizard.QServerPublic)
	d.replace("198.51.100.10")
	d.expect(stepServerAddress, wizard.QServerHost)

	tests := []struct {
		name string
		step step
		key  string
	}{
		{"within the step (huh)", stepServerAddress, wizard.QServerPublic},
		{"to the previous step", stepSetup, wizard.QSetup},
		{"to the role", stepRole, wizard.QRole},
		// The certificates and protocol questions are skipped: the
		// partner decided.
		{"to the first step", stepPartner, wizard.QPartnerFTPS},
		{"nothing before the first step", stepPartner, wizard.QPartnerFTPS},
	}
	for _, tt := range tests {
		d.key(keyShiftTab)
		if d.m.step != tt.step || d.focused() != tt.key {
			t.Fatalf("%s: on %s/%s, want %s/%s", tt.name, d.m.step.title(), d.focused(), tt.step.title(), tt.key)
		}
	}
	if d.d().Public != "198.51.100.10" {
		t.Errorf("answer lost going back: public %q", d.d().Public)
	}

	// Forward again keeps the answers (yes, FTPS, both, classic);
	// going back from a later step lands on the previous step's last
	// question.
	d.key(keyEnter)
	d.expect(stepRole, wizard.QRole)
	if d.d().protocol() != wizard.ProtocolFTPS {
		t.Fatalf("protocol %q after going back and forth", d.d().protocol())
	}
	d.key(keyEnter, keyEnter)
	d.expect(stepServerAddress, wizard.QServerPublic)
	if !strings.Contains(d.view(), "198.51.100.10") {
		t.Errorf("public address not shown again:\n%s", d.view())
	}
	d.key(keyEnter, keyEnter)
	// Back from a required field left empty (huh itself refuses to leave
	// a field that does not validate).
	d.expect(stepServerAddress, wizard.QServerRouter)
	d.replace("")
	d.expect(stepServerAddress, wizard.QServerRouter)
	d.key(keyShiftTab)
	d.expect(stepServerAddress, wizard.QServerHost)
	d.key(keyEnter)
	d.replace("wan0 lan0")
	d.expect(stepAccess, wizard.QAllowedClients)
	d.key(keyShiftTab)
	d.expect(stepServerAddress, wizard.QServerRouter)
	d.key(keyEnter)

	// From the review back to the last form step, and from the output
	// question back to the review.
	d.expect(stepAccess, wizard.QAllowedClients)
	d.key(keyEnter, keyEnter, keyEnter, keyEnter) // who may connect, admin network, certificate, accounts
	d.replace("wan0 lan0 192.168.50.0/24")
	d.expect(stepReview, "")
	d.key(keyShiftTab)
	d.expect(stepClientNetwork, wizard.QClientRouter)
	d.key(keyEnter)
	d.expect(stepReview, "")
	d.key(keyEnter)
	d.expect(stepOutput, "output")
	d.key(keyShiftTab)
	d.expect(stepReview, "")
}

// d returns the driver's draft.
func (d *driver) d() *draft { return d.m.d }

func TestClientOnlyNeverAsksServerQuestions(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out}, 80, 24)
	asked := map[string]bool{}
	press := func(keys ...func()) {
		for _, k := range keys {
			asked[d.focused()] = true
			k()
		}
	}
	enter := func() { d.key(keyEnter) }
	d.chooseFTPS()
	d.key(keyUp) // client (the default is both, the last choice)
	press(enter)
	d.expect(stepMode, wizard.QMode)
	// The server is someone else's: the mode question speaks of the
	// server's kind of FTPS, not of vsftpd instances.
	if v := d.view(); strings.Contains(v, "vsftpd") || !strings.Contains(v, "does the server speak") {
		t.Errorf("client-only mode question:\n%s", v)
	}
	press(enter)
	d.key(keyDown) // CGNAT (the default is masquerade)
	press(enter)
	d.expect(stepClientNetwork, wizard.QClientServer)
	press(func() { d.replace("ftp.vendor.example") })
	press(func() { d.replace("50000-50099") })
	d.expect(stepReview, "")
	d.char('a')
	d.expect(stepAdvanced, wizard.QActiveMode)
	press(enter, enter, enter, enter) // active mode, software, login, firewalls
	for _, k := range d.keepOptionalDefaults() {
		asked[k] = true
	}
	d.expect(stepReview, "")
	d.key(keyEnter)
	press(enter)
	if !d.quit || d.m.result == nil {
		t.Fatalf("wizard did not finish:\n%s", d.view())
	}
	for k := range asked {
		if strings.HasPrefix(k, "server.") {
			t.Errorf("client-only wizard asked %s", k)
		}
	}
	a := d.m.result.Answers
	if a.Server != nil || a.Client == nil || a.Client.NAT != wizard.ClientNATCGNAT || a.Client.ServerAddress != "ftp.vendor.example" {
		t.Errorf("answers: server %v, client %+v", a.Server, a.Client)
	}
	files := readTree(t, out)
	if _, ok := files["server/vsftpd.conf"]; ok {
		t.Error("client-only run wrote a vsftpd.conf")
	}
	if _, ok := files["client/lftp.rc"]; !ok {
		t.Errorf("no client config written: %v", slices.Sorted(maps.Keys(files)))
	}
}

func TestValidationMessagesFromTheDomain(t *testing.T) {
	tests := []struct {
		name  string
		typed string
		want  []string // in the view, in order
	}{
		{"private address as the public one", "10.20.0.2", []string{"10.20.0.2 is a private address", "Fix:"}},
		{"not an address", "ftp://example", []string{"neither an IPv4 address nor a DNS name"}},
		{"IPv6", "2001:db8::1", []string{"IPv6"}},
		{"empty", "", []string{"server.public_address is missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 100, 30)
			d.chooseFTPS()
			d.key(keyEnter, keyEnter)
			d.expect(stepServerAddress, wizard.QServerPublic)
			d.replace(tt.typed)
			d.expect(stepServerAddress, wizard.QServerPublic) // refused: still there
			var errs []string
			for _, err := range d.m.form.Errors() {
				errs = append(errs, err.Error())
			}
			msg := strings.Join(errs, "\n")
			at := 0
			for _, w := range tt.want {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Fatalf("error %q lacks %q", msg, w)
				}
				at += i
			}
			// The message is on screen (its first words; the rest wraps).
			if head := strings.Join(strings.Fields(msg)[:3], " "); !strings.Contains(d.view(), head) {
				t.Errorf("view lacks %q:\n%s", head, d.view())
			}
			// Fixing it moves on.
			d.replace("198.51.100.10")
			d.expect(stepServerAddress, wizard.QServerHost)
		})
	}
}

func TestNumberAndCrossFieldValidation(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 100, 30)
	d.chooseFTPS()
	d.key(keyEnter, keyEnter)
	d.replace("198.51.100.10")
	d.replace("198.51.100.10") // the host's own address equal to the public one
	d.expect(stepServerAddress, wizard.QServerHost)
	if errs := d.m.form.Errors(); len(errs) == 0 || !strings.Contains(errs[0].Error(), "server.host_address is the same as public_address") {
		t.Fatalf("no cross-field message: %v\n%s", errs, d.view())
	}
	d.replace("10.20.0.2")
	// The router's one answer: the number of values first, then each
	// value under its own field, the message naming which it is.
	for _, tt := range []struct{ in, want string }{
		{"wan0", "1 of 2 values given"},
		{"wan0 lan0 eth2", "3 of 2 values given"},
		{"wan0 wan0", "LAN interface (server.router.lan_interface)"},
		{"wan/0 lan0", "WAN interface (server.router.wan_interface)"},
	} {
		d.replace(tt.in)
		d.expect(stepServerAddress, wizard.QServerRouter)
		if errs := d.m.form.Errors(); len(errs) == 0 || !strings.Contains(errs[0].Error(), tt.want) {
			t.Errorf("%q: message %v, want %q", tt.in, errs, tt.want)
		}
	}
	d.replace("wan0 lan0")
	d.expect(stepAccess, wizard.QAllowedClients)
	// The transfers are an optional setting, checked as a number there.
	d.m.d.Advanced = true
	d.run(d.m.enter(stepAdvanced))
	d.key(keyEnter) // explicit
	d.expect(stepAdvanced, wizard.QTransfers)
	for _, bad := range []string{"many", "0", "20000"} {
		d.replace(bad)
		d.expect(stepAdvanced, wizard.QTransfers)
	}
	d.replace("500")
	d.expect(stepAdvanced, wizard.QPassiveStart)
}

func TestReviewSendsToTheProblem(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 80, 24)
	// A passive range that cannot fit above its start: only the review
	// (Decide on all answers) sees it, and sends the user to the step that
	// asks the start port.
	d.m.d.PassiveStart = "65000"
	d.m.d.Transfers = "500"
	d.chooseFTPS()
	d.key(keyEnter, keyEnter)
	d.replace("198.51.100.10")
	d.replace("10.20.0.2")
	d.replace("wan0 lan0")
	d.key(keyEnter, keyEnter, keyEnter, keyEnter) // who may connect, admin network, certificate, accounts
	d.replace("wan0 lan0 192.168.50.0/24")
	d.expect(stepReview, "")
	if len(d.m.problems) == 0 || !strings.Contains(d.view(), "server.passive_start") {
		t.Fatalf("review shows no problem:\n%s", d.view())
	}
	d.key(keyEnter)
	if d.m.step != stepAdvanced || !strings.Contains(d.m.notice, "server.passive_start") {
		t.Fatalf("on %s with notice %q", d.m.step.title(), d.m.notice)
	}
}

func TestQuitWritesNothing(t *testing.T) {
	for _, k := range []struct {
		name string
		key  func(*driver)
	}{
		{"ctrl+c", func(d *driver) { d.key(keyCtrlC) }},
		// Esc asks once something was answered; y confirms.
		{"esc", func(d *driver) {
			d.key(keyEsc)
			if !d.quit {
				d.char('y')
			}
		}},
	} {
		for _, where := range []string{"first step", "output directory", "confirm"} {
			t.Run(k.name+" at "+where, func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "out")
				if where == "confirm" {
					if err := os.MkdirAll(out, 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(out, "REPORT.md"), []byte("old\n"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out}, 80, 24)
				if where != "first step" {
					answerClassic(t, d)
				}
				if where == "confirm" {
					d.key(keyEnter)
					d.expect(stepConfirm, "")
				}
				k.key(d)
				if !d.quit || !d.m.aborted || d.m.result != nil {
					t.Fatalf("quit %v aborted %v result %v", d.quit, d.m.aborted, d.m.result)
				}
				files := readTree(t, filepath.Dir(out))
				if where == "confirm" {
					if len(files) != 1 || string(files["out/REPORT.md"]) != "old\n" {
						t.Errorf("files after quitting: %v", files)
					}
				} else if len(files) != 0 {
					t.Errorf("files after quitting: %v", files)
				}
			})
		}
	}
}

// Esc asks before it discards answers (any key but y goes on where the
// user was, the answers kept); Ctrl-C quits at once; on the first question
// with nothing answered Esc quits at once too.
func TestEscAsksBeforeDiscarding(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: filepath.Join(t.TempDir(), "out")}, 80, 24)
	d.chooseFTPS()
	d.key(keyEnter) // role: both
	d.key(keyEnter) // port forwarding
	d.expect(stepServerAddress, wizard.QServerPublic)
	d.replace("198.51.100.10")
	d.expect(stepServerAddress, wizard.QServerHost)
	d.key(keyEsc)
	if d.quit {
		t.Fatal("esc quit without asking")
	}
	if v := d.view(); !strings.Contains(v, "Quit and discard your answers?") {
		t.Fatalf("esc did not ask:\n%s", v)
	}
	d.char('n')
	if d.quit {
		t.Fatal("n quit")
	}
	d.expect(stepServerAddress, wizard.QServerHost)
	if d.m.d.Public != "198.51.100.10" || strings.Contains(d.view(), "Quit and discard") {
		t.Fatalf("after n: public %q\n%s", d.m.d.Public, d.view())
	}
	d.key(keyCtrlC)
	if !d.quit || !d.m.aborted {
		t.Fatal("ctrl+c did not quit at once")
	}

	fresh := newDriver(t, Options{Detector: fixtureDetector(), OutDir: filepath.Join(t.TempDir(), "out")}, 80, 24)
	fresh.key(keyEsc)
	if !fresh.quit || !fresh.m.aborted {
		t.Fatal("esc on the untouched first question did not quit")
	}
}

// The step counter does not change its total when the first question is
// answered (the protocol choice's questions count as one step).
func TestStepCounterStable(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: filepath.Join(t.TempDir(), "out")}, 80, 24)
	_, before := d.m.progress()
	i0, _ := d.m.progress()
	d.char('y') // the partner accepts only FTPS: certificates and protocol go
	i1, after := d.m.progress()
	if before != after || i0 != 1 || i1 != 2 || d.m.step != stepRole {
		t.Fatalf("counter %d/%d, then %d/%d on %s after the first answer", i0, before, i1, after, d.m.step.title())
	}
	d.key(keyShiftTab) // back: the same total
	if i, total := d.m.progress(); i != 1 || total != after {
		t.Fatalf("back on the first step at %d/%d, want 1/%d", i, total, after)
	}
}

func TestClientNetworkOffersTheLocalNetwork(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 80, 24)
	d.chooseFTPS()
	d.key(keyUp, keyEnter) // client
	d.key(keyEnter)        // explicit
	d.key(keyEnter)        // masquerade
	d.expect(stepClientNetwork, wizard.QClientServer)
	d.replace("ftp.vendor.example")
	d.replace("50000-50099")
	d.expect(stepClientNetwork, wizard.QClientRouter)
	if !strings.Contains(d.panelText(), "Network: 10.20.0.0/24") {
		t.Errorf("the machine's private network is not offered:\n%s", d.view())
	}
}

// TestReviewListsFileDescriptions: the review lists every file with the
// description its renderer gave (what it is, where it is installed).
func TestReviewListsFileDescriptions(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(scenarios, "classic", "answers.yaml"))
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
	files, err := Files(p)
	if err != nil {
		t.Fatal(err)
	}
	text := ansi.Strip(filesText(files, 80, styles{}))
	flat := strings.Join(strings.Fields(text), " ")
	for _, f := range files {
		if !strings.Contains(text, f.Path) || !strings.Contains(flat, f.Desc.What) {
			t.Errorf("review lacks %s (%s):\n%s", f.Path, f.Desc.What, text)
		}
	}
	if !strings.Contains(flat, "install as /etc/vsftpd.conf") {
		t.Errorf("review lacks the install path:\n%s", text)
	}
}

// The TLS profile question offers only what the vsftpd build can have:
// not modern (TLS 1.3 only) for Debian's 3.0.3, which this machine's
// missing vsftpd falls back to; modern for upstream 3.0.5.
func TestProfileOptionsFollowTheBuild(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: filepath.Join(t.TempDir(), "out")}, 80, 24)
	d.m.d.Protocol = wizard.ProtocolFTPS
	d.m.d.Advanced = true
	offered := func() []string {
		var out []string
		for _, sp := range d.m.b.fields(stepAdvanced) {
			if sp.q.Key == wizard.QTLSProfile {
				for _, c := range sp.q.Choices {
					out = append(out, c.Value)
				}
			}
		}
		return out
	}
	for _, tt := range []struct {
		flavour wizard.Flavour
		want    string
	}{
		{wizard.FlavourAuto, "intermediate"},
		{wizard.FlavourDebian, "intermediate"},
		{wizard.FlavourUpstream, "intermediate modern"},
		{wizard.FlavourRHEL, "intermediate modern"},
	} {
		d.m.d.Flavour = tt.flavour
		if got := strings.Join(offered(), " "); got != tt.want {
			t.Errorf("flavour %s: offered %q, want %q", tt.flavour, got, tt.want)
		}
	}
	// A modern profile chosen for upstream falls back when the build
	// changes to one that cannot have it.
	d.m.d.Flavour, d.m.d.Profile = wizard.FlavourDebian, wizard.ProfileModern
	offered()
	if d.m.d.Profile != wizard.ProfileIntermediate {
		t.Errorf("profile %s kept for %s", d.m.d.Profile, d.m.d.Flavour)
	}
}

// The admin network is offered from the SSH session the wizard runs in
// ($SSH_CLIENT), as that one address; the firewall formats are not taken
// from the tools this machine has (the rules are for the plan's boxes).
func TestMainFlowDefaults(t *testing.T) {
	det := detect.Static{Tools: []detect.Tool{
		{Firewall: "ufw", Command: "ufw", Path: "/usr/sbin/ufw"},
		{Firewall: "aws", Command: "aws", Path: "/usr/bin/aws"},
	}}
	d := newDriver(t, Options{Detector: det, OutDir: filepath.Join(t.TempDir(), "out"), SSHClient: "198.51.100.77 52144 22"}, 80, 24)
	if got := d.m.d.Firewalls; len(got) != 1 || got[0] != wizard.FirewallNftables {
		t.Errorf("firewalls preselected %v, want nftables only", got)
	}
	d.chooseFTPS()
	d.key(keyEnter, keyEnter) // both, classic
	d.replace("198.51.100.10")
	d.replace("10.20.0.2")
	d.replace("wan0 lan0")
	d.expect(stepAccess, wizard.QAllowedClients)
	d.key(keyEnter)
	d.expect(stepAccess, wizard.QAdminNetwork)
	if d.m.d.AdminNetwork != "198.51.100.77/32" || !strings.Contains(d.view(), "198.51.100.77/32") {
		t.Errorf("admin network %q not offered from SSH_CLIENT:\n%s", d.m.d.AdminNetwork, d.view())
	}
	for _, tt := range []struct{ in, want string }{
		{"198.51.100.77 52144 22", "198.51.100.77/32"}, {"", ""}, {"::1 5 22", ""}, {"garbage", ""},
	} {
		if got := sshClientNet(tt.in); got != tt.want {
			t.Errorf("sshClientNet(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// "Something else" asks each side's NAT on its own, pre-selected from the
// classic set-up; another set-up skips both questions.
func TestSetupSomethingElseAsksEachSide(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: filepath.Join(t.TempDir(), "out")}, 80, 24)
	d.chooseFTPS()
	d.key(keyEnter) // both
	d.expect(stepSetup, wizard.QSetup)
	d.key(keyDown, keyDown, keyDown, keyEnter) // something else
	d.expect(stepServerNAT, wizard.QServerNAT)
	if d.d().ServerNAT != wizard.NATPortForward {
		t.Errorf("server NAT %s pre-selected, want port-forward", d.d().ServerNAT)
	}
	d.key(keyDown, keyEnter) // dynamic DNS
	d.replace("ftp.example.net")
	d.replace("10.20.0.2")
	d.key(keyEnter, keyEnter, keyEnter, keyEnter) // who may connect, admin network, certificate, accounts
	d.expect(stepClientNAT, wizard.QClientNAT)
	d.key(keyDown, keyEnter) // CGNAT
	d.expect(stepReview, "")
	a := d.d().answers()
	if a.Server.NAT != wizard.NATDynamicDNS || a.Client.NAT != wizard.ClientNATCGNAT || a.Client.Router != nil {
		t.Errorf("server nat %s client nat %s router %v", a.Server.NAT, a.Client.NAT, a.Client.Router)
	}
	// Back to the set-up: the cloud set-up skips both NAT questions.
	d.run(d.m.enter(stepSetup))
	d.key(keyUp, keyUp, keyEnter) // the cloud
	d.expect(stepServerAddress, wizard.QServerPublic)
	d.key(keyEnter, keyEnter) // the name, the host
	d.expect(stepAccess, wizard.QAllowedClients)
	if d.d().applies(stepServerNAT) || d.d().applies(stepClientNAT) {
		t.Error("the NAT questions apply after the cloud set-up")
	}
	if a := d.d().answers(); a.Server.NAT != wizard.NATOneToOne || a.Client.NAT != wizard.ClientNATMasquerade {
		t.Errorf("cloud set-up: server nat %s client nat %s", a.Server.NAT, a.Client.NAT)
	}
}

// The firewall is asked per box, in the optional settings: the vendor's
// router runs RouterOS here, so it gets a RouterOS script and no nftables
// file, while the customer's Linux router and the vsftpd host keep
// nftables; a RouterOS router needs no interface names.
func TestRouterKindPerBox(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: filepath.Join(t.TempDir(), "out")}, 100, 40)
	answerClassicMain(t, d)
	d.char('a')
	for d.focused() != wizard.QServerRouterKind {
		if d.m.step != stepAdvanced {
			t.Fatalf("no router-kind question in the optional settings:\n%s", d.view())
		}
		d.key(keyEnter)
	}
	if v := strings.Join(strings.Fields(d.view()), " "); !strings.Contains(v, "Which firewall does the server's router run?") {
		t.Errorf("the question does not ask about the server's router:\n%s", d.view())
	}
	d.key(keyDown, keyDown, keyEnter) // linux, openwrt, mikrotik
	d.expect(stepAdvanced, wizard.QClientRouterKind)
	d.key(keyEnter, keyEnter) // Linux; firewalls: nftables
	// The MikroTik's rules only add: its use is not asked, the Linux
	// boxes' are.
	d.expect(stepBoxes, wizard.QServerHostUse)
	d.key(keyEnter)
	d.expect(stepBoxes, wizard.QClientRouterUse)
	d.keepOptionalDefaults()
	d.expect(stepReview, "")
	if len(d.m.problems) > 0 {
		t.Fatalf("problems: %s", d.view())
	}
	paths := map[string]bool{}
	for _, f := range d.m.files {
		paths[f.Path] = true
	}
	for p, want := range map[string]bool{
		"firewall/server-router.rsc": true, "firewall/server-router.nft": false,
		"firewall/client-router.nft": true, "firewall/server-host.nft": true,
	} {
		if paths[p] != want {
			t.Errorf("%s written: %v, want %v", p, paths[p], want)
		}
	}
	// Its interfaces may now be left out.
	d.run(d.m.enterAt(stepServerAddress, 2))
	d.expect(stepServerAddress, wizard.QServerRouter)
	d.replace("")
	d.expect(stepAccess, wizard.QAllowedClients)
	if r := d.d().answers().Server.Router; r.Kind != wizard.RouterMikroTik || r.WANInterface != "" {
		t.Errorf("server router %+v", r)
	}
}

// With --out given (OutDirGiven), enter on the review writes there: the
// directory is not asked a second time.
func TestOutDirGivenIsNotAskedAgain(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: out, OutDirGiven: true}, 80, 24)
	if !d.m.cfg.outGiven {
		t.Fatal("OutDirGiven not taken")
	}
	d.m.cfg.outGiven = false // answerClassic walks to the output question
	answerClassic(t, d)
	d.key(keyShiftTab)
	d.expect(stepReview, "")
	d.m.cfg.outGiven = true
	d.m.refreshPage()
	if v := d.view(); !strings.Contains(strings.Join(strings.Fields(v), " "), "Press enter to write the files to "+out) {
		t.Errorf("review does not say where enter writes:\n%s", v)
	}
	d.key(keyEnter)
	if !d.quit || d.m.result == nil || d.m.result.Dir != out {
		t.Fatalf("enter on the review did not finish with %s: quit %v result %+v", out, d.quit, d.m.result)
	}
	requireSameFiles(t, filepath.Join(scenarios, "classic-wizard", "expected"), readTree(t, out))
}
