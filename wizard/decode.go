package wizard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DecodeAnswers reads an answers file strictly: YAML syntax errors, unknown
// keys and values of the wrong type are errors naming the line. It does not
// validate values; Decide does, and AnnotateLines adds this file's line
// numbers to its errors.
func DecodeAnswers(data []byte) (Answers, error) {
	var a Answers
	if len(bytes.TrimSpace(data)) == 0 {
		return a, errors.New("the answers file is empty: start from the example in the README (it needs at least version, role and ftps)")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&a); err != nil {
		return Answers{}, explainYAMLError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		return Answers{}, errors.New("the answers file holds more than one YAML document: keep only one")
	}
	return a, nil
}

var (
	unknownFieldRE = regexp.MustCompile(`^line (\d+): field (\S+) not found in type wizard\.(\w+)$`)
	typeErrRE      = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+) `(.*)` into (.+)$")
)

// explainYAMLError turns yaml.v3's messages into ones that name the fix.
func explainYAMLError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("the answers file is not valid YAML: %w", err)
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, m := range te.Errors {
		if g := unknownFieldRE.FindStringSubmatch(m); g != nil {
			valid := yamlKeys(g[3])
			msg := fmt.Sprintf("line %s: unknown key %q", g[1], g[2])
			if len(valid) > 0 {
				msg += " (valid keys here: " + strings.Join(valid, ", ") + ")"
			}
			msgs = append(msgs, msg)
			continue
		}
		if g := typeErrRE.FindStringSubmatch(m); g != nil {
			want := describeGoType(g[4])
			msgs = append(msgs, fmt.Sprintf("line %s: %q is not %s", g[1], g[3], want))
			continue
		}
		msgs = append(msgs, m)
	}
	return fmt.Errorf("the answers file does not match the schema:\n  %s", strings.Join(msgs, "\n  "))
}

// describeGoType says in words what a YAML value must be to decode into
// the Go type yaml.v3 names in its error.
func describeGoType(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case t == "int":
		return "a whole number"
	case t == "bool" || t == "*bool":
		return "true or false"
	case t == "float64":
		return "a number"
	case t == "string":
		return "text"
	case len(yamlKeys(strings.TrimPrefix(strings.TrimPrefix(t, "*"), "wizard."))) > 0:
		return "a section of keys"
	}
	return "a single value"
}

// yamlKeys lists the YAML keys of a wizard struct type by its Go name.
func yamlKeys(typeName string) []string {
	types := []any{Answers{}, FTPS{}, Server{}, Router{}, Capacity{}, TLS{}, Vsftpd{}, Client{}}
	for _, t := range types {
		rt := reflect.TypeOf(t)
		if rt.Name() != typeName {
			continue
		}
		var keys []string
		for i := range rt.NumField() {
			tag := strings.Split(rt.Field(i).Tag.Get("yaml"), ",")[0]
			if tag != "" && tag != "-" {
				keys = append(keys, tag)
			}
		}
		return keys
	}
	return nil
}

// AnnotateLines fills in the line numbers of the field errors in err from
// the answers file they came from, and returns err. A field the file does
// not have (a missing required key) gets the line of its nearest parent.
func AnnotateLines(data []byte, err error) error {
	fields := FieldErrors(err)
	if len(fields) == 0 {
		return err
	}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return err
	}
	lines := map[string]int{}
	if len(root.Content) > 0 {
		walkLines(root.Content[0], "", lines)
	}
	for _, f := range fields {
		for p := f.Field; p != ""; p = parentPath(p) {
			if l, ok := lines[p]; ok {
				f.Line = l
				break
			}
		}
	}
	return err
}

func walkLines(n *yaml.Node, path string, lines map[string]int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			lines[p] = k.Line
			walkLines(v, p, lines)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := path + "[" + strconv.Itoa(i) + "]"
			lines[p] = item.Line
			walkLines(item, p, lines)
		}
	}
}

func parentPath(p string) string {
	if i := strings.LastIndexAny(p, ".["); i >= 0 {
		return p[:i]
	}
	return ""
}

// EncodeAnswers writes answers as a commented YAML answers file, keys in
// schema order. Encoding the result of DecodeAnswers gives the same answers.
func EncodeAnswers(a Answers) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("# ftpswiz answers file (schema version " + strconv.Itoa(SchemaVersion) + ").\n")
	b.WriteString("# Reproduce the outputs with: ftpswiz generate --answers answers.yaml --out DIR\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(a); err != nil {
		return nil, fmt.Errorf("encode answers: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode answers: %w", err)
	}
	return b.Bytes(), nil
}
