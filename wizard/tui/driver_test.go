package tui

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ftpswiz/ftpswiz/internal/detect"
	"github.com/ftpswiz/ftpswiz/internal/outdir"
)

// driver runs the wizard's model synchronously, the way Bubble Tea would:
// it sends a message, runs the commands the model returns (batches and
// sequences in order, depth first) and feeds their messages back. Cursor
// blinking, the only command that waits, is skipped.
type driver struct {
	t    testing.TB
	m    *Model
	quit bool
	// written is what writing the result did (writeResult, on quit).
	written []outdir.Change
}

// fixtureDetector is a machine with a public and a private interface and
// nftables installed, and no vsftpd.
func fixtureDetector() detect.Detector {
	return detect.Static{
		Tools: []detect.Tool{{Firewall: "nftables", Command: "nft", Path: "/usr/sbin/nft"}},
		Ifaces: []detect.Interface{
			detect.Iface("lo", true, "127.0.0.1/8"),
			detect.Iface("eth0", true, "203.0.113.10/24"),
			detect.Iface("eth1", true, "10.20.0.1/24"),
		},
	}
}

func newDriver(t testing.TB, o Options, width, height int) *driver {
	t.Helper()
	d := &driver{t: t, m: newModel(newConfig(o))}
	d.run(d.m.Init())
	d.send(tea.WindowSizeMsg{Width: width, Height: height})
	return d
}

func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	if d.quit {
		d.t.Fatalf("message %T after the program quit", msg)
	}
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

var sequenceType = reflect.TypeFor[[]tea.Cmd]()

func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	if cmd == nil || d.quit {
		return
	}
	name := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
	if strings.Contains(name, "cursor.(*Model).Blink.func") {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(5 * time.Second):
		d.t.Fatalf("command %s blocks", name)
	}
	switch msg := msg.(type) {
	case nil:
	case tea.QuitMsg:
		d.quit = true
		if d.m.result != nil {
			d.written = writeResult(d.t, d.m.result)
		}
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	default:
		if v := reflect.ValueOf(msg); v.Type().ConvertibleTo(sequenceType) {
			for _, c := range v.Convert(sequenceType).Interface().([]tea.Cmd) {
				d.run(c)
			}
			return
		}
		_, next := d.m.Update(msg)
		d.run(next)
	}
}

func keyMsg(code rune, mod tea.KeyMod) tea.KeyPressMsg {
	return tea.KeyPressMsg(tea.Key{Code: code, Mod: mod})
}

var (
	keyEnter    = keyMsg(tea.KeyEnter, 0)
	keyDown     = keyMsg(tea.KeyDown, 0)
	keyUp       = keyMsg(tea.KeyUp, 0)
	keyShiftTab = keyMsg(tea.KeyTab, tea.ModShift)
	keyEsc      = keyMsg(tea.KeyEscape, 0)
	keyCtrlC    = keyMsg('c', tea.ModCtrl)
	keyCtrlU    = keyMsg('u', tea.ModCtrl)
)

// key sends a named key.
func (d *driver) key(msgs ...tea.KeyPressMsg) {
	d.t.Helper()
	for _, k := range msgs {
		d.send(k)
	}
}

// typeText types text into the focused field.
func (d *driver) typeText(s string) {
	d.t.Helper()
	for _, r := range s {
		d.send(tea.KeyPressMsg(tea.Key{Code: r, Text: string(r)}))
	}
}

// replace clears the focused input and types s, then presses enter.
func (d *driver) replace(s string) {
	d.t.Helper()
	d.send(keyCtrlU)
	d.typeText(s)
	d.send(keyEnter)
}

// char sends a printable key ("a", "y").
func (d *driver) char(r rune) {
	d.t.Helper()
	d.send(tea.KeyPressMsg(tea.Key{Code: r, Text: string(r)}))
}

// view returns the screen without colours.
func (d *driver) view() string {
	return ansi.Strip(d.m.View().Content)
}

// focused returns the question key of the focused field ("" outside forms).
func (d *driver) focused() string {
	if d.m.form == nil {
		return ""
	}
	return d.m.form.GetFocusedField().GetKey()
}

// expect fails unless the wizard is on step s with question key focused.
func (d *driver) expect(s step, key string) {
	d.t.Helper()
	if d.m.step != s || d.focused() != key {
		d.t.Fatalf("on step %q focused %q, want step %q focused %q\n%s", d.m.step.title(), d.focused(), s.title(), key, d.view())
	}
}

// keepOptionalDefaults presses enter on every question of the steps after
// the optional settings (each box's firewall, IPv6, the container),
// keeping their defaults, and returns the questions' keys in order. It
// stops at the first step that is not one of them.
func (d *driver) keepOptionalDefaults() []string {
	d.t.Helper()
	var asked []string
	for i := 0; d.m.step > stepAdvanced && d.m.step < stepReview; i++ {
		if i > 40 {
			d.t.Fatalf("stuck on step %q:\n%s", d.m.step.title(), d.view())
		}
		asked = append(asked, d.focused())
		d.key(keyEnter)
	}
	return asked
}

// writeResult writes a finished wizard's files as the CLI does: the wizard
// returns the plan and the directory, and the caller renders and writes.
func writeResult(t testing.TB, res *Result) []outdir.Change {
	t.Helper()
	files, err := Files(res.Plan)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := outdir.Write(res.Dir, files, outdir.Options{Force: res.Force})
	if err != nil {
		t.Fatalf("write %s: %v", res.Dir, err)
	}
	return changes
}

// finishFromReview expects the review with no problems, accepts it and the
// offered output directory, and fails the test unless the wizard finished
// with a result.
func (d *driver) finishFromReview() {
	d.t.Helper()
	d.expect(stepReview, "")
	if len(d.m.problems) > 0 {
		d.t.Fatalf("problems:\n%s", d.view())
	}
	d.key(keyEnter, keyEnter)
	if !d.quit || d.m.result == nil {
		d.t.Fatalf("wizard did not finish:\n%s", d.view())
	}
}
