package main

import (
	"cmp"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/golden"
	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// tmuxSession is the real ftpswiz binary running in a terminal of its own:
// a private tmux server (its own socket) with one 80x24 window. Keys go in
// with send-keys, the screen comes back with capture-pane, the way a person
// uses it.
type tmuxSession struct {
	t      *testing.T
	socket string
	// proto words the questions waitForQuestion looks for (FTPS when
	// empty).
	proto wizard.Protocol
	// started is when the session (and so the binary) was started.
	started time.Time
}

// startTmux runs `sh -c script` in a new detached 80x24 tmux session. The
// script should end with `exec sleep` so the pane keeps the final screen.
func startTmux(t *testing.T, dir, script string) *tmuxSession {
	t.Helper()
	lab.Require(t, "tmux")
	s := &tmuxSession{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock")}
	s.started = time.Now()
	s.tmux("-f", "/dev/null", "new-session", "-d", "-s", "wiz", "-x", "80", "-y", "24", "-c", dir,
		"-e", "TERM=xterm-256color", "-e", "CI=", "sh", "-c", script)
	t.Cleanup(func() {
		// Our private server only (its own socket), with everything in it.
		_ = exec.Command("tmux", "-S", s.socket, "kill-server").Run()
	})
	return s
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tmux", append([]string{"-S", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// screen returns the visible pane.
func (s *tmuxSession) screen() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-t", "wiz")
}

// waitUntil polls the screen until ok accepts it.
func (s *tmuxSession) waitUntil(what string, ok func(screen string) bool) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		if ok(scr) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("never saw %s; the screen shows:\n%s", what, scr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitFor polls the screen until it contains text and returns the time it
// took since the session started.
func (s *tmuxSession) waitFor(text string) time.Duration {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		if strings.Contains(scr, text) {
			return time.Since(s.started)
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q; it shows:\n%s", text, scr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// keys sends tmux key names (Enter, BTab, C-u, Down, Escape, C-c).
func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", "wiz"}, keys...)...)
}

// typeLine replaces the focused input's text and presses Enter once the
// text is on screen (keys typed ahead of the screen would race the UI).
func (s *tmuxSession) typeLine(text string) {
	s.t.Helper()
	s.keys("C-u")
	s.tmux("send-keys", "-t", "wiz", "-l", text)
	s.waitFor("> " + text)
	s.keys("Enter")
}

// focusedText is the focused question as the form column shows it: the
// lines behind huh's thick left border, without the side panel, joined.
func focusedText(screen string) string {
	var parts []string
	for _, l := range strings.Split(screen, "\n") {
		i := strings.Index(l, "┃ ")
		if i < 0 {
			continue
		}
		l = l[i+len("┃ "):]
		if j := strings.IndexAny(l, "│╭╰"); j >= 0 {
			l = l[:j]
		}
		parts = append(parts, strings.TrimSpace(l))
	}
	return strings.Join(parts, " ")
}

func noSpaces(s string) string { return strings.Join(strings.Fields(s), "") }

// waitForQuestion waits until the focused question is the one with the
// given answers-file key (its whole title for the session's protocol,
// however it wraps).
func (s *tmuxSession) waitForQuestion(key string) {
	s.t.Helper()
	q, ok := wizard.QuestionFor(cmp.Or(s.proto, wizard.ProtocolFTPS), key)
	if !ok {
		s.t.Fatalf("no question %s", key)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		// Compared without spaces: a title wraps at spaces and at hyphens
		// ("comma-" / "separated").
		if strings.HasPrefix(noSpaces(focusedText(scr)), noSpaces(q.Title)) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("question %q never came; the screen shows:\n%s", q.Title, scr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// step waits for the question with the given key, then answers it.
func (s *tmuxSession) step(key string, answer func()) {
	s.t.Helper()
	s.waitForQuestion(key)
	answer()
}

// questionTitle is the start of a question's title, for prompts that do not
// wrap (accessible mode) and the first screen.
func questionTitle(t *testing.T, key string) string {
	t.Helper()
	q, ok := wizard.QuestionByKey(key)
	if !ok {
		t.Fatalf("no question %s", key)
	}
	w := strings.Fields(q.Title)
	return strings.Join(w[:min(len(w), 4)], " ")
}

// TestWizardInTmux drives the real binary in a terminal (tmux), the way a
// person uses it: the classic scenario to the end, Ctrl-C and Esc half-way,
// and the accessible mode.
func TestWizardInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	lab.Require(t, "tmux")
	bin := buildFTPSwiz(t, t.TempDir())
	t.Run("classic", func(t *testing.T) { tmuxClassic(t, bin) })
	t.Run("sftp", func(t *testing.T) { tmuxSFTP(t, bin) })
	t.Run("interrupted", func(t *testing.T) { tmuxInterrupted(t, bin) })
	t.Run("accessible", func(t *testing.T) { tmuxAccessible(t, bin) })
}

// maxClassicAnswers is issue 14's budget for the classic case in the
// wizard: every answer the user gives (questions and review; --out names
// the output directory). Who may connect, the admin network, the
// certificate and the accounts are among them.
const maxClassicAnswers = 12

// tmuxClassic completes the classic case in the main flow: the files land
// on disk and equal testdata/scenarios/classic-wizard's, the summary is on
// the screen, the saved answers reproduce them. It also logs the time to
// the first frame.
func tmuxClassic(t *testing.T, bin string) {
	work := t.TempDir()
	s := startTmux(t, work, bin+` --out out --save-answers saved.yaml; echo "ftpswiz-exit=$?"; exec sleep 600`)
	first := s.waitFor(questionTitle(t, wizard.QPartnerFTPS))
	t.Logf("time to first frame (tmux session start to the first question on screen): %v", first)

	// The panel sits beside the form at 80 columns, with the comparison,
	// and under it when the window narrows.
	if scr := s.screen(); !strings.Contains(scr, "╭") || !strings.Contains(scr, "FTPS and SFTP side by side") {
		t.Fatalf("first screen:\n%s", scr)
	}
	s.tmux("resize-window", "-t", "wiz", "-x", "60", "-y", "24")
	s.waitUntil("the panel under the form at 60 columns", func(scr string) bool {
		for _, l := range strings.Split(scr, "\n") {
			if strings.Contains(l, "┃") && strings.Contains(l, "│") {
				return false
			}
		}
		return strings.Contains(scr, "╭") && strings.Contains(scr, "Does the other side accept")
	})
	s.tmux("resize-window", "-t", "wiz", "-x", "80", "-y", "24")

	// Every answer the user gives is counted: each question, the review
	// and the output directory.
	answers := 0
	answer := func(key string, f func()) {
		t.Helper()
		answers++
		s.step(key, f)
	}
	// The partner accepts only FTPS: y, and FTPS follows without asking.
	answer(wizard.QPartnerFTPS, func() { s.keys("y") })
	answer(wizard.QRole, func() { s.keys("Enter") }) // both
	answer(wizard.QSetup, func() {
		s.waitFor("> Each side behind its own Linux router") // pre-selected
		s.keys("Enter")
	})
	answer(wizard.QServerPublic, func() { s.typeLine("ftps.example.com") })
	answer(wizard.QServerHost, func() { s.typeLine("10.20.0.2") })
	// Back and forth: shift+tab twice returns to the public address, kept
	// (not counted: the answers do not change).
	s.waitForQuestion(wizard.QServerRouter)
	s.keys("BTab")
	s.waitForQuestion(wizard.QServerHost)
	s.waitFor("> 10.20.0.2")
	s.keys("BTab")
	s.waitForQuestion(wizard.QServerPublic)
	s.waitFor("> ftps.example.com")
	s.keys("Enter")
	s.step(wizard.QServerHost, func() { s.keys("Enter") })
	// One answer for the router's two interfaces; a single one is refused
	// with a message that says what is missing (not counted: same field).
	s.step(wizard.QServerRouter, func() { s.typeLine("wan0") })
	s.waitFor("1 of 2 values given")
	answer(wizard.QServerRouter, func() { s.typeLine("wan0 lan0") })
	// Who may connect (the customer's public address), the admin network,
	// the certificate and the accounts are in the main flow.
	answer(wizard.QAllowedClients, func() { s.typeLine("192.0.2.20/32") })
	answer(wizard.QAdminNetwork, func() { s.typeLine("10.20.0.0/24") })
	answer(wizard.QTLSSource, func() {
		s.waitFor("> Let's Encrypt") // the default for a DNS name
		s.keys("Enter")
	})
	answer(wizard.QUsers, func() { s.typeLine("acme") })
	answer(wizard.QClientRouter, func() { s.typeLine("wan0 lan0 192.168.50.0/24") })
	s.waitFor("Port map: who opens which connections")
	answers++
	// The optional settings keep their safe defaults: nftables whatever
	// this machine has, lftp and curl, 20 transfers.
	if scr := s.screen(); !strings.Contains(noSpaces(scr), noSpaces("firewall formats (nftables)")) {
		t.Errorf("review does not name the firewall formats nftables:\n%s", scr)
	}
	s.waitFor("Press enter to write the files to out")
	s.keys("Enter") // --out named the directory: not asked again
	s.waitFor("ftpswiz-exit=0")
	t.Logf("the classic case took %d answers", answers)
	if answers > maxClassicAnswers {
		t.Errorf("the classic case took %d answers, the budget is %d", answers, maxClassicAnswers)
	}
	// The files are the golden scenario's, every one of them.
	got, want := readTree(t, filepath.Join(work, "out")), readTree(t, filepath.Join(scenariosDir, "classic-wizard", "expected"))
	for p, w := range want {
		if g, ok := got[p]; !ok {
			t.Errorf("%s not written", p)
		} else if string(g) != string(w) {
			t.Errorf("%s differs from the classic-wizard golden file:\n%s", p, golden.Diff(p, string(w), string(g)))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("unexpected file %s", p)
		}
	}

	scr := s.screen()
	for _, want := range []string{"ftpswiz wrote the plan to out", "out/server/vsftpd.conf", "Answers saved to saved.yaml"} {
		if !strings.Contains(scr, want) {
			t.Errorf("summary lacks %q:\n%s", want, scr)
		}
	}
	for _, f := range []string{"REPORT.md", "HANDOUT.md", "answers.yaml", "server/vsftpd.conf",
		"firewall/server-host.nft", "firewall/server-router.nft", "firewall/client-router.nft", "client/lftp.rc", "client/curl.sh"} {
		if !fileExists(filepath.Join(work, "out", f)) {
			t.Errorf("%s not written", f)
		}
	}
	conf := readFile(t, filepath.Join(work, "out", "server", "vsftpd.conf"))
	for _, want := range []string{"pasv_address=ftps.example.com", "pasv_min_port=50000", "pasv_max_port=50092"} {
		if !strings.Contains(conf, want) {
			t.Errorf("vsftpd.conf lacks %s", want)
		}
	}
	if saved, written := readFile(t, filepath.Join(work, "saved.yaml")), readFile(t, filepath.Join(work, "out", "answers.yaml")); saved != written {
		t.Errorf("--save-answers differs from out/answers.yaml:\n%s\n---\n%s", saved, written)
	}
	// The saved answers repeat the run non-interactively, to the same files.
	r := runBinary(t, bin, work, "", "generate", "--answers", "saved.yaml", "--out", "again")
	if r.code != codeOK {
		t.Fatalf("generate from saved answers: exit %d\n%s", r.code, r.stderr)
	}
	got, again := readTree(t, filepath.Join(work, "out")), readTree(t, filepath.Join(work, "again"))
	for p, c := range got {
		if string(again[p]) != string(c) {
			t.Errorf("%s differs when generated from the saved answers", p)
		}
	}
}

// tmuxSFTP plans testdata/scenarios/sftp-classic in a terminal: nothing
// requires FTPS, so SFTP is recommended and pre-selected, enter accepts it,
// the SFTP questions follow and no FTPS one; the files written are the
// scenario's golden outputs.
func tmuxSFTP(t *testing.T, bin string) {
	work := t.TempDir()
	s := startTmux(t, work, bin+` --out out; echo "ftpswiz-exit=$?"; exec sleep 600`)
	s.step(wizard.QPartnerFTPS, func() { s.keys("Enter") })        // no
	s.step(wizard.QClientCertificates, func() { s.keys("Enter") }) // no
	s.step(wizard.QProtocol, func() {
		s.waitFor("Recommended: SFTP")
		s.waitFor("> SFTP (SSH file transfer")
		s.keys("Enter")
	})
	s.proto = wizard.ProtocolSFTP
	s.step(wizard.QRole, func() { s.keys("Enter") })  // both
	s.step(wizard.QSetup, func() { s.keys("Enter") }) // classic
	s.step(wizard.QServerPublic, func() { s.typeLine("198.51.100.10") })
	s.step(wizard.QServerHost, func() { s.typeLine("10.20.0.2") })
	s.step(wizard.QServerRouter, func() { s.typeLine("wan0 lan0") })
	s.step(wizard.QSFTPPort, func() { s.typeLine("22") })
	s.step(wizard.QSFTPUsers, func() { s.typeLine("acme") })
	s.step(wizard.QSFTPPasswordAuth, func() { s.keys("Enter") }) // keys only
	s.step(wizard.QClientRouter, func() { s.typeLine("wan0 lan0 192.168.50.0/24") })
	// Every SFTP client: the options are not checked against the screen,
	// their number is: OpenSSH is preselected, the four others added.
	s.step(wizard.QClientSoftware, func() { s.keys("Down", "x", "Down", "x", "Down", "x", "Down", "x", "Enter") })
	// nftables and iptables exactly, whatever this machine preselected.
	s.step(wizard.QFirewalls, func() {
		scr := s.screen()
		var keys []string
		for i, label := range []string{"nftables", "iptables", "ufw", "firewalld", "AWS security group"} {
			if want, have := i < 2, strings.Contains(scr, "✓ "+label); want != have {
				keys = append(keys, "x")
			}
			keys = append(keys, "Down")
		}
		s.keys(append(keys, "Enter")...)
	})
	s.waitFor("Port map: who opens which connections")
	if scr := s.screen(); strings.Contains(scr, "passive") || !strings.Contains(scr, "sftp") {
		t.Errorf("review of an SFTP plan:\n%s", scr)
	}
	s.keys("a")
	s.step(wizard.QAdminNetwork, func() { s.typeLine("10.20.0.0/24") })
	s.step(wizard.QAllowedClients, func() { s.typeLine("192.0.2.20/32") })
	s.step(wizard.QClientUser, func() { s.keys("Enter") }) // the first account
	// Each box's firewall and the routers' nftables names: the defaults.
	for _, k := range []string{wizard.QServerHostUse, wizard.QServerRouterUse, wizard.QClientRouterUse,
		wizard.QServerRouterNftTable, wizard.QServerRouterNftChain, wizard.QClientRouterNftTable, wizard.QClientRouterNftChain} {
		s.step(k, func() { s.keys("Enter") })
	}
	// IPv6, asked for SFTP too (in its SFTP wording): none, as in
	// sftp-classic.
	for _, k := range []string{wizard.QServerIPv6, wizard.QClientIPv6Prefix} {
		s.step(k, func() { s.keys("Enter") })
	}
	s.waitFor("Port map: who opens which connections")
	s.keys("Enter") // --out named the directory
	s.waitFor("ftpswiz-exit=0")

	got, want := readTree(t, filepath.Join(work, "out")), readTree(t, filepath.Join(scenariosDir, "sftp-classic", "expected"))
	for p, w := range want {
		if g, ok := got[p]; !ok {
			t.Errorf("%s not written", p)
		} else if string(g) != string(w) {
			t.Errorf("%s differs from the sftp-classic golden file:\n%s", p, golden.Diff(p, string(w), string(g)))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("unexpected file %s", p)
		}
	}
}

// tmuxInterrupted: Ctrl-C, and Esc once confirmed, in the middle exit 130
// and write nothing.
func tmuxInterrupted(t *testing.T, bin string) {
	for _, key := range []string{"C-c", "Escape"} {
		t.Run(key, func(t *testing.T) {
			work := t.TempDir()
			s := startTmux(t, work, bin+` --out out --save-answers saved.yaml; echo "ftpswiz-exit=$?"; exec sleep 600`)
			s.step(wizard.QPartnerFTPS, func() { s.keys("y") })
			s.step(wizard.QRole, func() { s.keys("Enter") })
			s.step(wizard.QSetup, func() { s.keys("Enter") })
			s.step(wizard.QServerPublic, func() { s.keys(key) })
			if key == "Escape" {
				// Esc asks before it discards the answers; Ctrl-C does not.
				s.waitFor("Quit and discard your answers?")
				s.keys("y")
			}
			s.waitFor("ftpswiz-exit=130")
			if scr := s.screen(); !strings.Contains(scr, "nothing was written") {
				t.Errorf("no message after %s:\n%s", key, scr)
			}
			entries, err := os.ReadDir(work)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 0 {
				t.Errorf("files after %s: %v", key, entries)
			}
		})
	}
}

// tmuxAccessible runs --accessible in a real terminal: plain numbered
// prompts, typed answers.
func tmuxAccessible(t *testing.T, bin string) {
	work := t.TempDir()
	s := startTmux(t, work, bin+` --accessible --out out; echo "ftpswiz-exit=$?"; exec sleep 600`)
	answer := func(prompt, line string) {
		t.Helper()
		s.waitFor(prompt)
		s.tmux("send-keys", "-t", "wiz", "-l", line)
		s.keys("Enter")
		// Wait until the answer is on screen, so the next wait does not
		// match the previous prompt.
		s.waitFor(prompt + " " + line)
	}
	s.waitFor(questionTitle(t, wizard.QPartnerFTPS))
	s.waitFor("[y/N]")
	s.keys("y", "Enter")                           // the other side accepts only FTP or FTPS: FTPS, not asked
	answer("Enter a number between 1 and 3:", "2") // role: client
	// Role client: the mode question worded for someone else's server.
	modeQ, _ := wizard.QuestionForRole(wizard.ProtocolFTPS, wizard.RoleClient, wizard.QMode)
	s.waitFor(modeQ.Title)
	s.keys("Enter") // explicit
	s.waitFor("How does the client network reach the internet?")
	s.keys("3", "Enter") // CGNAT
	answer(questionTitle(t, wizard.QClientServer), "ftp.vendor.example")
	s.waitFor("The server's passive port range")
	s.tmux("send-keys", "-t", "wiz", "-l", "50000-50099")
	s.keys("Enter")
	// Client software and firewall formats keep their defaults (lftp and
	// curl, nftables): optional settings.
	s.waitFor("Change the optional settings")
	s.keys("Enter") // no; --out named the directory
	s.waitFor("ftpswiz-exit=0")
	for _, f := range []string{"REPORT.md", "client/lftp.rc", "firewall/client-host.nft"} {
		if !fileExists(filepath.Join(work, "out", f)) {
			t.Errorf("%s not written:\n%s", f, s.screen())
		}
	}
}

// BenchmarkWizardFirstFrame measures, in tmux, the time from starting the
// binary to the first question on screen. The baseline is the same
// measurement for a shell printing the text at once: tmux's own start-up
// and polling, to subtract.
func BenchmarkWizardFirstFrame(b *testing.B) {
	if _, err := exec.LookPath("tmux"); err != nil {
		b.Skip("tmux not installed")
	}
	bin := buildFTPSwiz(b, b.TempDir())
	for _, c := range []struct{ name, cmd string }{
		{"ftpswiz", bin},
		{"baseline-echo", `echo 'Does the other side accept'; exec sleep 60`},
	} {
		b.Run(c.name, func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				total += firstFrame(b, c.cmd)
			}
			b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms/frame")
		})
	}
}

// firstFrame starts cmd in a fresh tmux server and returns how long the
// first question took to appear.
func firstFrame(b *testing.B, cmd string) time.Duration {
	b.Helper()
	sock := filepath.Join(b.TempDir(), "tmux.sock")
	start := time.Now()
	out, err := exec.Command("tmux", "-S", sock, "-f", "/dev/null", "new-session", "-d", "-s", "wiz", "-x", "80", "-y", "24",
		"-e", "TERM=xterm-256color", "sh", "-c", cmd).CombinedOutput()
	if err != nil {
		b.Fatalf("tmux: %v\n%s", err, out)
	}
	defer exec.Command("tmux", "-S", sock, "kill-server").Run()
	deadline := start.Add(15 * time.Second)
	for time.Now().Before(deadline) {
		scr, _ := exec.Command("tmux", "-S", sock, "capture-pane", "-p", "-t", "wiz").Output()
		if strings.Contains(string(scr), "Does the other side accept") {
			return time.Since(start)
		}
		time.Sleep(2 * time.Millisecond)
	}
	b.Fatalf("no first frame within 15s")
	return 0
}
