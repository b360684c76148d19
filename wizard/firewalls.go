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

// FirewallInfo is what ftpswiz knows about one firewall backend: how the
// question offers it and whether its rules are IPv4 only. Package firewall
// holds the one table (firewall.Catalogue); the generators' table
// (generators/firewall.go, fwBackends) adds the files it writes.
type FirewallInfo = firewall.Info

// FirewallIPv4Only reports whether ftpswiz writes f's rules for IPv4 only.
func FirewallIPv4Only(f Firewall) bool {
	for _, fi := range firewall.Catalogue() {
		if fi.Backend == f {
			return fi.IPv4Only
		}
	}
	return false
}

// FirewallCatalogue lists every firewall backend in the order the question
// offers them.
func FirewallCatalogue() []FirewallInfo { return firewall.Catalogue() }

// Firewalls lists the valid firewall backends.
func Firewalls() []Firewall { return firewall.Backends() }

// firewallChoices are the firewall question's choices.
func firewallChoices() []Choice {
	var out []Choice
	for _, f := range FirewallCatalogue() {
		out = append(out, Choice{Value: string(f.Backend), Label: f.Label, What: f.What, Effect: f.Effect})
	}
	return out
}
