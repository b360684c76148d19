package generators

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The client lab proves that the generated lftp.rc, curl.sh and
// ftps_client.py really list, download and upload over TLS: a throwaway
// network namespace runs two real vsftpd processes on 127.0.0.1 (explicit
// FTPS on 21, implicit on 990) with require_ssl_reuse=YES, a real local user
// (created and removed by the test) logs in, and every file is compared by
// SHA-256. The server config is a parameter (clientLabServerConfig): the
// hand-written minimal config and the generated vsftpd.conf both run.

// clientLabCmdTimeout bounds every command the lab runs.
const clientLabCmdTimeout = 60 * time.Second

// clientLabInstance is one vsftpd process of the lab.
type clientLabInstance struct {
	Name     string // "explicit" or "implicit"
	Implicit bool
	Port     int
	// Paths inside the lab directory.
	CertFile, KeyFile string
	// UsersDir holds one chroot per user, UsersDir/<user>, non-writable
	// by the user, with a writable "upload" directory inside.
	UsersDir        string
	SecureChrootDir string
	UserListFile    string // lists the lab user
	LogFile         string
	// OpenSSLConf is the OpenSSL configuration vsftpd gets through
	// OPENSSL_CONF, as the generated unit sets it ("" for none).
	OpenSSLConf string
}

// clientLabServerConfig returns the vsftpd.conf of one instance.
type clientLabServerConfig func(t *testing.T, in clientLabInstance) string

// clientLabHandWritten is a minimal FTPS config with Debian 3.0.3 option
// names, independent of ftpswiz's own vsftpd renderer.
func clientLabHandWritten(_ *testing.T, in clientLabInstance) string {
	lines := []string{
		"listen=YES",
		"listen_ipv6=NO",
		"listen_address=127.0.0.1",
		"listen_port=" + strconv.Itoa(in.Port),
		"background=NO",
		"anonymous_enable=NO",
		"local_enable=YES",
		"write_enable=YES",
		"local_umask=022",
		"pam_service_name=vsftpd",
		"userlist_enable=YES",
		"userlist_deny=NO",
		"userlist_file=" + in.UserListFile,
		"chroot_local_user=YES",
		"user_sub_token=$USER",
		"local_root=" + in.UsersDir + "/$USER",
		"secure_chroot_dir=" + in.SecureChrootDir,
		"ssl_enable=YES",
		"rsa_cert_file=" + in.CertFile,
		"rsa_private_key_file=" + in.KeyFile,
		"allow_anon_ssl=NO",
		"force_local_logins_ssl=YES",
		"force_local_data_ssl=YES",
		"require_ssl_reuse=YES",
		"ssl_sslv2=NO",
		"ssl_sslv3=NO",
		"ssl_tlsv1=NO",
		"pasv_enable=YES",
		"pasv_min_port=50000",
		"pasv_max_port=50019",
		"port_enable=NO",
		"xferlog_enable=YES",
		"log_ftp_protocol=YES",
		"vsftpd_log_file=" + in.LogFile,
	}
	if in.Implicit {
		lines = append(lines, "implicit_ssl=YES")
	}
	return strings.Join(lines, "\n") + "\n"
}

// clientLabGenerated runs the vsftpd configs ftpswiz generated for the plan,
// changing only what must point into the lab: the address (127.0.0.1), the
// certificate, the chroot base, the user list and the logs.
func clientLabGenerated(files []File) clientLabServerConfig {
	return func(t *testing.T, in clientLabInstance) string {
		t.Helper()
		path := "server/vsftpd.conf"
		if in.Implicit {
			for _, f := range files {
				if f.Path == "server/vsftpd-implicit.conf" {
					path = f.Path
				}
			}
		}
		conf := ""
		for _, f := range files {
			if f.Path == path {
				conf = string(f.Content)
			}
		}
		if conf == "" {
			t.Fatalf("no %s among the generated files", path)
		}
		return clientLabPatch(t, conf, in.Implicit, map[string]string{
			"listen_address":       "127.0.0.1",
			"rsa_cert_file":        in.CertFile,
			"rsa_private_key_file": in.KeyFile,
			"local_root":           in.UsersDir + "/$USER",
			"secure_chroot_dir":    in.SecureChrootDir,
			"userlist_file":        in.UserListFile,
			"vsftpd_log_file":      in.LogFile,
			"log_ftp_protocol":     "YES",
		}, "pasv_address")
	}
}

// clientLabPatch sets keys of a vsftpd.conf (replacing or appending) and
// drops others; it checks the config really is the explicit or implicit one.
func clientLabPatch(t *testing.T, conf string, implicit bool, set map[string]string, drop ...string) string {
	t.Helper()
	var out []string
	done := map[string]bool{}
	isImplicit := false
	for _, line := range strings.Split(conf, "\n") {
		key, _, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			out = append(out, line)
			continue
		}
		if line == "implicit_ssl=YES" {
			isImplicit = true
		}
		if v, ok := set[key]; ok {
			out = append(out, key+"="+v)
			done[key] = true
			continue
		}
		dropped := false
		for _, d := range drop {
			dropped = dropped || key == d
		}
		if !dropped {
			out = append(out, line)
		}
	}
	if isImplicit != implicit {
		t.Fatalf("generated config: implicit_ssl=YES is %v, want %v", isImplicit, implicit)
	}
	for k, v := range set {
		if !done[k] {
			out = append(out, k+"="+v)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// clientLab is one running lab.
type clientLab struct {
	t        *testing.T
	dir      string
	nsPid    int
	nsInode  string
	user     string
	password string
	cert     string
	root     string // the user's chroot
	seedName string
	seedSum  string
	logs     []string
}

func clientLabRandHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func clientLabSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// clientLabRun runs a command with a timeout and returns its combined output.
func clientLabRun(ctx context.Context, env []string, stdin string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, clientLabCmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(out), fmt.Errorf("%s: timed out after %s: %w", name, clientLabCmdTimeout, ctx.Err())
	}
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return string(out), nil
}

// newClientLab makes the lab directory, certificate, user and namespace.
func newClientLab(t *testing.T) *clientLab {
	t.Helper()
	return newClientLabKey(t, "rsa")
}

// newClientLabKey is newClientLab with the certificate's key type: "rsa"
// (2048 bits) or "ecdsa" (P-256).
func newClientLabKey(t *testing.T, key string) *clientLab {
	t.Helper()
	l := &clientLab{t: t}
	dir, err := os.MkdirTemp("", "ftpswiz-clientlab-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	// vsftpd changes into the chroot as the user: every directory on the
	// way must be searchable.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	l.dir = dir
	for _, d := range []string{"home", "empty", "users", "client", "work"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}

	// A self-signed certificate for 127.0.0.1; clients trust it explicitly.
	l.cert = filepath.Join(dir, "cert.pem")
	newkey := []string{"-newkey", "rsa:2048"}
	if key == "ecdsa" {
		newkey = []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"}
	}
	args := append(append([]string{"req", "-x509"}, newkey...), "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
		"-addext", "subjectAltName=IP:127.0.0.1", "-keyout", filepath.Join(dir, "key.pem"), "-out", l.cert)
	if out, err := clientLabRun(context.Background(), os.Environ(), "", "openssl", args...); err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}

	// A real local user with a login shell (Debian's PAM stack has
	// pam_shells), chrooted into a non-writable root with a writable upload
	// directory.
	l.user = "fzc" + clientLabRandHex(t, 4)
	l.password = "P" + clientLabRandHex(t, 12)
	l.root = filepath.Join(dir, "users", l.user)
	if err := os.MkdirAll(filepath.Join(l.root, "upload"), 0o755); err != nil {
		t.Fatal(err)
	}
	l.addUser()
	if out, err := clientLabRun(context.Background(), os.Environ(), "", "chown", l.user+":", filepath.Join(l.root, "upload")); err != nil {
		t.Fatalf("chown: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "user_list"), []byte(l.user+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l.seedName = "seed-" + clientLabRandHex(t, 4) + ".bin"
	seed := make([]byte, 256<<10)
	if _, err := rand.Read(seed); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(l.root, l.seedName), seed, 0o644); err != nil {
		t.Fatal(err)
	}
	l.seedSum = clientLabSum(t, filepath.Join(l.root, l.seedName))

	l.newNamespace()
	return l
}

// addUser creates the lab user (retrying while another test holds the
// passwd lock) and removes it at cleanup.
func (l *clientLab) addUser() {
	t := l.t
	var out string
	var err error
	for i := 0; i < 20; i++ {
		out, err = clientLabRun(context.Background(), os.Environ(), "", "useradd", "-M", "-d", l.root, "-s", "/bin/bash", l.user)
		if err == nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("useradd: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		for i := 0; i < 20; i++ {
			if _, err := clientLabRun(context.Background(), os.Environ(), "", "userdel", l.user); err == nil {
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Errorf("userdel %s failed; remove the user by hand", l.user)
	})
	if out, err := clientLabRun(context.Background(), os.Environ(), l.user+":"+l.password+"\n", "chpasswd"); err != nil {
		t.Fatalf("chpasswd: %v\n%s", err, out)
	}
}

// newNamespace starts a process holding a fresh network namespace with its
// loopback up; cleanup kills every process in that namespace, by pid.
func (l *clientLab) newNamespace() {
	t := l.t
	self, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	holder := exec.Command("unshare", "--net", "--", "sleep", "3600")
	if err := holder.Start(); err != nil {
		t.Fatalf("unshare: %v", err)
	}
	l.nsPid = holder.Process.Pid
	t.Cleanup(func() {
		l.killNamespace()
		_ = holder.Process.Kill()
		_ = holder.Wait()
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", l.nsPid))
		if err == nil && ns != self {
			l.nsInode = ns
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("namespace of pid %d did not appear", l.nsPid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if out, err := l.ns(nil, "", "ip", "link", "set", "lo", "up"); err != nil {
		t.Fatalf("ip link set lo up: %v\n%s", err, out)
	}
}

// killNamespace kills any process left in the lab's namespace (vsftpd
// session processes), by pid.
func (l *clientLab) killNamespace() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == l.nsPid {
			continue
		}
		if ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid)); err == nil && ns == l.nsInode {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// ns runs a command inside the lab namespace with HOME set to the lab (so no
// ~/.lftprc, ~/.curlrc or ~/.netrc of the machine interferes).
func (l *clientLab) ns(extraEnv []string, stdin string, name string, args ...string) (string, error) {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(l.dir, "home"), "LANG=C.UTF-8"}
	env = append(env, extraEnv...)
	full := append([]string{fmt.Sprintf("--net=/proc/%d/ns/net", l.nsPid), "--", name}, args...)
	return clientLabRun(context.Background(), env, stdin, "nsenter", full...)
}

// start runs one vsftpd instance in the namespace and waits until it listens.
func (l *clientLab) start(in clientLabInstance, config clientLabServerConfig) {
	t := l.t
	conf := filepath.Join(l.dir, "vsftpd-"+in.Name+".conf")
	if err := os.WriteFile(conf, []byte(config(t, in)), 0o600); err != nil {
		t.Fatal(err)
	}
	// vsftpd prints "500 OOPS" to file descriptor 0, so give it a
	// read-write file there.
	console, err := os.OpenFile(filepath.Join(l.dir, "vsftpd-"+in.Name+".console"), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer console.Close()
	cmd := exec.Command("nsenter", fmt.Sprintf("--net=/proc/%d/ns/net", l.nsPid), "--", "vsftpd", conf)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = console, console, console
	if in.OpenSSLConf != "" {
		cmd.Env = append(os.Environ(), "OPENSSL_CONF="+in.OpenSSLConf)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("vsftpd %s: %v", in.Name, err)
	}
	l.logs = append(l.logs, in.LogFile, console.Name())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, _ := l.ns(nil, "", "ss", "-Hltn", "sport", "=", ":"+strconv.Itoa(in.Port))
		if strings.TrimSpace(out) != "" {
			break
		}
		select {
		case err := <-exited:
			b, _ := os.ReadFile(console.Name())
			t.Fatalf("vsftpd %s exited (%v): %s\nconfig:\n%s", in.Name, err, b, config(t, in))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("vsftpd %s does not listen on port %d", in.Name, in.Port)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
}

// dumpLogs prints the servers' logs when a test failed.
func (l *clientLab) dumpLogs() {
	if !l.t.Failed() {
		return
	}
	for _, f := range l.logs {
		b, err := os.ReadFile(f)
		if err == nil && len(b) > 0 {
			l.t.Logf("--- %s (last 4 KiB)\n%s", filepath.Base(f), clientLabTail(b, 4096))
		}
	}
}

func clientLabTail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// clientLabPlan decodes testdata/clients/NAME.yaml, puts the lab user in
// and runs Decide.
func clientLabPlan(t *testing.T, name, user string) *wizard.Plan {
	t.Helper()
	return decideFile(t, filepath.Join("..", "testdata", "clients", name+".yaml"), func(a *wizard.Answers) {
		a.Client.User = user
		if a.Server != nil {
			a.Server.Vsftpd.Users = []string{user}
		}
	})
}

// clientLabWrite writes the rendered files under dir.
func clientLabWrite(t *testing.T, dir string, files []File) {
	t.Helper()
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Content, f.Mode); err != nil {
			t.Fatal(err)
		}
	}
}

func TestClientLabTransfers(t *testing.T) {
	lab.Require(t, "vsftpd", "lftp", "curl", "python3", "rclone", "openssl", "unshare", "nsenter", "ss",
		"useradd", "userdel", "chpasswd", "chown", "bash")
	// The hand-written server has vsftpd's cipher default (RSA suites) and
	// an RSA certificate; the generated one gets the key type its plan
	// chose, and runs with the OpenSSL configuration its unit sets (TLS
	// capped at 1.2), as on the server.
	cases := []struct {
		name    string
		answers string // testdata/clients/NAME.yaml
		server  func(files []File) clientLabServerConfig
		key     string
	}{
		{"hand-written vsftpd.conf", "lab-client", func([]File) clientLabServerConfig { return clientLabHandWritten }, "rsa"},
		{"generated vsftpd.conf", "lab-both", clientLabGenerated, "ecdsa"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newClientLabKey(t, tc.key)
			defer l.dumpLogs()
			p := clientLabPlan(t, tc.answers, l.user)
			if p.Server != nil && string(p.Server.Cert.KeyType) != tc.key {
				t.Fatalf("the plan's certificate key is %s, the lab's %s", p.Server.Cert.KeyType, tc.key)
			}
			if !p.Client.RequireSSLReuse {
				t.Fatal("the lab must prove session reuse: the plan does not require it")
			}
			files, err := Render(p)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(l.dir, "out")
			clientLabWrite(t, out, files)
			config := tc.server(files)
			sslConf := ""
			for _, f := range files {
				if f.Path == "server/vsftpd-openssl.cnf" {
					sslConf = filepath.Join(out, filepath.FromSlash(f.Path))
				}
			}
			for _, e := range p.Client.Endpoints {
				l.start(clientLabInstance{
					OpenSSLConf: sslConf,
					Name:        e.Name(), Implicit: e.Implicit, Port: e.Port,
					CertFile: l.cert, KeyFile: filepath.Join(l.dir, "key.pem"),
					UsersDir: filepath.Join(l.dir, "users"), SecureChrootDir: filepath.Join(l.dir, "empty"),
					UserListFile: filepath.Join(l.dir, "user_list"),
					LogFile:      filepath.Join(l.dir, "vsftpd-"+e.Name()+".log"),
				}, config)
			}
			if len(p.Client.Endpoints) != 2 {
				t.Fatalf("the lab plan should have both endpoints, has %v", p.Client.Endpoints)
			}
			t.Run("stock ftplib is refused (session reuse is really required)", func(t *testing.T) {
				l.stockFtplibRefused(t, p.Client.Endpoints[0].Port)
			})
			for _, e := range p.Client.Endpoints {
				for _, client := range []string{"lftp", "curl", "python", "rclone"} {
					t.Run(client+"/"+e.Name(), func(t *testing.T) {
						l.transfer(t, out, client, e)
					})
				}
			}
		})
	}
}

// transfer lists, downloads the seed file and uploads a fresh file with one
// generated client on one endpoint, and checks all three.
func (l *clientLab) transfer(t *testing.T, out, client string, e wizard.Endpoint) {
	work := filepath.Join(l.dir, "work")
	tag := client + "-" + e.Name()
	up := filepath.Join(work, "up-"+tag+".bin")
	upData := make([]byte, 96<<10+int(e.Port))
	if _, err := rand.Read(upData); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(up, upData, 0o644); err != nil {
		t.Fatal(err)
	}
	down := filepath.Join(work, "down-"+tag+".bin")
	label := "ftps-" + e.Name()

	var listing string
	steps := [][]string{}
	var env []string
	switch client {
	case "lftp":
		env = []string{"LFTP_PASSWORD=" + l.password}
		script := fmt.Sprintf("set ssl:ca-file %s; source %s; %s --env-password && ls && get %s -o %s && put %s -o upload/%s && ls upload/",
			l.cert, filepath.Join(out, "client", "lftp.rc"), label, l.seedName, down, up, filepath.Base(up))
		steps = append(steps, []string{"lftp", "-c", script})
	case "curl":
		netrc := filepath.Join(l.dir, "netrc")
		if err := os.WriteFile(netrc, []byte(fmt.Sprintf("machine 127.0.0.1 login %s password %s\n", l.user, l.password)), 0o600); err != nil {
			t.Fatal(err)
		}
		env = []string{"FTPS_NETRC=" + netrc, "FTPS_CA_FILE=" + l.cert}
		sh := filepath.Join(out, "client", "curl.sh")
		steps = append(steps,
			[]string{"bash", sh, e.Name(), "list"},
			[]string{"bash", sh, e.Name(), "download", l.seedName, down},
			[]string{"bash", sh, e.Name(), "upload", up, "upload/"},
			[]string{"bash", sh, e.Name(), "list", "upload"})
	case "rclone":
		// The header's way for unattended runs: the password stored
		// obscured with rclone's own command (in a copy: the tests share
		// the generated file); the certificate through SSL_CERT_FILE.
		conf := filepath.Join(l.dir, "rclone-"+tag+".conf")
		data, err := os.ReadFile(filepath.Join(out, "client", "rclone.conf"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(conf, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if o, err := l.ns(nil, "", "rclone", "--config", conf, "config", "password", label, "pass", l.password); err != nil {
			t.Fatalf("rclone config password: %v\n%s", err, o)
		}
		base := []string{"rclone", "--config", conf, "--contimeout", "10s", "--timeout", "20s", "--low-level-retries", "1", "--retries", "1"}
		steps = append(steps,
			append(append([]string{}, base...), "lsf", label+":"),
			append(append([]string{}, base...), "copyto", label+":"+l.seedName, down),
			append(append([]string{}, base...), "copyto", up, label+":upload/"+filepath.Base(up)),
			append(append([]string{}, base...), "lsf", label+":upload"))
		// Control: without the certificate rclone refuses the server (it
		// verifies; the file never turns that off).
		if o, err := l.ns(nil, "", base[0], append(append([]string{}, base[1:]...), "lsf", label+":")...); err == nil ||
			!strings.Contains(o, "certificate") {
			t.Fatalf("rclone without SSL_CERT_FILE: err %v, want a certificate error:\n%s", err, o)
		}
		env = []string{"SSL_CERT_FILE=" + l.cert}
	case "python":
		env = []string{"FTPS_PASSWORD=" + l.password}
		py := filepath.Join(out, "client", "ftps_client.py")
		base := []string{"python3", py, "--endpoint", e.Name(), "--ca-file", l.cert}
		steps = append(steps,
			append(append([]string{}, base...), "list"),
			append(append([]string{}, base...), "download", l.seedName, down),
			append(append([]string{}, base...), "upload", up, "upload"),
			append(append([]string{}, base...), "list", "upload"))
	}
	for _, s := range steps {
		o, err := l.ns(env, "", s[0], s[1:]...)
		if err != nil {
			t.Fatalf("%v\n%s", err, o)
		}
		listing += o
	}
	if !strings.Contains(listing, l.seedName) {
		t.Errorf("listing does not show %s:\n%s", l.seedName, listing)
	}
	if !strings.Contains(listing, filepath.Base(up)) {
		t.Errorf("listing of upload/ does not show %s:\n%s", filepath.Base(up), listing)
	}
	if got := clientLabSum(t, down); got != l.seedSum {
		t.Errorf("downloaded file: sha256 %s, want %s", got, l.seedSum)
	}
	onServer := filepath.Join(l.root, "upload", filepath.Base(up))
	if got, want := clientLabSum(t, onServer), clientLabSum(t, up); got != want {
		t.Errorf("uploaded file on the server: sha256 %s, want %s", got, want)
	}
}

// stockFtplibRefused shows that vsftpd really demands TLS session reuse:
// Python's unmodified FTP_TLS logs in but its first data connection fails
// with 522. Without this, the Python script's success would prove nothing.
func (l *clientLab) stockFtplibRefused(t *testing.T, port int) {
	prog := fmt.Sprintf(`
import ftplib, os, ssl, sys
f = ftplib.FTP_TLS(context=ssl.create_default_context(cafile=%q), timeout=20)
f.connect("127.0.0.1", %d)
f.login(%q, os.environ["FTPS_PASSWORD"])
f.prot_p()
try:
    f.nlst()
except ftplib.error_perm as e:
    print("refused:", e)
    sys.exit(0)
print("stock FTP_TLS listed without session reuse")
sys.exit(1)
`, l.cert, port, l.user)
	out, err := l.ns([]string{"FTPS_PASSWORD=" + l.password}, "", "python3", "-c", prog)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "522") {
		t.Errorf("want 522 session reuse required, got:\n%s", out)
	}
}
