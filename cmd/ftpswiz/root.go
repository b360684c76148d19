package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/ftpswiz/ftpswiz/internal/detect"
)

// rootOptions is what every command gets: its streams and the machine's
// facilities, injected so tests run commands in-process and
// deterministically.
type rootOptions struct {
	// In, Out and ErrOut are the standard streams. Out carries only results
	// (file lists, tables, generated files with --stdout) so it stays
	// pipeable; messages and the UI go to ErrOut.
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Detector reports the installed vsftpd, firewall tools and addresses.
	Detector detect.Detector
	// Now is the clock (backup file names).
	Now func() time.Time
	// Getenv reads the environment (ACCESSIBLE=1, ...).
	Getenv func(string) string
	// IsTerminal reports whether stdin and stdout are both terminals (the
	// interactive wizard needs them).
	IsTerminal func() bool
	// Version is the build's version string (see version.go).
	Version string
}

// systemOptions are the options of the real process.
func systemOptions() *rootOptions {
	return &rootOptions{
		In:       os.Stdin,
		Out:      os.Stdout,
		ErrOut:   os.Stderr,
		Detector: detect.System{},
		Now:      time.Now,
		Getenv:   os.Getenv,
		IsTerminal: func() bool {
			return term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd())
		},
		Version: buildVersion(),
	}
}

// run executes the command line and returns the process exit status. The
// error, if any, is printed to ErrOut.
func run(ctx context.Context, args []string, opts *rootOptions) int {
	cmd := newRootCmd(opts)
	cmd.SetArgs(args)
	cmd.SetIn(opts.In)
	cmd.SetOut(opts.Out)
	cmd.SetErr(opts.ErrOut)
	c, err := cmd.ExecuteContextC(ctx)
	if err == nil {
		return codeOK
	}
	if ctx.Err() != nil && !errors.Is(err, context.Canceled) {
		err = withCode(codeInterrupted, fmt.Errorf("interrupted: %w", err))
	}
	code := exitCode(err)
	fmt.Fprintf(opts.ErrOut, "ftpswiz: %s\n", err)
	if code == codeUsage && c != nil && isFlagOrArgError(err) {
		fmt.Fprintf(opts.ErrOut, "Run '%s --help' for usage.\n", c.CommandPath())
	}
	return code
}

// flagError marks errors about flags and arguments (as opposed to invalid
// answers), after which the usage hint helps.
type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

func isFlagOrArgError(err error) bool {
	var fe *flagError
	return errors.As(err, &fe)
}

// argsError is a usage error about command-line arguments (exit 2).
func argsError(format string, args ...any) error {
	return withCode(codeUsage, &flagError{fmt.Errorf(format, args...)})
}

// exactArgs, maxArgs and noArgs are cobra's argument checks with exit
// status 2.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return argsError("%s takes no arguments, got %q", cmd.CommandPath(), strings.Join(args, " "))
	}
	return nil
}

func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return argsError("%s takes at most %d argument(s), got %d: %q", cmd.CommandPath(), n, len(args), strings.Join(args, " "))
		}
		return nil
	}
}

// rootArgs rejects anything that is not a subcommand, suggesting the
// nearest one.
func rootArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return argsError("%s", msg)
}

func newRootCmd(opts *rootOptions) *cobra.Command {
	w := &wizardOptions{}
	cmd := &cobra.Command{
		Use:   "ftpswiz",
		Short: "Plan an FTPS deployment: vsftpd.conf, firewall rules, client configs, explained",
		Long: `ftpswiz plans an FTPS deployment. FTPS data connections use ports negotiated
inside the encrypted control channel, so firewalls and NAT cannot follow them;
ftpswiz asks how the server and the clients are connected and writes
vsftpd.conf, firewall rules for every side, client configs and a report where
every setting carries its reason. It also helps choose between FTPS and SFTP
(ftpswiz compare) and plans the SFTP alternative (protocol: sftp), lints an
existing vsftpd.conf (ftpswiz check) and diagnoses a live server (ftpswiz probe).

Run without arguments for the interactive wizard, or non-interactively:

  ftpswiz generate --answers answers.yaml --out DIR

Messages go to standard error; standard output carries only results, so it can
be piped.

` + exitStatusHelp,
		Args:          rootArgs,
		Version:       opts.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWizard(cmd, opts, w)
		},
	}
	cmd.SetVersionTemplate("ftpswiz {{.Version}}\n")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return withCode(codeUsage, &flagError{err})
	})
	addWizardFlags(cmd, w)
	cmd.AddCommand(
		newGenerateCmd(opts),
		newPortsCmd(opts),
		newExplainCmd(opts),
		newCompareCmd(opts),
		newProbeCmd(opts), newCheckCmd(opts),
		newManCmd(opts), newSchemaCmd(opts),
	)
	return cmd
}
