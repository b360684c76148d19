package generators

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// nftables: one file per side, firewall/<side>.nft, with ftpswiz's own
// tables (inet ftpswiz for filtering, ip ftpswiz_nat for NAT), each written
// as declare / delete / define so that `nft -f` can be re-run and replaces
// only ftpswiz's tables.

const (
	nftFilterTable = "ftpswiz"
	nftNATTable    = "ftpswiz_nat"
)

type nftView struct {
	Title   string
	Command string
	Intro   []string
	// Adds are ftpswiz's chains inside the box's own table (shared box).
	Adds   []nftAddView
	Tables []nftTableView
}

// nftAddView is one chain of ftpswiz's inside the box's own table, and the
// jump to it from the box's base chain.
type nftAddView struct {
	Comment []string
	Table   string // "inet filter"
	Chain   string // "ftpswiz_forward"
	Base    string // "forward"
	Rules   []fwRuleView
}

// nftJump is one chain a shared file adds, jumped to from a base chain.
type nftJump struct {
	Table, Base, Chain string
}

// nftJumps are the chains a shared ruleset adds to the box's table.
func nftJumps(rs fwRuleset) []nftJump {
	if !rs.Shared() {
		return nil
	}
	var out []nftJump
	for _, c := range rs.Filter {
		base := c.Hook
		if c.Hook != "output" {
			base = rs.Box.NftChain
		}
		out = append(out, nftJump{Table: rs.Box.NftTable, Base: base, Chain: "ftpswiz_" + c.Hook})
	}
	return out
}

// nftCtx is what the usage of a side's nftables file depends on.
func nftCtx(rs fwRuleset) fwStepCtx {
	return fwStepCtx{NAT: len(rs.NAT) > 0, Shared: rs.Shared(), Jumps: nftJumps(rs), Router: !fwHostSide(rs.Side), V6: rsHasV6(rs),
		Install: "ftpswiz-" + string(rs.Side) + ".nft", RHEL: rs.RHEL}
}

// nftSharedSteps is the usage of a file that adds to the box's own table.
func nftSharedSteps(c fwStepCtx) Desc {
	var remove []string
	var show []Cmd
	for _, j := range c.Jumps {
		remove = append(remove, fmt.Sprintf(`nft -a list chain %s %s, nft delete rule %s %s handle N for each rule commented "ftpswiz jump", then nft delete chain %s %s`,
			j.Table, j.Base, j.Table, j.Base, j.Table, j.Chain))
		show = append(show, Sh("nft", "list", "chain").Arg(strings.Fields(j.Table)...).Arg(j.Base))
	}
	if c.NAT {
		remove = append(remove, "nft delete table ip "+nftNATTable)
	}
	persist := fwPersistNft(c)
	return Desc{
		Apply:       []Cmd{nftSharedApply(c.Jumps)},
		ApplyNote:   "it adds to your own table and changes nothing else; re-running it is safe: in the same transaction it first deletes the jump an earlier run inserted (by its handle), then refills ftpswiz's chains",
		Check:       []Cmd{Sh("nft", "-c", "-f").File()},
		Show:        show,
		RemoveText:  strings.Join(remove, "; "),
		PersistCmds: persist.PersistCmds,
		PersistOn:   persist.PersistOn,
		Persist:     persist.Persist,
	}
}

// nftSharedApply is the apply command of a shared box's file: one nft
// transaction that deletes the jumps an earlier apply inserted (found by
// their comment, "ftpswiz jump", and deleted by handle) and then loads the
// file, so re-applying leaves one jump per base chain. nft 1.0.6 (Debian
// 12) has no "insert unless present". test -f first: without the file
// (run in another directory), nft would get only the delete lines and
// take the jumps away, exiting 0.
//
//	test -f FILE && { nft -a list chain inet filter input | sed -n 's/.../delete rule inet filter input handle \1/p'; cat FILE; } | nft -f -
func nftSharedApply(jumps []nftJump) Cmd {
	c := Sh("test", "-f").File().Op("&&", "{")
	for _, j := range jumps {
		c = c.Arg("nft", "-a", "list", "chain").Arg(strings.Fields(j.Table)...).Arg(j.Base).Op("|").
			Arg("sed", "-n", `s/.*comment "ftpswiz jump" # handle \([0-9][0-9]*\)$/delete rule `+j.Table+" "+j.Base+` handle \1/p`).GlueOp(";")
	}
	return c.Arg("cat").File().GlueOp(";").Op("}", "|").Arg("nft", "-f", "-")
}

type nftTableView struct {
	Family  string
	Name    string
	Comment []string
	Chains  []nftChainView
}

type nftChainView struct {
	Hook     string
	Type     string
	Priority string
	Policy   string
	Comment  []string
	Rules    []fwRuleView
}

// fwRuleView is one rendered rule: comment lines and the rule itself.
type fwRuleView struct {
	Comment []string
	Text    string
}

func renderNft(p *wizard.Plan) ([]File, error) {
	var out []File
	bk := fwBackendOf(fwKindNft)
	for _, side := range p.Sides() {
		if !bk.SuitsIn(p, side) {
			continue // a router of another kind: its own file
		}
		rs, err := buildRuleset(p, side)
		if err != nil {
			return nil, fmt.Errorf("nftables %s: %w", side, err)
		}
		b, err := templates.Render("firewall-nft.tmpl", nftViewOf(rs))
		if err != nil {
			return nil, fmt.Errorf("nftables %s: %w", side, err)
		}
		out = append(out, bk.File(side, nftCtx(rs), b))
	}
	return out, nil
}

func nftPath(side wizard.Side) string { return fwBackendOf(fwKindNft).Path(side) }

func nftViewOf(rs fwRuleset) nftView {
	intro := append(fwBackendOf(fwKindNft).HeaderLines(rs.Side, nftCtx(rs)), "#")
	if rs.Shared() {
		return nftSharedView(rs, intro)
	}
	intro = append(intro, fwCommentLines("# ",
		"How it fits into an existing firewall: this file touches only its own tables. nftables runs the base chains of every table on a hook one after the other: an accept here does not override a drop in another table, and a drop anywhere is final. So this file (firewall use: dedicated, a complete policy) is for a box without another nftables firewall; on a box with its own nftables firewall or other traffic, say firewall use: shared in the answers: ftpswiz then writes rules that only add, inside your own table (otherwise your drop still drops these flows, and this file's drop policy drops what yours allows).")...)
	intro = append(intro, "#")
	intro = append(intro, fwCommentLines("# ", nftIPv6Note(rs))...)
	for _, n := range rs.Notes {
		intro = append(intro, "#")
		intro = append(intro, fwCommentLines("# ", n)...)
	}
	v := nftView{Title: fwTitle(rs.Side, "nftables rules"), Command: fwRegenerate, Intro: intro}
	filter := nftTableView{Family: "inet", Name: nftFilterTable,
		Comment: []string{"# Filter rules (IPv4 and IPv6)."}}
	for _, c := range rs.Filter {
		filter.Chains = append(filter.Chains, nftChain(c, "filter", "filter"))
	}
	v.Tables = append(v.Tables, filter)
	if len(rs.NAT) > 0 {
		v.Tables = append(v.Tables, nftNATView(rs))
	}
	return v
}

// nftSharedView is the file of a shared box: ftpswiz's chains inside the
// box's own table, each jumped to from the box's base chain, and NAT in
// ftpswiz's own NAT table (NAT chains only translate, they never drop).
func nftSharedView(rs fwRuleset, intro []string) nftView {
	intro = append(intro, fwCommentLines("# ", fmt.Sprintf(
		"How it fits into your firewall (this box is shared): the rules below only add. They go into your own table %s: "+
			"a chain of ftpswiz's own, filled with the accept rules of the file-transfer flows, and one jump to it at the top of your base chain. "+
			"A packet they do not accept returns to your chain and goes on through your rules unchanged; your policy, your other rules "+
			"and every other flow stay as they were. If %s or its chain does not exist, nft -c and nft -f fail and change nothing: "+
			"give its real name in the answers (firewall: {nft_table: ..., nft_chain: ...}; nft list ruleset shows it).", rs.Box.NftTable, rs.Box.NftTable))...)
	intro = append(intro, "#")
	ipv6 := "IPv6: nothing changes for IPv6 (the plan has IPv4 flows only, so only IPv4 rules are added); your own rules keep deciding."
	if rsHasV6(rs) {
		ipv6 = "IPv6: the ip6 rules below are the plan's IPv6 flows (routed without NAT); every other IPv6 packet goes on through your own rules."
	}
	intro = append(intro, fwCommentLines("# ", ipv6)...)
	for _, n := range rs.Notes {
		intro = append(intro, "#")
		intro = append(intro, fwCommentLines("# ", n)...)
	}
	v := nftView{Title: fwTitle(rs.Side, "nftables rules (added to your own firewall)"), Command: fwRegenerate, Intro: intro}
	for i, j := range nftJumps(rs) {
		c := rs.Filter[i]
		a := nftAddView{Comment: fwCommentLines("# ", j.Chain+": "+c.Why), Table: j.Table, Chain: j.Chain, Base: j.Base}
		for _, r := range c.Rules {
			a.Rules = append(a.Rules, fwRuleView{Comment: fwRuleComment("# ", r), Text: nftRuleText(r)})
		}
		v.Adds = append(v.Adds, a)
	}
	if len(rs.NAT) > 0 {
		v.Tables = append(v.Tables, nftNATView(rs))
	}
	return v
}

func nftNATView(rs fwRuleset) nftTableView {
	nat := nftTableView{Family: "ip", Name: nftNATTable, Comment: []string{"# NAT rules (IPv4)."}}
	for _, c := range rs.NAT {
		prio := "dstnat"
		if c.Hook == "postrouting" {
			prio = "srcnat"
		}
		nat.Chains = append(nat.Chains, nftChain(c, "nat", prio))
	}
	return nat
}

// nftIPv6Note says what the inet table does with IPv6.
func nftIPv6Note(rs fwRuleset) string {
	for _, c := range rs.Filter {
		for _, r := range c.Rules {
			if r.FromFlow && r.Family == "ip6" {
				return "IPv6: the filter table is inet, so one table holds both families: the ip6 rules below are the IPv6 flows (routed without NAT), and the ICMPv6 that IPv6 needs passes."
			}
		}
	}
	return "IPv6: the filter table is inet, so it covers IPv6 too: only the ICMPv6 that IPv6 needs passes; ftpswiz plans IPv4."
}

func nftChain(c fwChain, typ, prio string) nftChainView {
	v := nftChainView{Hook: c.Hook, Type: typ, Priority: prio, Policy: c.Policy,
		Comment: fwCommentLines("# ", c.Why)}
	for _, r := range c.Rules {
		v.Rules = append(v.Rules, fwRuleView{Comment: fwRuleComment("# ", r), Text: nftRuleText(r)})
	}
	return v
}

// fwRuleComment is the comment block above a rule.
func fwRuleComment(prefix string, r fwRule) []string {
	why := r.Why
	if r.Warning {
		why = "WARNING: " + why
	}
	return fwCommentLines(prefix, why)
}

// fwCommentLines wraps text into comment lines.
func fwCommentLines(prefix, text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(templates.Comment(prefix, text), "\n")
}

func fwTitle(side wizard.Side, what string) string {
	return fmt.Sprintf("%s (%s): %s", side.Title(), side, what)
}

// nftPorts formats a range the nft way: "21" or "50000-50074".
func nftPorts(r wizard.PortRange) string { return r.String() }

func nftSet(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return "{ " + strings.Join(items, ", ") + " }"
}

func nftRuleText(r fwRule) string {
	var m []string
	if r.InIf != "" {
		op := ""
		if r.InIfNot {
			op = "!= "
		}
		m = append(m, "iifname "+op+strconv.Quote(r.InIf))
	}
	if r.OutIf != "" {
		m = append(m, "oifname "+strconv.Quote(r.OutIf))
	}
	ipMatch := false
	fam, nfproto := "ip", "ipv4"
	if r.Family == "ip6" {
		fam, nfproto = "ip6", "ipv6"
	}
	if len(r.Src) > 0 {
		m = append(m, fam+" saddr "+nftSet(r.Src))
		ipMatch = true
	}
	if r.Dst != "" {
		m = append(m, fam+" daddr "+r.Dst)
		ipMatch = true
	}
	switch r.Proto {
	case "tcp":
		if r.Family != "" && !ipMatch {
			m = append(m, "meta nfproto "+nfproto)
		}
		if r.SPorts.IsZero() && r.DPorts.IsZero() {
			m = append(m, "meta l4proto tcp")
		}
		if !r.SPorts.IsZero() {
			m = append(m, "tcp sport "+nftPorts(r.SPorts))
		}
		if !r.DPorts.IsZero() {
			m = append(m, "tcp dport "+nftPorts(r.DPorts))
		}
	case "icmp", "icmpv6":
		m = append(m, r.Proto+" type "+nftSet(r.ICMP))
	default:
		if r.Family != "" && !ipMatch {
			m = append(m, "meta nfproto "+nfproto)
		}
	}
	if r.CtDNAT {
		m = append(m, "ct status dnat")
	}
	if len(r.CtState) > 0 {
		m = append(m, "ct state "+strings.Join(r.CtState, ","))
	}
	switch r.Verdict {
	case "dnat", "snat":
		m = append(m, r.Verdict+" to "+r.NATTo)
	default:
		m = append(m, r.Verdict)
	}
	if r.Tag != "" {
		m = append(m, "comment "+strconv.Quote(r.Tag))
	}
	return strings.Join(m, " ")
}
