// Package netaddr holds the address and port helpers the planner, the
// linter, the prober and the detector share: what counts as a public
// address, what a DNS name looks like, and inclusive TCP port ranges.
//
// It imports nothing of ftpswiz.
package netaddr

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// IsLabel reports whether l is one DNS label: 1 to 63 ASCII letters,
// digits and hyphens, neither first nor last a hyphen (what the pattern
// ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$ accepts; a loop, because
// compiling that pattern costs more than every check of a run).
func IsLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		if c := l[i]; !IsAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

// IsDNSName reports whether s is one or more labels joined by dots, with
// at least minLabels labels and, where trailingDot, an optional final dot.
// It applies no total length limit (IsHostname does).
func IsDNSName(s string, minLabels int, trailingDot bool) bool {
	if trailingDot {
		s = strings.TrimSuffix(s, ".")
	}
	n := 0
	for l := range strings.SplitSeq(s, ".") {
		if !IsLabel(l) {
			return false
		}
		n++
	}
	return n >= minLabels
}

// IsAlnum reports whether c is an ASCII letter or digit.
func IsAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// IsHostname reports whether s is a syntactically valid DNS name with at
// least two labels (a bare word is more likely a typo than a name clients
// can resolve).
func IsHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !IsLabel(l) {
			return false
		}
	}
	// The last label of a name is never all digits: "10.0.0.300" is a bad
	// address, not a name.
	_, err := strconv.Atoi(labels[len(labels)-1])
	return err != nil
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// IsNonPublic reports whether an IPv4 address cannot be reached from the
// internet: RFC 1918, carrier-grade NAT (100.64.0.0/10), loopback,
// link-local, unspecified, multicast. The documentation ranges count as
// public, so examples and labs can use them.
func IsNonPublic(a netip.Addr) bool {
	return a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsUnspecified() ||
		a.IsMulticast() || cgnat.Contains(a)
}

// PortRange is an inclusive TCP port range; a single port has First == Last.
type PortRange struct {
	First int
	Last  int
}

// Port returns a one-port range.
func Port(p int) PortRange { return PortRange{First: p, Last: p} }

// Count is the number of ports in the range.
func (r PortRange) Count() int { return r.Last - r.First + 1 }

// IsZero reports whether the range is unset.
func (r PortRange) IsZero() bool { return r.First == 0 && r.Last == 0 }

// Single reports whether the range is one port.
func (r PortRange) Single() bool { return r.First == r.Last }

// Contains reports whether p lies in the range.
func (r PortRange) Contains(p int) bool { return p >= r.First && p <= r.Last }

// String formats the range as "21" or "50000-50074".
func (r PortRange) String() string {
	if r.Single() {
		return strconv.Itoa(r.First)
	}
	return fmt.Sprintf("%d-%d", r.First, r.Last)
}

// ParsePortRange parses "first-last" (or a single port) with both ends in
// 1024-65535 and first <= last.
func ParsePortRange(s string) (PortRange, error) {
	first, last, found := strings.Cut(strings.TrimSpace(s), "-")
	if !found {
		last = first
	}
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	a, err1 := strconv.Atoi(first)
	b, err2 := strconv.Atoi(last)
	if err1 != nil || err2 != nil || !allDigits(first) || !allDigits(last) {
		return PortRange{}, fmt.Errorf("%q is not a port range like 50000-50099", s)
	}
	if a > b {
		return PortRange{}, fmt.Errorf("%q is reversed: the first port is above the last", s)
	}
	if a < 1024 || b > 65535 {
		return PortRange{}, fmt.Errorf("%q must lie within 1024-65535", s)
	}
	return PortRange{First: a, Last: b}, nil
}

// allDigits reports whether s is 1 to 5 decimal digits (a port number,
// without sign or spaces).
func allDigits(s string) bool {
	if len(s) == 0 || len(s) > 5 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
