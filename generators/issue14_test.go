package generators

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// scenarioPlans decides every golden scenario's answers.
func scenarioPlans(t *testing.T) map[string]*wizard.Plan {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*", "answers.yaml"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	out := map[string]*wizard.Plan{}
	for _, path := range dirs {
		out[filepath.Base(filepath.Dir(path))] = decideFile(t, path, nil)
	}
	return out
}

func renderReport(t *testing.T, p *wizard.Plan) string {
	t.Helper()
	files, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := reportFind(files, ReportPath)
	if !ok {
		t.Fatal("no REPORT.md")
	}
	return string(f.Content)
}

// REPORT.md never tells anyone to turn certificate verification off (it
// said "add --insecure to curl", which curl.sh forbids), never gives the
// Windows StatefulFTP change as a step (it is a pitfall: symptom first),
// and does not say "only from 0.0.0.0/0".
func TestReportContradictions(t *testing.T) {
	for name, p := range scenarioPlans(t) {
		doc := renderReport(t, p)
		flat := reportFlat(doc)
		if strings.Contains(flat, "add `--insecure`") || strings.Contains(flat, "--insecure` to curl") {
			t.Errorf("%s: REPORT.md tells to add --insecure", name)
		}
		if strings.Contains(doc, "### ") && strings.Contains(doc, "Windows clients\n") {
			t.Errorf("%s: REPORT.md has a Windows StatefulFTP step", name)
		}
		if strings.Contains(flat, "only from "+wizard.AnyIPv4) {
			t.Errorf("%s: REPORT.md says SSH only from %s", name, wizard.AnyIPv4)
		}
	}
	// The admin network left at its default says "from anywhere".
	p := decideFile(t, filepath.Join("..", "testdata", "scenarios", "classic", "answers.yaml"), func(a *wizard.Answers) {
		a.Server.AdminNetwork = ""
	})
	if flat := reportFlat(renderReport(t, p)); !strings.Contains(flat, "keep SSH (port 22) open from anywhere") {
		t.Error("REPORT.md does not say SSH stays open from anywhere")
	}
}
