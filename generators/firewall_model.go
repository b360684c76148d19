package generators

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// The nftables and iptables renderers share one backend-neutral model of a
// side's rules: fwRuleset, built from the plan by buildRuleset. Each backend
// only translates it into its own syntax, so both backends always allow the
// same flows.

// fwRegenerate is the command the file headers print.
const fwRegenerate = "ftpswiz generate --answers answers.yaml --out . --force"

// fwRuleset is everything one side's filter and NAT tables contain.
type fwRuleset struct {
	Side wizard.Side
	// Filter are the filter chains (input, forward, output), in hook order.
	Filter []fwChain
	// NAT are the NAT chains (prerouting, postrouting); empty for host sides.
	NAT []fwChain
	// Notes are side-specific usage notes for the file header.
	Notes []string
	// Box says how the rules join the box's firewall: dedicated (the
	// chains above are the box's complete policy) or shared (the chains hold
	// only accepts and are jumped to from the box's own chains).
	Box wizard.BoxFirewall
	// RHEL: the box is the server host of a plan whose vsftpd is RHEL's
	// build, so its persistence is RHEL's (fwServerHostRHEL).
	RHEL bool
}

// fwServerHostRHEL reports whether the side is the server host of a plan
// for RHEL's vsftpd build: the one box whose system the plan names.
func fwServerHostRHEL(p *wizard.Plan, side wizard.Side) bool {
	return side == wizard.SideServerHost && p.Server != nil && p.Server.Flavour == wizard.FlavourRHEL
}

// Shared reports whether the ruleset only adds to the box's own firewall.
func (rs fwRuleset) Shared() bool { return rs.Box.Shared() }

// fwChain is one base chain.
type fwChain struct {
	// Hook is the netfilter hook and the nft chain name: input, forward,
	// output, prerouting or postrouting.
	Hook string
	// Policy is "drop" or "accept" (NAT chains always accept).
	Policy string
	// Why is the chain's comment.
	Why   string
	Rules []fwRule
}

// fwRule is one rule, backend-neutral. Zero fields do not match.
type fwRule struct {
	// Why is the comment above the rule: the plan's Flow.Why for flows,
	// a short boilerplate text for the base rules.
	Why string
	// Tag is the short rule comment (nft comment, iptables -m comment).
	Tag string
	// Family limits the rule to "ip" or "ip6"; "" is both (nft inet).
	Family   string
	InIf     string
	InIfNot  bool // match every input interface except InIf
	OutIf    string
	Src      []string
	Dst      string
	Proto    string // "tcp", "icmp", "icmpv6"
	ICMP     []string
	DPorts   wizard.PortRange
	SPorts   wizard.PortRange
	CtState  []string // "established", "related", "invalid", "new"
	CtDNAT   bool     // the connection was DNATed on this box
	Verdict  string   // "accept", "drop", "dnat", "snat", "masquerade"
	NATTo    string   // address for dnat/snat
	Warning  bool     // the flow is marked as a risk (active mode)
	FromFlow bool     // the rule allows a plan flow (not a base rule)
}

// fwICMPErrors are the ICMP errors TCP needs; destination-unreachable
// includes "fragmentation needed", which path-MTU discovery relies on.
var fwICMPErrors = []string{"destination-unreachable", "time-exceeded", "parameter-problem"}

// fwICMPv6Errors are the ICMPv6 errors; packet-too-big is IPv6's path-MTU
// discovery.
var fwICMPv6Errors = []string{"destination-unreachable", "packet-too-big", "time-exceeded", "parameter-problem"}

const (
	whyLoopback    = "loopback: local processes talk to each other"
	whyEstablished = "replies to connections allowed below (established) and their ICMP errors (related): every flow relies on this"
	whyInvalid     = "packets that belong to no connection"
	whyICMPIn      = "ICMP that TCP needs: destination unreachable (including fragmentation needed, for path-MTU discovery: TLS handshakes stall without it), time exceeded, parameter problem; and ping"
	whyICMPv6In    = "ICMPv6 that IPv6 needs to work at all: errors, packet too big (path MTU), ping, neighbour and router discovery"
	whyICMPOut     = "ICMP this host sends: errors, and ping for diagnosis"
	whyICMPv6Out   = "ICMPv6 this host sends: errors, ping, neighbour and router discovery"
	whyICMPFwd     = "ICMP errors for forwarded connections (fragmentation needed keeps path-MTU discovery, and so TLS, working)"
	whySSHv6       = "SSH over IPv6, from anywhere (admin_network is IPv4): this table also filters IPv6, and an administrator logged in over IPv6 must not be locked out"
	whyICMPv6Fwd   = "ICMPv6 errors for forwarded connections (packet too big is IPv6's path-MTU discovery)"
)

// fwTag is the short comment of a flow's rule: purpose and decision key, so
// `ftpswiz explain KEY` finds the whole story. Only characters every backend
// accepts in a comment are kept.
func fwTag(f wizard.Flow) string {
	s := "ftpswiz " + string(f.Purpose)
	if f.Decision != "" {
		s += " (" + f.Decision + ")"
	}
	return fwSafe(s)
}

// fwSafe keeps the characters that are valid in every backend's comment or
// description (AWS allows the fewest).
func fwSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			strings.ContainsRune(" ._-:/()#,@[]+=&;{}!$*", r):
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	return b.String()
}

// fwSources is the source match of a flow: nil when it is empty.
func fwSources(from []string) []string {
	if len(from) == 0 {
		return nil
	}
	return slices.Clone(from)
}

func fwIsAny(cidrs []string) bool {
	return len(cidrs) == 0 || (len(cidrs) == 1 && wizard.IsAny(cidrs[0]))
}

// fwHostSide reports whether the side is a host (not a router).
func fwHostSide(s wizard.Side) bool {
	return s == wizard.SideServerHost || s == wizard.SideClientHost
}

// fwRouter returns the router of a router side.
func fwRouter(p *wizard.Plan, side wizard.Side) (*wizard.Router, error) {
	var r *wizard.Router
	switch side {
	case wizard.SideServerRouter:
		if p.Server != nil {
			r = p.Server.Router
		}
	case wizard.SideClientRouter:
		if p.Client != nil {
			r = p.Client.Router
		}
	}
	if r == nil || r.WANInterface == "" {
		return nil, fmt.Errorf("side %s has flows but the plan names no router WAN interface", side)
	}
	return r, nil
}

func inputBase() []fwRule {
	return []fwRule{
		{Why: whyLoopback, InIf: "lo", Verdict: "accept"},
		{Why: whyEstablished, CtState: []string{"established", "related"}, Verdict: "accept"},
		{Why: whyInvalid, CtState: []string{"invalid"}, Verdict: "drop"},
		{Why: whyICMPIn, Family: "ip", Proto: "icmp", ICMP: append(slices.Clone(fwICMPErrors), "echo-request"), Verdict: "accept"},
		{Why: whyICMPv6In, Family: "ip6", Proto: "icmpv6", ICMP: append(slices.Clone(fwICMPv6Errors),
			"echo-request", "nd-router-advert", "nd-neighbor-solicit", "nd-neighbor-advert"), Verdict: "accept"},
	}
}

func outputBase() []fwRule {
	return []fwRule{
		{Why: whyLoopback, OutIf: "lo", Verdict: "accept"},
		{Why: whyEstablished, CtState: []string{"established", "related"}, Verdict: "accept"},
		{Why: whyInvalid, CtState: []string{"invalid"}, Verdict: "drop"},
		{Why: whyICMPOut, Family: "ip", Proto: "icmp", ICMP: append(slices.Clone(fwICMPErrors), "echo-request"), Verdict: "accept"},
		{Why: whyICMPv6Out, Family: "ip6", Proto: "icmpv6", ICMP: append(slices.Clone(fwICMPv6Errors),
			"echo-request", "nd-router-solicit", "nd-neighbor-solicit", "nd-neighbor-advert", "mld2-listener-report"), Verdict: "accept"},
	}
}

func forwardBase() []fwRule {
	return []fwRule{
		{Why: whyEstablished, CtState: []string{"established", "related"}, Verdict: "accept"},
		{Why: whyInvalid, CtState: []string{"invalid"}, Verdict: "drop"},
		{Why: whyICMPFwd, Family: "ip", Proto: "icmp", ICMP: slices.Clone(fwICMPErrors), Verdict: "accept"},
		{Why: whyICMPv6Fwd, Family: "ip6", Proto: "icmpv6", ICMP: slices.Clone(fwICMPv6Errors), Verdict: "accept"},
	}
}

// flowRule is the filter rule of a flow on a host side.
func hostFlowRule(f wizard.Flow) fwRule {
	r := fwRule{Why: f.Why, Tag: fwTag(f), Proto: "tcp", DPorts: f.Ports, SPorts: f.SourcePorts,
		CtState: []string{"new"}, Verdict: "accept", Warning: f.Warning, FromFlow: true}
	switch f.Direction {
	case wizard.Inbound:
		// The destination is this host, whatever address the flow was
		// dialled at (NAT may have rewritten it), so only the source matters.
		r.Src = fwSources(f.From)
	default:
		// The source is this host; only the destination matters.
		r.Dst = f.To
	}
	r.Family = fwFamily(f)
	return r
}

// fwFamily is the rule family of a flow: "ip6" for IPv6, else "ip" (every
// flow rule names its family, so an inet table matches it in one family
// only and the iptables/ip6tables files each get their own).
func fwFamily(f wizard.Flow) string {
	if f.Family == wizard.FamilyIPv6 {
		return "ip6"
	}
	return "ip"
}

// fwPlanHasIPv6 reports whether any flow of the plan is IPv6.
func fwPlanHasIPv6(p *wizard.Plan) bool {
	for _, f := range p.Flows {
		if f.Family == wizard.FamilyIPv6 {
			return true
		}
	}
	return false
}

// buildRuleset turns the side's flows into chains: a complete policy for
// a dedicated box, accept rules only for a shared one.
func buildRuleset(p *wizard.Plan, side wizard.Side) (fwRuleset, error) {
	box, _ := p.BoxFirewall(side)
	if !box.Shared() {
		rs, err := buildDedicated(p, side)
		rs.Box = box
		return rs, err
	}
	// The table and chain are written into the file and into the apply
	// command: checked again here, whatever the plan says.
	if !wizard.ValidNftTable(box.NftTable) || !wizard.ValidNftName(box.NftChain) {
		return fwRuleset{}, fmt.Errorf("%s: nft_table %q, nft_chain %q: not an nftables table (\"inet NAME\" or \"ip NAME\") and chain name",
			side, box.NftTable, box.NftChain)
	}
	rs, err := buildDedicated(p, side)
	if err != nil {
		return rs, err
	}
	rs.Box = box
	return sharedOf(rs), nil
}

// sharedOf keeps of a complete policy only what adds: the accept rules of
// the plan's flows (no base rules, no drop policy, no LAN-outbound rule),
// and the NAT chains (which only translate and never drop). Each filter
// chain becomes ftpswiz's own chain, jumped to from the box's chain.
func sharedOf(rs fwRuleset) fwRuleset {
	var filter []fwChain
	for _, c := range rs.Filter {
		out := fwChain{Hook: c.Hook, Policy: "", Why: sharedWhy(c.Hook)}
		for _, r := range c.Rules {
			if r.FromFlow {
				out.Rules = append(out.Rules, r)
			}
		}
		if len(out.Rules) > 0 {
			filter = append(filter, out)
		}
	}
	rs.Filter = filter
	rs.Notes = nil
	if !fwHostSide(rs.Side) {
		v6 := false
		for _, c := range rs.Filter {
			for _, r := range c.Rules {
				v6 = v6 || r.Family == "ip6"
			}
		}
		rs.Notes = append(rs.Notes, fwForwardingNote(v6))
	}
	return rs
}

func sharedWhy(hook string) string {
	switch hook {
	case "input":
		return "New connections to this host that the plan needs: accepted; everything else goes on through your own rules, unchanged."
	case "output":
		return "New connections this host opens that the plan needs: accepted; everything else goes on through your own rules, unchanged."
	}
	return "New connections through this router that the plan needs: accepted; everything else goes on through your own rules, unchanged."
}

// buildDedicated turns the side's flows into a complete policy.
func buildDedicated(p *wizard.Plan, side wizard.Side) (fwRuleset, error) {
	flows := p.FlowsFor(side)
	rs := fwRuleset{Side: side, RHEL: fwServerHostRHEL(p, side)}
	switch side {
	case wizard.SideServerHost:
		in := fwChain{Hook: "input", Policy: "drop", Why: "New connections to this host: only the flows below; everything else is dropped.", Rules: inputBase()}
		if p.Server != nil && p.Server.SSHPort > 0 && !fwPlanHasIPv6(p) {
			// An IPv4-only plan's inet table drops IPv6 too: keep the
			// administrator's SSH over IPv6 (a plan with IPv6 flows lists
			// its IPv6 rules itself).
			in.Rules = append(in.Rules, fwRule{Why: whySSHv6, Tag: "ftpswiz admin-ssh ipv6 (firewall.admin_ssh)", Family: "ip6", Proto: "tcp",
				DPorts: wizard.Port(p.Server.SSHPort), CtState: []string{"new"}, Verdict: "accept"})
		}
		out := fwChain{Hook: "output", Policy: "accept", Why: "Connections this host opens: not filtered (policy accept); the rules below document the flows the plan needs, for a box whose own output policy is drop."}
		for _, f := range flows {
			if f.Direction == wizard.Inbound {
				in.Rules = append(in.Rules, hostFlowRule(f))
			} else {
				out.Rules = append(out.Rules, hostFlowRule(f))
			}
		}
		rs.Filter = append(rs.Filter, in)
		if len(out.Rules) > 0 {
			rs.Filter = append(rs.Filter, out)
		}
	case wizard.SideClientHost:
		in := fwChain{Hook: "input", Policy: "drop", Why: "New connections to this host: nothing new comes in (passive mode needs no inbound rule) unless listed below.", Rules: inputBase()}
		out := fwChain{Hook: "output", Policy: "drop", Why: "Connections this host opens: only the flows below (an egress filter).", Rules: outputBase()}
		for _, f := range flows {
			if f.Direction == wizard.Inbound {
				in.Rules = append(in.Rules, hostFlowRule(f))
			} else {
				out.Rules = append(out.Rules, hostFlowRule(f))
			}
		}
		rs.Filter = append(rs.Filter, in, out)
		rs.Notes = append(rs.Notes,
			"This is an egress filter: the output chain drops every new connection this host opens except the file-transfer flows below, so DNS to outside resolvers, package updates, NTP and everything else stop until you add them. The input chain drops every new inbound connection, SSH included: if you manage this host remotely, add your SSH rule before applying.")
	case wizard.SideServerRouter:
		return serverRouterRuleset(p, flows, rs)
	case wizard.SideClientRouter:
		return clientRouterRuleset(p, flows, rs)
	default:
		return rs, fmt.Errorf("unknown side %q", side)
	}
	return rs, nil
}

func serverRouterRuleset(p *wizard.Plan, flows []wizard.Flow, rs fwRuleset) (fwRuleset, error) {
	r, err := fwRouter(p, wizard.SideServerRouter)
	if err != nil {
		return rs, err
	}
	wan := r.WANInterface
	fwd := fwChain{Hook: "forward", Policy: "drop", Why: "Connections through this router: the forwarded file-transfer flows below, the LAN's own outbound connections and replies; everything else is dropped.", Rules: forwardBase()}
	lanOut := fwRule{Why: "the LAN's own outbound connections (the file server's included): without this rule the drop policy would cut every host behind this router off the internet",
		Tag: "ftpswiz lan-outbound", OutIf: wan, Verdict: "accept"}
	if r.LANInterface != "" {
		lanOut.InIf = r.LANInterface
	} else {
		lanOut.InIf, lanOut.InIfNot = wan, true
	}
	fwd.Rules = append(fwd.Rules, lanOut)
	pre := fwChain{Hook: "prerouting", Policy: "accept", Why: "Destination NAT: the ports below, arriving on the WAN interface, go to the file server with their port numbers unchanged (no port in the dnat target keeps the port)."}
	post := fwChain{Hook: "postrouting", Policy: "accept", Why: "Source NAT of the file server's own connections to the public address."}
	v6 := false
	for _, f := range flows {
		if f.Family == wizard.FamilyIPv6 && f.Purpose != wizard.PurposeActive {
			// IPv6 is routed, not NATed: the flow goes to the host's own
			// address, so the forward filter alone lets it in.
			v6 = true
			fwd.Rules = append(fwd.Rules, fwRule{Why: f.Why + " (IPv6, routed without NAT)", Tag: fwTag(f), Family: "ip6",
				InIf: wan, OutIf: r.LANInterface, Src: fwSources(f.From), Dst: f.To, Proto: "tcp", DPorts: f.Ports,
				SPorts: f.SourcePorts, CtState: []string{"new"}, Verdict: "accept", Warning: f.Warning, FromFlow: true})
			continue
		}
		if f.DNATTo == "" {
			// A connection the host opens (active mode): out of the WAN.
			fwd.Rules = append(fwd.Rules, forwardOutRule(f, r, fwSources(f.From)))
			continue
		}
		pre.Rules = append(pre.Rules, fwRule{Why: f.Why, Tag: fwTag(f), InIf: wan, Dst: f.To,
			Proto: "tcp", DPorts: f.Ports, SPorts: f.SourcePorts, Verdict: "dnat", NATTo: f.DNATTo,
			Warning: f.Warning, FromFlow: true})
		fr := fwRule{Why: f.Why, Tag: fwTag(f), Family: fwFamily(f), InIf: wan, OutIf: r.LANInterface, Src: fwSources(f.From),
			Dst: f.DNATTo, Proto: "tcp", DPorts: f.Ports, SPorts: f.SourcePorts, CtDNAT: true,
			CtState: []string{"new"}, Verdict: "accept", Warning: f.Warning, FromFlow: true}
		fwd.Rules = append(fwd.Rules, fr)
	}
	s := p.Server
	if s != nil && s.NAT == wizard.NATOneToOne && s.PublicIsIP && s.HostAddress != "" {
		why := "one-to-one NAT: the file server's own connections leave with the public address, so the mapping works both ways"
		post.Rules = append(post.Rules, fwRule{Why: why, Tag: "ftpswiz one-to-one snat (firewall.server_router)",
			OutIf: wan, Src: []string{s.HostAddress}, Verdict: "snat", NATTo: s.PublicAddress})
	}
	rs.Filter = append(rs.Filter, fwd)
	if len(pre.Rules) > 0 {
		rs.NAT = append(rs.NAT, pre)
	}
	if len(post.Rules) > 0 {
		rs.NAT = append(rs.NAT, post)
	}
	rs.Notes = append(rs.Notes, fwForwardingNote(v6),
		"This is the router's complete policy (firewall use: dedicated): the forward chain drops what it does not allow, so other port forwards this router does need their own accept rules. On a router with a firewall of its own, use shared (the default).")
	return rs, nil
}

// fwForwardingNote tells a router's admin to switch forwarding on, for IPv6
// too when the side forwards IPv6.
func fwForwardingNote(v6 bool) string {
	if v6 {
		return "A router forwards only with IP forwarding on: sysctl -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 (persist both in /etc/sysctl.d/; with IPv6 forwarding on, the router ignores router advertisements on its WAN interface unless net.ipv6.conf.WAN.accept_ra=2)."
	}
	return "A router forwards only with IP forwarding on: sysctl -w net.ipv4.ip_forward=1 (persist it in /etc/sysctl.d/)."
}

func hasV6(flows []wizard.Flow) bool {
	for _, f := range flows {
		if f.Family == wizard.FamilyIPv6 {
			return true
		}
	}
	return false
}

// forwardOutRule is the forward rule of a connection from behind the router
// out of its WAN interface.
func forwardOutRule(f wizard.Flow, r *wizard.Router, src []string) fwRule {
	fr := fwRule{Why: f.Why, Tag: fwTag(f), InIf: r.LANInterface, OutIf: r.WANInterface, Src: src, Dst: f.To,
		Proto: "tcp", DPorts: f.Ports, SPorts: f.SourcePorts, CtState: []string{"new"}, Verdict: "accept",
		Warning: f.Warning, FromFlow: true}
	fr.Family = fwFamily(f)
	return fr
}

func clientRouterRuleset(p *wizard.Plan, flows []wizard.Flow, rs fwRuleset) (fwRuleset, error) {
	r, err := fwRouter(p, wizard.SideClientRouter)
	if err != nil {
		return rs, err
	}
	lan := ""
	if p.Client != nil {
		lan = p.Client.LANCIDR
	}
	var lanSrc []string
	if lan != "" {
		lanSrc = []string{lan}
	}
	fwd := fwChain{Hook: "forward", Policy: "drop", Why: "Connections through this router: the LAN may open only the file-transfer flows below (an egress filter); replies come back; nothing new comes in.", Rules: forwardBase()}
	ping := fwRule{Why: "ping from the LAN, for diagnosis", InIf: r.LANInterface, OutIf: r.WANInterface, Src: lanSrc,
		Family: "ip", Proto: "icmp", ICMP: []string{"echo-request"}, Verdict: "accept"}
	fwd.Rules = append(fwd.Rules, ping)
	for _, f := range flows {
		src := fwSources(f.From)
		if fwIsAny(src) && lanSrc != nil && f.Family != wizard.FamilyIPv6 {
			src = lanSrc
		}
		fwd.Rules = append(fwd.Rules, forwardOutRule(f, r, src))
	}
	rs.Filter = append(rs.Filter, fwd)
	if p.Client != nil && p.Client.NAT == wizard.ClientNATMasquerade {
		why := "masquerade the LAN behind the router's WAN address. Harmless if the router already masquerades: a connection is NATed once, by the first NAT rule that matches it."
		m := fwRule{Why: why, Tag: "ftpswiz masquerade", OutIf: r.WANInterface, Src: lanSrc, Verdict: "masquerade"}
		rs.NAT = append(rs.NAT, fwChain{Hook: "postrouting", Policy: "accept", Why: "Source NAT of the LAN.", Rules: []fwRule{m}})
	}
	rs.Notes = append(rs.Notes,
		fwLockdownNote, fwForwardingNote(hasV6(flows)))
	return rs, nil
}

// fwLockdownNote is what the client router's egress lockdown blocks; its
// file header and REPORT.md's first lines say it.
const fwLockdownNote = "EGRESS LOCKDOWN (client router, firewall use: dedicated): hosts behind this router may open new connections only to the file-transfer flows below; web, DNS to outside resolvers, mail, VPNs and everything else forwarded are dropped. On a router that must keep routing other traffic, use shared (the default) instead."
