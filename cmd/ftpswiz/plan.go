package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ftpswiz/ftpswiz/internal/safefile"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// answersFile is an answers file as read from disk or stdin.
type answersFile struct {
	// Name is the path, or "stdin" for "-".
	Name string
	Data []byte
}

// readAnswers reads the answers file at path ("-": standard input), at most
// wizard.MaxAnswersSize bytes. Only a regular file is opened (a FIFO or a
// device such as /dev/zero would block or never end), and the read stops
// when ctx is cancelled (Ctrl-C while a terminal or a pipe waits for input).
func readAnswers(ctx context.Context, opts *rootOptions, path string) (answersFile, error) {
	if path == "" {
		return answersFile{}, argsError("--answers FILE is required (use --answers - to read standard input)")
	}
	name, in := "stdin", opts.In
	if path != "-" {
		f, err := openRegular(path)
		if err != nil {
			// A missing, unreadable or special answers file is a usage error.
			return answersFile{}, withCode(codeUsage, fmt.Errorf("read answers: %w", err))
		}
		defer f.Close()
		name, in = path, f
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := io.ReadAll(io.LimitReader(in, wizard.MaxAnswersSize+1))
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return answersFile{}, fmt.Errorf("read answers from %s: %w", name, r.err)
		}
		if len(r.data) > wizard.MaxAnswersSize {
			return answersFile{}, withCode(codeUsage, fmt.Errorf("%s: the answers file is larger than %d bytes, the most ftpswiz reads: an answers file is a few dozen lines (see the README)",
				name, wizard.MaxAnswersSize))
		}
		return answersFile{Name: name, Data: r.data}, nil
	case <-ctx.Done():
		return answersFile{}, withCode(codeInterrupted, fmt.Errorf("interrupted while reading answers from %s: %w", name, ctx.Err()))
	}
}

// openRegular opens path for reading if it is a regular file and refuses
// anything else (a FIFO would block, a device never end), saying what it is
// and what to give instead.
func openRegular(path string) (*os.File, error) {
	f, _, err := safefile.Open(path)
	if errors.Is(err, safefile.ErrNotRegular) {
		return nil, fmt.Errorf("%w: give an answers file, or pipe one into --answers -", err)
	}
	return f, err
}

// decodeAnswers decodes an answers file strictly; errors name its lines and
// exit 2.
func decodeAnswers(f answersFile) (wizard.Answers, error) {
	a, err := wizard.DecodeAnswers(f.Data)
	if err != nil {
		return wizard.Answers{}, withCode(codeUsage, fmt.Errorf("%s: %w", f.Name, err))
	}
	return a, nil
}

// decide runs wizard.Decide and puts the answers file's line numbers into
// its validation errors (exit 2).
func decide(f answersFile, a wizard.Answers) (*wizard.Plan, error) {
	p, err := wizard.Decide(a)
	if err != nil {
		err = wizard.AnnotateLines(f.Data, err)
		if len(wizard.FieldErrors(err)) > 0 {
			return nil, withCode(codeUsage, fmt.Errorf("%s: %w", f.Name, err))
		}
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	return p, nil
}

// resolveFlavour replaces a vsftpd flavour of "auto" (or none) with the
// flavour of the vsftpd installed on this machine, and returns a note for
// the user saying what it chose. Nothing is changed for a flavour given
// explicitly, when the answers have no server, or for protocol sftp (no
// vsftpd). When detection finds
// nothing usable the flavour stays unresolved and Decide uses Debian 12's.
func resolveFlavour(opts *rootOptions, a *wizard.Answers) string {
	if a.Server == nil || a.Protocol == wizard.ProtocolSFTP {
		return "" // no vsftpd to configure
	}
	if a.Server.Container != nil {
		return "" // the container runs Debian's vsftpd, whatever this machine has
	}
	fl := a.Server.Vsftpd.Flavour
	if fl != "" && fl != wizard.FlavourAuto {
		return ""
	}
	fallback := fmt.Sprintf("using %s; set server.vsftpd.flavour if the server runs another build", wizard.FlavourDebian)
	if opts.Detector == nil {
		return "vsftpd flavour auto: " + fallback
	}
	v, err := opts.Detector.Vsftpd()
	switch {
	case err != nil:
		return fmt.Sprintf("vsftpd flavour auto: %v; %s", err, fallback)
	case !v.Installed:
		return "vsftpd flavour auto: no vsftpd installed on this machine; " + fallback
	case !v.Known:
		return fmt.Sprintf("vsftpd flavour auto: %s knows TLS options %s, which match no build ftpswiz knows; %s",
			v.Path, strings.Join(v.SSLOptions, " "), fallback)
	}
	s := *a.Server
	s.Vsftpd.Flavour = v.Flavour
	a.Server = &s
	return fmt.Sprintf("vsftpd flavour auto: %s, detected from %s", v.Flavour, v.Path)
}

// loadPlan reads, decodes and decides an answers file. note (may be "")
// says how an automatic vsftpd flavour was resolved.
func loadPlan(ctx context.Context, opts *rootOptions, path string) (p *wizard.Plan, note string, err error) {
	f, err := readAnswers(ctx, opts, path)
	if err != nil {
		return nil, "", err
	}
	return loadPlanFrom(ctx, opts, f)
}

// loadPlanFrom is loadPlan for an answers file already read.
func loadPlanFrom(ctx context.Context, opts *rootOptions, f answersFile) (p *wizard.Plan, note string, err error) {
	if err := interrupted(ctx); err != nil {
		return nil, "", err
	}
	a, err := decodeAnswers(f)
	if err != nil {
		return nil, "", err
	}
	note = resolveFlavour(opts, &a)
	if err := interrupted(ctx); err != nil {
		return nil, "", err
	}
	p, err = decide(f, a)
	if err == nil {
		err = interrupted(ctx)
	}
	if err != nil {
		return nil, "", err
	}
	return p, note, nil
}

// interrupted returns an exit-130 error once ctx is cancelled (Ctrl-C), so
// that the work between steps stops and nothing is written.
func interrupted(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return withCode(codeInterrupted, fmt.Errorf("interrupted: %w", err))
	}
	return nil
}
