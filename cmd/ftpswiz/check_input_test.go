//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/vsftpd"
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
		// (Exit 4 or 5: other findings depend on this machine's PAM files.)
		{name: "device as certificate", path: zeroCert, code: -1,
			stdout: []string{"rsa_cert_file", "/dev/zero is a character device, not a regular file"}},
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
			if (tt.code >= 0 && res.code != tt.code) || (tt.code < 0 && res.code != codeWarnings && res.code != codeProblems) {
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

// TestCheckLiveHost: with --host (or on the live config path) the files the
// config names must exist on this machine; a copy linted elsewhere is not
// held to that.
func TestCheckLiveHost(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-banner")
	conf := writeConf(t, "listen=YES\nlisten_ipv6=NO\nlocal_enable=YES\npam_service_name=vsftpd\nanonymous_enable=NO\n"+
		"ssl_enable=YES\nrsa_cert_file=/c\nssl_tlsv1=NO\npasv_min_port=50000\npasv_max_port=50099\nbanner_file="+missing+"\n")
	tests := []struct {
		name string
		args []string
		code int
		want bool // banner-missing reported
	}{
		{"--host", []string{"--host"}, codeProblems, true},
		{"a copy", nil, -1, false},
		{"--no-host", []string{"--no-host"}, codeOK, false},
		{"both", []string{"--host", "--no-host"}, codeUsage, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runFTPSwiz(t, "", append([]string{"check", conf, "--flavour", "debian-3.0.3", "--json"}, tt.args...)...)
			if tt.code >= 0 && res.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", res.code, tt.code, res.stdout, res.stderr)
			}
			if got := strings.Contains(res.stdout, `"banner-missing"`); got != tt.want {
				t.Errorf("banner-missing reported: %v, want %v\n%s", got, tt.want, res.stdout)
			}
		})
	}
}

func TestIsLiveConfig(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "vsftpd.conf")
	if err := os.Symlink("/etc/vsftpd.conf", link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file string
		fl   string
		want bool
	}{
		{"/etc/vsftpd.conf", "debian-3.0.3", true},
		{"/etc/vsftpd-implicit.conf", "debian-3.0.3", true},
		{"/etc/vsftpd/vsftpd.conf", "rhel", true},
		{"/etc/vsftpd.conf", "rhel", false},
		{filepath.Join(dir, "other.conf"), "debian-3.0.3", false},
		{link, "debian-3.0.3", true},
	}
	for _, tt := range tests {
		if got := isLiveConfig(tt.file, vsftpd.Flavour(tt.fl)); got != tt.want {
			t.Errorf("isLiveConfig(%s, %s) = %v, want %v", tt.file, tt.fl, got, tt.want)
		}
	}
}
