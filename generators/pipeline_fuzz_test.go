package generators

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/vsftpd"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// pipelineSeeds are the answers files the pipeline fuzz target starts from:
// every worked example and every firewall scenario. For these (the sample)
// the firewall files are also run through the real nft and iptables.
func pipelineSeeds(tb testing.TB) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, pattern := range []string{"../testdata/scenarios/*/answers.yaml", "../testdata/firewall/*.yaml", "../wizard/testdata/*.yaml"} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			tb.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			out[string(b)] = p
		}
	}
	if len(out) < 10 {
		tb.Fatalf("only %d seed answers files found", len(out))
	}
	return out
}

// FuzzPipeline runs the whole pipeline on answers files: decode, Decide
// (normalise and validate), render every output. Whatever Decide accepts
// must render, and the files must keep the invariants below; a seed file's
// firewall files must also pass the real tools' checks (nft -c, iptables-
// restore --test) in a throwaway network namespace.
func FuzzPipeline(f *testing.F) {
	seeds := pipelineSeeds(f)
	for _, data := range slices.Sorted(maps.Keys(seeds)) {
		f.Add([]byte(data))
	}
	f.Add([]byte("version: 1\nrole: client\nftps: {mode: implicit}\nclient: {nat: cgnat, server_address: ftp.example.com, passive_ports: 50000-50099}\n"))
	f.Add([]byte("version: 1\nrole: server\nserver: {public_address: 198.51.100.10, capacity: {concurrent_transfers: 1}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := wizard.DecodeAnswers(data)
		if err != nil {
			return
		}
		p, err := wizard.Decide(a)
		if err != nil {
			return
		}
		files, err := Render(p)
		if err != nil {
			t.Fatalf("Decide accepted the answers but rendering failed: %v\n%s", err, data)
		}
		checkPipelineInvariants(t, p, files)
		if name, ok := seeds[string(data)]; ok {
			checkFirewallTools(t, name, files)
		}
	})
}

// TestPipelineInvariantsCatch is the negative control of FuzzPipeline's
// checks: each broken plan or file must be reported.
func TestPipelineInvariantsCatch(t *testing.T) {
	base := func(t *testing.T) (*wizard.Plan, []File) {
		p := testPlan(t, nil)
		files, err := Render(p)
		if err != nil {
			t.Fatal(err)
		}
		return p, files
	}
	tests := []struct {
		name string
		edit func(p *wizard.Plan, files []File)
	}{
		{"control character in a file", func(p *wizard.Plan, files []File) {
			files[0].Content = append(files[0].Content, "x\ry\n"...)
		}},
		{"U+2028 in a file", func(p *wizard.Plan, files []File) {
			files[0].Content = append(files[0].Content, "x\u2028y\n"...)
		}},
		{"vsftpd.conf line with spaces around =", func(p *wizard.Plan, files []File) {
			f := pipelineFile(files, "server/vsftpd.conf")
			f.Content = append(f.Content, "listen = YES\n"...)
		}},
		{"vsftpd.conf unknown key", func(p *wizard.Plan, files []File) {
			f := pipelineFile(files, "server/vsftpd.conf")
			f.Content = append(f.Content, "ssl_tlsv1_3=NO\n"...)
		}},
		{"vsftpd.conf passive range reversed", func(p *wizard.Plan, files []File) {
			f := pipelineFile(files, "server/vsftpd.conf")
			f.Content = []byte(strings.Replace(string(f.Content), "pasv_max_port=", "pasv_max_port=1", 1))
		}},
		{"vsftpd.conf number that wraps", func(p *wizard.Plan, files []File) {
			f := pipelineFile(files, "server/vsftpd.conf")
			f.Content = regexp.MustCompile(`(?m)^max_clients=\d+$`).ReplaceAll(f.Content, []byte("max_clients=2147483648000"))
		}},
		{"flow port 0", func(p *wizard.Plan, files []File) { p.Flows[0].Ports = wizard.Port(0) }},
		{"flow range reversed", func(p *wizard.Plan, files []File) { p.Flows[0].Ports = wizard.PortRange{First: 60000, Last: 50000} }},
		{"passive range past 65535", func(p *wizard.Plan, files []File) { p.Server.Passive.Last = 70000 }},
		{"ssh port 0", func(p *wizard.Plan, files []File) { p.Server.SSHPort = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, files := base(t)
			rec := &recorder{}
			checkPipelineInvariants(rec, p, files)
			if len(rec.errs) != 0 {
				t.Fatalf("the untouched plan fails: %v", rec.errs)
			}
			tt.edit(p, files)
			checkPipelineInvariants(rec, p, files)
			if len(rec.errs) == 0 {
				t.Error("not caught")
			}
		})
	}
}

// recorder collects Errorf calls (for the negative controls).
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, format)
}

type errorfer interface {
	Helper()
	Errorf(format string, args ...any)
}

func pipelineFile(files []File, path string) *File {
	for i := range files {
		if files[i].Path == path {
			return &files[i]
		}
	}
	return nil
}

var pipelineOptionRE = regexp.MustCompile(`^([a-z][a-z0-9_]*)=(\S(.*\S)?)$`)

// checkPipelineInvariants: every port of the plan within 1-65535 and every
// range ordered; no generated file has a control character other than LF
// and tab (nor U+2028/U+2029); every vsftpd.conf line empty, a comment or
// one key=value with a key the build knows, and its ports the plan's.
func checkPipelineInvariants(t errorfer, p *wizard.Plan, files []File) {
	t.Helper()
	port := func(what string, n int) {
		if n < 1 || n > 65535 {
			t.Errorf("%s: port %d not within 1-65535", what, n)
		}
	}
	rng := func(what string, r wizard.PortRange, optional bool) {
		if optional && r.IsZero() {
			return
		}
		port(what+" first", r.First)
		port(what+" last", r.Last)
		if r.First > r.Last {
			t.Errorf("%s: range %d-%d reversed", what, r.First, r.Last)
		}
	}
	for i, fl := range p.Flows {
		rng("flow "+strconv.Itoa(i)+" ports", fl.Ports, false)
		rng("flow "+strconv.Itoa(i)+" source ports", fl.SourcePorts, true)
	}
	if s := p.Server; s != nil {
		port("server.ssh_port", s.SSHPort)
		if len(s.Instances) > 0 {
			rng("server passive range", s.Passive, false)
		}
		for _, in := range s.Instances {
			port("instance "+in.Name, in.Port)
		}
	}
	if c := p.Client; c != nil {
		rng("client passive range", c.Passive, true)
		for _, e := range c.Endpoints {
			port("client endpoint", e.Port)
		}
	}
	if p.SFTP != nil {
		port("sftp port", p.SFTP.Port)
	}
	for _, f := range files {
		for n, line := range strings.Split(string(f.Content), "\n") {
			for _, r := range line {
				if (unicode.IsControl(r) && r != '\t') || r == '\u2028' || r == '\u2029' {
					t.Errorf("%s line %d: control character U+%04X", f.Path, n+1, r)
				}
			}
		}
	}
	if p.Server == nil {
		return
	}
	for _, in := range p.Server.Instances {
		f := pipelineFile(files, in.File)
		if f == nil {
			t.Errorf("no %s for instance %s", in.File, in.Name)
			continue
		}
		got := map[string]string{}
		for n, line := range strings.Split(string(f.Content), "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			m := pipelineOptionRE.FindStringSubmatch(line)
			if m == nil {
				t.Errorf("%s line %d %q: not a comment or one key=value", in.File, n+1, line)
				continue
			}
			kind, known := vsftpd.Lookup(p.Server.Flavour, m[1])
			if !known {
				t.Errorf("%s line %d: %s unknown to %s", in.File, n+1, m[1], p.Server.Flavour)
			}
			if v, err := strconv.ParseInt(m[2], 10, 32); kind == vsftpd.Uint && (err != nil || v < 0) {
				t.Errorf("%s line %d: %s=%s not a number vsftpd reads without wrapping", in.File, n+1, m[1], m[2])
			}
			if _, dup := got[m[1]]; dup {
				t.Errorf("%s line %d: %s set twice", in.File, n+1, m[1])
			}
			got[m[1]] = m[2]
		}
		num := func(key string) int {
			v, err := strconv.Atoi(got[key])
			if err != nil || v < 1 || v > 65535 {
				t.Errorf("%s: %s=%q not a port", in.File, key, got[key])
			}
			return v
		}
		if num("listen_port") != in.Port {
			t.Errorf("%s: listen_port=%s, plan %d", in.File, got["listen_port"], in.Port)
		}
		lo, hi := num("pasv_min_port"), num("pasv_max_port")
		if lo > hi || lo != p.Server.Passive.First || hi != p.Server.Passive.Last {
			t.Errorf("%s: passive %d-%d, plan %s", in.File, lo, hi, p.Server.Passive)
		}
	}
}

// checkFirewallTools runs every nftables file through `nft -c -f` and every
// iptables file through `iptables-restore --test`, in one throwaway network
// namespace per answers file (nothing is applied, and the namespace goes
// with the process).
func checkFirewallTools(t *testing.T, name string, files []File) {
	t.Helper()
	if !slices.ContainsFunc(files, isFirewallRuleset) {
		return
	}
	lab.Require(t, "nft", "iptables-restore", "unshare", "bash")
	if out, err := firewallToolsCheck(t.TempDir(), files); err != nil {
		t.Fatalf("%s: a firewall file fails the real tool's check: %v\n%s", name, err, out)
	}
}

func isFirewallRuleset(f File) bool {
	return strings.HasSuffix(f.Path, ".nft") || strings.HasSuffix(f.Path, ".iptables")
}

func firewallToolsCheck(dir string, files []File) (string, error) {
	var script strings.Builder
	script.WriteString("set -e\n")
	for _, f := range files {
		check := "nft -c -f"
		if strings.HasSuffix(f.Path, ".iptables") {
			check = "iptables-restore --test <"
		} else if !strings.HasSuffix(f.Path, ".nft") {
			continue
		}
		file := filepath.Join(dir, strings.ReplaceAll(f.Path, "/", "_"))
		if err := os.WriteFile(file, f.Content, 0o644); err != nil {
			return "", err
		}
		if check == "nft -c -f" {
			script.WriteString("echo " + shQuote(f.Path) + "\n" + fwNftCheck(file))
			continue
		}
		script.WriteString("echo " + shQuote(f.Path) + "\n" + check + " " + shQuote(file) + "\n")
	}
	return fwExec("unshare", "--net", "bash", "-c", script.String())
}

// TestPipelineFirewallToolsCatch is the negative control of the tool
// checks: a broken nftables or iptables file fails, a good one passes.
func TestPipelineFirewallToolsCatch(t *testing.T) {
	lab.Require(t, "nft", "iptables-restore", "unshare", "bash")
	tests := []struct {
		name, path, content string
		ok                  bool
	}{
		{"good nft", "a.nft", "table inet t {\n chain c {\n  tcp dport 21 accept\n }\n}\n", true},
		{"nft port out of range", "a.nft", "table inet t {\n chain c {\n  tcp dport 70000 accept\n }\n}\n", false},
		{"nft syntax", "a.nft", "table inet t {\n chain c {\n  tcp dport accept\n }\n}\n", false},
		{"good iptables", "a.iptables", "*filter\n:T - [0:0]\n-A T -p tcp --dport 21 -j ACCEPT\nCOMMIT\n", true},
		// (iptables-restore --test of the nft build accepts a jump-less rule in
		// an undeclared chain, "-A NOPE -j ACCEPT": the check is syntax-level.)
		{"iptables unknown option", "a.iptables", "*filter\n:T - [0:0]\n-A T -p tcp --dport 21 --bogus -j ACCEPT\nCOMMIT\n", false},
		{"iptables no COMMIT", "a.iptables", "*filter\n:T - [0:0]\n-A T -p tcp --dport 21 -j ACCEPT\n", false},
		{"iptables reversed range", "a.iptables", "*filter\n:T - [0:0]\n-A T -p tcp --dport 60000:50000 -j ACCEPT\nCOMMIT\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := firewallToolsCheck(t.TempDir(), []File{{Path: tt.path, Content: []byte(tt.content)}})
			if (err == nil) != tt.ok {
				t.Errorf("err = %v, want ok %v\n%s", err, tt.ok, out)
			}
		})
	}
}
