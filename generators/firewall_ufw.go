package generators

import (
	"fmt"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// ufw: host sides only (firewall/<side>.ufw.sh), a bash script of ufw
// commands. ufw manages one host's own INPUT/OUTPUT; it is not a tool for
// a router's DNAT and forward filter (REPORT explains), so router sides get
// no ufw file.

func ufwPath(side wizard.Side) string { return fwBackendOf(fwKindUFW).Path(side) }

func renderUFW(p *wizard.Plan) ([]File, error) {
	var out []File
	for _, side := range fwHostSides(p) {
		b, err := renderScript(ufwView(p, side))
		if err != nil {
			return nil, fmt.Errorf("ufw %s: %w", side, err)
		}
		out = append(out, fwBackendOf(fwKindUFW).File(side, ufwCtx(p, side), b))
	}
	return out, nil
}

// ufwCtx is the step context of a side's ufw script: shared when the box
// has a firewall of its own.
func ufwCtx(p *wizard.Plan, side wizard.Side) fwStepCtx {
	b, _ := p.BoxFirewall(side)
	return fwStepCtx{Shared: b.Shared()}
}

// ufwNotActive is the shared script's first check: on a shared box ufw must
// be the firewall already, since the script never turns it on (enabling it
// would add ufw's own policy to the box's).
// (A case on the captured status, not a pipe into grep -q: with pipefail
// grep's early exit could fail the pipe.)
const ufwNotActive = `case "$(ufw status)" in
"Status: active"*) ;;
*) echo "ufw is not active on this host: its firewall is something else, so load that format's file instead (this script only adds rules to an active ufw and changed nothing)" >&2; exit 1 ;;
esac`

// ufwPorts formats a range the ufw way: "21" or "50000:50074".
func ufwPorts(r wizard.PortRange) string { return iptPorts(r) }

// ufwRules are the ufw commands of one flow: one per source network.
func ufwRules(f wizard.Flow, v6SSH bool) []string {
	var out []string
	tail := " comment " + shQuote(fwTag(f))
	if f.Direction == wizard.Inbound {
		from := f.From
		if len(from) == 0 {
			from = []string{"any"}
		}
		for _, src := range from {
			if wizard.IsAny(src) {
				src = "any" // ufw's any covers IPv4 and IPv6
			}
			s := "ufw allow in proto tcp from " + src
			if !f.SourcePorts.IsZero() {
				s += " port " + ufwPorts(f.SourcePorts)
			}
			out = append(out, s+" to any port "+ufwPorts(f.Ports)+tail)
		}
		if v6SSH && f.Purpose == wizard.PurposeAdmin && !fwIsAny(f.From) {
			// ufw filters IPv6 too: admin SSH over IPv6 (admin_network is
			// IPv4) must not be locked out.
			out = append(out, "ufw allow in proto tcp from ::/0 to any port "+ufwPorts(f.Ports)+" comment "+shQuote(fwSafe(fwTag(f)+" ipv6")))
		}
		return out
	}
	s := "ufw allow out proto tcp from any"
	if !f.SourcePorts.IsZero() {
		s += " port " + ufwPorts(f.SourcePorts)
	}
	return append(out, s+" to "+fwDest(f.To)+" port "+ufwPorts(f.Ports)+tail)
}

func ufwView(p *wizard.Plan, side wizard.Side) scriptView {
	v := scriptView{Title: fwTitle(side, "ufw commands"), Command: fwRegenerate}
	shared := ufwCtx(p, side).Shared
	v.Intro = append(fwBackendOf(fwKindUFW).HeaderLines(side, ufwCtx(p, side)), "#")
	own := "ufw's own before.rules already accept loopback, replies to allowed connections (established/related) and the ICMP TCP needs (destination unreachable including fragmentation needed, for path-MTU discovery: TLS stalls without it; time exceeded; echo request), and drop invalid packets: nothing to add for those."
	if !shared {
		own += " The allow rules come first and the defaults last, so an enabled ufw never runs with the defaults but without the rules."
	}
	v.Intro = append(v.Intro, fwCommentLines("# ", own)...)
	egress := side == wizard.SideClientHost && !shared
	if shared {
		v.Intro = append(v.Intro, "#")
		v.Intro = append(v.Intro, fwCommentLines("# ",
			"How it fits into your firewall (this host is shared): the script only adds the allow rules below to your active ufw. Its defaults (incoming, outgoing) and its other rules stay yours, so every connection that passed before still passes; it never turns ufw on, and stops, changing nothing, if ufw is not active.")...)
	}
	if egress {
		v.Intro = append(v.Intro, "#")
		v.Intro = append(v.Intro, fwCommentLines("# ",
			"WARNING: this script makes ufw an egress filter (default deny outgoing): this host can then open only the file-transfer connections below; DNS to outside resolvers, package updates, NTP and everything else stop until you allow them (ufw allow out 53, ...).")...)
	}
	v.Prelude = "command -v ufw >/dev/null || { echo \"ufw is not installed (apt-get install ufw)\" >&2; exit 1; }"
	if shared {
		v.Prelude += "\n" + ufwNotActive
	}
	seen := map[string]bool{}
	v6 := false
	for _, f := range p.FlowsFor(side) {
		v6 = v6 || f.Family == wizard.FamilyIPv6
		var rules []string
		// SSH over IPv6 is kept open only where ftpswiz's defaults would
		// close it: a shared host's ufw keeps its own SSH rules.
		for _, r := range ufwRules(f, !shared && !fwPlanHasIPv6(p)) {
			if !seen[r] { // "from any" of IPv4 and IPv6 is one ufw rule
				seen[r] = true
				rules = append(rules, r)
			}
		}
		if len(rules) > 0 {
			v.Steps = append(v.Steps, flowStep(f, rules))
		}
	}
	if v6 {
		v.Intro = append(v.Intro, "#")
		v.Intro = append(v.Intro, fwCommentLines("# ",
			"IPv6: ufw writes each rule for IPv6 as well only with IPV6=yes in /etc/default/ufw (the default); its before6.rules accept the ICMPv6 IPv6 needs (neighbour discovery, packet too big).")...)
	}
	if shared {
		v.Steps = append(v.Steps, scriptStep{
			Comment:  []string{"# Show the result (ufw applies each rule at once: nothing to reload)."},
			Commands: []string{"ufw status verbose"},
		})
		return v
	}
	// ufw default and ufw enable reload every chain of ufw's, even when
	// nothing changes (measured with nft monitor): for a moment new
	// connections meet an empty ufw-user-input. So each runs only when it
	// changes something, and a re-run on a box set up already reloads
	// nothing (grep reads all of ufw's output: no SIGPIPE under pipefail).
	defaults := scriptStep{Comment: fwCommentLines("# ",
		"Defaults: nothing new comes in unless allowed above (set only if not yet: setting a default reloads all of ufw's rules, a moment in which new connections are refused)."),
		Commands: []string{"ufw status verbose | grep -F 'deny (incoming)' >/dev/null || ufw default deny incoming"}}
	if egress {
		defaults.Comment = append(defaults.Comment, fwCommentLines("# ",
			"WARNING: and nothing new goes out unless allowed above (egress filter, see the header).")...)
		defaults.Commands = append(defaults.Commands, "ufw status verbose | grep -F 'deny (outgoing)' >/dev/null || ufw default deny outgoing")
	}
	v.Steps = append(v.Steps, defaults, scriptStep{
		Comment:  []string{"# Turn ufw on unless it is on (enable reloads it even then) and show the result."},
		Commands: []string{"ufw status | grep -Fx 'Status: active' >/dev/null || ufw --force enable", "ufw status verbose"},
	})
	return v
}
