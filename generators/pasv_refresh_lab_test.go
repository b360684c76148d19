package generators

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The PASV-refresh lab: the home-dynamic-dns plan's vsftpd on the lab's
// server host behind the server router's DNAT, the name resolved through a
// hosts file bind-mounted over /etc/hosts in a private mount namespace of
// each process (with the test's resolv.conf, naming only 127.0.0.1, and its
// directories over /run and /usr/local/sbin,
// where the generated files name the state and the script), so the
// machine's /etc, /run and /usr are never touched. systemctl is a lab
// stand-in on PATH that runs vsftpd.service as its unit would: the generated
// drop-in's ExecStartPre (the record), then the distribution unit's
// ExecStart with the lab's config; a restart first kills the old vsftpd's
// process group, as systemd stops the unit's control group.
const (
	pasvLabName = "ftps.example.net"
	pasvLabOld  = lab.SrvPublicAddr // the router's public address before the change
	pasvLabNew  = "198.51.100.77"   // after it (same /24: the client router reaches it on-link)
)

// pasvLabCmd wraps a command in its private mount namespace.
func pasvLabCmd(dir string, args ...string) []string {
	return append([]string{"unshare", "-m", "--propagation", "private", "sh", "-c",
		`mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && mount --bind "$3" /run && ` +
			`mount --bind "$4" /usr/local/sbin && shift 4 && exec "$@"`,
		"sh", filepath.Join(dir, "hosts"), filepath.Join(dir, "resolv.conf"), filepath.Join(dir, "run"), filepath.Join(dir, "sbin")}, args...)
}

// pasvLabHosts rewrites the hosts file in place (same inode: the bind
// mounts of running processes see the new content).
func pasvLabHosts(t *testing.T, dir, line string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "hosts"), []byte("127.0.0.1 localhost\n"+line+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// unitValue returns the value of the one "key=" line of a unit file.
func unitValue(t *testing.T, content []byte, key string) string {
	t.Helper()
	var vals []string
	for _, l := range strings.Split(string(content), "\n") {
		if v, ok := strings.CutPrefix(l, key+"="); ok {
			vals = append(vals, v)
		}
	}
	if len(vals) != 1 {
		t.Fatalf("%d %s= lines, want 1:\n%s", len(vals), key, content)
	}
	return vals[0]
}

var pasvReplyRE = regexp.MustCompile(`227 Entering Passive Mode \((\d+),(\d+),(\d+),(\d+),\d+,\d+\)`)

// TestPasvRefreshLab: PASV announces the name's address; after the
// address changes it keeps the old one (negative control: nothing else
// refreshes it) and transfers through the new address fail; the generated
// check (the service's ExecStart) restarts vsftpd, PASV announces the new
// address and curl, verifying the certificate, moves a file through it
// (SHA-256 checked); another check with nothing changed restarts nothing;
// a failed lookup and a private answer restart nothing either; a vsftpd
// the administrator stopped stays stopped, one that failed at start
// without a record (the name did not resolve then) is started.
func TestPasvRefreshLab(t *testing.T) {
	lab.Require(t, "vsftpd", "curl", "openssl", "unshare", "mount", "sh", "setsid", "getent", "timeout",
		"useradd", "userdel", "chpasswd")
	start := time.Now()
	l := lab.New(t)
	dir := l.Dir
	u := lab.NewUser(t)
	cert := lab.NewCert(t, pasvLabName)
	p := decideFile(t, filepath.Join("..", "testdata", "scenarios", "home-dynamic-dns", "answers.yaml"), func(a *wizard.Answers) {
		a.Server.HostAddress = lab.SrvAddr
		a.Server.Vsftpd.Users = []string{u.Name}
		a.Server.TLS.Source, a.Server.TLS.KeyType, a.Server.TLS.LetsEncrypt = wizard.SourceOwn, wizard.KeyRSA, nil
		a.Server.TLS.CertFile, a.Server.TLS.KeyFile = cert.CertFile, cert.KeyFile
	})
	files, err := Render(p)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	unit := p.Server.Instances[0].Unit
	pre := unitValue(t, mustFile(t, files, pasvRefreshDropInFile(unit)), "ExecStartPre")
	record, ok := strings.CutPrefix(pre, "-")
	if !ok {
		t.Fatalf("ExecStartPre=%s: a failed record would stop vsftpd from starting (no '-')", pre)
	}
	check := unitValue(t, mustFile(t, files, pasvRefreshServiceFile), "ExecStart")

	for _, d := range []string{"run", "sbin", "bin", "empty"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pasvLabHosts(t, dir, pasvLabOld+" "+pasvLabName)
	// DNS stays inside the namespace: a name not in hosts fails at once.
	certLabWrite(t, filepath.Join(dir, "resolv.conf"), "nameserver 127.0.0.1\n", 0o644)
	certLabWrite(t, filepath.Join(dir, "sbin", filepath.Base(wizard.PasvRefreshScript)),
		string(mustFile(t, files, pasvRefreshScriptFile)), 0o755)
	certLabWrite(t, filepath.Join(dir, "vsftpd.conf"), reportLabPatch(string(mustFile(t, files, "server/vsftpd.conf")), map[string]string{
		"userlist_file": filepath.Join(dir, "user_list"), "secure_chroot_dir": filepath.Join(dir, "empty"),
		"local_root": u.Home, "vsftpd_log_file": filepath.Join(dir, "vsftpd.log"),
	}), 0o600)
	certLabWrite(t, filepath.Join(dir, "user_list"), u.Name+"\n", 0o644)
	certLabWrite(t, filepath.Join(dir, "openssl.cnf"), string(mustFile(t, files, vsftpdOpenSSLFile)), 0o644)
	certLabWrite(t, filepath.Join(dir, "bin", "systemctl"), fmt.Sprintf(`#!/bin/sh
echo "$*" >> %[1]s/systemctl.log
pidf=%[1]s/vsftpd.pid
running() { [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; }
case "$1" in
is-active) [ "$2" = --quiet ] && shift; [ "$2" = %[2]s ] && running ;;
is-failed) [ "$2" = --quiet ] && shift; [ "$2" = %[2]s ] && [ -f %[1]s/failed ] && ! running ;;
restart|try-restart)
	[ "$2" = %[2]s ] || exit 5
	[ "$1" = try-restart ] && ! running && exit 0
	if running; then
		pid=$(cat "$pidf"); kill -TERM -"$pid"; i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
	fi
	%[3]s
	OPENSSL_CONF=%[1]s/openssl.cnf setsid vsftpd %[1]s/vsftpd.conf 0<>%[1]s/vsftpd.out 1>&0 2>&0 &
	echo $! > "$pidf" ;;
*) exit 1 ;;
esac
`, dir, unit, record), 0o755)
	env := []string{"env", "PATH=" + filepath.Join(dir, "bin") + ":/usr/sbin:/usr/bin:/sbin:/bin"}
	run := func(args ...string) (string, error) {
		c := pasvLabCmd(dir, append(env, args...)...)
		so, se, err := l.Srv.Run(30*time.Second, c[0], c[1:]...)
		return so + se, err
	}
	pid := func() int {
		b, _ := os.ReadFile(filepath.Join(dir, "vsftpd.pid"))
		n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		return n
	}
	restarts := func() int {
		b, _ := os.ReadFile(filepath.Join(dir, "systemctl.log"))
		return strings.Count(string(b), "restart "+unit)
	}
	recorded := func() string {
		b, _ := os.ReadFile(filepath.Join(dir, "run", filepath.Base(wizard.PasvRefreshStateDir), unit))
		return strings.TrimSpace(string(b))
	}
	up := func() {
		t.Helper()
		if err := l.Srv.WaitTCP(lab.SrvAddr+":21", 10*time.Second); err != nil {
			b, _ := os.ReadFile(filepath.Join(dir, "vsftpd.out"))
			t.Fatalf("vsftpd does not listen: %v\n%s", err, b)
		}
	}
	if out, err := run("systemctl", "restart", unit); err != nil {
		t.Fatalf("start vsftpd: %v\n%s", err, out)
	}
	up()
	if got := recorded(); got != pasvLabOld {
		t.Fatalf("ExecStartPre recorded %q, want %s", got, pasvLabOld)
	}
	l.RouterNAT("21", fmt.Sprintf("%d-%d", p.Server.Passive.First, p.Server.Passive.Last))

	netrc := filepath.Join(dir, "netrc")
	certLabWrite(t, netrc, fmt.Sprintf("machine %s login %s password %s\n", pasvLabName, u.Name, u.Password), 0o600)
	// curl dials the name at the address the client's resolver has (the
	// dynamic-DNS record), verifies the certificate and honours the PASV
	// address, as strict clients do.
	curl := func(dial string, args ...string) (announced, out string, err error) {
		full := append([]string{"curl", "-sS", "-v", "--max-time", "20", "--connect-timeout", "4", "--ssl-reqd",
			"--cacert", cert.CertFile, "--disable-epsv", "--no-ftp-skip-pasv-ip", "--netrc-file", netrc,
			"--resolve", pasvLabName + ":21:" + dial}, args...)
		so, se, err := l.Cli.Run(30*time.Second, full[0], full[1:]...)
		if m := pasvReplyRE.FindStringSubmatch(se); m != nil {
			announced = strings.Join(m[1:5], ".")
		}
		return announced, so + se, err
	}
	list := "ftp://" + pasvLabName + ":21/upload/"
	if a, out, err := curl(pasvLabOld, list); err != nil || a != pasvLabOld {
		t.Fatalf("before the change: PASV announced %q (want %s), err %v\n%s", a, pasvLabOld, err, out)
	}
	// A session open before the change (a control connection to the old
	// address).
	old, err := l.Cli.Dial("tcp", pasvLabOld+":21", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	oldR := bufio.NewReader(old)
	_ = old.SetDeadline(time.Now().Add(5 * time.Second))
	if g, err := oldR.ReadString('\n'); err != nil || !strings.HasPrefix(g, "220") {
		t.Fatalf("greeting on the old address: %q %v", g, err)
	}

	// No change: the check restarts nothing.
	pid0 := pid()
	if out, err := run(strings.Fields(check)...); err != nil || pid() != pid0 || restarts() != 1 {
		t.Fatalf("check without a change: err %v, pid %d -> %d, %d restarts\n%s", err, pid0, pid(), restarts(), out)
	}

	// The home's address changes: the router's public address moves, the
	// dynamic-DNS record (this host's view and the client's) follows.
	// Deleted first (deleting a primary address deletes its secondaries),
	// which takes the interface's routes with it, as a PPP reconnect does.
	l.SrvRouter.MustRun("ip", "addr", "del", pasvLabOld+"/24", "dev", lab.WANIf)
	l.SrvRouter.MustRun("ip", "addr", "add", pasvLabNew+"/24", "dev", lab.WANIf)
	l.SrvRouter.MustRun("ip", "route", "replace", "192.0.2.0/24", "dev", lab.WANIf)
	pasvLabHosts(t, dir, pasvLabNew+" "+pasvLabName)

	// The session opened before the change lives on while something still
	// delivers the old address to the router (here the client router's
	// cached neighbour entry for it)...
	_ = old.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := old.Write([]byte("NOOP\r\n")); err != nil {
		t.Fatalf("write on the old session: %v", err)
	}
	if r, err := oldR.ReadString('\n'); err != nil {
		t.Fatalf("the old session died before the old address stopped reaching the router: %v", err)
	} else {
		t.Logf("old session, old address still delivered: %q", strings.TrimSpace(r))
	}
	// ...and is dead once the old address no longer leads to the router:
	// nothing answers for it any more.
	l.CliRouter.MustRun("ip", "neigh", "flush", "to", pasvLabOld, "dev", lab.WANIf)
	_ = old.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := old.Write([]byte("NOOP\r\n")); err == nil {
		if r, err := oldR.ReadString('\n'); err == nil {
			t.Fatalf("the session on the old address still answers after the old address is gone: %q", r)
		}
	}

	// Negative control: nothing has restarted vsftpd, so PASV still
	// announces the old address and the transfer fails.
	src := filepath.Join(dir, "up.bin")
	sum := lab.RandomFile(t, src, 256<<10)
	a, out, err := curl(pasvLabNew, "-T", src, list+"control.bin")
	if a != pasvLabOld || err == nil || !strings.Contains(out, "connect to "+pasvLabOld+" port ") {
		t.Fatalf("control: without the check PASV announced %q (want the old %s) and the upload err = %v\n%s", a, pasvLabOld, err, out)
	}
	t.Logf("control: PASV still announces %s, upload fails (curl names the data connection port 21): %s", a, lastLine(out))

	// The check: vsftpd restarts and announces the new address.
	out, err = run(strings.Fields(check)...)
	if err != nil || pid() == pid0 || restarts() != 2 || !strings.Contains(out, "restarting "+unit) {
		t.Fatalf("check after the change: err %v, pid %d -> %d, %d restarts\n%s", err, pid0, pid(), restarts(), out)
	}
	t.Logf("check: %s", strings.TrimSpace(out))
	up()
	if got := recorded(); got != pasvLabNew {
		t.Fatalf("record after the restart: %q, want %s", got, pasvLabNew)
	}
	if a, out, err := curl(pasvLabNew, "-T", src, list+"new.bin"); err != nil || a != pasvLabNew {
		t.Fatalf("after the check: PASV announced %q (want %s), upload err %v\n%s", a, pasvLabNew, err, out)
	}
	got := filepath.Join(dir, "down.bin")
	if a, out, err := curl(pasvLabNew, "-o", got, list+"new.bin"); err != nil || a != pasvLabNew {
		t.Fatalf("after the check: PASV announced %q (want %s), download err %v\n%s", a, pasvLabNew, err, out)
	}
	if s, _ := lab.SHA256File(got); s != sum {
		t.Fatalf("downloaded sha256 %s, uploaded %s", s, sum)
	}

	// Again with nothing changed, then with the lookup failing (no entry,
	// and no DNS server reachable from the namespace), then with a private
	// answer: no restart.
	pid1 := pid()
	for _, c := range []struct {
		hosts, log string
		fails      bool
	}{
		{pasvLabNew + " " + pasvLabName, "", false},
		{"", "failed or timed out", false},
		{"10.20.0.99 " + pasvLabName, "private address 10.20.0.99", true},
	} {
		pasvLabHosts(t, dir, c.hosts)
		out, err := run(strings.Fields(check)...)
		if (err != nil) != c.fails || pid() != pid1 || restarts() != 2 || !strings.Contains(out, c.log) ||
			(c.log == "" && out != "") {
			t.Fatalf("check with hosts %q: err %v (want failure: %v), pid %d -> %d, %d restarts, want log %q\n%s",
				c.hosts, err, c.fails, pid1, pid(), restarts(), c.log, out)
		}
	}

	// Stopped by the administrator (inactive, not failed): left alone.
	pasvLabHosts(t, dir, pasvLabNew+" "+pasvLabName)
	stop := func() {
		t.Helper()
		_ = syscall.Kill(-pid(), syscall.SIGTERM)
		for i := 0; i < 50 && syscall.Kill(pid(), 0) == nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	}
	stop()
	if out, err := run(strings.Fields(check)...); err != nil || restarts() != 2 || out != "" {
		t.Fatalf("check with vsftpd stopped: err %v, %d restarts (want 2)\n%s", err, restarts(), out)
	}
	// Failed at start because the name did not resolve (the stand-in says
	// failed; ExecStartPre found no address, so there is no record):
	// started once the name resolves.
	if err := os.Remove(filepath.Join(dir, "run", filepath.Base(wizard.PasvRefreshStateDir), unit)); err != nil {
		t.Fatal(err)
	}
	certLabWrite(t, filepath.Join(dir, "failed"), "", 0o644)
	out, err = run(strings.Fields(check)...)
	if err != nil || restarts() != 3 || !strings.Contains(out, "starting "+unit) {
		t.Fatalf("check with vsftpd failed: err %v, %d restarts (want 3)\n%s", err, restarts(), out)
	}
	up()
	if got := recorded(); got != pasvLabNew {
		t.Fatalf("record after the start: %q, want %s", got, pasvLabNew)
	}
	t.Logf("lab time %v", time.Since(start).Round(time.Millisecond))
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
