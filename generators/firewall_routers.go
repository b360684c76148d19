package generators

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/ftpswiz/ftpswiz/firewall"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Routers that are not Linux boxes (issue 10): for a router of another
// kind ftpswiz writes that make's own configuration (OpenWrt UCI, RouterOS
// script, FortiOS CLI) or a checklist for its web page (pfSense, OPNsense,
// a consumer router). All of them only add: port forwards with the port
// numbers unchanged, the filter rule the make needs for them, the FTP
// helper (ALG) turned off where the make has one, and hairpin NAT for
// clients on the server's own LAN. These formats are checked against the
// vendors' documented grammar by tests, not on a real device.

// fwRouterRow is the table row of a router kind's file.
func fwRouterRow(kind wizard.RouterKind, fk fwFileKind, tool, ext string, mode fs.FileMode, steps func(fwStepCtx) Desc) fwBackend {
	return fwBackend{Kind: fk, Firewall: firewall.Backend(kind), Router: kind, Tool: tool, Ext: ext, Mode: mode,
		Header: headerStyle{Width: 9}, Render: fwRouterRender(kind), steps: steps}
}

// fwRouterKinds are the router kinds ftpswiz writes files for besides Linux.
func fwRouterRows() []fwBackend {
	return []fwBackend{
		fwRouterRow(wizard.RouterOpenWrt, "openwrt", "OpenWrt UCI script", ".openwrt.sh", 0o755, func(fwStepCtx) Desc {
			return Desc{
				Apply:      []Cmd{Sh("ssh", "root@ROUTER", "sh", "-s").Op("<").File()},
				ApplyNote:  "re-running is safe: every section has a fixed name (ftpswiz_...) and is set again",
				Check:      []Cmd{Sh("sh", "-n").File()},
				Show:       []Cmd{Sh("ssh", "root@ROUTER", "uci show firewall | grep ftpswiz")},
				RemoveText: "for each section: uci delete firewall.ftpswiz_N; then uci commit firewall; service firewall restart",
				Persist:    "nothing to do, uci commit writes /etc/config/firewall, which fw4 loads at boot",
			}
		}),
		fwRouterRow(wizard.RouterMikroTik, "mikrotik", "RouterOS script", ".rsc", 0o644, func(c fwStepCtx) Desc {
			return Desc{
				Apply:      []Cmd{Sh("scp").File().Arg("admin@ROUTER:"), Sh("ssh", "admin@ROUTER", "/import file-name="+c.Install)},
				ApplyNote:  "re-running is safe: the script first removes the rules commented ftpswiz, then adds them",
				Show:       []Cmd{Sh("ssh", "admin@ROUTER", "/ip firewall nat print where comment~\"ftpswiz\"")},
				RemoveText: `/ip firewall nat remove [find comment~"^ftpswiz"]; /ip firewall filter remove [find comment~"^ftpswiz"]`,
				Persist:    "nothing to do, RouterOS keeps its configuration",
			}
		}),
		fwRouterRow(wizard.RouterFortiGate, "fortigate", "FortiOS CLI configuration", ".fortigate.conf", 0o644, func(fwStepCtx) Desc {
			return Desc{
				Apply:      []Cmd{Sh("ssh", "admin@FORTIGATE").Op("<").File()},
				ApplyHint:  "or paste it into the CLI console of the web interface",
				ApplyNote:  "apply it once: edit 0 creates new policies on every run",
				Show:       []Cmd{Sh("ssh", "admin@FORTIGATE", "show firewall vip")},
				RemoveText: `delete the policies named ftpswiz-..., then config firewall vip, delete "ftpswiz-N", end`,
				Persist:    "nothing to do, FortiOS saves CLI changes at once",
			}
		}),
		fwRouterRow(wizard.RouterPfSense, "pfsense", "pfSense checklist", ".pfsense.md", 0o644, fwChecklistSteps),
		fwRouterRow(wizard.RouterOPNsense, "opnsense", "OPNsense checklist", ".opnsense.md", 0o644, fwChecklistSteps),
		fwRouterRow(wizard.RouterWebPage, "web", "router web page checklist", ".router.md", 0o644, fwChecklistSteps),
	}
}

func fwChecklistSteps(fwStepCtx) Desc {
	return Desc{
		RemoveText: "delete the port forwards named ftpswiz in the same page",
		Persist:    "nothing to do, the router keeps what its web page saves",
	}
}

// fwRouterRender writes the files of one router kind, for every router
// side of that kind.
func fwRouterRender(kind wizard.RouterKind) func(*wizard.Plan) ([]File, error) {
	return func(p *wizard.Plan) ([]File, error) {
		var out []File
		for _, side := range p.Sides() {
			_, r := p.BoxFirewall(side)
			if r == nil || r.Kind != kind {
				continue
			}
			b := fwRouterBackend(kind)
			v := fwRouterViewOf(p, side, r)
			ctx := fwStepCtx{Install: string(side) + b.Ext}
			var text string
			switch kind {
			case wizard.RouterOpenWrt:
				text = renderOpenWrt(v, b.HeaderLines(side, ctx))
			case wizard.RouterMikroTik:
				text = renderRouterOS(v, b.HeaderLines(side, ctx))
			case wizard.RouterFortiGate:
				text = renderFortiGate(v, b.HeaderLines(side, ctx))
			default:
				text = renderChecklist(v, kind)
			}
			if err := fwRouterGuard(text); err != nil {
				return nil, fmt.Errorf("%s %s: %w", kind, side, err)
			}
			out = append(out, b.File(side, ctx, []byte(text)))
		}
		return out, nil
	}
}

// fwRouterGuard refuses a control character or quote that no value of a
// plan can contain (every value was validated at decoding): a second check
// where the value is rendered.
func fwRouterGuard(text string) error {
	for _, l := range strings.Split(text, "\n") {
		for _, r := range l {
			if r < 0x20 && r != '\t' || r == 0x7f {
				return fmt.Errorf("control character %q in %q", r, l)
			}
		}
	}
	return nil
}

func fwRouterBackend(kind wizard.RouterKind) fwBackend {
	for _, b := range fwBackends() {
		if b.Router == kind {
			return b
		}
	}
	panic("generators: no router row for " + string(kind))
}

// fwRouterView is what every router kind's file says.
type fwRouterView struct {
	Side     wizard.Side
	Title    string
	Kind     wizard.RouterKind
	Forwards []fwForward // server router: port forwards
	Outbound []fwForward // client router: connections the LAN opens
	// PublicIP is the public address when clients dial an IP ("" for a name).
	PublicIP string
	WAN, LAN string // interface names when given
	Ports    []string
}

// fwForward is one port forward or outbound flow.
type fwForward struct {
	Why, Tag string
	Ports    wizard.PortRange
	From     []string // sources; empty or 0.0.0.0/0 is anywhere
	To       string   // the internal address (forward) or destination (outbound)
}

func fwRouterViewOf(p *wizard.Plan, side wizard.Side, r *wizard.Router) fwRouterView {
	v := fwRouterView{Side: side, Title: fwTitle(side, r.Kind.Label()), Kind: r.Kind, WAN: r.WANInterface, LAN: r.LANInterface}
	if s := p.Server; s != nil && side == wizard.SideServerRouter {
		if s.PublicIsIP {
			v.PublicIP = s.PublicAddress
		}
	}
	for _, f := range p.FlowsFor(side) {
		fw := fwForward{Why: f.Why, Tag: fwTag(f), Ports: f.Ports, To: f.DNATTo}
		if !fwIsAny(f.From) {
			fw.From = f.From
		}
		v.Ports = append(v.Ports, f.Ports.String())
		if f.DNATTo != "" {
			v.Forwards = append(v.Forwards, fw)
		} else {
			fw.To = f.To
			v.Outbound = append(v.Outbound, fw)
		}
	}
	return v
}

func fwRouterHeader(prefix, title string, usage []string, intro ...string) []string {
	out := []string{prefix + title, prefix + "Generated by ftpswiz. Regenerate with: " + fwRegenerate,
		prefix + "Every setting that matters carries its reason; REPORT.md has the whole plan.", strings.TrimRight(prefix, " ")}
	for _, u := range usage {
		out = append(out, prefix+strings.TrimPrefix(u, "# "))
	}
	for _, t := range intro {
		out = append(out, strings.TrimRight(prefix, " "))
		out = append(out, fwCommentLines(prefix, t)...)
	}
	return out
}

const fwRouterNotProven = "Written from the vendor's documented syntax and checked against it by ftpswiz's tests; not run on a real device."

func fwHairpinWhy(v fwRouterView) string {
	return "Hairpin NAT: clients on the file server's own LAN that dial the public address " + orName(v.PublicIP) +
		" are sent back into the LAN (the passive replies carry the public address, so they need it too)."
}

func orName(ip string) string {
	if ip == "" {
		return "(the server's DNS name)"
	}
	return ip
}

// renderOpenWrt writes a UCI batch: each forward is a named redirect
// section (ftpswiz_N), set again on every run.
func renderOpenWrt(v fwRouterView, usage []string) string {
	lines := []string{"#!/bin/sh"}
	lines = append(lines, fwRouterHeader("# ", v.Title, usage,
		"Run on the OpenWrt router (fw4, OpenWrt 22.03 and later). It adds redirect sections to /etc/config/firewall and changes nothing else: fw4 makes each redirect's forward accept rule itself. Zones: src wan, dest lan (OpenWrt's defaults). reflection 1 is hairpin NAT: clients on the LAN that dial the public address reach the server too.",
		"FTP helper: OpenWrt loads none by default; if kmod-nf-nathelper-extra is installed, remove it (apk del or opkg remove kmod-nf-nathelper-extra): it cannot read TLS and only gets in the way.",
		fwRouterNotProven)...)
	lines = append(lines, "set -eu", "uci -q batch <<'FTPSWIZ_UCI'")
	n := 0
	for _, f := range v.Forwards {
		srcs := f.From
		if len(srcs) == 0 {
			srcs = []string{""}
		}
		for _, src := range srcs {
			n++
			sec := "firewall.ftpswiz_" + strconv.Itoa(n)
			lines = append(lines, sec+"=redirect",
				sec+".name='"+fwSafe(f.Tag)+"'", sec+".src='wan'", sec+".dest='lan'", sec+".proto='tcp'",
				sec+".src_dport='"+f.Ports.String()+"'", sec+".dest_ip='"+f.To+"'", sec+".dest_port='"+f.Ports.String()+"'",
				sec+".target='DNAT'", sec+".reflection='1'")
			if src != "" {
				lines = append(lines, sec+".src_ip='"+src+"'")
			}
		}
	}
	for _, f := range v.Outbound {
		n++
		sec := "firewall.ftpswiz_" + strconv.Itoa(n)
		lines = append(lines, sec+"=rule", sec+".name='"+fwSafe(f.Tag)+"'", sec+".src='lan'", sec+".dest='wan'",
			sec+".proto='tcp'", sec+".dest_port='"+f.Ports.String()+"'", sec+".target='ACCEPT'")
		if f.To != "" {
			lines = append(lines, sec+".dest_ip='"+f.To+"'")
		}
	}
	for i, l := range lines {
		if strings.HasPrefix(l, "firewall.") {
			lines[i] = "set " + l
		}
	}
	lines = append(lines, "FTPSWIZ_UCI", "uci commit firewall", "service firewall restart", "")
	return strings.Join(lines, "\n")
}

// renderRouterOS writes a RouterOS script that removes ftpswiz's rules
// (by comment) and adds them again.
func renderRouterOS(v fwRouterView, usage []string) string {
	lines := fwRouterHeader("# ", v.Title, usage,
		"Import on the MikroTik router (RouterOS 7). It removes the rules commented ftpswiz and adds them again; no other rule changes. RouterOS's default configuration drops new connections from the WAN unless they were destination-NATed, so the port forwards need no filter rule there; the accept rules below are for a filter of your own: move them above your drop rules (ip firewall filter print shows the order).",
		"The FTP helper (service port ftp) is turned off: it cannot read the encrypted control channel and only gets in the way.",
		fwRouterNotProven)
	lines = append(lines,
		`/ip firewall nat remove [find comment~"^ftpswiz"]`,
		`/ip firewall filter remove [find comment~"^ftpswiz"]`,
		`/ip firewall service-port set ftp disabled=yes`)
	match := "in-interface-list=WAN"
	if v.WAN != "" {
		match = "in-interface=" + v.WAN
	}
	if v.PublicIP != "" {
		match = "dst-address=" + v.PublicIP // also catches hairpin connections from the LAN
	}
	// The hairpin masquerade, per server the forwards go to (a fleet's
	// router forwards to several), in order.
	var hosts []string
	ports := map[string][]string{}
	for _, f := range v.Forwards {
		if _, ok := ports[f.To]; !ok {
			hosts = append(hosts, f.To)
		}
		ports[f.To] = append(ports[f.To], f.Ports.String())
		srcs := f.From
		if len(srcs) == 0 {
			srcs = []string{""}
		}
		for _, src := range srcs {
			s := ""
			if src != "" {
				s = " src-address=" + src
			}
			lines = append(lines, fwCommentLines("# ", f.Why)...)
			lines = append(lines,
				"/ip firewall nat add chain=dstnat action=dst-nat "+match+" protocol=tcp dst-port="+f.Ports.String()+s+
					" to-addresses="+f.To+` comment="`+f.Tag+`"`,
				"/ip firewall filter add chain=forward action=accept connection-state=new connection-nat-state=dstnat protocol=tcp dst-address="+f.To+
					" dst-port="+f.Ports.String()+s+` comment="`+f.Tag+`"`)
		}
	}
	if len(v.Forwards) > 0 {
		lines = append(lines, fwCommentLines("# ", fwHairpinWhy(v)+" The masquerade makes the server answer through the router.")...)
		if v.PublicIP == "" {
			lines = append(lines, fwCommentLines("# ", "The public address is a name, so the dstnat rules match on the WAN side only: give LAN clients the server's LAN address in your local DNS (split DNS) instead.")...)
		}
		for _, h := range hosts {
			lines = append(lines, "/ip firewall nat add chain=srcnat action=masquerade in-interface-list=LAN protocol=tcp dst-address="+h+
				" dst-port="+strings.Join(ports[h], ",")+` comment="ftpswiz hairpin"`)
		}
	}
	for _, f := range v.Outbound {
		d := ""
		if f.To != "" {
			d = " dst-address=" + f.To
		}
		lines = append(lines, fwCommentLines("# ", f.Why+" (only needed if your forward chain filters what the LAN opens)")...)
		lines = append(lines, "/ip firewall filter add chain=forward action=accept connection-state=new in-interface-list=LAN protocol=tcp"+d+
			" dst-port="+f.Ports.String()+` comment="`+f.Tag+`"`)
	}
	return strings.Join(lines, "\n") + "\n"
}

// renderFortiGate writes FortiOS CLI: a VIP per forward, a policy that
// allows them with no proxy FTP inspection, and the hairpin policy.
func renderFortiGate(v fwRouterView, usage []string) string {
	wan, lan := v.WAN, v.LAN
	if wan == "" {
		wan = "wan1"
	}
	if lan == "" {
		lan = "internal"
	}
	lines := fwRouterHeader("# ", v.Title, usage,
		"FortiOS 7 CLI. It adds address objects, VIPs (port forwards with the port numbers unchanged) and firewall policies named ftpswiz-...; nothing else changes. Interfaces "+wan+" (WAN) and "+lan+" (LAN): give router wan_interface and lan_interface in the answers if yours differ.",
		"FTP inspection breaks FTPS: the policies use a protocol options profile of their own with FTP inspection off, and the ftp session helper must go: show system session-helper, find the entry with name ftp (port 21), then config system session-helper, delete N, end. It cannot read TLS and only gets in the way.",
		fwRouterNotProven)
	var vips []string
	lines = append(lines, "config firewall profile-protocol-options", `    edit "ftpswiz-ftps"`,
		`        set comment "ftpswiz: no FTP inspection, FTPS is encrypted"`, "        config ftp", "            set status disable", "        end", "    next", "end")
	var srcs []string
	seen := map[string]bool{}
	for _, f := range v.Forwards {
		for _, s := range f.From {
			if !seen[s] {
				seen[s] = true
				srcs = append(srcs, s)
			}
		}
	}
	var srcNames []string
	if len(srcs) > 0 {
		lines = append(lines, "config firewall address")
		for i, s := range srcs {
			name := "ftpswiz-src-" + strconv.Itoa(i+1)
			srcNames = append(srcNames, `"`+name+`"`)
			lines = append(lines, `    edit "`+name+`"`, "        set subnet "+fortiSubnet(s), "    next")
		}
		lines = append(lines, "end")
	} else {
		srcNames = []string{`"all"`}
	}
	if len(v.Forwards) > 0 {
		lines = append(lines, "config firewall vip")
		for i, f := range v.Forwards {
			name := "ftpswiz-" + strconv.Itoa(i+1)
			vips = append(vips, `"`+name+`"`)
			ext := v.PublicIP
			if ext == "" {
				ext = "0.0.0.0"
			}
			lines = append(lines, `    edit "`+name+`"`, `        set comment "`+f.Tag+`"`, "        set extip "+ext,
				`        set extintf "any"`, `        set mappedip "`+f.To+`"`, "        set portforward enable",
				"        set protocol tcp", "        set extport "+f.Ports.String(), "        set mappedport "+f.Ports.String(), "    next")
		}
		lines = append(lines, "end")
		lines = append(lines, "config firewall policy",
			"    edit 0", `        set name "ftpswiz-ftps"`, `        set srcintf "`+wan+`"`, `        set dstintf "`+lan+`"`,
			"        set action accept", "        set srcaddr "+strings.Join(srcNames, " "), "        set dstaddr "+strings.Join(vips, " "),
			`        set schedule "always"`, `        set service "ALL"`, "        set utm-status enable", `        set profile-protocol-options "ftpswiz-ftps"`, "        set nat disable", "    next")
		lines = append(lines, fwCommentLines("    # ", fwHairpinWhy(v)+" The VIPs listen on any interface; this policy lets the LAN reach them, with source NAT so the server answers through the FortiGate.")...)
		lines = append(lines,
			"    edit 0", `        set name "ftpswiz-ftps-hairpin"`, `        set srcintf "`+lan+`"`, `        set dstintf "`+lan+`"`,
			"        set action accept", `        set srcaddr "all"`, "        set dstaddr "+strings.Join(vips, " "),
			`        set schedule "always"`, `        set service "ALL"`, "        set nat enable", "    next", "end")
	}
	if len(v.Outbound) > 0 {
		lines = append(lines, fwCommentLines("# ", "The LAN's connections to the server: FortiGate's outbound policy usually allows them already; if yours filters by service, add the ports "+strings.Join(v.Ports, ", ")+" (tcp) to it, with a protocol options profile without FTP inspection (ftpswiz-ftps above).")...)
		lines = append(lines, "config firewall profile-protocol-options", `    edit "ftpswiz-ftps"`, "        config ftp", "            set status disable", "        end", "    next", "end")
	}
	return strings.Join(lines, "\n") + "\n"
}

// fortiSubnet is a CIDR as FortiOS writes it: "192.0.2.20 255.255.255.255".
func fortiSubnet(cidr string) string {
	ip, bits, ok := strings.Cut(cidr, "/")
	if !ok {
		return ip + " 255.255.255.255"
	}
	n, err := strconv.Atoi(bits)
	if err != nil || n < 0 || n > 32 {
		return ip + " 255.255.255.255"
	}
	m := uint32(0xffffffff) << (32 - n)
	if n == 0 {
		m = 0
	}
	return fmt.Sprintf("%s %d.%d.%d.%d", ip, m>>24, m>>16&0xff, m>>8&0xff, m&0xff)
}

// renderChecklist writes the steps for a router configured in its web page.
func renderChecklist(v fwRouterView, kind wizard.RouterKind) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nGenerated by ftpswiz. Regenerate with: `%s`\n\n", v.Title, fwRegenerate)
	where, alg, hairpin := "", "", ""
	switch kind {
	case wizard.RouterPfSense:
		where = "Firewall > NAT > Port Forward > Add, once per row: Interface WAN, Protocol TCP, Destination WAN address, Destination port range as below, Redirect target IP the internal address, Redirect target port the same port; Filter rule association: Add associated filter rule (it adds the WAN rule that lets the forward in). Save, Apply Changes."
		alg = "pfSense has no FTP proxy since 2.3; make sure no FTP proxy package is installed."
		hairpin = "Hairpin NAT (clients on the server's own LAN that dial the public address): System > Advanced > Firewall & NAT > NAT Reflection mode for port forwards: Pure NAT, and tick Enable automatic outbound NAT for Reflection."
	case wizard.RouterOPNsense:
		where = "Firewall > NAT > Port Forward > Add, once per row: Interface WAN, Protocol TCP, Destination WAN address, Destination port range as below, Redirect target IP the internal address, Redirect target port the same port; Filter rule association: Add associated filter rule. Save, Apply changes."
		alg = "OPNsense has no FTP proxy enabled by default (the os-ftp-proxy plugin): if it is installed, leave it off for these ports."
		hairpin = "Hairpin NAT: Firewall > Settings > Advanced: tick Reflection for port forwards and Automatic outbound NAT for Reflection."
	default:
		where = "In the router's web page, find Port Forwarding (also called Virtual Server, NAT or Applications), and add one entry per row."
		alg = "Turn off the FTP ALG (also called FTP helper or FTP passthrough; it sits next to SIP ALG, often under Advanced or NAT settings): it cannot read the encrypted control channel and can break FTPS connections."
		hairpin = "Hairpin NAT (NAT loopback, NAT reflection): clients on the server's own LAN that dial the public address need it; if the router has no such setting, give them the server's LAN address in your local DNS (split DNS) instead."
	}
	if len(v.Forwards) > 0 {
		b.WriteString(where + "\n\n")
		b.WriteString("| Name | Protocol | External ports | Internal address | Internal ports | Allowed sources |\n|---|---|---|---|---|---|\n")
		for i, f := range v.Forwards {
			src := "any"
			if len(f.From) > 0 {
				src = strings.Join(f.From, ", ")
			}
			fmt.Fprintf(&b, "| ftpswiz-%d | TCP | %s | %s | %s (unchanged) | %s |\n", i+1, f.Ports, f.To, f.Ports, src)
		}
		b.WriteString("\nThe internal ports must be the same as the external ones: vsftpd announces its own port numbers, so a forward that changes them sends data connections nowhere. Without the passive range, login works but every listing times out.\n\n")
		fmt.Fprintf(&b, "- [ ] %s\n- [ ] %s\n", alg, hairpin)
	}
	if len(v.Outbound) > 0 {
		b.WriteString("Nothing to add for the connections the LAN opens: routers allow them by default. Only if yours filters outbound connections, allow these:\n\n| Protocol | Destination | Destination ports |\n|---|---|---|\n")
		for _, f := range v.Outbound {
			to := f.To
			if to == "" {
				to = "the server's address"
			}
			fmt.Fprintf(&b, "| TCP | %s | %s |\n", to, f.Ports)
		}
		fmt.Fprintf(&b, "\n- [ ] %s\n", alg)
	}
	b.WriteString("\nThese steps add to the router's configuration and change nothing else. " + fwRouterNotProven + "\n")
	return b.String()
}
