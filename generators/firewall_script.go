package generators

import (
	"fmt"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// scriptView is a generated bash script (ufw, firewalld, AWS CLI): a header,
// helper functions, and steps, each a comment and its commands.
type scriptView struct {
	Title   string
	Command string
	Intro   []string
	Prelude string
	Steps   []scriptStep
}

type scriptStep struct {
	Comment  []string
	Commands []string
}

func renderScript(v scriptView) ([]byte, error) {
	b, err := templates.Render("firewall-script.tmpl", v)
	if err != nil {
		return nil, fmt.Errorf("script %s: %w", v.Title, err)
	}
	return b, nil
}

// flowStep is a step whose comment is the flow's Why (plus extra notes).
func flowStep(f wizard.Flow, cmds []string, notes ...string) scriptStep {
	why := f.Why
	if f.Warning {
		why = "WARNING: " + why
	}
	c := fwCommentLines("# ", why)
	for _, n := range notes {
		c = append(c, fwCommentLines("# ", "("+n+")")...)
	}
	return scriptStep{Comment: c, Commands: cmds}
}

// fwDest is a flow's destination for tools that need one: its To, or
// "any".
func fwDest(to string) string {
	if to == "" {
		return "any"
	}
	return to
}
