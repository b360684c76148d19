package wizard

import (
	"fmt"
	"slices"
)

// BoxUse says whether a box belongs to ftpswiz's rules alone or carries
// other traffic and a firewall of its own (issue 10).
type BoxUse string

// Box uses.
const (
	// BoxDedicated: the box has no firewall of its own; ftpswiz writes a
	// complete policy (drop what the plan does not need). On the client's
	// router this is an egress lockdown.
	BoxDedicated BoxUse = "dedicated"
	// BoxShared: the box already has a firewall or carries other traffic;
	// ftpswiz's rules only add (they let the plan's flows through and change
	// nothing else). The default for every router.
	BoxShared BoxUse = "shared"
)

// BoxUses lists the valid box uses.
func BoxUses() []BoxUse { return []BoxUse{BoxShared, BoxDedicated} }

// BoxFirewall says how ftpswiz's rules join one box's firewall.
type BoxFirewall struct {
	// Use is shared or dedicated. Default: shared for routers, dedicated
	// for hosts (a host with a firewall of its own should say shared).
	Use BoxUse `yaml:"use,omitempty"`
	// NftTable is the box's existing nftables table the shared rules join,
	// as "family name". Default "inet filter" (Debian's /etc/nftables.conf).
	NftTable string `yaml:"nft_table,omitempty"`
	// NftChain is the base chain in NftTable the shared rules are jumped to
	// from. Default "input" on a host, "forward" on a router.
	NftChain string `yaml:"nft_chain,omitempty"`
}

// Default nftables names of a shared box (Debian's /etc/nftables.conf).
const (
	DefaultNftTable        = "inet filter"
	DefaultNftHostChain    = "input"
	DefaultNftRouterChain  = "forward"
	DefaultNftTableFamily  = "inet"
	defaultNftTableNameStr = "filter"
)

// Shared reports whether ftpswiz's rules must only add.
func (b BoxFirewall) Shared() bool { return b.Use == BoxShared }

// NftFamilyName splits NftTable into its family and name.
func (b BoxFirewall) NftFamilyName() (family, name string) {
	f, n, ok := cutSpace(b.NftTable)
	if !ok {
		return DefaultNftTableFamily, defaultNftTableNameStr
	}
	return f, n
}

func cutSpace(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i], s[i+1:], s[:i] != "" && s[i+1:] != ""
		}
	}
	return "", "", false
}

func normalizeBox(b *BoxFirewall, def BoxUse, chain string) {
	if b.Use == "" {
		b.Use = def
	}
	if b.NftTable == "" {
		b.NftTable = DefaultNftTable
	}
	if b.NftChain == "" {
		b.NftChain = chain
	}
}

// RouterKind is what kind of router a Router is: a Linux box ftpswiz
// writes nftables/iptables rules for, or another make it writes that
// make's configuration or steps for.
type RouterKind string

// Router kinds.
const (
	RouterLinux     RouterKind = "linux"     // nftables or iptables (the firewalls answer)
	RouterOpenWrt   RouterKind = "openwrt"   // fw4, configured with UCI
	RouterMikroTik  RouterKind = "mikrotik"  // RouterOS script (.rsc)
	RouterPfSense   RouterKind = "pfsense"   // GUI checklist
	RouterOPNsense  RouterKind = "opnsense"  // GUI checklist
	RouterFortiGate RouterKind = "fortigate" // FortiOS CLI: VIP + policy
	RouterWebPage   RouterKind = "web"       // a consumer router configured in its web page
)

// RouterKinds lists the valid router kinds.
func RouterKinds() []RouterKind {
	return []RouterKind{RouterLinux, RouterOpenWrt, RouterMikroTik, RouterPfSense, RouterOPNsense, RouterFortiGate, RouterWebPage}
}

// Linux reports whether ftpswiz writes nftables/iptables rules for the router.
func (k RouterKind) Linux() bool { return k == RouterLinux || k == "" }

// NeedsInterfaces reports whether the router's rules name its interfaces
// (a Linux box's rules must; the other kinds have defaults).
func (k RouterKind) NeedsInterfaces() bool { return k.Linux() }

// routerKindChoices are the router-kind questions' choices, one per kind,
// with the file ftpswiz writes for it.
func routerKindChoices() []Choice {
	what := map[RouterKind][2]string{
		RouterLinux:     {"A Linux box with nftables or iptables.", "Rules in the Linux formats chosen under firewalls (firewall/<side>.nft, .iptables)."},
		RouterOpenWrt:   {"OpenWrt's fw4 firewall, configured with UCI.", "firewall/<side>.openwrt.sh: the uci commands for the forwards and rules."},
		RouterMikroTik:  {"MikroTik RouterOS.", "firewall/<side>.rsc: a RouterOS script to import."},
		RouterPfSense:   {"pfSense, configured in its web interface.", "firewall/<side>.pfsense.md: a checklist of its pages and fields."},
		RouterOPNsense:  {"OPNsense, configured in its web interface.", "firewall/<side>.opnsense.md: a checklist of its pages and fields."},
		RouterFortiGate: {"A FortiGate (FortiOS).", "firewall/<side>.fortigate.conf: FortiOS CLI (virtual IP and policy)."},
		RouterWebPage:   {"A consumer router set up in its web page.", "firewall/<side>.router.md: what to enter in its web page."},
	}
	var out []Choice
	for _, k := range RouterKinds() {
		out = append(out, Choice{Value: string(k), Label: k.Label(), What: what[k][0], Effect: what[k][1]})
	}
	return out
}

// Label is the kind's human name.
func (k RouterKind) Label() string {
	switch k {
	case RouterOpenWrt:
		return "OpenWrt (fw4)"
	case RouterMikroTik:
		return "MikroTik RouterOS"
	case RouterPfSense:
		return "pfSense"
	case RouterOPNsense:
		return "OPNsense"
	case RouterFortiGate:
		return "FortiGate (FortiOS)"
	case RouterWebPage:
		return "a router configured in its web page"
	}
	return "Linux (nftables/iptables)"
}

func (v *validator) box(field string, b BoxFirewall, router *Router) {
	if b.Use != "" {
		v.enum(field+".use", string(b.Use), strs(BoxUses()))
	}
	if router != nil && !router.Kind.Linux() && b.Use == BoxDedicated {
		v.add(field+".use", "remove it (or write shared): ftpswiz's rules for a "+router.Kind.Label()+" only add to its own firewall",
			"is dedicated, but a complete policy is written for Linux routers only")
	}
	if b.NftTable != "" {
		if !ValidNftTable(b.NftTable) {
			v.add(field+".nft_table", `give the table as "family name", e.g. "inet filter" (nft list tables shows them)`,
				"%q is not an nftables table", clip(b.NftTable))
		}
	}
	if b.NftChain != "" && !ValidNftName(b.NftChain) {
		v.add(field+".nft_chain", "give the base chain's name, e.g. input or forward (nft list table inet filter shows them)",
			"%q is not an nftables chain name", clip(b.NftChain))
	}
}

// ValidNftTable accepts a table as the answers spell it, "family name",
// with family inet or ip and an nftables identifier for the name. The
// renderers check it again before writing it.
func ValidNftTable(s string) bool {
	f, n, ok := cutSpace(s)
	return ok && (f == "inet" || f == "ip") && ValidNftName(n)
}

// ValidNftName accepts nftables identifiers: a letter, then letters,
// digits, '_' and '-', at most 64 characters.
func ValidNftName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_' || r == '-'):
		default:
			return false
		}
	}
	return true
}

// The texts of a box's use: the decision's reason (boxWhy) and the
// wizard's question (BoxUseQuestion) both say them.
const (
	boxSharedWhat    = "it already has a firewall or carries other traffic"
	boxDedicatedWhat = "ftpswiz writes its complete policy (its own tables with a drop policy), which drops whatever the plan does not list"
	// egressLockdown is what a dedicated client router means.
	egressLockdown = "On the client's router the complete policy is an egress lockdown: the LAN may open only the file-transfer connections; web, DNS, mail, VPNs and everything else it forwards stop."
)

// boxSharedRules says what rules that only add are on side's box,
// joining chain of table (and, on a host whose rules ufw may write, ufw's).
func boxSharedRules(side Side, table, chain string, ufw bool) string {
	s := "ftpswiz's rules only add: they let the file-transfer flows through and change nothing else (nftables: a chain of ftpswiz's own inside " +
		table + ", jumped to from its " + chain + " chain; iptables: ftpswiz's own chains, jumped to from the built-in ones, that accept the flows and return"
	if ufw && (side == SideServerHost || side == SideClientHost) {
		s += "; ufw: allow rules commented ftpswiz and nothing else, never a default policy changed or ufw enabled, so on an " +
			"inactive ufw they take effect only when you enable it (the script says so)"
	}
	return s + ")"
}

// DefaultBoxUse is the use of a box whose answers do not say: dedicated
// for the vsftpd host, shared for every other box (a router forwards
// other traffic; a client host is someone's workstation or server).
func DefaultBoxUse(side Side) BoxUse {
	if side == SideServerHost {
		return BoxDedicated
	}
	return BoxShared
}

// DefaultNftChain is the base chain a shared box's nftables rules are
// jumped to from by default: input on a host, forward on a router.
func DefaultNftChain(side Side) string {
	if side == SideServerRouter || side == SideClientRouter {
		return DefaultNftRouterChain
	}
	return DefaultNftHostChain
}

// boxWhy is the decision text of a box's use; ufw: the plan writes ufw
// scripts.
func boxWhy(side Side, b BoxFirewall, ufw bool) string {
	if b.Shared() {
		return fmt.Sprintf("The %s is shared: %s, so %s. Say use: dedicated "+
			"for a box with no firewall of its own to get a complete policy instead.", side.Title(), boxSharedWhat, boxSharedRules(side, b.NftTable, b.NftChain, ufw))
	}
	return fmt.Sprintf("The %s is dedicated: %s. On a box that carries other traffic or has a firewall of its own, say use: shared.", side.Title(), boxDedicatedWhat)
}

// WANName is how texts name the router's WAN side: its interface, or the
// kind's usual name.
func (r *Router) WANName() string {
	if r.WANInterface != "" {
		return r.WANInterface
	}
	return "its WAN side"
}

// ufw reports whether the plan writes ufw scripts.
func (d *decider) ufw() bool { return slices.Contains(d.a.Firewalls, FirewallUFW) }

// boxDecisions records how each managed box's rules join its firewall.
func (d *decider) boxDecisions() {
	if s := d.a.Server; s != nil {
		d.decide("firewall.server_host_use", "Server host: "+string(s.HostFirewall.Use), string(s.HostFirewall.Use), boxWhy(SideServerHost, s.HostFirewall, d.ufw()))
		if r := s.Router; r != nil {
			d.routerDecision(SideServerRouter, "firewall.server_router_use", r)
		}
	}
	if c := d.a.Client; c != nil {
		if r := c.Router; r != nil {
			d.routerDecision(SideClientRouter, "firewall.client_router_use", r)
		}
		if c.NAT != ClientNATMasquerade {
			d.decide("firewall.client_host_use", "Client host: "+string(c.HostFirewall.Use), string(c.HostFirewall.Use), boxWhy(SideClientHost, c.HostFirewall, d.ufw()))
		}
	}
}

func (d *decider) routerDecision(side Side, key string, r *Router) {
	if !r.Kind.Linux() {
		d.decide(key, side.Title()+": "+r.Kind.Label(), string(r.Kind)+", rules that only add",
			fmt.Sprintf("The %s is %s: ftpswiz writes that router's own configuration or steps (port forwards and, where the make has one, "+
				"the FTP helper turned off), which add to its firewall and change nothing else. Clients on the server's own LAN "+
				"(hairpin NAT) are covered in the same file.", side.Title(), r.Kind.Label()))
		return
	}
	use := r.Firewall.Use
	why := boxWhy(side, r.Firewall, false)
	if side == SideClientRouter && use == BoxDedicated {
		d.warn(key, side.Title()+": egress lockdown", "dedicated: EGRESS LOCKDOWN",
			why+" "+egressLockdown)
		return
	}
	d.decide(key, side.Title()+": "+string(use), string(use), why)
}
