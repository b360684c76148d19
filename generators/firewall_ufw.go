package generators

import (
	"fmt"
	"strings"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// ufw: host sides only (firewall/<side>.ufw.sh), a bash script of ufw
// commands. ufw manages one host's own INPUT/OUTPUT; it is not a tool for
// a router's DNAT and forward filter (REPORT explains), so router sides get
// no ufw file.
//
// A dedicated host's script is its whole firewall: the allow rules, then
// ufw's defaults (deny incoming; the client host: deny outgoing too) and
// ufw enabled. A shared host's script only adds the allow rules: it never
// changes ufw's defaults and never enables ufw (an inactive ufw gets the
// rules and a note on stderr). Both run with the argument remove to delete
// exactly the rules commented by ftpswiz (a dedicated box's turns ufw off
// first).

func ufwPath(side wizard.Side) string { return fwBackendOf(fwKindUFW).Path(side) }

func renderUFW(p *wizard.Plan) ([]File, error) {
	var out []File
	for _, side := range fwHostSides(p) {
		box, _ := p.BoxFirewall(side)
		c := fwStepCtx{Shared: box.Shared()}
		b, err := renderScript(ufwView(p, side, c))
		if err != nil {
			return nil, fmt.Errorf("ufw %s: %w", side, err)
		}
		out = append(out, fwBackendOf(fwKindUFW).File(side, c, b))
	}
	return out, nil
}

// ufwPorts formats a range the ufw way: "21" or "50000:50074".
func ufwPorts(r wizard.PortRange) string { return iptPorts(r) }

// ufwRule is one allow rule: the words after "ufw allow" and its comment.
type ufwRule struct {
	Args []string
	Tag  string
}

// Line is the rule as the script writes it: a call of its ftpswiz_allow
// function (the comment first, then ufw's words).
func (r ufwRule) Line() string {
	words := []string{"ftpswiz_allow", shQuote(r.Tag)}
	for _, a := range r.Args {
		words = append(words, shWord(a))
	}
	return strings.Join(words, " ")
}

// ufwRules are the allow rules of one flow: one per source network. v6SSH
// adds admin SSH over IPv6 from anywhere (a dedicated host of an IPv4-only
// plan, where ufw's default deny would otherwise lock the administrator
// out over IPv6).
func ufwRules(f wizard.Flow, v6SSH bool) []ufwRule {
	var out []ufwRule
	tag := fwTag(f)
	if f.Direction == wizard.Inbound {
		from := f.From
		if len(from) == 0 {
			from = []string{"any"}
		}
		for _, src := range from {
			if wizard.IsAny(src) {
				src = "any" // ufw's any covers IPv4 and IPv6
			}
			args := []string{"in", "proto", "tcp", "from", src}
			if !f.SourcePorts.IsZero() {
				args = append(args, "port", ufwPorts(f.SourcePorts))
			}
			out = append(out, ufwRule{Args: append(args, "to", "any", "port", ufwPorts(f.Ports)), Tag: tag})
		}
		if v6SSH && f.Purpose == wizard.PurposeAdmin && !fwIsAny(f.From) {
			out = append(out, ufwRule{Args: []string{"in", "proto", "tcp", "from", "::/0", "to", "any", "port", ufwPorts(f.Ports)},
				Tag: fwSafe(tag + " ipv6")})
		}
		return out
	}
	args := []string{"out", "proto", "tcp", "from", "any"}
	if !f.SourcePorts.IsZero() {
		args = append(args, "port", ufwPorts(f.SourcePorts))
	}
	return append(out, ufwRule{Args: append(args, "to", fwDest(f.To), "port", ufwPorts(f.Ports)), Tag: tag})
}

// ufwPrelude is the script's argument check and its ftpswiz_allow
// function. "ufw allow" of a rule ufw has already under another comment
// replaces that comment (measured, ufw 0.36.2), which would make the
// owner's rule look like ftpswiz's and go with ftpswiz's remove: a rule
// the owner has already without a comment is left alone (ufw --dry-run
// without a comment skips exactly that one).
const ufwPrelude = `command -v ufw >/dev/null || { echo "ufw is not installed (apt-get install ufw)" >&2; exit 1; }
case "${1:-}" in
'') remove=false ;;
remove) remove=true ;;
*) echo "usage: bash $0 [remove]" >&2; exit 2 ;;
esac

# ftpswiz_allow TAG RULE...: ufw allow RULE comment TAG, unless your own
# rule (no comment) allows it already: that one stays yours, untouched. With
# remove: ufw delete allow RULE comment TAG, which deletes the rule only if
# it carries ftpswiz's comment TAG.
ftpswiz_allow() {
	local tag=$1
	shift
	if $remove; then
		ufw delete allow "$@" comment "$tag"
	elif ufw --dry-run allow "$@" | grep -Fx 'Skipping adding existing rule' >/dev/null; then
		echo "ufw allow $*: your own rule allows this already; left as it is" >&2
	else
		ufw allow "$@" comment "$tag"
	fi
}`

// ufwInactiveNote is what a shared host's script says on stderr when ufw
// is inactive: the rules wait, and what enabling ufw would do to the box.
const ufwInactiveNote = `echo "ufw is inactive: ftpswiz's rules are added to its configuration, but they take effect only when you enable ufw (ufw enable), which this script does not do on a shared box. Enabling ufw also applies its default policies ($(grep -E '^DEFAULT_(INPUT|OUTPUT)_POLICY=' /etc/default/ufw 2>/dev/null | tr -d '"' | tr '\n' ' ')in /etc/default/ufw): with DROP or REJECT, every connection no ufw rule allows stops (SSH, web, DNS, whatever this box serves or opens), so add ufw rules for those first, and do not combine ufw with other nftables or iptables rules on the box." >&2`

func ufwView(p *wizard.Plan, side wizard.Side, c fwStepCtx) scriptView {
	v := scriptView{Title: fwTitle(side, "ufw commands"), Command: fwRegenerate}
	v.Intro = append(fwBackendOf(fwKindUFW).HeaderLines(side, c), "#")
	v.Intro = append(v.Intro, fwCommentLines("# ",
		"ufw's own before.rules already accept loopback, replies to allowed connections (established/related) and the ICMP TCP needs (destination unreachable including fragmentation needed, for path-MTU discovery: TLS stalls without it; time exceeded; echo request), and drop invalid packets: nothing to add for those.")...)
	v.Intro = append(v.Intro, "#")
	if c.Shared {
		v.Intro = append(v.Intro, fwCommentLines("# ",
			"Shared box: this script only adds the allow rules below, each commented ftpswiz; it never changes ufw's default policies and never enables ufw. An inactive ufw gets the rules and a note on stderr: they take effect when you enable ufw.")...)
	} else {
		v.Intro = append(v.Intro, fwCommentLines("# ",
			"Dedicated box: these rules are its whole firewall. The allow rules come first and the defaults last, so an enabled ufw never runs with the defaults but without the rules.")...)
	}
	egress := side == wizard.SideClientHost && !c.Shared
	if egress {
		v.Intro = append(v.Intro, "#")
		v.Intro = append(v.Intro, fwCommentLines("# ",
			"WARNING: this script makes ufw an egress filter (default deny outgoing): this host can then open only the file-transfer connections below; DNS to outside resolvers, package updates, NTP and everything else stop until you allow them (ufw allow out 53, ...).")...)
	}
	v.Prelude = ufwPrelude
	if !c.Shared {
		// Deleting the admin SSH rule under ufw's default deny would lock
		// the administrator out: a dedicated box's remove turns ufw off
		// first (its rules were the box's whole firewall).
		v.Steps = append(v.Steps, scriptStep{
			Comment: fwCommentLines("# ",
				"With remove: ufw off first, as these rules were this box's whole firewall (deleting the SSH rule while ufw denies incoming would lock you out)."),
			Commands: []string{"if $remove; then ufw disable; fi"},
		})
	}
	seen := map[string]bool{}
	v6 := false
	for _, f := range p.FlowsFor(side) {
		v6 = v6 || f.Family == wizard.FamilyIPv6
		var rules []string
		// A shared box's own ufw decides SSH over IPv6: nothing to keep
		// open there (as nftables' shared rules, only the plan's flows).
		for _, r := range ufwRules(f, !c.Shared && !fwPlanHasIPv6(p)) {
			if l := r.Line(); !seen[l] { // "from any" of IPv4 and IPv6 is one ufw rule
				seen[l] = true
				rules = append(rules, l)
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
	v.Steps = append(v.Steps, scriptStep{
		Comment:  fwCommentLines("# ", "With remove, ftpswiz's rules are gone now: stop; ufw's default policies and whether it is enabled stay as they were"+ufwRemoveRest(c)+"."),
		Commands: []string{"if $remove; then ufw status verbose; exit 0; fi"},
	})
	if c.Shared {
		v.Steps = append(v.Steps, scriptStep{
			Comment: fwCommentLines("# ",
				"ufw's default policies and whether it is enabled stay the box's own (shared): show the result, or say that ufw is inactive."),
			Commands: []string{"if ufw status | grep -Fx 'Status: active' >/dev/null; then", "\tufw status verbose", "else", "\t" + ufwInactiveNote, "fi"},
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

// ufwRemoveRest is what a dedicated box's remove did besides (ufw off).
func ufwRemoveRest(c fwStepCtx) string {
	if c.Shared {
		return ""
	}
	return ", except that ufw is off (see above)"
}
