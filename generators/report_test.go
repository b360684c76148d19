package generators

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// reportFakeOutputs stands in for the other renderers' files in tests on
// hand-built plans.
func reportFakeOutputs(p *wizard.Plan) []File {
	files := []File{{Path: ReportPath}, {Path: AnswersPath}}
	if p.Server != nil {
		files = append(files, File{Path: HandoutPath})
		for _, in := range p.Server.Instances {
			files = append(files, File{Path: in.File})
			if in.UnitFile != "" {
				files = append(files, File{Path: in.UnitFile})
			}
		}
		if len(p.Server.Users) > 0 {
			files = append(files, File{Path: vsftpdUserListFile})
		}
	}
	for _, side := range p.Sides() {
		for _, fw := range p.Answers.Firewalls {
			switch fw {
			case wizard.FirewallNftables:
				files = append(files, File{Path: "firewall/" + string(side) + ".nft",
					Content: []byte("table inet ftpswiz_" + strings.ReplaceAll(string(side), "-", "_") + " {\n}\n")})
			case wizard.FirewallIptables:
				files = append(files, File{Path: "firewall/" + string(side) + ".iptables", Content: []byte("*filter\nCOMMIT\n*nat\nCOMMIT\n")})
			case wizard.FirewallUFW:
				files = append(files, File{Path: "firewall/" + string(side) + ".ufw.sh"})
			case wizard.FirewallAWS:
				files = append(files, File{Path: "firewall/aws-security-group.sh"}, File{Path: "firewall/aws-security-group.tf"})
			}
		}
	}
	if p.Client != nil {
		for _, s := range p.Client.Software {
			files = append(files, File{Path: "client/" + string(s) + ".conf"})
		}
	}
	return files
}

type reportCase struct {
	name    string
	plan    *wizard.Plan
	outputs []File
}

func reportHandCases() []reportCase {
	var out []reportCase
	for _, c := range []struct {
		name string
		plan *wizard.Plan
	}{
		{"classic", reportClassicPlan()},
		{"server-both", reportServerBothPlan()},
		{"client", reportClientPlan()},
	} {
		out = append(out, reportCase{c.name, c.plan, reportFakeOutputs(c.plan)})
	}
	return out
}

// reportRealCases runs Decide on the project's scenario answers files and
// renders them with the whole registry.
func reportRealCases(t *testing.T) []reportCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "firewall", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, filepath.Join("..", "wizard", "testdata", "classic.yaml"))
	if len(paths) < 2 {
		t.Fatalf("no scenario answers files found: %v", paths)
	}
	var out []reportCase
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		a, err := wizard.DecodeAnswers(data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		p, err := wizard.Decide(a)
		if err != nil {
			t.Fatalf("%s: Decide: %v", path, err)
		}
		files, err := Render(p)
		if err != nil {
			t.Fatalf("%s: Render: %v", path, err)
		}
		// ../testdata/firewall/x.yaml -> firewall-x; ../wizard/testdata/classic.yaml -> wizard-classic
		parts := strings.Split(filepath.ToSlash(path), "/")
		group := parts[len(parts)-2]
		if group == "testdata" {
			group = parts[len(parts)-3]
		}
		name := group + "-" + strings.TrimSuffix(parts[len(parts)-1], ".yaml")
		out = append(out, reportCase{"real-" + name, p, files})
	}
	return out
}

func reportFind(files []File, path string) (File, bool) {
	for _, f := range files {
		if f.Path == path {
			return f, true
		}
	}
	return File{}, false
}

// reportFlat collapses whitespace, so wrapped prose can be searched.
func reportFlat(s string) string { return strings.Join(strings.Fields(s), " ") }

// reportSection returns the text of the "## title" section.
func reportSection(t *testing.T, doc, title string) string {
	t.Helper()
	start := strings.Index(doc, "\n## "+title+"\n")
	if start < 0 {
		t.Fatalf("no section %q", title)
	}
	rest := doc[start+len(title)+5:]
	if end := strings.Index(rest, "\n## "); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

func reportDump(t *testing.T, name string, doc []byte) {
	if dir := os.Getenv("REPORT_DUMP"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// reportCheckDoc runs every document-level check on REPORT.md.
func reportCheckDoc(t *testing.T, c reportCase, doc string) {
	t.Helper()
	p := c.plan
	st := reportCheckMarkdown(t, c.name+"/REPORT.md", doc)
	flat := reportFlat(doc)

	// Every flow is a row of the port map, numbered in plan order (the
	// first-timer answers name rows by number).
	portMap := reportSection(t, doc, "Port map")
	for i, f := range p.Flows {
		found := false
		for _, l := range strings.Split(portMap, "\n") {
			cells := reportCells(l)
			if len(cells) == 9 && cells[0] == fmt.Sprint(i+1) && cells[1] == f.Side.Title() && cells[2] == string(f.Direction) &&
				strings.HasPrefix(cells[4], f.Ports.String()) && strings.Contains(cells[8], mdCell(f.Why)) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: flow %s %s %s %s missing from the port map", c.name, f.Side, f.Direction, f.Purpose, f.Ports)
		}
	}

	// Every decision's Why, and its warning mark.
	decisions := reportSection(t, doc, "Decisions")
	for _, d := range p.Decisions {
		if !strings.Contains(flat, reportFlat(reportDecisionWhy(p, d))) {
			t.Errorf("%s: the why of decision %s is missing", c.name, d.Key)
		}
		heading := "### " + mdText(d.Title)
		i := strings.Index(decisions, heading+"\n")
		j := strings.Index(decisions, heading+" (WARNING)\n")
		switch {
		case d.Warning && j < 0:
			t.Errorf("%s: warning decision %s is not marked in its heading", c.name, d.Key)
		case d.Warning:
			block := decisions[j:]
			if k := strings.Index(block[4:], "\n### "); k >= 0 {
				block = block[:k+4]
			}
			if !strings.Contains(block, "> **WARNING:**") {
				t.Errorf("%s: warning decision %s has no WARNING callout", c.name, d.Key)
			}
		case i < 0:
			t.Errorf("%s: decision %s has no unmarked heading %q", c.name, d.Key, heading)
		}
	}
	if n := strings.Count(decisions, "> **WARNING:**"); n != reportCountWarnings(p) {
		t.Errorf("%s: %d WARNING callouts, plan has %d warning decisions", c.name, n, reportCountWarnings(p))
	}

	// Every pitfall, whole.
	for _, pf := range p.Pitfalls {
		for _, s := range []string{pf.Symptom, pf.Cause, pf.Fix} {
			if !strings.Contains(flat, reportFlat(mdText(s))) {
				t.Errorf("%s: pitfall text %q missing", c.name, s)
			}
		}
	}

	// Every output is listed.
	files := reportSection(t, doc, "Summary")
	for _, f := range c.outputs {
		if !strings.Contains(files, "- `"+f.Path+"`: ") {
			t.Errorf("%s: output %s not listed", c.name, f.Path)
		}
	}

	// Every file the apply steps install or load is one that was generated,
	// or the self-signed certificate's copy the certificate step tells the
	// reader to hand over as client/ftps-server.pem (the test commands
	// trust it).
	known := map[string]bool{}
	for _, f := range c.outputs {
		known[f.Path] = true
	}
	if pin := "client/" + wizard.PinCAFile; p.Server != nil && p.Server.Cert.Source == wizard.SourceSelfSigned {
		if !strings.Contains(flat, reportFlat("as "+pin)) {
			t.Errorf("%s: the certificate step does not say to hand over the certificate as %s", c.name, pin)
		}
		known[pin] = true
	}
	for _, m := range regexp.MustCompile(`(?m)(?:^| )((?:server|firewall|client)/[\w./-]+)`).FindAllStringSubmatch(strings.Join(reportShellBlocks(doc), "\n"), -1) {
		if !known[m[1]] {
			t.Errorf("%s: apply steps use %s, which is not generated", c.name, m[1])
		}
	}

	if p.Server != nil && !strings.Contains(flat, reportFlat(p.Server.Sizing.Arithmetic())) {
		t.Errorf("%s: sizing arithmetic missing", c.name)
	}
	if !strings.Contains(doc, "```sh\n"+RegenerateCommand+"\n```") {
		t.Errorf("%s: regenerate command missing", c.name)
	}
	if _, err := exec.LookPath("cmark-gfm"); err == nil || os.Getenv("CI") == "true" {
		lab.Require(t, "cmark-gfm")
		reportCmark(t, c.name+"/REPORT.md", doc, st)
	}
}

func reportCountWarnings(p *wizard.Plan) int {
	n := 0
	for _, d := range p.Decisions {
		if d.Warning {
			n++
		}
	}
	return n
}

func TestReportHandBuiltPlans(t *testing.T) {
	for _, c := range reportHandCases() {
		t.Run(c.name, func(t *testing.T) {
			b, err := Report(c.plan, c.outputs)
			if err != nil {
				t.Fatal(err)
			}
			reportDump(t, c.name+"-REPORT.md", b)
			reportCheckDoc(t, c, string(b))
		})
	}
}

func TestReportRealPlans(t *testing.T) {
	for _, c := range reportRealCases(t) {
		t.Run(c.name, func(t *testing.T) {
			rep, ok := reportFind(c.outputs, ReportPath)
			if !ok {
				t.Fatal("Render wrote no REPORT.md")
			}
			if rep.Mode != 0o644 {
				t.Errorf("REPORT.md mode %o", rep.Mode)
			}
			reportDump(t, c.name+"-REPORT.md", rep.Content)
			reportCheckDoc(t, c, string(rep.Content))
			ho, ok := reportFind(c.outputs, HandoutPath)
			if ok != (c.plan.Server != nil) {
				t.Fatalf("HANDOUT.md written: %v, plan has a server: %v", ok, c.plan.Server != nil)
			}
			if ok {
				reportDump(t, c.name+"-HANDOUT.md", ho.Content)
				handoutCheckDoc(t, c.name, c.plan, string(ho.Content))
			}
		})
	}
}

// reportAnswer returns the flattened answer to a first-timer question.
func reportAnswer(t *testing.T, doc, question string) string {
	t.Helper()
	flat := reportFlat(doc)
	q := "**" + question + "**"
	i := strings.Index(flat, q)
	if i < 0 {
		t.Fatalf("question %q not in the report", question)
	}
	rest := flat[i+len(q):]
	// The answer ends where the next bold question ("**...?**") starts.
	if k := strings.Index(rest, "?** "); k >= 0 {
		rest = rest[:strings.LastIndex(rest[:k], " **")]
	}
	if k := strings.Index(rest, " ## "); k >= 0 {
		rest = rest[:k]
	}
	return rest
}

// TestReportActiveModeAnswer: with active mode on, the ports answer must
// name the exception, by its port-map rows, instead of a plain "no others".
func TestReportActiveModeAnswer(t *testing.T) {
	var found bool
	for _, c := range reportRealCases(t) {
		if c.name != "real-firewall-active-mode" {
			continue
		}
		found = true
		rep, _ := reportFind(c.outputs, ReportPath)
		ans := reportAnswer(t, string(rep.Content), portsQuestion)
		var rows []string
		for i, f := range c.plan.Flows {
			if f.Purpose == wizard.PurposeActive {
				rows = append(rows, fmt.Sprint(i+1))
			}
		}
		if len(rows) == 0 {
			t.Fatal("the active-mode plan has no active-mode flows")
		}
		for _, w := range []string{"WARNING: active mode", "is the exception", rows[0]} {
			if !strings.Contains(ans, w) {
				t.Errorf("answer lacks %q: %s", w, ans)
			}
		}
	}
	if !found {
		t.Fatal("active-mode scenario not found")
	}
}

// TestReportClassicAnswers checks the first-timer answers with the numbers
// of the classic scenario: 16 transfers -> 75 passive ports 50000-50074,
// explicit FTPS on 21, vendor behind a port-forwarding router, customer
// behind a masquerading router. The answers point at the port map's rows
// (by number: the server side's rows come first) and at part 2; they do
// not restate the rows or the sizing arithmetic.
func TestReportClassicAnswers(t *testing.T) {
	cases := []reportCase{reportHandCases()[0]}
	for _, c := range reportRealCases(t) {
		if c.name == "real-wizard-classic" {
			cases = append(cases, c)
		}
	}
	if len(cases) != 2 {
		t.Fatalf("classic real scenario not found")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Report(c.plan, c.outputs)
			if err != nil {
				t.Fatal(err)
			}
			doc := string(b)
			p := c.plan
			server := 0
			for _, f := range p.Flows {
				if f.Side == wizard.SideServerHost || f.Side == wizard.SideServerRouter {
					server++
				}
			}
			clientRows := fmt.Sprintf("out on the client side (rows %d-%d)", server+1, len(p.Flows))
			if len(p.Flows) == server+1 {
				clientRows = fmt.Sprintf("out on the client side (row %d)", server+1)
			}
			checks := []struct {
				question string
				want     []string
				not      []string
			}{
				{portsQuestion,
					[]string{"The port map's rows, no others", fmt.Sprintf("in on the server side (rows 1-%d)", server),
						clientRows, "established traffic"},
					[]string{"50000", "Server host: inbound", "WARNING"}},
				{modeQuestion,
					[]string{"21: explicit FTPS", "AUTH TLS", "990 is implicit FTPS", "(#ftps-mode)"},
					nil},
				{privateQuestion,
					[]string{"vsftpd knows only " + p.Server.HostAddress, "pasv_address announces " + p.Server.PublicAddress,
						"(#address-in-pasv-replies)"},
					nil},
				{passiveQuestion,
					[]string{"75 (50000-50074)", "sized for 16 at once", "(#passive-range-sizing)"},
					[]string{"ceil(", "(N/R)", "probability"}},
				{ports989Question,
					[]string{"No:", "991 is not an FTPS port"},
					nil},
			}
			for _, ck := range checks {
				ans := reportAnswer(t, doc, ck.question)
				for _, w := range ck.want {
					if key, ok := map[string]string{"(#ftps-mode)": "ftps.mode", "(#address-in-pasv-replies)": "vsftpd.pasv_address"}[w]; ok {
						if _, has := p.Decision(key); !has {
							continue // a hand-built plan without that decision: no link
						}
					}
					if !strings.Contains(ans, w) {
						t.Errorf("answer to %q lacks %q\nanswer: %s", ck.question, w, ans)
					}
				}
				for _, w := range ck.not {
					if strings.Contains(ans, w) {
						t.Errorf("answer to %q contains %q\nanswer: %s", ck.question, w, ans)
					}
				}
			}
		})
	}
}

// handoutCheckDoc runs every check on HANDOUT.md.
func handoutCheckDoc(t *testing.T, name string, p *wizard.Plan, doc string) {
	t.Helper()
	st := reportCheckMarkdown(t, name+"/HANDOUT.md", doc)
	s := p.Server
	secrets := []string{s.AdminNetwork}
	if s.HostAddress != s.PublicAddress {
		secrets = append(secrets, s.HostAddress)
	}
	if s.AdminNetwork != "" {
		secrets = append(secrets, strings.Split(s.AdminNetwork, "/")[0])
	}
	for _, a := range s.AllowedClients {
		if a != wizard.AnyIPv4 {
			secrets = append(secrets, a)
		}
	}
	for _, sec := range secrets {
		if sec != "" && strings.Contains(doc, sec) {
			t.Errorf("%s: HANDOUT.md reveals %s", name, sec)
		}
	}
	flat := reportFlat(doc)
	table := reportFlat(reportSection(t, doc, "What your firewall must allow"))
	for _, port := range s.ControlPorts() {
		if !strings.Contains(table, "| outbound (new) | TCP | "+s.PublicAddress+" | "+strconv.Itoa(port)+" |") {
			t.Errorf("%s: handout does not allow outbound control port %d", name, port)
		}
	}
	if !strings.Contains(table, "| outbound (new) | TCP | "+s.PublicAddress+" | "+s.Passive.String()+" |") {
		t.Errorf("%s: handout does not allow the passive range %s outbound", name, s.Passive)
	}
	if !strings.Contains(table, "| inbound (new) | - | - | none |") || !strings.Contains(table, "established/related") {
		t.Errorf("%s: handout does not say nothing inbound / established back", name)
	}
	for _, w := range []string{"StatefulFTP", "425 Security: Bad IP connecting", "not SFTP", "lftp", "curl", "FileZilla", "WinSCP"} {
		if !strings.Contains(flat, w) {
			t.Errorf("%s: handout lacks %q", name, w)
		}
	}
	if reuse := handoutReuse(p); reuse != strings.Contains(flat, "session reuse required") {
		t.Errorf("%s: session reuse required=%v but the handout says otherwise", name, reuse)
	}
	if _, err := exec.LookPath("cmark-gfm"); err == nil || os.Getenv("CI") == "true" {
		lab.Require(t, "cmark-gfm")
		reportCmark(t, name+"/HANDOUT.md", doc, st)
	}
}

func TestHandoutHandBuiltPlans(t *testing.T) {
	for _, c := range reportHandCases() {
		t.Run(c.name, func(t *testing.T) {
			b, err := Handout(c.plan)
			if c.plan.Server == nil {
				if err == nil {
					t.Fatal("Handout rendered without a server")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			reportDump(t, c.name+"-HANDOUT.md", b)
			handoutCheckDoc(t, c.name, c.plan, string(b))
		})
	}
}

// TestHandoutRefusesToLeak proves the guard works: a plan whose texts would
// carry the internal address into the handout makes Handout fail.
func TestHandoutRefusesToLeak(t *testing.T) {
	tests := []struct {
		name string
		edit func(p *wizard.Plan)
	}{
		{"host address as user", func(p *wizard.Plan) { p.Client.User = reportHost }},
		{"admin network as upload dir", func(p *wizard.Plan) { p.Server.UploadDir = reportAdmin }},
		{"admin network address", func(p *wizard.Plan) { p.Client.User = "192.168.77.0" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := reportClassicPlan()
			tt.edit(p)
			if _, err := Handout(p); err == nil || !strings.Contains(err.Error(), "internal address") {
				t.Fatalf("Handout = %v, want a leak error", err)
			}
		})
	}
	// With no NAT the host address is the public one: not a leak.
	p := reportClassicPlan()
	p.Server.HostAddress = p.Server.PublicAddress
	if _, err := Handout(p); err != nil {
		t.Fatal(err)
	}
	// An admin network written from the public address (the fuzzer's
	// 198.51.100.0 with 198.51.100.0/22): the address clients dial is
	// not a leak; the network itself still is.
	p = reportClassicPlan()
	p.Server.AdminNetwork = p.Server.PublicAddress + "/22"
	if _, err := Handout(p); err != nil {
		t.Errorf("admin network from the public address: %v", err)
	}
	p.Server.UploadDir = p.Server.AdminNetwork
	if _, err := Handout(p); err == nil || !strings.Contains(err.Error(), "internal address") {
		t.Errorf("admin network shown: Handout = %v, want a leak error", err)
	}
}

func TestReportContainsAddr(t *testing.T) {
	tests := []struct {
		doc, addr string
		want      bool
	}{
		{"host 10.0.0.1 here", "10.0.0.1", true},
		{"(10.0.0.1)", "10.0.0.1", true},
		{"10.0.0.1.", "10.0.0.1", true},
		{"10.0.0.12", "10.0.0.1", false},
		{"110.0.0.1", "10.0.0.1", false},
		{"10.0.0.1.5", "10.0.0.1", false},
		{"a 10.0.0.12 then 10.0.0.1", "10.0.0.1", true},
		{"net 10.0.0.0/24,", "10.0.0.0/24", true},
	}
	for _, tt := range tests {
		if got := reportContainsAddr(tt.doc, tt.addr); got != tt.want {
			t.Errorf("reportContainsAddr(%q, %q) = %v", tt.doc, tt.addr, got)
		}
	}
}

func TestReportMarkdownHelpers(t *testing.T) {
	t.Run("wrap", func(t *testing.T) {
		texts := []string{
			strings.Repeat("alpha beta gamma ", 20),
			"The range is " + strings.Repeat("x", 85) + " - not a list, and 1. not a list either, # nor a heading " + strings.Repeat("y ", 60),
			"R = ceil(N / target^(1/9)) = ceil(16 / 0.2154) = 75 ports " + strings.Repeat("= ", 80),
		}
		for _, text := range texts {
			for _, width := range []int{40, 72, 100} {
				out := mdWrap(width, text)
				for _, l := range strings.Split(out, "\n") {
					first := strings.Fields(l)[0]
					if mdRiskyLineStart(first) && len(strings.Fields(l)) < 2 {
						t.Errorf("width %d: line starts with block syntax: %q", width, l)
					}
					if mdRiskyLineStart(first) {
						t.Errorf("width %d: line starts with %q", width, first)
					}
				}
				if reportFlat(out) != reportFlat(text) {
					t.Errorf("wrap changed the words")
				}
			}
		}
	})
	t.Run("text", func(t *testing.T) {
		tests := map[string]string{
			"root/<user> dir":        `root/\<user> dir`,
			"`a <b>` and <c>":        "`a <b>` and \\<c>",
			"1 < 2 and a<3":          "1 < 2 and a<3",
			"x </p> y":               `x \</p> y`,
			"plain text, no change":  "plain text, no change",
			"<a> first, <b> last <c": `\<a> first, \<b> last \<c`,
			"<a><b>":                 `\<a>\<b>`,
			"ends with <":            "ends with <",
			"":                       "",
		}
		for in, want := range tests {
			if got := mdText(in); got != want {
				t.Errorf("mdText(%q) = %q, want %q", in, got, want)
			}
		}
	})
	t.Run("cell", func(t *testing.T) {
		if got := mdCell("a | b\n c"); got != `a \| b c` {
			t.Errorf("mdCell = %q", got)
		}
	})
	t.Run("item", func(t *testing.T) {
		out := mdItem("-", strings.Repeat("word ", 50))
		for i, l := range strings.Split(out, "\n") {
			if len(l) > reportWidth || (i > 0 && !strings.HasPrefix(l, "  ")) || (i == 0 && !strings.HasPrefix(l, "- ")) {
				t.Errorf("bad item line %d: %q", i, l)
			}
		}
	})
}

// TestReportShellBlocksParse checks every command block of both documents
// with bash's parser.
func TestReportShellBlocksParse(t *testing.T) {
	lab.Require(t, "bash")
	docs := map[string]string{}
	for _, c := range reportHandCases() {
		b, err := Report(c.plan, c.outputs)
		if err != nil {
			t.Fatal(err)
		}
		docs[c.name+"/REPORT.md"] = string(b)
		if c.plan.Server != nil {
			h, err := Handout(c.plan)
			if err != nil {
				t.Fatal(err)
			}
			docs[c.name+"/HANDOUT.md"] = string(h)
		}
	}
	for name, doc := range docs {
		blocks := reportShellBlocks(doc)
		if len(blocks) == 0 {
			t.Errorf("%s: no command blocks", name)
		}
		for _, blk := range blocks {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			cmd := exec.CommandContext(ctx, "bash", "-n")
			cmd.Stdin = strings.NewReader(blk)
			out, err := cmd.CombinedOutput()
			cancel()
			if err != nil {
				t.Errorf("%s: bash -n rejects a block: %v: %s\n%s", name, err, out, blk)
			}
		}
	}
}

// TestReportTLSCapSteps: a plan that caps TLS 1.3 through OpenSSL installs
// the OpenSSL configuration and the drop-in, reloads systemd and checks the
// cap; a plan without the cap (TLS 1.3 allowed, or a build with an option
// for it) has none of that.
func TestReportTLSCapSteps(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "firewall", "mode-both.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		edit   func(a *wizard.Answers)
		capped bool
	}{
		{"debian explicit", func(a *wizard.Answers) { a.FTPS.Mode = wizard.ModeExplicit }, true},
		{"debian implicit", func(a *wizard.Answers) { a.FTPS.Mode = wizard.ModeImplicit }, true},
		{"debian both", func(a *wizard.Answers) {}, true},
		{"debian allow_tls13", func(a *wizard.Answers) { yes := true; a.Server.TLS.AllowTLS13 = &yes }, false},
		{"rhel", func(a *wizard.Answers) { a.Server.Vsftpd.Flavour = wizard.FlavourRHEL }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := wizard.DecodeAnswers(data)
			if err != nil {
				t.Fatal(err)
			}
			a.Server.Vsftpd.Flavour = wizard.FlavourDebian
			tt.edit(&a)
			p, err := wizard.Decide(a)
			if err != nil {
				t.Fatal(err)
			}
			files, err := Render(p)
			if err != nil {
				t.Fatal(err)
			}
			rep, _ := reportFind(files, ReportPath)
			doc := string(rep.Content)
			reportCheckDoc(t, reportCase{tt.name, p, files}, doc)
			install := reportLabStep(t, doc, "Install the configuration, start vsftpd")
			hasStep := strings.Contains(install, " -tls1_3 ")
			if (p.Server.OpenSSLConf != "") != tt.capped || hasStep != tt.capped {
				t.Fatalf("OpenSSLConf=%q, TLS 1.3 check %v, want capped=%v", p.Server.OpenSSLConf, hasStep, tt.capped)
			}
			if !tt.capped {
				if strings.Contains(install, "openssl") || strings.Contains(doc, "OPENSSL_CONF") {
					t.Errorf("uncapped plan mentions the OpenSSL cap:\n%s", install)
				}
				return
			}
			unit := p.Server.Instances[0].Unit
			dropIn := "server/" + unit + ".d/ftpswiz-tls.conf"
			want := []string{
				"install -m 0644 -o root -g root " + vsftpdOpenSSLFile + " " + p.Server.OpenSSLConf,
				"install -D -m 0644 -o root -g root " + dropIn + " /etc/systemd/system/" + unit + ".d/ftpswiz-tls.conf",
			}
			lines := strings.Split(install, "\n")
			for _, w := range want {
				i := slices.Index(lines, w)
				if i < 0 || slices.Index(lines, "systemctl daemon-reload") < i {
					t.Errorf("install step lacks %q before daemon-reload:\n%s", w, install)
				}
			}
			for _, f := range []string{vsftpdOpenSSLFile, dropIn} {
				if _, ok := reportFind(files, f); !ok {
					t.Errorf("%s not generated", f)
				}
				if !strings.Contains(reportFlat(reportSection(t, doc, "Summary")), "`"+f+"`: ") ||
					strings.Contains(doc, "`"+f+"`: generated file") {
					t.Errorf("%s is not described in Files generated", f)
				}
			}
			check := install
			start := strings.Index(install, "systemctl enable --now ")
			if start < 0 || strings.Index(install, " -tls1_3 ") < start {
				t.Error("the TLS 1.3 check comes before vsftpd is started")
			}
			for _, in := range p.Server.Instances {
				base := fmt.Sprintf("openssl s_client -connect 127.0.0.1:%d", in.Port)
				if !in.Implicit {
					base += " -starttls ftp"
				}
				for _, w := range []string{"systemctl show -p Environment " + in.Unit, base + " -tls1_2 ", base + " -tls1_3 "} {
					if !strings.Contains(check, w) {
						t.Errorf("check step lacks %q:\n%s", w, check)
					}
				}
			}
		})
	}
}

// TestReportClientOnlyPrivateAnswer: a client-only plan's answer to "why
// does the PASV reply carry a private address?" is about someone else's
// server, whatever it runs: it does not say "the server's vsftpd", and it
// names the setting by what it does before naming vsftpd's.
func TestReportClientOnlyPrivateAnswer(t *testing.T) {
	var found bool
	for _, c := range reportRealCases(t) {
		if c.plan.Server != nil || c.plan.SFTP != nil {
			continue
		}
		found = true
		rep, _ := reportFind(c.outputs, ReportPath)
		ans := reportAnswer(t, string(rep.Content), privateQuestion)
		if strings.Contains(ans, "server's vsftpd") || !strings.Contains(ans, "public one for passive replies (vsftpd: pasv_address)") {
			t.Errorf("%s: %s", c.name, ans)
		}
	}
	if !found {
		t.Fatal("no client-only FTPS plan among the real cases")
	}
}

// TestReportSelfSignedTestCommandsVerify: with a self-signed certificate the
// REPORT.md test commands trust its copy, client/ftps-server.pem, as the
// text above them says: every curl gets --cacert and every openssl s_client
// -CAfile (curl without it refuses the certificate, and the quick way out
// people find is -k). A certificate from a CA (the control) needs neither.
func TestReportSelfSignedTestCommandsVerify(t *testing.T) {
	for _, tt := range []struct {
		scenario string
		pinned   bool
	}{
		{"docker-vps", true},
		{"both-modes", true},
		{"classic", false}, // Let's Encrypt
	} {
		t.Run(tt.scenario, func(t *testing.T) {
			p := decideFile(t, filepath.Join("..", "testdata", "scenarios", tt.scenario, "answers.yaml"), nil)
			if got := p.Server.Cert.Source == wizard.SourceSelfSigned; got != tt.pinned {
				t.Fatalf("%s: self-signed %v", tt.scenario, got)
			}
			ca := "client/" + wizard.PinCAFile
			n := 0
			for _, l := range reportTestCommands(p) {
				var flag string
				switch {
				case strings.Contains(l, "curl "):
					flag = "--cacert " + ca
				case strings.HasPrefix(l, "openssl s_client"):
					flag = "-CAfile " + ca
				default:
					continue
				}
				n++
				if got := strings.Contains(l, flag); got != tt.pinned {
					t.Errorf("%q has %q: %v, want %v", l, flag, got, tt.pinned)
				}
			}
			if n == 0 {
				t.Fatal("no test commands")
			}
		})
	}
}
