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

// Backends lists the valid firewall backends.
func Backends() []Backend { return []Backend{Nftables, Iptables, UFW, Firewalld, AWS, Azure, GCP} }
