package wizard

import (
	"net/netip"

	"github.com/ftpswiz/ftpswiz/netaddr"
)

// The address and port helpers live in package netaddr; these names keep the
// planner's vocabulary.

// PortRange is an inclusive TCP port range; a single port has First == Last.
type PortRange = netaddr.PortRange

// Port returns a one-port range.
func Port(p int) PortRange { return netaddr.Port(p) }

// ParsePortRange parses "first-last" (or a single port) with both ends in
// 1024-65535 and first <= last.
func ParsePortRange(s string) (PortRange, error) { return netaddr.ParsePortRange(s) }

// IsHostname reports whether s is a syntactically valid DNS name with at
// least two labels.
func IsHostname(s string) bool { return netaddr.IsHostname(s) }

// IsNonPublic reports whether an IPv4 address cannot be reached from the
// internet (see netaddr.IsNonPublic).
func IsNonPublic(a netip.Addr) bool { return netaddr.IsNonPublic(a) }
