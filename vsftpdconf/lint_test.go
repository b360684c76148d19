package vsftpdconf

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ftpswiz/ftpswiz/vsftpd"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/vsftpdconf")

func flavour(s string) vsftpd.Flavour { return vsftpd.Flavour(s) }

func ptr[T any](v T) *T { return &v }

// corpusDir holds real-world-style configs and their expected findings.
const corpusDir = "../testdata/vsftpdconf"

// corpus says how each config of the corpus is linted. Every *.conf file
// must be listed.
var corpus = []struct {
	file string
	opts Options
}{
	{"debian-12-shipped.conf", Options{Flavour: vsftpd.FlavourDebian}},
	{"windows-edited.conf", Options{Flavour: vsftpd.FlavourDebian}},
	{"tutorial-behind-nat.conf", Options{Flavour: vsftpd.FlavourDebian, BehindNAT: ptr(true), PublicAddress: "198.51.100.23",
		Transfers: 20}},
	{"container-entrypoint.conf", Options{Flavour: vsftpd.FlavourDebian, BehindNAT: ptr(true), PublicAddress: "203.0.113.7",
		Transfers: 10}},
	{"rhel-shipped-ftps.conf", Options{Flavour: vsftpd.FlavourRHEL, Transfers: 100}},
	{"upstream-modern.conf", Options{Flavour: vsftpd.FlavourUpstream}},
	{"hand-typed-mistakes.conf", Options{Flavour: vsftpd.FlavourDebian, Uploads: ptr(true)}},
	{"ftpswiz-like-good.conf", Options{Flavour: vsftpd.FlavourDebian, BehindNAT: ptr(true), PublicAddress: "203.0.113.10",
		Transfers: 16, Uploads: ptr(true), Implicit: ptr(false)}},
	{"debian-minimal-defaults.conf", Options{Flavour: vsftpd.FlavourDebian, Transfers: 16, Uploads: ptr(true)}},
	{"live-host-missing-files.conf", Options{Flavour: vsftpd.FlavourDebian, Transfers: 16, Host: corpusHost, OnHost: true}},
}

// corpusHost is the machine live-host-missing-files.conf is linted on: it
// has the certificate, the PAM service and /var/log, nothing else the
// config names.
var corpusHost = hostFS{fstest.MapFS{
	"etc/ssl/certs/ftp.pem": {Data: mustRead(corpusDir + "/live-host-ftp.pem")},
	"etc/pam.d/vsftpd":      {Data: []byte("auth required pam_unix.so\n")},
	"var/log/syslog":        {Data: nil},
}}

func mustRead(name string) []byte {
	data, err := os.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return data
}

func formatFindings(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%-7s line %-3d %-26s %s\n", f.Severity, f.Line, f.Code, f.Option)
	}
	return b.String()
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./vsftpdconf -update)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs (run go test ./vsftpdconf -update to accept):\n%s", path, Diff("want", "got", want, got))
	}
}

func TestCorpus(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range corpus {
		listed[c.file] = true
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			c.opts.Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			fs := Lint(Parse(data), c.opts)
			base := strings.TrimSuffix(c.file, ".conf")
			golden(t, filepath.Join(corpusDir, base+".findings"), []byte(formatFindings(fs)))
			for _, f := range fs {
				if f.Why == "" || f.Fix == "" || f.Code == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
			fixed, _ := FixConfig(data, c.opts)
			golden(t, filepath.Join(corpusDir, base+".fixed"), fixed)

			// Nothing is left to fix automatically.
			again := Lint(Parse(fixed), c.opts)
			for _, f := range again {
				if len(f.Edits) > 0 {
					t.Errorf("after --fix, still fixable: %s line %d %s: %s", f.Severity, f.Line, f.Code, f.Why)
				}
			}
		})
	}
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".conf") && !listed[e.Name()] {
			t.Errorf("%s is not listed in the corpus table", e.Name())
		}
	}
}

// has reports whether the findings contain code on line (line -1: any).
func has(fs []Finding, code string, line int) bool {
	for _, f := range fs {
		if f.Code == code && (line < 0 || f.Line == line) {
			return true
		}
	}
	return false
}

func TestLintRules(t *testing.T) {
	tests := []struct {
		name string
		conf string
		opts Options
		code string
		line int
		sev  Severity
	}{
		{"space around equals", "listen = YES\n", Options{}, "space-around-equals", 1, Error},
		{"unknown on debian", "ssl_tlsv12=YES\n", Options{}, "unknown-option", 1, Error},
		{"rhel spelling on upstream", "ssl_tlsv1_2=YES\n", Options{Flavour: vsftpd.FlavourUpstream}, "unknown-option", 1, Error},
		{"typo", "pasv_max_prot=5\n", Options{}, "unknown-option", 1, Error},
		{"bad bool", "listen=maybe\n", Options{}, "bad-bool", 1, Error},
		{"trailing space bool", "listen=YES \n", Options{}, "bad-bool", 1, Error},
		{"missing value", "listen\n", Options{}, "missing-value", 1, Error},
		{"indented comment", "  # hi\n", Options{}, "indented-comment", 1, Error},
		{"crlf", "listen=YES\r\n", Options{}, "crlf", 1, Error},
		{"inline comment bool", "listen=YES # on\n", Options{}, "inline-comment", 1, Error},
		{"inline comment number", "pasv_min_port=50000 # first\n", Options{}, "inline-comment", 1, Warning},
		{"octal", "pasv_min_port=050000\npasv_max_port=50100\n", Options{}, "octal-number", 1, Warning},
		{"both listen", "listen=YES\nlisten_ipv6=YES\n", Options{}, "listen-both", 2, Error},
		{"none listen", "listen=NO\nlisten_ipv6=NO\n", Options{}, "listen-none", 2, Warning},
		{"ipv6 with pasv_address", "listen=NO\nlisten_ipv6=YES\npasv_address=203.0.113.1\n", Options{},
			"listen-ipv6-pasv-address", 2, Error},
		{"quoted pasv_address", "pasv_address=\"203.0.113.1\"\n", Options{}, "pasv-address-quoted", 1, Error},
		{"name without resolve", "pasv_address=ftp.example.com\n", Options{}, "pasv-address-name", 1, Error},
		{"name with resolve", "pasv_address=ftp.example.com\npasv_addr_resolve=YES\n", Options{}, "pasv-addr-resolve", 1, Info},
		{"private behind NAT", "pasv_address=192.168.1.5\n", Options{BehindNAT: ptr(true)}, "pasv-address-private", 1, Error},
		{"mismatch", "pasv_address=203.0.113.1\n", Options{PublicAddress: "203.0.113.2"}, "pasv-address-mismatch", 1, Error},
		{"missing behind NAT", "listen=YES\n", Options{BehindNAT: ptr(true), PublicAddress: "203.0.113.2"},
			"pasv-address-missing", 0, Error},
		{"missing, NAT unknown", "listen=YES\n", Options{}, "pasv-address-missing", 0, Info},
		{"no range", "listen=YES\n", Options{}, "pasv-range-missing", 0, Warning},
		{"inverted range", "pasv_min_port=50100\npasv_max_port=50000\n", Options{}, "pasv-range-inverted", 2, Error},
		{"small range", "pasv_min_port=50000\npasv_max_port=50019\n", Options{Transfers: 16}, "pasv-range-small", 2, Error},
		{"slightly small range", "pasv_min_port=50000\npasv_max_port=50049\n", Options{Transfers: 16},
			"pasv-range-small", 2, Warning},
		{"range capacity", "pasv_min_port=50000\npasv_max_port=50099\n", Options{}, "pasv-range-capacity", 2, Info},
		{"pasv off", "pasv_enable=NO\n", Options{}, "pasv-disabled", 1, Error},
		{"ssl off", "ssl_enable=NO\n", Options{}, "ssl-off", 1, Error},
		{"ssl unset", "listen=YES\n", Options{}, "ssl-off", 0, Error},
		{"not forced", "ssl_enable=YES\nrsa_cert_file=/c\nforce_local_data_ssl=NO\n", Options{}, "ssl-not-forced", 3, Warning},
		{"tls 1.0 explicit", "ssl_enable=YES\nrsa_cert_file=/c\nssl_tlsv1=YES\n", Options{}, "tls-old", 3, Warning},
		{"tls 1.0 default on 3.0.3", "ssl_enable=YES\nrsa_cert_file=/c\n", Options{}, "tls-old", 0, Info},
		{"tls 1.1 on rhel", "ssl_enable=YES\nrsa_cert_file=/c\nssl_tlsv1_1=YES\n", Options{Flavour: vsftpd.FlavourRHEL},
			"tls-old", 3, Warning},
		{"seclevel 0", "ssl_enable=YES\nrsa_cert_file=/c\nssl_ciphers=DEFAULT@SECLEVEL=0\n", Options{}, "seclevel-0", 3, Warning},
		{"implicit on 21", "ssl_enable=YES\nrsa_cert_file=/c\nimplicit_ssl=YES\n", Options{}, "implicit-port-21", 3, Warning},
		{"implicit expected", "ssl_enable=YES\nrsa_cert_file=/c\n", Options{Implicit: ptr(true)}, "implicit-mismatch", 0, Error},
		{"cert unset", "ssl_enable=YES\n", Options{}, "cert-missing", 0, Error},
		{"pam unset on rhel", "local_enable=YES\n", Options{Flavour: vsftpd.FlavourRHEL}, "pam-service", 0, Error},
		{"pam unset on upstream", "local_enable=YES\n", Options{Flavour: vsftpd.FlavourUpstream}, "pam-service", 0, Error},
		{"listen unset on debian", "local_enable=YES\n", Options{}, "listen-none", 0, Error},
		{"local off", "local_enable=NO\nanonymous_enable=NO\n", Options{}, "local-disabled", 1, Error},
		{"anonymous default", "local_enable=YES\n", Options{}, "anonymous", 0, Warning},
		{"writable chroot", "local_enable=YES\nchroot_local_user=YES\nwrite_enable=YES\n", Options{}, "writable-chroot", 2, Warning},
		{"write off", "write_enable=NO\n", Options{Uploads: ptr(true)}, "write-disabled", 1, Warning},
		{"seccomp upstream default", "listen=YES\n", Options{Flavour: vsftpd.FlavourUpstream}, "seccomp", 0, Warning},
		{"max_per_ip", "pasv_min_port=50000\npasv_max_port=50999\nmax_per_ip=5\n", Options{Transfers: 20}, "max-per-ip", 3, Warning},
		{"duplicate", "listen=YES\nlisten=NO\n", Options{}, "duplicate", 1, Info},
		{"promiscuous", "pasv_promiscuous=YES\n", Options{}, "pasv-promiscuous", 1, Warning},
		{"rhel bind_retries", "pasv_min_port=50000\npasv_max_port=50099\nbind_retries=2\n",
			Options{Flavour: vsftpd.FlavourRHEL, Transfers: 10}, "pasv-range-small", 2, Error},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Lint(Parse([]byte(tt.conf)), tt.opts)
			for _, f := range fs {
				if f.Code == tt.code && f.Line == tt.line {
					if f.Severity != tt.sev {
						t.Errorf("severity %s, want %s: %s", f.Severity, tt.sev, f.Why)
					}
					return
				}
			}
			t.Errorf("no %s on line %d; got:\n%s", tt.code, tt.line, formatFindings(fs))
		})
	}
}

func TestLintQuietOnGood(t *testing.T) {
	conf := "listen=YES\nlisten_ipv6=NO\nanonymous_enable=NO\nlocal_enable=YES\nwrite_enable=YES\npam_service_name=vsftpd\n" +
		"ssl_enable=YES\nrsa_cert_file=/c\nssl_tlsv1=NO\npasv_min_port=50000\npasv_max_port=50074\npasv_address=203.0.113.10\n"
	fs := Lint(Parse([]byte(conf)), Options{Flavour: vsftpd.FlavourDebian, BehindNAT: ptr(true), PublicAddress: "203.0.113.10",
		Transfers: 16, Uploads: ptr(true)})
	if w := Worst(fs); w == Error || w == Warning {
		t.Errorf("findings on a good config:\n%s", formatFindings(fs))
	}
}

// hostFS is a Host over an in-memory file system.
type hostFS struct{ fstest.MapFS }

func (h hostFS) ReadFile(name string) ([]byte, error) {
	return h.MapFS.ReadFile(strings.TrimPrefix(name, "/"))
}

func (h hostFS) Stat(name string) (fs.FileInfo, error) {
	return h.MapFS.Stat(strings.TrimPrefix(name, "/"))
}

func ecdsaCert(t *testing.T, notAfter time.Time) []byte {
	t.Helper()
	c, _ := ecdsaPair(t, notAfter)
	return c
}

func TestLintHostFiles(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	host := hostFS{fstest.MapFS{
		"etc/ftp/ec.pem":        {Data: ecdsaCert(t, now.Add(300*24*time.Hour))},
		"etc/ftp/old.pem":       {Data: ecdsaCert(t, now.Add(-24*time.Hour))},
		"etc/ftp/soon.pem":      {Data: ecdsaCert(t, now.Add(10*24*time.Hour))},
		"etc/pam.d/vsftpd":      {Data: []byte("auth required pam_unix.so\n")},
		"srv/ftps":              {Mode: fs.ModeDir | 0o777},
		"srv/locked":            {Mode: fs.ModeDir | 0o555},
		"usr/share/ssl/certs/x": {Data: nil},
	}}
	base := "listen=YES\nlocal_enable=YES\nssl_enable=YES\n"
	tests := []struct {
		name, conf, code string
		want             bool
	}{
		{"ecdsa with default ciphers", "rsa_cert_file=/etc/ftp/ec.pem\n", "ecdsa-ciphers", true},
		{"ecdsa with ECDSA ciphers", "rsa_cert_file=/etc/ftp/ec.pem\nssl_ciphers=" + vsftpd.IntermediateCiphers + "\n", "ecdsa-ciphers", false},
		{"expired", "rsa_cert_file=/etc/ftp/old.pem\n", "cert-expired", true},
		{"expiring", "rsa_cert_file=/etc/ftp/soon.pem\n", "cert-expiring", true},
		{"missing cert file", "rsa_cert_file=/etc/ftp/none.pem\n", "cert-missing", true},
		{"pam service missing", "rsa_cert_file=/etc/ftp/ec.pem\npam_service_name=ftp\n", "pam-service", true},
		{"pam service present", "rsa_cert_file=/etc/ftp/ec.pem\npam_service_name=vsftpd\n", "pam-service", false},
		{"writable chroot root", "chroot_local_user=YES\nlocal_root=/srv/ftps\n", "writable-chroot", true},
		{"locked chroot root", "chroot_local_user=YES\nlocal_root=/srv/locked\n", "writable-chroot", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Lint(Parse([]byte(base+tt.conf)), Options{Host: host, Now: now})
			if got := has(fs, tt.code, -1); got != tt.want {
				t.Errorf("%s: got %v, want %v:\n%s", tt.code, got, tt.want, formatFindings(fs))
			}
		})
	}
}

// TestLintPerBuildDefaults: verdicts that depend on what a build's binary
// does when an option is not set (measured with Debian's 3.0.3: listen off,
// PAM service vsftpd).
func TestLintPerBuildDefaults(t *testing.T) {
	pamVsftpd := hostFS{fstest.MapFS{"etc/pam.d/vsftpd": {Data: []byte("auth required pam_unix.so\n")}}}
	pamFTP := hostFS{fstest.MapFS{"usr/lib/pam.d/ftp": {Data: []byte("auth required pam_unix.so\n")}}}
	noPAM := hostFS{fstest.MapFS{"etc/pam.d/other": {Data: []byte("auth required pam_deny.so\n")}}}
	tests := []struct {
		name string
		conf string
		opts Options
		code string
		want bool
	}{
		{"debian: pam unset is vsftpd", "local_enable=YES\n", Options{Flavour: vsftpd.FlavourDebian}, "pam-service", false},
		{"debian: pam unset, service on host", "local_enable=YES\n", Options{Flavour: vsftpd.FlavourDebian, Host: pamVsftpd},
			"pam-service", false},
		{"debian: pam unset, no service on host", "local_enable=YES\n", Options{Flavour: vsftpd.FlavourDebian, Host: noPAM},
			"pam-service", true},
		{"rhel: pam unset, only vsftpd on host", "local_enable=YES\n", Options{Flavour: vsftpd.FlavourRHEL, Host: pamVsftpd},
			"pam-service", true},
		{"upstream: pam unset, ftp in /usr/lib/pam.d", "local_enable=YES\n",
			Options{Flavour: vsftpd.FlavourUpstream, Host: pamFTP}, "pam-service", false},
		{"debian: listen unset", "local_enable=YES\n", Options{Flavour: vsftpd.FlavourDebian}, "listen-none", true},
		{"debian: listen_ipv6 alone", "listen_ipv6=YES\n", Options{Flavour: vsftpd.FlavourDebian}, "listen-none", false},
		{"upstream: listen unset defaults to YES", "local_enable=YES\n", Options{Flavour: vsftpd.FlavourUpstream},
			"listen-none", false},
		{"upstream: listen_ipv6 alone is both", "listen_ipv6=YES\n", Options{Flavour: vsftpd.FlavourUpstream},
			"listen-both", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Lint(Parse([]byte(tt.conf)), tt.opts)
			if got := has(fs, tt.code, -1); got != tt.want {
				t.Errorf("%s: got %v, want %v:\n%s", tt.code, got, tt.want, formatFindings(fs))
			}
		})
	}
}

// TestLintLiveHostFiles: on the live host every file the config names must
// exist; off it (OnHost false) none is looked up but the certificate.
func TestLintLiveHostFiles(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	host := hostFS{fstest.MapFS{
		"etc/ftp/c.pem":         {Data: ecdsaCert(t, now.Add(300*24*time.Hour))},
		"etc/ftp/k.key":         {Data: []byte("key")},
		"etc/ftp/users":         {Data: []byte("alice\n")},
		"etc/ftp/banner":        {Data: []byte("hello\n")},
		"etc/pam.d/vsftpd":      {Data: []byte("auth required pam_unix.so\n")},
		"etc/vsftpd.user_list":  {Data: []byte("alice\n")},
		"var/log/vsftpd.log":    {Data: nil},
		"srv/empty":             {Mode: fs.ModeDir | 0o555},
		"usr/share/ssl/certs/x": {Data: nil},
	}}
	base := "listen=YES\nlocal_enable=YES\nanonymous_enable=NO\nssl_enable=YES\nrsa_cert_file=/etc/ftp/c.pem\n" +
		"ssl_ciphers=" + vsftpd.IntermediateCiphers + "\n"
	tests := []struct {
		name, conf, code string
		line             int
		want             bool
	}{
		{"user list present", "userlist_enable=YES\nuserlist_file=/etc/ftp/users\n", "userlist-missing", -1, false},
		{"user list missing", "userlist_enable=YES\nuserlist_file=/etc/ftp/none\n", "userlist-missing", 8, true},
		{"default user list present", "userlist_enable=YES\n", "userlist-missing", -1, false},
		{"user list off", "userlist_enable=NO\nuserlist_file=/etc/ftp/none\n", "userlist-missing", -1, false},
		{"banner present", "banner_file=/etc/ftp/banner\n", "banner-missing", -1, false},
		{"banner missing", "banner_file=/etc/ftp/nobanner\n", "banner-missing", 7, true},
		{"log dir present", "xferlog_enable=YES\n", "log-dir-missing", -1, false},
		{"log dir missing", "xferlog_enable=YES\nvsftpd_log_file=/var/log/ftp/v.log\n", "log-dir-missing", 8, true},
		{"log via syslog", "xferlog_enable=YES\nsyslog_enable=YES\nvsftpd_log_file=/var/log/ftp/v.log\n",
			"log-dir-missing", -1, false},
		{"xferlog format", "xferlog_enable=YES\nxferlog_std_format=YES\nxferlog_file=/nonexist/xferlog\n",
			"log-dir-missing", 9, true},
		{"dual log", "dual_log_enable=YES\nxferlog_file=/nonexist/xferlog\n", "log-dir-missing", 8, true},
		{"logging off", "xferlog_enable=NO\nvsftpd_log_file=/var/log/ftp/v.log\n", "log-dir-missing", -1, false},
		{"key present", "rsa_private_key_file=/etc/ftp/k.key\n", "key-missing", -1, false},
		{"key missing", "rsa_private_key_file=/etc/ftp/none.key\n", "key-missing", 7, true},
		{"secure chroot missing", "secure_chroot_dir=/srv/none\n", "secure-chroot-missing", 7, true},
		{"secure chroot present", "secure_chroot_dir=/srv/empty\n", "secure-chroot-missing", -1, false},
		{"debian's service creates its secure chroot", "secure_chroot_dir=/var/run/vsftpd/empty\n",
			"secure-chroot-missing", -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Lint(Parse([]byte(base+tt.conf)), Options{Flavour: vsftpd.FlavourDebian, Host: host, OnHost: true, Now: now})
			if got := has(fs, tt.code, tt.line); got != tt.want {
				t.Errorf("%s on line %d: got %v, want %v:\n%s", tt.code, tt.line, got, tt.want, formatFindings(fs))
			}
			for _, f := range fs {
				if f.Code == tt.code && f.Severity != Error {
					t.Errorf("%s is %s, want error", f.Code, f.Severity)
				}
			}
			// The same config linted as a copy from elsewhere: no host
			// file findings.
			off := Lint(Parse([]byte(base+tt.conf)), Options{Flavour: vsftpd.FlavourDebian, Host: host, Now: now})
			if has(off, tt.code, -1) {
				t.Errorf("%s reported without OnHost:\n%s", tt.code, formatFindings(off))
			}
		})
	}
}

func TestFixDiff(t *testing.T) {
	in := []byte("listen = YES\nlisten_ipv6=YES\npasv_address=\"203.0.113.9\"\n")
	fs := Lint(Parse(in), Options{})
	out := Fix(in, fs)
	for _, want := range []string{"listen=YES\n", "listen_ipv6=NO\n", "pasv_address=203.0.113.9\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("fixed config lacks %q:\n%s", want, out)
		}
	}
	d := Diff("a/vsftpd.conf", "b/vsftpd.conf", in, out)
	if !strings.Contains(d, "-listen = YES") || !strings.Contains(d, "+listen=YES") {
		t.Errorf("diff:\n%s", d)
	}
	if Diff("a", "b", in, in) != "" {
		t.Error("diff of equal texts is not empty")
	}
}

func TestOwnerFinding(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "vsftpd.conf")
	if err := os.WriteFile(p, []byte("listen=YES\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := ownerUID(fi)
	if f := OwnerFinding(fi); (f != nil) != (uid != 0) {
		t.Errorf("uid %d: %+v", uid, f)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(p, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		fi, _ = os.Stat(p)
		if f := OwnerFinding(fi); f == nil || f.Code != "config-owner" {
			t.Errorf("nobody-owned config: %+v", f)
		}
	}
	di, _ := os.Stat(dir)
	if f := OwnerFinding(di); f == nil || f.Code != "config-not-file" {
		t.Errorf("directory: %+v", f)
	}
}

// caSigned returns a CA certificate and a leaf for name signed by it (PEM),
// the leaf valid until notAfter.
func caSigned(t *testing.T, name string, notAfter time.Time) (ca, leaf []byte) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Lab Intermediate", Organization: []string{"Lab CA"}},
		NotBefore: notAfter.Add(-400 * 24 * time.Hour), NotAfter: notAfter.Add(400 * 24 * time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(8), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: notAfter.Add(-80 * 24 * time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// TestLintCertificateFindings (issue 11): an incomplete chain, a name
// mismatch and an expiry within 30 days, each with the fix for the source.
func TestLintCertificateFindings(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ca, leaf := caSigned(t, "ftps.example.com", now.Add(60*24*time.Hour))
	_, soon := caSigned(t, "ftps.example.com", now.Add(10*24*time.Hour))
	host := hostFS{fstest.MapFS{
		"etc/letsencrypt/live/ftps.example.com/cert.pem":      {Data: leaf},
		"etc/letsencrypt/live/ftps.example.com/fullchain.pem": {Data: append(append([]byte{}, leaf...), ca...)},
		"etc/letsencrypt/live/soon.example.com/fullchain.pem": {Data: append(append([]byte{}, soon...), ca...)},
		"etc/ssl/certs/own.pem":                               {Data: leaf},
		"etc/ssl/certs/own-full.pem":                          {Data: append(append([]byte{}, leaf...), ca...)},
		"etc/ftpswiz/tls/self.pem":                            {Data: ecdsaCert(t, now.Add(10*24*time.Hour))},
	}}
	base := "listen=YES\nlocal_enable=YES\nssl_enable=YES\nssl_ciphers=" + vsftpd.IntermediateCiphers + "\n"
	tests := []struct {
		name, conf, public, code string
		want                     bool
		fix                      string // a substring of the finding's fix
	}{
		{"letsencrypt cert.pem", "rsa_cert_file=/etc/letsencrypt/live/ftps.example.com/cert.pem\n", "", "cert-chain-incomplete", true, "fullchain.pem"},
		{"letsencrypt fullchain.pem", "rsa_cert_file=/etc/letsencrypt/live/ftps.example.com/fullchain.pem\n", "", "cert-chain-incomplete", false, ""},
		{"own leaf only", "rsa_cert_file=/etc/ssl/certs/own.pem\n", "", "cert-chain-incomplete", true, "Append the intermediate"},
		{"own full chain", "rsa_cert_file=/etc/ssl/certs/own-full.pem\n", "", "cert-chain-incomplete", false, ""},
		{"self-signed needs no chain", "rsa_cert_file=/etc/ftpswiz/tls/self.pem\n", "", "cert-chain-incomplete", false, ""},
		{"name matches", "rsa_cert_file=/etc/ssl/certs/own-full.pem\n", "ftps.example.com", "cert-wrong-name", false, ""},
		{"name mismatch, own", "rsa_cert_file=/etc/ssl/certs/own-full.pem\n", "ftp.other.example", "cert-wrong-name", true, "subjectAltName lists ftp.other.example"},
		{"name mismatch, letsencrypt", "rsa_cert_file=/etc/letsencrypt/live/ftps.example.com/fullchain.pem\n", "ftp.other.example", "cert-wrong-name", true, "-d ftp.other.example"},
		{"name from pasv_address", "rsa_cert_file=/etc/ssl/certs/own-full.pem\npasv_address=ftp.other.example\npasv_addr_resolve=YES\n", "", "cert-wrong-name", true, ""},
		{"expiring, letsencrypt", "rsa_cert_file=/etc/letsencrypt/live/soon.example.com/fullchain.pem\n", "", "cert-expiring", true, "certbot renew --dry-run"},
		{"expiring, self-signed", "rsa_cert_file=/etc/ftpswiz/tls/self.pem\n", "", "cert-expiring", true, "server.tls.fingerprint"},
		{"not expiring", "rsa_cert_file=/etc/ssl/certs/own-full.pem\n", "", "cert-expiring", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Lint(Parse([]byte(base+tt.conf)), Options{Host: host, Now: now, PublicAddress: tt.public})
			if got := has(fs, tt.code, -1); got != tt.want {
				t.Fatalf("%s: got %v, want %v:\n%s", tt.code, got, tt.want, formatFindings(fs))
			}
			for _, f := range fs {
				if f.Code == tt.code && !strings.Contains(f.Fix, tt.fix) {
					t.Errorf("%s fix %q lacks %q", tt.code, f.Fix, tt.fix)
				}
			}
		})
	}
}

// ecdsaPair returns a self-signed certificate and its private key (PEM).
func ecdsaPair(t *testing.T, notAfter time.Time) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ftp.example.net"},
		NotBefore: notAfter.Add(-365 * 24 * time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}

// TestLintKeyMatchesCertificate: the key vsftpd loads must belong to the
// certificate (measured: a foreign key stops Debian's 3.0.3 at start with
// "500 OOPS: SSL: cannot load RSA private key").
func TestLintKeyMatchesCertificate(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cert, key := ecdsaPair(t, now.Add(300*24*time.Hour))
	_, other := ecdsaPair(t, now.Add(300*24*time.Hour))
	host := hostFS{fstest.MapFS{
		"etc/ftp/cert.pem":     {Data: cert},
		"etc/ftp/key.pem":      {Data: key},
		"etc/ftp/other.pem":    {Data: other},
		"etc/ftp/combined.pem": {Data: append(append([]byte{}, cert...), key...)},
	}}
	base := "listen=YES\nlocal_enable=YES\nssl_enable=YES\nssl_ciphers=" + vsftpd.IntermediateCiphers + "\n"
	tests := []struct {
		name, conf string
		want       bool
		why        string
	}{
		{"its key", "rsa_cert_file=/etc/ftp/cert.pem\nrsa_private_key_file=/etc/ftp/key.pem\n", false, ""},
		{"key in the certificate file", "rsa_cert_file=/etc/ftp/combined.pem\n", false, ""},
		{"another key", "rsa_cert_file=/etc/ftp/cert.pem\nrsa_private_key_file=/etc/ftp/other.pem\n", true, "does not belong to the certificate"},
		{"no key set, none in the certificate file", "rsa_cert_file=/etc/ftp/cert.pem\n", true, "rsa_private_key_file is not set"},
		{"key file missing (key-missing says it)", "rsa_cert_file=/etc/ftp/cert.pem\nrsa_private_key_file=/etc/ftp/none.pem\n", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Lint(Parse([]byte(base+tt.conf)), Options{Host: host, Now: now})
			if got := has(fs, "key-mismatch", -1); got != tt.want {
				t.Fatalf("key-mismatch: got %v, want %v:\n%s", got, tt.want, formatFindings(fs))
			}
			for _, f := range fs {
				if f.Code == "key-mismatch" && (!strings.Contains(f.Why, tt.why) || f.Fix == "" || f.Severity != Error) {
					t.Errorf("finding %+v", f)
				}
			}
		})
	}
}

// TestLintMissingCertSaysHowToCheckElsewhere: checking a generated config
// before it is installed (its certificate is made by the apply steps on the
// server) finds the certificate missing; the fix says how to check such a
// file (on its machine, or with --no-host). The live config of this machine
// (OnHost) gets the plain fix: there the file must exist.
func TestLintMissingCertSaysHowToCheckElsewhere(t *testing.T) {
	host := hostFS{fstest.MapFS{"etc/pam.d/vsftpd": {Data: []byte("auth required pam_unix.so\n")}}}
	conf := "listen=YES\nlocal_enable=YES\nssl_enable=YES\nrsa_cert_file=/etc/ftpswiz/tls/vsftpd-cert.pem\n"
	for _, tt := range []struct {
		name   string
		onHost bool
		want   bool
	}{
		{"a file to be installed", false, true},
		{"this machine's live config", true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var fix string
			for _, f := range Lint(Parse([]byte(conf)), Options{Host: host, OnHost: tt.onHost}) {
				if f.Code == "cert-missing" {
					fix = f.Fix
				}
			}
			if fix == "" {
				t.Fatal("no cert-missing finding")
			}
			if got := strings.Contains(fix, "--no-host"); got != tt.want {
				t.Errorf("fix %q names --no-host: %v, want %v", fix, got, tt.want)
			}
		})
	}
}
