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
// built-in chain is in the file too (issue 10: the file alone is complete).
// The apply command (iptApply) feeds the file to iptables-restore with, in
// each table, a -D line for every ftpswiz jump the box has already, so a
// second run deletes the earlier jump and inserts the new one in the same
// COMMIT: one jump per chain however often it runs, and no moment without
// one. Loaded by hand with plain `iptables-restore --noflush < file`, a
// second run adds a second jump.

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
		if !hasV6(p.FlowsFor(side)) {
			continue
		}
		content6, err := templates.Render("firewall-iptables.tmpl", ip6ViewOf(rs))
		if err != nil {
			return nil, fmt.Errorf("ip6tables %s: %w", side, err)
		}
		out = append(out, fwBackendOf(fwKindIp6tables).File(side, ip6Ctx(rs), content6))
	}
	return out, nil
}

// iptCtx is what the usage of a side's iptables file depends on.
func iptCtx(rs fwRuleset) fwStepCtx {
	return fwStepCtx{NAT: len(rs.NAT) > 0, Hooks: iptablesHooks(rs), Shared: rs.Shared(), Router: !fwHostSide(rs.Side), V6: rsHasV6(rs), RHEL: rs.RHEL}
}

// ip6Ctx is what the usage of a side's ip6tables file depends on: filter
// chains only (IPv6 is not NATed).
func ip6Ctx(rs fwRuleset) fwStepCtx {
	var hooks []iptablesHook
	for _, c := range rs.Filter {
		hooks = append(hooks, iptablesHook{Tool: "ip6tables", Table: "filter", BuiltIn: strings.ToUpper(c.Hook), Chain: iptChainName(c.Hook)})
	}
	return fwStepCtx{Hooks: hooks, Shared: rs.Shared(), Router: !fwHostSide(rs.Side), V6: true, RHEL: rs.RHEL}
}

// ip6ViewOf is the side's IPv6 rules in ip6tables-restore format.
func ip6ViewOf(rs fwRuleset) iptView {
	intro := append(fwBackendOf(fwKindIp6tables).HeaderLines(rs.Side, ip6Ctx(rs)), "#")
	intro = append(intro, fwCommentLines("# ",
		"IPv6 rules of this side, the companion of "+iptablesPath(rs.Side)+": the same chains and the same flows, for IPv6, which is routed without NAT (so there is no nat table). ICMPv6 is not optional in IPv6: neighbour discovery replaces ARP, and packet too big is the only path-MTU signal (IPv6 routers never fragment), so the rules below let those through.")...)
	v := iptView{Title: fwTitle(rs.Side, "ip6tables rules (ip6tables-restore format)"), Command: fwRegenerate, Intro: intro}
	var jumps []string
	for _, h := range ip6Ctx(rs).Hooks {
		jumps = append(jumps, h.Line())
	}
	if len(rs.Filter) > 0 {
		v.Tables = append(v.Tables, iptTableView{Name: "filter", Chains: iptChainsFamily(rs.Filter, true), Jumps: jumps})
	}
	return v
}

func iptablesPath(side wizard.Side) string { return fwBackendOf(fwKindIptables).Path(side) }

// iptChainName is ftpswiz's own chain for a hook ("FTPSWIZ-INPUT").
func iptChainName(hook string) string { return "FTPSWIZ-" + strings.ToUpper(hook) }

// iptablesHook is one jump from a built-in chain into ftpswiz's chain.
type iptablesHook struct {
	Tool string // "iptables" ("" too) or "ip6tables"
	// Bare: the jump is inserted by the Apply command, without the comment
	// of the jumps written into a restore file.
	Bare    bool
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

func (h iptablesHook) tool() string {
	if h.Tool == "" {
		return "iptables"
	}
	return h.Tool
}

// Apply inserts the jump into ftpswiz's chain unless it is there already
// (the container filter's, re-applied after the engine starts at boot).
func (h iptablesHook) Apply() Cmd {
	t := h.tool()
	return Sh(t).Arg(h.table()...).Arg("-C", h.BuiltIn, "-j", h.Chain).Op("2>/dev/null", "||").
		Arg(t).Arg(h.table()...).Arg("-I", h.BuiltIn, "1", "-j", h.Chain)
}

// Line is the jump as an iptables-restore line.
func (h iptablesHook) Line() string {
	return "-I " + h.BuiltIn + " 1 -m comment --comment \"ftpswiz jump\" -j " + h.Chain
}

// iptApplyProg is the awk program of iptApply, for tool "iptables" or
// "ip6tables": it reads tool-save (the box's rules now), keeps each
// "-A CHAIN -m comment --comment "ftpswiz jump" -j FTPSWIZ-..." line as a
// -D line of its table, then prints the file with those -D lines right
// after its "*table" line. iptables-restore then deletes the old jumps,
// refills ftpswiz's chains and inserts the file's jumps in one COMMIT per
// table, as the nft transaction of a shared nftables file does
// (nftSharedApply). Only the fixed tool name goes into the program.
func iptApplyProg(tool string) string {
	return `BEGIN { while (("` + tool + `-save" | getline l) > 0) { if (l ~ /^\*/) t = l; ` +
		`else if (l ~ /^-A [^ ]+ -m comment --comment "ftpswiz jump" -j FTPSWIZ-/) d[t] = d[t] "-D" substr(l, 3) "\n" } } ` +
		`{ print } /^\*/ { printf "%s", d[$0] }`
}

// iptApply is the apply command of an iptables (tool "iptables") or
// ip6tables file: safe to re-run (iptApplyProg). test -f first: without
// the file, awk would feed iptables-restore nothing and the command would
// succeed having loaded nothing.
//
//	test -f FILE && awk 'BEGIN { ... }' FILE | iptables-restore --noflush
func iptApply(tool string) Cmd {
	return Sh("test", "-f").File().Op("&&").Arg("awk", iptApplyProg(tool)).File().Op("|").Arg(tool+"-restore", "--noflush")
}

// Remove deletes the jump and the chain.
func (h iptablesHook) Remove() Cmd {
	t := h.tool()
	del := []string{"-D", h.BuiltIn, "-m", "comment", "--comment", "ftpswiz jump", "-j", h.Chain}
	if h.Bare {
		del = []string{"-D", h.BuiltIn, "-j", h.Chain}
	}
	return Sh(t).Arg(h.table()...).Arg(del...).GlueOp(";").
		Arg(t).Arg(h.table()...).Arg("-F", h.Chain).GlueOp(";").
		Arg(t).Arg(h.table()...).Arg("-X", h.Chain)
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
	ipv6Note := "IPv4 only: ip6tables is not touched; ftpswiz plans IPv4."
	if rsHasV6(rs) {
		ipv6Note = "IPv4 rules only: the IPv6 rules of this side are in " + fwBackendOf(fwKindIp6tables).Path(rs.Side) + " (ip6tables-restore)."
	}
	intro = append(intro, fwCommentLines("# ", ipv6Note)...)
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

// rsHasV6 reports whether a ruleset allows an IPv6 flow.
func rsHasV6(rs fwRuleset) bool {
	for _, c := range rs.Filter {
		for _, r := range c.Rules {
			if r.FromFlow && r.Family == "ip6" {
				return true
			}
		}
	}
	return false
}

func iptChains(chains []fwChain) []iptChainView { return iptChainsFamily(chains, false) }

// iptChainsFamily lays out the chains for iptables (v6 false) or ip6tables.
func iptChainsFamily(chains []fwChain, v6 bool) []iptChainView {
	var out []iptChainView
	for _, c := range chains {
		name := iptChainName(c.Hook)
		cv := iptChainView{Name: name, Comment: fwCommentLines("# ", name+": "+c.Why)}
		for _, r := range c.Rules {
			lines := iptRuleLines(name, r, v6)
			if len(lines) == 0 {
				continue // a rule of the other family
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

// iptRuleLines is the rule as iptables-restore lines (v6: ip6tables-restore
// lines): one per source address and ICMP type. Rules of the other family
// give none.
func iptRuleLines(chain string, r fwRule, v6 bool) []string {
	if v6 && (r.Family == "ip" || r.Proto == "icmp") {
		return nil
	}
	if !v6 && (r.Family == "ip6" || r.Proto == "icmpv6") {
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
	case "icmpv6":
		m = append(m, "-p", "ipv6-icmp", "-m", "icmp6", "--icmpv6-type", ip6tablesICMPv6(icmp))
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

// ip6tablesICMPv6 is an nft ICMPv6 type name as ip6tables spells it
// (types ip6tables has no name for are given by number).
func ip6tablesICMPv6(nft string) string {
	switch nft {
	case "nd-router-solicit":
		return "router-solicitation"
	case "nd-router-advert":
		return "router-advertisement"
	case "nd-neighbor-solicit":
		return "neighbour-solicitation"
	case "nd-neighbor-advert":
		return "neighbour-advertisement"
	case "mld2-listener-report":
		return "143"
	}
	return nft
}
