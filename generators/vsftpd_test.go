package generators

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

func testPlan(t *testing.T, edit func(a *wizard.Answers)) *wizard.Plan {
	t.Helper()
	return decideFile(t, "../wizard/testdata/classic.yaml", edit)
}

func makeCert(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
		"-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=198.51.100.10").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	return cert, key
}

// startGreeting starts vsftpd with each config in one throwaway network
// namespace (unshare --net), and returns what a client on loopback reads
// from each control port: the 220 greeting in clear text for explicit, the
// greeting inside TLS for implicit. Bounded by timeouts throughout.
func startGreeting(t *testing.T, confs []string, ports []int, implicit []bool, hosts string) (string, error) {
	t.Helper()
	var script strings.Builder
	script.WriteString("set -u\nip link set lo up\npids=''\ntrap 'kill $pids 2>/dev/null' EXIT\n")
	args := []string{"--net"}
	if hosts != "" {
		// A private mount namespace too, so the name resolves without
		// touching the machine's /etc/hosts.
		hostsFile := filepath.Join(t.TempDir(), "hosts")
		if err := os.WriteFile(hostsFile, []byte("127.0.0.1 localhost\n"+hosts+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--mount")
		script.WriteString("mount --bind " + hostsFile + " /etc/hosts\n")
	}
	for _, c := range confs {
		// vsftpd writes its "500 OOPS" to fd 0: give it a file there.
		script.WriteString("vsftpd " + c + " <>" + c + ".out >&0 2>&0 & pids=\"$pids $!\"\n")
	}
	for i, p := range ports {
		port := strconv.Itoa(p)
		script.WriteString("for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/" + port + ") 2>/dev/null && break; kill -0 $pids 2>/dev/null || break; sleep 0.1; done\n")
		if implicit[i] {
			script.WriteString("echo QUIT | timeout 5 openssl s_client -quiet -connect 127.0.0.1:" + port + " 2>/dev/null | head -n1\n")
		} else {
			script.WriteString("timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + port + "; head -n1 <&3; echo QUIT >&3'\n")
		}
	}
	for _, c := range confs {
		script.WriteString("cat " + c + ".out 2>/dev/null\n")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", append(args, "bash", "-c", script.String())...)
	cmd.WaitDelay = 2 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// writeServerConfigs renders the plan's vsftpd configs into dir, pointing the
// user list (a fixed system path) into dir too.
func writeServerConfigs(t *testing.T, p *wizard.Plan, dir string) (confs []string, ports []int, implicit []bool) {
	t.Helper()
	files, err := RenderWith(serverRenderers(), p)
	if err != nil {
		t.Fatal(err)
	}
	userList := filepath.Join(dir, "user_list")
	isConf := map[string]bool{}
	for _, in := range p.Server.Instances {
		isConf[in.File] = true
	}
	for _, f := range files {
		switch {
		case strings.HasSuffix(f.Path, ".user_list"):
			if err := os.WriteFile(userList, f.Content, 0o644); err != nil {
				t.Fatal(err)
			}
		case isConf[f.Path]:
			c := filepath.Join(dir, filepath.Base(f.Path))
			content := strings.Replace(string(f.Content), "userlist_file="+p.Server.UserListPath, "userlist_file="+userList, 1)
			if err := os.WriteFile(c, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			confs = append(confs, c)
		}
	}
	for _, in := range p.Server.Instances {
		ports = append(ports, in.Port)
		implicit = append(implicit, in.Implicit)
	}
	return confs, ports, implicit
}

// TestVsftpdStartsWithGeneratedConfig proves the generated configs are
// accepted by the real vsftpd on this machine (Debian's 3.0.3): it starts
// and greets with 220, in clear text on the explicit port and inside TLS on
// the implicit one.
func TestVsftpdStartsWithGeneratedConfig(t *testing.T) {
	lab.Require(t, "vsftpd", "openssl", "unshare", "ip")
	if err := os.MkdirAll("/var/run/vsftpd/empty", 0o755); err != nil { // secure_chroot_dir, as Debian's unit does
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key := makeCert(t, dir)
	tests := []struct {
		name  string
		edit  func(a *wizard.Answers)
		hosts string
	}{
		{"classic explicit behind port-forward", nil, ""},
		{"implicit only", func(a *wizard.Answers) { a.FTPS.Mode = wizard.ModeImplicit }, ""},
		{"both modes, two instances", func(a *wizard.Answers) { a.FTPS.Mode = wizard.ModeBoth }, ""},
		{"no NAT, no user list, active mode", func(a *wizard.Answers) {
			a.Server.NAT, a.Server.Router, a.Server.HostAddress = wizard.NATNone, nil, ""
			a.Server.Vsftpd.Users = nil
			a.FTPS.ActiveMode = true
		}, ""},
		{"dynamic dns name", func(a *wizard.Answers) {
			a.Server.NAT, a.Server.PublicAddress = wizard.NATDynamicDNS, "ftp.example.net"
		}, "198.51.100.10 ftp.example.net"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPlan(t, func(a *wizard.Answers) {
				a.Server.TLS.CertFile, a.Server.TLS.KeyFile = cert, key
				if tt.edit != nil {
					tt.edit(a)
				}
			})
			sub := t.TempDir()
			confs, ports, implicit := writeServerConfigs(t, p, sub)
			out, err := startGreeting(t, confs, ports, implicit, tt.hosts)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if got := strings.Count(out, "220 "); got != len(ports) {
				t.Fatalf("want %d greetings, got %d:\n%s", len(ports), got, out)
			}
			if strings.Contains(out, "OOPS") {
				t.Fatalf("vsftpd complained:\n%s", out)
			}
		})
	}
}

// TestVsftpdRefusesOtherFlavours is the negative control: the same plan
// rendered for a build with other TLS option names makes this machine's
// vsftpd refuse to start, which is why ftpswiz asks for the flavour.
func TestVsftpdRefusesOtherFlavours(t *testing.T) {
	lab.Require(t, "vsftpd", "openssl", "unshare", "ip")
	out, err := exec.Command("strings", "-n", "6", "/usr/sbin/vsftpd").Output()
	if err != nil {
		t.Fatalf("strings: %v", err)
	}
	if bytes.Contains(out, []byte("ssl_tlsv12")) || bytes.Contains(out, []byte("ssl_tlsv1_2")) {
		t.Skip("this vsftpd knows the newer TLS options; the control needs Debian's 3.0.3")
	}
	dir := t.TempDir()
	cert, key := makeCert(t, dir)
	for _, fl := range []wizard.Flavour{wizard.FlavourUpstream, wizard.FlavourRHEL} {
		t.Run(string(fl), func(t *testing.T) {
			p := testPlan(t, func(a *wizard.Answers) {
				a.Server.TLS.CertFile, a.Server.TLS.KeyFile = cert, key
				a.Server.Vsftpd.Flavour = fl
			})
			confs, ports, implicit := writeServerConfigs(t, p, t.TempDir())
			got, _ := startGreeting(t, confs, ports, implicit, "")
			if !strings.Contains(got, "unrecognised variable in config file") {
				t.Fatalf("vsftpd 3.0.3 accepted a %s config:\n%s", fl, got)
			}
		})
	}
}

// TestTLS13CapReallyCaps starts the real vsftpd (Debian's 3.0.3 has no
// option for TLS 1.3) the way the generated systemd drop-in does, with
// OPENSSL_CONF pointing at the generated OpenSSL configuration, and shows
// that TLS 1.3 is refused and 1.2 accepted; without it 1.3 is accepted, so
// the cap is what does it.
func TestTLS13CapReallyCaps(t *testing.T) {
	lab.Require(t, "vsftpd", "openssl", "unshare", "ip")
	if err := os.MkdirAll("/var/run/vsftpd/empty", 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key := makeCert(t, dir)
	p := testPlan(t, func(a *wizard.Answers) {
		a.Server.TLS.CertFile, a.Server.TLS.KeyFile = cert, key
		a.FTPS.Mode = wizard.ModeImplicit
	})
	if p.Server.OpenSSLConf == "" {
		t.Fatal("debian-3.0.3 plan does not cap TLS 1.3 through OpenSSL")
	}
	files, err := RenderWith(serverRenderers(), p)
	if err != nil {
		t.Fatal(err)
	}
	var cnf, dropIn []byte
	for _, f := range files {
		switch f.Path {
		case "server/vsftpd-openssl.cnf":
			cnf = f.Content
		case "server/vsftpd.service.d/ftpswiz-tls.conf":
			dropIn = f.Content
		}
	}
	if !bytes.Contains(dropIn, []byte("\nEnvironment=OPENSSL_CONF="+p.Server.OpenSSLConf+"\n")) {
		t.Fatalf("drop-in does not hand %s to vsftpd:\n%s", p.Server.OpenSSLConf, dropIn)
	}
	cnfPath := filepath.Join(dir, "vsftpd-openssl.cnf")
	if err := os.WriteFile(cnfPath, cnf, 0o644); err != nil {
		t.Fatal(err)
	}
	confs, _, _ := writeServerConfigs(t, p, t.TempDir())
	try := func(env string) string {
		t.Helper()
		script := "set -u\nip link set lo up\n" + env + " vsftpd " + confs[0] + " <>" + confs[0] + ".out >&0 2>&0 & pid=$!\n" +
			"trap 'kill $pid 2>/dev/null' EXIT\n" +
			"for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/990) 2>/dev/null && break; sleep 0.1; done\n" +
			"for v in tls1_2 tls1_3; do printf '%s: ' $v; echo | timeout 5 openssl s_client -connect 127.0.0.1:990 -$v -brief 2>&1 | grep -q 'CONNECTION ESTABLISHED' && echo accepted || echo refused; done\n"
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "unshare", "--net", "bash", "-c", script)
		cmd.WaitDelay = 2 * time.Second
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return string(out)
	}
	if got := try("OPENSSL_CONF=" + cnfPath); !strings.Contains(got, "tls1_2: accepted") || !strings.Contains(got, "tls1_3: refused") {
		t.Errorf("with the generated cap:\n%s", got)
	}
	if got := try(""); !strings.Contains(got, "tls1_3: accepted") {
		t.Errorf("control without the cap should accept TLS 1.3:\n%s", got)
	}
}
