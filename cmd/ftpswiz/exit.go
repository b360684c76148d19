package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/ftpswiz/ftpswiz/internal/outdir"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Exit statuses. They are part of the CLI's interface: documented in
// `ftpswiz --help` (exitStatusHelp) and the README.
const (
	codeOK          = 0   // success
	codeError       = 1   // any other error (I/O, rendering)
	codeUsage       = 2   // bad flags or arguments, invalid answers, no terminal for the wizard
	codeExists      = 3   // refused to overwrite changed files without --force; generate --diff: changes
	codeInterrupted = 130 // interrupted (Ctrl-C): nothing was written
)

// exitStatusHelp is the exit-status table shown in `ftpswiz --help`.
const exitStatusHelp = `Exit status:
  0    success
  1    error (reading or writing files, rendering)
  2    usage error: bad flags or arguments, invalid answers file,
       or no terminal for the interactive wizard
  3    refused to overwrite changed files (run again with --force;
       a backup of every replaced file is kept); generate --diff:
       files would change
  130  interrupted (Ctrl-C, or Esc in the wizard); nothing was written`

// exitError is an error with the process exit status it should cause.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so that it exits with code (nil stays nil).
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// usageErrorf is a usage error (exit 2).
func usageErrorf(format string, args ...any) error {
	return &exitError{code: codeUsage, err: fmt.Errorf(format, args...)}
}

// exitCode maps an error returned by a command to the process exit status.
func exitCode(err error) int {
	if err == nil {
		return codeOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var exists *outdir.ExistsError
	switch {
	case errors.Is(err, context.Canceled):
		return codeInterrupted
	case errors.As(err, &exists):
		return codeExists
	case len(wizard.FieldErrors(err)) > 0:
		return codeUsage
	}
	return codeError
}

// recovered runs f and turns a panic (a bug) into exit status 1 with a
// report on errOut, so that a crash never exits 2, which would read as a
// usage error. Nothing is half-written by a panic: files are written only
// after everything is rendered, and atomically.
func recovered(errOut io.Writer, f func() int) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(errOut, "ftpswiz: internal error (a bug; please report it with the answers file): %v\n%s", r, debug.Stack())
			code = codeError
		}
	}()
	return f()
}
