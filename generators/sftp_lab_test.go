package generators

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/explain"
	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The SFTP lab: the four-namespace NAT topology of internal/lab with the
// generated nftables rules on the server host and both routers, a real sshd
// in the server namespace running the generated drop-in (under a Debian-like
// main config), an SFTP account and chroot made by running the generated
// setup commands, and, in the client namespace as an ordinary user, real
// sftp, lftp and rclone transfers through both NATs using the generated
// client files unchanged. Then the account tries to leave its chroot, open a
// shell and open tunnels, and must fail each time.

// sftpLabTimeout bounds every client command.
const sftpLabTimeout = 45 * time.Second

// sftpLabClient runs commands as the client user inside the client
// namespace, in the directory holding the generated client files.
type sftpLabClient struct {
	ns   *lab.Namespace
	user string
	dir  string
}

// run runs args as the client user with a timeout; stdin may be "".
func (c sftpLabClient) run(stdin string, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), sftpLabTimeout)
	defer cancel()
	cmd := c.ns.Command(ctx, "runuser", append([]string{"-u", c.user, "--"}, args...)...)
	cmd.Dir = c.dir
	var so, se strings.Builder
	cmd.Stdout, cmd.Stderr = &so, &se
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	err = cmd.Run()
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%s timed out after %v: %w", args[0], sftpLabTimeout, err)
	}
	return so.String(), se.String(), err
}

// sftpLabNames are the entries of an sftp `ls -1a DIR` listing, without
// the echoed commands and without DIR's prefix.
func sftpLabNames(out string) []string {
	var names []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "sftp>") {
			continue
		}
		names = append(names, filepath.Base(l))
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// sftpLabSetupAccount registers the cleanup of the SFTP account, its group
// and its chroot root first (so that they run after the lab has killed
// every process in its namespaces), then runs the setup commands the
// generated drop-in documents, as written, in a directory holding the
// user's public key as USER.pub.
func sftpLabSetupAccount(t *testing.T, sp *wizard.SFTPPlan, pubKey []byte) {
	t.Helper()
	dir := t.TempDir()
	for _, u := range sp.Users {
		if err := os.WriteFile(filepath.Join(dir, u+".pub"), pubKey, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range SFTPSetupCommands(sp) {
		out, err := sftpRetryLocked(func() (string, error) {
			ctx, cancel := context.WithTimeout(context.Background(), sftpToolTimeout)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", c)
			cmd.Dir = dir
			b, err := cmd.CombinedOutput()
			return string(b), err
		})
		if err != nil {
			t.Fatalf("generated setup command %q: %v: %s", c, err, out)
		}
	}
}

// sftpLabAccount picks a random SFTP group and account name and makes the
// chroot root, registering their cleanup first: t.Cleanup runs
// last-registered first, so it runs after the lab's own cleanup has killed
// every process in its namespaces (userdel refuses a user with running
// processes). Call it before lab.New.
func sftpLabAccount(t *testing.T) (group, account, root string) {
	t.Helper()
	group, account = sftpRandomName("ftpswizg"), sftpRandomName("ftpswizs")
	var err error
	root, err = os.MkdirTemp("/run", "ftpswiz-sftp-") // not under /tmp: sshd rejects a world-writable parent
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := user.Lookup(account); err == nil {
			if out, err := sftpRetryLocked(func() (string, error) { return sftpRun(sftpToolTimeout, "userdel", "-r", account) }); err != nil {
				if _, lerr := user.Lookup(account); lerr == nil { // userdel -r warns about a missing mail spool
					t.Errorf("userdel -r %s: %v: %s", account, err, out)
				}
			}
		}
		if _, err := user.LookupGroup(group); err == nil {
			if out, err := sftpRetryLocked(func() (string, error) { return sftpRun(sftpToolTimeout, "groupdel", group) }); err != nil {
				t.Errorf("groupdel %s: %v: %s", group, err, out)
			}
		}
		if err := os.RemoveAll(root); err != nil {
			t.Errorf("remove %s: %v", root, err)
		}
	})
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	return group, account, root
}

// sftpLab is TestSFTPLab's set-up, which the failure lab shares: the NAT
// topology with the generated rules, sshd running the generated drop-in,
// the SFTP account made by the generated commands, and the client user
// with a key, the server's host key in known_hosts and the generated
// client files.
type sftpLab struct {
	l                     *lab.Lab
	p                     *wizard.Plan
	account, root, chroot string
	cliUser               *lab.User
	home, cdir            string
	hostKey               string // the server's host key (private key path)
	knownHosts            string // the client's known_hosts as the operator sent it
	sshd                  *lab.Process
	sshdAddr              string
	c                     sftpLabClient
	welcome               string
	up1, up2, up3         string // SHA-256 of one.bin, two.bin, three.bin in cdir
}

// newSFTPLab builds the SFTP lab for the client software given.
func newSFTPLab(t *testing.T, software ...wizard.ClientSoftware) *sftpLab {
	t.Helper()
	lab.Require(t, "ip", "nft", "sshd", "ssh", "sftp", "ssh-keygen", "useradd", "userdel", "groupadd", "groupdel",
		"runuser", "lftp", "rclone", "bash")
	sftpPrivsepDir(t)

	group, account, root := sftpLabAccount(t)
	l := lab.New(t)
	cliUser := lab.NewUser(t) // the person at the client host

	// The plan: the classic topology with the lab's addresses, SFTP.
	p := sftpTestPlan(t, func(a *wizard.Answers) {
		a.SFTP = &wizard.SFTP{Group: group, Users: []string{account}, ChrootRoot: root}
		a.Server.PublicAddress, a.Server.HostAddress = lab.SrvPublicAddr, lab.SrvAddr
		a.Server.Router = &wizard.Router{WANInterface: lab.WANIf, LANInterface: lab.LANIf}
		a.Server.AllowedClients = []string{lab.CliPublicAddr + "/32"}
		a.Server.AdminNetwork = lab.SrvLAN
		a.Client.Router = &wizard.Router{WANInterface: lab.WANIf, LANInterface: lab.LANIf}
		a.Client.LANCIDR = lab.CliLAN
		a.Client.Software = software
		a.Firewalls = []wizard.Firewall{wizard.FirewallNftables}
	})
	files := sftpLabFiles(t, p)

	// The client user's key pair and home (owned by the user, so ssh, lftp
	// and rclone find ~/.ssh and can write their state).
	home := cliUser.Home
	pub := sftpLabClientKey(t, home)

	// The server side: account, group and chroot by the generated commands,
	// plus a root-owned file to download.
	sftpLabSetupAccount(t, p.SFTP, pub)
	chroot := filepath.Join(root, account)
	welcome := "welcome to the chroot\n"
	if err := os.WriteFile(filepath.Join(chroot, "welcome.txt"), []byte(welcome), 0o644); err != nil {
		t.Fatal(err)
	}

	// sshd with the generated drop-in, its own host key, config and pid file.
	sdir := filepath.Join(lab.TempDir(t), "sshd")
	if err := os.Mkdir(sdir, 0o755); err != nil {
		t.Fatal(err)
	}
	hostKey := sftpHostKey(t, sdir)
	main := sftpMainConfig(t, sdir, files[p.SFTP.File].Content, hostKey, "LogLevel VERBOSE")
	if out, err := sftpRun(sftpToolTimeout, "sshd", "-t", "-f", main); err != nil {
		t.Fatalf("sshd -t: %v: %s", err, out)
	}
	sshd := l.Srv.Start("/usr/sbin/sshd", "-D", "-e", "-f", main)
	t.Cleanup(sshd.Stop)
	sshdAddr := lab.SrvAddr + ":" + strconv.Itoa(p.SFTP.Port)
	if err := l.Srv.WaitTCP(sshdAddr, 10*time.Second); err != nil {
		t.Fatalf("sshd does not listen: %v\n%s", err, sshd.Output())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("sshd output:\n%s", sshd.Output())
		}
	})

	// The generated firewall rules, on every side.
	for side, ns := range map[wizard.Side]*lab.Namespace{
		wizard.SideServerHost: l.Srv, wizard.SideServerRouter: l.SrvRouter, wizard.SideClientRouter: l.CliRouter,
	} {
		f, ok := files["firewall/"+string(side)+".nft"]
		if !ok {
			t.Fatalf("no nftables file for %s", side)
		}
		ns.MustNFT(lab.DebianNftables) // a shared router's own firewall (the file adds to it)
		ns.MustNFT(string(f.Content))
	}
	if _, ok := files["firewall/client-host.nft"]; ok {
		t.Fatal("a masquerading client network gets router rules, not client-host rules")
	}

	// The client files, as generated, in a directory of the client user's;
	// the server's host key in known_hosts, as the operator would send it.
	cdir := filepath.Join(home, "ftpswiz")
	for path, f := range files {
		if !strings.HasPrefix(path, "client/") {
			continue
		}
		full := filepath.Join(cdir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, f.Content, f.Mode); err != nil {
			t.Fatal(err)
		}
	}
	hostPub, err := os.ReadFile(hostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(hostPub))
	knownHosts := sftpKnownHostsName(lab.SrvPublicAddr, p.SFTP.Port) + " " + fields[0] + " " + fields[1] + "\n"
	if err := os.WriteFile(filepath.Join(home, ".ssh", "known_hosts"), []byte(knownHosts), 0o644); err != nil {
		t.Fatal(err)
	}
	x := &sftpLab{l: l, p: p, account: account, root: root, chroot: chroot, cliUser: cliUser, home: home, cdir: cdir,
		hostKey: hostKey, knownHosts: knownHosts, sshd: sshd, sshdAddr: sshdAddr, welcome: welcome,
		c: sftpLabClient{ns: l.Cli, user: cliUser.Name, dir: cdir}}
	x.up1 = lab.RandomFile(t, filepath.Join(cdir, "one.bin"), 1<<20)
	x.up2 = lab.RandomFile(t, filepath.Join(cdir, "two.bin"), 300<<10)
	x.up3 = lab.RandomFile(t, filepath.Join(cdir, "three.bin"), 200<<10)
	if out, err := sftpRun(sftpToolTimeout, "chown", "-R", cliUser.Name+":", home); err != nil {
		t.Fatalf("chown: %v: %s", err, out)
	}
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	return x
}

func TestSFTPLab(t *testing.T) {
	x := newSFTPLab(t, wizard.ClientOpenSSH, wizard.ClientLFTP, wizard.ClientRclone)
	l, p, account, chroot, cliUser, cdir := x.l, x.p, x.account, x.chroot, x.cliUser, x.cdir
	sshd, sshdAddr, c, welcome := x.sshd, x.sshdAddr, x.c, x.welcome
	up1, up2, up3 := x.up1, x.up2, x.up3
	cfg := "client/ssh_config"

	sha := func(path string) string {
		t.Helper()
		s, err := lab.SHA256File(path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	uploaded := func(name, want string) {
		t.Helper()
		path := filepath.Join(chroot, p.SFTP.UploadDir, name)
		if got := sha(path); got != want {
			t.Errorf("%s on the server: sha256 %s, want %s", name, got, want)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		u, err := user.Lookup(account)
		if err != nil {
			t.Fatal(err)
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); !ok || strconv.Itoa(int(st.Uid)) != u.Uid {
			t.Errorf("%s on the server is not owned by %s", name, account)
		}
	}

	t.Run("sftp transfers", func(t *testing.T) {
		batch := "put one.bin upload/one.bin\nget upload/one.bin one.back\nget welcome.txt welcome.back\n"
		so, se, err := c.run(batch, "sftp", "-F", cfg, "-b", "-", sftpAlias)
		if err != nil {
			t.Fatalf("sftp: %v\n%s%s", err, so, se)
		}
		uploaded("one.bin", up1)
		if got := sha(filepath.Join(cdir, "one.back")); got != up1 {
			t.Errorf("downloaded one.bin: sha256 %s, want %s", got, up1)
		}
		if b, err := os.ReadFile(filepath.Join(cdir, "welcome.back")); err != nil || string(b) != welcome {
			t.Errorf("welcome.txt downloaded as %q (%v)", b, err)
		}
		if !strings.Contains(sshd.Output(), "Accepted publickey for "+account+" from "+lab.CliPublicAddr) {
			t.Errorf("sshd did not log a key login from the client router's public address %s", lab.CliPublicAddr)
		}
	})

	t.Run("chroot: / is the account's directory and cannot be left", func(t *testing.T) {
		want := []string{".", "..", p.SFTP.UploadDir, "welcome.txt"}
		for _, dir := range []string{"/", "/../..", "/upload/../../.."} {
			so, se, err := c.run("ls -1a "+dir+"\n", "sftp", "-F", cfg, "-b", "-", sftpAlias)
			if err != nil {
				t.Fatalf("sftp ls %s: %v\n%s%s", dir, err, so, se)
			}
			if got := sftpLabNames(so); !slices.Equal(got, want) {
				t.Errorf("ls -1a %s shows %v, want only the chroot %v", dir, got, want)
			}
		}
		for _, cmd := range []string{"get /etc/passwd passwd.stolen", "get ../../../../etc/hostname hostname.stolen",
			"put two.bin /outside.bin", "mkdir /newdir"} {
			so, se, err := c.run(cmd+"\n", "sftp", "-F", cfg, "-b", "-", sftpAlias)
			if err == nil {
				t.Errorf("%q succeeded:\n%s%s", cmd, so, se)
			}
		}
		for _, f := range []string{"passwd.stolen", "hostname.stolen"} {
			if _, err := os.Stat(filepath.Join(cdir, f)); err == nil {
				t.Errorf("%s was downloaded", f)
			}
		}
		if _, err := os.Stat(filepath.Join(chroot, "outside.bin")); err == nil {
			t.Error("the account wrote into its root-owned chroot")
		}
	})

	t.Run("no shell", func(t *testing.T) {
		// A command, a terminal, a login shell: each ends with a non-zero
		// status and without running anything; sshd says why (for a
		// terminal, PermitTTY no refuses it first).
		for _, tt := range []struct {
			args []string
			want string
		}{
			{[]string{"id"}, explain.Reply(explain.SFTPOnly)},
			{[]string{}, explain.Reply(explain.SFTPOnly)},
			{[]string{"-tt", "id"}, "PTY allocation request failed"},
		} {
			so, se, err := c.run("", append([]string{"ssh", "-F", cfg, sftpAlias}, tt.args...)...)
			if err == nil {
				t.Errorf("ssh %v succeeded: %s%s", tt.args, so, se)
			}
			if !strings.Contains(so+se, tt.want) || strings.Contains(so+se, "uid=") {
				t.Errorf("ssh %v: want %q and no command output, got:\n%s%s", tt.args, tt.want, so, se)
			}
		}
	})

	t.Run("no tunnels", func(t *testing.T) {
		// A remote forward is refused at once.
		so, se, err := c.run("", "ssh", "-F", cfg, "-N", "-o", "ExitOnForwardFailure=yes",
			"-R", "127.0.0.1:10022:127.0.0.1:22", sftpAlias)
		if err == nil || !strings.Contains(se, "remote port forwarding failed") {
			t.Errorf("remote forward: want a refusal, got %v:\n%s%s", err, so, se)
		}
		// A local forward opens its listener on the client, but the server
		// refuses every connection through it: nothing reaches sshd's port
		// behind the server's firewall.
		fwd := l.Cli.Start("runuser", "-u", cliUser.Name, "--", "ssh", "-F", filepath.Join(cdir, cfg), "-N",
			"-L", "127.0.0.1:10023:"+sshdAddr, sftpAlias)
		defer fwd.Stop()
		if err := l.Cli.WaitTCP("127.0.0.1:10023", 15*time.Second); err != nil {
			t.Fatalf("local forward listener: %v\n%s", err, fwd.Output())
		}
		conn, err := l.Cli.Dial("tcp", "127.0.0.1:10023", 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		got, _ := io.ReadAll(bufio.NewReader(io.LimitReader(conn, 256)))
		conn.Close()
		if strings.HasPrefix(string(got), "SSH-") {
			t.Errorf("the tunnel reached sshd: %q", got)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(fwd.Output(), "administratively prohibited") && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if !strings.Contains(fwd.Output(), "administratively prohibited") {
			t.Errorf("ssh -L: want the server's refusal, got:\n%s", fwd.Output())
		}
	})

	t.Run("unknown host key refused", func(t *testing.T) {
		so, se, err := c.run("ls\n", "sftp", "-F", cfg, "-o", "UserKnownHostsFile=/dev/null", "-b", "-", sftpAlias)
		if err == nil || !strings.Contains(se, "Host key verification failed") {
			t.Errorf("StrictHostKeyChecking: want a refusal without the known host key, got %v:\n%s%s", err, so, se)
		}
	})

	t.Run("lftp", func(t *testing.T) {
		script := "source client/lftp-sftp.rc; " + sftpAlias + "; put two.bin -o upload/two.bin; get upload/two.bin -o two.back; cls -1a /"
		so, se, err := c.run("", "lftp", "-c", script)
		if err != nil {
			t.Fatalf("lftp: %v\n%s%s", err, so, se)
		}
		uploaded("two.bin", up2)
		if got := sha(filepath.Join(cdir, "two.back")); got != up2 {
			t.Errorf("lftp download: sha256 %s, want %s", got, up2)
		}
		if !strings.Contains(so, "welcome.txt") || strings.Contains(so, "etc") {
			t.Errorf("lftp listing of /:\n%s", so)
		}
	})

	t.Run("rclone", func(t *testing.T) {
		rc := []string{"rclone", "--config", "client/rclone.conf", "--contimeout", "20s", "--timeout", "30s", "--retries", "1"}
		if so, se, err := c.run("", append(rc, "copyto", "three.bin", sftpAlias+":upload/three.bin")...); err != nil {
			t.Fatalf("rclone upload: %v\n%s%s", err, so, se)
		}
		uploaded("three.bin", up3)
		if so, se, err := c.run("", append(rc, "copyto", sftpAlias+":upload/three.bin", "three.back")...); err != nil {
			t.Fatalf("rclone download: %v\n%s%s", err, so, se)
		}
		if got := sha(filepath.Join(cdir, "three.back")); got != up3 {
			t.Errorf("rclone download: sha256 %s, want %s", got, up3)
		}
		so, se, err := c.run("", append(rc, "lsf", sftpAlias+":")...)
		if err != nil {
			t.Fatalf("rclone lsf: %v\n%s%s", err, so, se)
		}
		if got := strings.Fields(so); !slices.Equal(got, []string{p.SFTP.UploadDir + "/", "welcome.txt"}) {
			t.Errorf("rclone lsf shows %v", got)
		}
	})
}

// sftpLabFiles renders the plan's firewall and SFTP files, by path.
func sftpLabFiles(t *testing.T, p *wizard.Plan) map[string]File {
	t.Helper()
	rendered, err := RenderWith(slices.Concat(firewallRenderers(), sftpRenderers()), p)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]File{}
	for _, f := range rendered {
		files[f.Path] = f
	}
	return files
}

// sftpLabClientKey makes the client user's ed25519 key pair in home/.ssh
// and returns its public key.
func sftpLabClientKey(t *testing.T, home string) []byte {
	t.Helper()
	sshDir := filepath.Join(home, ".ssh")
	if err := os.Mkdir(sshDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := sftpRun(sftpToolTimeout, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ftpswiz-lab-client",
		"-f", filepath.Join(sshDir, "id_ed25519")); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	pub, err := os.ReadFile(filepath.Join(sshDir, "id_ed25519.pub"))
	if err != nil {
		t.Fatal(err)
	}
	return pub
}
