// Package generators turns a wizard.Plan into files. Each output has one
// small renderer; Registry lists them and Render runs the ones that apply.
package generators

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// File is one generated file.
type File struct {
	// Path is slash-separated and relative to the output directory
	// ("server/vsftpd.conf").
	Path string
	// Mode is the file's permission bits (0o644, or 0o755 for scripts).
	Mode    fs.FileMode
	Content []byte
	// Desc says what the file is and how to use it (describe.go).
	Desc Desc
}

// Renderer writes one output.
type Renderer struct {
	// Name identifies the renderer ("vsftpd", "nftables", "lftp", "report").
	Name string
	// Applies reports whether the plan wants this output.
	Applies func(*wizard.Plan) bool
	// Render writes the output's files.
	Render func(*wizard.Plan) ([]File, error)
	// RenderSummary, set instead of Render, writes a document about the
	// other outputs (REPORT.md): it runs after every Render renderer and
	// receives their files, sorted by path.
	RenderSummary func(p *wizard.Plan, outputs []File) ([]File, error)
}

// Render runs every renderer of the registry that applies to the plan
// (summaries last, with the others' files) and returns their files sorted by
// path. Two renderers writing the same path is a bug and an error.
func Render(p *wizard.Plan) ([]File, error) {
	return RenderWith(Registry(), p)
}

// RenderWith is Render with an explicit list of renderers.
func RenderWith(renderers []Renderer, p *wizard.Plan) ([]File, error) {
	var out []File
	seen := map[string]string{}
	add := func(r Renderer, files []File) error {
		for _, f := range files {
			if prev, dup := seen[f.Path]; dup {
				return fmt.Errorf("renderers %s and %s both write %s", prev, r.Name, f.Path)
			}
			seen[f.Path] = r.Name
			out = append(out, f)
		}
		return nil
	}
	var summaries []Renderer
	for _, r := range renderers {
		if r.Applies != nil && !r.Applies(p) {
			continue
		}
		if r.RenderSummary != nil {
			summaries = append(summaries, r)
			continue
		}
		files, err := r.Render(p)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", r.Name, err)
		}
		if err := add(r, files); err != nil {
			return nil, err
		}
	}
	sortFiles(out)
	outputs := slices.Clone(out)
	for _, r := range summaries {
		files, err := r.RenderSummary(p, outputs)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", r.Name, err)
		}
		if err := add(r, files); err != nil {
			return nil, err
		}
	}
	sortFiles(out)
	return out, nil
}

func sortFiles(files []File) {
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
}
