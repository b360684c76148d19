package schema

import (
	"bytes"
	"os"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/golden"
)

func init() { golden.DefineUpdateFlag() }

// TestCommittedSchema: answers.schema.json and fleet.schema.json are what
// Generate and GenerateFleet make from the Go types today (UPDATE_GOLDEN=1
// or -update rewrites them).
func TestCommittedSchema(t *testing.T) {
	tests := []struct {
		file      string
		generate  func(string) ([]byte, error)
		committed []byte
	}{
		{FileName, Generate, Answers},
		{FleetFileName, GenerateFleet, Fleet},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := tt.generate(moduleRoot)
			if err != nil {
				t.Fatal(err)
			}
			if golden.Update() {
				if err := os.WriteFile(tt.file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !bytes.Equal(got, tt.committed) {
				t.Errorf("%s is out of date with the Go types: run UPDATE_GOLDEN=1 go test ./schema/", tt.file)
			}
		})
	}
}
