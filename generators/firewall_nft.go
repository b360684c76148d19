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
	Tables  []nftTableView
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
		rs, err := buildRuleset(p, side)
		if err != nil {
			return nil, fmt.Errorf("nftables %s: %w", side, err)
		}
		b, err := templates.Render("firewall-nft.tmpl", nftViewOf(rs))
		if err != nil {
			return nil, fmt.Errorf("nftables %s: %w", side, err)
		}
		out = append(out, bk.File(side, fwStepCtx{NAT: len(rs.NAT) > 0}, b))
	}
	return out, nil
}

func nftPath(side wizard.Side) string { return fwBackendOf(fwKindNft).Path(side) }

func nftViewOf(rs fwRuleset) nftView {
	intro := append(fwBackendOf(fwKindNft).HeaderLines(rs.Side, fwStepCtx{NAT: len(rs.NAT) > 0}), "#")
	intro = append(intro, fwCommentLines("# ",
		"How it fits into an existing firewall: this file touches only its own tables. nftables runs the base chains of every table on a hook one after the other: an accept here does not override a drop in another table, and a drop anywhere is final. So on a box without another nftables firewall, apply it as is; on a box with its own nftables firewall, merge the accept rules below into your own chains instead of loading this file (otherwise your drop still drops these flows, and this file's drop policy drops what yours allows).")...)
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
		nat := nftTableView{Family: "ip", Name: nftNATTable, Comment: []string{"# NAT rules (IPv4)."}}
		for _, c := range rs.NAT {
			prio := "dstnat"
			if c.Hook == "postrouting" {
				prio = "srcnat"
			}
			nat.Chains = append(nat.Chains, nftChain(c, "nat", prio))
		}
		v.Tables = append(v.Tables, nat)
	}
	return v
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
