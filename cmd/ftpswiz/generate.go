package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ftpswiz/ftpswiz/fleet"
	"github.com/ftpswiz/ftpswiz/generators"
	"github.com/ftpswiz/ftpswiz/internal/outdir"
)

// generateOptions are the flags of `ftpswiz generate`.
type generateOptions struct {
	root    *rootOptions
	Answers string
	OutDir  string
	Force   bool
	Stdout  bool
	Diff    bool
	JSON    bool
}

// defaultOutDir is where generate writes without --out.
const defaultOutDir = "ftpswiz-out"

func newGenerateCmd(root *rootOptions) *cobra.Command {
	opts := &generateOptions{root: root}
	cmd := &cobra.Command{
		Use:   "generate --answers FILE [--out DIR] [--force] [--stdout | --diff] [--json]",
		Short: "Write vsftpd.conf, firewall rules, client configs and the report from an answers file",
		Long: `Generate reads an answers file (see the README for a commented example),
decides the plan and writes every output file into the output directory.

Everything is checked before anything is written: invalid answers print every
problem with its line number and write nothing. Files are written atomically.
A file whose content would change is never overwritten without --force; with
--force the old file is kept next to it as NAME.bak-YYYYMMDD-HHMMSS (.1, .2 ...
when taken). Files whose content is the same are left alone.

Standard output lists the paths of all output files (new, replaced or already
up to date), one per line; standard error gets a summary. With --stdout nothing
is written to disk: every file goes to standard output after a header line
"==> PATH <==" (as tail prints several files), files separated by a blank line.

With --diff nothing is written either: standard output gets what would change
in the output directory, a unified diff per file (new files as added from
/dev/null, permission changes as a "# mode" line), and the exit status is 0
when nothing would change and 3 when something would.

--json prints, instead of the file list, a versioned JSON object (see the
README): every file with what happened to it (or would, with --diff, then
with its diff), the stale files, and the plan's decisions with their reasons.

A vsftpd flavour of "auto" is detected from the vsftpd binary installed on this
machine (Debian 12's 3.0.3 when there is none).

A fleet answers file (defaults:, servers:, client_sites:; see the README)
writes each server's outputs into servers/NAME/ (with the server files of
every vsftpd build in servers/NAME/builds/, the playbook picks the target's),
one ruleset per router in routers/NAME/, each client site's configurations in
sites/NAME/, an Ansible project in ansible/, the fleet's REPORT.md and the
fleet file itself as fleet.yaml. With --json the plans' decisions are under
"fleet", per server and per client site.

` + exitStatusHelp,
		Example: `  ftpswiz generate --answers answers.yaml --out ftpswiz-out
  ftpswiz generate --answers answers.yaml --out . --force   # regenerate in place
  ftpswiz generate --answers - --stdout < answers.yaml | less
  ftpswiz generate --answers answers.yaml --out /etc/ftpswiz --diff   # what would change?
  ftpswiz generate --answers answers.yaml --json | jq -r '.files[] | select(.kind != "unchanged") | .file'`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Stdout && (cmd.Flags().Changed("out") || opts.Force || opts.Diff || opts.JSON) {
				return argsError("--stdout writes nothing to disk: it cannot be combined with --out, --force, --diff or --json")
			}
			if opts.Diff && opts.Force {
				return argsError("--diff writes nothing: it cannot be combined with --force")
			}
			return runGenerate(cmd, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Answers, "answers", "a", "", "answers file (YAML); - reads standard input")
	f.StringVarP(&opts.OutDir, "out", "o", defaultOutDir, "output directory (created if missing)")
	f.BoolVarP(&opts.Force, "force", "f", false, "replace changed files, keeping a backup of each")
	f.BoolVar(&opts.Stdout, "stdout", false, "write every file to standard output instead of the disk")
	f.BoolVar(&opts.Diff, "diff", false, "show what would change in the output directory, write nothing (exit 3 if anything would)")
	f.BoolVar(&opts.JSON, "json", false, "print the files and the plan's decisions as JSON")
	_ = cmd.MarkFlagFilename("answers", "yaml", "yml")
	_ = cmd.MarkFlagDirname("out")
	return cmd
}

func runGenerate(cmd *cobra.Command, opts *generateOptions) error {
	ro := opts.root
	af, err := readAnswers(cmd.Context(), ro, opts.Answers)
	if err != nil {
		return err
	}
	if fleet.IsFleet(af.Data) {
		return runGenerateFleet(cmd, opts, af)
	}
	p, note, err := loadPlanFrom(cmd.Context(), ro, af)
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintf(ro.ErrOut, "ftpswiz: %s\n", note)
	}
	printLocalFirewallNotes(cmd.Context(), ro, p)
	files, err := generators.Render(p)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	// Ctrl-C before this point writes nothing.
	if err := cmd.Context().Err(); err != nil {
		return withCode(codeInterrupted, fmt.Errorf("interrupted, nothing written: %w", err))
	}
	return emitFiles(opts, planned{plan: p}, files)
}

// emitFiles is the end of every generate, of one plan or a fleet: the
// rendered files go to standard output (--stdout), are compared (--diff) or
// are written, the list (or --json) on standard output, the summary and
// the stale files on standard error.
func emitFiles(opts *generateOptions, pl planned, files []generators.File) error {
	ro := opts.root
	if opts.Stdout {
		return writeStdout(ro.Out, files)
	}
	if opts.Diff {
		return generateDiff(opts, pl, files)
	}
	changes, err := writePlanFiles(ro, opts.OutDir, files, opts.Force)
	var exists *outdir.ExistsError
	if errors.As(err, &exists) && opts.JSON {
		// The changes are what Write would have done; nothing was written.
		if jerr := writeJSON(ro.Out, generateJSON(opts, pl, changes, nil, false)); jerr != nil {
			return jerr
		}
		return err
	}
	if err != nil {
		return err
	}
	// Files an earlier run wrote into the output subdirectories and this
	// run does not produce are left alone, but mentioned.
	stale, staleErr := outdir.Stale(opts.OutDir, files, pl.staleDirs()...)
	if opts.JSON {
		if err := writeJSON(ro.Out, generateJSON(opts, pl, changes, stale, true)); err != nil {
			return err
		}
	} else {
		if err := writeFileList(ro.Out, opts.OutDir, files); err != nil {
			return err
		}
	}
	summarize(ro.ErrOut, opts.OutDir, changes)
	if staleErr == nil && len(stale) > 0 {
		fmt.Fprintf(ro.ErrOut, "ftpswiz: left alone, not produced by these answers (from an earlier run?): %s\n",
			strings.Join(stale, ", "))
	}
	return nil
}

// writeFileList prints every output path, one per line: what generate
// puts on standard output for scripts.
func writeFileList(w io.Writer, dir string, files []generators.File) error {
	out := bufio.NewWriter(w)
	for _, f := range files {
		fmt.Fprintln(out, filepath.Join(dir, filepath.FromSlash(f.Path)))
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("write file list: %w", err)
	}
	return nil
}

// writePlanFiles writes a plan's rendered files into dir, the one write
// path of `ftpswiz generate` and the wizard: atomically, a changed file
// replaced only with force (after a backup). When changed files stop it,
// their differences go to standard error and nothing is written.
func writePlanFiles(ro *rootOptions, dir string, files []generators.File, force bool) ([]outdir.Change, error) {
	changes, err := outdir.Write(dir, files, outdir.Options{Force: force, Now: ro.Now})
	var exists *outdir.ExistsError
	if errors.As(err, &exists) {
		fmt.Fprintf(ro.ErrOut, "ftpswiz: nothing was written. Differences (- on disk, + new):\n%s",
			diffSummary(changes))
		return changes, err
	}
	if err != nil {
		return changes, fmt.Errorf("write %s: %w", dir, err)
	}
	return changes, nil
}

// writeStdout writes every file after a "==> PATH <==" header, like tail
// does for several files.
func writeStdout(w io.Writer, files []generators.File) error {
	bw := bufio.NewWriter(w)
	for i, f := range files {
		if i > 0 {
			bw.WriteString("\n")
		}
		fmt.Fprintf(bw, "==> %s <==\n", f.Path)
		bw.Write(f.Content)
		if len(f.Content) > 0 && f.Content[len(f.Content)-1] != '\n' {
			bw.WriteString("\n")
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write to stdout: %w", err)
	}
	return nil
}

// summarize tells on stderr what Write did.
func summarize(w io.Writer, dir string, changes []outdir.Change) {
	var n [4]int
	for _, c := range changes {
		n[c.Kind]++
	}
	var parts []string
	for _, k := range []outdir.Kind{outdir.New, outdir.Changed, outdir.ModeChanged, outdir.Unchanged} {
		if n[k] == 0 {
			continue
		}
		label := k.String()
		if k == outdir.Changed {
			label = "replaced"
		}
		parts = append(parts, fmt.Sprintf("%d %s", n[k], label))
	}
	fmt.Fprintf(w, "ftpswiz: %d files in %s: %s\n", len(changes), dir, strings.Join(parts, ", "))
	for _, c := range changes {
		if c.Kind == outdir.Changed {
			fmt.Fprintf(w, "  replaced %s (old content kept in %s)\n", c.Path, c.Backup)
		}
	}
	if n[outdir.New]+n[outdir.Changed] > 0 {
		fmt.Fprintf(w, "Next: read %s, then follow its apply steps.\n", filepath.Join(dir, "REPORT.md"))
	}
}

// diffSummary lists the changed files with their added and removed line
// counts.
func diffSummary(changes []outdir.Change) string {
	var b strings.Builder
	for _, c := range changes {
		if c.Kind != outdir.Changed {
			continue
		}
		add, del := 0, 0
		for _, l := range strings.Split(c.Diff, "\n") {
			switch {
			case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
			case strings.HasPrefix(l, "+"):
				add++
			case strings.HasPrefix(l, "-"):
				del++
			}
		}
		fmt.Fprintf(&b, "  %s: +%d -%d lines\n", c.Path, add, del)
	}
	return b.String()
}
