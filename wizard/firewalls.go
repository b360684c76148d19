package wizard

import "github.com/ftpswiz/ftpswiz/firewall"

// Firewall is a firewall backend ftpswiz writes rules for (package firewall
// holds the enum, so the detector can name backends without the planner).
type Firewall = firewall.Backend

// Firewall backends.
const (
	FirewallNftables  = firewall.Nftables
	FirewallIptables  = firewall.Iptables
	FirewallUFW       = firewall.UFW
	FirewallFirewalld = firewall.Firewalld
	FirewallAWS       = firewall.AWS
	FirewallAzure     = firewall.Azure
	FirewallGCP       = firewall.GCP
)

// FirewallInfo is what the wizard knows about one firewall backend: how
// the question offers it. FirewallCatalogue is the one list: the answers'
// valid values and the question's choices come from it; the generators'
// table (generators/firewall.go, fwBackends) adds the files it writes.
type FirewallInfo struct {
	Firewall            Firewall
	Label, What, Effect string
	// IPv4Only: ftpswiz writes this backend's rules for IPv4 only, so a
	// plan with IPv6 flows cannot use it.
	IPv4Only bool
}

// FirewallIPv4Only reports whether ftpswiz writes f's rules for IPv4 only.
func FirewallIPv4Only(f Firewall) bool {
	for _, fi := range FirewallCatalogue() {
		if fi.Firewall == f {
			return fi.IPv4Only
		}
	}
	return false
}

// FirewallCatalogue lists every firewall backend in the order the question
// offers them.
func FirewallCatalogue() []FirewallInfo {
	return []FirewallInfo{
		{Firewall: FirewallNftables, Label: "nftables",
			What:   "The Linux packet filter (Debian 10+ default).",
			Effect: "firewall/<side>.nft, in a table of its own, safe to re-apply; never flushes the ruleset."},
		{Firewall: FirewallIptables, Label: "iptables",
			What:   "The older Linux packet filter.",
			Effect: "firewall/<side>.iptables in iptables-restore format."},
		{Firewall: FirewallUFW, Label: "ufw",
			What:   "Ubuntu's firewall front-end.",
			Effect: "firewall/<side>.ufw.sh for the host sides."},
		{Firewall: FirewallFirewalld, Label: "firewalld",
			What:   "The firewall daemon of RHEL and Fedora.",
			Effect: "firewall/<side>.firewalld.sh for the host sides."},
		{Firewall: FirewallAWS, Label: "AWS security group",
			What:   "The cloud firewall in front of an EC2 instance.",
			Effect: "firewall/aws-security-group.sh (AWS CLI) and .tf (Terraform)."},
		{Firewall: FirewallAzure, Label: "Azure network security group",
			What:   "The cloud firewall in front of an Azure VM.",
			Effect: "firewall/azure-nsg.sh (Azure CLI) and .tf (Terraform).", IPv4Only: true},
		{Firewall: FirewallGCP, Label: "Google Cloud VPC firewall",
			What:   "The cloud firewall in front of a Compute Engine instance.",
			Effect: "firewall/gcp-firewall.sh (gcloud CLI) and .tf (Terraform).", IPv4Only: true},
	}
}

// Firewalls lists the valid firewall backends.
func Firewalls() []Firewall {
	var out []Firewall
	for _, f := range FirewallCatalogue() {
		out = append(out, f.Firewall)
	}
	return out
}

// firewallChoices are the firewall question's choices.
func firewallChoices() []Choice {
	var out []Choice
	for _, f := range FirewallCatalogue() {
		out = append(out, Choice{Value: string(f.Firewall), Label: f.Label, What: f.What, Effect: f.Effect})
	}
	return out
}
