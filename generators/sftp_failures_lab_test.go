package generators

import (
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/explain"
	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// TestSFTPFailuresLab provokes, one at a time, each SFTP failure the
// catalogue explains, in the SFTP lab (sshd with the generated drop-in, the
// account made by the generated commands, the generated client files used
// by real sftp, ssh, lftp and rclone through both NATs), and checks that
// the tools print what the catalogue quotes: every reply of each SFTP entry
// is seen in some tool's output (or sshd's log), so a quote cannot drift
// from what OpenSSH, lftp and rclone really print. The control: after each
// fault is undone, the same clients (for the entries whose failure is a
// client's act, the client's proper use) succeed and print none of the
// entry's replies.
func TestSFTPFailuresLab(t *testing.T) {
	x := newSFTPLab(t, wizard.ClientOpenSSH, wizard.ClientLFTP, wizard.ClientRclone)
	cfg := "client/ssh_config"
	knownHosts := filepath.Join(x.home, ".ssh", "known_hosts")
	acct, err := user.Lookup(x.account)
	if err != nil {
		t.Fatal(err)
	}
	authKeys := filepath.Join(acct.HomeDir, ".ssh", "authorized_keys")

	// The clients, each with the generated files. lftp tries once
	// (net:max-retries 1 over the generated 3, whose waits would cost
	// 12 s per failure; the message is the same).
	sftp := func(batch string, opts ...string) []string {
		return append(append([]string{"sftp", "-F", cfg}, opts...), "-b", "-", sftpAlias, "#"+batch)
	}
	lftp := func(cmds string) []string {
		return []string{"lftp", "-c", "source client/lftp-sftp.rc; set net:max-retries/" + lab.SrvPublicAddr + " 1; " +
			sftpAlias + "; " + cmds}
	}
	rclone := func(args ...string) []string {
		return append([]string{"rclone", "--config", "client/rclone.conf", "--contimeout", "20s", "--timeout", "30s",
			"--retries", "1", "--low-level-retries", "1"}, args...)
	}
	// A try is one client command; its stdin rides in a last "#..."
	// argument (sftp's batch), and want are texts its output must show.
	type try struct {
		args []string
		want []string
	}
	writeFile := func(path, content string, mode os.FileMode) {
		t.Helper()
		if err := os.WriteFile(path, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	otherHostKey := func() string {
		t.Helper()
		pub, err := os.ReadFile(sftpHostKey(t, t.TempDir()) + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(string(pub))
		return strings.Fields(x.knownHosts)[0] + " " + f[0] + " " + f[1] + "\n"
	}
	healthy := []try{{args: sftp("ls\n")}, {args: lftp("cls -1")}, {args: rclone("lsf", sftpAlias+":")}}

	tests := []struct {
		name, key string
		// fault breaks the set-up and returns its undo; nil: the failure
		// is the client's act (tries).
		fault func() (undo func())
		tries []try
		// log is what sshd must log with the fault ("" for nothing).
		log string
		// control are the commands that must succeed without the fault.
		control []try
	}{
		{
			name: "chroot group-writable", key: explain.SFTPChroot,
			fault: func() func() {
				if err := os.Chmod(x.chroot, 0o775); err != nil {
					t.Fatal(err)
				}
				return func() {
					if err := os.Chmod(x.chroot, 0o755); err != nil {
						t.Fatal(err)
					}
				}
			},
			tries: []try{
				{sftp("ls\n"), []string{"client_loop: send disconnect: Broken pipe", "Connection closed"}},
				{lftp("cls -1"), []string{"Fatal error: max-retries exceeded (client_loop: send disconnect: Broken pipe)"}},
				{rclone("lsf", sftpAlias+":"), []string{"ssh: unexpected packet in response to channel open"}},
			},
			log:     "bad ownership or modes for chroot directory",
			control: healthy,
		},
		{
			name: "chroot owned by the user", key: explain.SFTPChroot,
			fault: func() func() {
				if err := os.Chown(x.chroot, x.cliUser.UID, 0); err != nil {
					t.Fatal(err)
				}
				return func() {
					if err := os.Chown(x.chroot, 0, 0); err != nil {
						t.Fatal(err)
					}
				}
			},
			tries:   []try{{sftp("ls\n"), []string{"client_loop: send disconnect: Broken pipe", "Connection closed"}}},
			log:     "bad ownership or modes for chroot directory",
			control: healthy[:1],
		},
		{
			name: "host key changed", key: explain.SFTPHostKey,
			fault: func() func() {
				writeFile(knownHosts, otherHostKey(), 0o644)
				return func() { writeFile(knownHosts, x.knownHosts, 0o644) }
			},
			tries: []try{
				{sftp("ls\n"), []string{"WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!", "Host key verification failed."}},
				{lftp("cls -1"), []string{"Fatal error: Host key verification failed."}},
				{rclone("lsf", sftpAlias+":"), []string{"knownhosts: key mismatch"}},
			},
			control: healthy,
		},
		{
			name: "host key unknown", key: explain.SFTPHostKey,
			fault: func() func() {
				writeFile(knownHosts, "", 0o644)
				return func() { writeFile(knownHosts, x.knownHosts, 0o644) }
			},
			tries: []try{
				{sftp("ls\n"), []string{"Host key verification failed."}},
				{lftp("cls -1"), []string{"Fatal error: Host key verification failed."}},
				{rclone("lsf", sftpAlias+":"), []string{"knownhosts: key is unknown"}},
			},
			control: healthy,
		},
		{
			name: "ssh to the SFTP-only account", key: explain.SFTPOnly,
			tries: []try{
				{[]string{"ssh", "-F", cfg, sftpAlias, "id"}, []string{"This service allows sftp connections only."}},
				{[]string{"ssh", "-F", cfg, sftpAlias}, []string{"This service allows sftp connections only."}},
			},
			control: healthy[:1],
		},
		{
			name: "password tried on a keys-only account", key: explain.SFTPKeysOnly,
			tries: []try{
				{[]string{"ssh", "-F", cfg, "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive",
					"-o", "BatchMode=yes", sftpAlias, "true"}, []string{"Permission denied (publickey)."}},
				{sftp("ls\n", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive",
					"-o", "BatchMode=yes"), []string{"Permission denied (publickey)."}},
			},
			control: healthy[:1],
		},
		{
			name: "key not installed", key: explain.SFTPKeysOnly,
			fault: func() func() {
				keys, err := os.ReadFile(authKeys)
				if err != nil {
					t.Fatal(err)
				}
				writeFile(authKeys, "", 0o600)
				return func() { writeFile(authKeys, string(keys), 0o600) }
			},
			tries: []try{
				{sftp("ls\n"), []string{"Permission denied (publickey)."}},
				{lftp("cls -1"), []string{"Fatal error: max-retries exceeded", "Permission denied (publickey)."}},
				{rclone("lsf", sftpAlias+":"), []string{"ssh: unable to authenticate"}},
			},
			control: healthy,
		},
		{
			name: "upload into the chroot's root", key: explain.SFTPUploadDenied,
			tries: []try{
				{sftp("put two.bin two.bin\n"), []string{`dest open "/two.bin": Permission denied`}},
				{sftp("mkdir newdir\n"), []string{`remote mkdir "/newdir": Permission denied`}},
				{lftp("put two.bin"), []string{"put: Access failed: Permission denied (two.bin)"}},
				{rclone("copyto", "two.bin", sftpAlias+":two.bin"), []string{"Update Create failed: permission denied"}},
			},
			control: []try{
				{args: sftp("put two.bin upload/two.bin\nmkdir upload/newdir\n")},
				{args: lftp("put two.bin -o upload/two-lftp.bin")},
				{args: rclone("copyto", "two.bin", sftpAlias+":upload/two-rclone.bin")},
			},
		},
	}

	// run runs a try as the client user and returns its output and error.
	run := func(tr try) (string, error) {
		args, stdin := tr.args, ""
		if last := args[len(args)-1]; strings.HasPrefix(last, "#") {
			args, stdin = args[:len(args)-1], strings.TrimPrefix(last, "#")
		}
		so, se, err := x.c.run(stdin, args...)
		return so + se, err
	}
	seen := map[string]map[string]bool{} // entry key -> texts seen
	mark := len(x.sshd.Output())
	logSince := func() string {
		out := x.sshd.Output()
		s := out[mark:]
		mark = len(out)
		return s
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := explain.Get(tt.key)
			if !e.AppliesTo(explain.SFTP) || e.AppliesTo(explain.FTPS) {
				t.Errorf("%s is not an SFTP entry: %v", e.Key, e.Protocols)
			}
			if seen[e.Key] == nil {
				seen[e.Key] = map[string]bool{}
			}
			undo := func() {}
			if tt.fault != nil {
				undo = tt.fault()
			}
			logSince()
			for _, tr := range tt.tries {
				out, err := run(tr)
				t.Logf("%s (%v): %q", tr.args[0], err, out)
				if err == nil {
					t.Errorf("%s succeeded with the fault:\n%s", tr.args[0], out)
				}
				for _, w := range tr.want {
					if !strings.Contains(out, w) {
						t.Errorf("%s: want %q in its output, got:\n%s", tr.args[0], w, out)
					}
					seen[e.Key][w] = true
				}
			}
			if log := logSince(); tt.log != "" {
				if !strings.Contains(log, tt.log) {
					t.Errorf("sshd did not log %q:\n%s", tt.log, log)
				}
				seen[e.Key][tt.log] = true
			}
			undo()

			// The control: the set-up as generated (or the client's
			// proper use) shows none of the entry's replies.
			for _, tr := range tt.control {
				out, err := run(tr)
				if err != nil {
					t.Errorf("control %s failed: %v\n%s", tr.args[0], err, out)
				}
				for _, r := range e.Replies {
					if strings.Contains(out, r) {
						t.Errorf("control %s shows %q:\n%s", tr.args[0], r, out)
					}
				}
			}
			log := logSince()
			for _, r := range e.Replies {
				if strings.Contains(log, r) {
					t.Errorf("sshd logs %q in the control:\n%s", r, log)
				}
			}
		})
	}

	// Every reply an SFTP entry quotes was seen (a text the tests saw is
	// either a reply or a part of one, such as a path's name left out).
	for _, e := range explain.All() {
		if !e.AppliesTo(explain.SFTP) || e.AppliesTo(explain.FTPS) {
			continue
		}
		if seen[e.Key] == nil {
			t.Errorf("%s: no failure provoked", e.Key)
			continue
		}
		for _, r := range e.Replies {
			if !slices.ContainsFunc(mapKeys(seen[e.Key]), func(s string) bool { return strings.Contains(s, r) }) {
				t.Errorf("%s quotes %q, which no tool printed here", e.Key, r)
			}
		}
	}
}

// mapKeys returns the keys of m.
func mapKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
