package vsftpdconf

import (
	"strings"

	"github.com/aymanbagabas/go-udiff"
)

// Fix applies the findings' edits to the config and returns the corrected
// text. Line edits (Replace, CommentOut) apply to the original lines, the
// first edit of a line winning (CR removal of a "crlf" finding applies on
// top); Set edits then apply in order to the result,
// each replacing the line that sets its key last, or appending a line. Line
// endings follow the corrected file: LF.
func Fix(data []byte, findings []Finding) []byte {
	f := Parse(data)
	byLine := map[int]Edit{}
	var sets []Edit
	stripCR := false
	for _, fd := range findings {
		if fd.Code == "crlf" {
			// Applied last, to every line, so that other edits of the same
			// lines are not lost.
			stripCR = true
			continue
		}
		for _, e := range fd.Edits {
			switch e.Op {
			case Replace, CommentOut:
				if _, done := byLine[e.Line]; !done && e.Line >= 1 && e.Line <= len(f.Lines) {
					byLine[e.Line] = e
				}
			case Set:
				sets = append(sets, e)
			}
		}
	}
	lines := make([]string, 0, len(f.Lines)+len(sets))
	for _, ln := range f.Lines {
		raw := ln.Raw
		e, ok := byLine[ln.Num]
		switch {
		case !ok:
		case e.Op == Replace:
			raw = e.Text
		case e.Op == CommentOut:
			note := "ftpswiz check"
			if e.Note != "" {
				note += ": " + e.Note
			}
			raw = "# " + strings.TrimRight(raw, "\r") + "    # " + note
		}
		if stripCR && ln.Kind != Ignored {
			raw = strings.TrimRight(raw, "\r")
		}
		lines = append(lines, raw)
	}
	// Replacements may have split lines in two.
	lines = strings.Split(strings.Join(lines, "\n"), "\n")
	var added []string
	for _, e := range sets {
		text := e.Key + "=" + e.Value
		cur := Parse([]byte(strings.Join(lines, "\n")))
		if ln, ok := cur.Lookup(e.Key); ok {
			lines[ln.Num-1] = text
			continue
		}
		if len(added) == 0 {
			added = append(added, "", "# Added by ftpswiz check --fix")
			lines = append(lines, added...)
		}
		lines = append(lines, text)
	}
	out := strings.Join(lines, "\n")
	if f.FinalNewline || len(added) > 0 || len(data) == 0 {
		out += "\n"
	}
	return []byte(out)
}

// Diff returns a unified diff between the old and the new config text ("" when
// they are equal).
func Diff(oldName, newName string, oldText, newText []byte) string {
	return udiff.Unified(oldName, newName, string(oldText), string(newText))
}

// FixConfig lints and fixes a config until no automatic fix is left (a fix
// can reveal another: turning TLS on shows the TLS settings), at most three
// rounds. It returns the corrected text and the findings that were fixed.
func FixConfig(data []byte, o Options) ([]byte, []Finding) {
	var fixed []Finding
	cur := data
	for range 3 {
		fs := Lint(Parse(cur), o)
		var withEdits []Finding
		for _, f := range fs {
			if len(f.Edits) > 0 {
				withEdits = append(withEdits, f)
			}
		}
		if len(withEdits) == 0 {
			break
		}
		next := Fix(cur, withEdits)
		if string(next) == string(cur) {
			break
		}
		fixed = append(fixed, withEdits...)
		cur = next
	}
	return cur, fixed
}
