package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
)

// serverConf is a vsftpd.conf for Debian 12's vsftpd 3.0.3 with one knob per
// fault the probe must diagnose.
type serverConf struct {
	PasvAddress string // "" leaves it out
	ListenIPv6  bool   // listen_ipv6=YES (and listen=NO)
	Implicit    bool   // implicit_ssl=YES on port 990
	NoSSL       bool   // ssl_enable=NO: plain FTP only
	OnePort     bool   // a passive range of one port, 50000
	Cert        *lab.Cert
}

func (c serverConf) render(log string) string {
	max := "pasv_max_port=50031"
	if c.OnePort {
		max = "pasv_max_port=50000"
	}
	lines := []string{
		max,
		"background=NO",
		"anonymous_enable=NO",
		"local_enable=YES",
		"write_enable=YES",
		"chroot_local_user=YES",
		"pam_service_name=vsftpd",
		"secure_chroot_dir=/var/run/vsftpd/empty",
		"pasv_enable=YES",
		"pasv_min_port=50000",
		"xferlog_enable=YES",
		"vsftpd_log_file=" + log,
		"log_ftp_protocol=YES",
		"debug_ssl=YES",
	}
	if c.ListenIPv6 {
		lines = append(lines, "listen=NO", "listen_ipv6=YES")
	} else {
		lines = append(lines, "listen=YES", "listen_ipv6=NO")
	}
	if c.Implicit {
		lines = append(lines, "implicit_ssl=YES", "listen_port=990")
	}
	if c.NoSSL {
		lines = append(lines, "ssl_enable=NO")
	} else {
		lines = append(lines, "ssl_enable=YES", "force_local_logins_ssl=YES", "force_local_data_ssl=YES",
			"ssl_tlsv1=NO", "ssl_sslv2=NO", "ssl_sslv3=NO", "require_ssl_reuse=YES",
			"rsa_cert_file="+c.Cert.CertFile, "rsa_private_key_file="+c.Cert.KeyFile)
	}
	if c.PasvAddress != "" {
		lines = append(lines, "pasv_address="+c.PasvAddress)
	}
	return strings.Join(lines, "\n") + "\n"
}

// labServer is the NAT lab with a vsftpd that tests restart with other
// configs.
type labServer struct {
	t      *testing.T
	lab    *lab.Lab
	user   *lab.User
	cert   *lab.Cert
	log    string
	vsftpd *lab.Process
	n      int
}

func newLabServer(t *testing.T) *labServer {
	t.Helper()
	lab.Require(t, "vsftpd", "nft", "openssl", "ip")
	s := &labServer{t: t, lab: lab.New(t)}
	s.user = lab.NewUser(t)
	s.cert = lab.NewCert(t, lab.SrvPublicAddr)
	s.log = filepath.Join(s.lab.Dir, "vsftpd.log")
	s.forward("21", "990", "50000-50031")
	s.lab.CliRouter.MustNFT(lab.MasqueradeRuleset)
	return s
}

// forward makes the server router DNAT exactly these ports.
func (s *labServer) forward(ports ...string) {
	s.t.Helper()
	s.lab.SrvRouter.MustNFT("flush ruleset\n" + lab.DNATRuleset(ports...))
}

func (s *labServer) start(c serverConf) {
	s.t.Helper()
	if s.vsftpd != nil {
		s.vsftpd.Stop()
	}
	if c.Cert == nil {
		c.Cert = s.cert
	}
	s.n++
	conf := lab.WriteFile(s.t, fmt.Sprintf("vsftpd-%d.conf", s.n), c.render(s.log))
	s.vsftpd = s.lab.Srv.StartVsftpd(conf)
}

// nsDial dials from inside a lab namespace.
func nsDial(ns *lab.Namespace) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var c net.Conn
		err := ns.Do(func() error {
			var d net.Dialer
			var err error
			c, err = d.DialContext(ctx, network, addr)
			return err
		})
		return c, err
	}
}

func (s *labServer) options(cert *lab.Cert) Options {
	pool := x509.NewCertPool()
	if cert == nil {
		cert = s.cert
	}
	pem, err := os.ReadFile(cert.CertFile)
	if err != nil {
		s.t.Fatal(err)
	}
	pool.AppendCertsFromPEM(pem)
	return Options{
		Host: lab.SrvPublicAddr, User: s.user.Name, Password: s.user.Password, RootCAs: pool,
		Transfer: true, RemoteDir: "upload", PassiveRange: "50000-50031",
		Dial: nsDial(s.lab.Cli),
	}
}

func (s *labServer) probe(o Options) *Report {
	s.t.Helper()
	r, err := Run(context.Background(), o)
	if err != nil {
		s.t.Fatal(err)
	}
	if r.Duration > DefaultTimeout+time.Second {
		s.t.Errorf("probe took %v, over its %v bound", r.Duration, DefaultTimeout)
	}
	return r
}

func dump(r *Report) string {
	var b strings.Builder
	for _, s := range r.Steps {
		fmt.Fprintf(&b, "  %-4s %-11s %v %s\n", s.Status, s.ID, s.Duration.Round(time.Millisecond), s.Detail)
		if s.Diagnosis != nil {
			fmt.Fprintf(&b, "       [%s] %s\n       fix: %s\n", s.Diagnosis.Code, s.Diagnosis.Cause, s.Diagnosis.Fix)
		}
	}
	return b.String()
}

// expect checks one step's status and diagnosis code, and that the fix
// mentions every word of fixHas.
func expect(t *testing.T, r *Report, id string, status Status, code string, fixHas ...string) {
	t.Helper()
	s, ok := r.Step(id)
	if !ok {
		t.Errorf("no step %s:\n%s", id, dump(r))
		return
	}
	if s.Status != status {
		t.Errorf("step %s: %s, want %s:\n%s", id, s.Status, status, dump(r))
		return
	}
	if code == "" {
		return
	}
	if s.Diagnosis == nil || s.Diagnosis.Code != code {
		t.Errorf("step %s: diagnosis %+v, want %s:\n%s", id, s.Diagnosis, code, dump(r))
		return
	}
	for _, w := range fixHas {
		if !strings.Contains(s.Diagnosis.Fix+" "+s.Diagnosis.Cause, w) {
			t.Errorf("step %s: diagnosis lacks %q: %+v", id, w, s.Diagnosis)
		}
	}
}

// expiredCert makes a self-signed certificate for the server's public
// address that expired in 2020, with openssl ca (openssl req cannot
// backdate).
func expiredCert(t *testing.T) *lab.Cert {
	t.Helper()
	dir := filepath.Join(lab.TempDir(t), "expired")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cnf := "[ ca ]\ndefault_ca = CA_default\n[ CA_default ]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n" +
		"default_md = sha256\npolicy = policy_any\n[ policy_any ]\ncommonName = supplied\n[ ext ]\n" +
		"subjectAltName = IP:" + lab.SrvPublicAddr + "\nbasicConstraints = CA:FALSE\n"
	for name, content := range map[string]string{"ca.cnf": cnf, "index.txt": "", "serial": "01\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ns := lab.NewNamespace(t) // any namespace: openssl needs no network
	run := func(args ...string) {
		t.Helper()
		if _, se, err := ns.Run(30*time.Second, "sh", "-c", "cd "+dir+" && "+strings.Join(args, " ")); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, se)
		}
	}
	run("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-subj", "/CN="+lab.SrvPublicAddr,
		"-out", "req.pem")
	run("openssl", "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "key.pem", "-in", "req.pem",
		"-out", "cert.pem", "-startdate", "20200101000000Z", "-enddate", "20200201000000Z", "-extensions", "ext", "-notext")
	return &lab.Cert{CertFile: filepath.Join(dir, "cert.pem"), KeyFile: filepath.Join(dir, "key.pem"), Name: lab.SrvPublicAddr}
}

// chain is a root CA and a server certificate issued through an
// intermediate.
type chain struct {
	root *lab.Cert // the root's certificate (the CA file clients trust)
	leaf *lab.Cert // the server's pair; CertFile holds the leaf, plus the intermediate when full
}

// chainCert makes root -> intermediate -> leaf for the server's public
// address with openssl, the leaf valid for days days.
func chainCert(t *testing.T, days int, full bool) chain {
	t.Helper()
	dir, err := os.MkdirTemp(lab.TempDir(t), "chain-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(script string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "sh", "-ec", script) // openssl only: no network
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", script, err, out)
		}
	}
	run(`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 400 -subj /CN=Lab-Root -keyout root.key -out root.pem
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=Lab-Intermediate -keyout int.key -out int.csr
printf 'basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
' > int.ext
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -days 400 -extfile int.ext -out int.pem
openssl req -new -newkey rsa:2048 -nodes -subj /CN=` + lab.SrvPublicAddr + ` -keyout leaf.key -out leaf.csr
printf 'subjectAltName=IP:` + lab.SrvPublicAddr + `
basicConstraints=CA:FALSE
extendedKeyUsage=serverAuth
' > leaf.ext
openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -CAcreateserial -days ` + fmt.Sprint(days) + ` -extfile leaf.ext -out leaf.pem
chmod 600 leaf.key`)
	certFile := filepath.Join(dir, "leaf.pem")
	if full {
		run("cat leaf.pem int.pem > full.pem")
		certFile = filepath.Join(dir, "full.pem")
	}
	return chain{
		root: &lab.Cert{CertFile: filepath.Join(dir, "root.pem"), Name: "Lab-Root"},
		leaf: &lab.Cert{CertFile: certFile, KeyFile: filepath.Join(dir, "leaf.key"), Name: lab.SrvPublicAddr},
	}
}

// TestProbeFaults injects one fault at a time into a real vsftpd behind NAT
// and checks that the probe, run from the client host behind its own NAT,
// names the cause and the fix, within the time bound.
func TestProbeFaults(t *testing.T) {
	s := newLabServer(t)
	good := serverConf{PasvAddress: lab.SrvPublicAddr}

	t.Run("healthy server", func(t *testing.T) {
		s.start(good)
		r := s.probe(s.options(nil))
		if r.Worst() != Pass {
			t.Errorf("worst %s:\n%s", r.Worst(), dump(r))
		}
		list, _ := r.Step("list")
		if !strings.Contains(list.Detail, "TLS session resumed") {
			t.Errorf("the probe did not resume its TLS session on the data connection: %s", list.Detail)
		}
		reuse, _ := r.Step("reuse")
		if !strings.HasPrefix(reuse.Detail, "yes") || !strings.Contains(reuse.Detail, "522") {
			t.Errorf("reuse check: %s\n%s", reuse.Detail, dump(r))
		}
		expect(t, r, "transfer", Pass, "")
		if r.PASV == "" || !strings.HasPrefix(r.PASV, lab.SrvPublicAddr+":") {
			t.Errorf("PASV %q", r.PASV)
		}
	})

	t.Run("healthy server over TLS 1.2", func(t *testing.T) {
		o := s.options(nil)
		o.MaxTLS = tls.VersionTLS12
		r := s.probe(o)
		if r.Worst() != Pass || r.TLS == nil || r.TLS.Version != "TLS 1.2" {
			t.Errorf("worst %s, TLS %+v:\n%s", r.Worst(), r.TLS, dump(r))
		}
		list, _ := r.Step("list")
		if !strings.Contains(list.Detail, "TLS session resumed") {
			t.Errorf("no resumption over TLS 1.2: %s", list.Detail)
		}
	})

	t.Run("client without session reuse", func(t *testing.T) {
		o := s.options(nil)
		o.NoReuse = true
		r := s.probe(o)
		expect(t, r, "list", Fail, "reuse-required", "require_ssl_reuse", "522")
	})

	t.Run("no pasv_address behind NAT", func(t *testing.T) {
		s.start(serverConf{})
		r := s.probe(s.options(nil))
		expect(t, r, "pasv", Fail, "pasv-address-private", "pasv_address="+lab.SrvPublicAddr, lab.SrvAddr)
		// The range itself works: the data steps pass via the control address.
		expect(t, r, "data", Pass, "")
		expect(t, r, "list", Pass, "")
	})

	t.Run("listen_ipv6=YES announces 0,0,0,0", func(t *testing.T) {
		s.start(serverConf{PasvAddress: lab.SrvPublicAddr, ListenIPv6: true})
		r := s.probe(s.options(nil))
		expect(t, r, "pasv", Fail, "pasv-zero", "listen_ipv6=NO", "listen=YES")
		if !strings.HasPrefix(r.PASV, "0.0.0.0:") {
			t.Errorf("PASV %q", r.PASV)
		}
	})

	t.Run("closed passive range", func(t *testing.T) {
		s.start(good)
		s.forward("21")
		defer s.forward("21", "990", "50000-50031")
		// The router itself has no listener on the passive ports; drop
		// instead of refusing, as a firewall does.
		s.lab.SrvRouter.MustNFT("table ip labfilter {\n chain input {\n  type filter hook input priority 0; policy accept;\n" +
			"  tcp dport 50000-50031 drop\n }\n}\n")
		o := s.options(nil)
		o.Transfer = false
		t0 := time.Now()
		r := s.probe(o)
		expect(t, r, "data", Fail, "data-timeout", "passive")
		if d := time.Since(t0); d > DefaultTimeout {
			t.Errorf("took %v", d)
		}
	})

	t.Run("exhausted passive range", func(t *testing.T) {
		s.start(serverConf{PasvAddress: lab.SrvPublicAddr, OnePort: true})
		defer s.start(good)
		// Someone else holds the only passive port: every PASV's 9 bind
		// tries fail and vsftpd writes its OOPS in clear text into TLS.
		ln, err := s.lab.Srv.Listen("tcp", "0.0.0.0:50000")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		o := s.options(nil)
		o.Transfer = false
		r := s.probe(o)
		if st, _ := r.Step("epsv"); st.Diagnosis != nil && st.Diagnosis.Code == "pasv-range-exhausted" {
			return // EPSV hits it first: the same diagnosis
		}
		expect(t, r, "pasv", Fail, "pasv-range-exhausted", "passive range")
	})

	t.Run("dead control port", func(t *testing.T) {
		s.lab.SrvRouter.MustNFT("flush ruleset\ntable ip labfilter {\n chain input {\n  type filter hook input priority 0;" +
			" policy accept;\n  tcp dport 21 drop\n }\n}\n")
		defer s.forward("21", "990", "50000-50031")
		t0 := time.Now()
		r := s.probe(s.options(nil))
		expect(t, r, "tcp", Fail, "control-timeout", "21")
		if d := time.Since(t0); d > DefaultTimeout {
			t.Errorf("whole probe on a dead path took %v, over 15 s", d)
		}
		for _, st := range r.Steps[2:] {
			if st.Status != Skip {
				t.Errorf("step %s ran after the control connection failed", st.ID)
			}
		}
	})

	t.Run("expired certificate", func(t *testing.T) {
		c := expiredCert(t)
		s.start(serverConf{PasvAddress: lab.SrvPublicAddr, Cert: c})
		r := s.probe(s.options(c))
		expect(t, r, "certificate", Fail, "cert-expired", "expired", "Create a new pair") // self-signed: the fix for that source
		expect(t, r, "login", Skip, "")
		o := s.options(c)
		o.Insecure = true
		r = s.probe(o)
		expect(t, r, "certificate", Warn, "cert-expired")
		expect(t, r, "list", Pass, "")
	})

	t.Run("certificate expiring within 30 days", func(t *testing.T) {
		c := chainCert(t, 10, true)
		s.start(serverConf{PasvAddress: lab.SrvPublicAddr, Cert: c.leaf})
		o := s.options(c.root)
		r := s.probe(o)
		expect(t, r, "certificate", Warn, "cert-expiring", "expires on", "Renew it with your CA")
		expect(t, r, "list", Pass, "")
	})

	t.Run("incomplete chain", func(t *testing.T) {
		c := chainCert(t, 60, false)
		s.start(serverConf{PasvAddress: lab.SrvPublicAddr, Cert: c.leaf})
		r := s.probe(s.options(c.root))
		expect(t, r, "certificate", Fail, "cert-chain-incomplete", "intermediate", "Append the intermediate")
		expect(t, r, "login", Skip, "")
		// The same certificate with its chain passes.
		full := chainCert(t, 60, true)
		s.start(serverConf{PasvAddress: lab.SrvPublicAddr, Cert: full.leaf})
		r = s.probe(s.options(full.root))
		expect(t, r, "certificate", Pass, "")
	})

	t.Run("wrong-name certificate", func(t *testing.T) {
		c := lab.NewCert(t, "ftp.wrong-name.example")
		s.start(serverConf{PasvAddress: lab.SrvPublicAddr, Cert: c})
		r := s.probe(s.options(c))
		expect(t, r, "certificate", Fail, "cert-wrong-name", "ftp.wrong-name.example", lab.SrvPublicAddr)
		expect(t, r, "login", Skip, "")
	})

	t.Run("untrusted self-signed certificate", func(t *testing.T) {
		s.start(good)
		o := s.options(nil)
		o.RootCAs = x509.NewCertPool()
		r := s.probe(o)
		expect(t, r, "certificate", Fail, "cert-untrusted", "self-signed", "--fingerprint")
		// The login is skipped, and the way on is trusting the
		// certificate, never switching verification off.
		if l, ok := r.Step("login"); !ok || l.Status != Skip || strings.Contains(l.Detail, "--insecure") || !strings.Contains(l.Detail, "--fingerprint") {
			t.Errorf("login step: %+v", l)
		}
		// Pinning its fingerprint makes it trusted.
		o.Fingerprint = r.TLS.Fingerprint
		r = s.probe(o)
		expect(t, r, "certificate", Pass, "")
		expect(t, r, "list", Pass, "")
	})

	t.Run("implicit server, explicit client", func(t *testing.T) {
		s.start(serverConf{PasvAddress: lab.SrvPublicAddr, Implicit: true})
		o := s.options(nil)
		o.Port, o.Mode = 990, Explicit
		r := s.probe(o)
		expect(t, r, "banner", Fail, "implicit-on-explicit", "implicit", "ftps://")
		if r.Mode != Implicit {
			t.Errorf("mode %s", r.Mode)
		}
		expect(t, r, "list", Pass, "")
	})

	t.Run("explicit server, implicit client", func(t *testing.T) {
		s.start(good)
		o := s.options(nil)
		o.Port, o.Mode = 21, Implicit
		r := s.probe(o)
		expect(t, r, "tls", Fail, "explicit-on-implicit", "explicit", "AUTH TLS")
		if r.Mode != Explicit {
			t.Errorf("mode %s", r.Mode)
		}
		expect(t, r, "list", Pass, "")
	})

	t.Run("TLS 1.0-only client", func(t *testing.T) {
		o := s.options(nil)
		o.MaxTLS = tls.VersionTLS10
		r := s.probe(o)
		expect(t, r, "tls", Fail, "tls-version-refused", "TLS 1.2")
		expect(t, r, "login", Skip, "")
	})

	t.Run("plaintext-only server", func(t *testing.T) {
		s.start(serverConf{PasvAddress: lab.SrvPublicAddr, NoSSL: true})
		r := s.probe(s.options(nil))
		expect(t, r, "auth", Fail, "plaintext-only", "ssl_enable=YES")
		expect(t, r, "login", Skip, "")
	})

	t.Run("wrong password", func(t *testing.T) {
		s.start(good)
		o := s.options(nil)
		o.Password = "wrong"
		r := s.probe(o)
		expect(t, r, "login", Fail, "login-incorrect", "pam_service_name")
	})
}
