package generators

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// firewallRenderers returns the renderers of this group: one per firewall
// backend of fwBackends, applying when the plan asks for the backend and
// has a side it writes.
//
// Adding a backend touches four production files: firewall/firewall.go
// (its constant and its row in firewall.Catalogue), its row here
// (fwBackends: files, usage, render function), its renderer file
// (firewall_<name>.go) and, if it uses one, its template.
func firewallRenderers() []Renderer {
	var out []Renderer
	for _, b := range fwBackends() {
		if b.Render != nil {
			render := b.Render
			applies := fwWants(b.Kind)
			if b.Wants != nil {
				applies = b.Wants
			}
			out = append(out, Renderer{Name: string(b.Kind), Applies: applies,
				Render: func(p *wizard.Plan) ([]File, error) {
					if !fwFamilyAware(b.Kind) {
						if err := fwIPv4Only(p); err != nil {
							return nil, fmt.Errorf("%s: %w", b.Firewall, err)
						}
					}
					return render(p)
				}})
		}
	}
	return out
}

// fwFileKind is one kind of firewall file: a row of fwBackends.
type fwFileKind string

// The firewall file kinds.
const (
	fwKindNft       fwFileKind = "nftables"
	fwKindIptables  fwFileKind = "iptables"
	fwKindIp6tables fwFileKind = "ip6tables"
	fwKindUFW       fwFileKind = "ufw"
	fwKindFirewalld fwFileKind = "firewalld"
	fwKindAWSCLI    fwFileKind = "aws-cli"
	fwKindTerraform fwFileKind = "terraform"
	// A bridge-networked vsftpd container's published ports (firewall_docker.go).
	fwKindDockerIptables fwFileKind = "docker-iptables"
	fwKindDockerNft      fwFileKind = "docker-nftables"
)

// fwBackend is everything ftpswiz knows about one kind of firewall file:
// the backend it belongs to, its path, the sides it is written for, how its
// header lays out the usage lines, and how it is checked, applied, shown,
// persisted and removed. The renderers and REPORT.md both read this table;
// nothing else knows these facts.
type fwBackend struct {
	Kind     fwFileKind
	Firewall wizard.Firewall
	// Tool is how REPORT.md names the file ("nftables ruleset").
	Tool string
	// Ext follows the side in the file name ("server-host.nft"); a backend
	// with Fixed writes one file for every side, Fixed+Ext.
	Ext   string
	Fixed string
	Mode  fs.FileMode
	// HostOnly: written for host sides only (not routers).
	HostOnly bool
	// Router is the router kind of a row written for routers of that kind
	// (not Linux): its Firewall is the kind's name, not a firewalls answer.
	Router wizard.RouterKind
	Header headerStyle
	// Existing says how its rules combine with rules a box already has
	// (REPORT.md's "Fitting the rules into an existing firewall").
	Existing string
	// Render writes the backend's files (for a backend with two kinds of
	// file, the first kind's row renders both).
	Render func(*wizard.Plan) ([]File, error)
	// steps gives the usage of one file (fwStepCtx: what it depends on).
	steps func(c fwStepCtx) Desc
	// Wants, when set, replaces fwWants: whether the plan wants the file.
	Wants func(*wizard.Plan) bool
}

// fwStepCtx is what a backend's usage depends on: the sides a file for
// every side covers (AWS), whether the side's ruleset has NAT chains, and
// the iptables chains to jump to (zero for the script backends).
type fwStepCtx struct {
	Sides []wizard.Side
	NAT   bool
	Hooks []iptablesHook
	// Shared: the file only adds to the box's own firewall; Jumps are the
	// nftables chains it adds ("inet filter ftpswiz_forward").
	Shared bool
	Jumps  []nftJump
	// Router: the box forwards (its persistence includes IP forwarding);
	// V6: its flows include IPv6 (so does its forwarding).
	Router, V6 bool
	// Install is the file's name under /etc/nftables.d/ (RHEL:
	// /etc/nftables/).
	Install string
	// RHEL: the box runs RHEL (the server host of a plan for RHEL's
	// vsftpd build): its persistence leads with RHEL's commands.
	RHEL bool
}

// fwRHELUntested is what the RHEL persistence texts say of their proof.
const fwRHELUntested = "RHEL 9's documented commands, which ftpswiz's Debian 12 lab does not run"

// iptApplyNote is the remark on re-running an iptables or ip6tables
// file's apply command (iptApply).
const iptApplyNote = "re-running it is safe: in the same commit it deletes the jumps an earlier run inserted " +
	"(iptables-save shows them) and inserts the file's, one per chain; every other rule stays"

// fwPersistNft is how an nftables file survives a reboot: on Debian 12
// nftables.service (not enabled by default) runs nft -f /etc/nftables.conf
// at boot, so a copy of the file is included at its end.
//
// On RHEL 9 nftables.service runs nft -f /etc/sysconfig/nftables.conf, and
// RHEL's documentation keeps rule files in /etc/nftables/, included from
// it; it also says to run only one of firewalld, nftables and iptables.
func fwPersistNft(c fwStepCtx) Desc {
	// Debian 12's paths, and a word on RHEL's; or RHEL 9's, marked untried.
	dir, conf := "/etc/nftables.d", "/etc/nftables.conf"
	on, other := "", "RHEL 9: the include goes into /etc/sysconfig/nftables.conf"
	if c.RHEL {
		dir, conf = "/etc/nftables", "/etc/sysconfig/nftables.conf"
		on, other = persistQualRHEL, "RHEL's documentation runs only one of firewalld, nftables.service and "+
			"iptables.service on a host; "+fwRHELUntested+"; Debian 12: the copy goes into /etc/nftables.d/ "+
			"and the include into /etc/nftables.conf"
	}
	dst := dir + "/" + c.Install
	inc := `include "` + dst + `"`
	prose := "at boot nftables.service runs nft -f " + conf + ", which loads the copy at its end"
	if c.Shared {
		prose += ", after your table"
	}
	return Desc{
		PersistCmds: append([]Cmd{
			Sh("mkdir", "-p", dir),
			Sh("cp").File().Arg(dst),
			Sh("grep", "-qxF", inc, conf).Op("||").Arg("printf", `\n%s\n`, inc).Op(">>").Arg(conf),
			Sh("systemctl", "enable", "nftables"),
		}, fwPersistForward(c)...),
		PersistOn: on,
		Persist:   prose + "; " + other,
	}
}

// fwPersistIptables is how an iptables (tool "iptables") or ip6tables file
// survives a reboot: on Debian 12, iptables-persistent's
// netfilter-persistent.service (enabled when the package is installed) runs
// iptables-restore < /etc/iptables/rules.v4 and ip6tables-restore <
// /etc/iptables/rules.v6 at boot (its plugins 15-ip4tables, 25-ip6tables),
// which netfilter-persistent save writes with iptables-save and
// ip6tables-save.
//
// On RHEL 9, iptables-services' iptables.service and ip6tables.service load
// /etc/sysconfig/iptables and /etc/sysconfig/ip6tables at boot (service
// iptables save writes the first with iptables-save).
func fwPersistIptables(c fwStepCtx, tool string) Desc {
	rhelFile, rhelUnit := "/etc/sysconfig/iptables", "iptables"
	if tool == "ip6tables" {
		rhelFile, rhelUnit = "/etc/sysconfig/ip6tables", "ip6tables"
	}
	if c.RHEL {
		return Desc{
			PersistCmds: append([]Cmd{
				Sh(tool + "-save").Op(">").Arg(rhelFile),
				Sh("systemctl", "enable", rhelUnit),
			}, fwPersistForward(c)...),
			PersistOn: persistQualRHEL,
			Persist: "needs dnf install iptables-services, whose " + rhelUnit + ".service loads " + rhelFile +
				" at boot (service " + rhelUnit + " save writes the same file); the save writes every rule the box has " +
				"into it, yours too; RHEL's documentation runs only one of firewalld, nftables.service and iptables.service on a host; " +
				fwRHELUntested + "; Debian 12: netfilter-persistent save (iptables-persistent)",
		}
	}
	rhel := rhelFile + ", systemctl enable " + rhelUnit
	return Desc{
		PersistCmds: append([]Cmd{Sh("netfilter-persistent", "save")}, fwPersistForward(c)...),
		Persist: "needs apt-get install iptables-persistent (not beside ufw: ufw's package breaks it), whose " +
			"netfilter-persistent.service loads /etc/iptables/rules.v4 and rules.v6 at boot; save writes every rule " +
			"the box has into them, yours too; RHEL 9: " + tool + "-save > " + rhel,
	}
}

// fwPersistForward is a Linux router's forwarding at boot: systemd-sysctl
// loads /etc/sysctl.d/*.conf (for both families on a router with IPv6
// flows).
func fwPersistForward(c fwStepCtx) []Cmd {
	if !c.Router {
		return nil
	}
	keys := []string{"net.ipv4.ip_forward=1"}
	if c.V6 {
		keys = append(keys, "net.ipv6.conf.all.forwarding=1")
	}
	return []Cmd{Sh("printf", `%s\n`).Arg(keys...).Op(">").Arg("/etc/sysctl.d/99-ftpswiz-forward.conf")}
}

// fwBackends is the table of firewall file kinds, in the order REPORT.md
// explains them. It is built once, on first use (its rows hold closures
// and long texts, and fwBackendOf looks rows up dozens of times a run),
// and never changed: callers only read it. (A sync.OnceValue in a
// variable's initialiser would be an initialisation cycle: renderers in
// the table look the table up.)
func fwBackends() []fwBackend {
	fwTable.once.Do(func() {
		fwTable.rows = slices.Clip(append(fwHostBackends(), append(cloudBackends(), append(dockerFwBackends(), fwRouterRows()...)...)...))
	})
	return fwTable.rows
}

// fwTable is fwBackends' build-once cache.
var fwTable struct {
	once sync.Once
	rows []fwBackend
}

// fwHostBackends are the rows of the backends of the firewalls answer
// (hosts, and routers of kind linux).
func fwHostBackends() []fwBackend {
	return []fwBackend{
		{
			Kind: fwKindNft, Firewall: wizard.FirewallNftables, Tool: "nftables ruleset", Ext: ".nft", Mode: 0o644,
			Header: headerStyle{Width: 9}, Render: renderNft,
			Existing: "**nftables:** nftables runs the base chains of every table on the same hook " +
				"one after the other: an accept in one table does not override a drop in another, and a drop " +
				"anywhere is final. So a shared box (every router by default; a host whose answers say " +
				"host_firewall use: shared) gets rules inside its own table (default inet filter, as in Debian's " +
				"/etc/nftables.conf): a chain of ftpswiz's, jumped to from its base chain, that only accepts. " +
				"A dedicated box gets ftpswiz's own tables with a drop policy: load that only on a box with no " +
				"nftables firewall of its own.",
			steps: func(c fwStepCtx) Desc {
				if c.Shared {
					return nftSharedSteps(c)
				}
				remove := []Cmd{Sh("nft", "delete", "table", "inet", nftFilterTable)}
				if c.NAT {
					remove = append(remove, Sh("nft", "delete", "table", "ip", nftNATTable))
				}
				persist := fwPersistNft(c)
				return Desc{
					Apply:       []Cmd{Sh("nft", "-f").File()},
					ApplyNote:   "re-running it replaces ftpswiz's own tables and nothing else; it never flushes the ruleset",
					Check:       []Cmd{Sh("nft", "-c", "-f").File()},
					Show:        []Cmd{Sh("nft", "list", "ruleset")},
					Remove:      remove,
					PersistCmds: persist.PersistCmds,
					PersistOn:   persist.PersistOn,
					Persist:     persist.Persist,
				}
			},
		},
		{
			Kind: fwKindIptables, Firewall: wizard.FirewallIptables, Tool: "iptables-restore ruleset", Ext: ".iptables", Mode: 0o644,
			Render: renderIptables,
			Header: headerStyle{Width: 8, ApplyQual: "as root; the one command, the jumps are in the file; other rules stay"},
			Existing: "**iptables:** load the file with `--noflush`, as above. Without it, " +
				"iptables-restore empties every chain of each table the file names, your own rules included. " +
				"The file carries its own jumps; on a shared box ftpswiz's chains accept the flows and return " +
				"everything else to your rules.",
			steps: func(c fwStepCtx) Desc {
				persist := fwPersistIptables(c, "iptables")
				d := Desc{
					Apply:       []Cmd{iptApply("iptables")},
					ApplyNote:   iptApplyNote,
					Check:       []Cmd{Sh("iptables-restore", "--test", "--noflush").Op("<").File()},
					Show:        []Cmd{Sh("iptables-save")},
					PersistCmds: persist.PersistCmds,
					PersistOn:   persist.PersistOn,
					Persist:     persist.Persist,
				}
				for _, h := range c.Hooks {
					d.Remove = append(d.Remove, h.Remove())
				}
				return d
			},
		},
		{
			// Written by the iptables row's render function, for the sides
			// that have IPv6 flows.
			Kind: fwKindIp6tables, Firewall: wizard.FirewallIptables, Tool: "ip6tables-restore ruleset", Ext: ".ip6tables", Mode: 0o644,
			Header: headerStyle{Width: 8, ApplyQual: "as root; the one command, the jumps are in the file; other rules stay"},
			Existing: "**ip6tables:** the IPv6 rules are a file of their own, loaded with `ip6tables-restore --noflush` " +
				"like the IPv4 one; without it, IPv6 is not filtered by ftpswiz's rules at all.",
			steps: func(c fwStepCtx) Desc {
				persist := fwPersistIptables(c, "ip6tables")
				d := Desc{
					Apply:       []Cmd{iptApply("ip6tables")},
					ApplyNote:   iptApplyNote,
					Check:       []Cmd{Sh("ip6tables-restore", "--test", "--noflush").Op("<").File()},
					Show:        []Cmd{Sh("ip6tables-save")},
					PersistCmds: persist.PersistCmds,
					PersistOn:   persist.PersistOn,
					Persist:     persist.Persist,
				}
				for _, h := range c.Hooks {
					d.Remove = append(d.Remove, h.Remove())
				}
				return d
			},
		},
		{
			Kind: fwKindUFW, Firewall: wizard.FirewallUFW, Tool: "ufw script", Ext: ".ufw.sh", Mode: 0o755, HostOnly: true,
			Header: headerStyle{Width: 8}, Render: renderUFW,
			Existing: "**ufw:** the script adds `ufw` rules next to the existing ones, each commented ftpswiz; review them with " +
				"`ufw status numbered`. On a shared box that is all it does: ufw's default policies and whether ufw is enabled " +
				"stay the box's own. On a dedicated box it also sets the defaults (deny incoming; on the client host deny outgoing " +
				"too) and enables ufw. Do not combine ufw with hand-written nftables or iptables rules on the same host.",
			steps: func(c fwStepCtx) Desc {
				d := Desc{
					Apply:     []Cmd{Sh("sudo", "bash").File()},
					ApplyNote: "re-running is safe: ufw skips a rule it already has",
					Check:     []Cmd{Sh("bash", "-n").File()},
					Show:      []Cmd{Sh("ufw", "status", "verbose")},
					// The script's remove deletes each of its rules only
					// if it carries ftpswiz's comment.
					Remove:  []Cmd{Sh("sudo", "bash").File().Arg("remove")},
					Persist: "nothing to do, ufw loads its rules at boot while it is enabled (the script enables it)",
				}
				if c.Shared {
					d.ApplyNote = "re-running is safe: ufw skips a rule it already has; it only adds ftpswiz's rules, " +
						"ufw's default policies and whether ufw is enabled stay the box's own"
					d.Persist = "nothing to do while ufw is enabled: it loads its rules at boot; the script does not enable ufw " +
						"(shared box), so on an inactive ufw the rules take effect only once you enable it"
				}
				return d
			},
		},
		{
			Kind: fwKindFirewalld, Firewall: wizard.FirewallFirewalld, Tool: "firewalld script", Ext: ".firewalld.sh", Mode: 0o755, HostOnly: true,
			Header: headerStyle{Width: 8}, Render: renderFirewalld,
			Existing: "**firewalld:** the script adds rules to a zone, permanently; review with " +
				"`firewall-cmd --list-all`. Do not combine firewalld with hand-written nftables or iptables rules.",
			steps: func(fwStepCtx) Desc {
				return Desc{
					Apply:      []Cmd{Sh("sudo", "bash").File()},
					ApplyHint:  "zone: the default zone, or FTPSWIZ_ZONE=name",
					ApplyNote:  "re-running is safe: every rule is queried before it is added",
					Check:      []Cmd{Sh("bash", "-n").File()},
					Show:       []Cmd{Sh("firewall-cmd", "--list-all")},
					RemoveText: "firewall-cmd --permanent --zone=ZONE --remove-rich-rule='...' for the rules below; firewall-cmd --reload",
					Persist:    "nothing to do, the script writes firewalld's permanent configuration, which it loads at boot",
				}
			},
		},
		{
			Kind: fwKindAWSCLI, Firewall: wizard.FirewallAWS, Tool: "AWS CLI", Fixed: "aws-security-group", Ext: ".sh", Mode: 0o755, HostOnly: true,
			Header: headerStyle{Width: 8}, Render: renderAWS,
			Existing: "**AWS:** security groups only allow and are stateful; a group adds to the " +
				"instance's other groups, and return traffic needs no rule.",
			steps: func(c fwStepCtx) Desc {
				var apply Cmd
				for _, s := range c.Sides {
					apply = apply.Op(awsGroupVar(s, c.Sides) + "=sg-...")
				}
				return Desc{
					Apply:      []Cmd{apply.Arg("bash").File()},
					ApplyNote:  "re-running is safe: a rule that exists already is skipped",
					Needs:      "needs credentials allowed to change security groups",
					Check:      []Cmd{Sh("bash", "-n").File()},
					Show:       []Cmd{Sh("aws", "ec2", "describe-security-group-rules", "--filters", "Name=group-id,Values=sg-...")},
					RemoveText: "aws ec2 revoke-security-group-ingress (or -egress) for each rule whose description starts with ftpswiz",
					Persist:    "nothing to do, AWS keeps a security group's rules",
				}
			},
		},
		{
			Kind: fwKindTerraform, Firewall: wizard.FirewallAWS, Tool: "Terraform", Fixed: "aws-security-group", Ext: ".tf", Mode: 0o644, HostOnly: true,
			Header: headerStyle{Width: 8},
			steps: func(fwStepCtx) Desc {
				return Desc{
					Apply:   []Cmd{Sh("terraform", "init").Op("&&").Arg("terraform", "apply", "-var", "vpc_id=vpc-...")},
					OwnDir:  "ftpswiz-sg",
					Check:   []Cmd{Sh("terraform", "init").Op("&&").Arg("terraform", "validate")},
					Show:    []Cmd{Sh("terraform", "show")},
					Remove:  []Cmd{Sh("terraform", "destroy", "-var", "vpc_id=vpc-...")},
					Persist: "nothing to do, AWS keeps the security groups (keep this directory and its terraform.tfstate to change or remove them)",
				}
			},
		},
	}
}

// fwFamilyAware reports whether a backend writes rules for both families
// (the others refuse an IPv6 flow by name, below).
func fwFamilyAware(k fwFileKind) bool {
	switch k {
	case fwKindNft, fwKindIptables, fwKindUFW, fwKindFirewalld, fwKindAWSCLI, fwKindAzureCLI, fwKindGCPCLI:
		return true
	}
	return false
}

// fwIPv4Only refuses a plan with a flow of another family than IPv4: every
// backend writes IPv4 rules (ip saddr, iptables, family="ipv4", cidr_ipv4),
// so an IPv6 flow would be written wrong. IPv6 support starts here.
func fwIPv4Only(p *wizard.Plan) error {
	for _, f := range p.Flows {
		if f.Family != "" && f.Family != wizard.FamilyIPv4 {
			return fmt.Errorf("%s flow %s on the %s: %s addresses are not supported yet (ftpswiz plans IPv4)",
				f.Purpose, f.Ports, f.Side, f.Family)
		}
	}
	return nil
}

// fwBackendOf returns the row of a file kind.
func fwBackendOf(k fwFileKind) fwBackend {
	for _, b := range fwBackends() {
		if b.Kind == k {
			return b
		}
	}
	panic("generators: no firewall backend " + string(k)) // a constant of this file is missing from the table
}

// Path is the output path of the kind's file for a side.
func (b fwBackend) Path(side wizard.Side) string {
	if b.Fixed != "" {
		return "firewall/" + b.Fixed + b.Ext
	}
	return "firewall/" + string(side) + b.Ext
}

// Suits reports whether the kind is written for a side.
func (b fwBackend) Suits(side wizard.Side) bool { return !b.HostOnly || fwHostSide(side) }

// SuitsIn reports whether the kind is written for a side of the plan: a
// router kind's row for routers of that kind, the other rows for hosts and
// Linux routers.
func (b fwBackend) SuitsIn(p *wizard.Plan, side wizard.Side) bool {
	_, r := p.BoxFirewall(side)
	if b.Router != "" {
		return r != nil && r.Kind == b.Router
	}
	return b.Suits(side) && (r == nil || r.Kind.Linux())
}

// File builds one firewall file with its description; side is the box it
// belongs to (for a Fixed file, the first of c.Sides).
func (b fwBackend) File(side wizard.Side, c fwStepCtx, content []byte) File {
	d := b.steps(c)
	d.Side, d.Backend, d.Tool = side, b.Firewall, b.Tool
	switch b.Kind {
	case fwKindAWSCLI:
		d.What = "AWS security group rules (AWS CLI script)"
	case fwKindTerraform:
		d.What = "AWS security group rules (Terraform)"
	case fwKindAzureCLI:
		d.What = "Azure network security group rules (Azure CLI script)"
	case fwKindAzureTF:
		d.What = "Azure network security group rules (Terraform)"
	case fwKindGCPCLI:
		d.What = "Google Cloud VPC firewall rules (gcloud CLI script)"
	case fwKindGCPTF:
		d.What = "Google Cloud VPC firewall rules (Terraform)"
	default:
		d.What = b.Tool + " for the " + strings.ToLower(side.Title()[:1]) + side.Title()[1:]
	}
	return File{Path: b.Path(side), Mode: b.Mode, Content: content, Desc: d}
}

// HeaderLines are the usage lines of the file's header, from the same
// description File gives it.
func (b fwBackend) HeaderLines(side wizard.Side, c fwStepCtx) []string {
	p := b.Path(side)
	return descHeader(b.steps(c), b.Header, p[strings.LastIndexByte(p, '/')+1:])
}

// fwWants returns an Applies func: the plan asks for the backend and has at
// least one side the backend writes.
func fwWants(k fwFileKind) func(*wizard.Plan) bool {
	b := fwBackendOf(k)
	return func(p *wizard.Plan) bool {
		if b.Router == "" && !slices.Contains(p.Firewalls, b.Firewall) {
			return false
		}
		return slices.ContainsFunc(p.Sides(), func(s wizard.Side) bool { return b.SuitsIn(p, s) })
	}
}

// fwHostSides returns the plan's host sides (server-host, client-host).
func fwHostSides(p *wizard.Plan) []wizard.Side {
	var out []wizard.Side
	for _, s := range p.Sides() {
		if fwHostSide(s) {
			out = append(out, s)
		}
	}
	return out
}
