package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// script joins answer lines, one per prompt ("" presses Enter).
func script(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func TestAccessibleClientOnly(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	in := script(
		"y",                  // the other side accepts only FTP or FTPS: FTPS, not asked
		"2",                  // role: client
		"",                   // mode: explicit (the default)
		"3",                  // client network: carrier-grade NAT
		"ftp://vendor",       // server address: refused ...
		"ftp.vendor.example", // ... asked again
		"50000-50099",        // passive range
		"y",                  // review: the optional settings
		"",                   // active mode: no
		"3", "0",             // software: add FileZilla, confirm
		"",     // client login: the default
		"0",    // firewalls: nftables (preselected)
		"",     // the client host's firewall: shared (the default)
		"", "", // its nftables table and chain: the defaults
		"", "", // the server's IPv6 address, the client network's IPv6 prefix: none
		"", // output directory: the offered one
	)
	res, text := runAccessibleScript(t, in, out)
	if strings.Contains(text, "\x1b[") {
		t.Errorf("accessible output has escape sequences:\n%q", text)
	}
	for _, want := range []string{
		"Which end of the FTPS connection are you planning?",
		"1. Server: I run vsftpd: You operate the FTPS server",
		"Chosen: Client: I connect to someone's server.",
		"\"ftp://vendor\" is neither an IPv4 address nor a DNS name. Fix:",
		"Port map: who opens which connections",
		"Client host: outbound control, explicit FTPS, TCP 21, from this box to any address.",
		"Why:",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("accessible output lacks %q:\n%s", want, text)
		}
	}
	for _, never := range []string{"How do clients on the internet reach the vsftpd host?", "Transfers at the same time"} {
		if strings.Contains(text, never) {
			t.Errorf("client-only run asked a server question: %q", never)
		}
	}
	a := res.Answers
	if a.Role != wizard.RoleClient || a.Server != nil || a.Client.NAT != wizard.ClientNATCGNAT ||
		a.Client.ServerAddress != "ftp.vendor.example" || a.Client.PassivePorts != "50000-50099" {
		t.Errorf("answers %+v client %+v", a, a.Client)
	}
	if got := a.Client.Software; len(got) != 3 || got[2] != wizard.ClientFileZilla {
		t.Errorf("software %v", got)
	}
	// The wizard writes nothing itself: its caller writes the plan.
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the wizard wrote into %s itself: %v", out, err)
	}
	writeResult(t, res)
	if _, err := os.Stat(filepath.Join(out, "client", "filezilla-sitemanager.xml")); err != nil {
		t.Errorf("files not written: %v", err)
	}
}

func TestAccessibleClassicWithOptionalSettings(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	in := script(
		"y",                // the other side accepts only FTP or FTPS: FTPS, not asked
		"",                 // role: both
		"",                 // set-up: classic (each side behind its own Linux router)
		"10.0.0.1",         // public address: private, refused
		"ftps.example.com", // public address (the name Let's Encrypt certifies)
		"10.20.0.2",
		"wan0",                          // the server's router: one value, refused ...
		"wan0 lan0",                     // ... asked again
		"192.0.2.20/32", "10.20.0.0/24", // who may connect, admin network
		"", "acme", // certificate: Let's Encrypt (the default for a name); accounts
		"wan0 lan0 192.168.50.0/24", // the client's router
		"y",                         // review: optional settings
		"", "16", "",                // mode, transfers, passive start
		"ops@example.com", // the Let's Encrypt e-mail
		"", "", "", "",    // flavour, profile, session reuse, active mode
		"3", "0", // software: + FileZilla
		"",     // client user
		"", "", // the firewall of the server's and the client's router: Linux
		"2", "0", // firewalls: + iptables
		"", "", "", // each box's firewall: the defaults
		"", "", "", "", // the routers' nftables tables and chains: the defaults
		"", "", // IPv6: none
		"", // container: no
		"", // output directory
	)
	res, text := runAccessibleScript(t, in, out)
	for _, want := range []string{"10.0.0.1 is a private address", "1 of 2 values given"} {
		if !strings.Contains(text, want) {
			t.Errorf("no validation message %q:\n%s", want, text)
		}
	}
	data, err := os.ReadFile(filepath.Join(scenarios, "classic", "answers.yaml"))
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
	got, _ := wizard.EncodeAnswers(res.Answers)
	exp, _ := wizard.EncodeAnswers(wantPlan.Answers)
	if !bytes.Equal(got, exp) {
		t.Errorf("accessible answers differ from the classic scenario:\n%s\nwant\n%s", got, exp)
	}
}

func TestAccessibleEndOfInputWritesNothing(t *testing.T) {
	for _, n := range []int{0, 1, 5, 12} {
		lines := strings.Split(strings.TrimSuffix(script("y", "", "", "", "198.51.100.10", "10.20.0.2", "wan0", "lan0", "", "16", "", "wan0", "lan0", "192.168.50.0/24", "0", "0", "", ""), "\n"), "\n")
		in := strings.Join(lines[:n], "\n")
		if n > 0 {
			in += "\n"
		}
		out := filepath.Join(t.TempDir(), "out")
		_, err := Run(context.Background(), Options{
			Accessible: true, In: strings.NewReader(in), Out: io.Discard,
			Detector: fixtureDetector(), OutDir: out,
		})
		if !errors.Is(err, ErrAborted) {
			t.Errorf("after %d lines: err %v, want ErrAborted", n, err)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("after %d lines: output directory exists (%v)", n, err)
		}
	}
	// The input ends right after an answer a numbered choice refuses:
	// huh's accessible select would index its options with it; the wizard
	// ends as for any other end of input.
	for _, in := range []string{script("y", "abc"), script("y", "", "7"), script("n", "n", "", "", "", "x")} {
		_, err := Run(context.Background(), Options{
			Accessible: true, In: strings.NewReader(in), Out: io.Discard,
			Detector: fixtureDetector(), OutDir: t.TempDir(),
		})
		if !errors.Is(err, ErrAborted) {
			t.Errorf("input %q: err %v, want ErrAborted", in, err)
		}
	}
}

func TestAccessibleCancelWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe() // a terminal nobody types into
	defer pw.Close()
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, Options{Accessible: true, In: pr, Out: io.Discard, Detector: fixtureDetector(), OutDir: t.TempDir()})
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel() // Ctrl-C: the CLI's signal context
	select {
	case err := <-done:
		if !errors.Is(err, ErrAborted) {
			t.Errorf("err %v, want ErrAborted", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the context was cancelled")
	}
}

func TestAccessibleConfirmsOverwrite(t *testing.T) {
	dir := t.TempDir()
	out, other := filepath.Join(dir, "out"), filepath.Join(dir, "other")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "REPORT.md"), []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	answers := []string{"y", "2", "", "3", "ftp.vendor.example", "50000-50099", "0", "0", ""}
	for _, tt := range []struct {
		name string
		then []string
		dir  string
	}{
		{"no, then another directory", []string{"", "n", other}, other},
		{"yes", []string{"", "y"}, out},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ui bytes.Buffer
			res, err := Run(context.Background(), Options{
				Accessible: true, In: strings.NewReader(script(append(answers, tt.then...)...)), Out: &ui,
				Detector: fixtureDetector(), OutDir: out,
			})
			if err != nil {
				t.Fatalf("Run: %v\n%s", err, ui.String())
			}
			if !strings.Contains(ui.String(), "-old") || !strings.Contains(ui.String(), "differ from the plan. Replace them?") {
				t.Errorf("no diff or question before replacing:\n%s", ui.String())
			}
			if res.Dir != tt.dir {
				t.Errorf("written to %s, want %s", res.Dir, tt.dir)
			}
			if res.Force != (tt.dir == out) {
				t.Errorf("Force %v after %v", res.Force, tt.then)
			}
			writeResult(t, res)
			backups, _ := filepath.Glob(filepath.Join(out, "REPORT.md.bak-*"))
			if b, _ := os.ReadFile(filepath.Join(out, "REPORT.md")); tt.dir == other && (string(b) != "old\n" || len(backups) != 0) {
				t.Errorf("REPORT.md replaced after n: %q, backups %v", b, backups)
			} else if tt.dir == out && (string(b) == "old\n" || len(backups) != 1) {
				t.Errorf("REPORT.md not replaced after y, backups %v", backups)
			}
		})
	}
}

// runAccessibleScript runs the wizard in accessible mode on the scripted input
// in, offering the output directory out, and returns the result and the
// text it wrote; an error from Run fails the test.
func runAccessibleScript(t *testing.T, in, out string) (*Result, string) {
	t.Helper()
	var ui bytes.Buffer
	res, err := Run(context.Background(), Options{
		Accessible: true, In: strings.NewReader(in), Out: &ui,
		Detector: fixtureDetector(), OutDir: out,
	})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, ui.String())
	}
	return res, ui.String()
}
