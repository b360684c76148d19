package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/detect"
	"github.com/ftpswiz/ftpswiz/internal/golden"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// -update (or UPDATE_GOLDEN=1) rewrites testdata/scenarios/*/expected.
func init() { golden.DefineUpdateFlag() }

// scenariosDir holds the golden scenarios.
const scenariosDir = "../../testdata/scenarios"

// fakeMachine is the machine every in-process test runs on: upstream
// vsftpd 3.0.5 installed, nft and iptables present, a public and a private
// interface. Nothing is read from the real machine.
func fakeMachine() detect.Static {
	return detect.Static{
		VsftpdInfo: detect.Vsftpd{
			Installed:  true,
			Path:       "/usr/sbin/vsftpd",
			SSLOptions: []string{"ssl_enable", "ssl_tlsv1", "ssl_tlsv11", "ssl_tlsv12", "ssl_tlsv13"},
			Flavour:    wizard.FlavourUpstream,
			Known:      true,
		},
		Tools: []detect.Tool{
			{Firewall: wizard.FirewallNftables, Command: "nft", Path: "/usr/sbin/nft"},
			{Firewall: wizard.FirewallIptables, Command: "iptables-restore", Path: "/usr/sbin/iptables-restore"},
		},
		Ifaces: []detect.Interface{
			detect.Iface("lo", true, "127.0.0.1/8"),
			detect.Iface("wan0", true, "198.51.100.30/24"),
			detect.Iface("lan0", true, "10.20.0.1/24"),
		},
	}
}

// fixedNow is the clock of in-process tests (backup names).
func fixedNow() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.Local) }

// result is what one in-process run of ftpswiz produced.
type result struct {
	code   int
	stdout string
	stderr string
}

// runFTPSwiz runs the command line in-process with stdin, on the fake
// machine, and returns the exit status and both streams.
func runFTPSwiz(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	return runFTPSwizCtx(t, context.Background(), stdin, args...)
}

func runFTPSwizCtx(t testing.TB, ctx context.Context, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	opts := &rootOptions{
		In:         strings.NewReader(stdin),
		Out:        &out,
		ErrOut:     &errOut,
		Detector:   fakeMachine(),
		Now:        fixedNow,
		Getenv:     func(string) string { return "" },
		IsTerminal: func() bool { return false },
		Version:    "v1.2.3-test",
	}
	code := run(ctx, args, opts)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// scenario returns the path of a golden scenario's answers file.
func scenario(name string) string {
	return filepath.Join(scenariosDir, name, "answers.yaml")
}

// scenarioAbs is scenario as an absolute path, for tests that change
// directory (call it before t.Chdir).
func scenarioAbs(t testing.TB, name string) string {
	t.Helper()
	p, err := filepath.Abs(scenario(name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readTree returns every file under dir (slash paths) with its content.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// snapshot records every file under dir with its content, mode and
// modification time, to prove that a run changed nothing.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		entry := fi.Mode().String() + " " + fi.ModTime().Format(time.RFC3339Nano)
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			entry += " " + string(b)
		}
		out[filepath.ToSlash(rel)] = entry
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// splitStdout parses the output of generate --stdout back into files.
func splitStdout(t testing.TB, s string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	var name string
	var buf []string
	flush := func() {
		if name == "" {
			return
		}
		// Files are separated by one blank line.
		out[name] = []byte(strings.TrimSuffix(strings.Join(buf, ""), "\n"))
	}
	for _, line := range strings.SplitAfter(s, "\n") {
		if strings.HasPrefix(line, "==> ") && strings.HasSuffix(line, " <==\n") {
			flush()
			name = strings.TrimSuffix(strings.TrimPrefix(line, "==> "), " <==\n")
			buf = nil
			continue
		}
		if name == "" && line != "" {
			t.Fatalf("output does not start with a header: %q", line)
		}
		buf = append(buf, line)
	}
	// The last file has no blank line after it.
	if name != "" {
		content := strings.Join(buf, "")
		out[name] = []byte(content)
	}
	return out
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
