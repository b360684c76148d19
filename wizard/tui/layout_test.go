package tui

import (
	"context"
	"errors"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// fits fails unless every line of the view fits the terminal.
func fits(t *testing.T, view string, width, height int, where string) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > height {
		t.Errorf("%s at %dx%d: %d lines:\n%s", where, width, height, len(lines), view)
	}
	for i, l := range lines {
		if w := lipgloss.Width(l); w > width {
			t.Errorf("%s at %dx%d: line %d is %d columns: %q", where, width, height, i+1, w, ansi.Strip(l))
		}
	}
}

func TestLayoutFitsTheTerminal(t *testing.T) {
	sizes := []struct{ w, h int }{{80, 24}, {60, 24}, {100, 40}, {45, 16}}
	for _, sz := range sizes {
		d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, sz.w, sz.h)
		fits(t, d.m.View().Content, sz.w, sz.h, "partner")
		// The question comes first: its buttons are on screen at every
		// size (the comparison panel gives way on tiny terminals).
		if !regexp.MustCompile(`Yes +No`).MatchString(d.view()) {
			t.Errorf("%dx%d: yes/no buttons not on screen:\n%s", sz.w, sz.h, d.view())
		}
		d.key(keyMsg(tea.KeyPgDown, 0), keyMsg(tea.KeyPgDown, 0))
		fits(t, d.m.View().Content, sz.w, sz.h, "partner, comparison scrolled")
		d.key(keyEnter)
		fits(t, d.m.View().Content, sz.w, sz.h, "certificates")
		d.key(keyEnter)
		d.expect(stepProtocol, wizard.QProtocol)
		fits(t, d.m.View().Content, sz.w, sz.h, "protocol")
		if v := d.view(); !strings.Contains(v, "FTPS (FTP over TLS, vsftpd)") || !strings.Contains(v, "> SFTP (SSH file transfer, sshd)") {
			t.Errorf("%dx%d: protocol options not on screen:\n%s", sz.w, sz.h, v)
		}
		for range 20 {
			d.key(keyMsg(tea.KeyPgDown, 0))
		}
		fits(t, d.m.View().Content, sz.w, sz.h, "protocol, comparison at its end")
		d.key(keyUp, keyEnter) // FTPS
		fits(t, d.m.View().Content, sz.w, sz.h, "role")
		d.key(keyEnter)
		fits(t, d.m.View().Content, sz.w, sz.h, "set-up")
		d.key(keyEnter)
		fits(t, d.m.View().Content, sz.w, sz.h, "server addresses")
		d.key(keyEnter, keyEnter, keyEnter) // public, host, router (detected)
		fits(t, d.m.View().Content, sz.w, sz.h, "who may connect")
		d.key(keyEnter, keyEnter)
		fits(t, d.m.View().Content, sz.w, sz.h, "certificate and accounts")
		d.key(keyEnter, keyEnter)
		d.expect(stepClientNetwork, wizard.QClientRouter)
		fits(t, d.m.View().Content, sz.w, sz.h, "client's router")
		d.replace("wan0 lan0 192.168.50.0/24")
		d.expect(stepReview, "")
		fits(t, d.m.View().Content, sz.w, sz.h, "review")
		d.key(keyMsg(tea.KeyPgDown, 0), keyMsg(tea.KeyPgDown, 0))
		fits(t, d.m.View().Content, sz.w, sz.h, "review scrolled")
		if !strings.Contains(d.view(), "— lines ") {
			t.Errorf("%dx%d: review does not say where it is scrolled to:\n%s", sz.w, sz.h, d.view())
		}
	}
}

func TestPanelBesideOrBelowAndResize(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 80, 24)
	// Side by side: the panel's top border shares a line with the form.
	lines := strings.Split(d.view(), "\n")
	beside := false
	for _, l := range lines {
		if strings.Contains(l, "┃") && strings.Contains(l, "╭") {
			beside = true
		}
	}
	if !beside {
		t.Errorf("80 columns: panel not beside the form:\n%s", d.view())
	}
	// Narrow: stacked, the panel under the form.
	d.send(tea.WindowSizeMsg{Width: 60, Height: 30})
	view := d.view()
	form, panel := strings.Index(view, "Does the other side accept"), strings.Index(view, "╭")
	if form < 0 || panel < form {
		t.Errorf("60 columns: panel not under the form:\n%s", view)
	}
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, "┃") && strings.Contains(l, "╭") {
			t.Errorf("60 columns: panel still beside the form:\n%s", view)
			break
		}
	}
	fits(t, d.m.View().Content, 60, 30, "role after resize")
	// And back.
	d.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	fits(t, d.m.View().Content, 120, 30, "role after resize")
	if !strings.Contains(d.view(), "╭") {
		t.Error("panel gone after resize")
	}
}

func TestLightAndDarkBackground(t *testing.T) {
	// The accent colour (titles, panel border) in truecolor SGR form.
	const lightAccent, darkAccent = "38;2;90;86;224", "38;2;139;135;255"
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 80, 24)
	d.send(tea.BackgroundColorMsg{Color: color.White})
	if v := d.m.View().Content; !strings.Contains(v, lightAccent) || strings.Contains(v, darkAccent) {
		t.Errorf("light background: accent not the light variant")
	}
	d.send(tea.BackgroundColorMsg{Color: color.Black})
	if v := d.m.View().Content; !strings.Contains(v, darkAccent) || strings.Contains(v, lightAccent) {
		t.Errorf("dark background: accent not the dark variant")
	}
	// A form built after the message (the next step) gets it too.
	d.key(keyEnter)
	if v := d.m.View().Content; !strings.Contains(v, darkAccent) {
		t.Errorf("next step lost the dark variant")
	}
}

func TestSidePanelFollowsTheCursor(t *testing.T) {
	d := newDriver(t, Options{Detector: fixtureDetector(), OutDir: t.TempDir()}, 100, 30)
	d.chooseFTPS()
	d.key(keyUp, keyUp, keyEnter) // server (the NAT question of role both is the set-up's "something else")
	for _, tt := range []struct {
		key  tea.KeyPressMsg
		want string
	}{
		{keyUp, "A fixed public address maps every port"},    // one-to-one
		{keyUp, "The public address is configured on the"},   // none
		{keyDown, "A fixed public address maps every port"},  // one-to-one
		{keyDown, "A router you manage forwards chosen"},     // port-forward
		{keyDown, "The public address changes (home or"},     // dynamic DNS
		{keyDown, "The public address is configured on the"}, // wraps to none
	} {
		d.key(tt.key)
		if !strings.Contains(d.panelText(), tt.want) {
			t.Errorf("panel lacks %q:\n%s", tt.want, d.view())
		}
	}
	// The concurrency preview changes as the number is typed.
	d.key(keyUp, keyUp) // port-forward
	d.key(keyEnter)
	d.replace("198.51.100.10")
	d.replace("10.20.0.2")
	d.replace("wan0 lan0")
	d.expect(stepAccess, wizard.QAllowedClients)
	d.m.d.Advanced = true
	d.run(d.m.enter(stepAdvanced))
	d.key(keyEnter) // explicit
	d.expect(stepAdvanced, "server.capacity.concurrent_transfers")
	d.send(keyCtrlU)
	d.typeText("500")
	if !strings.Contains(d.panelText(), "50000-52320 (2321 ports)") {
		t.Errorf("no live range for 500 transfers:\n%s", d.view())
	}
	d.send(keyCtrlU)
	d.typeText("16")
	if !strings.Contains(d.panelText(), "50000-50074 (75 ports)") || !strings.Contains(d.view(), "50000-50074") {
		t.Errorf("no live range for 16 transfers:\n%s", d.view())
	}
}

// TestRunInterrupted runs the real Bubble Tea program on a pipe: Ctrl-C
// (byte 0x03 from the terminal) ends it with ErrAborted and writes nothing.
func TestRunInterrupted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), Options{
			In: pr, Out: io.Discard, Detector: fixtureDetector(), OutDir: out,
			ProgramOptions: []tea.ProgramOption{tea.WithWindowSize(80, 24), tea.WithEnvironment([]string{"TERM=xterm-256color"})},
		})
		done <- err
	}()
	// Walk a few questions first, then interrupt.
	for _, s := range []string{"\r", "\r", "\x03"} {
		time.Sleep(30 * time.Millisecond)
		if _, err := pw.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrAborted) {
			t.Errorf("err %v, want ErrAborted", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end after Ctrl-C")
	}
	pw.Close()
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output directory exists after Ctrl-C (%v)", err)
	}
}

// BenchmarkFirstFrame measures the work before the first frame: detection
// (a fixed detector here), the model, the first form, the first window
// size and the first View. The process start-up is measured by the tmux
// test in cmd/ftpswiz.
func BenchmarkFirstFrame(b *testing.B) {
	for b.Loop() {
		m := newModel(newConfig(Options{Detector: fixtureDetector()}))
		m.Init()
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		if v := m.View(); v.Content == "" {
			b.Fatal("empty first frame")
		}
	}
}

// panelText is the side panel's text, unwrapped.
func (d *driver) panelText() string {
	var b strings.Builder
	for _, s := range d.m.panelSections() {
		b.WriteString(s.Title + "\n" + strings.Join(s.Lines, "\n") + "\n")
	}
	return b.String()
}
