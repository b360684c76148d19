package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/lab"
)

// TestGoldenSSHDDropInsPassSSHD checks every committed sshd drop-in of the
// golden scenarios with `sshd -t`, included from a main config like
// Debian's (Include first, then Debian's own settings) with a throwaway host
// key, the way the drop-in is installed.
func TestGoldenSSHDDropInsPassSSHD(t *testing.T) {
	lab.Require(t, "sshd", "ssh-keygen")
	drops, err := filepath.Glob(filepath.Join(scenariosDir, "*", "expected", "server", "sshd_config.d", "*.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if len(drops) < 2 {
		t.Fatalf("want the drop-ins of the sftp scenarios, found %v", drops)
	}
	// sshd -t needs its privilege separation directory, which Debian's
	// ssh.service creates at start. It is left in place: tests of other
	// packages may run sshd at the same time, and an empty /run/sshd is
	// what every running sshd has anyway (/run is emptied at boot).
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	key := filepath.Join(dir, "host_key")
	if out, err := host("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	for _, drop := range drops {
		rel, _ := filepath.Rel(scenariosDir, drop)
		t.Run(rel, func(t *testing.T) {
			abs, err := filepath.Abs(drop)
			if err != nil {
				t.Fatal(err)
			}
			main := filepath.Join(t.TempDir(), "sshd_config")
			conf := strings.Join([]string{
				"Include " + abs,
				"HostKey " + key,
				"PidFile " + filepath.Join(dir, "sshd.pid"),
				"KbdInteractiveAuthentication no",
				"UsePAM yes",
				"X11Forwarding yes",
				"PrintMotd no",
				"AcceptEnv LANG LC_*",
				"Subsystem sftp /usr/lib/openssh/sftp-server",
			}, "\n") + "\n"
			if err := os.WriteFile(main, []byte(conf), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := host("sshd", "-t", "-f", main); err != nil {
				t.Errorf("sshd -t rejects %s: %v: %s", rel, err, out)
			}
		})
	}
}
