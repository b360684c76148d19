// Package schema holds the JSON Schema of the answers file (answers.yaml),
// generated from the Go types in package wizard (see Generate) and embedded
// so that `ftpswiz schema` prints it and the packages ship it. Editors that
// speak the YAML language server protocol complete and check answers.yaml
// with it: every generated answers.yaml names it in its first line.
//
// Beside it is the schema of a fleet answers file (fleet.schema.json,
// `ftpswiz schema --fleet`), generated from package fleet's types: its
// defaults and each server's and site's answers are the answers schema
// with every key optional (they are merged key by key before ftpswiz
// checks them as an answers file), derived from the same definitions.
//
// The schema is a help for editors, not the authority: ftpswiz's own
// validation (wizard.Validate) checks more (host bits of a CIDR, passive
// range against the control ports, ...). What the schema rejects, ftpswiz
// rejects at the same field, with one exception: an enumerated key given
// as an empty string (mode: ""), which ftpswiz reads as the default; zero
// numbers and other empty strings that mean "the default" are accepted by
// both. Tests keep them in step.
package schema

import (
	_ "embed"
)

// URL is where the schema of this SchemaVersion is published: its $id,
// and what generated answers.yaml files point editors to.
const URL = "https://raw.githubusercontent.com/ftpswiz/ftpswiz/main/schema/answers.schema.json"

// InstalledPath is where the release packages install the schema.
const InstalledPath = "/usr/share/ftpswiz/answers.schema.json"

// FileName is the committed schema's name in this directory.
const FileName = "answers.schema.json"

// Answers is the committed schema (answers.schema.json), kept equal to
// Generate's output by a test (UPDATE_GOLDEN=1 rewrites it).
//
//go:embed answers.schema.json
var Answers []byte

// Modeline is the first line of every generated answers.yaml: it tells the
// YAML language server (VS Code, Neovim, Helix, ...) which schema to use.
const Modeline = "# yaml-language-server: $schema=" + URL

// FleetURL is where the fleet file's schema is published: its $id, and
// what the fleet.yaml that `generate` writes points editors to.
const FleetURL = "https://raw.githubusercontent.com/ftpswiz/ftpswiz/main/schema/fleet.schema.json"

// FleetInstalledPath is where the release packages install the fleet
// schema.
const FleetInstalledPath = "/usr/share/ftpswiz/fleet.schema.json"

// FleetFileName is the committed fleet schema's name in this directory.
const FleetFileName = "fleet.schema.json"

// Fleet is the committed fleet schema (fleet.schema.json), kept equal to
// GenerateFleet's output by a test.
//
//go:embed fleet.schema.json
var Fleet []byte

// FleetModeline is the first line of the fleet.yaml `generate` writes
// (unless the fleet file already names a schema).
const FleetModeline = "# yaml-language-server: $schema=" + FleetURL

// ModelinePrefix starts every YAML language server modeline.
const ModelinePrefix = "# yaml-language-server:"
