package tui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/ftpswiz/ftpswiz/internal/outdir"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// runAccessible asks the same steps as the TUI as plain prompts, one field
// at a time: each field runs as a one-field huh form in accessible mode, so
// no hidden group is ever asked and every select has static options. The
// step loop re-asks a field the domain refuses, and stops with ErrAborted
// when the input ends.
func runAccessible(ctx context.Context, cfg *config, in io.Reader, out io.Writer) (*Result, error) {
	a := &accessible{
		ctx: ctx,
		in:  newLineReader(ctx, in),
		// Plain text: no colours or cursor movement for screen readers.
		out: &colorprofile.Writer{Forward: out, Profile: colorprofile.NoTTY},
		cfg: cfg,
		d:   newDraft(cfg.defaults),
	}
	a.outDir = cfg.outDir
	a.b = &builder{d: a.d, def: cfg.defaults, accessible: true, outDir: &a.outDir, checkOut: a.checkOutDir}
	return a.run()
}

type accessible struct {
	ctx    context.Context
	in     *lineReader
	out    io.Writer
	cfg    *config
	d      *draft
	b      *builder
	outDir string
	plan   *wizard.Plan
}

func (a *accessible) printf(format string, args ...any) {
	fmt.Fprintf(a.out, format, args...)
}

func (a *accessible) run() (*Result, error) {
	a.printf("ftpswiz: FTPS or SFTP deployment wizard, accessible mode.\n" +
		"Answer each question and press Enter; an empty answer keeps the value in brackets or the choice shown as default. " +
		"End the input (Ctrl-D) or press Ctrl-C to quit without writing anything.\n")
	s := stepPartner
	for {
		if err := a.ctx.Err(); err != nil {
			return nil, ErrAborted
		}
		switch {
		case s < stepReview:
			if !a.d.applies(s) {
				s++
				continue
			}
			if err := a.askStep(s); err != nil {
				return nil, err
			}
			s = a.d.nextStep(s)
		case s == stepReview:
			next, err := a.review()
			if err != nil {
				return nil, err
			}
			s = next
		default:
			return a.output()
		}
	}
}

func (a *accessible) askStep(s step) error {
	a.printf("\n%s\n", s.titleFor(a.d.protocol()))
	switch s {
	case stepPartner:
		a.comparison()
	case stepProtocol:
		rec, changed := a.d.preselect()
		if changed {
			a.printf("With your answers so far the recommendation changed.\n")
		}
		a.recommendation(rec)
	}
	// Each field is built just before it is asked, so its default reflects
	// the answers given a moment ago; the step's fields are counted again
	// after each answer, as one can add fields after it (own certificate
	// files after the certificate source).
	for i := 0; i < len(a.b.fields(s)); i++ {
		if err := a.ask(a.b.fields(s)[i]); err != nil {
			return err
		}
	}
	a.d.answered[s] = true
	return nil
}

// comparison prints FTPS and SFTP side by side as plain sentences.
func (a *accessible) comparison() {
	a.printf("\nFTPS and SFTP compared, aspect by aspect (ftpswiz compare prints the same).\n")
	for _, r := range wizard.Comparison() {
		a.printf("%s. FTPS: %s SFTP: %s\n", r.Aspect, r.FTPS, r.SFTP)
	}
}

// recommendation prints the recommended protocol with its reasons and
// caveats; the protocol question then offers it as the default.
func (a *accessible) recommendation(rec wizard.Recommendation) {
	a.printf("\nRecommended: %s.\n", protocolName(rec.Protocol))
	for _, r := range rec.Reasons {
		a.printf("Why: %s\n", r)
	}
	for _, c := range rec.Caveats {
		a.printf("Keep in mind: %s\n", c)
	}
}

// ask runs one field until the domain accepts its value.
func (a *accessible) ask(sp spec) error {
	for {
		a.printf("\n%s\n", sp.q.Description)
		form := huh.NewForm(huh.NewGroup(sp.field)).
			WithAccessible(true).
			WithShowHelp(false).
			WithInput(a.in).
			WithOutput(a.out)
		if err := a.runForm(form); err != nil {
			return fmt.Errorf("ask %s: %w", sp.q.Key, err)
		}
		if a.in.done() {
			return ErrAborted
		}
		if sp.chosen != nil {
			if c, ok := sp.q.Choice(sp.chosen()); ok {
				a.printf("Chosen: %s. %s\n", c.Label, effectLine(sp.q, c))
			}
		}
		if sp.q.Key == wizard.QTransfers {
			for _, l := range sizingPreview(a.d).Lines {
				if l != "" {
					a.printf("%s\n", l)
				}
			}
		}
		if sp.check == nil {
			return nil
		}
		err := sp.check()
		if err == nil {
			return nil
		}
		a.printf("Problem: %s\nPlease answer again.\n", err)
	}
}

// review prints the plan and returns the next step: the step of the first
// problem, the optional settings, or the output directory.
func (a *accessible) review() (step, error) {
	plan, err := wizard.Decide(a.d.answers())
	if fes := wizard.FieldErrors(err); len(fes) > 0 {
		a.printf("\nSome answers need fixing before ftpswiz can plan:\n")
		for _, fe := range fes {
			a.printf("- %s: %s\n", fe.Field, fieldError(fe))
		}
		s := a.b.stepFor(fes[0].Field)
		if s == stepAdvanced {
			a.d.Advanced = true
		}
		if s == stepReview {
			return 0, fmt.Errorf("plan: %w", err)
		}
		return s, nil
	}
	if err != nil {
		return 0, fmt.Errorf("plan: %w", err)
	}
	a.plan = plan
	a.printf("\nReview\n")
	if rec := recheck(a.d); rec != nil {
		a.printf("\nWith all your answers ftpswiz recommends %s, not %s.\n", protocolName(rec.Protocol), protocolName(a.d.protocol()))
		for _, r := range rec.Reasons {
			a.printf("Why: %s\n", r)
		}
	}
	a.printf("\nPort map: who opens which connections. Return traffic is allowed on every side.\n")
	for _, l := range portMapSentences(plan) {
		a.printf("%s\n", l)
	}
	a.printf("\n")
	// The decisions' one-liners, as on the review screen; a warning keeps
	// its reason (a risk to read before writing).
	for _, d := range plan.Decisions {
		if d.Warning {
			a.printf("Warning: %s. Why: %s\n", decisionLine(d), d.Why)
		} else {
			a.printf("%s.\n", decisionLine(d))
		}
	}
	a.printf("Why each decision was made is in REPORT.md's part 2 (or run ftpswiz explain KEY in the output directory).\n")
	if files, err := a.cfg.files(plan); err == nil {
		a.printf("\nFiles this plan writes:\n")
		for _, f := range files {
			d := f.Desc.What
			if f.Desc.Install != "" {
				d += "; install as " + f.Desc.Install
			}
			a.printf("%s: %s\n", f.Path, d)
		}
	}
	if a.d.Advanced {
		return stepOutput, nil
	}
	more := false
	title := "Change the optional settings (" + optionalSettings(a.d) + ")?"
	c := huh.NewConfirm().Title(title).Value(&more)
	if err := a.runField(c); err != nil {
		return 0, err
	}
	if more {
		a.d.Advanced = true
		return stepAdvanced, nil
	}
	return stepOutput, nil
}

func (a *accessible) runField(f huh.Field) error {
	form := huh.NewForm(huh.NewGroup(f)).
		WithAccessible(true).
		WithShowHelp(false).
		WithInput(a.in).
		WithOutput(a.out)
	if err := a.runForm(form); err != nil {
		return fmt.Errorf("prompt: %w", err)
	}
	if a.in.done() {
		return ErrAborted
	}
	return nil
}

// runForm runs a one-field accessible form. When the input ends right
// after an answer a select refused ("abc" for a number), huh 2.0.3's
// accessible select indexes its options with that answer and panics; the
// input has ended then, so that is the end of input (ErrAborted), as
// everywhere else. Any other panic is left alone.
func (a *accessible) runForm(form *huh.Form) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if !a.in.done() {
				panic(r)
			}
			err = ErrAborted
		}
	}()
	return form.RunWithContext(a.ctx)
}

func (a *accessible) checkOutDir(dir string) error {
	dir = strings.TrimSpace(dir)
	if dir == "" {
		return errors.New("give a directory, e.g. " + outputQuestion.Example)
	}
	files, err := a.cfg.files(a.plan)
	if err != nil {
		return err
	}
	_, err = outdir.Preview(dir, files)
	return err
}

// output asks for the directory, shows what would change and writes.
func (a *accessible) output() (*Result, error) {
	files, err := a.cfg.files(a.plan)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	ask := !a.cfg.outGiven // --out named it: asked only if it cannot be used
	for {
		if ask {
			if err := a.askStep(stepOutput); err != nil {
				return nil, err
			}
		}
		ask = true
		dir := strings.TrimSpace(a.outDir)
		changes, err := outdir.Preview(dir, files)
		if err != nil {
			a.printf("Problem: %s\n", err)
			continue
		}
		force := false
		if n := changed(changes); n > 0 {
			plain := styles{Heading: lipgloss.NewStyle(), Label: lipgloss.NewStyle(), Warning: lipgloss.NewStyle(),
				Good: lipgloss.NewStyle(), Dim: lipgloss.NewStyle()}
			a.printf("\n%s\n", changesText(dir, changes, 1000, plain))
			c := huh.NewConfirm().
				Title(fmt.Sprintf("%d file(s) in %s differ from the plan. Replace them? A backup of each is kept.", n, dir)).
				Value(&force)
			if err := a.runField(c); err != nil {
				return nil, err
			}
			if !force {
				continue
			}
		}
		return &Result{Answers: a.plan.Answers, Plan: a.plan, Dir: dir, Force: force, Preview: changes}, nil
	}
}

// lineReader hands huh's accessible prompts one line per Read. huh starts a
// new bufio.Scanner for every prompt, and a scanner reads ahead: given the
// whole input at once (a pipe, a test), the first prompt would swallow the
// answers of the next ones. It also ends the input when ctx is cancelled
// (Ctrl-C), since a read from a terminal cannot be interrupted.
type lineReader struct {
	ctx   context.Context
	lines chan string
	mu    sync.Mutex
	eof   bool
	rest  string
}

func newLineReader(ctx context.Context, r io.Reader) *lineReader {
	lr := &lineReader{ctx: ctx, lines: make(chan string)}
	go func() {
		defer close(lr.lines)
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				select {
				case lr.lines <- line:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return lr
}

// Read returns at most one line.
func (lr *lineReader) Read(p []byte) (int, error) {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	if lr.rest == "" {
		if lr.eof {
			return 0, io.EOF
		}
		select {
		case line, ok := <-lr.lines:
			if !ok {
				lr.eof = true
				return 0, io.EOF
			}
			lr.rest = line
		case <-lr.ctx.Done():
			lr.eof = true
			return 0, io.EOF
		}
	}
	n := copy(p, lr.rest)
	lr.rest = lr.rest[n:]
	return n, nil
}

// done reports whether the input has ended.
func (lr *lineReader) done() bool {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return lr.eof
}
