package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ftpsConf is a hand-written explicit-FTPS vsftpd.conf for Debian 12's
// vsftpd 3.0.3 (only option names that version knows).
type ftpsConf struct {
	PasvAddress      string // empty: no pasv_address line
	PasvMin, PasvMax int
	ForceTLS         bool // force_local_logins_ssl / force_local_data_ssl
	Log              string
}

func (c ftpsConf) render(u *User, cert *Cert) string {
	yn := func(b bool) string {
		if b {
			return "YES"
		}
		return "NO"
	}
	lines := []string{
		"listen=YES",
		"listen_ipv6=NO", // with YES, vsftpd ignores pasv_address
		"background=NO",
		"anonymous_enable=NO",
		"local_enable=YES",
		"write_enable=YES",
		"chroot_local_user=YES",
		"pam_service_name=vsftpd",
		"secure_chroot_dir=/var/run/vsftpd/empty",
		"pasv_enable=YES",
		fmt.Sprintf("pasv_min_port=%d", c.PasvMin),
		fmt.Sprintf("pasv_max_port=%d", c.PasvMax),
		"ssl_enable=YES",
		"force_local_logins_ssl=" + yn(c.ForceTLS),
		"force_local_data_ssl=" + yn(c.ForceTLS),
		"ssl_sslv2=NO",
		"ssl_sslv3=NO",
		"ssl_tlsv1=NO",
		"require_ssl_reuse=YES",
		"rsa_cert_file=" + cert.CertFile,
		"rsa_private_key_file=" + cert.KeyFile,
		"xferlog_enable=YES",
		"vsftpd_log_file=" + c.Log,
		"dual_log_enable=NO",
	}
	if c.PasvAddress != "" {
		lines = append(lines, "pasv_address="+c.PasvAddress)
	}
	return strings.Join(lines, "\n") + "\n"
}

// ftpsFixture is a lab with NAT, a user with a file to download, a
// certificate for the public address and a running vsftpd.
type ftpsFixture struct {
	*Lab
	User    *User
	Cert    *Cert
	Vsftpd  *Process
	Conf    string // path
	Log     string // vsftpd_log_file
	File    string // name of the download file in the user's home
	FileSum string
}

func newFTPSFixture(t *testing.T, c ftpsConf, fileSize int64) *ftpsFixture {
	t.Helper()
	f := &ftpsFixture{Lab: New(t)}
	f.User = NewUser(t)
	f.Cert = NewCert(t, SrvPublicAddr)
	f.Log = filepath.Join(f.Dir, "vsftpd.log")
	c.Log = f.Log
	f.Conf = WriteFile(t, "vsftpd.conf", c.render(f.User, f.Cert))
	f.File = "data.bin"
	f.FileSum = RandomFile(t, filepath.Join(f.User.Home, f.File), fileSize)
	f.Vsftpd = f.Srv.StartVsftpd(f.Conf)
	return f
}

func checkSum(t *testing.T, what, path, want string) {
	t.Helper()
	got, err := SHA256File(path)
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if got != want {
		t.Errorf("%s: sha256 %s, want %s", what, got, want)
	}
}

// TestFTPSThroughNAT: a hand-written explicit-FTPS vsftpd behind the DNAT
// router serves a client behind the masquerading router, with TLS on control
// and data, the PASV address honoured (EPSV off, no client-side fix-ups),
// and both lftp and curl download and upload byte-exact files.
func TestFTPSThroughNAT(t *testing.T) {
	Require(t, "vsftpd", "lftp", "curl", "nft", "openssl")
	f := newFTPSFixture(t, ftpsConf{PasvAddress: SrvPublicAddr, PasvMin: 50000, PasvMax: 50031, ForceTLS: true}, 1<<20)
	f.RouterNAT("21", "50000-50031")

	if g, err := f.Cli.ReadGreeting(SrvPublicAddr+":21", 5*time.Second); err != nil || !strings.HasPrefix(g, "220 ") {
		t.Fatalf("greeting through NAT: %q, %v", g, err)
	}

	clientDir := filepath.Join(f.Dir, "client")
	if err := os.Mkdir(clientDir, 0o755); err != nil {
		t.Fatal(err)
	}
	upSum := RandomFile(t, filepath.Join(clientDir, "up.bin"), 700*1024)
	// This hand-written vsftpd 3.0.3 has no TLS 1.2 cap (the generated
	// files' OPENSSL_CONF), so a TLS 1.3 upload can end in "426 Failure
	// reading network stream" (vsftpd and the session ticket the client
	// never reads; measured in internal/lab/e2e, TestLab/tls13-uploads).
	// The clients cap themselves, the documented way out for a vsftpd
	// ftpswiz does not configure; the uploads then test what this test is
	// for: NAT and the PASV address.
	lftpTLS12 := "set ssl:priority NORMAL:-VERS-TLS1.3"
	curlTLS12 := []string{"--tls-max", "1.2"}

	t.Run("lftp", func(t *testing.T) {
		dl := filepath.Join(clientDir, "lftp-dl.bin")
		out, err := f.Cli.Lftp(30*time.Second, SrvPublicAddr, f.User, LftpOptions{CAFile: f.Cert.CertFile, Debug: true, Extra: []string{lftpTLS12}},
			"get "+f.File+" -o "+dl,
			"put "+filepath.Join(clientDir, "up.bin")+" -o upload/lftp-up.bin",
			"cls -l upload")
		if err != nil {
			t.Fatalf("lftp: %v\n%s\nvsftpd log:\n%s", err, out, readFile(f.Log))
		}
		checkSum(t, "lftp download", dl, f.FileSum)
		checkSum(t, "lftp upload", filepath.Join(f.User.Upload, "lftp-up.bin"), upSum)
		for _, want := range []string{
			"---> AUTH TLS",
			"---> PROT P",
			"---> PASV",
			"227 Entering Passive Mode (198,51,100,10,",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("lftp trace lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "---> EPSV") {
			t.Errorf("lftp used EPSV (the PASV address would not matter):\n%s", out)
		}
	})

	t.Run("curl", func(t *testing.T) {
		dl := filepath.Join(clientDir, "curl-dl.bin")
		base := append(append(append([]string{}, CurlStrict...), curlTLS12...), "-v", "--cacert", f.Cert.CertFile,
			"-u", f.User.Name+":"+f.User.Password)
		_, se, err := f.Cli.Run(30*time.Second, "curl", append(base, "-o", dl, "ftp://"+SrvPublicAddr+"/"+f.File)...)
		if err != nil {
			t.Fatalf("curl download: %v\n%s\nvsftpd log:\n%s", err, se, readFile(f.Log))
		}
		checkSum(t, "curl download", dl, f.FileSum)
		for _, want := range []string{"> AUTH ", "> PROT P", "> PASV",
			"227 Entering Passive Mode (198,51,100,10,", "Connecting to 198.51.100.10 (198.51.100.10) port 500"} {
			if !strings.Contains(se, want) {
				t.Errorf("curl -v lacks %q:\n%s", want, se)
			}
		}
		_, se, err = f.Cli.Run(30*time.Second, "curl", append(base, "-T", filepath.Join(clientDir, "up.bin"),
			"ftp://"+SrvPublicAddr+"/upload/curl-up.bin")...)
		if err != nil {
			t.Fatalf("curl upload: %v\n%s", err, se)
		}
		checkSum(t, "curl upload", filepath.Join(f.User.Upload, "curl-up.bin"), upSum)
	})

	t.Run("plain login refused", func(t *testing.T) {
		out, err := f.Cli.Lftp(20*time.Second, SrvPublicAddr, f.User, LftpOptions{Plain: true, Debug: true}, "cls")
		if err == nil || !strings.Contains(out, "530 Non-anonymous sessions must use encryption") {
			t.Errorf("plain FTP login: err=%v\n%s", err, out)
		}
	})

	// Without pasv_address vsftpd announces 10.20.0.2: a client that honours
	// the PASV address fails, lftp's default fix-up hides the mistake.
	t.Run("no pasv_address", func(t *testing.T) {
		f := *f
		f.Lab = f.Lab.For(t)
		f.Vsftpd.Stop()
		conf := WriteFile(t, "vsftpd-nopasv.conf", ftpsConf{PasvMin: 50000, PasvMax: 50031, ForceTLS: true,
			Log: filepath.Join(f.Dir, "vsftpd-nopasv.log")}.render(f.User, f.Cert))
		f.Srv.StartVsftpd(conf)
		dl := filepath.Join(clientDir, "nopasv.bin")
		out, err := f.Cli.Lftp(20*time.Second, SrvPublicAddr, f.User, LftpOptions{Debug: true}, "get "+f.File+" -o "+dl)
		if err == nil || !strings.Contains(out, "227 Entering Passive Mode (10,20,0,2,") {
			t.Errorf("strict client without pasv_address: err=%v\n%s", err, out)
		} else {
			t.Logf("strict lftp without pasv_address fails as expected: %s", lastLine(out))
		}
		out, err = f.Cli.Lftp(20*time.Second, SrvPublicAddr, f.User, LftpOptions{FixPasvAddress: true}, "get "+f.File+" -o "+dl)
		if err != nil {
			t.Errorf("lftp with fix-pasv-address: %v\n%s", err, out)
		}
		checkSum(t, "fixed-up download", dl, f.FileSum)
	})

	log := readFile(f.Log)
	if !strings.Contains(log, `OK LOGIN: Client "`+CliPublicAddr+`"`) {
		t.Errorf("vsftpd log does not show logins from %s (masquerade):\n%s", CliPublicAddr, log)
	}
	if n := strings.Count(log, "OK DOWNLOAD"); n != 2 {
		t.Errorf("vsftpd logged %d downloads, want 2:\n%s", n, log)
	}
	if n := strings.Count(log, "OK UPLOAD"); n != 2 {
		t.Errorf("vsftpd logged %d uploads, want 2:\n%s", n, log)
	}
}

// TestVsftpdStartFailureIsReported: a config vsftpd rejects makes
// StartVsftpd report vsftpd's own message (written to fd 0).
func TestVsftpdStartFailureIsReported(t *testing.T) {
	Require(t, "vsftpd")
	ns := NewNamespace(t)
	conf := WriteFile(t, "bad.conf", "listen=YES\nlisten_ipv6=NO\nssl_tlsv1_2=YES\n")
	_, err := ns.TryStartVsftpd(conf)
	if err == nil || !strings.Contains(err.Error(), "500 OOPS: unrecognised variable in config file: ssl_tlsv1_2") {
		t.Errorf("failure lacks vsftpd's OOPS: %v", err)
	}

	// And a good config answers with a 220 greeting.
	good := WriteFile(t, "good.conf", "listen=YES\nlisten_ipv6=NO\nlisten_port=2121\nsecure_chroot_dir=/var/run/vsftpd/empty\n")
	ns.StartVsftpd(good)
	if g, err := ns.ReadGreeting("127.0.0.1:2121", 5*time.Second); err != nil || !strings.HasPrefix(g, "220 ") {
		t.Errorf("greeting %q, %v", g, err)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func readFile(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	return string(data)
}
