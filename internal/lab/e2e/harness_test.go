package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Bounds. Every command and every wait in this package has one.
const (
	buildTimeout    = 3 * time.Minute  // go build of cmd/ftpswiz (cold cache)
	generateTimeout = 30 * time.Second // ftpswiz generate
	setupTimeout    = 20 * time.Second // a shell step from REPORT.md
	startTimeout    = 10 * time.Second // vsftpd until its control port answers
	xferTimeout     = 60 * time.Second // one client command that should succeed
	failTimeout     = 20 * time.Second // one client command that should fail
	quietTimeout    = 10 * time.Second // sessions of the previous phase to end
)

// tools the lab drives; Require fails (CI=true) or skips when one is missing.
var labTools = []string{"vsftpd", "lftp", "curl", "nft", "iptables", "iptables-restore", "openssl", "tc",
	"useradd", "userdel", "chpasswd", "usermod", "unshare", "mount", "bash"}

func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found from the package directory: %v", err)
	}
	return root
}

// buildFtpswiz builds the real CLI once per top-level test. The lab runs the
// binary, not the packages in-process, because that is what users run: flag
// parsing, answers decoding and normalising, flavour handling and the output
// directory writer (file names, modes) are all part of what is proved.
func buildFtpswiz(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		//lint:ignore SA1019 tests run where they were built: this is the toolchain that is running them
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "ftpswiz")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", bin, "github.com/ftpswiz/ftpswiz/cmd/ftpswiz")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/ftpswiz: %v\n%s", err, out)
	}
	return bin
}

// labValues are the only answers the lab changes before generating: what
// cannot be known when the answers file is written (a per-test user,
// directory and certificate).
type labValues struct {
	User      string    // server.vsftpd.users and client.user
	LocalRoot string    // server.vsftpd.local_root (the chroot parent)
	Cert      *lab.Cert // server.tls.cert_file, server.tls.key_file
}

// generate decodes the answers file strictly, puts the lab values in,
// encodes it again and runs `ftpswiz generate` on it. edit (may be nil)
// changes answers further (the measurement uses it). It returns the output
// directory.
func generate(t *testing.T, bin, answersFile string, v labValues, edit func(*wizard.Answers)) string {
	t.Helper()
	data, err := os.ReadFile(answersFile)
	if err != nil {
		t.Fatal(err)
	}
	a, err := wizard.DecodeAnswers(data)
	if err != nil {
		t.Fatalf("%s: %v", answersFile, err)
	}
	if a.Server != nil {
		a.Server.Vsftpd.Users = []string{v.User}
		a.Server.Vsftpd.LocalRoot = v.LocalRoot
		a.Server.TLS.CertFile = v.Cert.CertFile
		a.Server.TLS.KeyFile = v.Cert.KeyFile
	}
	if a.Client != nil {
		a.Client.User = v.User
	}
	if edit != nil {
		edit(&a)
	}
	enc, err := wizard.EncodeAnswers(a)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimSuffix(filepath.Base(answersFile), ".yaml")
	dir := filepath.Join(lab.TempDir(t), "out-"+name)
	for i := 2; ; i++ {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			break
		}
		dir = filepath.Join(lab.TempDir(t), fmt.Sprintf("out-%s-%d", name, i))
	}
	answers := lab.WriteFile(t, filepath.Base(dir)+"-answers.yaml", string(enc))
	ctx, cancel := context.WithTimeout(context.Background(), generateTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "generate", "--answers", answers, "--out", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("ftpswiz generate --answers %s: %v\n%s\nanswers:\n%s", answersFile, err, out, enc)
	}
	return dir
}

// reportBlock returns the first ```sh block after the first line of
// REPORT.md that starts with marker, or that is a heading ("### ...")
// containing it, in any case (step numbers and the words around a step's
// name differ between plans).
func reportBlock(t testing.TB, outDir, marker string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(outDir, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	found, in := false, false
	var block []string
	for _, l := range lines {
		switch {
		case !found:
			found = strings.HasPrefix(l, marker) ||
				(strings.HasPrefix(l, "### ") && strings.Contains(strings.ToLower(l), strings.ToLower(marker)))
		case !in && l == "```sh":
			in = true
		case in && l == "```":
			return strings.Join(block, "\n") + "\n"
		case in:
			block = append(block, l)
		}
	}
	t.Fatalf("%s/REPORT.md: no sh block after a line starting with %q", outDir, marker)
	return ""
}

// reportBlockWith returns the first ```sh block of REPORT.md that names
// word (a generated file: part 1 loads each box's first rule format, part
// 2's "Other rule formats" the others).
func reportBlockWith(t testing.TB, outDir, word string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(outDir, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	var block []string
	in := false
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case !in && l == "```sh":
			in, block = true, nil
		case in && l == "```":
			in = false
			if b := strings.Join(block, "\n") + "\n"; slices.Contains(strings.Fields(b), word) {
				return b
			}
		case in:
			block = append(block, l)
		}
	}
	t.Fatalf("%s/REPORT.md: no sh block names %s", outDir, word)
	return ""
}

// shell runs a bash script inside ns with dir as the working directory,
// bounded by setupTimeout, and fails the test with its output on error.
func shell(t testing.TB, ns *lab.Namespace, dir, script string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	cmd := ns.Command(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("[%s] in %s: %v\nscript:\n%s\noutput:\n%s", ns.Role, dir, err, script, out)
	}
	return string(out)
}

// instance is one vsftpd process of a deployment.
type instance struct {
	Name      string // "explicit" or "implicit"
	Generated string // the generated file (server/vsftpd.conf, server/vsftpd-implicit.conf)
	Path      string // the copy vsftpd reads (lab substitutions applied)
	Log       string // its vsftpd_log_file
	Port      int
	Implicit  bool
	// Env is the environment its systemd unit gives vsftpd (Environment=
	// lines of the generated unit or drop-in), with the lab substitution
	// applied; EnvFrom says where it comes from, for messages.
	Env     []string
	EnvFrom string
	Proc    *lab.Process
	// Cuts counts the uploads to it that failed with the tolerated residual
	// curl TLS 1.2 defect (transferBoth); checkServerLog allows for them.
	Cuts int
}

// deployment is one scenario applied to a fresh lab.
type deployment struct {
	*lab.Lab
	t         *testing.T
	bin       string
	SrvOut    string // output directory the server side was applied from
	CliOut    string // output directory the client side uses (SrvOut unless client-only)
	User      lab.User
	Cert      *lab.Cert
	LocalRoot string
	Shells    string // /etc/shells as vsftpd sees it (the REPORT's addition applied to a copy)
	Instances []*instance
	PasvMin   int
	PasvMax   int
	ClientDir string // client-side working directory (downloads, upload sources)
}

// spec says how to deploy a scenario.
type spec struct {
	Answers       string // scenarios/<Answers>: role both or server
	ClientAnswers string // client-only: a role client answers file for the client side
	Firewall      string // "nft" or "iptables": which generated files to apply
	// Edit (may be nil) changes the answers before generating, for a
	// negative control that needs other generated files (allow_tls13).
	Edit func(*wizard.Answers)
}

func scenarioPath(t testing.TB, name string) string {
	return filepath.Join(repoRoot(t), "testdata", "lab", "scenarios", name)
}

// deploy builds the lab, generates the scenario and applies it: accounts and
// directories (REPORT step "Users and directories"), vsftpd, every
// generated firewall file on its box (REPORT apply blocks). It does not load
// any client setting: the clients read the generated files at each run.
func deploy(t *testing.T, bin string, s spec) *deployment {
	t.Helper()
	lab.Require(t, labTools...)
	d := &deployment{t: t, bin: bin, Lab: lab.New(t)}
	lu := lab.NewUser(t)
	d.User = *lu
	d.Cert = lab.NewCert(t, lab.SrvPublicAddr)
	d.LocalRoot = filepath.Join(d.Dir, "srv-ftps")
	v := labValues{User: lu.Name, LocalRoot: d.LocalRoot, Cert: d.Cert}
	d.SrvOut = generate(t, bin, scenarioPath(t, s.Answers), v, s.Edit)
	d.CliOut = d.SrvOut
	if s.ClientAnswers != "" {
		d.CliOut = generate(t, bin, scenarioPath(t, s.ClientAnswers), v, nil)
	}
	d.ClientDir = filepath.Join(d.Dir, "client")
	if err := os.MkdirAll(d.ClientDir, 0o755); err != nil {
		t.Fatal(err)
	}
	d.accounts()
	d.startServers(nil)
	capped := fileExists(filepath.Join(d.SrvOut, "server", "vsftpd-openssl.cnf"))
	for _, in := range d.Instances {
		env := "no environment"
		if len(in.Env) > 0 {
			env = strings.Join(in.Env, " ")
		}
		t.Logf("vsftpd %s instance runs %s with %s, as its unit %s sets it", in.Name,
			strings.TrimPrefix(in.Generated, d.SrvOut+"/"), env, in.EnvFrom)
		// The plan caps TLS at 1.2 through OpenSSL: every instance must
		// refuse TLS 1.3 as deployed (the security checks go further).
		if capped && d.acceptsTLS13(in) {
			t.Fatalf("vsftpd %s instance accepts TLS 1.3 although the plan caps it (environment %v from %s)", in.Name, in.Env, in.EnvFrom)
		}
	}
	d.firewalls(s.Firewall)
	return d
}

// acceptsTLS13 reports whether the instance completes a TLS 1.3 handshake
// (openssl s_client from the server host itself, bounded).
func (d *deployment) acceptsTLS13(in *instance) bool {
	args := []string{"s_client", "-connect", net.JoinHostPort("127.0.0.1", strconv.Itoa(in.Port)), "-brief", "-tls1_3"}
	if !in.Implicit {
		args = append(args, "-starttls", "ftp")
	}
	so, se, err := d.Srv.RunInput(10*time.Second, "QUIT\r\n", "openssl", args...)
	return err == nil && strings.Contains(so+se, "Protocol version: TLSv1.3")
}

// accounts runs the REPORT's "Users and directories" step for the lab user:
// the block as generated, except two lines. The /etc/shells line is run
// against a private copy (the root namespace's /etc/shells is not touched;
// vsftpd sees the copy through a bind mount), and `passwd NAME` is left out
// (lab.NewUser set the password with chpasswd). useradd in the block is
// skipped by its own `id` guard because lab.NewUser made the account (so
// that the lab removes it), so the test then gives the account what that
// useradd would have given it: home = the chroot directory, shell
// /usr/sbin/nologin.
func (d *deployment) accounts() {
	t := d.t
	t.Helper()
	block := reportBlock(t, d.SrvOut, "Users and directories")
	shells, err := os.ReadFile("/etc/shells")
	if err != nil {
		t.Fatal(err)
	}
	d.Shells = lab.WriteFile(t, "etc-shells", string(shells))
	var script []string
	sawShells, sawPasswd := false, false
	for _, l := range strings.Split(block, "\n") {
		switch {
		case strings.Contains(l, "/etc/shells"):
			sawShells = true
			script = append(script, strings.ReplaceAll(l, "/etc/shells", d.Shells))
		case strings.HasPrefix(l, "passwd "):
			sawPasswd = true
		default:
			script = append(script, l)
		}
	}
	if !sawShells || !sawPasswd {
		t.Fatalf("REPORT.md's users step changed (no /etc/shells or passwd line); adapt accounts():\n%s", block)
	}
	shell(t, d.Srv, d.SrvOut, strings.Join(script, "\n"))

	home := filepath.Join(d.LocalRoot, d.User.Name)
	if out, err := retryLocked(func() ([]byte, error) {
		return exec.Command("usermod", "--home", home, "--shell", "/usr/sbin/nologin", d.User.Name).CombinedOutput()
	}); err != nil {
		t.Fatalf("usermod %s: %v: %s", d.User.Name, err, out)
	}
	d.User.Home, d.User.Upload = home, filepath.Join(home, "upload")
	// What the REPORT promises about the layout, checked.
	for _, c := range []struct {
		path string
		uid  int
	}{{d.LocalRoot, 0}, {home, 0}, {d.User.Upload, d.User.UID}} {
		var st syscall.Stat_t
		if err := syscall.Stat(c.path, &st); err != nil {
			t.Fatalf("users step did not create %s: %v", c.path, err)
		}
		if int(st.Uid) != c.uid || st.Mode&0o777 != 0o755 {
			t.Fatalf("%s: owner %d mode %o, want owner %d mode 755", c.path, st.Uid, st.Mode&0o777, c.uid)
		}
	}
	if !strings.Contains(readFile(d.Shells), "\n/usr/sbin/nologin\n") {
		t.Fatalf("the users step's /etc/shells line did not add /usr/sbin/nologin:\n%s", readFile(d.Shells))
	}
}

// retryLocked retries a shadow-utils command (bounded, ~5 s) while another
// test binary holds /etc/passwd's lock.
func retryLocked(fn func() ([]byte, error)) ([]byte, error) {
	var out []byte
	var err error
	for range 50 {
		out, err = fn()
		if err == nil || !strings.Contains(strings.ToLower(string(out)), "lock") {
			return out, err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return out, err
}

// serverSubstitutions are the only lines of a generated vsftpd.conf the lab
// rewrites (besides the negative controls, which say what they change):
// files under /etc and /var/log that belong to the host, not to the test.
func (d *deployment) serverSubstitutions(in *instance) map[string]string {
	return map[string]string{
		"userlist_file":   filepath.Join(d.SrvOut, "server", "vsftpd.user_list"),
		"vsftpd_log_file": in.Log,
	}
}

// rewriteConf returns conf with each key in set given the new value (the key
// must occur exactly once) and each key in drop removed (it must occur).
func rewriteConf(conf string, set map[string]string, drop ...string) (string, error) {
	lines := strings.Split(conf, "\n")
	seen := map[string]int{}
	var out []string
	for _, l := range lines {
		k, _, ok := strings.Cut(l, "=")
		if ok && !strings.HasPrefix(l, "#") {
			if v, sub := set[k]; sub {
				seen[k]++
				out = append(out, k+"="+v)
				continue
			}
			if contains(drop, k) {
				seen[k]++
				continue
			}
		}
		out = append(out, l)
	}
	var errs []error
	for k := range set {
		if seen[k] != 1 {
			errs = append(errs, fmt.Errorf("%s occurs %d times in the generated config, want 1", k, seen[k]))
		}
	}
	for _, k := range drop {
		if seen[k] == 0 {
			errs = append(errs, fmt.Errorf("%s is not in the generated config", k))
		}
	}
	return strings.Join(out, "\n"), errors.Join(errs...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// confChange alters the generated configs for a negative control.
type confChange struct {
	Set  map[string]string
	Drop []string
}

// startServers starts one vsftpd per generated config (server/vsftpd.conf
// and, for mode both, server/vsftpd-implicit.conf), with change applied on
// top of the lab substitutions (nil: none). Running instances are stopped
// first.
func (d *deployment) startServers(change *confChange) {
	t := d.t
	t.Helper()
	for _, in := range d.Instances {
		in.Proc.Stop()
	}
	d.Instances = nil
	confs, _ := filepath.Glob(filepath.Join(d.SrvOut, "server", "vsftpd*.conf"))
	sort.Strings(confs)
	if len(confs) == 0 {
		t.Fatalf("%s: no server/vsftpd*.conf generated", d.SrvOut)
	}
	for i, gen := range confs {
		data, err := os.ReadFile(gen)
		if err != nil {
			t.Fatal(err)
		}
		opts := lab.ParseVsftpdConf(string(data))
		in := &instance{Name: "explicit", Generated: gen, Implicit: strings.EqualFold(opts["implicit_ssl"], "YES")}
		if in.Implicit {
			in.Name = "implicit"
		}
		in.Port, _ = strconv.Atoi(opts["listen_port"])
		tag := fmt.Sprintf("%s-%d", in.Name, time.Now().UnixNano())
		in.Log = filepath.Join(d.Dir, "vsftpd-"+tag+".log")
		set := d.serverSubstitutions(in)
		var drop []string
		if change != nil {
			for k, v := range change.Set {
				set[k] = v
			}
			drop = change.Drop
		}
		conf, err := rewriteConf(string(data), set, drop...)
		if err != nil {
			t.Fatalf("%s: %v", gen, err)
		}
		in.Path = lab.WriteFile(t, "vsftpd-"+tag+".conf", conf)
		in.Env, in.EnvFrom = d.unitEnvironment(gen)
		if i == 0 {
			d.PasvMin, _ = strconv.Atoi(lab.ParseVsftpdConf(conf)["pasv_min_port"])
			d.PasvMax, _ = strconv.Atoi(lab.ParseVsftpdConf(conf)["pasv_max_port"])
		}
		if err := d.start(in); err != nil {
			t.Fatal(err)
		}
		d.Instances = append(d.Instances, in)
	}
}

// start runs vsftpd in srv in a private mount namespace whose /etc/shells
// is the deployment's copy, with the environment its systemd unit sets, and
// waits until the control port answers.
func (d *deployment) start(in *instance) error {
	// Only what the unit sets: an OPENSSL_CONF of the test process must not leak in.
	script := `mount --bind "$0" /etc/shells && exec env -u OPENSSL_CONF "$@"`
	args := append([]string{"--mount", "--propagation", "private", "sh", "-c", script, d.Shells}, in.Env...)
	in.Proc = d.Srv.Start("unshare", append(args, "vsftpd", in.Path)...)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(in.Port))
	deadline := time.Now().Add(startTimeout)
	for {
		if exited, err := in.Proc.Exited(); exited {
			return fmt.Errorf("vsftpd %s (%s) exited during start-up (%v); output:\n%s\nconfig:\n%s",
				in.Name, in.Generated, err, in.Proc.Output(), readFile(in.Path))
		}
		if c, err := d.Srv.Dial("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			in.Proc.Stop()
			return fmt.Errorf("vsftpd %s: %s not accepting after %v; output:\n%s", in.Name, addr, startTimeout, in.Proc.Output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// distributionUnits are where the vsftpd package puts its systemd unit.
var distributionUnits = []string{"/lib/systemd/system", "/usr/lib/systemd/system"}

// unitEnvironment returns the environment systemd gives the vsftpd that
// reads the generated config gen, deployed as REPORT.md's "Install the
// configuration" step says: that step's install commands say where each
// generated file goes; the unit whose ExecStart names gen's install path
// (a unit ftpswiz generated, or the distribution's vsftpd.service) and the
// drop-ins installed for it give the Environment= assignments. The one lab
// substitution: a value that is the install path of a generated file (the
// OpenSSL configuration, /etc/ssl/vsftpd-openssl.cnf) becomes that file in
// the output directory, since the lab does not write to /etc.
func (d *deployment) unitEnvironment(gen string) (env []string, from string) {
	t := d.t
	t.Helper()
	installed := map[string]string{} // install path -> generated file
	for _, l := range strings.Split(reportBlock(t, d.SrvOut, "Install the configuration"), "\n") {
		// install [OPTIONS] SRC DEST
		if f := strings.Fields(l); len(f) >= 3 && f[0] == "install" && filepath.IsAbs(f[len(f)-1]) && !filepath.IsAbs(f[len(f)-2]) {
			installed[f[len(f)-1]] = filepath.Join(d.SrvOut, f[len(f)-2])
		}
	}
	dest := ""
	for k, v := range installed {
		if v == gen {
			dest = k
		}
	}
	if dest == "" {
		t.Fatalf("REPORT.md's install step does not install %s", gen)
	}
	// Every unit that may run it: generated units by their install path,
	// the distribution's from the system.
	units := map[string]string{} // unit name -> file
	for k, v := range installed {
		if filepath.Dir(k) == "/etc/systemd/system" && strings.HasSuffix(k, ".service") {
			units[filepath.Base(k)] = v
		}
	}
	for _, dir := range distributionUnits {
		if _, ok := units["vsftpd.service"]; ok {
			break
		}
		if f := filepath.Join(dir, "vsftpd.service"); fileExists(f) {
			units["vsftpd.service"] = f
		}
	}
	unit := ""
	for name, f := range units {
		for _, l := range strings.Split(readFile(f), "\n") {
			if cmd, ok := strings.CutPrefix(l, "ExecStart="); ok {
				if fs := strings.Fields(cmd); len(fs) > 0 && fs[len(fs)-1] == dest {
					unit = name
				}
			}
		}
	}
	if unit == "" {
		t.Fatalf("no systemd unit runs %s (units: %v; the vsftpd package's unit is looked for in %v)", dest, units, distributionUnits)
	}
	sources := []string{units[unit]}
	for k, v := range installed {
		if filepath.Dir(k) == "/etc/systemd/system/"+unit+".d" && strings.HasSuffix(k, ".conf") {
			sources = append(sources, v)
		}
	}
	sort.Strings(sources[1:])
	var names []string
	for _, f := range sources {
		for _, l := range strings.Split(readFile(f), "\n") {
			assign, ok := strings.CutPrefix(l, "Environment=")
			if !ok {
				continue
			}
			if strings.ContainsAny(assign, `"'\$%`) {
				t.Fatalf("%s: Environment= with quoting or specifiers, which the lab does not parse: %q", f, l)
			}
			for _, kv := range strings.Fields(assign) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("%s: %q is not KEY=VALUE", f, kv)
				}
				if local, sub := installed[v]; sub {
					v = local
				} else if strings.HasPrefix(v, "/etc/") {
					t.Fatalf("%s sets %s=%s, which no install command of REPORT.md provides", f, k, v)
				}
				env = append(env, k+"="+v)
			}
		}
		if f != units[unit] || strings.HasPrefix(f, d.SrvOut) {
			names = append(names, strings.TrimPrefix(f, d.SrvOut+"/"))
		}
	}
	if len(names) == 0 {
		return env, unit
	}
	return env, unit + " (" + strings.Join(names, ", ") + ")"
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func (d *deployment) instance(name string) *instance {
	for _, in := range d.Instances {
		if in.Name == name {
			return in
		}
	}
	d.t.Fatalf("no %s instance (have %d)", name, len(d.Instances))
	return nil
}

// boxes maps a generated firewall side to the lab namespace it belongs on.
func (d *deployment) boxes() map[string]*lab.Namespace {
	return map[string]*lab.Namespace{
		"server-host":   d.Srv,
		"server-router": d.SrvRouter,
		"client-router": d.CliRouter,
		"client-host":   d.Cli,
	}
}

// firewalls applies every generated firewall file of the format (nft or
// iptables) on its box with the commands REPORT.md gives for it (check,
// load, list), run from the output directory.
func (d *deployment) firewalls(format string) {
	t := d.t
	t.Helper()
	if format != "nft" && format != "iptables" {
		t.Fatalf("unknown firewall format %q", format)
	}
	applied := 0
	own := map[*lab.Namespace]bool{}
	for _, out := range uniq(d.SrvOut, d.CliOut) {
		files, _ := filepath.Glob(filepath.Join(out, "firewall", "*."+format))
		for _, f := range files {
			side := strings.TrimSuffix(filepath.Base(f), "."+format)
			ns := d.boxes()[side]
			if ns == nil {
				t.Fatalf("%s: no lab box for side %q", f, side)
			}
			if format == "nft" && !own[ns] {
				// The box's own firewall, Debian's default nftables.conf
				// (accepts everything): a shared box's file (every
				// router's, by default) adds its chains to it.
				ns.MustNFT(lab.DebianNftables)
				own[ns] = true
			}
			block := reportBlockWith(t, out, "firewall/"+filepath.Base(f))
			shell(t, ns, out, block)
			applied++
		}
	}
	if applied == 0 {
		t.Fatalf("no firewall/*.%s generated", format)
	}
}

func uniq(s ...string) []string {
	var out []string
	for _, x := range s {
		if !contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// srvSockets counts, in the server namespace (read from /proc/PID/net/tcp of
// a vsftpd process), the ESTABLISHED connections and LISTEN sockets on a
// local port in [lo, hi].
func (d *deployment) srvSockets(lo, hi int) (established, listening int) {
	if len(d.Instances) == 0 {
		return 0, 0
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/net/tcp", d.Instances[0].Proc.PID()))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 {
			continue
		}
		_, portHex, ok := strings.Cut(fields[1], ":")
		if !ok {
			continue
		}
		port, err := strconv.ParseInt(portHex, 16, 32)
		if err != nil || int(port) < lo || int(port) > hi {
			continue
		}
		switch fields[3] {
		case "01":
			established++
		case "0A":
			listening++
		}
	}
	return established, listening
}

// quiet waits (bounded) until no control session and no passive port is in
// use on the server and every session process has exited (only the
// listening vsftpd processes are left), so that the next phase starts with
// max_clients free.
func (d *deployment) quiet() {
	d.t.Helper()
	deadline := time.Now().Add(quietTimeout)
	for {
		busy := 0
		for _, in := range d.Instances {
			e, _ := d.srvSockets(in.Port, in.Port)
			busy += e
		}
		e, l := d.srvSockets(d.PasvMin, d.PasvMax)
		busy += e + l
		procs := d.srvVsftpdProcs()
		if busy == 0 && procs <= len(d.Instances) {
			// vsftpd counts a session until its SIGCHLD handler has run.
			time.Sleep(50 * time.Millisecond)
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("after %v the server still has %d sessions or data connections open and %d vsftpd processes for %d instances",
				quietTimeout, busy, procs, len(d.Instances))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// srvVsftpdProcs counts the live vsftpd processes in the server namespace
// (a listener per instance, plus the processes of each session).
func (d *deployment) srvVsftpdProcs() int {
	var want syscall.Stat_t
	if err := syscall.Stat(filepath.Join("/run/netns", d.Srv.Name), &want); err != nil {
		return 0
	}
	entries, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		var st syscall.Stat_t
		if syscall.Stat(filepath.Join("/proc", e.Name(), "ns", "net"), &st) != nil || st.Dev != want.Dev || st.Ino != want.Ino {
			continue
		}
		if comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm")); err == nil && strings.TrimSpace(string(comm)) == "vsftpd" {
			n++
		}
	}
	return n
}

func readFile(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	return string(data)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
