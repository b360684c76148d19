package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// jsonSchemaVersion is the version of every --json output shape (README,
// "JSON output"). It changes only when a field changes meaning or is
// removed; new fields may appear within a version.
const jsonSchemaVersion = 1

// jsonHeader starts every --json document.
type jsonHeader struct {
	SchemaVersion int `json:"schema_version"`
	// Command is the subcommand that wrote it ("generate", "ports", ...).
	Command string `json:"command"`
}

func header(command string) jsonHeader {
	return jsonHeader{SchemaVersion: jsonSchemaVersion, Command: command}
}

// writeJSON writes v as indented JSON and a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// jsonDecision is a plan decision in JSON.
type jsonDecision struct {
	Key     string `json:"key"`
	Title   string `json:"title"`
	Value   string `json:"value"`
	Why     string `json:"why"`
	Warning bool   `json:"warning"`
	// Flows are the port-map rows that follow from it (explain only).
	Flows []portRow `json:"flows,omitempty"`
}

func jsonDecisions(p *wizard.Plan) []jsonDecision {
	out := make([]jsonDecision, 0, len(p.Decisions))
	for _, d := range p.Decisions {
		out = append(out, jsonDecision{Key: d.Key, Title: d.Title, Value: d.Value, Why: d.Why, Warning: d.Warning})
	}
	return out
}
