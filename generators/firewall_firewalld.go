package generators

import (
	"fmt"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// firewalld: host sides only (firewall/<side>.firewalld.sh), a bash script
// of `firewall-cmd --permanent` commands: rich rules in the zone for inbound
// flows, and for an egress filter (client host) a policy from the HOST zone
// to ANY zone with target DROP. Every add is preceded by a query, so the
// script can be re-run. A router's DNAT and forward filter are not
// firewalld's strength (REPORT explains), so router sides get no file.

const firewalldPolicy = "ftpswiz-egress"

func firewalldPath(side wizard.Side) string { return fwBackendOf(fwKindFirewalld).Path(side) }

func renderFirewalld(p *wizard.Plan) ([]File, error) {
	var out []File
	for _, side := range fwHostSides(p) {
		b, err := renderScript(firewalldView(p, side))
		if err != nil {
			return nil, fmt.Errorf("firewalld %s: %w", side, err)
		}
		out = append(out, fwBackendOf(fwKindFirewalld).File(side, fwStepCtx{}, b))
	}
	return out, nil
}

const firewalldPrelude = `command -v firewall-cmd >/dev/null || { echo "firewalld is not installed" >&2; exit 1; }
ZONE="${FTPSWIZ_ZONE:-$(firewall-cmd --get-default-zone)}"

# zone_rich adds a rich rule to the zone unless it is there already.
zone_rich() {
	if firewall-cmd --permanent --zone="$ZONE" --query-rich-rule="$1" >/dev/null; then
		echo "already there: $1"
	else
		firewall-cmd --permanent --zone="$ZONE" --add-rich-rule="$1"
	fi
}`

const firewalldPolicyPrelude = `
# policy_rich adds a rich rule to ftpswiz's egress policy unless it is there already.
policy_rich() {
	if firewall-cmd --permanent --policy=` + firewalldPolicy + ` --query-rich-rule="$1" >/dev/null; then
		echo "already there: $1"
	else
		firewall-cmd --permanent --policy=` + firewalldPolicy + ` --add-rich-rule="$1"
	fi
}`

// firewalldRich is the rich rule of a flow, one per source network. A rich
// rule has one port element, so a source-port limit cannot be added to it
// (the second return value says so).
func firewalldRich(f wizard.Flow) ([]string, bool) {
	port := fmt.Sprintf(`port port="%s" protocol="tcp" accept`, f.Ports.String())
	fam := `rule family="ipv4" `
	if f.Family == wizard.FamilyIPv6 {
		fam = `rule family="ipv6" `
	}
	if f.Direction != wizard.Inbound {
		dst := ""
		if f.To != "" {
			dst = fmt.Sprintf(`destination address="%s" `, f.To)
		}
		return []string{fam + dst + port}, !f.SourcePorts.IsZero()
	}
	var out []string
	for _, src := range f.From {
		if wizard.IsAny(src) {
			out = append(out, fam+port)
			continue
		}
		out = append(out, fam+fmt.Sprintf(`source address="%s" `, src)+port)
	}
	if len(f.From) == 0 {
		out = append(out, fam+port)
	}
	return out, !f.SourcePorts.IsZero()
}

func firewalldView(p *wizard.Plan, side wizard.Side) scriptView {
	v := scriptView{Title: fwTitle(side, "firewalld commands"), Command: fwRegenerate}
	v.Intro = append(fwBackendOf(fwKindFirewalld).HeaderLines(side, fwStepCtx{}), "#")
	v.Intro = append(v.Intro, fwCommentLines("# ",
		"firewalld itself accepts loopback, replies to allowed connections (established/related) and ICMP (destination unreachable including fragmentation needed, for path-MTU discovery: TLS stalls without it; time exceeded; echo request), and drops invalid packets: nothing to add for those. Rules go to the permanent configuration; the reload at the end makes them live.")...)
	box, _ := p.BoxFirewall(side)
	shared := box.Shared()
	flows := p.FlowsFor(side)
	egress := false
	for _, f := range flows {
		if f.Direction == wizard.Outbound && side == wizard.SideClientHost {
			egress = true
		}
	}
	v.Prelude = firewalldPrelude
	if egress {
		v.Prelude += "\n" + firewalldPolicyPrelude
		v.Intro = append(v.Intro, "#")
		if shared {
			v.Intro = append(v.Intro, fwCommentLines("# ",
				"How it fits into your firewall (this host is shared): the policy "+firewalldPolicy+" (from the HOST to ANY zone) only accepts the file-transfer connections below; its target stays CONTINUE, firewalld's default, so every other connection this host opens goes on through your own policies unchanged.")...)
		} else {
			v.Intro = append(v.Intro, fwCommentLines("# ",
				"WARNING: this script makes firewalld an egress filter (policy "+firewalldPolicy+", from the HOST to ANY zone, target DROP): this host can then open only the file-transfer connections below; DNS to outside resolvers, package updates, NTP and everything else stop until you add them to that policy.")...)
		}
		v.Steps = append(v.Steps, scriptStep{
			Comment: []string{"# ftpswiz's egress policy: connections this host opens, to any zone."},
			Commands: []string{
				"if ! firewall-cmd --permanent --info-policy=" + firewalldPolicy + " >/dev/null 2>&1; then",
				"\tfirewall-cmd --permanent --new-policy=" + firewalldPolicy,
				"fi",
				"firewall-cmd --permanent --policy=" + firewalldPolicy + " --query-ingress-zone=HOST >/dev/null || firewall-cmd --permanent --policy=" + firewalldPolicy + " --add-ingress-zone=HOST",
				"firewall-cmd --permanent --policy=" + firewalldPolicy + " --query-egress-zone=ANY >/dev/null || firewall-cmd --permanent --policy=" + firewalldPolicy + " --add-egress-zone=ANY",
			},
		})
	}
	restrictSSH := false
	sshPort := ""
	for _, f := range flows {
		rules, sportLost := firewalldRich(f)
		var notes []string
		if sportLost {
			notes = append(notes, "source port "+f.SourcePorts.String()+" is not part of the rule: a rich rule takes one port element")
		}
		if f.Direction == wizard.Outbound && !egress {
			// The server host's outbound connections: firewalld does not
			// filter them by default.
			notes = append(notes, "firewalld lets this host's own connections out by default: nothing to add")
			v.Steps = append(v.Steps, flowStep(f, nil, notes...))
			continue
		}
		fn := "zone_rich"
		if f.Direction == wizard.Outbound {
			fn = "policy_rich"
		}
		cmds := make([]string, 0, len(rules))
		for _, r := range rules {
			cmds = append(cmds, fn+" "+shQuote(r))
		}
		v.Steps = append(v.Steps, flowStep(f, cmds, notes...))
		// A shared host's own SSH rules are its own: only a dedicated
		// host's zone loses the ssh service.
		if f.Purpose == wizard.PurposeAdmin && !fwIsAny(f.From) && !shared {
			restrictSSH = true
			sshPort = f.Ports.String()
		}
	}
	if restrictSSH {
		var v6SSH []string
		sshWhy := "The zone's ssh service opens SSH from anywhere; the rule above allows it from the admin network only, so the service goes (after that rule is in place)."
		if !fwPlanHasIPv6(p) {
			sshWhy += " SSH over IPv6 stays open from anywhere (admin_network is IPv4): an administrator logged in over IPv6 is not locked out."
			v6SSH = []string{"zone_rich " + shQuote(`rule family="ipv6" port port="`+sshPort+`" protocol="tcp" accept`)}
		}
		v.Steps = append(v.Steps, scriptStep{
			Comment: fwCommentLines("# ", sshWhy),
			Commands: append(v6SSH,
				`if firewall-cmd --permanent --zone="$ZONE" --query-service=ssh >/dev/null; then`,
				`	firewall-cmd --permanent --zone="$ZONE" --remove-service=ssh`,
				`fi`,
			),
		})
	}
	if egress && !shared {
		v.Steps = append(v.Steps, scriptStep{
			Comment:  fwCommentLines("# ", "WARNING: drop every other connection this host opens (egress filter, see the header)."),
			Commands: []string{`[ "$(firewall-cmd --permanent --policy=` + firewalldPolicy + ` --get-target)" = DROP ] || firewall-cmd --permanent --policy=` + firewalldPolicy + ` --set-target=DROP`},
		})
	}
	v.Steps = append(v.Steps, scriptStep{
		Comment:  []string{"# Make the permanent configuration live and show the zone."},
		Commands: []string{"firewall-cmd --reload", `firewall-cmd --zone="$ZONE" --list-all`},
	})
	return v
}
