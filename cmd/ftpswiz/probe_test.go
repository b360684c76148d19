package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/probe"
)

func TestProbeUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no host", []string{"probe"}, "one argument"},
		{"password never on the command line", []string{"probe", "127.0.0.1", "--user", "alice"}, "FTPSWIZ_PASSWORD"},
		{"no --password flag", []string{"probe", "127.0.0.1", "--password", "x"}, "unknown flag"},
		{"bad TLS version", []string{"probe", "127.0.0.1", "--tls-max", "2.0"}, "unknown TLS version"},
		{"scheme and flag disagree", []string{"probe", "ftps://127.0.0.1", "--explicit"}, "disagree"},
		{"both modes", []string{"probe", "127.0.0.1", "--explicit", "--implicit"}, "exclude each other"},
		{"bad scheme", []string{"probe", "sftp://127.0.0.1"}, "unknown scheme"},
		{"bad range", []string{"probe", "127.0.0.1", "--passive-ports", "9-1"}, "--passive-ports"},
		{"remote dir without transfer", []string{"probe", "127.0.0.1", "--remote-dir", "up"}, "--transfer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runFTPSwiz(t, "", tt.args...)
			if res.code != codeUsage || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s", res.code, res.stderr)
			}
		})
	}
}

// TestProbeOutputs checks the three output forms and the exit status on a
// canned report (the probe itself is tested against real vsftpd in
// package probe and below).
func TestProbeOutputs(t *testing.T) {
	report := &probe.Report{Target: "203.0.113.10:21", Address: "203.0.113.10:21", Mode: probe.Explicit, Steps: []probe.Step{
		{ID: "tcp", Title: "Connect to the control port", Status: probe.Pass, Detail: "connected"},
		{ID: "pasv", Title: "PASV address", Status: probe.Fail, Detail: "227 Entering Passive Mode (10,0,0,5,195,80).",
			Diagnosis: &probe.Diagnosis{Code: "pasv-address-private", Cause: "private address", Fix: "Set pasv_address=203.0.113.10.",
				Answer: "server.nat, server.public_address"}},
		{ID: "transfer", Title: "Upload and download round trip", Status: probe.Skip, Detail: "not requested"},
	}}
	run := func(terminal bool, args ...string) (int, string) {
		var out, errOut bytes.Buffer
		opts := &rootOptions{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Detector: fakeMachine(), Now: fixedNow,
			Getenv: func(string) string { return "" }, IsTerminal: func() bool { return terminal }}
		// Replace the network: the command's own flag handling and output
		// are under test here.
		po := &probeOptions{root: opts, run: func(_ context.Context, o probe.Options) (*probe.Report, error) {
			for _, s := range report.Steps {
				if o.OnStep != nil {
					o.OnStep(probe.Step{ID: s.ID, Title: s.Title, Status: probe.Running})
					o.OnStep(s)
				}
			}
			return report, nil
		}}
		cmd := newProbeCmdWith(po)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		cmd.SetArgs(args)
		cmd.SetOut(&out)
		cmd.SetErr(&errOut)
		return exitCode(cmd.Execute()), out.String()
	}

	code, out := run(false, "203.0.113.10")
	if code != codeProblems {
		t.Errorf("exit %d", code)
	}
	for _, w := range []string{"PASS tcp", "FAIL pasv", "SKIP transfer", "Verdict: 1 problem(s)", "[pasv-address-private]",
		"fix: Set pasv_address=203.0.113.10.", "wizard answer: server.nat, server.public_address"} {
		if !strings.Contains(out, w) {
			t.Errorf("plain output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("escape codes off a terminal:\n%q", out)
	}

	_, out = run(true, "203.0.113.10")
	if !strings.Contains(out, "\r\x1b[2K") || !strings.Contains(out, "✗") || !strings.Contains(out, "✓") {
		t.Errorf("terminal output is not a live checklist:\n%q", out)
	}

	code, out = run(false, "203.0.113.10", "--json")
	var got struct {
		Verdict  string       `json:"verdict"`
		ExitCode int          `json:"exit_code"`
		Steps    []probe.Step `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if code != codeProblems || got.Verdict != "fail" || got.ExitCode != codeProblems || len(got.Steps) != 3 {
		t.Errorf("exit %d, json %+v", code, got)
	}
}

// TestProbeCommandAgainstVsftpd runs `ftpswiz probe` in-process inside a
// network namespace with a real vsftpd on its loopback: a healthy server
// exits 0 with the live checklist; a client that does not resume TLS
// sessions gets the 522 diagnosis and exit 5.
func TestProbeCommandAgainstVsftpd(t *testing.T) {
	lab.Require(t, "vsftpd", "openssl", "ip")
	ns := lab.NewNamespace(t)
	u := lab.NewUser(t)
	cert := lab.NewCert(t, "127.0.0.1")
	log := filepath.Join(lab.TempDir(t), "vsftpd.log")
	conf := lab.WriteFile(t, "vsftpd.conf", strings.Join([]string{
		"listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", "background=NO", "anonymous_enable=NO",
		"local_enable=YES", "write_enable=YES", "chroot_local_user=YES", "pam_service_name=vsftpd",
		"secure_chroot_dir=/var/run/vsftpd/empty", "pasv_min_port=50000", "pasv_max_port=50015",
		"pasv_address=127.0.0.1", "ssl_enable=YES", "ssl_tlsv1=NO", "require_ssl_reuse=YES",
		"rsa_cert_file=" + cert.CertFile, "rsa_private_key_file=" + cert.KeyFile, "vsftpd_log_file=" + log,
	}, "\n")+"\n")
	ns.StartVsftpd(conf)
	pwFile := filepath.Join(lab.TempDir(t), "password")
	if err := os.WriteFile(pwFile, []byte(u.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	probeIn := func(args ...string) result {
		var res result
		// Every socket the probe opens is created on this namespace's thread.
		if err := ns.Do(func() error {
			res = runFTPSwiz(t, "", args...)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return res
	}
	base := []string{"probe", "127.0.0.1", "--user", u.Name, "--password-file", pwFile, "--ca", cert.CertFile,
		"--passive-ports", "50000-50015"}

	res := probeIn(append(base, "--transfer", "--remote-dir", "upload")...)
	if res.code != codeOK || !strings.Contains(res.stdout, "Verdict: FTPS works") {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if strings.Contains(res.stdout+res.stderr, u.Password) {
		t.Error("the password appears in the output")
	}

	res = probeIn(append(base, "--no-reuse", "--json")...)
	if res.code != codeProblems || !strings.Contains(res.stdout, `"code": "reuse-required"`) {
		t.Errorf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
}

// TestProbeBothFamilies: a name with A and AAAA records is probed once per
// family, and the output and the exit status name the family that failed;
// with both passing (the negative control) nothing is named.
func TestProbeBothFamilies(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fail6   bool
		code    int
		want    string
		failed  []string
		verdict string
	}{
		{"ipv6 fails", true, codeProblems, "fails over IPv6 only", []string{"ipv6"}, "fail"},
		{"both pass", false, codeOK, "", []string{}, "pass"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var families []string
			run := func(jsonOut bool) (int, string) {
				var out, errOut bytes.Buffer
				opts := &rootOptions{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Detector: fakeMachine(), Now: fixedNow,
					Getenv: func(string) string { return "" }, IsTerminal: func() bool { return false }}
				families = nil
				po := &probeOptions{root: opts,
					families: func(context.Context, probe.Options) ([]string, error) { return []string{"ipv4", "ipv6"}, nil },
					run: func(_ context.Context, o probe.Options) (*probe.Report, error) {
						families = append(families, o.Family)
						st := probe.Step{ID: "data", Title: "Open the passive data connection", Status: probe.Pass}
						if o.Family == "ipv6" && tc.fail6 {
							st.Status = probe.Fail
							st.Diagnosis = &probe.Diagnosis{Code: "data-timeout", Cause: "timed out", Fix: "open the range"}
						}
						return &probe.Report{Target: "ftp.example.net:21", Family: o.Family, Mode: probe.Explicit, Steps: []probe.Step{st}}, nil
					}}
				cmd := newProbeCmdWith(po)
				cmd.SilenceErrors, cmd.SilenceUsage = true, true
				args := []string{"ftp.example.net"}
				if jsonOut {
					args = append(args, "--json")
				}
				cmd.SetArgs(args)
				cmd.SetOut(&out)
				cmd.SetErr(&errOut)
				return exitCode(cmd.Execute()), out.String()
			}
			code, out := run(false)
			if code != tc.code || !slices.Equal(families, []string{"ipv4", "ipv6"}) {
				t.Fatalf("exit %d, families %v; output:\n%s", code, families, out)
			}
			if tc.want != "" && !strings.Contains(out, tc.want) {
				t.Errorf("output does not name the failing family:\n%s", out)
			}
			if tc.want == "" && strings.Contains(out, "fails over") {
				t.Errorf("output names a failing family:\n%s", out)
			}
			code, out = run(true)
			var got struct {
				Failed   []string `json:"failed_families"`
				Verdict  string   `json:"verdict"`
				ExitCode int      `json:"exit_code"`
				Families []struct {
					Family string `json:"family"`
				} `json:"families"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("json: %v\n%s", err, out)
			}
			if !slices.Equal(got.Failed, tc.failed) || got.Verdict != tc.verdict || got.ExitCode != code || len(got.Families) != 2 {
				t.Errorf("json %+v", got)
			}
		})
	}
}
