package templates

import (
	"strings"
	"testing"
)

// TestEveryTemplateParses: each template parses on its own with the
// partials (they are parsed lazily, so a broken one would otherwise show
// only when a plan first needs it), and an unknown name is an error.
func TestEveryTemplateParses(t *testing.T) {
	names := Names()
	if len(names) < 15 {
		t.Fatalf("only %d templates: %v", len(names), names)
	}
	for _, n := range names {
		if _, err := parsers[n](); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if _, err := Render("no-such.tmpl", nil); err == nil || !strings.Contains(err.Error(), "no such template") {
		t.Errorf("unknown template: %v", err)
	}
}

// TestCommentAndWrap pins the wrapping of file comments: words kept whole,
// the text's own line breaks kept, runs of (Unicode) white space one
// break, a prefix-only line without its trailing space.
func TestCommentAndWrap(t *testing.T) {
	long := strings.Repeat("x", 90)
	tests := []struct {
		name, prefix, text, want string
		width                    int // Wrap's, when prefix is ""
	}{
		{name: "short", prefix: "# ", text: "one two", want: "# one two"},
		{name: "wrapped at 78", prefix: "# ", text: strings.Repeat("abcd ", 20),
			want: "# " + strings.TrimSpace(strings.Repeat("abcd ", 15)) + "\n# " + strings.TrimSpace(strings.Repeat("abcd ", 5))},
		{name: "long word whole", prefix: "# ", text: "a " + long + " b", want: "# a\n# " + long + "\n# b"},
		{name: "line breaks kept, blank line bare", prefix: "# ", text: "a\n\nb", want: "# a\n#\n# b"},
		{name: "white space runs", prefix: "// ", text: " a \t b\u00a0\u2003c  ", want: "// a b c"},
		{name: "empty", prefix: "# ", text: "", want: "#"},
		{name: "wrap", text: "aa bb cc dd", width: 5, want: "aa bb\ncc dd"},
		{name: "wrap exact width", text: "aaaaa b", width: 5, want: "aaaaa\nb"},
		{name: "wrap keeps breaks", text: "a b\nc", width: 80, want: "a b\nc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if tt.width > 0 {
				got = Wrap(tt.width, tt.text)
			} else {
				got = Comment(tt.prefix, tt.text)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
