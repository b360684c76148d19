package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// panelSection is a titled block of the side panel. A line "LABEL\tTEXT"
// shows LABEL in bold with TEXT wrapped beside it (hanging indent); a line
// "• TEXT" wraps under its text.
type panelSection struct {
	Title string
	Lines []string
	Warn  bool
}

// explain returns the panel's explanation of the focused question: the
// choice under the cursor (what it is, what it changes), or a live preview
// for the questions that size something.
func explain(sp spec, d *draft, def defaults) []panelSection {
	q := sp.q
	if sp.hovered != nil {
		v := sp.hovered()
		c, ok := q.Choice(v)
		if !ok {
			return nil
		}
		var lines []string
		if c.Picture != "" {
			lines = append(lines, c.Picture, "")
		}
		lines = append(lines, c.What, "", effectLine(q, c))
		title := c.Label
		if sp.selected != nil {
			if sp.selected(v) {
				title = "✓ " + title
			} else {
				title = "· " + title + " (not chosen)"
			}
		}
		return []panelSection{{Title: title, Lines: lines}}
	}
	var secs []panelSection
	if q.Key == wizard.QTransfers || q.Key == wizard.QPassiveStart {
		secs = append(secs, sizingPreview(d))
	}
	lines := []string{q.Effect}
	if q.Example != "" {
		lines = append(lines, "", "Example: "+q.Example)
	}
	secs = append(secs, panelSection{Title: "What it changes", Lines: lines})
	switch q.Key {
	case wizard.QServerPublic, wizard.QServerHost, wizard.QServerRouter, wizard.QServerRouterWAN, wizard.QServerRouterLAN,
		wizard.QClientRouter, wizard.QClientRouterWAN, wizard.QClientRouterLAN, wizard.QClientLAN, wizard.QAdminNetwork:
		lines := def.Interfaces
		if q.Key == wizard.QClientRouter && d.Role == wizard.RoleClient && def.HostNet != "" {
			// Planning only the client, the wizard most likely runs on
			// the client network: offer this machine's network.
			lines = append([]string{"Network: " + def.HostNet + " (the LAN network, if the clients are on it)"}, lines...)
		}
		if len(lines) > 0 {
			secs = append(secs, panelSection{Title: "On this machine", Lines: lines})
		}
	case wizard.QServerHostNftTable, wizard.QServerHostNftChain:
		if chains, ok := def.serverHostChains(d); ok {
			lines := []string{"This machine is the server host. Its nftables base chains on hook input (the first is offered):"}
			for _, c := range chains {
				policy := c.Policy
				if policy == "" {
					policy = "-"
				}
				lines = append(lines, "• "+c.TableName()+", chain "+c.Name+" (policy "+policy+"; "+c.Source+")")
			}
			secs = append(secs, panelSection{Title: "On this machine", Lines: lines})
		}
	}
	return secs
}

// effectLine says what a choice changes: in the output, or for the
// recommendation's questions in the recommendation.
func effectLine(q wizard.Question, c wizard.Choice) string {
	if q.Key == wizard.QPartnerFTPS || q.Key == wizard.QClientCertificates {
		return c.Effect
	}
	return "In the output: " + c.Effect
}

// sizingPreview shows the passive range the concurrency implies, with the
// failure probability of vsftpd's random port choice.
func sizingPreview(d *draft) panelSection {
	n, err := strconv.Atoi(strings.TrimSpace(d.Transfers))
	sec := panelSection{Title: "Passive range"}
	if err != nil || n < 1 {
		sec.Lines = []string{"Type the number of transfers running at once to see the range it needs."}
		return sec
	}
	if n > wizard.MaxTransfers {
		sec.Warn = true
		sec.Lines = []string{fmt.Sprintf("More than %d transfers is beyond one vsftpd host: spread them over several servers.", wizard.MaxTransfers)}
		return sec
	}
	start := atoi(d.PassiveStart)
	if start == 0 {
		start = wizard.DefaultPassiveStart
	}
	sz := wizard.SizePassive(wizard.SizedTransfers(d.Mode, n), wizard.DefaultTargetFailureRate)
	r := wizard.PortRange{First: start, Last: start + sz.Ports - 1}
	sec.Lines = []string{
		fmt.Sprintf("%s (%d ports)", r, sz.Ports),
		"",
		fmt.Sprintf("At %d transfers a PASV fails with probability %s.", sz.Transfers, wizard.FormatProbability(sz.Failure)),
	}
	for _, l := range sz.Loads {
		if l.Transfers > n {
			sec.Lines = append(sec.Lines, fmt.Sprintf("At %d: %s", l.Transfers, wizard.FormatProbability(l.Failure)))
		}
	}
	sec.Lines = append(sec.Lines, "",
		fmt.Sprintf("Why: vsftpd tries %d random ports of the range per PASV and drops the session if all are busy, so P(fail) = (N/R)^%d.",
			wizard.BindAttempts, wizard.BindAttempts))
	if r.Last > 65535 {
		sec.Warn = true
		sec.Lines = append(sec.Lines, "", "The range runs past 65535: lower the first port (TLS and server settings).")
	}
	return sec
}

// protocolSections are the panel of the protocol steps: the focused
// question's explanation; on the protocol question the recommendation with
// its reasons and caveats; then FTPS and SFTP compared aspect by aspect.
// The panel scrolls (pgup/pgdn).
func protocolSections(explained []panelSection, focused string, rec wizard.Recommendation) []panelSection {
	var secs []panelSection
	if focused == wizard.QProtocol {
		name := protocolName(rec.Protocol)
		secs = append(secs, panelSection{Title: "Recommended: " + name, Lines: bullets(rec.Reasons)})
		for i := range explained {
			if explained[i].Title == choiceLabel(rec.Protocol) {
				explained[i].Title = "✓ " + explained[i].Title
			}
		}
		secs = append(secs, explained...)
		if len(rec.Caveats) > 0 {
			secs = append(secs, panelSection{Title: "Keep in mind with " + name, Lines: bullets(rec.Caveats)})
		}
	} else {
		secs = append(secs, explained...)
	}
	return append(secs, comparisonSections()...)
}

// choiceLabel is the protocol question's label of a protocol.
func choiceLabel(p wizard.Protocol) string {
	q, _ := wizard.QuestionFor(wizard.ProtocolFTPS, wizard.QProtocol)
	c, _ := q.Choice(string(p))
	return c.Label
}

// protocolName is FTPS or SFTP.
func protocolName(p wizard.Protocol) string {
	if p == wizard.ProtocolSFTP {
		return "SFTP"
	}
	return "FTPS"
}

func bullets(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = "• " + x
	}
	return out
}

// comparisonSections is wizard.Comparison compactly: a heading per
// aspect, the FTPS and SFTP texts under it.
func comparisonSections() []panelSection {
	rows := wizard.Comparison()
	secs := make([]panelSection, 0, len(rows)+1)
	secs = append(secs, panelSection{Title: "FTPS and SFTP side by side",
		Lines: []string{"pgdn/pgup scroll this panel; `ftpswiz compare` prints the table."}})
	for _, r := range rows {
		secs = append(secs, panelSection{Title: r.Aspect, Lines: []string{"FTPS\t" + r.FTPS, "SFTP\t" + r.SFTP}})
	}
	return secs
}

// summary is the "your setup so far" block: the answers of the steps before
// the current one, in a few lines.
func summary(d *draft, upTo step) panelSection {
	sec := panelSection{Title: "Your setup so far"}
	add := func(s step, line string) {
		if s < upTo && d.applies(s) {
			sec.Lines = append(sec.Lines, line)
		}
	}
	add(stepProtocol, "Protocol: "+protocolName(d.protocol()))
	add(stepRole, "Role: "+string(d.Role))
	if d.setupDecides() {
		add(stepSetup, "NAT: server "+string(d.ServerNAT)+", client "+string(d.ClientNAT))
	}
	add(stepServerNAT, "Server NAT: "+string(d.ServerNAT))
	if d.ServerNAT.Behind() {
		add(stepServerAddress, "Server: "+d.Public+" → "+d.Host)
	} else {
		add(stepServerAddress, "Server: "+d.Public)
	}
	sftp := "Port " + strings.TrimSpace(d.SFTPPort)
	if users := splitList(d.SFTPUsers); d.Role.HasServer() && len(users) > 0 {
		sftp += ", " + strings.Join(users, ", ")
	}
	if d.SFTPPassword == "yes" {
		sftp += ", passwords"
	} else {
		sftp += ", keys only"
	}
	add(stepSFTP, "SFTP: "+sftp)
	add(stepMode, "Mode: "+string(d.Mode))
	// SFTP has no passive range (its draft keeps FTPS's defaults unused).
	if n := atoi(d.Transfers); n > 0 && n <= wizard.MaxTransfers && !d.sftp() {
		start := atoi(d.PassiveStart)
		if start == 0 {
			start = wizard.DefaultPassiveStart
		}
		ports := wizard.PassivePortsFor(wizard.SizedTransfers(d.Mode, n), wizard.DefaultTargetFailureRate)
		add(stepServerAddress, fmt.Sprintf("Passive: %s (%d transfers)", wizard.PortRange{First: start, Last: start + ports - 1}, n))
	}
	add(stepClientNAT, "Client NAT: "+string(d.ClientNAT))
	if d.sftp() {
		add(stepSoftware, "Clients: "+joinValues(d.SFTPSoftware))
	} else {
		add(stepSoftware, "Clients: "+joinValues(d.Software))
	}
	add(stepFirewalls, "Firewalls: "+joinValues(d.Firewalls))

	return sec
}

func joinValues[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// renderSections lays the sections out in width columns and at most height
// lines (0: no limit), dropping whole trailing sections first and cutting
// the last one if it still does not fit.
func renderSections(secs []panelSection, width, height int, st styles) string {
	var blocks []string
	for _, s := range secs {
		if len(s.Lines) == 0 {
			continue
		}
		var b strings.Builder
		title := st.PanelTitle
		if s.Warn {
			title = st.Warning
		}
		b.WriteString(title.Render(wrap(width, s.Title)))
		for _, l := range s.Lines {
			b.WriteString("\n")
			switch label, text, ok := strings.Cut(l, "\t"); {
			case ok:
				b.WriteString(hang(st.Label.Render(label)+" ", text, lipgloss.Width(label)+1, width))
			case strings.HasPrefix(l, "• "):
				b.WriteString(hang("• ", strings.TrimPrefix(l, "• "), 2, width))
			case l != "":
				b.WriteString(wrap(width, l))
			}
		}
		blocks = append(blocks, b.String())
	}
	out := strings.Join(blocks, "\n\n")
	if height <= 0 {
		return out
	}
	for len(blocks) > 1 && lineCount(out) > height {
		blocks = blocks[:len(blocks)-1]
		out = strings.Join(blocks, "\n\n")
	}
	return clipLines(out, height)
}

// hang writes prefix (indent columns wide) and text wrapped beside it,
// continuation lines indented under the text.
func hang(prefix, text string, indent, width int) string {
	lines := strings.Split(wrap(width-indent, text), "\n")
	pad := strings.Repeat(" ", indent)
	for i := range lines {
		if i == 0 {
			lines[i] = prefix + lines[i]
		} else {
			lines[i] = pad + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }

// clipLines keeps the first n lines of s, marking the cut.
func clipLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if n <= 0 || len(lines) <= n {
		return s
	}
	lines = lines[:n]
	lines[n-1] = "…"
	return strings.Join(lines, "\n")
}
