package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/schema"
)

// TestSchemaCommand: ftpswiz schema prints the embedded JSON Schema, and
// the answers.yaml generate writes points editors to it.
func TestSchemaCommand(t *testing.T) {
	r := runFTPSwiz(t, "", "schema")
	if r.code != codeOK || r.stdout != string(schema.Answers) {
		t.Fatalf("exit %d, stdout is the embedded schema: %v; stderr %s", r.code, r.stdout == string(schema.Answers), r.stderr)
	}
	var s struct {
		ID         string         `json:"$id"`
		Schema     string         `json:"$schema"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.ID != schema.URL || !strings.Contains(s.Schema, "2020-12") || s.Properties["server"] == nil {
		t.Errorf("schema header: %+v", s)
	}
	f := runFTPSwiz(t, "", "schema", "--fleet")
	if f.code != codeOK || f.stdout != string(schema.Fleet) {
		t.Fatalf("schema --fleet: exit %d, stdout is the embedded fleet schema: %v; stderr %s", f.code, f.stdout == string(schema.Fleet), f.stderr)
	}
	s.Properties = nil
	if err := json.Unmarshal([]byte(f.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.ID != schema.FleetURL || s.Properties["servers"] == nil || s.Properties["defaults"] == nil {
		t.Errorf("fleet schema header: %+v", s)
	}
	if r := runFTPSwiz(t, "", "schema", "extra"); r.code != codeUsage {
		t.Errorf("schema extra: exit %d", r.code)
	}
	out := filepath.Join(t.TempDir(), "out")
	g := runFTPSwiz(t, "", "generate", "--answers", filepath.Join(scenariosDir, "classic", "answers.yaml"), "--out", out)
	if g.code != codeOK {
		t.Fatalf("generate: %d %s", g.code, g.stderr)
	}
	first, _, _ := strings.Cut(readFile(t, filepath.Join(out, "answers.yaml")), "\n")
	if first != "# yaml-language-server: $schema="+schema.URL {
		t.Errorf("answers.yaml starts with %q", first)
	}
}
