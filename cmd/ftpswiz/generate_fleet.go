package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ftpswiz/ftpswiz/fleet"
	"github.com/ftpswiz/ftpswiz/generators"
)

// runGenerateFleet is `ftpswiz generate` for a fleet answers file: every
// plan is decided before anything is rendered, every file rendered before
// anything is written, and the files go through the one write path.
func runGenerateFleet(cmd *cobra.Command, opts *generateOptions, af answersFile) error {
	ro := opts.root
	if opts.JSON {
		return argsError("--json is not available for a fleet answers file yet: read REPORT.md, or run generate on one server's answers")
	}
	fa, err := fleet.Decode(af.Data)
	if err != nil {
		return withCode(codeUsage, fmt.Errorf("%s: %w", af.Name, err))
	}
	fp, err := fleet.Decide(fa)
	if err != nil {
		return withCode(codeUsage, fmt.Errorf("%s: %w", af.Name, err))
	}
	files, err := generators.RenderFleet(fp)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	// The fleet file itself, so that the output regenerates as it is.
	files = append(files, generators.File{Path: "fleet.yaml", Mode: 0o644, Content: af.Data,
		Desc: generators.Desc{What: "the fleet answers these outputs were generated from"}})
	if err := cmd.Context().Err(); err != nil {
		return withCode(codeInterrupted, fmt.Errorf("interrupted, nothing written: %w", err))
	}
	if opts.Stdout {
		return writeStdout(ro.Out, files)
	}
	if opts.Diff {
		return generateDiff(opts, nil, files)
	}
	changes, err := writePlanFiles(ro, opts.OutDir, files, opts.Force)
	if err != nil {
		return err
	}
	if err := writeFileList(ro.Out, opts.OutDir, files); err != nil {
		return err
	}
	summarize(ro.ErrOut, opts.OutDir, changes)
	fmt.Fprintf(ro.ErrOut, "Then run the playbook: cd %s && ansible-playbook site.yml --check --diff\n", filepath.Join(opts.OutDir, "ansible"))
	return nil
}
