package generators

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ftpswiz/ftpswiz/internal/chars"
	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The clouds beyond AWS: an Azure network security group and Google Cloud
// VPC firewall rules per host side, each as a CLI script (az, gcloud) and as
// Terraform (azurerm, google). A host's inbound flows become inbound allow
// rules, its outbound flows outbound allow rules; the client host's egress
// filter adds a deny-everything-else rule, as the AWS backend removes the
// allow-all egress rule. Both clouds' rules are stateful: replies need no
// rule.

const (
	fwKindAzureCLI fwFileKind = "azure-cli"
	fwKindAzureTF  fwFileKind = "azure-terraform"
	fwKindGCPCLI   fwFileKind = "gcp-cli"
	fwKindGCPTF    fwFileKind = "gcp-terraform"
)

// fwCloudBackend reports whether a backend writes a cloud's rules (one file
// for every host side, applied through the cloud's API, not on a box).
func fwCloudBackend(b wizard.Firewall) bool {
	return b == wizard.FirewallAWS || b == wizard.FirewallAzure || b == wizard.FirewallGCP
}

// cloudBackends are the rows of fwBackends for Azure and Google Cloud.
func cloudBackends() []fwBackend {
	return []fwBackend{
		{
			Kind: fwKindAzureCLI, Firewall: wizard.FirewallAzure, Tool: "Azure CLI", Fixed: "azure-nsg", Ext: ".sh", Mode: 0o755, HostOnly: true,
			Header: headerStyle{Width: 8}, Render: renderAzure,
			Existing: "**Azure:** a network security group's rules are evaluated by priority, lowest number first; " +
				"ftpswiz's rules use priorities 1000-1990 (and 4000 for a client's deny-all egress): leave them free.",
			steps: func(c fwStepCtx) Desc {
				apply := Cmd{}.Op("AZ_RESOURCE_GROUP=...")
				for _, s := range c.Sides {
					apply = apply.Op(cloudVar("NSG", s, c.Sides) + "=...")
				}
				return Desc{
					Apply:      []Cmd{apply.Arg("bash").File()},
					ApplyNote:  "re-running is safe: az network nsg rule create updates a rule of the same name",
					Needs:      "needs az login with rights on the network security groups",
					Check:      []Cmd{Sh("bash", "-n").File()},
					Show:       []Cmd{Sh("az", "network", "nsg", "rule", "list", "--resource-group", "RG", "--nsg-name", "NSG", "--output", "table")},
					RemoveText: "az network nsg rule delete for each rule whose name starts with ftpswiz",
					Persist:    "nothing to do, Azure keeps a network security group's rules",
				}
			},
		},
		{
			Kind: fwKindAzureTF, Firewall: wizard.FirewallAzure, Tool: "Terraform (azurerm)", Fixed: "azure-nsg", Ext: ".tf", Mode: 0o644, HostOnly: true,
			Header: headerStyle{Width: 8},
			steps: func(fwStepCtx) Desc {
				vars := []string{"-var", "resource_group_name=...", "-var", "location=..."}
				return Desc{
					Apply:   []Cmd{Sh("terraform", "init").Op("&&").Arg("terraform", "apply").Arg(vars...)},
					OwnDir:  "ftpswiz-azure-nsg",
					Check:   []Cmd{Sh("terraform", "init").Op("&&").Arg("terraform", "validate")},
					Show:    []Cmd{Sh("terraform", "show")},
					Remove:  []Cmd{Sh("terraform", "destroy").Arg(vars...)},
					Persist: "nothing to do, Azure keeps the security groups (keep this directory and its terraform.tfstate to change or remove them)",
				}
			},
		},
		{
			Kind: fwKindGCPCLI, Firewall: wizard.FirewallGCP, Tool: "gcloud CLI", Fixed: "gcp-firewall", Ext: ".sh", Mode: 0o755, HostOnly: true,
			Header: headerStyle{Width: 8}, Render: renderGCP,
			Existing: "**Google Cloud:** VPC firewall rules apply to the instances carrying their target tag " +
				"(ftpswiz-server-host, ftpswiz-client-host); they add to the network's other rules, the lowest " +
				"priority number winning.",
			steps: func(fwStepCtx) Desc {
				return Desc{
					Apply:      []Cmd{Cmd{}.Op("GCP_NETWORK=default").Arg("bash").File()},
					ApplyNote:  "re-running is safe: a rule that exists already is updated",
					Needs:      "needs gcloud auth with rights on the VPC's firewall rules, and the project set (gcloud config set project ...)",
					Check:      []Cmd{Sh("bash", "-n").File()},
					Show:       []Cmd{Sh("gcloud", "compute", "firewall-rules", "list", "--filter", "name~^ftpswiz-")},
					RemoveText: "gcloud compute firewall-rules delete for each rule whose name starts with ftpswiz-",
					Persist:    "nothing to do, Google Cloud keeps the VPC's firewall rules",
				}
			},
		},
		{
			Kind: fwKindGCPTF, Firewall: wizard.FirewallGCP, Tool: "Terraform (google)", Fixed: "gcp-firewall", Ext: ".tf", Mode: 0o644, HostOnly: true,
			Header: headerStyle{Width: 8},
			steps: func(fwStepCtx) Desc {
				return Desc{
					Apply:   []Cmd{Sh("terraform", "init").Op("&&").Arg("terraform", "apply", "-var", "project=...", "-var", "network=default")},
					OwnDir:  "ftpswiz-gcp-firewall",
					Check:   []Cmd{Sh("terraform", "init").Op("&&").Arg("terraform", "validate")},
					Show:    []Cmd{Sh("terraform", "show")},
					Remove:  []Cmd{Sh("terraform", "destroy", "-var", "project=...", "-var", "network=default")},
					Persist: "nothing to do, Google Cloud keeps the firewall rules (keep this directory and its terraform.tfstate to change or remove them)",
				}
			},
		},
	}
}

// cloudVar is the shell variable naming a side's group.
func cloudVar(what string, side wizard.Side, sides []wizard.Side) string {
	if len(sides) == 1 {
		return "AZ_" + what
	}
	if side == wizard.SideServerHost {
		return "AZ_SERVER_" + what
	}
	return "AZ_CLIENT_" + what
}

// cloudNameRE is a rule name Google Cloud (RFC 1035, at most 63) and Azure
// (letters, digits, '_', '.', '-', at most 80) both accept.
// (^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$, checked byte by byte.)
var cloudNameFirst, cloudNameRest = chars.NewSet("a-z"), chars.NewSet("a-z0-9-")

func validCloudName(s string) bool {
	return chars.Run(s, 1, 63, cloudNameFirst, cloudNameRest) && s[len(s)-1] != '-'
}

// cloudRule is one allow (or deny) rule of a cloud firewall.
type cloudRule struct {
	Name     string // ftpswiz-server-host-passive-data
	Side     wizard.Side
	Inbound  bool
	Allow    bool
	Priority int
	Ports    string   // "21", "50000-50074", "*" (any)
	Peers    []string // CIDRs; "*" or 0.0.0.0/0 for any
	// Any: the peers are anywhere and the plan is IPv4 only, so Azure's
	// "*" may stand for them (with IPv6 flows, "*" would open the other
	// family too: each family's rule names its own prefixes).
	Any bool
	Why string
	Tag string // description
}

// cloudRules are the rules of every host side, in order, checked: names
// and descriptions are plain tokens, peers CIDRs of the flow's family (one
// family per rule: neither cloud mixes them), ports in 1-65535.
func cloudRules(p *wizard.Plan, sides []wizard.Side) ([]cloudRule, error) {
	var out []cloudRule
	v6 := fwPlanHasIPv6(p)
	for _, side := range sides {
		prio := 1000
		egress := false
		used := map[string]int{}
		for _, f := range p.FlowsFor(side) {
			if f.Ports.First < 1 || f.Ports.Last > 65535 || f.Ports.First > f.Ports.Last {
				return nil, fmt.Errorf("flow %s: ports %s outside 1-65535", f.Purpose, f.Ports)
			}
			peers := awsPeers(f)
			six := f.Family == wizard.FamilyIPv6
			for _, c := range peers {
				if pfx, err := netip.ParsePrefix(c); err != nil || pfx.Addr().Is4() == six || pfx.String() != c {
					return nil, fmt.Errorf("flow %s: %q is not a plain %s CIDR", f.Purpose, c, f.Family.Title())
				}
			}
			name := "ftpswiz-" + string(side) + "-" + string(f.Purpose)
			if six {
				name += "-ipv6"
			}
			used[name]++
			if n := used[name]; n > 1 {
				name += "-" + strconv.Itoa(n)
			}
			why := f.Why
			if !f.SourcePorts.IsZero() {
				why += " (a cloud firewall rule here does not match the source port " + f.SourcePorts.String() + ")"
			}
			if f.Warning {
				why = "WARNING: " + why
			}
			out = append(out, cloudRule{Name: name, Side: side, Inbound: f.Direction == wizard.Inbound, Allow: true,
				Priority: prio, Ports: f.Ports.String(), Peers: peers, Why: why, Tag: fwTag(f),
				Any: !v6 && len(peers) == 1 && peers[0] == wizard.AnyIPv4})
			prio += 10
			if prio > 1990 {
				return nil, fmt.Errorf("%s: more than 100 rules", side)
			}
			egress = egress || (f.Direction != wizard.Inbound && side == wizard.SideClientHost)
		}
		if egress {
			why := "WARNING: egress filter. The cloud lets everything out by default; this rule leaves only the flows above (anything else this instance needs, such as DNS to a resolver outside the cloud's own, must be allowed above it)."
			out = append(out, cloudRule{Name: "ftpswiz-" + string(side) + "-deny-other-outbound", Side: side, Priority: 4000,
				Ports: "*", Peers: []string{wizard.AnyIPv4}, Tag: "ftpswiz egress filter", Why: why, Any: !v6})
			if v6 {
				out = append(out, cloudRule{Name: "ftpswiz-" + string(side) + "-deny-other-outbound-ipv6", Side: side, Priority: 4010,
					Ports: "*", Peers: []string{"::/0"}, Tag: "ftpswiz egress filter", Why: why})
			}
		}
	}
	for _, r := range out {
		if !validCloudName(r.Name) {
			return nil, fmt.Errorf("rule name %q is not a name both clouds accept (lower case, digits, '-', at most 63)", r.Name)
		}
		if err := guardToken(r.Name, containerValueRE()); err != nil {
			return nil, fmt.Errorf("rule name %q %w", r.Name, err)
		}
		if err := guardValue(r.Tag); err != nil {
			return nil, fmt.Errorf("rule %s description %w", r.Name, err)
		}
	}
	return out, nil
}

func cloudHeader(title string, intro []string) string {
	var b strings.Builder
	b.WriteString(templates.Comment("# ", title) + "\n")
	b.WriteString("# Generated by ftpswiz. Regenerate with: " + fwRegenerate + "\n#\n")
	for _, l := range intro {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// ---- Azure -----------------------------------------------------------------

func renderAzure(p *wizard.Plan) ([]File, error) {
	sides := fwHostSides(p)
	rules, err := cloudRules(p, sides)
	if err != nil {
		return nil, fmt.Errorf("azure: %w", err)
	}
	c := fwStepCtx{Sides: sides}
	stateful := "Network security groups are stateful: replies to an allowed connection pass; nothing to add for them. Rule names and descriptions carry the flow's purpose and the decision key (ftpswiz explain KEY); the comments carry the reasons."

	// CLI.
	var sh strings.Builder
	sh.WriteString("#!/usr/bin/env bash\n")
	intro := append(fwBackendOf(fwKindAzureCLI).HeaderLines(sides[0], c), "#")
	intro = append(intro, fwCommentLines("# ", stateful)...)
	sh.WriteString(cloudHeader("Azure network security group rules (Azure CLI)", intro))
	sh.WriteString("set -euo pipefail\n\ncommand -v az >/dev/null || { echo \"the Azure CLI is not installed\" >&2; exit 1; }\n")
	sh.WriteString(": \"${AZ_RESOURCE_GROUP:?set AZ_RESOURCE_GROUP to the resource group of the network security group}\"\n")
	for _, s := range sides {
		v := cloudVar("NSG", s, sides)
		fmt.Fprintf(&sh, ": \"${%s:?set %s to the name of the network security group of the %s}\"\n", v, v, strings.ToLower(s.Title()))
	}
	sh.WriteString(`
# rule NSG NAME PRIORITY DIRECTION ACCESS PORTS DESCRIPTION PEER...: creates
# the rule, or updates the rule of that name.
rule() {
	local nsg=$1 name=$2 prio=$3 dir=$4 access=$5 ports=$6 desc=$7
	shift 7
	local src=("*") dst=("*") proto=Tcp
	if [ "$dir" = Inbound ]; then src=("$@"); else dst=("$@"); fi
	if [ "$ports" = '*' ]; then proto='*'; fi
	az network nsg rule create --resource-group "$AZ_RESOURCE_GROUP" --nsg-name "$nsg" \
		--name "$name" --priority "$prio" --direction "$dir" --access "$access" --protocol "$proto" \
		--source-address-prefixes "${src[@]}" --source-port-ranges '*' \
		--destination-address-prefixes "${dst[@]}" --destination-port-ranges "$ports" \
		--description "$desc" --output none
	echo "$name: done"
}
`)
	for _, r := range rules {
		sh.WriteString("\n")
		for _, l := range fwCommentLines("# ", r.Why) {
			sh.WriteString(l + "\n")
		}
		dir, access := "Outbound", "Deny"
		if r.Inbound {
			dir = "Inbound"
		}
		if r.Allow {
			access = "Allow"
		}
		peers := r.Peers
		if r.Any {
			peers = []string{"*"}
		}
		cmd := Cmd{}.Op("rule", `"$`+cloudVar("NSG", r.Side, sides)+`"`).Arg(r.Name, strconv.Itoa(r.Priority), dir, access, r.Ports, r.Tag).Arg(peers...)
		sh.WriteString(cmd.Line("") + "\n")
	}

	// Terraform.
	var tf strings.Builder
	tintro := append(fwBackendOf(fwKindAzureTF).HeaderLines(sides[0], c), "#")
	tintro = append(tintro, fwCommentLines("# ", "Associate each network security group with its VM's network interface (azurerm_network_interface_security_group_association) or subnet. "+stateful)...)
	tf.WriteString(cloudHeader("Azure network security groups (Terraform)", tintro))
	tf.WriteString(`
terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 3.0"
    }
  }
}

provider "azurerm" {
  features {}
}

variable "resource_group_name" {
  description = "Resource group the network security groups are created in"
  type        = string
}

variable "location" {
  description = "Azure region of the network security groups"
  type        = string
}
`)
	for _, side := range sides {
		nsg := tfName("ftpswiz", string(side))
		fmt.Fprintf(&tf, "\n# %s (%s)\nresource \"azurerm_network_security_group\" %q {\n", side.Title(), side, nsg)
		for _, a := range tfAttrs("name", tfString("ftpswiz-"+string(side)), "location", "var.location", "resource_group_name", "var.resource_group_name") {
			tf.WriteString("  " + a + "\n")
		}
		tf.WriteString("}\n")
		for _, r := range rules {
			if r.Side != side {
				continue
			}
			dir, access := "Outbound", "Deny"
			if r.Inbound {
				dir = "Inbound"
			}
			if r.Allow {
				access = "Allow"
			}
			kv := []string{"name", tfString(r.Name), "description", tfString(r.Tag), "priority", strconv.Itoa(r.Priority),
				"direction", tfString(dir), "access", tfString(access), "protocol", tfString(map[bool]string{true: "*", false: "Tcp"}[r.Ports == "*"]),
				"source_port_range", tfString("*")}
			if r.Ports == "*" {
				kv = append(kv, "destination_port_range", tfString("*"))
			} else {
				kv = append(kv, "destination_port_range", tfString(r.Ports))
			}
			peers := tfList(r.Peers)
			switch {
			case r.Inbound && r.Any:
				kv = append(kv, "source_address_prefix", tfString("*"), "destination_address_prefix", tfString("*"))
			case r.Inbound:
				kv = append(kv, "source_address_prefixes", peers, "destination_address_prefix", tfString("*"))
			case r.Any:
				kv = append(kv, "source_address_prefix", tfString("*"), "destination_address_prefix", tfString("*"))
			default:
				kv = append(kv, "source_address_prefix", tfString("*"), "destination_address_prefixes", peers)
			}
			kv = append(kv, "resource_group_name", "var.resource_group_name",
				"network_security_group_name", "azurerm_network_security_group."+nsg+".name")
			tf.WriteString("\n")
			for _, l := range fwCommentLines("# ", r.Why) {
				tf.WriteString(l + "\n")
			}
			fmt.Fprintf(&tf, "resource \"azurerm_network_security_rule\" %q {\n", tfName(strings.TrimPrefix(r.Name, "ftpswiz-")))
			for _, a := range tfAttrs(kv...) {
				tf.WriteString("  " + a + "\n")
			}
			tf.WriteString("}\n")
		}
		fmt.Fprintf(&tf, "\noutput %q {\n  value = azurerm_network_security_group.%s.id\n}\n", nsg+"_id", nsg)
	}
	return cloudFiles(fwKindAzureCLI, fwKindAzureTF, sides, c, sh.String(), tf.String())
}

// tfList is an HCL list of strings.
func tfList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = tfString(x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func cloudFiles(cli, tf fwFileKind, sides []wizard.Side, c fwStepCtx, sh, hcl string) ([]File, error) {
	for _, x := range []struct {
		k fwFileKind
		s string
	}{{cli, sh}, {tf, hcl}} {
		if err := guardLines([]byte(x.s), true, func(int, string) error { return nil }); err != nil {
			return nil, fmt.Errorf("%s: %w", fwBackendOf(x.k).Path(""), err)
		}
	}
	return []File{
		fwBackendOf(cli).File(sides[0], c, []byte(sh)),
		fwBackendOf(tf).File(sides[0], c, []byte(hcl)),
	}, nil
}

// ---- Google Cloud ----------------------------------------------------------

// gcpTag is the network tag a side's instances carry.
func gcpTag(side wizard.Side) string { return "ftpswiz-" + string(side) }

func renderGCP(p *wizard.Plan) ([]File, error) {
	sides := fwHostSides(p)
	rules, err := cloudRules(p, sides)
	if err != nil {
		return nil, fmt.Errorf("gcp: %w", err)
	}
	c := fwStepCtx{Sides: sides}
	var tags []string
	for _, s := range sides {
		tags = append(tags, gcpTag(s)+" on the "+strings.ToLower(s.Title()))
	}
	stateful := "VPC firewall rules are stateful: replies to an allowed connection pass; nothing to add for them. " +
		"The rules apply to the instances with the network tag " + strings.Join(tags, ", ") +
		" (gcloud compute instances add-tags INSTANCE --tags=TAG). Names and descriptions carry the flow's purpose and the decision key (ftpswiz explain KEY); the comments carry the reasons."

	var sh strings.Builder
	sh.WriteString("#!/usr/bin/env bash\n")
	intro := append(fwBackendOf(fwKindGCPCLI).HeaderLines(sides[0], c), "#")
	intro = append(intro, fwCommentLines("# ", stateful)...)
	sh.WriteString(cloudHeader("Google Cloud VPC firewall rules (gcloud CLI)", intro))
	sh.WriteString("set -euo pipefail\n\ncommand -v gcloud >/dev/null || { echo \"the Google Cloud CLI is not installed\" >&2; exit 1; }\n")
	sh.WriteString(": \"${GCP_NETWORK:?set GCP_NETWORK to the VPC network of the instances (default: default)}\"\n")
	sh.WriteString(`
# rule NAME PRIORITY INGRESS|EGRESS ALLOW|DENY RULES TAG DESCRIPTION RANGES:
# creates the rule, or updates the rule of that name.
rule() {
	local name=$1 prio=$2 dir=$3 action=$4 rules=$5 tag=$6 desc=$7 ranges=$8 peers=--source-ranges
	[ "$dir" = INGRESS ] || peers=--destination-ranges
	if gcloud compute firewall-rules describe "$name" --format='value(name)' >/dev/null 2>&1; then
		gcloud compute firewall-rules update "$name" --priority="$prio" --rules="$rules" \
			"$peers=$ranges" --target-tags="$tag" --description="$desc"
	else
		gcloud compute firewall-rules create "$name" --network="$GCP_NETWORK" --direction="$dir" \
			--action="$action" --priority="$prio" --rules="$rules" "$peers=$ranges" \
			--target-tags="$tag" --description="$desc"
	fi
	echo "$name: done"
}
`)
	for _, r := range rules {
		sh.WriteString("\n")
		for _, l := range fwCommentLines("# ", r.Why) {
			sh.WriteString(l + "\n")
		}
		dir, action, rule := "EGRESS", "DENY", "tcp:"+r.Ports
		if r.Inbound {
			dir = "INGRESS"
		}
		if r.Allow {
			action = "ALLOW"
		}
		if r.Ports == "*" {
			rule = "all"
		}
		prio := r.Priority
		if !r.Allow {
			prio = 65534
		}
		sh.WriteString(Sh("rule", r.Name, strconv.Itoa(prio), dir, action, rule, gcpTag(r.Side), r.Tag, strings.Join(r.Peers, ",")).Line("") + "\n")
	}

	var tf strings.Builder
	tintro := append(fwBackendOf(fwKindGCPTF).HeaderLines(sides[0], c), "#")
	tintro = append(tintro, fwCommentLines("# ", stateful)...)
	tf.WriteString(cloudHeader("Google Cloud VPC firewall rules (Terraform)", tintro))
	tf.WriteString(`
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0"
    }
  }
}

variable "project" {
  description = "Google Cloud project of the VPC network"
  type        = string
}

variable "network" {
  description = "VPC network the instances run in"
  type        = string
  default     = "default"
}
`)
	for _, r := range rules {
		dir, block := "EGRESS", "deny"
		if r.Inbound {
			dir = "INGRESS"
		}
		if r.Allow {
			block = "allow"
		}
		prio := r.Priority
		if !r.Allow {
			prio = 65534
		}
		ranges := "destination_ranges"
		if r.Inbound {
			ranges = "source_ranges"
		}
		tf.WriteString("\n")
		for _, l := range fwCommentLines("# ", r.Why) {
			tf.WriteString(l + "\n")
		}
		fmt.Fprintf(&tf, "resource \"google_compute_firewall\" %q {\n", tfName(strings.TrimPrefix(r.Name, "ftpswiz-")))
		for _, a := range tfAttrs("name", tfString(r.Name), "project", "var.project", "network", "var.network",
			"description", tfString(r.Tag), "direction", tfString(dir), "priority", strconv.Itoa(prio),
			ranges, tfList(r.Peers), "target_tags", tfList([]string{gcpTag(r.Side)})) {
			tf.WriteString("  " + a + "\n")
		}
		proto := "tcp"
		if r.Ports == "*" {
			proto = "all"
		}
		fmt.Fprintf(&tf, "\n  %s {\n    protocol = %s\n", block, tfString(proto))
		if r.Ports != "*" {
			fmt.Fprintf(&tf, "    ports    = [%s]\n", tfString(r.Ports))
		}
		tf.WriteString("  }\n}\n")
	}
	return cloudFiles(fwKindGCPCLI, fwKindGCPTF, sides, c, sh.String(), tf.String())
}

// ---- REPORT.md ---------------------------------------------------------------

// reportCloudSteps is one apply step per cloud whose files the plan has.
func reportCloudSteps(outputs []File) []reportStep {
	clouds := []struct {
		fw          wizard.Firewall
		title, text string
	}{
		{wizard.FirewallAWS, "AWS security group", "Create the security group rules with one of these (read the file's " +
			"header for the values it expects, such as the group or VPC id) and attach the group to the " +
			"instance. Security groups only allow and are stateful: the rules add to the instance's other " +
			"groups, and replies need no rule."},
		{wizard.FirewallAzure, "Azure network security group", "Create the network security group rules with one " +
			"of these (the file's header names the resource group and group it expects) and associate the " +
			"group with the VM's network interface or subnet. Rules are stateful: replies need no rule."},
		{wizard.FirewallGCP, "Google Cloud VPC firewall rules", "Create the firewall rules with one of these and give " +
			"each instance its network tag (the file's header names them). Rules are stateful: replies need no rule."},
	}
	var steps []reportStep
	for _, c := range clouds {
		var blocks []string
		for _, f := range outputs {
			if f.Desc.Backend == c.fw {
				blocks = append(blocks, reportUsage(f))
			}
		}
		if len(blocks) > 0 {
			steps = append(steps, reportStep{Title: c.title, Text: mdWrap(reportWidth, c.text), Code: strings.Join(blocks, "\n\n")})
		}
	}
	return steps
}
