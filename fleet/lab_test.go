package fleet_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
)

// The fleet proof: Debian's ansible-playbook runs the generated project
// against lab namespaces. Each inventory host is a namespace: connection
// local, with Python started through `ip netns exec NS`, so every module
// (and every command it runs: nft, vsftpd) acts inside that namespace only.
// The files the playbook installs go under a per-host throwaway root
// (ftpswiz_root); vsftpd is started by the lab's restart command in a
// private mount namespace where that root's etc/ is laid over /etc (an
// overlay) and var/log is bound, so no file of the host's /etc changes.

const ansibleTimeout = 240 * time.Second

func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

func buildFtpswiz(t *testing.T, dir string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go build needs the go tool on PATH: %v", err)
	}
	bin := filepath.Join(dir, "ftpswiz")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", bin, "github.com/ftpswiz/ftpswiz/cmd/ftpswiz")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func run(t *testing.T, timeout time.Duration, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("%s timed out after %v: %w", name, timeout, err)
	}
	return string(out), err
}

// fleetAnswers is the lab's fleet: the classic fleet file's shape with the
// lab's user, certificate and directories. The router and the client site
// are shared (the default): each has a firewall of its own
// (officeRouterFirewall, lab.EgressFilterNftables) that the playbook's rules join.
func fleetAnswers(u *lab.User, cert *lab.Cert, dir string, ftpBClients int) string {
	return fmt.Sprintf(`version: 1
fleet:
  name: lab
  serial: 2
defaults:
  role: server
  ftps:
    mode: explicit
  server:
    public_address: 198.51.100.10
    nat: port-forward
    router:
      wan_interface: wan0
      lan_interface: lan0
    allowed_clients: [192.0.2.20/32]
    admin_network: 10.20.0.0/24
    capacity:
      concurrent_transfers: 8
    tls:
      cert_file: %[2]s
      key_file: %[3]s
    vsftpd:
      users: [%[1]s]
  firewalls: [nftables, iptables]
servers:
  - name: ftp-a
    router: office-gw
    answers:
      server:
        host_address: 10.20.0.2
        vsftpd:
          local_root: %[4]s/srv-a
  - name: ftp-b
    router: office-gw
    answers:
      server:
        host_address: 10.20.0.3
        capacity:
          concurrent_transfers: 12
          concurrent_clients: %[5]d
        vsftpd:
          local_root: %[4]s/srv-b
client_sites:
  - name: site-1
    answers:
      client:
        nat: none
        software: [lftp, curl]
`, u.Name, cert.CertFile, cert.KeyFile, dir, ftpBClients)
}

// officeRouterFirewall is the office router's own firewall before the
// playbook: Debian's nftables.conf layout, a forward policy of its own (the
// LAN may go out, nothing comes in).
const officeRouterFirewall = `flush ruleset
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "lan0" oifname "wan0" accept
	}
	chain output {
		type filter hook output priority filter;
	}
}
`

// restartScript starts (or restarts) vsftpd for a unit, as the lab's
// ftpswiz_restart_command: ROOT UNIT. It runs inside the host's namespace
// (the playbook's Python does), in a private mount namespace.
const restartScript = `#!/bin/sh
set -eu
root=$1
unit=$2
[ "$unit" = vsftpd.service ] || { echo "unknown unit $unit" >&2; exit 2; }
pidf="$root/vsftpd.pid"
if [ -s "$pidf" ]; then
  pid=$(cat "$pidf")
  kill "$pid" 2>/dev/null || true
  i=0
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
fi
mkdir -p "$root/etc" "$root/var/log"
setsid unshare --mount --propagation private sh -c '
  mount -t overlay overlay -o lowerdir="$1/etc":/etc /etc &&
  mount --bind "$1/var/log" /var/log &&
  if [ -f /etc/ssl/vsftpd-openssl.cnf ]; then export OPENSSL_CONF=/etc/ssl/vsftpd-openssl.cnf; fi &&
  exec vsftpd /etc/vsftpd.conf' sh "$root" </dev/null >"$root/vsftpd.out" 2>&1 &
echo $! >"$pidf"
i=0
while ! grep -q ':0015 \|:0849 ' /proc/net/tcp 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
kill -0 "$(cat "$pidf")"
`

type fleetLab struct {
	t       *testing.T
	f       *lab.Fleet
	bin     string
	out     string
	answers string
	extra   string
	user    *lab.User
	cert    *lab.Cert
	roots   string
}

func (fl *fleetLab) generate(ftpBClients int) {
	t := fl.t
	if err := os.WriteFile(fl.answers, []byte(fleetAnswers(fl.user, fl.cert, fl.f.Dir, ftpBClients)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, time.Minute, fl.f.Dir, nil, fl.bin, "generate", "--answers", fl.answers, "--out", fl.out, "--force"); err != nil {
		t.Fatalf("ftpswiz generate: %v\n%s", err, out)
	}
}

func (fl *fleetLab) playbook(args ...string) (string, error) {
	fl.t.Helper()
	start := time.Now()
	defer func() {
		fl.t.Logf("ansible-playbook %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	}()
	a := append([]string{"site.yml", "-e", "@" + fl.extra}, args...)
	return run(fl.t, ansibleTimeout, filepath.Join(fl.out, "ansible"), []string{"ANSIBLE_NOCOLOR=1", "ANSIBLE_PIPELINING=1",
		"ANSIBLE_LOCAL_TEMP=" + filepath.Join(fl.f.Dir, "ansible-tmp"), "ANSIBLE_REMOTE_TEMP=" + filepath.Join(fl.f.Dir, "ansible-tmp"),
		"HOME=" + fl.f.Dir}, "ansible-playbook", a...)
}

var recapRE = regexp.MustCompile(`(?m)^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)`)

// recap returns each host's changed and failed counts from the PLAY RECAP.
func recap(t *testing.T, out string) map[string][2]int {
	t.Helper()
	m := map[string][2]int{}
	for _, g := range recapRE.FindAllStringSubmatch(out, -1) {
		ch, _ := strconv.Atoi(g[3])
		fail, _ := strconv.Atoi(g[5])
		m[g[1]] = [2]int{ch, fail}
	}
	if len(m) == 0 {
		t.Fatalf("no PLAY RECAP in the output:\n%s", out)
	}
	return m
}

// transfer uploads a random file to the server at port through the NAT
// router with strict lftp (certificate verified, PASV address used as is),
// downloads it again and compares sha256 sums.
func (fl *fleetLab) transfer(port int) error {
	data := make([]byte, 256<<10)
	rand.Read(data)
	sum := sha256.Sum256(data)
	src := filepath.Join(fl.f.Dir, fmt.Sprintf("up-%d.bin", port))
	back := filepath.Join(fl.f.Dir, fmt.Sprintf("down-%d.bin", port))
	os.Remove(back)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		return err
	}
	out, err := fl.f.Cli.Lftp(30*time.Second, lab.SrvPublicAddr, fl.user, lab.LftpOptions{Port: port, CAFile: fl.cert.CertFile},
		"cd upload", "put "+src+" -o data.bin", "get data.bin -o "+back, "rm data.bin")
	if err != nil {
		return fmt.Errorf("lftp to port %d: %v\n%s", port, err, out)
	}
	got, err := os.ReadFile(back)
	if err != nil {
		return err
	}
	if s := sha256.Sum256(got); s != sum {
		return fmt.Errorf("port %d: sha256 %s, sent %s", port, hex.EncodeToString(s[:]), hex.EncodeToString(sum[:]))
	}
	return nil
}

func TestFleetPlaybookInLab(t *testing.T) {
	lab.Require(t, "ansible-playbook", "vsftpd", "lftp", "nft", "unshare", "openssl")
	f := lab.NewFleet(t)
	fl := &fleetLab{t: t, f: f, user: lab.NewUser(t), cert: lab.NewCert(t, lab.SrvPublicAddr),
		out: filepath.Join(f.Dir, "out"), answers: filepath.Join(f.Dir, "fleet.yaml"), roots: filepath.Join(f.Dir, "roots")}
	fl.bin = buildFtpswiz(t, f.Dir)
	// The lab's user is chrooted in local_root/<user>: the playbook makes
	// those directories; the account itself is the lab's.
	for _, d := range []string{"srv-a", "srv-b", "roots", "ansible-tmp"} {
		if err := os.MkdirAll(filepath.Join(f.Dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	script := filepath.Join(f.Dir, "restart-vsftpd.sh")
	if err := os.WriteFile(script, []byte(restartScript), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, h := range []string{"ftp-a", "ftp-b"} {
			if b, err := os.ReadFile(filepath.Join(fl.roots, h, "vsftpd.pid")); err == nil {
				if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 1 {
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
	})
	fl.extra = filepath.Join(f.Dir, "lab-vars.yml")
	extra := fmt.Sprintf(`ansible_connection: local
ansible_python_interpreter: "ip netns exec {{ lab_netns[inventory_hostname] }} /usr/bin/python3"
lab_netns: {ftp-a: %s, ftp-b: %s, office-gw: %s, site-1: %s}
ftpswiz_root: "%s/{{ inventory_hostname }}"
ftpswiz_bin: %s
ftpswiz_service_manager: command
ftpswiz_restart_command: ["%s", "{{ ftpswiz_root }}"]
vsftpd_manage_package: false
vsftpd_manage_accounts: false
ftpswiz_probe_args: [--ca, "%s", --user, "%s", --password-env, FTPSWIZ_LAB_PASSWORD, --timeout, 20s]
ftpswiz_probe_environment: {FTPSWIZ_LAB_PASSWORD: "%s"}
`, f.Srv.Name, f.Srv2.Name, f.SrvRouter.Name, f.Cli.Name, fl.roots, fl.bin, script, fl.cert.CertFile, fl.user.Name, fl.user.Password)
	if err := os.WriteFile(fl.extra, []byte(extra), 0o600); err != nil {
		t.Fatal(err)
	}
	// The client site's router masquerades (nat none from the site's
	// point of view: the lab's router, not the site's, does it).
	f.CliRouter.MustNFT(lab.MasqueradeRuleset)
	// The shared boxes' own firewalls, which the playbook's rules join.
	f.SrvRouter.MustNFT(officeRouterFirewall)
	f.Cli.MustNFT(lab.EgressFilterNftables)
	fl.generate(12)

	if out, err := fl.playbook("--syntax-check"); err != nil {
		t.Fatalf("ansible-playbook --syntax-check: %v\n%s", err, out)
	}
	// Negative control: before the playbook, nothing reaches the servers.
	if c, err := f.Cli.Dial("tcp", lab.SrvPublicAddr+":21", 3*time.Second); err == nil {
		c.Close()
		t.Fatal("control: the server's control port answered before the playbook ran (the lab is not empty)")
	}

	// Negative control of the first play: without ftpswiz on the targets
	// the playbook stops, naming the host, before it changes anything.
	if out, err := fl.playbook("-e", "ftpswiz_bin=/nonexistent/ftpswiz"); err == nil ||
		!strings.Contains(out, "/nonexistent/ftpswiz does not run on ftp-a") {
		t.Fatalf("the playbook without ftpswiz on the targets: err %v, want a stop naming ftp-a:\n%s", err, out)
	}
	if entries, _ := os.ReadDir(fl.roots); len(entries) != 0 {
		t.Fatalf("the playbook stopped for the missing ftpswiz, but wrote under %s: %v", fl.roots, entries)
	}

	out, err := fl.playbook()
	if err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	for h, r := range recap(t, out) {
		if r[1] != 0 {
			t.Errorf("first run: %s failed=%d", h, r[1])
		}
	}
	// The playbook's files went under the throwaway roots, none into the
	// host's /etc.
	for _, p := range []string{"ftp-a/etc/vsftpd.conf", "ftp-b/etc/ftpswiz/server-host.nft", "office-gw/etc/ftpswiz/server-router.nft",
		"office-gw/etc/sysctl.d/90-ftpswiz.conf", "site-1/etc/ftpswiz/clients/ftp-b/lftp.rc"} {
		if _, err := os.Stat(filepath.Join(fl.roots, p)); err != nil {
			t.Errorf("the playbook did not install %s: %v", p, err)
		}
	}
	for _, p := range []string{"/etc/ftpswiz", "/etc/sysctl.d/90-ftpswiz.conf", "/etc/vsftpd.user_list", "/etc/ssl/vsftpd-openssl.cnf"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s exists on the host: the lab must not write the host's /etc", p)
		}
	}
	if !strings.Contains(out, "Every server passes the probe") {
		t.Errorf("the probe play did not run:\n%s", out)
	}
	// The shared boxes keep their own policies; the rules joined them.
	for _, c := range []struct {
		ns    *lab.Namespace
		chain string
	}{{f.SrvRouter, "forward"}, {f.Cli, "output"}} {
		if out := c.ns.MustRun("nft", "list", "chain", "inet", "filter", c.chain); !strings.Contains(out, "policy drop") ||
			!strings.Contains(out, "jump ftpswiz_"+c.chain) {
			t.Errorf("%s: its own %s chain lost its policy or has no jump to ftpswiz's:\n%s", c.ns.Role, c.chain, out)
		}
	}
	for _, port := range []int{21, 2121} {
		if err := fl.transfer(port); err != nil {
			t.Fatalf("after the first run: %v", err)
		}
	}

	// Second run: nothing changes.
	out, err = fl.playbook()
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	for h, r := range recap(t, out) {
		if r[0] != 0 {
			t.Errorf("second run: %s changed=%d, want 0\n%s", h, r[0], out)
		}
	}

	// One changed answer (ftp-b's concurrent_clients): check mode shows
	// that change and nothing else, and changes nothing.
	installedB := filepath.Join(fl.roots, "ftp-b", "etc", "vsftpd.conf")
	before, err := os.ReadFile(installedB)
	if err != nil {
		t.Fatal(err)
	}
	fl.generate(20)
	out, err = fl.playbook("--check", "--diff")
	if err != nil {
		t.Fatalf("check run: %v\n%s", err, out)
	}
	rc := recap(t, out)
	for h, r := range rc {
		want := 0
		if h == "ftp-b" {
			want = 1
		}
		if r[0] != want {
			t.Errorf("--check --diff after changing ftp-b's concurrent_clients: %s changed=%d, want %d\n%s", h, r[0], want, out)
		}
	}
	// The diff: one file (ftp-b's vsftpd.conf), whose settings change in
	// max_clients and max_per_ip only (per_client_limit defaults to
	// concurrent_clients); the rest is their comments.
	var settings []string
	files := 0
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "--- before: "):
			files++
			if !strings.HasSuffix(l, "ftp-b/etc/vsftpd.conf") {
				t.Errorf("--check --diff shows a change of %s", strings.TrimPrefix(l, "--- before: "))
			}
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"), strings.HasPrefix(l, "-#"), strings.HasPrefix(l, "+#"):
		case strings.HasPrefix(l, "+"), strings.HasPrefix(l, "-"):
			settings = append(settings, l)
		}
	}
	want := []string{"-max_clients=12", "+max_clients=20", "-max_per_ip=12", "+max_per_ip=20"}
	if files != 1 || strings.Join(settings, " ") != strings.Join(want, " ") {
		t.Errorf("--check --diff shows %d file(s), settings %q; want 1 file, %q\n%s", files, settings, want, out)
	}
	if after, _ := os.ReadFile(installedB); string(after) != string(before) {
		t.Error("--check changed ftp-b's installed vsftpd.conf")
	}

	// A broken config is refused by validate; the running server keeps
	// serving with the config it has.
	installedA := filepath.Join(fl.roots, "ftp-a", "etc", "vsftpd.conf")
	confA, err := os.ReadFile(installedA)
	if err != nil {
		t.Fatal(err)
	}
	pidA, _ := os.ReadFile(filepath.Join(fl.roots, "ftp-a", "vsftpd.pid"))
	gen := filepath.Join(fl.out, "servers", "ftp-a", "builds", "debian-3.0.3", "server", "vsftpd.conf")
	g, err := os.ReadFile(gen)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gen, append(g, []byte("ssl_tlsv12=YES\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = fl.playbook("--limit", "ftp-a")
	if err == nil || !strings.Contains(out, "failed to validate") {
		t.Fatalf("a config with an option Debian's vsftpd does not know was not refused by validate (err %v):\n%s", err, out)
	}
	if now, _ := os.ReadFile(installedA); string(now) != string(confA) {
		t.Error("the refused config replaced ftp-a's installed one")
	}
	if now, _ := os.ReadFile(filepath.Join(fl.roots, "ftp-a", "vsftpd.pid")); string(now) != string(pidA) {
		t.Error("ftp-a's vsftpd was restarted after a refused config")
	}
	if err := fl.transfer(21); err != nil {
		t.Fatalf("ftp-a stopped serving after the refused config: %v", err)
	}
}
