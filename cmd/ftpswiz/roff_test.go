package main

import (
	"strings"
	"testing"
)

// TestRoffProse: help text becomes roff paragraphs, headings, examples and
// kept-as-is tables, with requests and backslashes escaped.
func TestRoffProse(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"paragraphs filled", "one\ntwo\n\nthree", "one\ntwo\n.PP\nthree\n"},
		{"leading dot escaped", "a\n.b 'c\n'd", "a\n\\&.b 'c\n\\&'d\n"},
		{"backslash", `C:\dir`, "C:\\edir\n"},
		{"code span bold", "use `DIR` here", "use \\fBDIR\\fR here\n"},
		{"heading", "#### Linux:\n\n\tcmd > x", ".SS Linux:\n.EX\ncmd > x\n.EE\n"},
		{"table kept", "Exit status:\n  0    success\n  1    error", ".nf\nExit status:\n  0    success\n  1    error\n.fi\n"},
		{"not a heading", "#hash tag", "#hash tag\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			roffProse(&b, tt.text)
			if got := b.String(); got != tt.want {
				t.Errorf("roffProse(%q) =\n%q\nwant\n%q", tt.text, got, tt.want)
			}
		})
	}
}
