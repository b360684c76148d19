package generators

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// goldenPlans decides every golden scenario's answers.
func goldenPlans(t *testing.T) map[string]*wizard.Plan {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*", "answers.yaml"))
	if err != nil || len(paths) < 8 {
		t.Fatalf("scenarios: %v %v", paths, err)
	}
	out := map[string]*wizard.Plan{}
	for _, path := range paths {
		out[filepath.Base(filepath.Dir(path))] = decideFile(t, path, nil)
	}
	return out
}

// TestEveryOutputDescribed: every file of every golden scenario says what
// it is; every server file where it is installed; every firewall file which
// box and backend it belongs to and how it is checked, applied, shown,
// persisted and removed.
func TestEveryOutputDescribed(t *testing.T) {
	for name, p := range goldenPlans(t) {
		files, err := Render(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		firewalls := 0
		for _, f := range files {
			d := f.Desc
			if d.What == "" {
				t.Errorf("%s %s: no description", name, f.Path)
			}
			// The container's build context (server/container/) is used where it
			// is, like REPORT.md; everything else of server/ is installed.
			usedInPlace := strings.HasPrefix(f.Path, containerDir) && f.Path != containerAccounts
			if strings.HasPrefix(f.Path, "server/") && (d.Install == "" && !usedInPlace || d.Side != wizard.SideServerHost) {
				t.Errorf("%s %s: a server file without install path or side: %+v", name, f.Path, d)
			}
			if !strings.HasPrefix(f.Path, "firewall/") {
				if d.Backend != "" {
					t.Errorf("%s %s: backend %s on a file that is no firewall file", name, f.Path, d.Backend)
				}
				continue
			}
			firewalls++
			if d.Backend == "" || d.Side == "" || d.Tool == "" {
				t.Errorf("%s %s: side %q backend %q tool %q", name, f.Path, d.Side, d.Backend, d.Tool)
			}
			if len(d.Check) == 0 || len(d.Apply) == 0 || len(d.Show) == 0 || d.Persist == "" ||
				(len(d.Remove) == 0 && d.RemoveText == "") {
				t.Errorf("%s %s: incomplete steps: %+v", name, f.Path, d)
			}
			// The file's header gives the same commands, with the file's own name.
			head := string(f.Content)
			for _, c := range append(append([]Cmd{}, d.Apply...), d.Check...) {
				if l := c.Line(filepath.Base(f.Path)); !strings.Contains(head, l) {
					t.Errorf("%s %s: header lacks %q", name, f.Path, l)
				}
			}
		}
		if firewalls == 0 {
			t.Errorf("%s: no firewall files", name)
		}
	}
}

// TestReportStepsFromDescriptions: REPORT.md's apply steps are built from
// the descriptions: a renderer that describes its files differently changes
// REPORT.md (and the file list), with nothing else changed.
func TestReportStepsFromDescriptions(t *testing.T) {
	p := decideFile(t, filepath.Join("..", "testdata", "scenarios", "classic", "answers.yaml"), nil)
	want, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	var reg []Renderer
	for _, r := range Registry() {
		if r.Name == "nftables" || r.Name == "client-lftp" {
			render := r.Render
			r.Render = func(p *wizard.Plan) ([]File, error) {
				files, err := render(p)
				for i := range files {
					d := &files[i].Desc
					d.What = "MARKER what"
					d.Apply = []Cmd{Sh("nft-marker", "-f").File()}
					d.Persist = "MARKER persist"
					d.PersistCmds = []Cmd{Sh("persist-marker").File()}
				}
				return files, err
			}
		}
		reg = append(reg, r)
	}
	got, err := RenderWith(reg, p)
	if err != nil {
		t.Fatal(err)
	}
	report := func(files []File) string {
		f, ok := reportFind(files, ReportPath)
		if !ok {
			t.Fatal("no REPORT.md")
		}
		return string(f.Content)
	}
	before, after := report(want), report(got)
	for _, s := range []string{
		"nft-marker -f firewall/server-host.nft",
		"nft-marker -f firewall/client-router.nft",
		"`firewall/server-host.nft`: MARKER what",
		"`client/lftp.rc`: MARKER what",
		"# at boot (" + persistQual + "): persist-marker firewall/server-host.nft (MARKER persist)",
	} {
		if !strings.Contains(after, s) {
			t.Errorf("REPORT.md lacks %q after the description changed", s)
		}
		if strings.Contains(before, s) {
			t.Errorf("REPORT.md has %q before", s)
		}
	}
	if strings.Contains(after, "\nnft -f firewall/") {
		t.Error("REPORT.md still gives the old apply command")
	}
	for i := range want {
		if want[i].Path != ReportPath && !bytes.Equal(want[i].Content, got[i].Content) {
			t.Errorf("%s changed, but only descriptions did", want[i].Path)
		}
	}
}

// TestRenderersIgnoreAnswers: every output but answers.yaml (whose job is
// to write them) is the same when the plan's Answers are blanked: the
// renderers read the Plan only.
func TestRenderersIgnoreAnswers(t *testing.T) {
	for name, p := range goldenPlans(t) {
		want, err := Render(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		blank := *p
		blank.Answers = wizard.Answers{}
		got, err := Render(&blank)
		if err != nil {
			t.Fatalf("%s without answers: %v", name, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d files without answers, %d with", name, len(got), len(want))
		}
		for i := range want {
			if want[i].Path == AnswersPath {
				continue
			}
			if want[i].Path != got[i].Path || !bytes.Equal(want[i].Content, got[i].Content) {
				t.Errorf("%s: %s differs without the answers", name, want[i].Path)
			}
		}
	}
}

// TestClientRegistryMatchesCatalogue: every client the wizard offers (its
// catalogue) has a row in the generators' registry for its protocol, whose
// template exists, and the registry has no other client.
func TestClientRegistryMatchesCatalogue(t *testing.T) {
	have := map[wizard.Protocol]map[wizard.ClientSoftware]clientSpec{wizard.ProtocolFTPS: {}, wizard.ProtocolSFTP: {}}
	for _, c := range ftpsClients() {
		have[wizard.ProtocolFTPS][c.Software] = c
	}
	for _, c := range sftpClients() {
		have[wizard.ProtocolSFTP][c.Software] = c
	}
	names := map[string]bool{}
	for _, n := range templates.Names() {
		names[n] = true
	}
	n := 0
	for _, ci := range wizard.ClientCatalogue() {
		spec, ok := have[ci.Protocol][ci.Software]
		if !ok {
			t.Errorf("%s client %s: no registry row", ci.Protocol, ci.Software)
			continue
		}
		n++
		if spec.What == "" || (spec.Render == nil && (spec.Path == "" || !names[spec.Template])) {
			t.Errorf("%s client %s: row %+v", ci.Protocol, ci.Software, spec)
		}
	}
	if total := len(ftpsClients()) + len(sftpClients()); n != total {
		t.Errorf("registry has %d clients, the catalogue %d", total, n)
	}
}

// TestFirewallTableMatchesCatalogue: every backend the wizard offers has a
// row with a render function in fwBackends, and every row's backend is
// offered.
func TestFirewallTableMatchesCatalogue(t *testing.T) {
	rendered := map[wizard.Firewall]bool{}
	for _, b := range fwBackends() {
		if b.Router != "" {
			if !slices.Contains(wizard.RouterKinds(), b.Router) || string(b.Firewall) != string(b.Router) || b.Render == nil {
				t.Errorf("row %s: router kind %q is not a kind the answers offer, or renders nothing", b.Kind, b.Router)
			}
			continue
		}
		if !slices.Contains(wizard.Firewalls(), b.Firewall) {
			t.Errorf("row %s: backend %s is not offered", b.Kind, b.Firewall)
		}
		if b.Render != nil {
			rendered[b.Firewall] = true
		}
	}
	for _, fw := range wizard.Firewalls() {
		if !rendered[fw] {
			t.Errorf("backend %s: no row renders it", fw)
		}
	}
}

// TestFirewallsRenderIPv6Flows: every flow carries its address family; an
// IPv4 plan writes no ip6tables file, and the same plan with an IPv6 flow
// gets an ip6 rule in the inet table and in the side's .ip6tables file, not
// in its .iptables file. fwIPv4Only (for a backend that knows no IPv6)
// refuses it by name.
func TestFirewallsRenderIPv6Flows(t *testing.T) {
	p := decideFile(t, filepath.Join("..", "testdata", "scenarios", "classic", "answers.yaml"), nil)
	for _, f := range p.Flows {
		if f.Family != wizard.FamilyIPv4 {
			t.Fatalf("flow %+v: family %q", f, f.Family)
		}
	}
	files, err := Render(p)
	if err != nil {
		t.Fatalf("IPv4 plan: %v", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".ip6tables") {
			t.Errorf("IPv4 plan writes %s", f.Path)
		}
	}
	p.Flows[0].From = []string{"2001:db8::/32"}
	p.Flows[0].Family = ""
	p.Complete()
	files, err = Render(p)
	if err != nil {
		t.Fatalf("IPv6 flow: %v", err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.Path] = string(f.Content)
	}
	if !strings.Contains(got["firewall/server-host.nft"], "ip6 saddr 2001:db8::/32 tcp dport 21") {
		t.Errorf("nft has no ip6 rule for the IPv6 flow:\n%s", got["firewall/server-host.nft"])
	}
	if !strings.Contains(got["firewall/server-host.ip6tables"], "-s 2001:db8::/32 -p tcp -m tcp --dport 21") {
		t.Errorf("no ip6tables rule for the IPv6 flow:\n%s", got["firewall/server-host.ip6tables"])
	}
	if strings.Contains(got["firewall/server-host.iptables"], "2001:db8") {
		t.Errorf("the IPv4 iptables file holds an IPv6 rule")
	}
	// A backend that does not know IPv6 refuses it by name.
	if err := fwIPv4Only(p); err == nil || !strings.Contains(err.Error(), "ipv6 addresses are not supported") {
		t.Fatalf("fwIPv4Only: %v", err)
	}
}

// TestCmdDerivedFromOneBase: commands built from one base are independent,
// whatever capacity the base's parts have (each builder used to append into
// the base's array, so the second derivation overwrote the first's words).
func TestCmdDerivedFromOneBase(t *testing.T) {
	bases := map[string]Cmd{
		"fresh":          Sh("openssl", "s_client"),
		"spare capacity": Sh("openssl", "s_client", "-connect", "x").Arg("-starttls", "ftp"),
	}
	for name, base := range bases {
		t.Run(name, func(t *testing.T) {
			want := base.Line("")
			derived := []struct {
				cmd  Cmd
				want string
			}{
				{base.Arg("-tls1_2").Op("</dev/null"), want + " -tls1_2 </dev/null"},
				{base.Arg("-tls1_3").GlueOp(";"), want + " -tls1_3;"},
				{base.Op("|").GlueArg("x y"), want + " |'x y'"},
				{base.File(), want + " f.conf"},
			}
			for _, d := range derived {
				if got := d.cmd.Line("f.conf"); got != d.want {
					t.Errorf("derived command: got %q, want %q", got, d.want)
				}
			}
			if got := base.Line(""); got != want {
				t.Errorf("the base changed: %q, want %q", got, want)
			}
		})
	}
}
