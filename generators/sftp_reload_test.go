package generators

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSSHDReloadBranches runs the reload step (sshdReload, in the drop-in's
// comments and REPORT.md) with stand-ins for sshd and systemctl that record
// their arguments: with ssh.socket active (Ubuntu 22.10 and later) it runs
// daemon-reload and restarts ssh.socket, which moves the listening port;
// without it (Debian) it reloads ssh; a failing sshd -t runs nothing else.
// The old step (sshd -t && systemctl reload ssh) only reloaded, also under
// ssh.socket, and fails the first case.
func TestSSHDReloadBranches(t *testing.T) {
	tests := []struct {
		name          string
		socketActive  bool
		sshdOK        bool
		want          []string
		wantExitClean bool
	}{
		{"ssh.socket active (Ubuntu)", true, true,
			[]string{"sshd -t", "systemctl is-active --quiet ssh.socket", "systemctl daemon-reload", "systemctl restart ssh.socket"}, true},
		{"no ssh.socket (Debian)", false, true,
			[]string{"sshd -t", "systemctl is-active --quiet ssh.socket", "systemctl reload ssh"}, true},
		{"sshd -t fails", true, false, []string{"sshd -t"}, false},
	}
	// REPORT.md's one line and the drop-in comment's lines are one command.
	forms := map[string]string{"one line": sshdReload, "comment lines": strings.Join(sshdReloadLines, "\n")}
	for _, tt := range tests {
		for form, script := range forms {
			t.Run(tt.name+", "+form, func(t *testing.T) {
				dir := t.TempDir()
				log := filepath.Join(dir, "log")
				active, sshdStatus := "3", "1"
				if tt.socketActive {
					active = "0"
				}
				if tt.sshdOK {
					sshdStatus = "0"
				}
				stubs := map[string]string{
					"sshd": `echo "sshd $*" >> "$LOG"; exit ` + sshdStatus,
					"systemctl": `echo "systemctl $*" >> "$LOG"
case "$*" in "is-active --quiet ssh.socket") exit ` + active + `;; esac
exit 0`,
				}
				for name, body := range stubs {
					if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
						t.Fatal(err)
					}
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, "/bin/sh", "-c", script)
				cmd.Env = []string{"PATH=" + dir + ":/usr/bin:/bin", "LOG=" + log}
				out, err := cmd.CombinedOutput()
				if (err == nil) != tt.wantExitClean {
					t.Errorf("exit: %v (want clean %v)\n%s", err, tt.wantExitClean, out)
				}
				data, _ := os.ReadFile(log)
				got := strings.Split(strings.TrimSpace(string(data)), "\n")
				if strings.Join(got, "|") != strings.Join(tt.want, "|") {
					t.Errorf("ran\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
				}
			})
		}
	}
}
