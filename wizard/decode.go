package wizard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/ftpswiz/ftpswiz/internal/textdist"
)

// DecodeAnswers reads an answers file strictly: YAML syntax errors, unknown
// keys, duplicate keys, values of the wrong type or out of range for their
// type, and a missing version are errors naming the field and the line. It
// does not validate values; Decide does, and AnnotateLines adds this file's
// line numbers to its errors. Its work is linear in the size of data, which
// may be at most MaxAnswersSize bytes.
func DecodeAnswers(data []byte) (Answers, error) {
	var a Answers
	if len(data) > MaxAnswersSize {
		return a, fmt.Errorf("the answers file is %d bytes, more than the %d ftpswiz reads: an answers file is a few dozen lines (see the README)", len(data), MaxAnswersSize)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return a, errEmptyAnswers
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return a, errEmptyAnswers // only comments
		}
		return a, explainSyntaxError(data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		return Answers{}, errors.New("the answers file holds more than one YAML document: keep only one")
	}
	if len(doc.Content) == 0 {
		return a, errEmptyAnswers
	}
	root := doc.Content[0]
	switch {
	case root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null":
		return a, errEmptyAnswers
	case root.Kind != yaml.MappingNode:
		return a, fmt.Errorf("line %d: the answers file must be a mapping of keys (version: 1, role: ..., ftps: ..., server: ...), but it is %s: start from the example in the README",
			root.Line, describeNode(root))
	}
	w := &schemaWalker{}
	w.walk(root, reflect.TypeOf(a), "")
	w.requireVersion(root)
	if len(w.errs) > 0 {
		return Answers{}, &ValidationError{Fields: w.errs, More: w.more}
	}
	// Every key is known and unique and every value has its type: the
	// decoder only fills in the struct (KnownFields as a second check).
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	if err := strict.Decode(&a); err != nil {
		return Answers{}, explainYAMLError(err)
	}
	return a, nil
}

// errEmptyAnswers says how to start an answers file.
var errEmptyAnswers = errors.New("the answers file is empty (nothing but blank lines or comments): " +
	"ftpswiz generate needs at least version: 1, role, and for role server or both a server: section with " +
	"public_address and capacity.concurrent_transfers; start from the example in the README, or run ftpswiz " +
	"without arguments and let the wizard write one")

// explainSyntaxError turns a YAML syntax error into one that names the
// likely cause: a tab in the indentation is the most common.
func explainSyntaxError(data []byte, err error) error {
	for i, line := range strings.Split(string(data), "\n") {
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		if strings.Contains(indent, "\t") && strings.TrimSpace(line) != "" {
			return fmt.Errorf("the answers file is not valid YAML: line %d: tab characters cannot indent YAML; use spaces (%w)", i+1, err)
		}
	}
	return fmt.Errorf("the answers file is not valid YAML: %w", err)
}

// describeNode says in words what kind of YAML value n is.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a section of keys"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("the single value %q", clip(n.Value))
}

// maxDecodeErrors is how many problems a decode error lists; the rest are
// counted.
const maxDecodeErrors = 20

// schemaWalker checks a YAML node tree against the Answers struct before it
// is decoded, in one pass with maps (yaml.v3's own duplicate-key check is
// quadratic in the keys of a mapping), giving each problem its field path.
type schemaWalker struct {
	errs []*FieldError
	more int
}

func (w *schemaWalker) add(field string, line int, fix, format string, args ...any) {
	if len(w.errs) >= maxDecodeErrors {
		w.more++
		return
	}
	w.errs = append(w.errs, &FieldError{Field: field, Line: line, Problem: fmt.Sprintf(format, args...), Fix: fix})
}

func fieldName(path string) string {
	if path == "" {
		return "the answers file"
	}
	return path
}

// walk checks node n against Go type t at field path.
func (w *schemaWalker) walk(n *yaml.Node, t reflect.Type, path string) {
	field := fieldName(path)
	switch {
	case n.Kind == yaml.AliasNode:
		w.add(field, n.Line, "write the value out instead of *"+clip(n.Value),
			"is a YAML alias: answers files do not use anchors and aliases")
		return
	case n.Style&yaml.TaggedStyle != 0:
		w.add(field, n.Line, "remove the tag "+clip(n.Tag), "has an explicit YAML tag: answers files hold plain values")
		return
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
		return // empty: the default
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		w.mapping(n, t, path)
	case reflect.Slice:
		w.list(n, t, path)
	case reflect.String:
		switch {
		case n.Kind != yaml.ScalarNode:
			w.add(field, n.Line, "give a single value", "is %s, not text", describeNode(n))
		case len(n.Value) > MaxValueLength:
			w.add(field, n.Line, "give a shorter value", "is %d bytes long, more than the %d ftpswiz accepts", len(n.Value), MaxValueLength)
		}
	case reflect.Int:
		w.integer(n, field)
	case reflect.Float64:
		w.float(n, field)
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
			w.add(field, n.Line, "write true or false", "%s is not true or false", quoteNode(n))
		}
	default:
		w.add(field, n.Line, "", "has a type the answers file does not support (a bug)")
	}
}

func quoteNode(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return strconv.Quote(clip(n.Value))
	}
	return describeNode(n)
}

// wholeRE is a whole number as YAML writes one.
var wholeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[-+]?[0-9][0-9_]*$`) })

// maxAnswerInt bounds every whole number in an answers file: each one (a
// port, a count) is far smaller, and the bound is the same on every
// platform.
const maxAnswerInt = math.MaxInt32

func (w *schemaWalker) integer(n *yaml.Node, field string) {
	const fix = "write a whole number, e.g. 16"
	if n.Kind != yaml.ScalarNode {
		w.add(field, n.Line, fix, "is %s, not a whole number", describeNode(n))
		return
	}
	switch n.ShortTag() {
	case "!!int":
	case "!!float":
		var f float64
		if wholeRE().MatchString(n.Value) {
			// yaml.v3 reads a whole number too large for int64 as a float.
			w.add(field, n.Line, fix+" in the range the field allows (see the README)",
				"%q is far too large for this field", clip(n.Value))
			return
		}
		if n.Decode(&f) == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
			w.add(field, n.Line, fix, "%q is not a whole number (YAML reads it as a non-finite float)", clip(n.Value))
			return
		}
		w.add(field, n.Line, fix+" (no fraction: ftpswiz does not round)", "%q is not a whole number", clip(n.Value))
		return
	default:
		w.add(field, n.Line, fix, "%q is not a whole number", clip(n.Value))
		return
	}
	var i int64
	if err := n.Decode(&i); err != nil || i > maxAnswerInt || i < -maxAnswerInt {
		w.add(field, n.Line, fix+" in the range the field allows (see the README)",
			"%q is far too large for this field", clip(n.Value))
	}
}

func (w *schemaWalker) float(n *yaml.Node, field string) {
	const fix = "write a number such as 1.0e-6"
	if n.Kind != yaml.ScalarNode {
		w.add(field, n.Line, fix, "is %s, not a number", describeNode(n))
		return
	}
	var f float64
	if tag := n.ShortTag(); (tag != "!!float" && tag != "!!int") || n.Decode(&f) != nil {
		w.add(field, n.Line, fix, "%q is not a number", clip(n.Value))
		return
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		w.add(field, n.Line, fix, "%q is not a finite number", clip(n.Value))
	}
}

func (w *schemaWalker) list(n *yaml.Node, t reflect.Type, path string) {
	field := fieldName(path)
	if n.Kind != yaml.SequenceNode {
		w.add(field, n.Line, "write a list, e.g. [a, b] (one item: [a])", "%s is not a list", quoteNode(n))
		return
	}
	if len(n.Content) > MaxListItems {
		w.add(field, n.Line, fmt.Sprintf("list at most %d items", MaxListItems), "has %d items", len(n.Content))
		return
	}
	for i, item := range n.Content {
		w.walk(item, t.Elem(), path+"["+strconv.Itoa(i)+"]")
	}
}

// structKeys lists the YAML keys of struct type t with their field types,
// in schema order.
func structKeys(t reflect.Type) (keys []string, types map[string]reflect.Type) {
	types = map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		keys = append(keys, tag)
		types[tag] = f.Type
	}
	return keys, types
}

func (w *schemaWalker) mapping(n *yaml.Node, t reflect.Type, path string) {
	field := fieldName(path)
	if n.Kind != yaml.MappingNode {
		w.add(field, n.Line, "write it as a section of keys, each on its own indented line", "%s is not a section of keys", quoteNode(n))
		return
	}
	keys, types := structKeys(t)
	valid := strings.Join(keys, ", ")
	where := "here"
	if path != "" {
		where = "in " + path
	}
	seen := make(map[string]int, len(keys))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Style&yaml.TaggedStyle != 0 {
			w.add(field, k.Line, "use plain key names: "+valid, "has a key that is %s, not a name", describeNode(k))
			continue
		}
		sub := k.Value
		if path != "" {
			sub = path + "." + k.Value
		}
		if first, dup := seen[k.Value]; dup {
			w.add(clip(sub), k.Line, "keep one of them", "is given twice (first on line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		ft, ok := types[k.Value]
		if !ok {
			fix := "remove it, or use one of the keys valid " + where + ": " + valid
			if near := nearestKey(k.Value, keys); near != "" {
				fix = fmt.Sprintf("did you mean %q? Valid keys %s: %s", near, where, valid)
			}
			w.add(clip(sub), k.Line, fix, "unknown key")
			continue
		}
		w.walk(val, ft, sub)
	}
}

// requireVersion checks that the root mapping gives version: the README
// says it is required, so a file without it is not silently read as the
// current schema.
func (w *schemaWalker) requireVersion(root *yaml.Node) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "version" {
			if v := root.Content[i+1]; v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
				w.add("version", v.Line, fmt.Sprintf("set version: %d", SchemaVersion), "is empty")
			}
			return
		}
	}
	w.add("version", 1, fmt.Sprintf("add version: %d as the first line (the schema version this file is written for)", SchemaVersion), "is missing")
}

// nearestKey returns the key within edit distance 2 of k, if there is one.
func nearestKey(k string, keys []string) string {
	if len(k) > 64 {
		return ""
	}
	best, bestD := "", 3
	for _, c := range keys {
		if d := textdist.Levenshtein(k, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

var (
	unknownFieldRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^line (\d+): field (\S+) not found in type wizard\.(\w+)$`)
	})
	typeErrRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+) `(.*)` into (.+)$")
	})
)

// explainYAMLError turns yaml.v3's messages into ones that name the fix.
func explainYAMLError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("the answers file is not valid YAML: %w", err)
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, m := range te.Errors {
		if g := unknownFieldRE().FindStringSubmatch(m); g != nil {
			valid := yamlKeys(g[3])
			msg := fmt.Sprintf("line %s: unknown key %q", g[1], g[2])
			if len(valid) > 0 {
				msg += " (valid keys here: " + strings.Join(valid, ", ") + ")"
			}
			msgs = append(msgs, msg)
			continue
		}
		if g := typeErrRE().FindStringSubmatch(m); g != nil {
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
