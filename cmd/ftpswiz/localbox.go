package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ftpswiz/ftpswiz/firewall"
	"github.com/ftpswiz/ftpswiz/internal/detect"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// localBox is a box of the plan that the machine running ftpswiz is.
type localBox struct {
	Side  wizard.Side
	Why   string // how ftpswiz knows ("10.20.0.2 is one of its addresses")
	Field string // the answers field of the box's firewall
	Hook  string // the hook its shared rules are jumped to from
}

// localBoxes finds the boxes of the plan this machine is, from its
// addresses and interface names: the server host when the plan's host
// address is one of its addresses; the server's Linux router when it has
// the router's WAN and LAN interfaces and the public address.
func localBoxes(p *wizard.Plan, ifaces []detect.Interface) []localBox {
	if p.Server == nil {
		return nil
	}
	has := func(a string) bool { return detect.HasAddress(ifaces, a) }
	named := func(name string) bool {
		return slices.ContainsFunc(ifaces, func(in detect.Interface) bool { return in.Name == name })
	}
	var out []localBox
	if has(p.Server.HostAddress) {
		out = append(out, localBox{Side: wizard.SideServerHost, Field: "server.host_firewall", Hook: "input",
			Why: p.Server.HostAddress + " is one of its addresses"})
	}
	if r := p.Server.Router; r != nil && r.Kind.Linux() && r.WANInterface != "" && named(r.WANInterface) &&
		named(r.LANInterface) && has(p.Server.PublicAddress) {
		out = append(out, localBox{Side: wizard.SideServerRouter, Field: "server.router.firewall", Hook: "forward",
			Why: fmt.Sprintf("it has %s on %s and the interface %s", p.Server.PublicAddress, r.WANInterface, r.LANInterface)})
	}
	return out
}

// localFirewallNotes compares, for each box of the plan that this machine
// is and whose nftables rules only add to its own firewall, the table and
// chain the rules join with the machine's nftables ruleset, and says what
// to change when they are not there. Read-only and best effort: nothing is
// said when the machine is none of the boxes or its ruleset cannot be read.
func localFirewallNotes(ctx context.Context, p *wizard.Plan, det detect.Detector) []string {
	if det == nil || p == nil || !slices.Contains(p.Firewalls, firewall.Nftables) {
		return nil
	}
	ifaces, err := det.Interfaces()
	if err != nil {
		return nil
	}
	var notes []string
	var rs *detect.NftRuleset
	for _, lb := range localBoxes(p, ifaces) {
		if b, ok := p.Box(lb.Side); !ok || !b.Managed {
			continue
		}
		bf, _ := p.BoxFirewall(lb.Side)
		if !bf.Shared() {
			continue
		}
		if rs == nil {
			r, err := det.NftChains(ctx)
			if err != nil {
				return notes
			}
			rs = &r
		}
		notes = append(notes, nftJoinNote(lb, bf, *rs))
	}
	return notes
}

// nftJoinNote says whether the chain a shared box's rules join exists on
// this machine, and if not, what to write in the answers.
func nftJoinNote(lb localBox, bf wizard.BoxFirewall, rs detect.NftRuleset) string {
	box := fmt.Sprintf("this machine is the %s (%s)", lb.Side, lb.Why)
	want := fmt.Sprintf("chain %s of table %s", bf.NftChain, bf.NftTable)
	where := "its live ruleset"
	if !rs.LiveRead {
		where = detect.NftConfPath + " (the live ruleset needs root to read)"
	}
	if c, ok := rs.Find(bf.NftTable, bf.NftChain); ok {
		if c.Hook != lb.Hook {
			return fmt.Sprintf("%s: the nftables rules join %s, which %s has on hook %s, not %s: set %s.nft_chain to the chain on hook %s",
				box, want, where, c.Hook, lb.Hook, lb.Field, lb.Hook)
		}
		return fmt.Sprintf("%s: the nftables rules join %s, which %s has (hook %s, policy %s)", box, want, where, c.Hook, orDash(c.Policy))
	}
	var others []string
	var first detect.NftChain
	for _, c := range rs.Chains() {
		if c.Hook == lb.Hook && (c.Family == "inet" || c.Family == "ip") {
			if others == nil {
				first = c
			}
			others = append(others, fmt.Sprintf("chain %s of table %s", c.Name, c.TableName()))
		}
	}
	if len(others) > 0 {
		return fmt.Sprintf("%s: the nftables rules join %s, which %s does not have; on hook %s it has %s: set %s: {nft_table: %q, nft_chain: %s} in the answers",
			box, want, where, lb.Hook, strings.Join(others, ", "), lb.Field, first.TableName(), first.Name)
	}
	if rs.LiveRead {
		if _, ok := (detect.NftRuleset{Conf: rs.Conf}).Find(bf.NftTable, bf.NftChain); ok {
			return fmt.Sprintf("%s: the nftables rules join %s, which %s declares but the live ruleset does not have: load it first (systemctl enable --now nftables)",
				box, want, detect.NftConfPath)
		}
	}
	return fmt.Sprintf("%s: the nftables rules join %s, and %s has no chain on hook %s: create that table and chain first, or set %s.use: dedicated for a complete policy of ftpswiz's own",
		box, want, where, lb.Hook, lb.Field)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// printLocalFirewallNotes writes localFirewallNotes to standard error.
func printLocalFirewallNotes(ctx context.Context, ro *rootOptions, p *wizard.Plan) {
	for _, n := range localFirewallNotes(ctx, p, ro.Detector) {
		fmt.Fprintf(ro.ErrOut, "ftpswiz: %s\n", n)
	}
}
