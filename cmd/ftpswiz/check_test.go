package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/outdir"
	"github.com/ftpswiz/ftpswiz/vsftpdconf"
)

const brokenConf = "listen = YES\nlisten_ipv6=YES\nlocal_enable=YES\npam_service_name=vsftpd\nanonymous_enable=NO\n" +
	"ssl_enable=YES\nrsa_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem\nssl_tlsv1=NO\n" +
	"pasv_min_port=50000\npasv_max_port=50099\npasv_address=\"203.0.113.10\"\n"

func writeConf(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "vsftpd.conf")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckCommand(t *testing.T) {
	tests := []struct {
		name    string
		conf    string
		args    []string
		code    int
		stdout  []string
		stderr  []string
		changed bool // the file itself is rewritten
	}{
		{name: "errors", conf: brokenConf, args: []string{"--flavour", "debian-3.0.3", "--no-host"}, code: codeProblems,
			stdout: []string{"line 1", "space", "line 11", "pasv_address", "fix: Write pasv_address=203.0.113.10"}},
		{name: "clean", conf: "listen=YES\nlisten_ipv6=NO\nlocal_enable=YES\npam_service_name=vsftpd\nanonymous_enable=NO\n" +
			"ssl_enable=YES\nrsa_cert_file=/c\nssl_tlsv1=NO\npasv_min_port=50000\npasv_max_port=50099\n",
			args: []string{"--flavour", "debian-3.0.3", "--no-host"}, code: codeOK, stdout: []string{"0 error(s), 0 warning(s)"}},
		{name: "warnings only", conf: "listen=YES\nlisten_ipv6=NO\nlocal_enable=YES\npam_service_name=vsftpd\n" +
			"anonymous_enable=NO\nssl_enable=YES\nrsa_cert_file=/c\nssl_tlsv1=YES\npasv_min_port=50000\npasv_max_port=50099\n",
			args: []string{"--flavour", "debian-3.0.3", "--no-host"}, code: codeWarnings, stdout: []string{"ssl_tlsv1"}},
		{name: "fail-on error: warnings exit 0", conf: "listen=YES\nlisten_ipv6=NO\nlocal_enable=YES\npam_service_name=vsftpd\n" +
			"anonymous_enable=NO\nssl_enable=YES\nrsa_cert_file=/c\nssl_tlsv1=YES\npasv_min_port=50000\npasv_max_port=50099\n",
			args: []string{"--flavour", "debian-3.0.3", "--no-host", "--fail-on", "error"}, code: codeOK, stdout: []string{"ssl_tlsv1"}},
		{name: "fail-on error: errors still exit 5", conf: brokenConf,
			args: []string{"--flavour", "debian-3.0.3", "--no-host", "--fail-on", "error"}, code: codeProblems, stdout: []string{"pasv_address"}},
		{name: "fail-on warning is the default", conf: "listen=YES\nlisten_ipv6=NO\nlocal_enable=YES\npam_service_name=vsftpd\n" +
			"anonymous_enable=NO\nssl_enable=YES\nrsa_cert_file=/c\nssl_tlsv1=YES\npasv_min_port=50000\npasv_max_port=50099\n",
			args: []string{"--flavour", "debian-3.0.3", "--no-host", "--fail-on", "warning"}, code: codeWarnings},
		{name: "bad fail-on", conf: brokenConf, args: []string{"--fail-on", "info"}, code: codeUsage, stderr: []string{"--fail-on"}},
		{name: "flavour from the installed binary", conf: "ssl_tlsv12=YES\n", args: []string{"--no-host"},
			code: codeProblems, stdout: []string{"upstream-3.0.5"}},
		{name: "unknown on debian", conf: "ssl_tlsv12=YES\n", args: []string{"--flavour", "debian-3.0.3", "--no-host"},
			code: codeProblems, stdout: []string{"does not know the option \"ssl_tlsv12\""}},
		{name: "transfers", conf: "pasv_min_port=50000\npasv_max_port=50009\n",
			args: []string{"--flavour", "debian-3.0.3", "--no-host", "--transfers", "16"}, code: codeProblems,
			stdout: []string{"pasv_max_port", "fewer than the 16 transfers"}},
		{name: "fix writes a copy", conf: brokenConf, args: []string{"--flavour", "debian-3.0.3", "--no-host", "--fix"},
			code: codeProblems, stdout: []string{"-listen = YES", "+listen=YES", "+listen_ipv6=NO"},
			stderr: []string{".fixed"}},
		{name: "fix in place", conf: brokenConf, args: []string{"--flavour", "debian-3.0.3", "--no-host", "--fix", "--force"},
			code: codeOK, stderr: []string{"Kept the old config as", ".bak-" + fixedNow().Format(outdir.BackupTimeLayout)},
			changed: true},
		{name: "force without fix", conf: brokenConf, args: []string{"--force"}, code: codeUsage},
		{name: "bad flavour", conf: brokenConf, args: []string{"--flavour", "suse"}, code: codeUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConf(t, tt.conf)
			res := runFTPSwiz(t, "", append([]string{"check", path}, tt.args...)...)
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, tt.code, res.stdout, res.stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(res.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, res.stdout)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, res.stderr)
				}
			}
			now, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if changed := string(now) != tt.conf; changed != tt.changed {
				t.Errorf("file changed: %v, want %v:\n%s", changed, tt.changed, now)
			}
			if tt.changed {
				backup := path + ".bak-" + fixedNow().Format(outdir.BackupTimeLayout)
				if old, err := os.ReadFile(backup); err != nil || string(old) != tt.conf {
					t.Errorf("backup %s: %v", backup, err)
				}
			}
		})
	}
}

func TestCheckMissingFile(t *testing.T) {
	res := runFTPSwiz(t, "", "check", filepath.Join(t.TempDir(), "none.conf"), "--flavour", "rhel")
	if res.code != codeError || !strings.Contains(res.stderr, "no such file") {
		t.Errorf("exit %d: %s", res.code, res.stderr)
	}
}

func TestCheckJSONAndFixToStdout(t *testing.T) {
	path := writeConf(t, brokenConf)
	res := runFTPSwiz(t, "", "check", path, "--flavour", "debian-3.0.3", "--no-host", "--json")
	var out checkResult
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
		t.Fatalf("%v:\n%s", err, res.stdout)
	}
	if res.code != codeProblems || len(out.Findings) == 0 || out.Findings[0].Severity != vsftpdconf.Error {
		t.Errorf("exit %d, findings %+v", res.code, out.Findings)
	}
	for _, f := range out.Findings {
		if f.Why == "" || f.Fix == "" {
			t.Errorf("incomplete finding %+v", f)
		}
	}
	res = runFTPSwiz(t, "", "check", path, "--flavour", "debian-3.0.3", "--no-host", "--fix", "--out", "-")
	fixed := vsftpdconf.Parse([]byte(res.stdout))
	if l, ok := fixed.Lookup("pasv_address"); !ok || l.Value != "203.0.113.10" {
		t.Errorf("fixed config on stdout:\n%s", res.stdout)
	}
	if !strings.Contains(res.stderr, "error(s)") {
		t.Errorf("summary on stderr: %s", res.stderr)
	}
}

// TestCheckGeneratedConfigs lints every vsftpd.conf the golden scenarios
// generate against their own answers: ftpswiz's generator and linter must
// agree (no errors, no warnings).
func TestCheckGeneratedConfigs(t *testing.T) {
	confs, err := filepath.Glob(filepath.Join(scenariosDir, "*", "expected", "server", "vsftpd*.conf"))
	if err != nil || len(confs) == 0 {
		t.Fatalf("no generated configs: %v", err)
	}
	for _, conf := range confs {
		scenario := filepath.Dir(filepath.Dir(filepath.Dir(conf)))
		name := filepath.Base(scenario) + "/" + filepath.Base(conf)
		t.Run(name, func(t *testing.T) {
			instance := "explicit"
			if strings.Contains(filepath.Base(conf), "implicit") {
				instance = "implicit"
			}
			if strings.Contains(filepath.Base(conf), "-ipv6") {
				instance += "-ipv6"
			}
			args := []string{"check", conf, "--answers", filepath.Join(scenario, "answers.yaml"), "--no-host",
				"--instance", instance}
			res := runFTPSwiz(t, "", args...)
			if res.code != codeOK {
				t.Errorf("exit %d:\n%s\n%s", res.code, res.stdout, res.stderr)
			}
		})
	}
}

// TestCheckSaysWhichBuildItAssumes: with --flavour auto and no answers,
// check judges the file by the installed binary's option names; standard
// error says which build that is and how to check a config of another one
// (a generated RHEL config checked on a Debian machine otherwise just shows
// errors for its TLS options). An explicit --flavour says nothing.
func TestCheckSaysWhichBuildItAssumes(t *testing.T) {
	conf := filepath.Join(scenariosDir, "cloud-one-to-one", "expected", "server", "vsftpd.conf")
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{[]string{"check", conf, "--no-host"}, true},
		{[]string{"check", conf, "--no-host", "--flavour", "rhel"}, false},
	} {
		res := runFTPSwiz(t, "", tt.args...)
		got := strings.Contains(res.stderr, "the vsftpd build installed here (/usr/sbin/vsftpd); a config for another build: --flavour")
		if got != tt.want {
			t.Errorf("%v: note %v, want %v:\n%s", tt.args, got, tt.want, res.stderr)
		}
	}
}
