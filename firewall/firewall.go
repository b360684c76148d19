// Package firewall names the firewall backends ftpswiz knows, so that the
// planner and the detector share one enum without the detector importing
// the planner. It imports nothing of ftpswiz.
package firewall

// Backend is a firewall backend ftpswiz writes rules for.
type Backend string

// Firewall backends.
const (
	Nftables  Backend = "nftables"
	Iptables  Backend = "iptables"
	UFW       Backend = "ufw"
	Firewalld Backend = "firewalld"
	AWS       Backend = "aws"
	Azure     Backend = "azure"
	GCP       Backend = "gcp"
)

// Info is what ftpswiz knows about one backend before it writes a file:
// how the question offers it and whether its rules are IPv4 only.
// Catalogue is the one table: the answers' valid values, the question's
// choices and the detector's order come from it.
type Info struct {
	Backend             Backend
	Label, What, Effect string
	// IPv4Only: ftpswiz writes this backend's rules for IPv4 only, so a
	// plan with IPv6 flows cannot use it.
	IPv4Only bool
}

// Catalogue lists every backend in the order the wizard offers them.
//
// Adding a backend touches four production files: this one (its constant
// and its row), its row in generators/firewall.go (fwBackends: files,
// usage commands, render function), its renderer
// generators/firewall_<name>.go and, if it uses one, its template.
func Catalogue() []Info {
	return []Info{
		{Backend: Nftables, Label: "nftables",
			What:   "The Linux packet filter (Debian 10+ default).",
			Effect: "firewall/<side>.nft: a chain of ftpswiz's in the box's own table (shared) or a table of its own (dedicated); never flushes the ruleset."},
		{Backend: Iptables, Label: "iptables",
			What:   "The older Linux packet filter.",
			Effect: "firewall/<side>.iptables in iptables-restore format."},
		{Backend: UFW, Label: "ufw",
			What:   "Ubuntu's firewall front-end.",
			Effect: "firewall/<side>.ufw.sh for the host sides."},
		{Backend: Firewalld, Label: "firewalld",
			What:   "The firewall daemon of RHEL and Fedora.",
			Effect: "firewall/<side>.firewalld.sh for the host sides."},
		{Backend: AWS, Label: "AWS security group",
			What:   "The cloud firewall in front of an EC2 instance.",
			Effect: "firewall/aws-security-group.sh (AWS CLI) and .tf (Terraform)."},
		{Backend: Azure, Label: "Azure network security group",
			What:   "The cloud firewall in front of an Azure VM.",
			Effect: "firewall/azure-nsg.sh (Azure CLI) and .tf (Terraform)."},
		{Backend: GCP, Label: "Google Cloud VPC firewall",
			What:   "The cloud firewall in front of a Compute Engine instance.",
			Effect: "firewall/gcp-firewall.sh (gcloud CLI) and .tf (Terraform)."},
	}
}

// Backends lists the valid firewall backends, in Catalogue order.
func Backends() []Backend {
	var out []Backend
	for _, i := range Catalogue() {
		out = append(out, i.Backend)
	}
	return out
}
