package generators

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// iptables: one file per side, firewall/<side>.iptables, in
// iptables-restore format. It declares only ftpswiz's own chains
// (FTPSWIZ-INPUT, ...): `iptables-restore --noflush` flushes a declared user
// chain and reloads it, and leaves every other chain alone. The jump from the
// built-in chain is in the file too (issue 10: the file alone is complete),
// so the file is applied once: a second run adds a second jump, harmless
// (the chain's rules match the same packets) and removed by running the
// remove commands once more.

type iptView struct {
	Title   string
	Command string
	Intro   []string
	Tables  []iptTableView
}

type iptTableView struct {
	Name   string
	Chains []iptChainView
	// Jumps insert the jump into each of ftpswiz's chains at the top of its
	// built-in chain: part of the file, so the file alone is complete.
	Jumps []string
}

type iptChainView struct {
	Name    string
	Comment []string
	Rules   []fwRuleView
}

func renderIptables(p *wizard.Plan) ([]File, error) {
	var out []File
	b := fwBackendOf(fwKindIptables)
	for _, side := range p.Sides() {
		if !b.SuitsIn(p, side) {
			continue // a router of another kind: its own file
		}
		rs, err := buildRuleset(p, side)
		if err != nil {
			return nil, fmt.Errorf("iptables %s: %w", side, err)
		}
		content, err := templates.Render("firewall-iptables.tmpl", iptViewOf(rs))
		if err != nil {
			return nil, fmt.Errorf("iptables %s: %w", side, err)
		}
		out = append(out, b.File(side, iptCtx(rs), content))
	}
	return out, nil
}

// iptCtx is what the usage of a side's iptables file depends on.
func iptCtx(rs fwRuleset) fwStepCtx {
	return fwStepCtx{NAT: len(rs.NAT) > 0, Hooks: iptablesHooks(rs), Shared: rs.Shared(), Router: !fwHostSide(rs.Side)}
}

func iptablesPath(side wizard.Side) string { return fwBackendOf(fwKindIptables).Path(side) }

// iptChainName is ftpswiz's own chain for a hook ("FTPSWIZ-INPUT").
func iptChainName(hook string) string { return "FTPSWIZ-" + strings.ToUpper(hook) }

// iptablesHook is one jump from a built-in chain into ftpswiz's chain.
type iptablesHook struct {
	Table   string // "filter" or "nat"
	BuiltIn string // "INPUT"
	Chain   string // "FTPSWIZ-INPUT"
}

func (h iptablesHook) table() []string {
	if h.Table == "filter" {
		return nil
	}
	return []string{"-t", h.Table}
}

// Line is the jump as an iptables-restore line.
func (h iptablesHook) Line() string {
	return "-I " + h.BuiltIn + " 1 -m comment --comment \"ftpswiz jump\" -j " + h.Chain
}

// Remove deletes the jump and the chain.
func (h iptablesHook) Remove() Cmd {
	return Sh("iptables").Arg(h.table()...).Arg("-D", h.BuiltIn, "-m", "comment", "--comment", "ftpswiz jump", "-j", h.Chain).GlueOp(";").
		Arg("iptables").Arg(h.table()...).Arg("-F", h.Chain).GlueOp(";").
		Arg("iptables").Arg(h.table()...).Arg("-X", h.Chain)
}

func iptablesHooks(rs fwRuleset) []iptablesHook {
	var out []iptablesHook
	for _, c := range rs.Filter {
		out = append(out, iptablesHook{Table: "filter", BuiltIn: strings.ToUpper(c.Hook), Chain: iptChainName(c.Hook)})
	}
	for _, c := range rs.NAT {
		out = append(out, iptablesHook{Table: "nat", BuiltIn: strings.ToUpper(c.Hook), Chain: iptChainName(c.Hook)})
	}
	return out
}

func iptViewOf(rs fwRuleset) iptView {
	intro := append(fwBackendOf(fwKindIptables).HeaderLines(rs.Side, iptCtx(rs)), "#")
	if rs.Shared() {
		intro = append(intro, fwCommentLines("# ",
			"How it fits into your firewall (this box is shared): the rules below only add. --noflush keeps every other chain; this file declares only ftpswiz's own chains, which accept the file-transfer flows and RETURN everything else to your built-in chain, where your own rules and policy decide as before. The jump into each one is the first rule of its built-in chain (the -I lines at the end of each table).")...)
	} else {
		intro = append(intro, fwCommentLines("# ",
			"How it fits into an existing firewall: --noflush keeps every other chain; this file declares only ftpswiz's own chains, which iptables-restore empties and refills. The jump into each one is inserted as the first rule of the built-in chain (the -I lines at the end of each table), and a chain with policy drop ends in DROP: what it does not accept is dropped, whatever rules follow in the built-in chain (this box is dedicated: this is its complete policy). On a box with its own firewall rules, say firewall use: shared.")...)
	}
	intro = append(intro, "#")
	intro = append(intro, fwCommentLines("# ", "IPv4 only: ip6tables is not touched; ftpswiz plans IPv4.")...)
	for _, n := range rs.Notes {
		intro = append(intro, "#")
		intro = append(intro, fwCommentLines("# ", n)...)
	}
	v := iptView{Title: fwTitle(rs.Side, "iptables rules (iptables-restore format)"), Command: fwRegenerate, Intro: intro}
	var fj, nj []string
	for _, h := range iptablesHooks(rs) {
		if h.Table == "filter" {
			fj = append(fj, h.Line())
		} else {
			nj = append(nj, h.Line())
		}
	}
	if len(rs.Filter) > 0 {
		v.Tables = append(v.Tables, iptTableView{Name: "filter", Chains: iptChains(rs.Filter), Jumps: fj})
	}
	if len(rs.NAT) > 0 {
		v.Tables = append(v.Tables, iptTableView{Name: "nat", Chains: iptChains(rs.NAT), Jumps: nj})
	}
	return v
}

func iptChains(chains []fwChain) []iptChainView {
	var out []iptChainView
	for _, c := range chains {
		name := iptChainName(c.Hook)
		cv := iptChainView{Name: name, Comment: fwCommentLines("# ", name+": "+c.Why)}
		for _, r := range c.Rules {
			lines := iptRuleLines(name, r)
			if len(lines) == 0 {
				continue // IPv6-only rule
			}
			cv.Rules = append(cv.Rules, fwRuleView{Comment: fwRuleComment("# ", r), Text: strings.Join(lines, "\n")})
		}
		if c.Policy == "" {
			cv.Rules = append(cv.Rules, fwRuleView{
				Comment: []string{"# Everything else goes back to your own rules, unchanged."},
				Text:    "-A " + name + " -m comment --comment \"ftpswiz return\" -j RETURN",
			})
		}
		if c.Policy == "drop" {
			cv.Rules = append(cv.Rules, fwRuleView{
				Comment: []string{"# The chain's policy: drop everything not accepted above."},
				Text:    "-A " + name + " -m comment --comment \"ftpswiz policy drop\" -j DROP",
			})
		}
		out = append(out, cv)
	}
	return out
}

// iptPorts formats a range the iptables way: "21" or "50000:50074".
func iptPorts(r wizard.PortRange) string {
	if r.Single() {
		return strconv.Itoa(r.First)
	}
	return fmt.Sprintf("%d:%d", r.First, r.Last)
}

// iptRuleLines is the rule as iptables-restore lines: one per source
// address and ICMP type. IPv6-only rules give none.
func iptRuleLines(chain string, r fwRule) []string {
	if r.Family == "ip6" || r.Proto == "icmpv6" {
		return nil
	}
	srcs := r.Src
	if len(srcs) == 0 {
		srcs = []string{""}
	}
	icmps := r.ICMP
	if len(icmps) == 0 {
		icmps = []string{""}
	}
	var out []string
	for _, src := range srcs {
		for _, icmp := range icmps {
			out = append(out, iptRuleLine(chain, r, src, icmp))
		}
	}
	return out
}

func iptRuleLine(chain string, r fwRule, src, icmp string) string {
	m := []string{"-A", chain}
	if r.InIf != "" {
		if r.InIfNot {
			m = append(m, "!")
		}
		m = append(m, "-i", r.InIf)
	}
	if r.OutIf != "" {
		m = append(m, "-o", r.OutIf)
	}
	if src != "" {
		m = append(m, "-s", src)
	}
	if r.Dst != "" {
		m = append(m, "-d", r.Dst)
	}
	switch r.Proto {
	case "tcp":
		m = append(m, "-p", "tcp", "-m", "tcp")
		if !r.SPorts.IsZero() {
			m = append(m, "--sport", iptPorts(r.SPorts))
		}
		if !r.DPorts.IsZero() {
			m = append(m, "--dport", iptPorts(r.DPorts))
		}
	case "icmp":
		m = append(m, "-p", "icmp", "-m", "icmp", "--icmp-type", icmp)
	}
	if r.CtDNAT {
		m = append(m, "-m", "conntrack", "--ctstate", "DNAT")
	}
	if len(r.CtState) > 0 {
		m = append(m, "-m", "conntrack", "--ctstate", strings.ToUpper(strings.Join(r.CtState, ",")))
	}
	if r.Tag != "" {
		m = append(m, "-m", "comment", "--comment", strconv.Quote(r.Tag))
	}
	switch r.Verdict {
	case "accept":
		m = append(m, "-j", "ACCEPT")
	case "drop":
		m = append(m, "-j", "DROP")
	case "dnat":
		m = append(m, "-j", "DNAT", "--to-destination", r.NATTo)
	case "snat":
		m = append(m, "-j", "SNAT", "--to-source", r.NATTo)
	case "masquerade":
		m = append(m, "-j", "MASQUERADE")
	}
	return strings.Join(m, " ")
}
