package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"

	"github.com/ftpswiz/ftpswiz/generators"
	"github.com/ftpswiz/ftpswiz/internal/outdir"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// portMapTable renders the port map as a table of the given width.
func portMapTable(p *wizard.Plan, width int, st styles) string {
	rows := p.PortMap()
	t := table.New().
		Border(lipgloss.NormalBorder()).
		BorderStyle(lipgloss.NewStyle().Foreground(st.Subtle)).
		Headers("Side", "New conn", "TCP port", "From", "To", "For").
		Width(width).
		Wrap(true).
		StyleFunc(func(row, _ int) lipgloss.Style {
			if row == table.HeaderRow {
				return st.Label
			}
			if row >= 0 && row < len(rows) && rows[row].Warning {
				return lipgloss.NewStyle().Foreground(st.Warn)
			}
			return lipgloss.NewStyle()
		})
	for _, r := range rows {
		t.Row(r.Side, r.Direction, r.PortsShort, r.FromShort, r.ToShort, r.CarriesShort)
	}
	return t.Render()
}

// portMapSentences renders the port map as one sentence per flow, for
// screen readers.
func portMapSentences(p *wizard.Plan) []string {
	var out []string
	for _, r := range p.PortMap() {
		s := fmt.Sprintf("%s: %s %s, %s %s, from %s to %s.", r.Side, r.Direction, r.Carries, r.Protocol, r.Ports, r.From, r.To)
		if r.Warning {
			s = "Warning: " + s
		}
		if r.Why != "" {
			s += " Why: " + r.Why
		}
		out = append(out, s)
	}
	return out
}

// reviewText is the review page, a summary: the port map and each
// decision's one-liner (title: value). The reasons and the pitfalls are
// REPORT.md's part 2; only a warning (a risk the user accepts, or a step left to them) keeps its
// reason here, to be read before writing.
func reviewText(p *wizard.Plan, width int, st styles) string {
	var b strings.Builder
	b.WriteString(st.Heading.Render("Port map: who opens which connections"))
	b.WriteString("\n")
	b.WriteString(wrap(width, "Return traffic (established/related) is allowed on every side; nothing else needs opening."))
	b.WriteString("\n")
	b.WriteString(portMapTable(p, width, st))
	b.WriteString("\n\n")
	b.WriteString(st.Heading.Render("Decisions"))
	b.WriteString("\n")
	for _, d := range p.Decisions {
		if d.Warning {
			b.WriteString(st.Warning.Render(wrap(width, "⚠ "+decisionLine(d))))
			b.WriteString("\n")
			b.WriteString(indent(wrap(width-2, d.Why), "  "))
		} else {
			b.WriteString(st.Label.Render(wrap(width, "▸ "+decisionLine(d))))
		}
		b.WriteString("\n")
	}
	why := "Why each decision was made"
	if n := len(p.Pitfalls); n > 0 {
		why += fmt.Sprintf(", and %d symptoms with their causes and fixes, are", n)
	} else {
		why += " is"
	}
	b.WriteString(st.Dim.Render(wrap(width, why+" in REPORT.md's part 2 (or run ftpswiz explain KEY in the output directory).")))
	return strings.TrimRight(b.String(), "\n")
}

// decisionLine is a decision's one-liner: its title and value, or the title
// alone when the title already ends with the value (a box's use is titled
// "Client host: shared", and "Client host: shared: shared" says it twice).
func decisionLine(d wizard.Decision) string {
	if strings.HasSuffix(d.Title, ": "+d.Value) {
		return d.Title
	}
	return d.Title + ": " + d.Value
}

// filesText lists the files the plan writes, each with what its renderer
// says about it (generators.Desc): what it is and where it is installed.
func filesText(files []generators.File, width int, st styles) string {
	var b strings.Builder
	b.WriteString(st.Heading.Render("Files this plan writes"))
	for _, f := range files {
		d := f.Desc.What
		if f.Desc.Install != "" {
			d += "; install as " + f.Desc.Install
		}
		b.WriteString("\n")
		b.WriteString(st.Label.Render(wrap(width, "• "+f.Path)))
		if d != "" {
			b.WriteString("\n")
			b.WriteString(indent(wrap(width-2, d), "  "))
		}
	}
	return b.String()
}

// recheck recommends a protocol again on all the answers (at the review)
// and returns the recommendation when it differs from the protocol chosen.
func recheck(d *draft) *wizard.Recommendation {
	rec := d.recommend()
	if rec.Protocol == d.protocol() {
		return nil
	}
	return &rec
}

// recheckText tells that the answers point to the other protocol, and why.
func recheckText(d *draft, rec wizard.Recommendation, width int, st styles) string {
	var b strings.Builder
	b.WriteString(st.Warning.Render(wrap(width, fmt.Sprintf("With all your answers ftpswiz recommends %s, not %s:",
		protocolName(rec.Protocol), protocolName(d.protocol())))))
	for _, r := range rec.Reasons {
		b.WriteString("\n")
		b.WriteString(hang("• ", r, 2, width))
	}
	b.WriteString("\n")
	b.WriteString(wrap(width, "Press p to choose again (your answers are kept), or go on with "+protocolName(d.protocol())+"."))
	return b.String()
}

// optionalSettings names what the optional settings step asks.
func optionalSettings(d *draft) string {
	var parts []string
	if !d.sftp() {
		if d.Role.HasServer() {
			parts = append(parts, "the FTPS mode (explicit)", "the transfers at once ("+strings.TrimSpace(d.Transfers)+")", "the passive start")
			if d.TLSSource == wizard.SourceLetsEncrypt {
				parts = append(parts, "the Let's Encrypt e-mail")
			}
			parts = append(parts, "the vsftpd build", "the TLS profile and session reuse")
		}
		parts = append(parts, "active mode")
		if d.Role.HasClient() {
			parts = append(parts, "the client software ("+joinValues(d.Software)+")", "the client login")
		}
		if (d.Role.HasServer() && d.ServerNAT == wizard.NATPortForward) || (d.Role.HasClient() && d.ClientNAT == wizard.ClientNATMasquerade) {
			parts = append(parts, "the firewall each router runs")
		}
		parts = append(parts, "the firewall formats ("+joinValues(d.Firewalls)+")")
	}
	if d.sftp() && d.Role.HasServer() {
		parts = append(parts, "the network allowed to reach SSH", "the networks allowed to use SFTP")
	}
	if d.sftp() && d.Role.HasClient() {
		parts = append(parts, "the login name in the client configs")
	}
	if slices.ContainsFunc(wizard.AllSides(), d.boxAsked) {
		parts = append(parts, "whether each box's firewall is shared or dedicated")
	}
	parts = append(parts, "IPv6")
	if !d.sftp() && d.Role.HasServer() {
		parts = append(parts, "a container for vsftpd")
	}
	if len(parts) > 1 {
		return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
	}
	return strings.Join(parts, "")
}

// problemsText lists the answers the domain refused, with the step that
// asks each one.
func problemsText(fields []*wizard.FieldError, b *builder, width int, st styles) string {
	var out strings.Builder
	out.WriteString(st.Warning.Render("Some answers need fixing before ftpswiz can plan:"))
	out.WriteString("\n\n")
	for _, fe := range fields {
		where := b.stepFor(fe.Field).titleFor(b.d.protocol())
		out.WriteString(st.Label.Render(wrap(width, "• "+fe.Field+" ("+where+")")))
		out.WriteString("\n")
		out.WriteString(indent(wrap(width-2, fieldError(fe).Error()), "  "))
		out.WriteString("\n")
	}
	out.WriteString("\n")
	out.WriteString(wrap(width, "Press enter to go to the first one."))
	return out.String()
}

// changesText lists what writing would do to the output directory, with
// the diff of every changed file.
func changesText(dir string, changes []outdir.Change, width int, st styles) string {
	var b strings.Builder
	var counts [4]int
	for _, c := range changes {
		if int(c.Kind) < len(counts) {
			counts[c.Kind]++
		}
	}
	b.WriteString(st.Heading.Render(wrap(width, fmt.Sprintf("%s: %d new, %d changed, %d unchanged",
		dir, counts[outdir.New], counts[outdir.Changed]+counts[outdir.ModeChanged], counts[outdir.Unchanged]))))
	b.WriteString("\n")
	for _, c := range changes {
		line := fmt.Sprintf("%-10s %s", c.Kind, c.Path)
		switch c.Kind {
		case outdir.Changed, outdir.ModeChanged:
			b.WriteString(st.Warning.Render(line))
		case outdir.New:
			b.WriteString(st.Good.Render(line))
		default:
			b.WriteString(st.Dim.Render(line))
		}
		b.WriteString("\n")
	}
	for _, c := range changes {
		if c.Kind == outdir.ModeChanged {
			fmt.Fprintf(&b, "\n%s: mode %o → %o\n", c.Path, c.OldMode, c.Mode)
		}
		if c.Diff == "" {
			continue
		}
		b.WriteString("\n")
		for _, l := range strings.Split(strings.TrimRight(c.Diff, "\n"), "\n") {
			switch {
			case strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++"):
				b.WriteString(st.Good.Render(l))
			case strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "---"):
				b.WriteString(st.Warning.Render(l))
			default:
				b.WriteString(l)
			}
			b.WriteString("\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// changed reports whether writing would replace existing files.
func changed(changes []outdir.Change) int {
	n := 0
	for _, c := range changes {
		if c.Kind == outdir.Changed || c.Kind == outdir.ModeChanged {
			n++
		}
	}
	return n
}

// wrap breaks text at spaces to the width (at least 10 columns).
func wrap(width int, s string) string {
	return lipgloss.Wrap(s, max(width, 10), " ")
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}
