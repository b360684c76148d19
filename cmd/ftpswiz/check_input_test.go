//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCheckBoundedInput: check refuses what is not a config file, at once
// and with a clear error, instead of blocking (a FIFO) or reading without
// end (/dev/zero, a huge file).
func TestCheckBoundedInput(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.conf")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.conf")
	if err := os.WriteFile(big, []byte(strings.Repeat("# padding\n", 1<<20/10+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	limit := filepath.Join(dir, "limit.conf")
	exact := "listen=YES\n" + strings.Repeat("# padding\n", (1<<20-11)/10)
	exact += strings.Repeat("#", 1<<20-len(exact)-1) + "\n"
	if len(exact) != 1<<20 {
		t.Fatalf("control file is %d bytes", len(exact))
	}
	if err := os.WriteFile(limit, []byte(exact), 0o600); err != nil {
		t.Fatal(err)
	}
	zeroCert := writeConf(t, "listen=YES\nlocal_enable=YES\nanonymous_enable=NO\nssl_enable=YES\n"+
		"rsa_cert_file=/dev/zero\nrsa_private_key_file=/dev/zero\n")
	tests := []struct {
		name   string
		path   string
		args   []string
		code   int
		stderr []string
		stdout []string
	}{
		{name: "FIFO", path: fifo, code: codeError, stderr: []string{"named pipe (FIFO)", "not a regular file"}},
		{name: "device", path: "/dev/zero", code: codeError, stderr: []string{"character device", "not a regular file"}},
		{name: "directory", path: dir, code: codeError, stderr: []string{"a directory"}},
		{name: "over 1 MiB", path: big, code: codeError, stderr: []string{"more than the 1048576"}},
		// Negative control: a file of exactly 1 MiB is read and linted.
		{name: "exactly 1 MiB", path: limit, args: []string{"--no-host"}, code: codeProblems,
			stdout: []string{"vsftpd reads only the first 100000"}},
		// A config naming /dev/zero as its certificate does not make check
		// read without end.
		{name: "device as certificate", path: zeroCert, code: codeProblems, stdout: []string{"rsa_cert_file", "/dev/zero"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan result, 1)
			go func() {
				done <- runFTPSwiz(t, "", append([]string{"check", tt.path, "--flavour", "debian-3.0.3"}, tt.args...)...)
			}()
			var res result
			select {
			case res = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("check did not return within 10 s")
			}
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, tt.code, res.stdout, res.stderr)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, res.stderr)
				}
			}
			for _, w := range tt.stdout {
				if !strings.Contains(res.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, res.stdout)
				}
			}
		})
	}
}
