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
