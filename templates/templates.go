// Package templates holds ftpswiz's output templates, embedded in the binary,
// and the small set of functions they share.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"text/template"

	"github.com/ftpswiz/ftpswiz/explain"
)

//go:embed *.tmpl
var files embed.FS

// Render executes the named template (a file in this package, e.g.
// "vsftpd.conf.tmpl") with data; the fragments of partials.tmpl are
// available to it. Each template is parsed the first time it is rendered,
// so a run pays only for the templates it uses.
func Render(name string, data any) ([]byte, error) {
	parse, ok := parsers[name]
	if !ok {
		return nil, fmt.Errorf("render template %s: no such template", name)
	}
	t, err := parse()
	if err != nil {
		return nil, err
	}
	// No up-front Grow: most outputs are a few hundred bytes to a few
	// kilobytes, and a fixed 16 KiB per file was most of a run's allocation.
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("render template %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// partialsFile holds the fragments every template may use.
const partialsFile = "partials.tmpl"

// parsers holds one parse-once function per embedded template (partials
// aside). The map is built at start-up from the embedded file names and
// never changed; each function parses its template on first use and
// returns the same result afterwards (executing a parsed template is safe
// for concurrent use), so this is a cache, not mutable state.
var parsers = func() map[string]func() (*template.Template, error) {
	names, err := fs.Glob(files, "*.tmpl")
	if err != nil {
		panic("templates: " + err.Error()) // the pattern is constant and valid
	}
	m := make(map[string]func() (*template.Template, error), len(names))
	for _, name := range names {
		if name == partialsFile {
			continue
		}
		m[name] = sync.OnceValues(func() (*template.Template, error) {
			base, err := partials()
			if err != nil {
				return nil, err
			}
			text, err := files.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("parse template %s: %w", name, err)
			}
			// The clone shares the parsed partials; only name is parsed.
			set, err := base.Clone()
			if err != nil {
				return nil, fmt.Errorf("parse template %s: %w", name, err)
			}
			t, err := set.New(name).Parse(string(text))
			if err != nil {
				return nil, fmt.Errorf("parse template %s: %w", name, err)
			}
			return t, nil
		})
	}
	return m
}()

// partials parses partials.tmpl once, with the options and functions every
// template gets; each template is parsed into a clone of it.
var partials = sync.OnceValues(func() (*template.Template, error) {
	text, err := files.ReadFile(partialsFile)
	if err == nil {
		var t *template.Template
		t, err = template.New(partialsFile).Option("missingkey=error").Funcs(Funcs()).Parse(string(text))
		if err == nil {
			return t, nil
		}
	}
	return nil, fmt.Errorf("parse template %s: %w", partialsFile, err)
})

// Names returns the templates Render knows, sorted.
func Names() []string {
	out := make([]string, 0, len(parsers))
	for n := range parsers {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Funcs are the functions every template may call.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"comment": Comment,
		"wrap":    Wrap,
		"join":    strings.Join,
		"upper":   strings.ToUpper,
		"lower":   strings.ToLower,
		"dict":    Dict,
		// reply quotes a failure's reply from the catalogue of
		// explanations ({{reply "session-reuse"}}), so a file comment
		// says what REPORT.md and `ftpswiz explain` say.
		"reply": explain.Reply,
	}
}

// Comment wraps text at 78 columns and prefixes every line with prefix
// (e.g. "# "), for explanations written into config files.
func Comment(prefix, text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/16*len(prefix) + len(prefix))
	wrapInto(&b, 78-len(prefix), text, prefix)
	return b.String()
}

// Wrap breaks text into lines of at most width columns at spaces, keeping
// existing line breaks. A word longer than width stays whole.
func Wrap(width int, text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/width + 1)
	wrapInto(&b, width, text, "")
	return b.String()
}

// wrapInto writes text wrapped at width to b, each line starting with
// prefix (trailing spaces of a prefix-only line dropped).
func wrapInto(b *strings.Builder, width int, text, prefix string) {
	bare := strings.TrimRight(prefix, " ")
	for i, para := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		col, start := 0, true
		for w := range strings.FieldsSeq(para) {
			switch {
			case start:
				b.WriteString(prefix)
				start = false
			case col+1+len(w) > width:
				b.WriteByte('\n')
				b.WriteString(prefix)
				col = 0
			default:
				b.WriteByte(' ')
				col++
			}
			b.WriteString(w)
			col += len(w)
		}
		if start {
			b.WriteString(bare)
		}
	}
}

// Dict builds a map from alternating keys and values, for passing several
// values to a {{template}} call.
func Dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
