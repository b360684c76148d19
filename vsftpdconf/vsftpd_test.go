package vsftpdconf

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/detect"
	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/vsftpd"
)

// installedFlavour returns the flavour of the installed vsftpd.
func installedFlavour(t *testing.T) vsftpd.Flavour {
	t.Helper()
	v, err := detect.System{}.Vsftpd()
	if err != nil || !v.Installed || !v.Known {
		t.Fatalf("cannot tell the installed vsftpd's flavour: %+v, %v", v, err)
	}
	return v.Flavour
}

var parseError = regexp.MustCompile(`500 OOPS: (unrecognised variable|missing value|bad bool value) in config file[^\r\n]*`)

// vsftpdParse runs the installed vsftpd on a config in a throwaway network
// namespace and returns its config-parsing error ("" when it parsed the
// file). listen and listen_ipv6 are forced off after the file so that
// vsftpd never serves: it reads the file, then runs one inetd-style session
// on a file standing in for the socket and exits. vsftpd writes its errors
// to that file (fd 0).
func vsftpdParse(t *testing.T, conf []byte) string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "vsftpd.conf")
	if err := os.WriteFile(cfg, conf, 0o600); err != nil {
		t.Fatal(err)
	}
	sock, err := os.OpenFile(filepath.Join(dir, "fd0"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "--net", "vsftpd", cfg, "-olisten=NO", "-olisten_ipv6=NO")
	cmd.Stdin = sock
	_ = cmd.Run() // vsftpd always exits non-zero here
	out, err := os.ReadFile(sock.Name())
	if err != nil {
		t.Fatal(err)
	}
	return parseError.FindString(string(out))
}

// startupCodes are the findings that mean vsftpd refuses to read the file.
var startupCodes = map[string]bool{
	"crlf": true, "indented-comment": true, "space-around-equals": true, "missing-value": true,
	"unknown-option": true, "bad-bool": true, "inline-comment": true,
}

// TestRealVsftpdAgrees runs the real vsftpd on every corpus config and on
// its --fix output: the linter reports a start-up error exactly when vsftpd
// refuses the file, and every fixed file is accepted.
func TestRealVsftpdAgrees(t *testing.T) {
	lab.Require(t, "vsftpd", "unshare")
	fl := installedFlavour(t)
	cases := map[string][]byte{}
	for _, c := range corpus {
		if normalise(c.opts.Flavour) != fl {
			continue
		}
		data, err := os.ReadFile(filepath.Join(corpusDir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		cases[c.file] = data
		fixed, _ := FixConfig(data, c.opts)
		cases[c.file+" (fixed)"] = fixed
	}
	for _, tt := range []string{"listen = YES\n", "listen=YES \n", "  # x\n", "listen\n", "ssl_enable=YES # on\n",
		"pasv_min_port=50000 # first\n", "Listen=YES\n", "ftpd_banner=a=b\n", "banner_file\n", "listen=yes\n"} {
		cases[tt] = []byte(tt)
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			oops := vsftpdParse(t, data)
			var startup []string
			for _, f := range Lint(Parse(data), Options{Flavour: fl}) {
				if f.Severity == Error && startupCodes[f.Code] {
					startup = append(startup, f.Code)
				}
			}
			switch {
			case oops != "" && len(startup) == 0:
				t.Errorf("vsftpd refuses the file (%s) but the linter reports no start-up error", oops)
			case oops == "" && len(startup) > 0:
				t.Errorf("vsftpd accepts the file but the linter reports %v", startup)
			}
			if strings.HasSuffix(name, "(fixed)") && oops != "" {
				t.Errorf("vsftpd refuses the fixed file: %s", oops)
			}
		})
	}
}

// TestRealVsftpdKnowsExactlyTheList checks the installed build's option
// list against the binary: every listed name is accepted, and every name
// that only other builds know is refused.
func TestRealVsftpdKnowsExactlyTheList(t *testing.T) {
	lab.Require(t, "vsftpd", "unshare")
	fl := installedFlavour(t)
	var b strings.Builder
	for _, name := range Known(fl) {
		b.WriteString(name + "=1\n")
	}
	// Boolean and numeric options all accept "1"; string options any text.
	if oops := vsftpdParse(t, []byte(b.String())); oops != "" {
		t.Fatalf("vsftpd refuses a listed option: %s", oops)
	}
	others := map[string]bool{}
	for _, g := range []vsftpd.Flavour{vsftpd.FlavourDebian, vsftpd.FlavourUpstream, vsftpd.FlavourRHEL} {
		for _, name := range Known(g) {
			if _, ok := Lookup(fl, name); !ok {
				others[name] = true
			}
		}
	}
	if len(others) == 0 {
		t.Fatal("no names to test")
	}
	for name := range others {
		if oops := vsftpdParse(t, []byte(name+"=1\n")); !strings.Contains(oops, "unrecognised variable") {
			t.Errorf("%s: vsftpd should refuse it, got %q", name, oops)
		}
	}
}
