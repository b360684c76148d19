package wizard

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is one invalid answer: which field, what is wrong and how to
// fix it. Line is the answers file's line of the field (0 when unknown, e.g.
// for answers from the TUI); the decoder fills it in.
type FieldError struct {
	// Field is the answers-file path of the field ("server.public_address",
	// "firewalls[1]").
	Field   string
	Line    int
	Problem string
	Fix     string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	fmt.Fprintf(&b, "%s: %s", e.Field, e.Problem)
	if e.Fix != "" {
		fmt.Fprintf(&b, " (fix: %s)", e.Fix)
	}
	return b.String()
}

// ValidationError is every invalid answer found at once, in field order.
type ValidationError struct {
	Fields []*FieldError
	// More counts the problems found beyond Fields (the list is capped so
	// that a file of errors gives a message of bounded size).
	More int
}

func (e *ValidationError) Error() string {
	lines := make([]string, 0, len(e.Fields)+2)
	if len(e.Fields) == 1 && e.More == 0 {
		return "invalid answers: " + e.Fields[0].Error()
	}
	lines = append(lines, fmt.Sprintf("invalid answers (%d problems):", len(e.Fields)+e.More))
	for _, f := range e.Fields {
		lines = append(lines, "  - "+f.Error())
	}
	if e.More > 0 {
		lines = append(lines, fmt.Sprintf("  - ... and %d more", e.More))
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the field errors, so errors.As finds each *FieldError.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f
	}
	return out
}

// FieldErrors returns the field errors inside err (nil if there are none).
func FieldErrors(err error) []*FieldError {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return []*FieldError{fe}
	}
	return nil
}
