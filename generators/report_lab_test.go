package generators

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The documentation lab runs the commands REPORT.md and HANDOUT.md tell
// people to type, for real: Decide on answers for a server at
// 198.51.100.10 (explicit on 21 and implicit on 990), the generated
// vsftpd configs (pointed at the lab's certificate, user list and logs), the
// chroot directories made by REPORT.md's own commands, then every lftp,
// curl and openssl command of HANDOUT.md and REPORT.md's "Test from
// outside", inside a throwaway network and PID namespace (unshare) where
// 198.51.100.10 is an address on the namespace's loopback.

const reportLabAddr = "198.51.100.10"

func reportLabRun(t *testing.T, timeout time.Duration, stdin string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.WaitDelay = 2 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// reportLabUser creates a local account (shell /bin/bash for pam_shells,
// home localRoot/<name>) with a random password, removed at cleanup.
func reportLabUser(t *testing.T, localRoot string) (name, password string) {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name = "fwzdoc" + hex.EncodeToString(b)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	password = "Doc-" + hex.EncodeToString(b)
	// Home is the chroot root, as REPORT.md's useradd makes it: vsftpd ends a
	// login whose home directory does not exist with a 500 OOPS.
	reportLabRun(t, 20*time.Second, "", "useradd", "-M", "-U", "-d", filepath.Join(localRoot, name), "-s", "/bin/bash", "-c", "ftpswiz report lab", name)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if out, err := exec.CommandContext(ctx, "userdel", name).CombinedOutput(); err != nil {
			t.Errorf("userdel %s: %v: %s", name, err, out)
		}
	})
	reportLabRun(t, 20*time.Second, name+":"+password+"\n", "chpasswd")
	return name, password
}

// reportLabPatch sets vsftpd options, replacing a key's line or appending it.
func reportLabPatch(conf string, set map[string]string) string {
	var out []string
	done := map[string]bool{}
	for _, l := range strings.Split(strings.TrimRight(conf, "\n"), "\n") {
		k, _, ok := strings.Cut(l, "=")
		if v, want := set[k]; ok && !strings.HasPrefix(l, "#") && want {
			out = append(out, k+"="+v)
			done[k] = true
			continue
		}
		out = append(out, l)
	}
	for k, v := range set {
		if !done[k] {
			out = append(out, k+"="+v)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// reportLabStep returns the code of the REPORT.md step with the given title.
func reportLabStep(t *testing.T, doc, title string) string {
	t.Helper()
	re := regexp.MustCompile(`(?s)\n### [0-9]+\. ` + regexp.QuoteMeta(title) + `\n.*?` + "```sh\n(.*?)\n```")
	m := re.FindStringSubmatch(doc)
	if m == nil {
		t.Fatalf("REPORT.md has no step %q with commands", title)
	}
	return m[1]
}

func TestReportAndHandoutCommandsAgainstVsftpd(t *testing.T) {
	lab.Require(t, "vsftpd", "lftp", "curl", "openssl", "unshare", "ip", "useradd", "userdel", "chpasswd", "bash", "timeout")
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil { // vsftpd's unprivileged side must traverse it
			t.Fatal(err)
		}
	}
	user, pass := reportLabUser(t, filepath.Join(dir, "srv"))
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	reportLabRun(t, 60*time.Second, "", "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
		"-subj", "/CN="+reportLabAddr, "-addext", "subjectAltName=IP:"+reportLabAddr, "-keyout", key, "-out", cert)

	yes := true
	a := wizard.Answers{
		Version: wizard.SchemaVersion, Role: wizard.RoleServer,
		FTPS: wizard.FTPS{Mode: wizard.ModeBoth},
		Server: &wizard.Server{
			PublicAddress: reportLabAddr, NAT: wizard.NATNone, AdminNetwork: "192.0.2.0/24",
			Capacity: wizard.Capacity{Transfers: 4},
			TLS:      wizard.TLS{CertFile: cert, KeyFile: key, RequireSSLReuse: &yes},
			Vsftpd: wizard.Vsftpd{Flavour: wizard.FlavourDebian, Users: []string{user},
				LocalRoot: filepath.Join(dir, "srv"), WriteEnable: &yes},
		},
		Firewalls: []wizard.Firewall{wizard.FirewallNftables},
	}
	p, err := wizard.Decide(a)
	if err != nil {
		t.Fatalf("Decide: %v", err)
	}
	files, err := Render(p)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	rep, ok1 := reportFind(files, ReportPath)
	ho, ok2 := reportFind(files, HandoutPath)
	if !ok1 || !ok2 {
		t.Fatal("REPORT.md or HANDOUT.md missing")
	}
	report, handout := string(rep.Content), string(ho.Content)

	// The chroot layout, made by REPORT.md's own loop (the account exists, so
	// its useradd is skipped; /etc/shells and passwd are left alone).
	users := reportLabStep(t, report, "Users and directories")
	var layout []string
	for _, l := range strings.Split(users, "\n") {
		if strings.HasPrefix(l, "install -d") || strings.HasPrefix(l, "for ") || strings.HasPrefix(l, "  ") || l == "done" {
			layout = append(layout, l)
		}
	}
	if len(layout) < 4 {
		t.Fatalf("unexpected users step:\n%s", users)
	}
	reportLabRun(t, 30*time.Second, strings.Join(layout, "\n")+"\n", "bash", "-eu")
	root := filepath.Join(dir, "srv", user)
	if err := os.WriteFile(filepath.Join(root, "hello.txt"), []byte("hello from the lab\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// The generated configs, pointed at the lab.
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	userList := filepath.Join(dir, "user_list")
	ul, ok := reportFind(files, vsftpdUserListFile)
	if !ok {
		t.Fatal("no user list generated")
	}
	if err := os.WriteFile(userList, ul.Content, 0o644); err != nil {
		t.Fatal(err)
	}
	// The TLS 1.2 cap, as the units run it: each instance gets the
	// environment its unit sets (the generated drop-in for the
	// distribution's unit, the generated unit for the second instance),
	// with the one lab substitution: the OpenSSL configuration's install
	// path becomes the generated file's copy in dir.
	if p.Server.OpenSSLConf == "" {
		t.Fatal("the debian-3.0.3 plan has no OpenSSL TLS cap")
	}
	cnf, ok := reportFind(files, vsftpdOpenSSLFile)
	if !ok {
		t.Fatalf("%s not generated", vsftpdOpenSSLFile)
	}
	cnfPath := filepath.Join(dir, "vsftpd-openssl.cnf")
	if err := os.WriteFile(cnfPath, cnf.Content, 0o644); err != nil {
		t.Fatal(err)
	}
	envOf := func(in wizard.Instance) string {
		unitFile := in.UnitFile
		if unitFile == "" {
			unitFile = "server/" + in.Unit + ".d/ftpswiz-tls.conf"
		}
		f, ok := reportFind(files, unitFile)
		if !ok {
			t.Fatalf("%s instance: %s not generated", in.Name, unitFile)
		}
		m := regexp.MustCompile(`(?m)^Environment=OPENSSL_CONF=(\S+)$`).FindStringSubmatch(string(f.Content))
		if m == nil || m[1] != p.Server.OpenSSLConf {
			t.Fatalf("%s does not set OPENSSL_CONF=%s:\n%s", unitFile, p.Server.OpenSSLConf, f.Content)
		}
		return "OPENSSL_CONF=" + cnfPath + " "
	}

	var start []string
	for _, in := range p.Server.Instances {
		f, ok := reportFind(files, in.File)
		if !ok {
			t.Fatalf("%s not generated", in.File)
		}
		conf := reportLabPatch(string(f.Content), map[string]string{
			"userlist_file": userList, "secure_chroot_dir": empty,
			"vsftpd_log_file": filepath.Join(dir, in.Name+".log"), "xferlog_file": filepath.Join(dir, in.Name+".xfer.log"),
		})
		path := filepath.Join(dir, in.Name+".conf")
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		log := filepath.Join(dir, in.Name+".out")
		start = append(start, fmt.Sprintf("%svsftpd %s 0<>%s 1>&0 2>&0 &", envOf(in), path, log))
	}

	// Clients trust the lab certificate through their own config files, as a
	// customer would after checking the fingerprint.
	home := filepath.Join(dir, "home")
	work := filepath.Join(dir, "work")
	for _, d := range []string{home, work} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(home, ".lftprc"), []byte("set ssl:ca-file "+cert+"\nset net:max-retries 1\nset net:timeout 10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".curlrc"), []byte("cacert = "+cert+"\nmax-time = 30\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// The commands, from both documents, with the lab's credentials.
	// want is what the output must contain; fail, that the command must fail
	// (REPORT.md's "# must print: " and "# must fail: " comments).
	type labCmd struct {
		doc, cmd, want string
		fail           bool
	}
	var cmds []labCmd
	pick := func(doc, block string) {
		for _, l := range strings.Split(block, "\n") {
			if strings.HasPrefix(l, "lftp ") || strings.HasPrefix(l, "curl ") || strings.HasPrefix(l, "openssl s_client") || strings.HasPrefix(l, "echo ") {
				c := labCmd{doc: doc, cmd: l}
				if cmd, note, ok := strings.Cut(l, "  # "); ok {
					c.cmd = cmd
					if w, ok := strings.CutPrefix(note, "must print: "); ok {
						c.want = w
					} else if w, ok := strings.CutPrefix(note, "must fail: "); ok {
						c.want, c.fail = w, true
					}
				}
				cmds = append(cmds, c)
			}
		}
	}
	for _, b := range reportShellBlocks(handout) {
		pick(HandoutPath, b)
	}
	pick(ReportPath, reportLabStep(t, report, "Test from outside"))
	capChecks := len(cmds)
	pick(ReportPath, reportLabStep(t, report, "Install the configuration, start vsftpd")) // its last lines: the TLS 1.3 check
	if n := len(cmds) - capChecks; n != 2*len(p.Server.Instances) {
		t.Fatalf("REPORT.md's TLS 1.3 check has %d openssl commands, want 2 per instance", n)
	}
	credsCurl := regexp.MustCompile(`--user \S+`)
	credsLftp := regexp.MustCompile(`-u \S+`)
	var script []string
	script = append(script, "set -u", "ip link set lo up", "ip addr add "+reportLabAddr+"/32 dev lo")
	script = append(script, start...)
	script = append(script,
		"for i in $(seq 100); do",
		"  (exec 3<>/dev/tcp/"+reportLabAddr+"/21) 2>/dev/null && (exec 3<>/dev/tcp/"+reportLabAddr+"/990) 2>/dev/null && break",
		"  sleep 0.1",
		"done",
		"cd "+work,
		"export HOME="+home+" CURL_HOME="+home+" XDG_CONFIG_HOME="+home)
	var shown []string
	for i, c := range cmds {
		cmd := credsCurl.ReplaceAllString(c.cmd, "--user "+user+":"+pass)
		if strings.HasPrefix(cmd, "lftp ") {
			cmd = credsLftp.ReplaceAllString(cmd, "-u "+user+","+pass)
			cmd = strings.TrimSuffix(cmd, "'") + "; ls; bye'"
		}
		cmd = strings.ReplaceAll(cmd, "FILE", "hello.txt")
		shown = append(shown, fmt.Sprintf("%d [%s] %s", i, c.doc, cmd))
		script = append(script, fmt.Sprintf("echo '### cmd %d'; timeout 40 %s; echo \"### rc %d $?\"", i, cmd, i))
	}
	if dbg := os.Getenv("REPORT_LAB_DEBUG"); dbg != "" {
		script = append(script, "echo '### debug'; timeout 20 lftp -d -e 'set ftp:ssl-force yes; set ftp:ssl-protect-data yes; open -u "+user+","+pass+" -p 21 "+reportLabAddr+"; ls; bye' 2>&1 | tail -30")
	}
	if len(cmds) < 12 {
		t.Fatalf("too few commands found (%d):\n%s", len(cmds), strings.Join(shown, "\n"))
	}
	out := reportLabRun(t, 5*time.Minute, strings.Join(script, "\n")+"\n", "unshare", "--net", "--pid", "--fork", "bash")
	if os.Getenv("REPORT_LAB_DEBUG") != "" {
		t.Log(out[strings.Index(out, "### debug"):])
	}

	// Every command succeeded; every listing shows the file.
	listings := 0
	for i, c := range cmds {
		m := regexp.MustCompile(fmt.Sprintf(`(?s)### cmd %d\n(.*?)### rc %d (\d+)`, i, i)).FindStringSubmatch(out)
		if m == nil {
			t.Errorf("command %d did not run: %s", i, shown[i])
			continue
		}
		if c.fail {
			if m[2] == "0" || !strings.Contains(m[1], c.want) {
				t.Errorf("[%s] %s must fail with %q; exit %s:\n%s", c.doc, c.cmd, c.want, m[2], m[1])
			}
			continue
		}
		if m[2] != "0" {
			t.Errorf("[%s] %s\nexit %s:\n%s", c.doc, c.cmd, m[2], m[1])
			continue
		}
		if !strings.Contains(m[1], c.want) {
			t.Errorf("[%s] %s must print %q:\n%s", c.doc, c.cmd, c.want, m[1])
		}
		listing := strings.HasPrefix(c.cmd, "lftp ") || (strings.HasPrefix(c.cmd, "curl ") && strings.HasSuffix(c.cmd, ":21/")) ||
			(strings.HasPrefix(c.cmd, "curl ") && strings.HasSuffix(c.cmd, ":990/"))
		if listing {
			listings++
		}
		if listing && !strings.Contains(m[1], "hello.txt") {
			t.Errorf("[%s] %s: listing lacks hello.txt:\n%s", c.doc, c.cmd, m[1])
		}
	}
	if listings < 6 {
		t.Errorf("only %d listing commands checked:\n%s", listings, strings.Join(shown, "\n"))
	}
	for _, f := range []string{filepath.Join(work, "hello.txt"), filepath.Join(root, "upload", "hello.txt"), filepath.Join(root, "upload", "ftpswiz-test.txt")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("expected transfer result: %v", err)
		}
	}
	if t.Failed() {
		for _, in := range p.Server.Instances {
			b, _ := os.ReadFile(filepath.Join(dir, in.Name+".out"))
			l, _ := os.ReadFile(filepath.Join(dir, in.Name+".log"))
			t.Logf("%s vsftpd output:\n%s\nlog:\n%s", in.Name, b, l)
		}
	}
}
