package generators

import (
	"slices"
	"strings"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// Desc is what a renderer says about each file it writes: what it is, which
// box it belongs to, where it is installed, and how to check, apply, show,
// persist and remove it. File headers, REPORT.md (its file list and apply
// steps), HANDOUT.md and the wizard's review are rendered from it; nothing
// reads a generated file's text or parses its name to find these again.
type Desc struct {
	// What says in one line what the file is ("nftables ruleset for the
	// server host").
	What string
	// Side is the box the file belongs to; "" for documents read where they
	// are (REPORT.md, answers.yaml) and for client configs.
	Side wizard.Side
	// Backend is the firewall backend of a firewall file (fwBackends), ""
	// for other files.
	Backend wizard.Firewall
	// Tool names the program that reads the file, as the apply steps call
	// it ("nftables ruleset", "AWS CLI").
	Tool string
	// Install is the file's path on its box ("/etc/vsftpd.conf"); "" when it
	// is used where it is.
	Install string
	// Unit is the systemd unit the file belongs to (a unit file or a
	// drop-in), "" otherwise.
	Unit string
	// Check, Apply and Show are commands run in the output directory, in
	// that order: Check changes nothing, Show prints the result.
	Check, Apply, Show []Cmd
	// ApplyNote is a remark on re-running Apply ("re-running is safe: ...").
	ApplyNote string
	// ApplyHint is a short remark on Apply's options ("zone: ...").
	ApplyHint string
	// Needs says what Apply needs besides the file (credentials).
	Needs string
	// OwnDir, when set, is the directory of its own the file is applied in
	// (Terraform reads every *.tf file of its directory).
	OwnDir string
	// PersistOn is where and how PersistCmds run ("" is persistQual, Debian
	// 12's).
	PersistOn string
	// PersistCmds are the commands that make the result survive a reboot
	// on Debian 12: run as root in the output directory, after Apply.
	PersistCmds []Cmd
	// Persist says in prose how the result survives a reboot; with
	// PersistCmds, what they rely on and what other systems do instead.
	Persist string
	// Remove undoes Apply; RemoveText says it in prose when no command
	// can (the rules to delete depend on what the box has).
	Remove     []Cmd
	RemoveText string
}

// Cmd is one shell command line of a description. It is built from parts:
// values (quoted by shWord when rendered), the described file itself
// (its name in the file's own header, its path in the output directory in
// REPORT.md) and fixed shell syntax written by ftpswiz ("<", "||", "2>/dev/null").
// A value never becomes shell syntax: every value from the answers goes in
// through Arg, so `$(...)`, backticks, spaces and ';' in it stay one
// literal word.
//
// A Cmd is a value: each builder method returns a new Cmd and never writes
// into the parts of the one it was called on, so two commands derived from
// one base stay independent.
type Cmd struct {
	parts []cmdPart
	// Comment is appended as "  # comment" in REPORT.md.
	Comment string
}

type cmdPartKind int

const (
	partValue cmdPartKind = iota // quoted as needed
	partShell                    // fixed shell syntax, written as is
	partFile                     // the described file
)

type cmdPart struct {
	kind cmdPartKind
	text string
	// glue joins the part to the previous one without a space.
	glue bool
}

// Sh starts a command with its words, each a value.
func Sh(args ...string) Cmd { return Cmd{}.Arg(args...) }

// Arg appends values, one word each.
func (c Cmd) Arg(args ...string) Cmd {
	c.parts = slices.Grow(slices.Clip(c.parts), len(args))
	for _, a := range args {
		c.parts = append(c.parts, cmdPart{kind: partValue, text: a})
	}
	return c
}

// Op appends fixed shell syntax (an operator, a redirection, a variable
// reference), written as is. It must never carry a value from the answers.
func (c Cmd) Op(syntax ...string) Cmd {
	c.parts = slices.Grow(slices.Clip(c.parts), len(syntax))
	for _, s := range syntax {
		c.parts = append(c.parts, cmdPart{kind: partShell, text: s})
	}
	return c
}

// File appends the described file as one word.
func (c Cmd) File() Cmd {
	c.parts = append(slices.Clip(c.parts), cmdPart{kind: partFile})
	return c
}

// GlueArg appends a value to the previous word without a space.
func (c Cmd) GlueArg(a string) Cmd {
	c.parts = append(slices.Clip(c.parts), cmdPart{kind: partValue, text: a, glue: true})
	return c
}

// GlueOp appends fixed shell syntax to the previous word without a space.
func (c Cmd) GlueOp(s string) Cmd {
	c.parts = append(slices.Clip(c.parts), cmdPart{kind: partShell, text: s, glue: true})
	return c
}

// With sets the comment REPORT.md appends.
func (c Cmd) With(comment string) Cmd {
	c.Comment = comment
	return c
}

// Line renders the command, the described file as file ("" when the
// command does not name it).
func (c Cmd) Line(file string) string {
	var b strings.Builder
	for i, p := range c.parts {
		if i > 0 && !p.glue {
			b.WriteByte(' ')
		}
		switch p.kind {
		case partValue:
			b.WriteString(shWord(p.text))
		case partFile:
			b.WriteString(shWord(file))
		default:
			b.WriteString(p.text)
		}
	}
	return b.String()
}

// Values returns the command's values, unquoted, in order (for tests).
func (c Cmd) Values() []string {
	var out []string
	for _, p := range c.parts {
		if p.kind == partValue {
			out = append(out, p.text)
		}
	}
	return out
}

// cmdLines renders commands with their REPORT.md comments.
func cmdLines(cmds []Cmd, file string) []string {
	out := make([]string, 0, len(cmds))
	for _, c := range cmds {
		l := c.Line(file)
		if c.Comment != "" {
			l += "  # " + c.Comment
		}
		out = append(out, l)
	}
	return out
}

// cmdJoin renders commands on one line, separated by "; ".
func cmdJoin(cmds []Cmd, file string) string {
	out := make([]string, 0, len(cmds))
	for _, c := range cmds {
		out = append(out, c.Line(file))
	}
	return strings.Join(out, "; ")
}

// shQuote quotes s for bash with single quotes, always. It is the one
// quoting function of this package: shWord and every generated script use it.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shWord is s as one shell word: as is when it holds only characters no
// shell treats specially, else single-quoted by shQuote.
func shWord(s string) string {
	if s == "" {
		return "''"
	}
	for _, r := range s {
		if !shSafe(r) {
			return shQuote(s)
		}
	}
	return s
}

func shSafe(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("-_./:=@%+,", r)
}

// headerStyle lays out a description's usage lines in a file's comment
// header: "# Apply:  cmd", aligned at Width columns after "# ".
type headerStyle struct {
	Width int
	// ApplyQual, when set, writes Apply as "# Apply (qual):" with one
	// command per continuation line (and Remove the same way).
	ApplyQual string
}

// descHeader renders the "# Apply:", "# Check:", "# Remove:" and
// "# Persist:" lines of a file's header from its description; file is the
// name the commands use (the header is read next to the file).
func descHeader(d Desc, st headerStyle, file string) []string {
	label := func(l string) string {
		l += ":"
		if len(l) < st.Width {
			l += strings.Repeat(" ", st.Width-len(l))
		} else {
			l += " "
		}
		return "# " + l
	}
	cont := "#" + strings.Repeat(" ", st.Width+1)
	var out []string
	if len(d.Apply) > 0 {
		if st.ApplyQual != "" {
			out = append(out, "# Apply ("+st.ApplyQual+"):")
			for _, c := range d.Apply {
				out = append(out, "#   "+c.Line(file))
			}
			if d.ApplyNote != "" {
				out = append(out, "#   ("+d.ApplyNote+")")
			}
		} else {
			l := label("Apply") + cmdJoin(d.Apply, file)
			if d.ApplyHint != "" {
				l += "   (" + d.ApplyHint + ")"
			}
			out = append(out, l)
			if d.ApplyNote != "" {
				out = append(out, cont+"("+d.ApplyNote+")")
			}
		}
	}
	if len(d.Check) > 0 {
		out = append(out, label("Check")+cmdJoin(d.Check, file))
	}
	switch {
	case len(d.Remove) > 0 && st.ApplyQual != "":
		out = append(out, "# Remove:")
		for _, c := range d.Remove {
			out = append(out, "#   "+c.Line(file))
		}
	case len(d.Remove) > 0:
		out = append(out, label("Remove")+cmdJoin(d.Remove, file))
	case d.RemoveText != "":
		out = append(out, label("Remove")+d.RemoveText)
	}
	switch {
	case len(d.PersistCmds) > 0:
		out = append(out, "# Persist ("+d.persistOn()+"):")
		for _, c := range d.PersistCmds {
			out = append(out, "#   "+c.Line(file))
		}
		if d.Persist != "" {
			out = append(out, "#   ("+d.Persist+")")
		}
	case d.Persist != "":
		out = append(out, label("Persist")+d.Persist)
	}
	return out
}

// persistQual is where and how PersistCmds run by default; persistQualRHEL
// on a box the plan knows runs RHEL.
const (
	persistQual     = "Debian 12, as root, after Apply"
	persistQualRHEL = "RHEL 9, as root, after Apply"
)

// persistOn is where and how the description's PersistCmds run.
func (d Desc) persistOn() string {
	if d.PersistOn != "" {
		return d.PersistOn
	}
	return persistQual
}
