package generators

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// firewall_docker: the allowed-clients filter for a bridge-networked vsftpd
// container. Its published ports are DNATed in PREROUTING and forwarded to
// the container, so they never pass the INPUT chain the host rules (and ufw)
// filter: the filter has to sit on the forward path. iptables: a chain
// jumped to from DOCKER-USER (Docker) or FORWARD (Podman); nftables: a
// table of its own on the forward hook, before the engine's chains. Both
// match the connection's original destination port (conntrack), which the
// DNAT keeps.

const (
	dockerIptChain = "FTPSWIZ-DOCKER-USER"
	dockerNftTable = "ftpswiz_container"
)

// dockerWants: the plan runs vsftpd in a bridge-networked container and asks
// for the backend.
func dockerWants(fw wizard.Firewall) func(*wizard.Plan) bool {
	return func(p *wizard.Plan) bool {
		if !p.Containerised() || !p.Server.Container.Bridge() {
			return false
		}
		for _, f := range p.Firewalls {
			if f == fw {
				return true
			}
		}
		return false
	}
}

// dockerHook is the built-in chain the iptables filter hangs from.
func dockerHook(engine wizard.ContainerEngine) iptablesHook {
	if engine == wizard.EnginePodman {
		return iptablesHook{Table: "filter", BuiltIn: "FORWARD", Chain: dockerIptChain, Bare: true}
	}
	return iptablesHook{Table: "filter", BuiltIn: "DOCKER-USER", Chain: dockerIptChain, Bare: true}
}

// dockerFwBackends are the rows of fwBackends for the container filter.
func dockerFwBackends() []fwBackend {
	return []fwBackend{
		{
			Kind: fwKindDockerIptables, Firewall: wizard.FirewallIptables, Tool: "iptables-restore ruleset (published ports)",
			Ext: ".docker-user.iptables", Mode: 0o644, HostOnly: true, Render: renderDockerIptables,
			Wants:  dockerWants(wizard.FirewallIptables),
			Header: headerStyle{Width: 8, ApplyQual: "as root, after the engine started (it creates DOCKER-USER); re-running gives the same rules"},
			Existing: "**iptables, published ports:** the chain " + dockerIptChain + " is jumped to from DOCKER-USER " +
				"(Podman: FORWARD) and drops only connections to the FTPS ports from outside the allowed networks; " +
				"Docker never flushes DOCKER-USER, and every other container's ports are left alone.",
			steps: func(c fwStepCtx) Desc {
				d := Desc{
					Apply:   []Cmd{Sh("iptables-restore", "--noflush").Op("<").File()},
					Check:   []Cmd{Sh("iptables-restore", "--test").Op("<").File()},
					Show:    []Cmd{Sh("iptables", "-L", dockerIptChain, "-n", "-v")},
					Persist: "re-apply after the engine starts at boot (a systemd unit with After=docker.service running the apply commands); netfilter-persistent would load it before DOCKER-USER exists",
				}
				for _, h := range c.Hooks {
					d.Apply = append(d.Apply, h.Apply())
					d.Remove = append(d.Remove, h.Remove())
				}
				return d
			},
		},
		{
			Kind: fwKindDockerNft, Firewall: wizard.FirewallNftables, Tool: "nftables ruleset (published ports)",
			Ext: ".docker-user.nft", Mode: 0o644, HostOnly: true, Render: renderDockerNft,
			Wants:  dockerWants(wizard.FirewallNftables),
			Header: headerStyle{Width: 9},
			Existing: "**nftables, published ports:** the table " + dockerNftTable + " hooks forward before the " +
				"engine's own chains and only drops; Docker's and Podman's rules stay as they are.",
			steps: func(fwStepCtx) Desc {
				return Desc{
					Apply:     []Cmd{Sh("nft", "-f").File()},
					ApplyNote: "re-running it replaces this table and nothing else",
					Check:     []Cmd{Sh("nft", "-c", "-f").File()},
					Show:      []Cmd{Sh("nft", "list", "table", "ip", dockerNftTable)},
					Remove:    []Cmd{Sh("nft", "delete", "table", "ip", dockerNftTable)},
					Persist:   `copy it to /etc/nftables.d/ftpswiz-container.nft and add include "/etc/nftables.d/ftpswiz-container.nft" to /etc/nftables.conf`,
				}
			},
		},
	}
}

// dockerFlows are the server host's FTPS flows (control and passive): the
// ports the container publishes.
func dockerFlows(p *wizard.Plan) ([]wizard.Flow, error) {
	var out []wizard.Flow
	for _, f := range p.FlowsFor(wizard.SideServerHost) {
		if f.Direction != wizard.Inbound || f.Purpose == wizard.PurposeAdmin {
			continue
		}
		if f.Ports.First < 1 || f.Ports.Last > 65535 || f.Ports.First > f.Ports.Last {
			return nil, fmt.Errorf("flow %s: ports %s outside 1-65535", f.Purpose, f.Ports)
		}
		from := f.From
		if len(from) == 0 {
			from = []string{wizard.AnyIPv4}
		}
		for _, c := range from {
			if pfx, err := netip.ParsePrefix(c); err != nil || !pfx.Addr().Is4() || pfx.String() != c {
				return nil, fmt.Errorf("flow %s: source %q is not a plain IPv4 CIDR", f.Purpose, c)
			}
		}
		f.From = from
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the plan publishes no FTPS ports")
	}
	return out, nil
}

func dockerIntro(p *wizard.Plan, b fwBackend, c fwStepCtx) []string {
	intro := append(b.HeaderLines(wizard.SideServerHost, c), "#")
	d, _ := p.Decision("container.firewall")
	intro = append(intro, fwCommentLines("# ", d.Why)...)
	intro = append(intro, "#")
	intro = append(intro, fwCommentLines("# ", "Load it next to the host rules (firewall/server-host.*), which keep the host's own SSH as it was. IPv4 only.")...)
	return intro
}

func renderDockerIptables(p *wizard.Plan) ([]File, error) {
	flows, err := dockerFlows(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fwBackendOf(fwKindDockerIptables).Path(wizard.SideServerHost), err)
	}
	b := fwBackendOf(fwKindDockerIptables)
	c := fwStepCtx{Hooks: []iptablesHook{dockerHook(p.Server.Container.Engine)}}
	var w strings.Builder
	w.WriteString(templates.Comment("# ", fwTitle(wizard.SideServerHost, "iptables rules for the container's published ports")) + "\n")
	w.WriteString("# Generated by ftpswiz; regenerate with: " + fwRegenerate + "\n#\n")
	for _, l := range dockerIntro(p, b, c) {
		w.WriteString(l + "\n")
	}
	w.WriteString("*filter\n:" + dockerIptChain + " - [0:0]\n")
	w.WriteString("# replies and connections already allowed\n")
	w.WriteString("-A " + dockerIptChain + " -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n")
	for _, f := range flows {
		ports := strings.ReplaceAll(f.Ports.String(), "-", ":")
		for _, l := range fwCommentLines("# ", f.Why) {
			w.WriteString(l + "\n")
		}
		tag := `"` + fwTag(f) + `"`
		for _, src := range f.From {
			fmt.Fprintf(&w, "-A %s -s %s -p tcp -m conntrack --ctstate DNAT --ctorigdstport %s -m comment --comment %s -j RETURN\n",
				dockerIptChain, src, ports, tag)
		}
		fmt.Fprintf(&w, "-A %s -p tcp -m conntrack --ctstate DNAT --ctorigdstport %s -m comment --comment %s -j DROP\n",
			dockerIptChain, ports, `"`+fwSafe("ftpswiz "+string(f.Purpose)+" from elsewhere")+`"`)
	}
	w.WriteString("# everything else (other containers, the host's own traffic) goes on to the engine's rules\n")
	w.WriteString("-A " + dockerIptChain + " -j RETURN\nCOMMIT\n")
	out := w.String()
	if err := guardLines([]byte(out), false, func(int, string) error { return nil }); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Path(wizard.SideServerHost), err)
	}
	return []File{b.File(wizard.SideServerHost, c, []byte(out))}, nil
}

func renderDockerNft(p *wizard.Plan) ([]File, error) {
	flows, err := dockerFlows(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fwBackendOf(fwKindDockerNft).Path(wizard.SideServerHost), err)
	}
	b := fwBackendOf(fwKindDockerNft)
	c := fwStepCtx{}
	var w strings.Builder
	w.WriteString(templates.Comment("# ", fwTitle(wizard.SideServerHost, "nftables rules for the container's published ports")) + "\n")
	w.WriteString("# Generated by ftpswiz; regenerate with: " + fwRegenerate + "\n#\n")
	for _, l := range dockerIntro(p, b, c) {
		w.WriteString(l + "\n")
	}
	t := dockerNftTable
	fmt.Fprintf(&w, "table ip %s\ndelete table ip %s\ntable ip %s {\n", t, t, t)
	w.WriteString("\t# Runs before the engine's forward chains (priority filter - 10) and only drops:\n")
	w.WriteString("\t# an accept here would not override a drop elsewhere, and it needs none.\n")
	w.WriteString("\tchain forward {\n\t\ttype filter hook forward priority filter - 10; policy accept;\n")
	for _, f := range flows {
		for _, l := range fwCommentLines("# ", f.Why) {
			w.WriteString("\t\t" + l + "\n")
		}
		fmt.Fprintf(&w, "\t\tmeta l4proto tcp ct state new ct status dnat ct original proto-dst %s ip saddr != { %s } counter drop comment %q\n",
			f.Ports.String(), strings.Join(f.From, ", "), fwSafe("ftpswiz "+string(f.Purpose)+" from elsewhere"))
	}
	w.WriteString("\t}\n}\n")
	out := w.String()
	if err := guardLines([]byte(out), true, func(int, string) error { return nil }); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Path(wizard.SideServerHost), err)
	}
	return []File{b.File(wizard.SideServerHost, c, []byte(out))}, nil
}
