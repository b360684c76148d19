package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The manual pages are written here, straight from the commands' help, as
// roff. (cobra/doc renders Markdown through blackfriday, whose package
// initialisation alone cost about 0.6 ms and 1.2 million instructions at
// start-up of every command, man or not.)

// manHeaderInfo is what the .TH line of every page says.
type manHeaderInfo struct {
	Section string
	Date    time.Time
	Source  string
	Manual  string
}

// writeManPage writes the roff page of c: NAME, SYNOPSIS, DESCRIPTION (the
// long help), OPTIONS, OPTIONS INHERITED FROM PARENT COMMANDS, EXAMPLE and
// SEE ALSO.
func writeManPage(w io.Writer, c *cobra.Command, h manHeaderInfo) error {
	c.InitDefaultHelpCmd()
	c.InitDefaultHelpFlag()
	dashed := strings.ReplaceAll(c.CommandPath(), " ", "-")
	var b strings.Builder
	fmt.Fprintf(&b, ".nh\n.TH %s %s %s %s %s\n\n", roffQuote(strings.ToUpper(dashed)),
		roffQuote(h.Section), roffQuote(h.Date.Format("Jan 2006")), roffQuote(h.Source), roffQuote(h.Manual))
	fmt.Fprintf(&b, ".SH NAME\n%s \\- %s\n\n", roffText(dashed), roffText(c.Short))
	fmt.Fprintf(&b, ".SH SYNOPSIS\n\\fB%s\\fP\n\n", roffText(c.UseLine()))
	long := c.Long
	if long == "" {
		long = c.Short
	}
	b.WriteString(".SH DESCRIPTION\n")
	roffProse(&b, long)
	if fs := c.NonInheritedFlags(); fs.HasAvailableFlags() {
		b.WriteString("\n.SH OPTIONS\n")
		roffFlags(&b, fs)
	}
	if fs := c.InheritedFlags(); fs.HasAvailableFlags() {
		b.WriteString("\n.SH OPTIONS INHERITED FROM PARENT COMMANDS\n")
		roffFlags(&b, fs)
	}
	if c.Example != "" {
		b.WriteString("\n.SH EXAMPLE\n.EX\n")
		for l := range strings.SplitSeq(c.Example, "\n") {
			b.WriteString(roffLine(l) + "\n")
		}
		b.WriteString(".EE\n")
	}
	var also []string
	if c.HasParent() {
		also = append(also, fmt.Sprintf(`\fB%s(%s)\fP`, roffText(strings.ReplaceAll(c.Parent().CommandPath(), " ", "-")), h.Section))
	}
	children := slices.Clone(c.Commands())
	slices.SortFunc(children, func(x, y *cobra.Command) int { return strings.Compare(x.Name(), y.Name()) })
	for _, sub := range children {
		if sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() {
			also = append(also, fmt.Sprintf(`\fB%s-%s(%s)\fP`, roffText(dashed), roffText(sub.Name()), h.Section))
		}
	}
	if len(also) > 0 {
		b.WriteString("\n.SH SEE ALSO\n" + strings.Join(also, ", ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// roffFlags lists flags as tagged paragraphs: the flag with its default,
// then its usage.
func roffFlags(b *strings.Builder, fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Deprecated != "" || f.Hidden {
			return
		}
		tag := fmt.Sprintf(`\fB--%s\fP`, roffText(f.Name))
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			tag = fmt.Sprintf(`\fB-%s\fP, %s`, roffText(f.Shorthand), tag)
		}
		def := f.DefValue
		if f.Value.Type() == "string" {
			def = fmt.Sprintf("%q", def)
		}
		if f.NoOptDefVal != "" {
			tag += "[=" + roffText(def) + "]"
		} else {
			tag += "=" + roffText(def)
		}
		fmt.Fprintf(b, ".TP\n%s\n%s\n", tag, roffCode(roffText(f.Usage)))
	})
}

// roffProse writes help text: paragraphs apart by blank lines; a "# " or
// "#### " line is a subsection heading; a paragraph all indented (a tab or
// four spaces) is an example, shown as it is; a paragraph with some
// indented lines (a table such as the exit statuses) keeps its lines;
// other paragraphs are filled. `x` is set in bold.
func roffProse(b *strings.Builder, text string) {
	first := true
	for para := range strings.SplitSeq(strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n"), "\n\n") {
		lines := strings.Split(strings.Trim(para, "\n"), "\n")
		if len(lines) == 1 && strings.TrimSpace(lines[0]) == "" {
			continue
		}
		if h, ok := roffHeading(lines[0]); ok {
			b.WriteString(".SS " + roffText(h) + "\n")
			lines = lines[1:]
			first = true
			if len(lines) == 0 {
				continue
			}
		}
		if !first {
			b.WriteString(".PP\n")
		}
		first = false
		all, some := true, false
		for _, l := range lines {
			all = all && (strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "    "))
			some = some || strings.HasPrefix(l, "\t") || strings.HasPrefix(l, " ")
		}
		switch {
		case all:
			b.WriteString(".EX\n")
			for _, l := range lines {
				l = strings.TrimPrefix(l, "\t")
				if l2, ok := strings.CutPrefix(l, "    "); ok {
					l = l2
				}
				b.WriteString(roffLine(l) + "\n")
			}
			b.WriteString(".EE\n")
		case some:
			b.WriteString(".nf\n")
			for _, l := range lines {
				b.WriteString(roffCode(roffLine(l)) + "\n")
			}
			b.WriteString(".fi\n")
		default:
			for _, l := range lines {
				b.WriteString(roffCode(roffLine(strings.TrimSpace(l))) + "\n")
			}
		}
	}
}

// roffHeading reports whether l is a Markdown heading and returns its text.
func roffHeading(l string) (string, bool) {
	t := strings.TrimLeft(l, "#")
	if len(t) == len(l) || len(l)-len(t) > 6 || !strings.HasPrefix(t, " ") {
		return "", false
	}
	return strings.TrimSpace(t), true
}

// roffCode sets `code` spans in bold (on roff-escaped text).
func roffCode(s string) string {
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i+1:], '`')
		if j < 0 {
			return s
		}
		s = s[:i] + `\fB` + s[i+1:i+1+j] + `\fR` + s[i+2+j:]
	}
}

// roffText escapes text for roff: backslashes.
func roffText(s string) string { return strings.ReplaceAll(s, `\`, `\e`) }

// roffLine escapes one line of text: a leading dot or apostrophe would
// start a request.
func roffLine(s string) string {
	s = roffText(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffQuote is a .TH argument: quoted, inner quotes doubled.
func roffQuote(s string) string { return `"` + strings.ReplaceAll(roffText(s), `"`, `""`) + `"` }
