package schema

import (
	"bytes"
	"os"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/golden"
)

func init() { golden.DefineUpdateFlag() }

// TestCommittedSchema: answers.schema.json is what Generate makes from the
// wizard's types today (UPDATE_GOLDEN=1 or -update rewrites it).
func TestCommittedSchema(t *testing.T) {
	got, err := Generate(moduleRoot)
	if err != nil {
		t.Fatal(err)
	}
	if golden.Update() {
		if err := os.WriteFile(FileName, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, Answers) {
		t.Errorf("%s is out of date with the wizard's types: run UPDATE_GOLDEN=1 go test ./schema/", FileName)
	}
}
