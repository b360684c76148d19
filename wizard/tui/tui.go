// Package tui is ftpswiz's interactive wizard: huh forms in a Bubble Tea
// program, with a side panel that explains the option under the cursor and
// previews what it changes. It is a thin face over the pure wizard package:
// the forms fill a wizard.Answers, wizard.Decide makes every decision, and
// the files are rendered and written exactly as `ftpswiz generate` does.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"

	"github.com/ftpswiz/ftpswiz/generators"
	"github.com/ftpswiz/ftpswiz/internal/detect"
	"github.com/ftpswiz/ftpswiz/internal/outdir"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// ErrAborted is returned when the user quits (Ctrl-C, Esc, end of input in
// accessible mode) before the end. The wizard never writes the plan's
// files itself: it returns the plan, and the caller writes them.
var ErrAborted = errors.New("wizard aborted: nothing was written")

// DefaultOutDir is the output directory offered when Options.OutDir is
// empty.
const DefaultOutDir = "ftpswiz-out"

// Options configure a wizard run.
type Options struct {
	// In is the keyboard (default os.Stdin) and Out the terminal the UI is
	// drawn on (default os.Stderr; stdout is left for the summary).
	In  io.Reader
	Out io.Writer
	// Accessible asks one plain-text prompt at a time, for screen readers,
	// instead of drawing a full-screen UI.
	Accessible bool
	// Detector offers the machine's addresses, interfaces, firewall tools
	// and vsftpd build as defaults (nil: nothing detected).
	Detector detect.Detector
	// OutDir is the output directory offered (default DefaultOutDir).
	OutDir string
	// OutDirGiven is set when the user named OutDir (--out): the wizard
	// then writes there without asking again (another directory is asked
	// for only when that one cannot be used, or the user declines to
	// replace changed files).
	OutDirGiven bool
	// SSHClient is $SSH_CLIENT of the session ("ADDR PORT PORT", "" when
	// not over SSH): its address is the admin network offered.
	SSHClient string
	// Files renders a plan into the files to write; the CLI passes the same
	// function `ftpswiz generate` uses. Default: Files.
	Files func(*wizard.Plan) ([]generators.File, error)
	// ProgramOptions are extra Bubble Tea options (tests set the window size
	// and environment).
	ProgramOptions []tea.ProgramOption
}

// Result is what a completed wizard decided: the answers, the plan, and
// where its files go. The wizard writes nothing; the caller renders the
// plan and writes the files (cmd/ftpswiz: the write path of `ftpswiz
// generate`).
type Result struct {
	// Answers are the normalised answers the plan was made from.
	Answers wizard.Answers
	Plan    *wizard.Plan
	// Dir is the output directory the user chose.
	Dir string
	// Force is set when the user agreed to replace the changed files
	// Preview listed (a backup of each is kept).
	Force   bool
	Preview []outdir.Change
}

// Files renders the plan like `ftpswiz generate`: every generator's files,
// answers.yaml with the normalised answers among them.
func Files(p *wizard.Plan) ([]generators.File, error) {
	files, err := generators.Render(p)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return files, nil
}

// config is the resolved options the model needs.
type config struct {
	defaults defaults
	outDir   string
	outGiven bool
	files    func(*wizard.Plan) ([]generators.File, error)
}

func newConfig(o Options) *config { return newConfigContext(context.Background(), o) }

// newConfigContext is newConfig whose detection (nftables, read when
// first needed) ends with ctx.
func newConfigContext(ctx context.Context, o Options) *config {
	c := &config{
		defaults: detectDefaults(ctx, o.Detector),
		outDir:   o.OutDir,
		outGiven: o.OutDirGiven && o.OutDir != "",
		files:    o.Files,
	}
	c.defaults.AdminNet = sshClientNet(o.SSHClient)
	if c.outDir == "" {
		c.outDir = DefaultOutDir
	}
	if c.files == nil {
		c.files = Files
	}
	return c
}

// Run runs the wizard until the user has chosen where to write the plan's
// files. It returns ErrAborted when the user quits first. It writes nothing.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.In == nil {
		o.In = os.Stdin
	}
	if o.Out == nil {
		o.Out = os.Stderr
	}
	cfg := newConfigContext(ctx, o)
	if o.Accessible {
		return runAccessible(ctx, cfg, o.In, o.Out)
	}
	m := newModel(cfg)
	opts := []tea.ProgramOption{
		tea.WithContext(ctx),
		tea.WithInput(o.In),
		tea.WithOutput(o.Out),
	}
	if sameTerminalAsStdout(o.Out) {
		// lipgloss detected stdout's colour profile when the program
		// started; detecting it again for stderr costs a `tmux info`
		// process inside tmux, on the way to the first frame.
		opts = append(opts, tea.WithColorProfile(lipgloss.Writer.Profile))
	}
	opts = append(opts, o.ProgramOptions...)
	final, err := tea.NewProgram(m, opts...).Run()
	if fm, ok := final.(*Model); ok && fm != nil {
		m = fm
	}
	switch {
	case m.result != nil:
		return m.result, nil
	case m.aborted, errors.Is(err, tea.ErrInterrupted), errors.Is(err, tea.ErrProgramKilled), ctx.Err() != nil:
		return nil, ErrAborted
	case err != nil:
		return nil, fmt.Errorf("wizard: %w", err)
	}
	return nil, ErrAborted
}

// sameTerminalAsStdout reports whether w is standard error and both it and
// standard output (where lipgloss detected the colour profile) are
// terminals.
func sameTerminalAsStdout(w io.Writer) bool {
	return w == io.Writer(os.Stderr) && lipgloss.Writer.Forward == io.Writer(os.Stdout) &&
		term.IsTerminal(os.Stderr.Fd()) && term.IsTerminal(os.Stdout.Fd())
}
