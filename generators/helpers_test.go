package generators

import (
	"os"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// decideFile decodes an answers file, lets edit change the answers (nil:
// none) and runs Decide: the plan every renderer test starts from.
func decideFile(t testing.TB, path string, edit func(a *wizard.Answers)) *wizard.Plan {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := wizard.DecodeAnswers(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if edit != nil {
		edit(&a)
	}
	p, err := wizard.Decide(a)
	if err != nil {
		t.Fatalf("%s: Decide: %v", path, err)
	}
	return p
}
