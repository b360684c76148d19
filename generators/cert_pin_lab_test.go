package generators

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// certPinMakePair runs REPORT.md's self-signed commands (SelfSignedCommands)
// for the plan and returns the fingerprint the last one prints.
func certPinMakePair(t *testing.T, p *wizard.Plan) string {
	t.Helper()
	var script []string
	for _, c := range SelfSignedCommands(p) {
		script = append(script, c.Line(""))
	}
	out, err := clientLabRun(context.Background(), os.Environ(), strings.Join(script, "\n")+"\n", "bash", "-eu")
	if err != nil {
		t.Fatalf("self-signed commands: %v\n%s\n%s", err, strings.Join(script, "\n"), out)
	}
	m := regexp.MustCompile(`(?m)^sha256 Fingerprint=([0-9A-F:]{95})$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no SHA-256 fingerprint printed:\n%s", out)
	}
	return m[1]
}

// TestCertSelfSignedPinnedLab: the generated self-signed pair and the
// generated, pinned client configs (lftp.rc, curl.sh, ftps_client.py, with
// nothing added: no CA file on the command line) transfer with verification
// on; a different certificate on the server, same name, makes every pinned
// client refuse.
func TestCertSelfSignedPinnedLab(t *testing.T) {
	lab.Require(t, "vsftpd", "lftp", "curl", "python3", "openssl", "unshare", "nsenter", "ss",
		"useradd", "userdel", "chpasswd", "chown", "bash")
	l := newClientLab(t)
	defer l.dumpLogs()
	tls := filepath.Join(l.dir, "tls")
	plan := func(fp string) *wizard.Plan {
		return decideFile(t, filepath.Join("..", "testdata", "clients", "lab-both.yaml"), func(a *wizard.Answers) {
			a.Client.User, a.Server.Vsftpd.Users = l.user, []string{l.user}
			a.Server.TLS.Source = wizard.SourceSelfSigned
			a.Server.TLS.CertFile, a.Server.TLS.KeyFile = filepath.Join(tls, "cert.pem"), filepath.Join(tls, "key.pem")
			a.Server.TLS.Fingerprint = fp
		})
	}
	fp := certPinMakePair(t, plan(""))
	if again := certPinMakePair(t, plan("")); again != fp {
		t.Fatalf("running the commands again replaced the pair (%s, then %s)", fp, again)
	}
	p := plan(fp)
	if p.Service.Pin == nil || p.Service.Pin.Fingerprint != fp {
		t.Fatalf("plan pins %+v, want fingerprint %s", p.Service.Pin, fp)
	}
	files, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(l.dir, "out")
	clientLabWrite(t, out, files)
	for _, f := range []string{"HANDOUT.md", "client/lftp.rc", "client/curl.sh", "client/ftps_client.py", "client/winscp.txt",
		"client/filezilla-sitemanager.xml", "client/rclone.conf"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		if want := fp; f != "client/rclone.conf" && f != "client/lftp.rc" && f != "client/curl.sh" && !strings.Contains(string(b), want) {
			t.Errorf("%s does not carry the fingerprint %s", f, fp)
		}
		if f != "HANDOUT.md" && f != "client/winscp.txt" && f != "client/filezilla-sitemanager.xml" &&
			!strings.Contains(string(b), "client/"+wizard.PinCAFile) {
			t.Errorf("%s does not pin client/%s", f, wizard.PinCAFile)
		}
	}
	// The people who connect keep the server's certificate (never its key).
	cert, err := os.ReadFile(p.Server.Cert.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "client", wizard.PinCAFile), cert, 0o644); err != nil {
		t.Fatal(err)
	}
	start := func(certFile, keyFile string) {
		for _, e := range p.Client.Endpoints {
			l.start(clientLabInstance{
				Name: e.Name(), Implicit: e.Implicit, Port: e.Port, CertFile: certFile, KeyFile: keyFile,
				UsersDir: filepath.Join(l.dir, "users"), SecureChrootDir: filepath.Join(l.dir, "empty"),
				UserListFile: filepath.Join(l.dir, "user_list"), LogFile: filepath.Join(l.dir, "vsftpd-"+e.Name()+".log"),
			}, clientLabGenerated(files))
		}
	}
	start(p.Server.Cert.CertFile, p.Server.Cert.KeyFile)

	// Every pinned client, run in the output directory as the usage lines
	// say, with only the password supplied.
	run := func(client string, e wizard.Endpoint) (string, error) {
		netrc := filepath.Join(l.dir, "netrc")
		if err := os.WriteFile(netrc, []byte("machine 127.0.0.1 login "+l.user+" password "+l.password+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		var cmd string
		switch client {
		case "lftp":
			cmd = "lftp -c 'source client/lftp.rc; set net:max-retries 1; set net:timeout 15; ftps-" + e.Name() +
				" --env-password && ls && get " + l.seedName + " -o " + l.dir + "/pin-" + client + "-" + e.Name() + ".bin'"
		case "curl":
			cmd = "bash client/curl.sh " + e.Name() + " download " + l.seedName + " " + l.dir + "/pin-" + client + "-" + e.Name() + ".bin"
		case "python":
			cmd = "python3 client/ftps_client.py --endpoint " + e.Name() + " download " + l.seedName + " " +
				l.dir + "/pin-" + client + "-" + e.Name() + ".bin"
		}
		return l.ns([]string{"LFTP_PASSWORD=" + l.password, "FTPS_PASSWORD=" + l.password, "FTPS_NETRC=" + netrc},
			"", "bash", "-c", "cd "+shQuote(out)+" && "+cmd)
	}
	clients := []string{"lftp", "curl", "python"}
	for _, e := range p.Client.Endpoints {
		for _, c := range clients {
			o, err := run(c, e)
			if err != nil {
				t.Fatalf("%s/%s with the pinned certificate: %v\n%s", c, e.Name(), err, o)
			}
			if got := clientLabSum(t, filepath.Join(l.dir, "pin-"+c+"-"+e.Name()+".bin")); got != l.seedSum {
				t.Errorf("%s/%s: sha256 %s, want %s", c, e.Name(), got, l.seedSum)
			}
		}
	}

	// A different certificate on the server (same name and SAN: what an
	// impostor would present): every pinned client refuses it.
	other := filepath.Join(l.dir, "other")
	op := decideFile(t, filepath.Join("..", "testdata", "clients", "lab-both.yaml"), func(a *wizard.Answers) {
		a.Server.TLS.Source = wizard.SourceSelfSigned
		a.Server.TLS.CertFile, a.Server.TLS.KeyFile = filepath.Join(other, "cert.pem"), filepath.Join(other, "key.pem")
	})
	if ofp := certPinMakePair(t, op); ofp == fp {
		t.Fatal("the second pair has the same fingerprint")
	}
	l.killNamespace()
	start(op.Server.Cert.CertFile, op.Server.Cert.KeyFile)
	for _, e := range p.Client.Endpoints {
		for _, c := range clients {
			o, err := run(c, e)
			if err == nil {
				t.Errorf("%s/%s accepted a certificate other than the pinned one:\n%s", c, e.Name(), o)
			} else if !strings.Contains(strings.ToLower(o), "certificate") {
				t.Errorf("%s/%s failed, but not over the certificate: %v\n%s", c, e.Name(), err, o)
			}
		}
	}
}
