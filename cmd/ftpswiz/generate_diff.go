package main

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/ftpswiz/ftpswiz/fleet"
	"github.com/ftpswiz/ftpswiz/generators"
	"github.com/ftpswiz/ftpswiz/internal/outdir"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// generateOutput is the output of `generate --json`.
type generateOutput struct {
	jsonHeader
	// Answers is the answers file ("stdin" for -).
	Answers string `json:"answers"`
	// OutDir is the output directory.
	OutDir string `json:"out_dir"`
	// Written is true when the files are on disk (false with --diff, and
	// when changed files were refused without --force: exit 3).
	Written bool         `json:"written"`
	Files   []fileChange `json:"files"`
	// Stale are files in the output subdirectories that these answers do
	// not produce (left alone).
	Stale []string `json:"stale"`
	// Decisions are the plan's decisions; for a fleet empty, its plans'
	// decisions are in Fleet, per server and client site.
	Decisions []jsonDecision `json:"decisions"`
	// Fleet is set for a fleet answers file.
	Fleet *fleetJSON `json:"fleet,omitempty"`
}

// planned is what generate planned: one plan, or a fleet's.
type planned struct {
	plan  *wizard.Plan
	fleet *fleet.Plan
}

// staleDirs are the output subdirectories whose files the plan owns: files
// there that this run does not produce are stale.
func (pl planned) staleDirs() []string {
	if pl.fleet != nil {
		return []string{"servers", "routers", "sites", "ansible"}
	}
	return []string{"server", "firewall", "client"}
}

// fileChange is one output file and what happened to it.
type fileChange struct {
	// Path is the slash path inside the output directory; File the path
	// as the text output lists it (out_dir joined).
	Path string `json:"path"`
	File string `json:"file"`
	// Kind: new, changed, mode changed or unchanged.
	Kind string `json:"kind"`
	// Mode is the file's permission bits in octal ("0644"); OldMode the
	// bits on disk before (absent for a new file).
	Mode    string `json:"mode"`
	OldMode string `json:"old_mode,omitempty"`
	// Backup is where the old content was kept (changed, with --force).
	Backup string `json:"backup,omitempty"`
	// Diff is the unified diff (with --diff, or when refused).
	Diff string `json:"diff,omitempty"`
}

func generateJSON(opts *generateOptions, pl planned, changes []outdir.Change, stale []string, written bool) generateOutput {
	out := generateOutput{jsonHeader: header("generate"), Answers: sourceName(opts.Answers), OutDir: opts.OutDir,
		Written: written, Files: make([]fileChange, 0, len(changes)), Stale: stale, Decisions: []jsonDecision{}}
	if pl.plan != nil {
		out.Decisions = jsonDecisions(pl.plan)
	}
	if pl.fleet != nil {
		out.Fleet = fleetJSONOf(pl.fleet)
	}
	if out.Stale == nil {
		out.Stale = []string{}
	}
	for _, c := range changes {
		fc := fileChange{Path: c.Path, File: filepath.Join(opts.OutDir, filepath.FromSlash(c.Path)), Kind: c.Kind.String(),
			Mode: fmt.Sprintf("%04o", c.Mode.Perm())}
		if c.Kind != outdir.New {
			fc.OldMode = fmt.Sprintf("%04o", c.OldMode.Perm())
		}
		if c.Backup != "" {
			fc.Backup = filepath.Join(opts.OutDir, filepath.FromSlash(c.Backup))
		}
		if !written {
			fc.Diff = c.Diff
		}
		out.Files = append(out.Files, fc)
	}
	return out
}

// generateDiff shows what generate would change in the output directory,
// writing nothing: exit 0 when nothing would change, 3 when something
// would.
func generateDiff(opts *generateOptions, pl planned, files []generators.File) error {
	ro := opts.root
	changes, err := outdir.Preview(opts.OutDir, files)
	if err != nil {
		return fmt.Errorf("compare with %s: %w", opts.OutDir, err)
	}
	byPath := make(map[string][]byte, len(files))
	for _, f := range files {
		byPath[f.Path] = f.Content
	}
	// New files are diffs from nothing.
	for i, c := range changes {
		if c.Kind == outdir.New {
			changes[i].Diff = udiff.Unified("/dev/null", "b/"+c.Path, "", string(byPath[c.Path]))
		}
	}
	stale, _ := outdir.Stale(opts.OutDir, files, pl.staleDirs()...)
	if opts.JSON {
		if err := writeJSON(ro.Out, generateJSON(opts, pl, changes, stale, false)); err != nil {
			return err
		}
	} else if err := writeDiffs(ro.Out, changes); err != nil {
		return err
	}
	var n [4]int
	for _, c := range changes {
		n[c.Kind]++
	}
	if len(stale) > 0 {
		fmt.Fprintf(ro.ErrOut, "ftpswiz: left alone, not produced by these answers (from an earlier run?): %s\n",
			strings.Join(stale, ", "))
	}
	changed := n[outdir.New] + n[outdir.Changed] + n[outdir.ModeChanged]
	if changed == 0 {
		fmt.Fprintf(ro.ErrOut, "ftpswiz: %s is up to date: all %d files unchanged (nothing written)\n", opts.OutDir, len(changes))
		return nil
	}
	return withCode(codeExists, fmt.Errorf("%d of %d files would change in %s: %d new, %d changed, %d mode changed (nothing written; run without --diff to write%s)",
		changed, len(changes), opts.OutDir, n[outdir.New], n[outdir.Changed], n[outdir.ModeChanged], forceHint(n[outdir.Changed])))
}

func forceHint(changed int) string {
	if changed > 0 {
		return ", with --force to replace changed files"
	}
	return ""
}

// writeDiffs writes the diff of every file that would change.
func writeDiffs(w io.Writer, changes []outdir.Change) error {
	bw := bufio.NewWriter(w)
	for _, c := range changes {
		switch c.Kind {
		case outdir.New, outdir.Changed:
			bw.WriteString(c.Diff)
			if c.Diff != "" && !strings.HasSuffix(c.Diff, "\n") {
				bw.WriteString("\n")
			}
		case outdir.ModeChanged:
			fmt.Fprintf(bw, "# mode %s: %04o -> %04o (content unchanged)\n", c.Path, c.OldMode.Perm(), c.Mode.Perm())
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}
