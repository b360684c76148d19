package vsftpdconf

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/vsftpd"
)

// startScript runs inside a throwaway network and PID namespace: it starts
// vsftpd standalone on the config ($0) with the given -o options, waits up
// to 3 s for it to listen on 127.0.0.1:2121, and prints the first line a
// client receives. When bash (PID 1 of the namespace) exits, the kernel
// kills every process left in it, vsftpd included. vsftpd writes its
// start-up errors to fd 0, which is a file ($1).
const startScript = `
ip link set lo up || exit 1
conf=$0; out=$1; shift 2
vsftpd "$conf" -olisten_port=2121 "$@" <>"$out" &
pid=$!
for i in $(seq 1 30); do
  kill -0 $pid 2>/dev/null || break
  if exec 3<>/dev/tcp/127.0.0.1/2121; then
    timeout 3 head -n1 <&3 | tr -d '\r'
    exec 3<&-
    break
  fi 2>/dev/null
  sleep 0.1
done
`

// vsftpdStart runs the installed vsftpd on a config in throwaway network
// and PID namespaces and returns what it wrote at start ("" when it
// started) and the first line of its greeting ("" when it did not serve).
// Nothing is sent outside the namespace; the namespace dies with the test's
// command, within a bounded time.
func vsftpdStart(t *testing.T, dir string, conf []byte) (start, greeting string) {
	t.Helper()
	cfg := filepath.Join(dir, "vsftpd.conf")
	if err := os.WriteFile(cfg, conf, 0o600); err != nil {
		t.Fatal(err)
	}
	fd0 := filepath.Join(dir, "fd0")
	if err := os.WriteFile(fd0, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "--net", "--pid", "--fork", "--kill-child", "bash", "-c", startScript, cfg, fd0)
	cmd.WaitDelay = 2 * time.Second
	out, err := cmd.Output()
	if ctx.Err() != nil {
		t.Fatalf("vsftpd start check did not finish: %v", ctx.Err())
	}
	if err != nil {
		t.Fatalf("start check: %v (%s)", err, out)
	}
	written, err := os.ReadFile(fd0)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(strings.ReplaceAll(string(written), "\r", "")), strings.TrimSpace(string(out))
}

// fatalCodes are the findings that mean vsftpd does not start, or ends
// every session at the greeting.
var fatalCodes = map[string]bool{
	"listen-none": true, "listen-both": true, "cert-missing": true, "key-missing": true, "userlist-missing": true,
	"banner-missing": true, "log-dir-missing": true, "secure-chroot-missing": true,
}

func writeRSAPair(t *testing.T, certPath, keyPath string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ftp.example.net"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY",
		Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRealVsftpdStartsWhenLinterSays cross-checks the linter's verdicts on
// defaults and host files with the real vsftpd: for each config, vsftpd
// refuses to start or ends the session at the greeting exactly when the
// linter, run on this host (OnHost), reports one of the fatalCodes. Each
// file a config names exists or is missing in a test directory. Negative
// controls: the same options with the files present start and greet.
func TestRealVsftpdStartsWhenLinterSays(t *testing.T) {
	lab.Require(t, "vsftpd", "unshare", "bash", "timeout")
	fl := installedFlavour(t)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	logs := filepath.Join(dir, "logs")
	for _, d := range []string{empty, logs} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range map[string]string{"users": "alice\n", "banner": "Welcome\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "c.key")
	writeRSAPair(t, cert, key)
	gone := filepath.Join(dir, "missing")
	// Every config runs in its own empty secure_chroot_dir and, unless the
	// case says otherwise, with listen=YES.
	base := "anonymous_enable=NO\nlocal_enable=YES\npam_service_name=vsftpd\nsecure_chroot_dir=" + empty + "\n"
	tests := []struct {
		name   string
		conf   string
		listen bool // prepend listen=YES
		fatal  bool // vsftpd must fail to start or to greet
	}{
		{"listen unset", "", false, fl == vsftpd.FlavourDebian},
		{"listen_ipv6 alone", "listen_ipv6=YES\n", false, fl != vsftpd.FlavourDebian},
		{"listen=YES", "", true, false},
		{"both listen", "listen_ipv6=YES\n", true, true},
		{"user list present", "userlist_enable=YES\nuserlist_deny=NO\nuserlist_file=" + dir + "/users\n", true, false},
		{"user list missing", "userlist_enable=YES\nuserlist_file=" + gone + "/users\n", true, true},
		{"banner present", "banner_file=" + dir + "/banner\n", true, false},
		{"banner missing", "banner_file=" + gone + "/banner\n", true, true},
		{"log dir present", "xferlog_enable=YES\nvsftpd_log_file=" + logs + "/vsftpd.log\n", true, false},
		{"log dir missing", "xferlog_enable=YES\nvsftpd_log_file=" + gone + "/vsftpd.log\n", true, true},
		{"log dir missing, syslog", "xferlog_enable=YES\nsyslog_enable=YES\nvsftpd_log_file=" + gone + "/vsftpd.log\n",
			true, false},
		{"xferlog dir missing", "xferlog_enable=YES\nxferlog_std_format=YES\nvsftpd_log_file=" + gone +
			"/v.log\nxferlog_file=" + gone + "/xferlog\n", true, true},
		{"xferlog dir present", "xferlog_enable=YES\nxferlog_std_format=YES\nvsftpd_log_file=" + gone +
			"/v.log\nxferlog_file=" + logs + "/xferlog\n", true, false},
		{"dual log, vsftpd log dir missing", "dual_log_enable=YES\nxferlog_file=" + logs + "/xferlog\nvsftpd_log_file=" +
			gone + "/v.log\n", true, true},
		{"logging off", "xferlog_enable=NO\nvsftpd_log_file=" + gone + "/vsftpd.log\n", true, false},
		{"certificate and key present", "ssl_enable=YES\nrsa_cert_file=" + cert + "\nrsa_private_key_file=" + key + "\n",
			true, false},
		{"certificate missing", "ssl_enable=YES\nrsa_cert_file=" + gone + "/c.pem\nrsa_private_key_file=" + key + "\n",
			true, true},
		{"key missing", "ssl_enable=YES\nrsa_cert_file=" + cert + "\nrsa_private_key_file=" + gone + "/c.key\n", true, true},
		{"secure_chroot_dir missing", "secure_chroot_dir=" + gone + "/empty\n", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf := base + tt.conf
			if tt.listen {
				conf = "listen=YES\n" + conf
			}
			start, greeting := vsftpdStart(t, t.TempDir(), []byte(conf))
			served := strings.HasPrefix(greeting, "220")
			if served == tt.fatal {
				t.Fatalf("vsftpd: start %q, greeting %q; the case expects fatal=%v", start, greeting, tt.fatal)
			}
			var fatal []string
			for _, f := range Lint(Parse([]byte(conf)), Options{Flavour: fl, Host: OSHost{}, OnHost: true}) {
				if f.Severity == Error && fatalCodes[f.Code] {
					fatal = append(fatal, f.Code)
				}
			}
			switch {
			case !served && len(fatal) == 0:
				t.Errorf("vsftpd fails (start %q, greeting %q) but the linter reports none of its fatal findings", start, greeting)
			case served && len(fatal) > 0:
				t.Errorf("vsftpd serves (%q) but the linter reports %v", greeting, fatal)
			}
			t.Logf("start %q, greeting %q, linter %v", start, greeting, fatal)
		})
	}
}
