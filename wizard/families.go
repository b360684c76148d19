package wizard

import (
	"net/netip"
	"slices"
)

// AnyIPv6 is the IPv6 CIDR for "anywhere".
const AnyIPv6 = "::/0"

// AnyOf is "anywhere" in a family's notation.
func AnyOf(f Family) string {
	if f == FamilyIPv6 {
		return AnyIPv6
	}
	return AnyIPv4
}

// IsAny reports whether a CIDR means anywhere (in either family).
func IsAny(cidr string) bool { return cidr == AnyIPv4 || cidr == AnyIPv6 }

// Title is the family's human name ("IPv4").
func (f Family) Title() string {
	switch f {
	case FamilyIPv4:
		return "IPv4"
	case FamilyIPv6:
		return "IPv6"
	}
	return string(f)
}

func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

// CIDRFamily is the family of a CIDR or address ("" when it is neither).
func CIDRFamily(s string) Family {
	if p, err := netip.ParsePrefix(s); err == nil {
		if p.Addr().Is4() {
			return FamilyIPv4
		}
		return FamilyIPv6
	}
	if a, err := netip.ParseAddr(s); err == nil {
		if a.Is4() || a.Is4In6() {
			return FamilyIPv4
		}
		return FamilyIPv6
	}
	return ""
}

// OfFamily returns the CIDRs of one family, in order.
func OfFamily(cidrs []string, f Family) []string {
	var out []string
	for _, c := range cidrs {
		if CIDRFamily(c) == f {
			out = append(out, c)
		}
	}
	return out
}

// ServerFamilies is the families the server is reached over, IPv4 first:
// IPv4 unless the name clients dial has only an AAAA record, IPv6 when the
// host has an IPv6 address.
func ServerFamilies(s *Server) []Family {
	var out []Family
	if s.DNSRecords != RecordsAAAA {
		out = append(out, FamilyIPv4)
	}
	if s.IPv6Address != "" {
		out = append(out, FamilyIPv6)
	}
	return out
}

// SplitListeners reports whether a dual-stack server needs a vsftpd
// instance per family: behind IPv4 NAT the IPv4 instance needs
// pasv_address, which vsftpd ignores in IPv6 mode (listen_ipv6=YES), so
// IPv6 gets its own instance.
func SplitListeners(s *Server) bool {
	f := ServerFamilies(s)
	return s.NAT.Behind() && slices.Contains(f, FamilyIPv4) && slices.Contains(f, FamilyIPv6)
}

// Listeners is the number of vsftpd instances a server runs: one per FTPS
// mode, times two when the families need separate listeners.
func Listeners(m Mode, s *Server) int {
	n := m.Instances()
	if s != nil && SplitListeners(s) {
		n *= 2
	}
	return n
}

// HasFamily reports whether fs contains f.
func HasFamily(fs []Family, f Family) bool { return slices.Contains(fs, f) }
