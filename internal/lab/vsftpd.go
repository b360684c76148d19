package lab

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// User is a real local account for vsftpd logins, deleted at cleanup.
type User struct {
	Name     string
	Password string
	// Home is the chroot root: owned by root, mode 0755, so vsftpd's
	// chroot_local_user=YES accepts it without allow_writeable_chroot.
	Home string
	// Upload is Home/upload, owned by the user: the writable directory.
	Upload   string
	UID, GID int
}

// NewUser creates a unique local user with shell /bin/bash (Debian's PAM
// stack for vsftpd includes pam_shells), a random password set with
// chpasswd, and the Home/Upload layout described on User. It is removed with
// `userdel -r` at cleanup, after the lab's processes are killed.
func NewUser(t testing.TB) *User {
	t.Helper()
	Require(t, "useradd", "userdel", "chpasswd")
	r := reg(t)
	name := "ftpswiz" + randomHex(4)
	home := filepath.Join(TempDir(t), "home-"+name)
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatalf("lab: %v", err)
	}
	comment := fmt.Sprintf("%s%d-%s lab user", namePrefix, os.Getpid(), r.id)
	if out, err := retryLocked(func() (string, error) {
		return rootCmd(10*time.Second, "", "useradd", "-M", "-U", "-d", home, "-s", "/bin/bash", "-c", comment, name)
	}); err != nil {
		t.Fatalf("lab: useradd %s: %v: %s", name, err, out)
	}
	u := &User{Name: name, Password: "Lab-" + randomHex(8), Home: home, Upload: filepath.Join(home, "upload")}
	r.addUser(u)
	if out, err := retryLocked(func() (string, error) {
		return rootCmd(10*time.Second, u.Name+":"+u.Password+"\n", "chpasswd")
	}); err != nil {
		t.Fatalf("lab: chpasswd %s: %v: %s", name, err, out)
	}
	pw, err := user.Lookup(name)
	if err != nil {
		t.Fatalf("lab: lookup %s: %v", name, err)
	}
	u.UID, _ = strconv.Atoi(pw.Uid)
	u.GID, _ = strconv.Atoi(pw.Gid)
	if err := os.Mkdir(u.Upload, 0o755); err != nil {
		t.Fatalf("lab: %v", err)
	}
	if err := os.Chown(u.Upload, u.UID, u.GID); err != nil {
		t.Fatalf("lab: %v", err)
	}
	return u
}

// retryLocked retries fn (bounded, ~5s) while the shadow-utils report a
// locked /etc/passwd or /etc/group: parallel test binaries add users too.
func retryLocked(fn func() (string, error)) (string, error) {
	var out string
	var err error
	for i := 0; i < 50; i++ {
		out, err = fn()
		if err == nil || !strings.Contains(strings.ToLower(out), "lock") {
			return out, err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return out, err
}

// deleteUser runs `userdel -r`; a user that no longer exists is not an error.
func deleteUser(name string) error {
	if _, err := user.Lookup(name); err != nil {
		return nil
	}
	out, err := retryLocked(func() (string, error) {
		return rootCmd(10*time.Second, "", "userdel", "-r", name)
	})
	if _, lerr := user.Lookup(name); lerr != nil {
		return nil // gone; userdel -r only warned (mail spool, root-owned home)
	}
	return fmt.Errorf("userdel -r %s: %v: %s", name, err, out)
}

// Cert is a self-signed test certificate and its unencrypted key.
type Cert struct {
	CertFile string // PEM certificate; also usable as the CA file to trust
	KeyFile  string // PEM RSA key, mode 0600
	Name     string // CN and subjectAltName (IP or DNS)
}

// NewCert makes a self-signed RSA 2048 certificate valid for two days with
// CN = name and a matching subjectAltName (IP: for an address, DNS:
// otherwise), using openssl.
func NewCert(t testing.TB, name string) *Cert {
	t.Helper()
	Require(t, "openssl")
	dir := filepath.Join(TempDir(t), "cert-"+randomHex(3))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatalf("lab: %v", err)
	}
	san := "DNS:" + name
	if net.ParseIP(name) != nil {
		san = "IP:" + name
	}
	c := &Cert{CertFile: filepath.Join(dir, "cert.pem"), KeyFile: filepath.Join(dir, "key.pem"), Name: name}
	out, err := rootCmd(30*time.Second, "", "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
		"-days", "2", "-subj", "/CN="+name, "-addext", "subjectAltName="+san,
		"-keyout", c.KeyFile, "-out", c.CertFile)
	if err != nil {
		t.Fatalf("lab: openssl req: %v: %s", err, out)
	}
	if err := os.Chmod(c.KeyFile, 0o600); err != nil {
		t.Fatalf("lab: %v", err)
	}
	return c
}

// VsftpdStartTimeout bounds how long StartVsftpd waits for the control port.
const VsftpdStartTimeout = 10 * time.Second

// StartVsftpd starts `vsftpd CONF` in the namespace and waits (bounded by
// VsftpdStartTimeout) until its control port accepts connections. The port
// and address are read from the config (listen_port, default 21;
// listen_address, default 127.0.0.1). vsftpd stays in the foreground
// (background=NO is the default; a config that sets background=YES is
// rejected because the harness could not track the daemon). If vsftpd exits,
// the test fails with its output (vsftpd writes "500 OOPS: ..." to fd 0,
// which the harness captures) and the numbered config.
func (ns *Namespace) StartVsftpd(confPath string) *Process {
	ns.t.Helper()
	Require(ns.t, "vsftpd")
	p, err := ns.TryStartVsftpd(confPath)
	if err != nil {
		ns.t.Fatalf("lab: %v", err)
	}
	return p
}

// TryStartVsftpd is StartVsftpd returning an error instead of failing the
// test: use it to check that vsftpd refuses a config. The error contains
// vsftpd's output and the numbered config.
func (ns *Namespace) TryStartVsftpd(confPath string) (*Process, error) {
	conf, err := os.ReadFile(confPath)
	if err != nil {
		return nil, err
	}
	opts := ParseVsftpdConf(string(conf))
	if strings.EqualFold(opts["background"], "YES") {
		return nil, fmt.Errorf("%s sets background=YES; the lab needs vsftpd in the foreground", confPath)
	}
	port := opts["listen_port"]
	if port == "" {
		port = "21"
	}
	host := opts["listen_address"]
	if host == "" {
		host = "127.0.0.1"
	}
	if h6 := opts["listen_address6"]; h6 != "" && strings.EqualFold(opts["listen_ipv6"], "YES") {
		host = h6 // an IPv6 listener bound to one address answers only there
	}
	addr := net.JoinHostPort(host, port)
	p := ns.Start("vsftpd", confPath)
	deadline := time.Now().Add(VsftpdStartTimeout)
	for {
		if exited, werr := p.Exited(); exited {
			hint := ""
			if !strings.EqualFold(opts["listen"], "YES") && !strings.EqualFold(opts["listen_ipv6"], "YES") {
				hint = "\nhint: neither listen=YES nor listen_ipv6=YES: vsftpd ran in inetd mode on stdin"
			}
			return p, fmt.Errorf("[%s] vsftpd %s exited during start-up (%v); output (fd 0/1/2):\n%s%s\nconfig:\n%s",
				ns.Role, confPath, werr, p.Output(), hint, numbered(string(conf)))
		}
		c, err := ns.Dial("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return p, nil
		}
		if time.Now().After(deadline) {
			p.Stop()
			return p, fmt.Errorf("[%s] vsftpd %s: %s not accepting after %v: %v; output:\n%s\nconfig:\n%s",
				ns.Role, confPath, addr, VsftpdStartTimeout, err, p.Output(), numbered(string(conf)))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ParseVsftpdConf returns the key=value pairs of a vsftpd config (comments
// and blank lines skipped; later keys win, as in vsftpd).
func ParseVsftpdConf(conf string) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(conf))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if ok {
			m[k] = v
		}
	}
	return m
}

// RandomFile writes size random bytes to path (mode 0644) and returns their
// SHA-256 in hex.
func RandomFile(t testing.TB, path string, size int64) string {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatalf("lab: %v", err)
	}
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(f, h), rand.Reader, size); err != nil {
		f.Close()
		t.Fatalf("lab: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("lab: %v", err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// SHA256File returns the hex SHA-256 of a file.
func SHA256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
