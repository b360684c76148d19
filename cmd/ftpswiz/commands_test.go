package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/explain"
	"github.com/ftpswiz/ftpswiz/internal/outdir"
	"github.com/ftpswiz/ftpswiz/wizard"
)

func TestExplain(t *testing.T) {
	classic := scenario("classic")
	tests := []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{"list topics", []string{"explain"},
			[]string{"Topics (ftpswiz explain TOPIC):", "passive-vs-active", "implicit-vs-explicit", "Add --answers FILE"},
			[]string{"Decisions of this plan"}},
		{"list with decisions", []string{"explain", "--answers", classic},
			[]string{"passive-vs-active", "Decisions of this plan", "passive.range", "Passive port range: 50000-50074 (75 ports)", "vsftpd.pasv_address"},
			[]string{"Add --answers FILE"}},
		// An SFTP plan lists only the topics of SFTP plans (none speaks of
		// vsftpd or PASV), says how to see the rest, and still explains an
		// FTPS topic asked for by name, saying it does not apply.
		{"SFTP plan", []string{"explain", "--answers", scenario("sftp")},
			[]string{"Topics of SFTP plans (ftpswiz explain TOPIC):", "ftps-vs-sftp", "do not apply to SFTP plans; 'ftpswiz explain' without", "sftp.port"},
			[]string{"pasv-vs-epsv", "passive-vs-active", "vsftpd-no-start", "session-reuse", "conntrack-helper", "Topics (ftpswiz explain TOPIC):"}},
		{"FTPS topic on an SFTP plan", []string{"explain", "--answers", scenario("sftp"), "pasv-vs-epsv"},
			[]string{"PASV and EPSV (pasv-vs-epsv)", "This topic is about FTPS; this plan is SFTP, so it does not apply to it."}, nil},
		{"FTPS plan lists every topic", []string{"explain", "--answers", classic},
			[]string{"Topics (ftpswiz explain TOPIC):", "ftps-vs-sftp", "pasv-vs-epsv"}, []string{"do not apply"}},
		{"one topic", []string{"explain", "passive-vs-active"},
			[]string{"Passive and active mode (passive-vs-active)", "data connection"}, nil},
		{"topic, any case", []string{"explain", "PASSIVE-VS-ACTIVE"}, []string{"(passive-vs-active)"}, nil},
		{"one decision", []string{"explain", "-a", classic, "passive.range"},
			[]string{"Passive port range (passive.range): 50000-50074 (75 ports)", "(N/R)^9",
				"Firewall rules that follow from it:", "Server's NAT router  forward", "to the router's WAN address, forwarded to 10.20.0.2"}, nil},
		{"pasv_address decision", []string{"explain", "-a", scenario("both-modes"), "vsftpd.pasv_address"},
			[]string{"198.51.100.20", "10.30.0.5"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runFTPSwiz(t, "", tt.args...)
			if r.code != codeOK {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(r.stdout, w) {
					t.Errorf("stdout has %q:\n%s", w, r.stdout)
				}
			}
			for _, l := range strings.Split(r.stdout, "\n") {
				if len([]rune(l)) > explainWidth && !strings.HasPrefix(l, "  ") {
					t.Errorf("line longer than %d columns: %q", explainWidth, l)
				}
				if strings.TrimRight(l, " ") != l {
					t.Errorf("trailing space: %q", l)
				}
			}
		})
	}
}

func TestExplainEveryTopicAndDecision(t *testing.T) {
	for _, tp := range wizard.Topics() {
		r := runFTPSwiz(t, "", "explain", tp.Key)
		if r.code != codeOK || !strings.Contains(r.stdout, tp.Title) {
			t.Errorf("explain %s: exit %d\n%s%s", tp.Key, r.code, r.stdout, r.stderr)
		}
	}
	p, _, err := loadPlan(context.Background(), &rootOptions{Detector: fakeMachine()}, scenario("both-modes"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Decisions {
		r := runFTPSwiz(t, "", "explain", "--answers", scenario("both-modes"), d.Key)
		if r.code != codeOK || !strings.Contains(r.stdout, d.Title+" ("+d.Key+"): "+d.Value) {
			t.Errorf("explain %s: exit %d\n%s%s", d.Key, r.code, r.stdout, r.stderr)
		}
		if d.Warning && !strings.Contains(r.stdout, "WARNING: ") {
			t.Errorf("explain %s: warning not shown\n%s", d.Key, r.stdout)
		}
	}
}

// TestExplainEveryCatalogueEntry: every entry of the catalogue of
// explanations is a topic of `ftpswiz explain`, listed and shown by its key,
// so the "more: ftpswiz explain KEY" that check and probe print under a
// finding always works.
func TestExplainEveryCatalogueEntry(t *testing.T) {
	list := runFTPSwiz(t, "", "explain")
	for _, e := range explain.All() {
		if !strings.Contains(list.stdout, "  "+e.Key+"  ") {
			t.Errorf("explain does not list %s:\n%s", e.Key, list.stdout)
		}
		r := runFTPSwiz(t, "", "explain", e.Key)
		if r.code != codeOK || !strings.HasPrefix(r.stdout, e.Title+" ("+e.Key+")\n") {
			t.Errorf("explain %s: exit %d\n%s%s", e.Key, r.code, r.stdout, r.stderr)
		}
		if e.Long == "" && !strings.Contains(strings.Join(strings.Fields(r.stdout), " "), "Fix: "+strings.Fields(e.Fix)[0]) {
			t.Errorf("explain %s shows no fix:\n%s", e.Key, r.stdout)
		}
	}
}

func TestExplainUnknownKey(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"explain", "pasive"}, []string{`no topic "pasive"`, "passive-vs-active", "decision keys need --answers"}},
		{[]string{"explain", "-a", scenario("classic"), "passive.rnage"}, []string{`no topic or decision "passive.rnage"`, "passive.range"}},
		{[]string{"explain", "-a", scenario("classic"), "pasv_address"}, []string{"vsftpd.pasv_address"}},
		{[]string{"explain", "zzzzzz"}, []string{`no topic "zzzzzz" (decision keys need --answers FILE, or an answers.yaml in the current directory). Run 'ftpswiz explain' for the list.`}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			r := runFTPSwiz(t, "", tt.args...)
			if r.code != codeUsage {
				t.Fatalf("exit %d, want %d\n%s", r.code, codeUsage, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q", r.stdout)
			}
		})
	}
}

func TestNearest(t *testing.T) {
	keys := []string{"passive-vs-active", "passive.range", "vsftpd.pasv_address", "role", "nat-types"}
	tests := []struct {
		key  string
		want []string
	}{
		{"passive", []string{"passive-vs-active", "passive.range"}},
		{"rnage", []string{"passive.range"}},
		{"rol", []string{"role"}},
		{"NAT", []string{"nat-types"}},
		{"qqqqqqq", nil},
	}
	for _, tt := range tests {
		got := nearest(tt.key, keys, 3)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("nearest(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestPorts(t *testing.T) {
	classic := scenario("classic")
	r := runFTPSwiz(t, "", "ports", "--answers", classic)
	if r.code != codeOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "SIDE") || !strings.Contains(lines[0], "WHY") {
		t.Errorf("header = %q", lines[0])
	}
	for _, want := range []string{
		"Server host          inbound    TCP    21           control, explicit FTPS         192.0.2.20/32         this box",
		"Server host          inbound    TCP    50000-50074  data, passive mode             192.0.2.20/32         this box",
		"Server's NAT router  forward    TCP    50000-50074  data, passive mode             192.0.2.20/32         the router's WAN address, forwarded to 10.20.0.2",
		"Client's router      forward    TCP    21           control, explicit FTPS         192.168.50.0/24       any address",
		"Server host          inbound    TCP    80           Let's Encrypt's HTTP-01 check  anywhere (0.0.0.0/0)  this box",
		"Server's NAT router  forward    TCP    80           Let's Encrypt's HTTP-01 check  anywhere (0.0.0.0/0)  the router's WAN address, forwarded to 10.20.0.2",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	p, _, err := loadPlan(context.Background(), &rootOptions{Detector: fakeMachine()}, classic)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != len(p.Flows)+1 {
		t.Errorf("%d table lines for %d flows", len(lines), len(p.Flows))
	}

	// JSON: one object per flow, same order.
	r = runFTPSwiz(t, "", "ports", "--answers", classic, "--json")
	var doc struct{ Flows []portRow }
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || r.code != codeOK || len(doc.Flows) != len(p.Flows) {
		t.Fatalf("json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	rows := doc.Flows
	for i, f := range p.Flows {
		if rows[i].Side != string(f.Side) || rows[i].Ports != f.Ports.String() || rows[i].Why != f.Why {
			t.Errorf("json row %d = %+v, flow %+v", i, rows[i], f)
		}
	}

	// TSV: header plus one line per flow, 12 fields each.
	r = runFTPSwiz(t, "", "ports", "--answers", classic, "--format", "tsv")
	tsv := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(tsv) != len(p.Flows)+1 {
		t.Fatalf("tsv has %d lines", len(tsv))
	}
	for _, l := range tsv {
		if n := len(strings.Split(l, "\t")); n != 12 {
			t.Errorf("tsv line has %d fields: %q", n, l)
		}
	}

	// Markdown: a table with a header separator; active mode is flagged.
	r = runFTPSwiz(t, "", "ports", "--answers", scenario("implicit-only"), "--format", "markdown")
	if !strings.HasPrefix(r.stdout, "| Side | Direction |") || !strings.Contains(r.stdout, "|---|") ||
		!strings.Contains(r.stdout, "**Warning:** active mode") || !strings.Contains(r.stdout, "(from source port 20)") {
		t.Errorf("markdown:\n%s", r.stdout)
	}
}

func TestVersion(t *testing.T) {
	r := runFTPSwiz(t, "", "--version")
	if r.code != codeOK || r.stdout != "ftpswiz v1.2.3-test\n" {
		t.Fatalf("--version: exit %d, stdout %q", r.code, r.stdout)
	}
	tests := []struct {
		name    string
		ldflags string
		info    *debug.BuildInfo
		want    string
	}{
		{"nothing", "", nil, "devel"},
		{"ldflags", "v1.0.0", nil, "v1.0.0"},
		{"go install @version", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.3.0"}},
			"v0.3.0 (go1.26.8)"},
		{"checkout", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}},
			"devel (commit 0123456789ab-dirty, go1.26.8)"},
		{"ldflags win", "v2.0.0", &debug.BuildInfo{Main: debug.Module{Version: "v0.3.0"}}, "v2.0.0"},
	}
	for _, tt := range tests {
		if got := versionString(tt.ldflags, tt.info); got != tt.want {
			t.Errorf("%s: versionString = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestRootWithoutTerminal: plain ftpswiz is the interactive wizard; without
// a terminal it points to generate and exits 2, writing nothing to stdout.
func TestRootWithoutTerminal(t *testing.T) {
	r := runFTPSwiz(t, "")
	if r.code != codeUsage || !strings.Contains(r.stderr, "ftpswiz generate --answers") || r.stdout != "" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestHelpDocumentsExitStatus(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"generate", "--help"}} {
		r := runFTPSwiz(t, "", args...)
		if r.code != codeOK {
			t.Fatalf("%v: exit %d", args, r.code)
		}
		// 130: the wizard quits with Esc (confirmed) as well as Ctrl-C,
		// both with status 130 (the README says so too).
		for _, w := range []string{"Exit status:", "  2    usage error", "  3    refused to overwrite", "  130  interrupted (Ctrl-C, or Esc in the wizard)"} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%v: help lacks %q", args, w)
			}
		}
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := runFTPSwiz(t, "", "completion", shell)
		if r.code != codeOK || !strings.Contains(r.stdout, "ftpswiz") {
			t.Errorf("completion %s: exit %d, %d bytes", shell, r.code, len(r.stdout))
		}
	}
	// Dynamic completion of explain's argument and ports' --format.
	r := runFTPSwiz(t, "", "__complete", "explain", "pass")
	if !strings.Contains(r.stdout, "passive-vs-active") {
		t.Errorf("explain completion:\n%s", r.stdout)
	}
	r = runFTPSwiz(t, "", "__complete", "explain", "--answers", scenario("classic"), "")
	if !strings.Contains(r.stdout, "passive.range") {
		t.Errorf("explain completion with --answers:\n%s", r.stdout)
	}
	r = runFTPSwiz(t, "", "__complete", "ports", "--format", "")
	if !strings.Contains(r.stdout, "markdown") {
		t.Errorf("--format completion:\n%s", r.stdout)
	}
}

func TestExitCode(t *testing.T) {
	fieldErr := &wizard.ValidationError{Fields: []*wizard.FieldError{{Field: "role", Problem: "is missing"}}}
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, codeOK},
		{"plain", errors.New("boom"), codeError},
		{"wrapped exit error", fmt.Errorf("x: %w", withCode(codeUsage, errors.New("bad"))), codeUsage},
		{"exists", fmt.Errorf("write: %w", &outdir.ExistsError{Dir: "d", Paths: []string{"a"}}), codeExists},
		{"validation", fmt.Errorf("f: %w", fieldErr), codeUsage},
		{"canceled", fmt.Errorf("x: %w", context.Canceled), codeInterrupted},
		{"explicit interrupted", withCode(codeInterrupted, errors.New("esc")), codeInterrupted},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("%s: exitCode = %d, want %d", tt.name, got, tt.want)
		}
	}
	if withCode(codeUsage, nil) != nil {
		t.Error("withCode(nil) != nil")
	}
}

func TestRecoveredPanicExits1(t *testing.T) {
	var errOut strings.Builder
	code := recovered(&errOut, func() int { panic("renderer exploded") })
	if code != codeError || !strings.Contains(errOut.String(), "internal error") || !strings.Contains(errOut.String(), "renderer exploded") {
		t.Fatalf("code %d, stderr %q", code, errOut.String())
	}
	if code := recovered(&errOut, func() int { return codeExists }); code != codeExists {
		t.Fatalf("code %d, want %d", code, codeExists)
	}
}

// TestHelpParagraphsAreFilled: the prose of every command's help is filled
// to one width: a line is never followed, in the same paragraph, by a word
// that would have fitted on it (compare's help broke "To generate the SFTP"
// off on a line of its own). Indented lines (examples, tables) and lines
// ending a sentence before a list are left alone.
func TestHelpParagraphsAreFilled(t *testing.T) {
	const width = 79
	for _, cmd := range []string{"", "generate", "explain", "ports", "compare", "check", "probe", "schema", "man"} {
		args := []string{"--help"}
		if cmd != "" {
			args = []string{cmd, "--help"}
		}
		r := runFTPSwiz(t, "", args...)
		help, _, _ := strings.Cut(r.stdout, "\nExit status:")
		lines := strings.Split(help, "\n")
		for i := 0; i+1 < len(lines); i++ {
			cur, next := lines[i], lines[i+1]
			if cur == "" || next == "" || strings.HasPrefix(cur, " ") || strings.HasPrefix(next, " ") || strings.HasSuffix(cur, ":") {
				continue
			}
			word, _, _ := strings.Cut(next, " ")
			if len(cur)+1+len(word) <= width-10 {
				t.Errorf("ftpswiz %s --help: %q ends early (%q fits on it)", cmd, cur, word)
			}
		}
	}
}
