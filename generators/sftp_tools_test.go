package generators

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The SFTP outputs checked by the real tools: sshd -t and sshd -T for the
// drop-in (with a Debian-like main config and a real group member), ssh -G
// for the ssh_config, xmllint for FileZilla, rclone for its remote, and nft
// -c / iptables-restore --test (in a throwaway network namespace) for the
// firewall rules the plan's one-port flows produce.

const sftpToolTimeout = 30 * time.Second

// sftpRetryLocked runs fn until the shadow utilities stop reporting a
// locked /etc/passwd or /etc/group (other test binaries add users too),
// at most about 5 s.
func sftpRetryLocked(fn func() (string, error)) (string, error) {
	var out string
	var err error
	for range 50 {
		out, err = fn()
		if err == nil || !strings.Contains(strings.ToLower(out), "lock") {
			return out, err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return out, err
}

// sftpShadow runs a shadow utility (useradd, groupadd, ...) and fails the
// test on error.
func sftpShadow(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := sftpRetryLocked(func() (string, error) { return sftpRun(sftpToolTimeout, name, args...) })
	if err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
}

// sftpGroup creates a system group with a unique name, removed at cleanup.
func sftpGroup(t *testing.T) string {
	t.Helper()
	name := sftpRandomName("ftpswizg")
	sftpShadow(t, "groupadd", name)
	t.Cleanup(func() {
		if _, err := user.LookupGroup(name); err != nil {
			return
		}
		if out, err := sftpRetryLocked(func() (string, error) { return sftpRun(sftpToolTimeout, "groupdel", name) }); err != nil {
			t.Errorf("groupdel %s: %v: %s", name, err, out)
		}
	})
	return name
}

// sftpMember creates a user with a unique name, shell nologin and no home,
// member of group, removed at cleanup (before the group: cleanups run last
// first).
func sftpMember(t *testing.T, group string) string {
	t.Helper()
	name := sftpRandomName("ftpswizu")
	sftpShadow(t, "useradd", "-M", "-N", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", "-G", group, name)
	t.Cleanup(func() {
		if _, err := user.Lookup(name); err != nil {
			return
		}
		if out, err := sftpRetryLocked(func() (string, error) { return sftpRun(sftpToolTimeout, "userdel", name) }); err != nil {
			t.Errorf("userdel %s: %v: %s", name, err, out)
		}
	})
	return name
}

// sftpPrivsepDir makes sure sshd's privilege separation directory exists:
// without /run/sshd, which Debian's ssh.service creates at start, sshd -t
// and sshd -D refuse to run. It is left in place: tests of other packages
// may run sshd at the same time, and an empty /run/sshd is what every
// running sshd has anyway (/run is emptied at boot).
func sftpPrivsepDir(t *testing.T) {
	t.Helper()
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
}

// sftpHostKey generates an ed25519 host key in dir and returns its path.
func sftpHostKey(t *testing.T, dir string) string {
	t.Helper()
	key := filepath.Join(dir, "ssh_host_ed25519_key")
	if out, err := sftpRun(sftpToolTimeout, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ftpswiz-test-host", "-f", key); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	return key
}

// sftpMainConfig writes an sshd_config like Debian 12's (Include of the
// drop-in directory first, then Debian's settings), with the drop-in in
// dir/sshd_config.d/, this test's host key and pid file, and returns its
// path. After the Include it sets, globally, options the drop-in's Match
// block overrides, so that a leaking Match block would show in sshd -T.
func sftpMainConfig(t *testing.T, dir string, dropIn []byte, hostKey string, extra ...string) string {
	t.Helper()
	d := filepath.Join(dir, "sshd_config.d")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "ftpswiz-sftp.conf"), dropIn, 0o644); err != nil {
		t.Fatal(err)
	}
	lines := []string{
		"Include " + d + "/*.conf",
		"HostKey " + hostKey,
		"PidFile " + filepath.Join(dir, "sshd.pid"),
		"KbdInteractiveAuthentication no",
		"UsePAM yes",
		"X11Forwarding yes",
		"AllowTcpForwarding yes",
		"PasswordAuthentication yes",
		"PrintMotd no",
		"AcceptEnv LANG LC_*",
		"Subsystem sftp /usr/lib/openssh/sftp-server",
	}
	main := filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(main, []byte(strings.Join(append(lines, extra...), "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return main
}

// sftpEffective returns sshd -T's settings (lower-case keyword -> values)
// for a connection by user.
func sftpEffective(t *testing.T, main, userName string) map[string][]string {
	t.Helper()
	out, err := sftpRun(sftpToolTimeout, "sshd", "-T", "-f", main, "-C", "user="+userName+",host=client.example,addr=192.0.2.20")
	if err != nil {
		t.Fatalf("sshd -T -C user=%s: %v: %s", userName, err, out)
	}
	m := map[string][]string{}
	for _, l := range strings.Split(out, "\n") {
		k, v, _ := strings.Cut(l, " ")
		if k != "" {
			m[k] = append(m[k], v)
		}
	}
	return m
}

func TestSFTPDropInSSHD(t *testing.T) {
	lab.Require(t, "sshd", "ssh-keygen", "useradd", "userdel", "groupadd", "groupdel")
	sftpPrivsepDir(t)
	yes := true
	tests := []struct {
		name string
		edit func(x *wizard.SFTP)
		// member are the settings a group member must get; ports the
		// ports sshd listens on.
		member map[string]string
		ports  []string
	}{
		{"keys only, shared port", func(x *wizard.SFTP) {}, map[string]string{"passwordauthentication": "no"}, []string{"22"}},
		{"passwords, own port", func(x *wizard.SFTP) { x.Port = 2222; x.PasswordAuthentication = &yes },
			map[string]string{"passwordauthentication": "yes"}, []string{"22", "2222"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			group := sftpGroup(t)
			member := sftpMember(t, group)
			p := sftpTestPlan(t, func(a *wizard.Answers) {
				a.SFTP.Group, a.SFTP.Users, a.SFTP.ChrootRoot = group, []string{member}, "/srv/ftpswiz-test"
				tt.edit(a.SFTP)
			})
			files := sftpOutputs(t, p)
			dir := t.TempDir()
			main := sftpMainConfig(t, dir, files[p.SFTP.File].Content, sftpHostKey(t, dir))
			if out, err := sftpRun(sftpToolTimeout, "sshd", "-t", "-f", main); err != nil {
				t.Fatalf("sshd -t rejects the generated drop-in: %v: %s\n%s", err, out, files[p.SFTP.File].Content)
			}

			got := sftpEffective(t, main, member)
			want := map[string]string{
				"forcecommand": "internal-sftp", "chrootdirectory": "/srv/ftpswiz-test/%u",
				"allowtcpforwarding": "no", "allowstreamlocalforwarding": "no", "allowagentforwarding": "no",
				"permittunnel": "no", "x11forwarding": "no", "permittty": "no",
			}
			for k, v := range tt.member {
				want[k] = v
			}
			for k, v := range want {
				if !slices.Equal(got[k], []string{v}) {
					t.Errorf("group member %s: %s = %v, want %s", member, k, got[k], v)
				}
			}
			if ports := got["port"]; !slices.Equal(ports, tt.ports) {
				t.Errorf("sshd listens on %v, want %v", ports, tt.ports)
			}

			// Everyone else keeps the global settings written after the
			// Include: the Match block ends with the included file
			// (verified here for the installed OpenSSH).
			other := sftpEffective(t, main, "root")
			for k, v := range map[string]string{"forcecommand": "none", "chrootdirectory": "none",
				"x11forwarding": "yes", "allowtcpforwarding": "yes", "passwordauthentication": "yes", "permittty": "yes"} {
				if !slices.Equal(other[k], []string{v}) {
					t.Errorf("root: %s = %v, want %s (the Match block leaked out of the drop-in)", k, other[k], v)
				}
			}
		})
	}
}

// TestSFTPDropInSSHDRejectsBrokenFile proves the sshd -t check above can
// fail: a drop-in with a keyword sshd does not allow in a Match block.
func TestSFTPDropInSSHDRejectsBrokenFile(t *testing.T) {
	lab.Require(t, "sshd", "ssh-keygen")
	sftpPrivsepDir(t)
	dir := t.TempDir()
	bad := []byte("Match Group sftponly\n\tForceCommand internal-sftp\n\tPort 2222\n")
	main := sftpMainConfig(t, dir, bad, sftpHostKey(t, dir))
	if out, err := sftpRun(sftpToolTimeout, "sshd", "-t", "-f", main); err == nil {
		t.Fatalf("sshd -t accepted Port inside Match: %s", out)
	}
}

func TestSFTPClientFilesWithTools(t *testing.T) {
	lab.Require(t, "ssh", "xmllint", "rclone")
	yes := true
	for _, pw := range []bool{false, true} {
		t.Run(fmt.Sprintf("passwords=%v", pw), func(t *testing.T) {
			p := sftpTestPlan(t, func(a *wizard.Answers) {
				a.SFTP.Port = 2222
				if pw {
					a.SFTP.PasswordAuthentication = &yes
				}
			})
			files := sftpOutputs(t, p)
			dir := t.TempDir()
			for path, f := range files {
				full := filepath.Join(dir, filepath.FromSlash(path))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, f.Content, f.Mode); err != nil {
					t.Fatal(err)
				}
			}

			// ssh -G prints the settings ssh would use for the alias.
			out, err := sftpRun(sftpToolTimeout, "ssh", "-G", "-F", filepath.Join(dir, sftpOpenSSHPath), sftpAlias)
			if err != nil {
				t.Fatalf("ssh -G: %v: %s", err, out)
			}
			want := map[string]string{"hostname": "198.51.100.10", "port": "2222", "user": "acme",
				"stricthostkeychecking": "true", "connecttimeout": "30", "forwardagent": "no", "forwardx11": "no"}
			if pw {
				want["preferredauthentications"] = "publickey,keyboard-interactive,password"
			} else {
				want["identitiesonly"] = "yes"
				want["preferredauthentications"] = "publickey"
			}
			lines := strings.Split(out, "\n")
			for k, v := range want {
				if !slices.Contains(lines, k+" "+v) {
					t.Errorf("ssh -G: want %q:\n%s", k+" "+v, out)
				}
			}
			if !pw && !slices.ContainsFunc(lines, func(l string) bool {
				return strings.HasPrefix(l, "identityfile ") && strings.HasSuffix(l, "/.ssh/id_ed25519")
			}) {
				t.Errorf("ssh -G: no identityfile ~/.ssh/id_ed25519:\n%s", out)
			}

			// FileZilla's file is well-formed XML with one SFTP site.
			fz := filepath.Join(dir, sftpFileZillaPath)
			if out, err := sftpRun(sftpToolTimeout, "xmllint", "--noout", fz); err != nil {
				t.Fatalf("xmllint: %v: %s", err, out)
			}
			for expr, want := range map[string]string{
				"string(/FileZilla3/Servers/Server/Protocol)": "1",
				"string(/FileZilla3/Servers/Server/Port)":     "2222",
				"count(/FileZilla3/Servers/Server)":           "1",
			} {
				out, err := sftpRun(sftpToolTimeout, "xmllint", "--xpath", expr, fz)
				if err != nil || strings.TrimSpace(out) != want {
					t.Errorf("xmllint --xpath %s = %q (%v), want %s", expr, out, err, want)
				}
			}

			// rclone reads the remote as an sftp remote with these options.
			out, err = sftpRun(sftpToolTimeout, "rclone", "--config", filepath.Join(dir, sftpRclonePath), "config", "dump")
			if err != nil {
				t.Fatalf("rclone config dump: %v: %s", err, out)
			}
			for _, w := range []string{`"type": "sftp"`, `"port": "2222"`, `"known_hosts_file": "~/.ssh/known_hosts"`, `"shell_type": "none"`} {
				if !strings.Contains(out, w) {
					t.Errorf("rclone config dump lacks %s:\n%s", w, out)
				}
			}
		})
	}
}

// TestSFTPFirewallRules checks the firewall files an SFTP plan gets: every
// side has rules for the one SFTP port and nothing FTPS-specific (no passive
// range, no helper), and nft and iptables-restore accept them (checked in a
// throwaway network namespace).
func TestSFTPFirewallRules(t *testing.T) {
	lab.Require(t, "nft", "iptables-restore", "unshare")
	p := sftpTestPlan(t, nil)
	files, err := RenderWith(firewallRenderers(), p)
	if err != nil {
		t.Fatal(err)
	}
	var sides []string
	for _, f := range files {
		dir := t.TempDir()
		path := filepath.Join(dir, filepath.Base(f.Path))
		if err := os.WriteFile(path, f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
		text := string(f.Content)
		for _, bad := range []string{"50000", "ct helper", "nf_conntrack_ftp", "dport 21 "} {
			if strings.Contains(text, bad) {
				t.Errorf("%s contains FTPS-specific %q", f.Path, bad)
			}
		}
		switch {
		case strings.HasSuffix(f.Path, ".nft"):
			sides = append(sides, f.Path)
			if !strings.Contains(text, "tcp dport 22 ") || !strings.Contains(text, "(sftp.port)") {
				t.Errorf("%s has no rule for the SFTP port:\n%s", f.Path, text)
			}
			if out, err := sftpRun(sftpToolTimeout, "unshare", "--net", "bash", "-c", fwNftCheck(path)); err != nil {
				t.Errorf("nft -c %s: %v: %s", f.Path, err, out)
			}
		case strings.HasSuffix(f.Path, ".iptables"):
			if !strings.Contains(text, "--dport 22 ") {
				t.Errorf("%s has no rule for the SFTP port:\n%s", f.Path, text)
			}
			if out, err := sftpRun(sftpToolTimeout, "unshare", "--net", "iptables-restore", "--test", path); err != nil {
				t.Errorf("iptables-restore --test %s: %v: %s", f.Path, err, out)
			}
		}
	}
	want := []string{"firewall/client-router.nft", "firewall/server-host.nft", "firewall/server-router.nft"}
	if !slices.Equal(sides, want) {
		t.Errorf("nft files %v, want %v", sides, want)
	}
}
