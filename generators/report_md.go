package generators

import (
	"bytes"
	"strings"
	"unicode"

	"github.com/ftpswiz/ftpswiz/internal/chars"
)

// Markdown helpers for REPORT.md and HANDOUT.md. The documents are read in a
// terminal as often as in a renderer, so prose is wrapped at reportWidth
// columns and plan texts are escaped only where Markdown would otherwise eat
// them (HTML-looking "<user>", table pipes).

// reportWidth is the column at which prose is wrapped.
const reportWidth = 100

// mdRiskyLineStart reports whether Markdown would read a word as block
// syntax if a wrapped line started with it: a list marker, heading, block
// quote, thematic break, setext underline, fence, table pipe or HTML block.
// It accepts what ^([-+*]|#{1,6}|[0-9]{1,9}[.)]|=+|-+|_+|\*+|>.*|\|.*|```.*|~~~.*|<.*)$
// does, byte by byte: mdWrap asks it about many words.
func mdRiskyLineStart(w string) bool {
	if w == "" {
		return false
	}
	switch c := w[0]; {
	case c == '>' || c == '|' || c == '<':
		return !strings.Contains(w, "\n")
	case strings.HasPrefix(w, "```") || strings.HasPrefix(w, "~~~"):
		return !strings.Contains(w, "\n")
	case w == "+":
		return true
	case c == '=' || c == '-' || c == '_' || c == '*' || c == '#':
		if c == '#' && len(w) > 6 {
			return false
		}
		return strings.Count(w, w[:1]) == len(w)
	}
	digits := 0
	for digits < len(w) && '0' <= w[digits] && w[digits] <= '9' {
		digits++
	}
	return digits >= 1 && digits <= 9 && len(w) == digits+1 && (w[digits] == '.' || w[digits] == ')')
}

// mdWrap wraps prose at width columns, keeping the text's own line breaks
// and never starting a line with a word Markdown would read as block syntax.
// A word longer than width stays whole.
func mdWrap(width int, text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/width + 1)
	var buf [64]string // most paragraphs' words fit; a longer one grows it once
	words := buf[:0]
	var starts []int
	for i, para := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		words = chars.AppendFields(words[:0], para)
		starts = mdWrapLines(starts[:0], width, words)
		for j, w := range words {
			switch {
			case j == 0:
			case len(starts) > 0 && starts[0] == j:
				b.WriteByte('\n')
				starts = starts[1:]
			default:
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
	}
	return b.String()
}

// mdWrapLines breaks words into lines of at most width columns, never
// starting a line with a word Markdown would read as a list marker,
// heading or quote (then the previous word moves along; if that is not
// possible either, the line runs long). It appends to starts the index of
// the first word of every line but the first.
func mdWrapLines(starts []int, width int, words []string) []int {
	if len(words) == 0 {
		return starts
	}
	start, curLen := 0, len(words[0]) // the current line is words[start:i]
	for i := 1; i < len(words); i++ {
		w := words[i]
		if curLen+1+len(w) <= width {
			curLen += 1 + len(w)
			continue
		}
		if mdRiskyLineStart(w) {
			if i-start > 1 && !mdRiskyLineStart(words[i-1]) {
				starts = append(starts, i-1)
				start, curLen = i-1, len(words[i-1])+1+len(w)
				continue
			}
			curLen += 1 + len(w)
			continue
		}
		starts = append(starts, i)
		start, curLen = i, len(w)
	}
	return starts
}

// mdItem formats one list item: marker ("-" or "1.") then the text wrapped
// with a hanging indent, so continuation lines stay inside the item.
func mdItem(marker, text string) string {
	indent := strings.Repeat(" ", len(marker)+1)
	wrapped := mdWrap(reportWidth-len(indent), text)
	lines := strings.Split(wrapped, "\n")
	for i := range lines {
		switch {
		case i == 0:
			lines[i] = marker + " " + lines[i]
		case lines[i] == "":
			// keep blank lines blank (no trailing spaces)
		default:
			lines[i] = indent + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// mdList formats items as a bullet list.
func mdList(items []string) string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = mdItem("-", it)
	}
	return strings.Join(out, "\n")
}

// mdText makes a plan text (a Why, a pitfall) safe to print as Markdown: a
// "<" that would open an HTML tag outside a code span is escaped, so
// "LocalRoot/<user>" stays visible when rendered. Everything else is kept
// as written, so the text reads the same in a terminal. A text with
// nothing to escape (most) is returned as it is, without a copy.
func mdText(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is in b
	inCode := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '`':
			inCode = !inCode
		case c == '<' && !inCode && i+1 < len(s) && mdTagStart(s[i+1]):
			b.WriteString(s[done:i])
			b.WriteByte('\\')
			done = i
		}
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

func mdTagStart(c byte) bool {
	return c == '/' || c == '!' || c == '?' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// mdCell makes text fit in one table cell: one line, pipes escaped (GitHub
// Flavored Markdown needs the escape even inside code spans).
func mdCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = mdText(s)
	return strings.ReplaceAll(s, "|", `\|`)
}

// mdTable renders a table; cells are escaped with mdCell. Every row gets as
// many cells as the header.
func mdTable(header []string, rows [][]string) string {
	var b strings.Builder
	row := func(cells []string) {
		b.WriteString("|")
		for i := range header {
			c := ""
			if i < len(cells) {
				c = mdCell(cells[i])
			}
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	row(header)
	b.WriteString("|")
	for range header {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	for _, r := range rows {
		row(r)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// mdCode formats commands as a fenced shell block.
func mdCode(lines ...string) string { return mdCodeIn("sh", lines...) }

// mdCodeIn formats lines as a fenced block in the given language ("text"
// for a Windows command prompt).
func mdCodeIn(lang string, lines ...string) string {
	return "```" + lang + "\n" + strings.Join(lines, "\n") + "\n```"
}

// mdTidy normalises a rendered document: no trailing spaces, at most one
// blank line in a row outside code blocks, exactly one final newline. It
// works on the template's bytes and returns new ones: a document is tens of
// kilobytes, and going through strings copied it twice more.
func mdTidy(doc []byte) []byte {
	b := make([]byte, 0, len(doc)+1)
	inFence := false
	blank := false // the last line kept outside a fence is blank
	pending := 0   // blank lines kept, written before the next other line
	for l := range bytes.SplitSeq(doc, []byte("\n")) {
		l = bytes.TrimRight(l, " \t")
		if bytes.HasPrefix(l, []byte("```")) {
			inFence = !inFence
		}
		if len(l) == 0 && !inFence {
			if blank || len(b) == 0 && pending == 0 {
				continue
			}
			blank = true
			pending++
			continue
		}
		blank = false
		if len(l) == 0 { // inside a fence: kept unless the document ends here
			pending++
			continue
		}
		for ; pending > 0; pending-- {
			b = append(b, '\n')
		}
		b = append(b, l...)
		b = append(b, '\n')
	}
	if len(b) == 0 {
		return append(b, '\n')
	}
	return b
}

// mdAnchor is the anchor GitHub (and cmark-gfm based viewers) give a
// heading: its text lower-cased, spaces as hyphens, every other character
// but letters, digits, '-' and '_' dropped. A document whose headings
// repeat gets "-1", "-2" suffixes for the repeats; the links of REPORT.md
// only point at headings that occur once (TestReportLinkTargets).
func mdAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// mdLink links text to the heading of the same document.
func mdLink(text, heading string) string { return "[" + text + "](#" + mdAnchor(heading) + ")" }
