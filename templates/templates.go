// Package templates holds ftpswiz's output templates, embedded in the binary,
// and the small set of functions they share.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed *.tmpl
var files embed.FS

// Render executes the named template (a file in this package, e.g.
// "vsftpd.conf.tmpl") with data; the fragments of partials.tmpl are
// available to it. Templates are parsed per call with the
// shared functions, so there is no package-level mutable state.
func Render(name string, data any) ([]byte, error) {
	t, err := template.New(name).Option("missingkey=error").Funcs(Funcs()).ParseFS(files, "partials.tmpl", name)
	if err != nil {
		return nil, fmt.Errorf("parse template %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("render template %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// Funcs are the functions every template may call.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"comment": Comment,
		"wrap":    Wrap,
		"join":    strings.Join,
		"upper":   strings.ToUpper,
		"dict":    Dict,
	}
}

// Comment wraps text at 78 columns and prefixes every line with prefix
// (e.g. "# "), for explanations written into config files.
func Comment(prefix, text string) string {
	lines := Wrap(78-len(prefix), text)
	var b strings.Builder
	for i, l := range strings.Split(lines, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimRight(prefix+l, " "))
	}
	return b.String()
}

// Wrap breaks text into lines of at most width columns at spaces, keeping
// existing line breaks. A word longer than width stays whole.
func Wrap(width int, text string) string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		line := words[0]
		for _, w := range words[1:] {
			if len(line)+1+len(w) > width {
				out = append(out, line)
				line = w
				continue
			}
			line += " " + w
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
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
