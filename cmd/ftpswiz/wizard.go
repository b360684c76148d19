package main

// This file belongs to the interactive wizard (wizard/tui). It is a
// placeholder until the wizard lands: plain `ftpswiz` explains how to use
// `ftpswiz generate`.
//
// Contract with root.go: root.go creates one *wizardOptions, calls
// addWizardFlags(rootCmd, w) once to add the wizard's flags to the root
// command, and runs runWizard(cmd, opts, w) for plain `ftpswiz`. Return
// withCode(codeUsage, err) when stdin/stdout is not a terminal
// (opts.IsTerminal), withCode(codeInterrupted, err) on Ctrl-C/Esc, and
// write nothing in either case; write files with internal/outdir.

import (
	"fmt"

	"github.com/spf13/cobra"
)

// wizardOptions are the flags of plain `ftpswiz` (the interactive wizard).
type wizardOptions struct{}

// addWizardFlags adds the wizard's flags to the root command.
func addWizardFlags(cmd *cobra.Command, w *wizardOptions) {}

// runWizard runs the interactive wizard.
func runWizard(cmd *cobra.Command, opts *rootOptions, w *wizardOptions) error {
	fmt.Fprint(opts.ErrOut, `The interactive wizard is not available yet. Write an answers file (see the
README for a commented example) and run:

  ftpswiz generate --answers answers.yaml --out ftpswiz-out

'ftpswiz --help' lists every command.
`)
	return nil
}
