package schema

import (
	"fmt"
	"reflect"
	"sort"

	"github.com/invopop/jsonschema"
	"go.yaml.in/yaml/v3"

	"github.com/ftpswiz/ftpswiz/fleet"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The fleet schema, like the answers schema, is generated here from the Go
// types (package fleet's) and their comments; the answers under defaults,
// servers[].answers and client_sites[].answers are the answers schema's own
// definitions with the root's required keys and role rules dropped.

// partialAnswers names the definition of one section of partial answers.
const partialAnswers = "PartialAnswers"

// fleetPrefix starts the definition names of package fleet's types, which
// would otherwise clash with the wizard's (fleet.Server, wizard.Server).
const fleetPrefix = "Fleet"

// Patterns mirror fleet/fleet.go.
const (
	// fleetNamePattern is validName: a fleet's, server's, site's or
	// router's name (an inventory name and a directory name).
	fleetNamePattern = `^[a-z][a-z0-9-]{0,62}$`
	// ansibleHostPattern is the shape of an IP address (with an optional
	// IPv6 zone) or a host name; ftpswiz checks the value itself.
	ansibleHostPattern = `^[0-9A-Za-z.:-]+(%[\s\S]+)?$`
)

// fleetConstraints are the bounds and patterns of the fleet file's own
// fields, as fleet.Decode checks them.
func fleetConstraints() map[string]map[string]func(*jsonschema.Schema) {
	return map[string]map[string]func(*jsonschema.Schema){
		"Answers": {
			"version": func(s *jsonschema.Schema) { s.Const = wizard.SchemaVersion },
			"servers": func(s *jsonschema.Schema) {
				s.MinItems, s.MaxItems = ptr(uint64(1)), ptr(uint64(fleet.MaxServers))
			},
			"client_sites": func(s *jsonschema.Schema) { s.MaxItems = ptr(uint64(fleet.MaxServers)) },
		},
		fleetPrefix + "Settings": {
			"name":   pattern(fleetNamePattern),
			"serial": func(s *jsonschema.Schema) { s.Minimum, s.Maximum = "0", num(fleet.MaxServers) },
		},
		fleetPrefix + "Server": {
			"name":         strict(fleetNamePattern),
			"router":       pattern(fleetNamePattern),
			"ansible_host": pattern(ansibleHostPattern),
		},
		fleetPrefix + "Site": {
			"name":         strict(fleetNamePattern),
			"servers":      func(s *jsonschema.Schema) { strict(fleetNamePattern)(s.Items) },
			"ansible_host": pattern(ansibleHostPattern),
		},
	}
}

// fleetDefaults are the defaults fleet.Decode fills in.
func fleetDefaults() map[string]map[string]any {
	return map[string]map[string]any{
		fleetPrefix + "Settings": {"name": "ftpswiz", "serial": 1},
	}
}

// fleetRequired are the keys fleet.Decode refuses to go without.
var fleetRequired = map[string][]string{
	"Answers":              {"version", "servers"},
	fleetPrefix + "Server": {"name"},
	fleetPrefix + "Site":   {"name"},
}

// GenerateFleet returns the JSON Schema of a fleet answers file, generated
// from fleet.Answers (descriptions from package fleet's comments, under
// root) and the answers schema (the partial answers).
func GenerateFleet(root string) ([]byte, error) {
	answers, err := answersSchema(root)
	if err != nil {
		return nil, err
	}
	partial, err := partialOf(answers)
	if err != nil {
		return nil, err
	}
	fleetPkg := reflect.TypeFor[fleet.Answers]().PkgPath()
	r := &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true,
		ExpandedStruct:             true,
		Namer: func(t reflect.Type) string {
			if t.PkgPath() == fleetPkg {
				return fleetPrefix + t.Name()
			}
			return ""
		},
		// A yaml.Node in the fleet's types is a section of answers.
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if t == reflect.TypeFor[yaml.Node]() {
				return &jsonschema.Schema{Ref: "#/$defs/" + partialAnswers}
			}
			return nil
		},
	}
	if _, err := addComments(r, root, reflect.TypeFor[fleet.Answers]()); err != nil {
		return nil, err
	}
	s := r.Reflect(&fleet.Answers{})
	s.ID = jsonschema.ID(FleetURL)
	s.Title = "ftpswiz fleet answers file"
	s.Description = fmt.Sprintf("Many FTPS servers planned at once (version %d): defaults, servers and client sites, "+
		"each server's and site's answers merged key by key over the defaults, then checked as an answers file. "+
		"ftpswiz's own validation checks more than this schema (unique names, the merged answers, shared ports).", wizard.SchemaVersion)
	for def, keys := range fleetRequired {
		target := s
		if def != "Answers" {
			target = s.Definitions[def]
		}
		if target == nil {
			return nil, fmt.Errorf("no definition %s in the reflected fleet schema (did a fleet type change?)", def)
		}
		target.Required = keys
	}
	if err := applyConstraints(s, "Answers", fleetConstraints(), fleetDefaults()); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(answers.Definitions))
	for name := range answers.Definitions {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, clash := s.Definitions[name]; clash {
			return nil, fmt.Errorf("definition %s is both a fleet type and an answers type", name)
		}
		s.Definitions[name] = answers.Definitions[name]
	}
	if _, clash := s.Definitions[partialAnswers]; clash {
		return nil, fmt.Errorf("definition %s exists already", partialAnswers)
	}
	s.Definitions[partialAnswers] = partial
	return encode(s)
}

// partialOf returns the root of the answers schema as a section of
// partial answers: every key optional (no required keys, no role rules),
// the same properties and definitions. It refuses when a definition below
// the root requires a key: partial answers would then need their own copy
// of it.
func partialOf(answers *jsonschema.Schema) (*jsonschema.Schema, error) {
	for name, d := range answers.Definitions {
		if len(d.Required) > 0 || len(d.AllOf) > 0 || len(d.AnyOf) > 0 || len(d.OneOf) > 0 || d.If != nil {
			return nil, fmt.Errorf("answers definition %s requires keys (or has rules): a fleet's partial answers need a partial copy of it", name)
		}
	}
	p := &jsonschema.Schema{
		Type:                 answers.Type,
		Properties:           answers.Properties,
		AdditionalProperties: answers.AdditionalProperties,
		Description: "Answers keys (see answers.schema.json), every one optional: merged key by key over the defaults " +
			"(lists replace), the result is checked as an answers file.",
	}
	if p.Type != "object" || p.Properties == nil {
		return nil, fmt.Errorf("the answers schema's root is %q, not an object with properties", p.Type)
	}
	return p, nil
}
