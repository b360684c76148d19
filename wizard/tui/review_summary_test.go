package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// maxReviewLines is the review page's budget at 80 columns (port map,
// one line per decision, the files): issue 14 found 220 lines of the
// decisions' reasons and the pitfalls, which REPORT.md's part 2 holds.
const maxReviewLines = 57

// TestReviewIsASummary: the review shows the port map and each
// decision's one-liner (title: value); the reasons are in REPORT.md, and
// only a warning (a risk the user accepts) keeps its reason on screen.
func TestReviewIsASummary(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(scenarios, "classic", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := wizard.DecodeAnswers(data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := wizard.Decide(a)
	if err != nil {
		t.Fatal(err)
	}
	text := ansi.Strip(reviewText(p, 79, styles{}))
	lines := strings.Count(text, "\n") + 1
	t.Logf("review (port map and decisions) of classic: %d lines", lines)
	if lines > maxReviewLines {
		t.Errorf("review is %d lines, the budget is %d:\n%s", lines, maxReviewLines, text)
	}
	flat := strings.Join(strings.Fields(text), " ")
	for _, d := range p.Decisions {
		if !strings.Contains(flat, decisionLine(d)) {
			t.Errorf("review lacks the one-liner %q", decisionLine(d))
		}
		if strings.Contains(flat, d.Value+": "+d.Value) {
			t.Errorf("review says %s's value twice: %q", d.Key, d.Title+": "+d.Value)
		}
		if !d.Warning && len(d.Why) > 60 && strings.Contains(flat, d.Why) {
			t.Errorf("review repeats the reason of %s (REPORT.md has it)", d.Key)
		}
	}
	if !strings.Contains(text, "REPORT.md") {
		t.Errorf("review does not say where the reasons are:\n%s", text)
	}
}
