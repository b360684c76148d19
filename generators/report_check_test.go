package generators

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Checks that a generated Markdown document is well-formed and readable in a
// terminal. reportMarkdownProblems is pure (and tested on broken input);
// reportCmark runs the real cmark-gfm parser.

var (
	reportDelimRow = regexp.MustCompile(`^\|( *:?-+:? *\|)+$`)
	reportHeading  = regexp.MustCompile(`^(#{1,6}) \S`)
	reportListLead = regexp.MustCompile(`^(\s*)([-*+]|[0-9]+\.) `)
)

// reportCells splits a table row into cells at unescaped pipes.
func reportCells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row):
			cur.WriteByte(row[i])
			cur.WriteByte(row[i+1])
			i++
		case row[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		cells = append(cells, rest)
	}
	return cells
}

// reportMarkdownStats counts what a well-formed document contains, for
// comparison with the real parser.
type reportMarkdownStats struct {
	Tables int
	Rows   int // header and body rows
	Fences int
}

// reportMarkdownProblems lists what is wrong with doc: unbalanced fences,
// table rows whose cell count differs from their header, a table without a
// delimiter row or blank line before it, prose longer than width, trailing
// spaces, tabs, skipped heading levels, more than one title, a missing final
// newline.
func reportMarkdownProblems(doc string, width int) ([]string, reportMarkdownStats) {
	var probs []string
	var st reportMarkdownStats
	bad := func(n int, format string, args ...any) {
		probs = append(probs, fmt.Sprintf("line %d: ", n)+fmt.Sprintf(format, args...))
	}
	if !strings.HasSuffix(doc, "\n") || strings.HasSuffix(doc, "\n\n") {
		probs = append(probs, "document must end with exactly one newline")
	}
	lines := strings.Split(strings.TrimSuffix(doc, "\n"), "\n")
	inFence := false
	fenceLine := 0
	tableCols := 0 // >0 while inside a table
	lastLevel := 0
	titles := 0
	for i, l := range lines {
		n := i + 1
		if strings.HasSuffix(l, " ") || strings.Contains(l, "\t") {
			bad(n, "trailing space or tab: %q", l)
		}
		if strings.HasPrefix(strings.TrimLeft(l, " "), "```") {
			if !inFence {
				st.Fences++
				fenceLine = n
			}
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if strings.HasPrefix(l, "|") {
			if tableCols == 0 {
				if i > 0 && lines[i-1] != "" {
					bad(n, "a table needs a blank line before it")
				}
				if i+1 >= len(lines) || !reportDelimRow.MatchString(lines[i+1]) {
					bad(n, "table header without a delimiter row")
				}
				tableCols = len(reportCells(l))
				st.Tables++
				st.Rows++
				continue
			}
			if got := len(reportCells(l)); got != tableCols {
				bad(n, "table row has %d cells, header has %d: %q", got, tableCols, l)
			}
			if !reportDelimRow.MatchString(l) {
				st.Rows++
			}
			continue
		}
		tableCols = 0
		if m := reportHeading.FindStringSubmatch(l); m != nil {
			level := len(m[1])
			if level == 1 {
				titles++
			}
			if lastLevel > 0 && level > lastLevel+1 {
				bad(n, "heading jumps from level %d to %d", lastLevel, level)
			}
			lastLevel = level
			continue
		}
		if len(l) > width {
			rest := reportListLead.ReplaceAllString(l, "")
			if strings.Contains(strings.TrimSpace(rest), " ") {
				bad(n, "prose line of %d columns (max %d): %q", len(l), width, l)
			}
		}
	}
	if inFence {
		probs = append(probs, fmt.Sprintf("line %d: code fence never closed", fenceLine))
	}
	if titles != 1 {
		probs = append(probs, fmt.Sprintf("document has %d level-1 headings, want 1", titles))
	}
	return probs, st
}

// reportCheckMarkdown fails the test for every problem in doc.
func reportCheckMarkdown(t *testing.T, name, doc string) reportMarkdownStats {
	t.Helper()
	probs, st := reportMarkdownProblems(doc, reportWidth)
	for _, p := range probs {
		t.Errorf("%s: %s", name, p)
	}
	return st
}

var reportHTMLTag = regexp.MustCompile(`</?([a-zA-Z][a-zA-Z0-9]*)`)

// reportCmark parses doc with cmark-gfm (GitHub Flavored Markdown, the
// parser GitHub and many viewers use) and checks that every table the
// source has is a table there, with every row, and that no text was taken
// for raw HTML.
func reportCmark(t *testing.T, name, doc string, st reportMarkdownStats) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "cmark-gfm", "--extension", "table", "--to", "html")
	cmd.Stdin = strings.NewReader(doc)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: cmark-gfm: %v: %s", name, err, errb.String())
	}
	html := out.String()
	if got := strings.Count(html, "<table>"); got != st.Tables {
		t.Errorf("%s: cmark-gfm sees %d tables, the source has %d", name, got, st.Tables)
	}
	if got := strings.Count(html, "<tr>"); got != st.Rows {
		t.Errorf("%s: cmark-gfm sees %d table rows, the source has %d", name, got, st.Rows)
	}
	if got := strings.Count(html, "<pre>"); got != st.Fences {
		t.Errorf("%s: cmark-gfm sees %d code blocks, the source has %d fences", name, got, st.Fences)
	}
	if strings.Contains(html, "raw HTML omitted") {
		t.Errorf("%s: part of the text was parsed as raw HTML", name)
	}
	allowed := map[string]bool{"h1": true, "h2": true, "h3": true, "p": true, "ul": true, "ol": true, "li": true,
		"strong": true, "em": true, "code": true, "pre": true, "table": true, "thead": true, "tbody": true,
		"tr": true, "th": true, "td": true, "blockquote": true, "hr": true}
	// Links only to the document's own headings (the contents list).
	allowed["a"] = true
	slugs := map[string]bool{}
	for _, m := range reportHTMLHeading.FindAllStringSubmatch(html, -1) {
		slugs[reportSlug(m[1])] = true
	}
	for _, m := range reportHTMLHref.FindAllStringSubmatch(html, -1) {
		if !strings.HasPrefix(m[1], "#") || !slugs[m[1][1:]] {
			t.Errorf("%s: link to %q, which is no heading of the document", name, m[1])
		}
	}
	for _, m := range reportHTMLTag.FindAllStringSubmatch(html, -1) {
		if !allowed[m[1]] {
			t.Errorf("%s: unexpected element <%s> in the rendered document", name, m[1])
		}
	}
	if t.Failed() {
		if dir := os.Getenv("REPORT_DUMP"); dir != "" {
			_ = os.WriteFile(dir+"/"+strings.ReplaceAll(name, "/", "_")+".html", out.Bytes(), 0o644)
		}
	}
}

var (
	reportHTMLHeading = regexp.MustCompile(`<h[1-3]>(.*?)</h[1-3]>`)
	reportHTMLHref    = regexp.MustCompile(`<a href="([^"]*)"`)
)

// reportSlug is GitHub's anchor for a heading's text: lower case, spaces to
// hyphens, other punctuation dropped.
func reportSlug(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// reportShellBlocks returns the contents of the ```sh blocks of doc.
func reportShellBlocks(doc string) []string {
	var out []string
	var cur []string
	in := false
	for _, l := range strings.Split(doc, "\n") {
		switch {
		case !in && strings.HasPrefix(l, "```sh"):
			in, cur = true, nil
		case in && strings.HasPrefix(l, "```"):
			in = false
			out = append(out, strings.Join(cur, "\n"))
		case in:
			cur = append(cur, l)
		}
	}
	return out
}

func TestReportMarkdownChecker(t *testing.T) {
	good := "# T\n\nSome text.\n\n| a | b |\n| --- | --- |\n| 1 | 2 \\| 3 |\n\n```sh\necho\n```\n"
	if probs, st := reportMarkdownProblems(good, 100); len(probs) > 0 || st.Tables != 1 || st.Rows != 2 || st.Fences != 1 {
		t.Fatalf("good document: %v %+v", probs, st)
	}
	tests := []struct {
		name, doc, want string
	}{
		{"extra cell", "# T\n\n| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n", "has 3 cells, header has 2"},
		{"missing cell", "# T\n\n| a | b |\n| --- | --- |\n| 1 |\n", "has 1 cells"},
		{"unescaped pipe", "# T\n\n| a | b |\n| --- | --- |\n| 1 | x|y |\n", "has 3 cells"},
		{"no delimiter", "# T\n\n| a | b |\n| 1 | 2 |\n", "without a delimiter row"},
		{"glued table", "# T\ntext\n| a |\n| --- |\n", "blank line before"},
		{"open fence", "# T\n\n```sh\necho\n", "never closed"},
		{"long prose", "# T\n\n" + strings.Repeat("word ", 30) + "end\n", "prose line"},
		{"heading jump", "# T\n\n### deep\n", "jumps from level 1 to 3"},
		{"two titles", "# T\n\n# U\n", "2 level-1 headings"},
		{"trailing space", "# T \n", "trailing space"},
		{"no final newline", "# T", "exactly one newline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs, _ := reportMarkdownProblems(tt.doc, 100)
			if !strings.Contains(strings.Join(probs, "\n"), tt.want) {
				t.Errorf("problems %q do not mention %q", probs, tt.want)
			}
		})
	}
}
