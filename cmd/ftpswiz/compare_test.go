package main

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// compareSquash removes all white space, so that text can be compared
// however it was wrapped.
func compareSquash(s string) string { return strings.Join(strings.Fields(s), "") }

// TestCompareTableAt80Columns renders the lipgloss table at 80 columns and
// checks that it is exactly that wide and that no cell lost a character to
// truncation: each cell, read back from the drawn table, equals its text.
func TestCompareTableAt80Columns(t *testing.T) {
	for _, width := range []int{80, 60} {
		rows := wizard.Comparison()
		out := ansi.Strip(compareTable(rows, width))
		lines := strings.Split(out, "\n")
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != width {
				t.Errorf("width %d: line %d is %d columns wide: %q", width, i+1, w, l)
			}
		}
		// Read the cells back: a row's lines lie between separator lines.
		var cells [][]string
		var cur []string
		for _, l := range lines[1:] {
			switch {
			case strings.HasPrefix(l, "├"), strings.HasPrefix(l, "╰"):
				if cur != nil {
					cells = append(cells, cur)
				}
				cur = nil
			case strings.HasPrefix(l, "│"):
				parts := strings.Split(l, "│")
				if len(parts) != 5 {
					t.Fatalf("line %q does not have three columns", l)
				}
				if cur == nil {
					cur = make([]string, 3)
				}
				for j := range 3 {
					cur[j] += " " + parts[j+1]
				}
			}
		}
		if len(cells) != len(rows)+1 {
			t.Fatalf("width %d: read %d rows back, want %d header + rows:\n%s", width, len(cells), len(rows)+1, out)
		}
		if compareSquash(cells[0][1]) != "FTPS" {
			t.Errorf("header %q", cells[0])
		}
		for i, r := range rows {
			for j, want := range []string{r.Aspect, r.FTPS, r.SFTP} {
				if got := cells[i+1][j]; compareSquash(got) != compareSquash(want) {
					t.Errorf("width %d, row %q column %d drawn as %q, want %q", width, r.Key, j, strings.Join(strings.Fields(got), " "), want)
				}
			}
		}
	}
}

func TestCompareCommand(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{"plain when not a terminal", []string{"compare"},
			[]string{"FTPS and SFTP side by side", "Conntrack FTP helper (ALG)", "  FTPS: ", "  SFTP: ",
				"Recommendation: SFTP (from no answers"}, []string{"╭", "\x1b["}},
		{"table on request, no colours into a pipe", []string{"compare", "--format", "table"},
			[]string{"╭", "│ Protocol family", "Recommendation: SFTP"}, []string{"\x1b["}},
		// The classic answers saved the partner's constraint (the wizard's
		// first answer): compare recommends FTPS from it, never SFTP.
		{"recommendation from the classic answers", []string{"compare", "--answers", scenario("classic")},
			[]string{"Recommendation for " + scenario("classic") + ": FTPS", "accepts only FTP or FTPS"},
			[]string{"Recommendation for " + scenario("classic") + ": SFTP"}},
		{"recommendation from answers without constraints", []string{"compare", "--answers", scenario("both-modes")},
			[]string{"Recommendation for " + scenario("both-modes") + ": SFTP",
				"Keep in mind:"}, nil},
		{"a partner that mandates FTPS", []string{"compare", "--answers", scenario("classic"), "--partner-requires-ftps"},
			[]string{": FTPS", "accepts only FTP or FTPS", "pasv_address", "protocol: ftps"}, nil},
		{"client certificates", []string{"compare", "--client-certificates"}, []string{"Recommendation: FTPS", "X.509"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runFTPSwiz(t, "", tt.args...)
			if r.code != codeOK {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			if r.stderr != "" {
				t.Errorf("stderr: %q", r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(r.stdout, n) {
					t.Errorf("output contains %q", n)
				}
			}
			for i, l := range strings.Split(r.stdout, "\n") {
				if w := ansi.StringWidth(l); w > compareWidth {
					t.Errorf("line %d is %d columns wide: %q", i+1, w, l)
				}
			}
			for _, row := range wizard.Comparison() {
				if strings.Contains(r.stdout, "╭") {
					break // the table's cells: TestCompareTableAt80Columns
				}
				if !strings.Contains(compareSquash(r.stdout), compareSquash(row.SFTP)) {
					t.Errorf("the %q row's SFTP text is missing", row.Key)
				}
			}
		})
	}
}

func TestCompareUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"compare", "--format", "html"},
		{"compare", "extra"},
		{"compare", "--answers", "does-not-exist.yaml"},
	} {
		r := runFTPSwiz(t, "", args...)
		if r.code != codeUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, r.code, codeUsage, r.stderr)
		}
	}
}

// TestExplainListsConcepts: `ftpswiz explain` teaches the concepts issue 6
// names, FTPS vs SFTP included.
func TestExplainListsConcepts(t *testing.T) {
	r := runFTPSwiz(t, "", "explain")
	if r.code != codeOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, key := range []string{"passive-vs-active", "implicit-vs-explicit", "conntrack-helper", "pasv-vs-epsv",
		"session-reuse", "ftps-vs-sftp"} {
		if !strings.Contains(r.stdout, key) {
			t.Errorf("explain does not list %s:\n%s", key, r.stdout)
		}
		one := runFTPSwiz(t, "", "explain", key)
		if one.code != codeOK || len(strings.Fields(one.stdout)) < 30 {
			t.Errorf("explain %s: exit %d, %q", key, one.code, one.stdout)
		}
	}
}
