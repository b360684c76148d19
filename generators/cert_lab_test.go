package generators

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The ACME lab runs a real HTTP-01 issuance and renewal: Let's Encrypt's test
// server Pebble on the client's router (the "internet", 192.0.2.20), certbot
// and vsftpd on the server host behind the server's NAT router, with the
// generated server-host and server-router nftables rules loaded. Names
// resolve through a hosts file bind-mounted over /etc/hosts in a private
// mount namespace of each process (unshare -m), so the machine's /etc is
// never touched; certbot keeps everything in the test's directory
// (--config-dir from the answers, --work-dir and --logs-dir added here).

const (
	certLabName   = "ftps.lab.test"
	certLabPebble = "pebble"
)

// certLabCmd wraps a command so it sees dir/hosts as /etc/hosts.
func certLabCmd(hosts string, args ...string) []string {
	return append([]string{"unshare", "-m", "--propagation", "private", "sh", "-c",
		`mount --bind "$1" /etc/hosts && shift && exec "$@"`, "sh", hosts}, args...)
}

func certLabWrite(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// certLabPlan is the classic lab plan with a Let's Encrypt certificate
// (challenge http-01 or dns-01) issued by the lab's Pebble.
func certLabPlan(t *testing.T, challenge wizard.Challenge, configDir, user string) *wizard.Plan {
	t.Helper()
	yes := true
	a := wizard.Answers{
		Version: wizard.SchemaVersion, Role: wizard.RoleServer,
		FTPS: wizard.FTPS{Mode: wizard.ModeExplicit},
		Server: &wizard.Server{
			PublicAddress: certLabName, HostAddress: lab.SrvAddr, NAT: wizard.NATPortForward,
			Router:       &wizard.Router{WANInterface: lab.WANIf, LANInterface: lab.LANIf},
			AdminNetwork: "10.20.0.0/24", Capacity: wizard.Capacity{Transfers: 4},
			TLS: wizard.TLS{Source: wizard.SourceLetsEncrypt, RequireSSLReuse: &yes, LetsEncrypt: &wizard.LetsEncrypt{
				Challenge: challenge, Email: "ops@example.com",
				Server: "https://" + certLabPebble + ":14000/dir", ConfigDir: configDir,
			}},
			Vsftpd: wizard.Vsftpd{Flavour: wizard.FlavourDebian, Users: []string{user}, WriteEnable: &yes},
		},
		Firewalls: []wizard.Firewall{wizard.FirewallNftables},
	}
	p, err := wizard.Decide(a)
	if err != nil {
		t.Fatalf("Decide: %v", err)
	}
	return p
}

// certLabServing returns the serial and SHA-256 of the certificate the
// server presents, as seen from the client host.
func certLabServing(t *testing.T, cli *lab.Namespace, hosts string) (serial, sum string) {
	t.Helper()
	args := certLabCmd(hosts, "openssl", "s_client", "-connect", certLabName+":21", "-starttls", "ftp",
		"-servername", certLabName, "-showcerts")
	out, _, err := cli.RunInput(30*time.Second, "", args[0], args[1:]...)
	if err != nil && !strings.Contains(out, "BEGIN CERTIFICATE") {
		t.Fatalf("openssl s_client: %v\n%s", err, out)
	}
	blk, _ := pem.Decode([]byte(out[strings.Index(out, "-----BEGIN CERTIFICATE"):]))
	if blk == nil {
		t.Fatalf("no certificate from the server:\n%s", out)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c.SerialNumber.String(), fmt.Sprintf("%x", sha256.Sum256(blk.Bytes))
}

func TestCertLetsEncryptLab(t *testing.T) {
	lab.Require(t, "pebble", "certbot", "vsftpd", "lftp", "curl", "openssl", "nft", "unshare", "mount", "sh", "sha256sum")
	sslBefore := certLabTree(t, "/etc/ssl")
	l := lab.New(t)
	dir := l.Dir
	u := lab.NewUser(t)
	le := filepath.Join(dir, "le")

	// Names: the server's public name and Pebble, as the internet knows them.
	hosts := filepath.Join(dir, "hosts")
	certLabWrite(t, hosts, "127.0.0.1 localhost\n"+lab.SrvPublicAddr+" "+certLabName+"\n"+
		lab.CliPublicAddr+" "+certLabPebble+"\n", 0o644)

	// Pebble on the client's router, with a TLS certificate of its own for
	// the ACME endpoint (certbot trusts it through REQUESTS_CA_BUNDLE).
	pdir := filepath.Join(dir, "pebble")
	if err := os.MkdirAll(pdir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := l.CliRouter.Run(60*time.Second, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
		"ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN="+certLabPebble,
		"-addext", "subjectAltName=DNS:"+certLabPebble, "-keyout", filepath.Join(pdir, "key.pem"),
		"-out", filepath.Join(pdir, "cert.pem")); err != nil {
		t.Fatalf("pebble cert: %v\n%s", err, stderr)
	}
	certLabWrite(t, filepath.Join(pdir, "config.json"), fmt.Sprintf(`{"pebble": {
  "listenAddress": "0.0.0.0:14000", "managementListenAddress": "0.0.0.0:15000",
  "certificate": %q, "privateKey": %q, "httpPort": 80, "tlsPort": 443,
  "ocspResponderURL": "", "externalAccountBindingRequired": false}}`,
		filepath.Join(pdir, "cert.pem"), filepath.Join(pdir, "key.pem")), 0o644)
	pargs := certLabCmd(hosts, "env", "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0", "PEBBLE_AUTHZREUSE=0",
		"pebble", "-config", filepath.Join(pdir, "config.json"))
	pebble := l.CliRouter.Start(pargs[0], pargs[1:]...)
	if err := l.CliRouter.WaitTCP("127.0.0.1:14000", 20*time.Second); err != nil {
		t.Fatalf("pebble does not listen: %v\n%s", err, pebble.Output())
	}

	// The generated rules: the server's router and host (http-01 plan).
	p := certLabPlan(t, wizard.ChallengeHTTP01, le, u.Name)
	files, err := Render(p)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	out := fwWrite(t, files)
	noChallenge := fwWrite(t, fwRender(t, certLabPlan(t, wizard.ChallengeDNS01, le, u.Name)))
	load := func(ns *lab.Namespace, file string) {
		t.Helper()
		// Each box starts from Debian's default ruleset (it flushes first):
		// a shared box's file adds its chains to that box's own table.
		ns.MustNFT(lab.DebianNftables)
		if _, stderr, err := ns.Run(30*time.Second, "nft", "-f", file); err != nil {
			t.Fatalf("nft -f %s: %v\n%s", file, err, stderr)
		}
	}
	load(l.SrvRouter, filepath.Join(out, nftPath(wizard.SideServerRouter)))
	// Lab plumbing, not under test: each router's own source NAT for its
	// LAN's outbound connections, as every internet router has.
	masq := func(ns *lab.Namespace, lan string) {
		t.Helper()
		if err := ns.NFT("table ip labsnat {\n chain post {\n  type nat hook postrouting priority srcnat; policy accept;\n" +
			"  oifname \"" + lab.WANIf + "\" ip saddr " + lan + " masquerade\n }\n}\n"); err != nil {
			t.Fatal(err)
		}
	}
	masq(l.SrvRouter, "10.20.0.0/24")
	masq(l.CliRouter, lab.CliLAN)

	// certbot, as REPORT.md runs it, plus the lab's directories.
	certbot := func(args ...string) (string, error) {
		full := append([]string{"env", "REQUESTS_CA_BUNDLE=" + filepath.Join(pdir, "cert.pem"), "PATH=" +
			filepath.Join(dir, "bin") + ":/usr/sbin:/usr/bin:/sbin:/bin"}, args...)
		full = append(full, "--work-dir", filepath.Join(dir, "le-work"), "--logs-dir", filepath.Join(dir, "le-logs"))
		c := certLabCmd(hosts, full...)
		stdout, stderr, err := l.Srv.Run(180*time.Second, c[0], c[1:]...)
		return stdout + stderr, err
	}
	issue := CertbotCommand(p).Values()
	if !strings.Contains(strings.Join(issue, " "), "--standalone") {
		t.Fatalf("certbot command is not standalone http-01: %v", issue)
	}

	// Negative control: the host rules without the challenge allowance.
	load(l.Srv, filepath.Join(noChallenge, nftPath(wizard.SideServerHost)))
	if outp, err := certbot(issue...); err == nil {
		t.Fatalf("certbot got a certificate through host rules without port 80:\n%s", outp)
	} else if !strings.Contains(outp, "Type:   connection") || !strings.Contains(outp, "http://"+certLabName+":80/") {
		t.Fatalf("certbot failed, but not because the CA could not connect:\n%s", outp)
	}
	if _, err := os.Stat(p.Server.Cert.CertFile); err == nil {
		t.Fatal("a certificate exists after the failed issuance")
	}
	// The generated host rules let HTTP-01 through.
	load(l.Srv, filepath.Join(out, nftPath(wizard.SideServerHost)))
	if outp, err := certbot(issue...); err != nil {
		t.Fatalf("certbot certonly through the generated rules: %v\n%s", err, outp)
	}
	c := p.Server.Cert
	for _, f := range []string{c.CertFile, c.KeyFile} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("certbot did not write %s: %v", f, err)
		}
	}

	// The deploy hook, installed where certbot runs it; systemctl is a lab
	// stand-in that restarts the lab's vsftpd (the namespace has no systemd).
	hook, ok := reportFind(files, certDeployHookFile)
	if !ok {
		t.Fatal("no deploy hook generated")
	}
	certLabWrite(t, c.DeployHook, string(hook.Content), 0o755)
	conf := reportLabPatch(string(mustFile(t, files, "server/vsftpd.conf")), map[string]string{
		"userlist_file": filepath.Join(dir, "user_list"), "secure_chroot_dir": filepath.Join(dir, "empty"),
		"local_root": u.Home, "vsftpd_log_file": filepath.Join(dir, "vsftpd.log"),
	})
	certLabWrite(t, filepath.Join(dir, "user_list"), u.Name+"\n", 0o644)
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	certLabWrite(t, filepath.Join(dir, "vsftpd.conf"), conf, 0o600)
	certLabWrite(t, filepath.Join(dir, "openssl.cnf"), string(mustFile(t, files, vsftpdOpenSSLFile)), 0o644)
	certLabWrite(t, filepath.Join(dir, "bin", "systemctl"), fmt.Sprintf(`#!/bin/sh
echo "$@" >> %[1]s/systemctl.log
[ "$1" = restart ] && [ "$2" = vsftpd.service ] || exit 1
[ -f %[1]s/vsftpd.pid ] && kill "$(cat %[1]s/vsftpd.pid)" && sleep 1
OPENSSL_CONF=%[1]s/openssl.cnf vsftpd %[1]s/vsftpd.conf 0<>%[1]s/vsftpd.out 1>&0 2>&0 &
echo $! > %[1]s/vsftpd.pid
`, dir), 0o755)
	start := certLabCmd(hosts, filepath.Join(dir, "bin", "systemctl"), "restart", "vsftpd.service")
	if _, stderr, err := l.Srv.Run(30*time.Second, start[0], start[1:]...); err != nil {
		t.Fatalf("start vsftpd: %v\n%s", err, stderr)
	}
	if err := l.Srv.WaitTCP(lab.SrvAddr+":21", 10*time.Second); err != nil {
		b, _ := os.ReadFile(filepath.Join(dir, "vsftpd.out"))
		t.Fatalf("vsftpd does not start with the issued certificate: %v\n%s", err, b)
	}

	// Pebble's root, fetched from its management API inside the lab.
	rootArgs := certLabCmd(hosts, "curl", "-sS", "--fail", "--cacert", filepath.Join(pdir, "cert.pem"),
		"https://"+certLabPebble+":15000/roots/0")
	root, stderr, err := l.Cli.Run(30*time.Second, rootArgs[0], rootArgs[1:]...)
	if err != nil {
		t.Fatalf("pebble root: %v\n%s", err, stderr)
	}
	rootFile := filepath.Join(dir, "pebble-root.pem")
	certLabWrite(t, rootFile, root, 0o644)

	// Strict clients on the client host verify the issued certificate and
	// transfer: curl honouring the PASV address, lftp with its checks on.
	src := lab.RandomFile(t, filepath.Join(dir, "up.bin"), 256<<10)
	transfer := func(tag string) {
		t.Helper()
		netrc := filepath.Join(dir, "netrc")
		certLabWrite(t, netrc, fmt.Sprintf("machine %s login %s password %s\n", certLabName, u.Name, u.Password), 0o600)
		up := certLabCmd(hosts, "curl", "-sS", "--fail", "--max-time", "60", "--ssl-reqd", "--cacert", rootFile,
			"--disable-epsv", "--no-ftp-skip-pasv-ip", "--netrc-file", netrc,
			"-T", filepath.Join(dir, "up.bin"), "ftp://"+certLabName+":21/upload/"+tag+".bin")
		if _, stderr, err := l.Cli.Run(90*time.Second, up[0], up[1:]...); err != nil {
			t.Fatalf("curl upload (%s): %v\n%s", tag, err, stderr)
		}
		got := filepath.Join(dir, tag+".lftp.bin")
		lf := certLabCmd(hosts, "lftp", "-c", fmt.Sprintf("set ssl:ca-file %s; set ssl:verify-certificate yes; "+
			"set ssl:check-hostname yes; set ftp:ssl-force yes; set ftp:ssl-protect-data yes; set net:max-retries 1; "+
			"set net:timeout 20; open -u %s,%s ftp://%s; get upload/%s.bin -o %s",
			rootFile, u.Name, u.Password, certLabName, tag, got))
		if _, stderr, err := l.Cli.Run(90*time.Second, lf[0], lf[1:]...); err != nil {
			t.Fatalf("lftp download (%s): %v\n%s", tag, err, stderr)
		}
		if s, _ := lab.SHA256File(got); s != src {
			t.Fatalf("lftp got sha256 %s, sent %s", s, src)
		}
	}
	transfer("issued")
	serial1, _ := certLabServing(t, l.Cli, hosts)

	// Forced renewal: certbot runs the generated deploy hook, which restarts
	// vsftpd; the new certificate is served without another step.
	if outp, err := certbot("certbot", "renew", "--force-renewal", "--no-random-sleep-on-renew", "--cert-name", certLabName,
		"--config-dir", le); err != nil {
		t.Fatalf("certbot renew: %v\n%s", err, outp)
	}
	logb, _ := os.ReadFile(filepath.Join(dir, "systemctl.log"))
	if strings.Count(string(logb), "restart vsftpd.service") != 2 {
		t.Fatalf("the deploy hook did not restart vsftpd (systemctl calls: %q)", logb)
	}
	if err := l.Srv.WaitTCP(lab.SrvAddr+":21", 10*time.Second); err != nil {
		t.Fatalf("vsftpd not back after the renewal: %v", err)
	}
	serial2, _ := certLabServing(t, l.Cli, hosts)
	if serial1 == serial2 {
		t.Fatalf("vsftpd still serves serial %s after the renewal", serial1)
	}
	transfer("renewed")
	t.Logf("issued serial %s, renewed serial %s", serial1, serial2)

	if after := certLabTree(t, "/etc/ssl"); after != sslBefore {
		t.Fatal("the machine's /etc/ssl changed")
	}
}

// certLabTree fingerprints a directory tree (names, modes, sizes, times).
func certLabTree(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v %d %d\n", p, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func mustFile(t *testing.T, files []File, path string) []byte {
	t.Helper()
	f, ok := reportFind(files, path)
	if !ok {
		t.Fatalf("%s not generated", path)
	}
	return f.Content
}
