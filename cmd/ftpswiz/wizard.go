package main

// Plain `ftpswiz`: the interactive wizard (wizard/tui). Its first step asks
// FTPS or SFTP (with ftpswiz's recommendation pre-selected). The wizard
// returns the answers, the plan and the directory; the files are rendered
// and written here by the same path as `ftpswiz generate` (writePlanFiles).
//
// Contract with root.go: root.go creates one *wizardOptions, calls
// addWizardFlags(rootCmd, w) once to add the wizard's flags to the root
// command, and runs runWizard(cmd, opts, w) for plain `ftpswiz`.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ftpswiz/ftpswiz/generators"
	"github.com/ftpswiz/ftpswiz/internal/outdir"
	"github.com/ftpswiz/ftpswiz/wizard"
	"github.com/ftpswiz/ftpswiz/wizard/tui"
)

// wizardOptions are the flags of plain `ftpswiz` (the interactive wizard).
type wizardOptions struct {
	SaveAnswers string
	Accessible  bool
	OutDir      string
}

// addWizardFlags adds the wizard's flags to the root command (local flags:
// the subcommands have their own).
func addWizardFlags(cmd *cobra.Command, w *wizardOptions) {
	f := cmd.Flags()
	f.StringVar(&w.SaveAnswers, "save-answers", "",
		"after writing the files, also save the answers to `FILE` (repeat the run with: ftpswiz generate --answers FILE)")
	f.BoolVar(&w.Accessible, "accessible", false,
		"screen-reader friendly mode: plain prompts, one question at a time (also ACCESSIBLE=1 or TERM=dumb)")
	f.StringVarP(&w.OutDir, "out", "o", "", "output `DIR` the wizard offers (default "+tui.DefaultOutDir+")")
	_ = cmd.MarkFlagFilename("save-answers", "yaml", "yml")
	_ = cmd.MarkFlagDirname("out")
}

// getenv reads an environment variable through the options ("" without a
// Getenv).
func getenv(opts *rootOptions, key string) string {
	if opts.Getenv == nil {
		return ""
	}
	return opts.Getenv(key)
}

// errNoTerminal explains what to do without a terminal.
var errNoTerminal = errors.New("the interactive wizard needs a terminal on standard input and output; " +
	"without one, write an answers file (see the README) and run: ftpswiz generate --answers FILE [--out DIR]")

// runWizard runs the interactive wizard: the UI on standard error, the
// summary of the files written on standard output.
func runWizard(cmd *cobra.Command, opts *rootOptions, w *wizardOptions) error {
	if opts.IsTerminal == nil || !opts.IsTerminal() {
		return withCode(codeUsage, errNoTerminal)
	}
	if w.SaveAnswers != "" {
		// Refuse a path that cannot be written before the user answers
		// a dozen questions.
		if err := checkSavePath(w.SaveAnswers); err != nil {
			return withCode(codeUsage, &flagError{err})
		}
	}
	res, err := tui.Run(cmd.Context(), tui.Options{
		In:          opts.In,
		Out:         opts.ErrOut,
		Accessible:  w.Accessible || envTrue(opts.Getenv, "ACCESSIBLE") || (opts.Getenv != nil && opts.Getenv("TERM") == "dumb"),
		Detector:    opts.Detector,
		OutDir:      w.OutDir,
		OutDirGiven: cmd.Flags().Changed("out"),
		SSHClient:   getenv(opts, "SSH_CLIENT"),
		Files:       generators.Render,
	})
	if errors.Is(err, tui.ErrAborted) {
		return withCode(codeInterrupted, err)
	}
	if err != nil {
		return err
	}
	files, err := generators.Render(res.Plan)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	changes, err := writePlanFiles(opts, res.Dir, files, res.Force)
	if err != nil {
		return err
	}
	saved := ""
	if w.SaveAnswers != "" {
		if err := saveAnswers(w.SaveAnswers, res.Answers, opts); err != nil {
			return fmt.Errorf("the files were written to %s, but saving the answers failed: %w", res.Dir, err)
		}
		saved = w.SaveAnswers
	}
	wizardSummary(opts, res.Dir, changes, saved)
	printLocalFirewallNotes(cmd.Context(), opts, res.Plan)
	return nil
}

// envTrue reads a boolean environment variable (1, true, yes).
func envTrue(getenv func(string) string, name string) bool {
	if getenv == nil {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(getenv(name))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// checkSavePath fails when path's directory does not exist or path is a
// directory.
func checkSavePath(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("--save-answers %s: is a directory", path)
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("--save-answers %s: directory %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("--save-answers %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("--save-answers %s: %s is not a directory", path, dir)
	}
	return nil
}

// saveAnswers writes the answers file atomically; a different file already
// there is kept as a backup (the user named the path explicitly).
func saveAnswers(path string, a wizard.Answers, opts *rootOptions) error {
	data, err := generators.AnswersFile(a)
	if err != nil {
		return fmt.Errorf("encode answers: %w", err)
	}
	f := generators.File{Path: filepath.Base(path), Mode: 0o644, Content: data}
	if _, err := outdir.Write(filepath.Dir(path), []generators.File{f}, outdir.Options{Force: true, Now: opts.Now}); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// wizardSummary tells on standard output what was written.
func wizardSummary(opts *rootOptions, dir string, changes []outdir.Change, saved string) {
	var n [4]int
	for _, c := range changes {
		if int(c.Kind) < len(n) {
			n[c.Kind]++
		}
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
	var b strings.Builder
	fmt.Fprintf(&b, "ftpswiz wrote the plan to %s (%d files: %s):\n", dir, len(changes), strings.Join(parts, ", "))
	for _, c := range changes {
		line := "  " + filepath.Join(dir, filepath.FromSlash(c.Path))
		if c.Kind == outdir.Changed && c.Backup != "" {
			line += " (old content kept in " + filepath.Join(dir, filepath.FromSlash(c.Backup)) + ")"
		}
		b.WriteString(line + "\n")
	}
	fmt.Fprintf(&b, "Next: read %s, then follow its apply steps.\n", filepath.Join(dir, generators.ReportPath))
	if saved != "" {
		fmt.Fprintf(&b, "Answers saved to %s; repeat this run with: ftpswiz generate --answers %s --out %s\n", saved, saved, dir)
	}
	fmt.Fprint(opts.Out, b.String())
}
