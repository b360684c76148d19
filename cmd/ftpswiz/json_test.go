package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/probe"
)

// The shapes below are written from the README's "JSON output" section,
// not taken from the production types, so a change of the documented
// shape fails here.

type docHeader struct {
	SchemaVersion int    `json:"schema_version"`
	Command       string `json:"command"`
}

type docDecision struct {
	Key     string    `json:"key"`
	Title   string    `json:"title"`
	Value   string    `json:"value"`
	Why     string    `json:"why"`
	Warning bool      `json:"warning"`
	Flows   []docFlow `json:"flows"`
}

type docFlow struct {
	Side        string `json:"side"`
	Direction   string `json:"direction"`
	Purpose     string `json:"purpose"`
	Protocol    string `json:"protocol"`
	Ports       string `json:"ports"`
	SourcePorts string `json:"source_ports"`
	From        string `json:"from"`
	To          string `json:"to"`
	DNATTo      string `json:"dnat_to"`
	Decision    string `json:"decision"`
	Why         string `json:"why"`
	Warning     bool   `json:"warning"`
}

type docGenerate struct {
	docHeader
	Answers string `json:"answers"`
	OutDir  string `json:"out_dir"`
	Written bool   `json:"written"`
	Files   []struct {
		Path    string `json:"path"`
		File    string `json:"file"`
		Kind    string `json:"kind"`
		Mode    string `json:"mode"`
		OldMode string `json:"old_mode"`
		Backup  string `json:"backup"`
		Diff    string `json:"diff"`
	} `json:"files"`
	Stale     []string      `json:"stale"`
	Decisions []docDecision `json:"decisions"`
}

// docFleet is generate's "fleet" object (README, "JSON output").
type docFleet struct {
	Name    string `json:"name"`
	Serial  int    `json:"serial"`
	Servers []struct {
		Name         string   `json:"name"`
		AnsibleHost  string   `json:"ansible_host"`
		Router       string   `json:"router"`
		Flavour      string   `json:"flavour"`
		Builds       []string `json:"builds"`
		ControlPorts []int    `json:"control_ports"`
		Passive      string   `json:"passive"`
		Allocated    []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"allocated"`
		Decisions []docDecision `json:"decisions"`
	} `json:"servers"`
	Routers []struct {
		Name          string   `json:"name"`
		PublicAddress string   `json:"public_address"`
		Servers       []string `json:"servers"`
	} `json:"routers"`
	ClientSites []struct {
		Name        string `json:"name"`
		AnsibleHost string `json:"ansible_host"`
		Clients     []struct {
			Server    string        `json:"server"`
			Decisions []docDecision `json:"decisions"`
		} `json:"clients"`
	} `json:"client_sites"`
}

type docGenerateFleet struct {
	docGenerate
	Fleet *docFleet `json:"fleet"`
}

type docPorts struct {
	docHeader
	Answers string    `json:"answers"`
	Flows   []docFlow `json:"flows"`
}

type docExplain struct {
	docHeader
	Answers string `json:"answers"`
	Key     string `json:"key"`
	Topics  []struct {
		Key, Title, Text string
	} `json:"topics"`
	Decisions []docDecision `json:"decisions"`
}

type docCompare struct {
	docHeader
	Answers             string `json:"answers"`
	PartnerRequiresFTPS bool   `json:"partner_requires_ftps"`
	ClientCertificates  bool   `json:"client_certificates"`
	Comparison          []struct {
		Key, Aspect, FTPS, SFTP string
	} `json:"comparison"`
	Recommendation struct {
		Protocol string   `json:"protocol"`
		Reasons  []string `json:"reasons"`
		Caveats  []string `json:"caveats"`
	} `json:"recommendation"`
}

type docCheck struct {
	docHeader
	File     string `json:"file"`
	Flavour  string `json:"flavour"`
	Findings []struct {
		Severity string `json:"severity"`
		Line     int    `json:"line"`
		Option   string `json:"option"`
		Code     string `json:"code"`
		Why      string `json:"why"`
		Fix      string `json:"fix"`
	} `json:"findings"`
	Fixed string `json:"fixed"`
	Diff  string `json:"diff"`
}

type docProbe struct {
	docHeader
	Target   string `json:"target"`
	Verdict  string `json:"verdict"`
	ExitCode int    `json:"exit_code"`
	Steps    []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"steps"`
}

// decodeOne decodes stdout into v: exactly one JSON document and nothing
// else; strict: no unknown fields either (a new field is a documented
// change). check's findings and probe's report carry the fields of
// vsftpdconf.Finding and probe.Report, decoded leniently.
func decodeOne(t *testing.T, stdout string, v any, strict ...bool) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	if len(strict) == 0 || strict[0] {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout is not the documented JSON: %v\n%.2000s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("more than one JSON document on stdout:\n%.2000s", stdout)
	}
}

func checkHeader(t *testing.T, h docHeader, command string) {
	t.Helper()
	if h.SchemaVersion != 1 || h.Command != command {
		t.Errorf("header %+v, want schema_version 1, command %s", h, command)
	}
}

func TestJSONGenerate(t *testing.T) {
	classic := scenario("classic")
	out := filepath.Join(t.TempDir(), "out")
	r := runFTPSwiz(t, "", "generate", "--answers", classic, "--out", out, "--json")
	if r.code != codeOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var g docGenerate
	decodeOne(t, r.stdout, &g)
	checkHeader(t, g.docHeader, "generate")
	if !g.Written || g.OutDir != out || g.Answers != classic || len(g.Files) < 10 || len(g.Decisions) < 5 || g.Stale == nil {
		t.Fatalf("generate --json: %+v", g)
	}
	if strings.Contains(r.stdout, `"fleet"`) {
		t.Errorf("one plan's JSON has a fleet object")
	}
	for _, f := range g.Files {
		if f.Kind != "new" || f.File != filepath.Join(out, f.Path) || f.Diff != "" || f.OldMode != "" {
			t.Errorf("file %+v", f)
		}
		if _, err := os.Stat(f.File); err != nil {
			t.Errorf("listed but not written: %v", err)
		}
	}
	found := false
	for _, d := range g.Decisions {
		found = found || (d.Key == "passive.range" && d.Why != "" && strings.Contains(d.Value, "50000-"))
	}
	if !found {
		t.Errorf("no passive.range decision with its reason: %+v", g.Decisions)
	}

	// Again, with one file changed: refused (exit 3), nothing written, the
	// diff in the JSON.
	conf := filepath.Join(out, "server", "vsftpd.conf")
	if err := os.WriteFile(conf, []byte("# hand-edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runFTPSwiz(t, "", "generate", "--answers", classic, "--out", out, "--json")
	if r.code != codeExists {
		t.Fatalf("exit %d, want 3: %s", r.code, r.stderr)
	}
	g = docGenerate{}
	decodeOne(t, r.stdout, &g)
	for _, f := range g.Files {
		want := "unchanged"
		if f.Path == "server/vsftpd.conf" {
			want = "changed"
			if !strings.Contains(f.Diff, "-# hand-edited") {
				t.Errorf("no diff for the changed file: %q", f.Diff)
			}
		}
		if f.Kind != want {
			t.Errorf("%s: kind %s, want %s", f.Path, f.Kind, want)
		}
	}
	if g.Written || readFile(t, conf) != "# hand-edited\n" {
		t.Errorf("written %v; conf %q", g.Written, readFile(t, conf))
	}
	// With --force: the backup is named.
	r = runFTPSwiz(t, "", "generate", "--answers", classic, "--out", out, "--json", "--force")
	g = docGenerate{}
	decodeOne(t, r.stdout, &g)
	for _, f := range g.Files {
		if f.Path == "server/vsftpd.conf" && (f.Kind != "changed" || !strings.HasPrefix(f.Backup, conf+".bak-")) {
			t.Errorf("forced: %+v", f)
		}
	}
	if r.code != codeOK || !g.Written {
		t.Errorf("forced: exit %d written %v", r.code, g.Written)
	}
}

func TestJSONPorts(t *testing.T) {
	classic := scenario("classic")
	for _, args := range [][]string{{"--json"}, {"--format", "json"}} {
		r := runFTPSwiz(t, "", append([]string{"ports", "--answers", classic}, args...)...)
		if r.code != codeOK {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		var p docPorts
		decodeOne(t, r.stdout, &p)
		checkHeader(t, p.docHeader, "ports")
		if p.Answers != classic || len(p.Flows) < 4 || p.Flows[0].Protocol != "tcp" || p.Flows[0].Why == "" {
			t.Errorf("%v: %+v", args, p)
		}
		deprecated := strings.Contains(r.stderr, "deprecated")
		if deprecated != (args[0] == "--format") {
			t.Errorf("%v: deprecation note %v: %s", args, deprecated, r.stderr)
		}
	}
	if r := runFTPSwiz(t, "", "ports", "--answers", classic, "--json", "--format", "tsv"); r.code != codeUsage {
		t.Errorf("--json with --format tsv: exit %d", r.code)
	}
}

func TestJSONExplain(t *testing.T) {
	classic := scenario("classic")
	tests := []struct {
		name                string
		args                []string
		topics, decisions   int // -1: at least one
		wantFlows, wantText bool
	}{
		{"topics only", []string{"explain", "--json"}, -1, 0, false, true},
		{"topics and decisions", []string{"explain", "--json", "--answers", classic}, -1, -1, false, true},
		{"one topic", []string{"explain", "--json", "passive-vs-active"}, 1, 0, false, true},
		// An SFTP plan's topics are the one that applies to SFTP.
		{"SFTP plan's topics", []string{"explain", "--json", "--answers", scenario("sftp")}, 1, -1, false, true},
		{"one decision with its rules", []string{"explain", "--json", "--answers", classic, "passive.range"}, 0, 1, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runFTPSwiz(t, "", tt.args...)
			if r.code != codeOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var e docExplain
			decodeOne(t, r.stdout, &e)
			checkHeader(t, e.docHeader, "explain")
			count := func(n, want int) bool { return (want == -1 && n > 0) || n == want }
			if !count(len(e.Topics), tt.topics) || !count(len(e.Decisions), tt.decisions) {
				t.Errorf("%d topics, %d decisions", len(e.Topics), len(e.Decisions))
			}
			if tt.wantText && (len(e.Topics) == 0 || e.Topics[0].Text == "") {
				t.Errorf("topics without text: %+v", e.Topics)
			}
			if tt.wantFlows && (len(e.Decisions) == 0 || len(e.Decisions[0].Flows) == 0 || e.Decisions[0].Flows[0].Decision != "passive.range") {
				t.Errorf("decision without its rules: %+v", e.Decisions)
			}
		})
	}
	if r := runFTPSwiz(t, "", "explain", "--json", "pasive"); r.code != codeUsage || r.stdout != "" || !strings.Contains(r.stderr, "did you mean") {
		t.Errorf("unknown key: exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}
}

func TestJSONCompare(t *testing.T) {
	tests := []struct {
		args    []string
		want    string
		answers string
	}{
		{[]string{"compare", "--json"}, "sftp", ""},
		{[]string{"compare", "--json", "--partner-requires-ftps"}, "ftps", ""},
		{[]string{"compare", "--json", "--answers", scenario("classic")}, "", scenario("classic")},
	}
	for _, tt := range tests {
		r := runFTPSwiz(t, "", tt.args...)
		if r.code != codeOK {
			t.Fatalf("%v: exit %d: %s", tt.args, r.code, r.stderr)
		}
		var c docCompare
		decodeOne(t, r.stdout, &c)
		checkHeader(t, c.docHeader, "compare")
		if (tt.want != "" && c.Recommendation.Protocol != tt.want) || len(c.Recommendation.Reasons) == 0 ||
			len(c.Comparison) < 5 || c.Comparison[0].FTPS == "" || c.Answers != tt.answers {
			t.Errorf("%v: %+v", tt.args, c)
		}
	}
	if r := runFTPSwiz(t, "", "compare", "--json", "--format", "plain"); r.code != codeUsage {
		t.Errorf("--json with --format: exit %d", r.code)
	}
}

func TestJSONCheck(t *testing.T) {
	path := writeConf(t, brokenConf)
	for _, args := range [][]string{{"--json"}, {"--format", "json"}} {
		r := runFTPSwiz(t, "", append([]string{"check", path, "--flavour", "debian-3.0.3", "--no-host"}, args...)...)
		if r.code != codeProblems {
			t.Errorf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		var c docCheck
		decodeOne(t, r.stdout, &c, false)
		checkHeader(t, c.docHeader, "check")
		if c.File != path || c.Flavour != "debian-3.0.3" || len(c.Findings) == 0 || c.Findings[0].Severity != "error" {
			t.Errorf("%v: %+v", args, c)
		}
		if deprecated := strings.Contains(r.stderr, "deprecated"); deprecated != (args[0] == "--format") {
			t.Errorf("%v: deprecation note %v: %s", args, deprecated, r.stderr)
		}
	}
	if r := runFTPSwiz(t, "", "check", path, "--no-host", "--format", "xml"); r.code != codeUsage {
		t.Errorf("--format xml: exit %d", r.code)
	}
}

func TestJSONProbe(t *testing.T) {
	report := &probe.Report{Target: "203.0.113.10:21", Address: "203.0.113.10:21", Mode: probe.Explicit, Steps: []probe.Step{
		{ID: "tcp", Title: "Connect to the control port", Status: probe.Pass, Detail: "connected"},
		{ID: "tls", Title: "TLS", Status: probe.Warn, Detail: "old"},
	}}
	var out, errOut bytes.Buffer
	opts := &rootOptions{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Detector: fakeMachine(), Now: fixedNow,
		Getenv: func(string) string { return "" }, IsTerminal: func() bool { return false }}
	po := &probeOptions{root: opts, run: func(context.Context, probe.Options) (*probe.Report, error) { return report, nil }}
	cmd := newProbeCmdWith(po)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetArgs([]string{"203.0.113.10", "--json"})
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	code := exitCode(cmd.Execute())
	var p struct {
		docProbe
		// The rest of the report (address, mode, ...) is probe.Report's.
		Rest map[string]any `json:"-"`
	}
	dec := json.NewDecoder(strings.NewReader(out.String()))
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	checkHeader(t, p.docHeader, "probe")
	if code != codeWarnings || p.Verdict != "warn" || p.ExitCode != codeWarnings || len(p.Steps) != 2 || p.Target != report.Target {
		t.Errorf("exit %d: %+v", code, p.docProbe)
	}
}

// decision returns the decision with key k.
func decision(ds []docDecision, k string) (docDecision, bool) {
	for _, d := range ds {
		if d.Key == k {
			return d, true
		}
	}
	return docDecision{}, false
}

// TestJSONGenerateFleet: generate --json on a fleet prints the same object
// as for one plan (files, stale files), its top-level decisions empty and
// the plans' decisions in "fleet", per server and per client site's server.
func TestJSONGenerateFleet(t *testing.T) {
	fleetFile, err := filepath.Abs("../../testdata/fleet/classic/answers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	run := func(code int, args ...string) docGenerateFleet {
		t.Helper()
		r := runFTPSwiz(t, "", append([]string{"generate", "--answers", fleetFile, "--out", out, "--json"}, args...)...)
		if r.code != code {
			t.Fatalf("%v: exit %d, want %d: %s", args, r.code, code, r.stderr)
		}
		var g docGenerateFleet
		decodeOne(t, r.stdout, &g)
		checkHeader(t, g.docHeader, "generate")
		if g.Fleet == nil || g.Decisions == nil || len(g.Decisions) != 0 || g.Stale == nil || g.Answers != fleetFile || g.OutDir != out {
			t.Fatalf("%v: fleet %v, decisions %v, stale %v, answers %q", args, g.Fleet != nil, g.Decisions, g.Stale, g.Answers)
		}
		return g
	}
	kinds := func(g docGenerateFleet) map[string]string {
		m := map[string]string{}
		for _, f := range g.Files {
			m[f.Path] = f.Kind
			if f.File != filepath.Join(out, filepath.FromSlash(f.Path)) {
				t.Errorf("%s: file %s", f.Path, f.File)
			}
		}
		return m
	}

	g := run(codeOK)
	k := kinds(g)
	for _, p := range []string{"REPORT.md", "fleet.yaml", "ansible/site.yml", "servers/ftp-b/server/vsftpd.conf",
		"routers/office-gw/firewall/server-router.nft", "sites/customer-1/ftp-b/client/lftp.rc"} {
		if k[p] != "new" {
			t.Errorf("%s: kind %q, want new", p, k[p])
		}
	}
	if !g.Written || len(g.Stale) != 0 {
		t.Errorf("written %v, stale %q", g.Written, g.Stale)
	}
	f := g.Fleet
	if f.Name != "acme" || f.Serial != 1 || len(f.Servers) != 2 || len(f.Routers) != 1 || len(f.ClientSites) != 1 {
		t.Fatalf("fleet %s serial %d: %d servers, %d routers, %d sites", f.Name, f.Serial, len(f.Servers), len(f.Routers), len(f.ClientSites))
	}
	a, b := f.Servers[0], f.Servers[1]
	if a.Name != "ftp-a" || b.Name != "ftp-b" || a.Router != "office-gw" || a.AnsibleHost != "10.20.0.2" || b.AnsibleHost != "10.20.0.3" {
		t.Errorf("servers %+v %+v", a.Name, b.Name)
	}
	if fmt.Sprint(a.ControlPorts) != "[21]" || fmt.Sprint(b.ControlPorts) != "[2121]" || a.Passive == b.Passive {
		t.Errorf("ports: ftp-a %v %s, ftp-b %v %s", a.ControlPorts, a.Passive, b.ControlPorts, b.Passive)
	}
	if len(a.Allocated) != 0 {
		t.Errorf("ftp-a, first on its address, allocated %+v", a.Allocated)
	}
	alloc := map[string]string{}
	for _, x := range b.Allocated {
		alloc[x.Key] = x.Value
	}
	aLast := a.Passive[strings.Index(a.Passive, "-")+1:]
	bFirst, _, _ := strings.Cut(b.Passive, "-")
	if alloc["ftps.explicit_port"] != "2121" || alloc["server.passive_start"] != bFirst || bFirst == "" || aLast == "" {
		t.Errorf("ftp-b allocated %+v (passive %s after %s)", b.Allocated, b.Passive, a.Passive)
	}
	for _, s := range f.Servers {
		if len(s.Builds) != 3 || !slices.Contains(s.Builds, s.Flavour) {
			t.Errorf("%s: flavour %q, builds %q (auto: every build)", s.Name, s.Flavour, s.Builds)
		}
		d, ok := decision(s.Decisions, "passive.range")
		if !ok || !strings.Contains(d.Value, s.Passive) || d.Why == "" {
			t.Errorf("%s: passive.range decision %+v, passive %s", s.Name, d, s.Passive)
		}
	}
	r := f.Routers[0]
	if r.Name != "office-gw" || r.PublicAddress != "198.51.100.10" || fmt.Sprint(r.Servers) != "[ftp-a ftp-b]" {
		t.Errorf("router %+v", r)
	}
	site := f.ClientSites[0]
	if site.Name != "customer-1" || len(site.Clients) != 2 || site.Clients[1].Server != "ftp-b" || len(site.Clients[1].Decisions) == 0 {
		t.Fatalf("site %+v", site)
	}

	// A file of an earlier run is stale; a hand-edited one refuses the
	// run (exit 3) with its diff, nothing written.
	old := filepath.Join(out, "servers", "ftp-old", "server", "vsftpd.conf")
	writeFile(t, old, "listen=YES\n")
	g = run(codeOK)
	if fmt.Sprint(g.Stale) != "[servers/ftp-old/server/vsftpd.conf]" {
		t.Errorf("stale %q", g.Stale)
	}
	for p, kind := range kinds(g) {
		if kind != "unchanged" {
			t.Errorf("second run: %s %s", p, kind)
		}
	}
	conf := filepath.Join(out, "servers", "ftp-a", "server", "vsftpd.conf")
	writeFile(t, conf, "# hand-edited\n")
	g = run(codeExists)
	if g.Written || kinds(g)["servers/ftp-a/server/vsftpd.conf"] != "changed" || readFile(t, conf) != "# hand-edited\n" {
		t.Errorf("refused: written %v, conf %q", g.Written, readFile(t, conf))
	}
	// --diff: the same object, written false, the diff of the change.
	g = run(codeExists, "--diff")
	found := false
	for _, fc := range g.Files {
		if fc.Path == "servers/ftp-a/server/vsftpd.conf" {
			found = fc.Kind == "changed" && strings.Contains(fc.Diff, "-# hand-edited")
		}
	}
	if g.Written || !found || len(g.Fleet.Servers) != 2 {
		t.Errorf("--diff: written %v, diff of the hand-edited file %v", g.Written, found)
	}
}
