package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// answersFile is an answers file as read from disk or stdin.
type answersFile struct {
	// Name is the path, or "stdin" for "-".
	Name string
	Data []byte
}

// readAnswers reads the answers file at path ("-": standard input). Reading
// standard input stops when ctx is cancelled (Ctrl-C while a terminal waits
// for input).
func readAnswers(ctx context.Context, opts *rootOptions, path string) (answersFile, error) {
	if path == "" {
		return answersFile{}, argsError("--answers FILE is required (use --answers - to read standard input)")
	}
	if path == "-" {
		type result struct {
			data []byte
			err  error
		}
		done := make(chan result, 1)
		go func() {
			data, err := io.ReadAll(opts.In)
			done <- result{data, err}
		}()
		select {
		case r := <-done:
			if r.err != nil {
				return answersFile{}, fmt.Errorf("read answers from stdin: %w", r.err)
			}
			return answersFile{Name: "stdin", Data: r.data}, nil
		case <-ctx.Done():
			return answersFile{}, withCode(codeInterrupted, fmt.Errorf("interrupted while reading answers from stdin: %w", ctx.Err()))
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		// A missing or unreadable answers file is a usage error.
		return answersFile{}, withCode(codeUsage, fmt.Errorf("read answers: %w", err))
	}
	return answersFile{Name: path, Data: data}, nil
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
	a, err := decodeAnswers(f)
	if err != nil {
		return nil, "", err
	}
	note = resolveFlavour(opts, &a)
	p, err = decide(f, a)
	return p, note, err
}
