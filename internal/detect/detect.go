// Package detect reports what the local machine has that ftpswiz can use as
// defaults: the installed vsftpd build (its flavour), the firewall tools on
// the PATH, and the host's IPv4 addresses and interfaces. It never touches
// the network: it reads files and asks the kernel for interface addresses.
//
// Commands receive a Detector, so tests and golden scenarios use a Static
// one and stay deterministic.
package detect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"github.com/ftpswiz/ftpswiz/firewall"
	"github.com/ftpswiz/ftpswiz/vsftpd"
)

// Detector reports what the machine has. Every method is read-only and
// local; a method that finds nothing returns a zero value, not an error.
type Detector interface {
	// Vsftpd describes the installed vsftpd binary (Installed false when
	// there is none).
	Vsftpd() (Vsftpd, error)
	// Firewalls lists the firewall backends whose tools are installed, in
	// firewall.Backends() order.
	Firewalls() ([]Tool, error)
	// Interfaces lists the network interfaces with their IPv4 addresses,
	// sorted by name.
	Interfaces() ([]Interface, error)
	// NftChains reads the nftables base chains of the machine's ruleset
	// (the live one when readable, and /etc/nftables.conf's).
	NftChains(ctx context.Context) (NftRuleset, error)
}

// Vsftpd is an installed vsftpd binary.
type Vsftpd struct {
	Installed bool
	// Path is the binary that was read.
	Path string
	// SSLOptions are the ssl_* option names found in the binary, sorted
	// (what `strings vsftpd | grep ^ssl_` shows).
	SSLOptions []string
	// Flavour is the build whose option names match SSLOptions; "" when they
	// match no known build (Known false).
	Flavour vsftpd.Flavour
	Known   bool
}

// Tool is an installed firewall tool.
type Tool struct {
	Firewall firewall.Backend
	// Command is the program's name ("nft", "firewall-cmd").
	Command string
	// Path is where it was found.
	Path string
}

// Interface is a network interface and its IPv4 addresses.
type Interface struct {
	Name     string
	Up       bool
	Loopback bool
	Addrs    []Addr
}

// Addr is one IPv4 address of an interface.
type Addr struct {
	// Prefix is the address with its network length (192.168.1.10/24).
	Prefix netip.Prefix
	// Public is true when the address looks reachable from the internet:
	// not RFC 1918 private, not CGNAT (100.64.0.0/10), not loopback,
	// link-local, multicast or unspecified. The documentation ranges
	// (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) count as public so
	// labs and examples behave like the real thing.
	Public bool
}

// IP returns the address without its prefix length.
func (a Addr) IP() netip.Addr { return a.Prefix.Addr() }

// HasAddress reports whether an interface that is up carries addr (an IP
// address; anything else is false): how ftpswiz knows this machine is a
// box of the plan.
func HasAddress(ifaces []Interface, addr string) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, in := range ifaces {
		for _, x := range in.Addrs {
			if in.Up && x.IP() == ip.Unmap() {
				return true
			}
		}
	}
	return false
}

// PublicAddrs returns every public-looking address of the interfaces that
// are up, in interface order.
func PublicAddrs(ifaces []Interface) []netip.Addr {
	var out []netip.Addr
	for _, in := range ifaces {
		if !in.Up || in.Loopback {
			continue
		}
		for _, a := range in.Addrs {
			if a.Public {
				out = append(out, a.IP())
			}
		}
	}
	return out
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// IsPublic reports whether an IPv4 address looks reachable from the
// internet (see Addr.Public).
func IsPublic(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.Is4() {
		return false
	}
	switch {
	case ip.IsLoopback(), ip.IsPrivate(), ip.IsLinkLocalUnicast(), ip.IsMulticast(),
		ip.IsUnspecified(), !ip.IsGlobalUnicast(), cgnat.Contains(ip):
		return false
	}
	// 0.0.0.0/8 and 255.255.255.255 are not global unicast already; 240/4
	// (reserved) is rejected too.
	return ip.As4()[0] < 240
}

// System is the real machine. The zero value is ready to use; the fields
// let tests substitute the lookups.
type System struct {
	// LookPath finds a program (default exec.LookPath, then /usr/sbin and
	// /sbin, which a non-root PATH often lacks).
	LookPath func(string) (string, error)
	// ReadFile reads a file (default os.ReadFile).
	ReadFile func(string) ([]byte, error)
	// NetInterfaces lists interfaces (default net.Interfaces with their
	// addresses).
	NetInterfaces func() ([]Interface, error)
	// RunNft runs `nft -j list chains` (default: the nft found by
	// LookPath, bounded by a timeout).
	RunNft func(context.Context) ([]byte, error)
}

var _ Detector = System{}

func (s System) lookPath(name string) (string, error) {
	if s.LookPath != nil {
		return s.LookPath(name)
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: %w", name, exec.ErrNotFound)
}

// Vsftpd reads the installed vsftpd binary and matches its ssl_* option
// names against the known builds (vsftpd.ResolveFlavour).
func (s System) Vsftpd() (Vsftpd, error) {
	path, err := s.lookPath("vsftpd")
	if err != nil {
		return Vsftpd{}, nil
	}
	read := s.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	data, err := read(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Vsftpd{}, nil
		}
		return Vsftpd{}, fmt.Errorf("read vsftpd binary: %w", err)
	}
	v := Vsftpd{Installed: true, Path: path, SSLOptions: SSLOptionNames(data)}
	v.Flavour, v.Known = vsftpd.ResolveFlavour(v.SSLOptions)
	return v, nil
}

// SSLOptionNames finds the ssl_* option names in a vsftpd binary: the
// NUL-separated strings that consist only of ssl_ and lower-case letters,
// digits and underscores (messages such as "ssl_slave_fd active" are left
// out). The result is sorted and without duplicates.
func SSLOptionNames(binary []byte) []string {
	seen := map[string]bool{}
	for _, s := range bytes.Split(binary, []byte{0}) {
		if !isSSLOption(s) {
			continue
		}
		seen[string(s)] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// isSSLOption reports whether s is ssl_ followed by at least one lower-case
// letter, digit or underscore, and nothing else.
func isSSLOption(s []byte) bool {
	if len(s) < 5 || !bytes.HasPrefix(s, []byte("ssl_")) {
		return false
	}
	for _, c := range s[4:] {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// firewallCommands maps each backend to the program that manages it.
var firewallCommands = []struct {
	fw  firewall.Backend
	cmd string
}{
	{firewall.Nftables, "nft"},
	{firewall.Iptables, "iptables-restore"},
	{firewall.UFW, "ufw"},
	{firewall.Firewalld, "firewall-cmd"},
	{firewall.AWS, "aws"},
	// Azure and Google Cloud are not detected: their CLIs (az, gcloud) are
	// installed on many workstations that are no cloud instance, and the
	// wizard preselects what it detects.
}

// Firewalls lists the backends whose tools are on the PATH (or in the
// sbin directories).
func (s System) Firewalls() ([]Tool, error) {
	var out []Tool
	for _, fc := range firewallCommands {
		if p, err := s.lookPath(fc.cmd); err == nil {
			out = append(out, Tool{Firewall: fc.fw, Command: fc.cmd, Path: p})
		}
	}
	return out, nil
}

// Interfaces lists the host's interfaces and their IPv4 addresses.
func (s System) Interfaces() ([]Interface, error) {
	list := s.NetInterfaces
	if list == nil {
		list = netInterfaces
	}
	ifaces, err := list()
	if err != nil {
		return nil, err
	}
	sort.Slice(ifaces, func(i, j int) bool { return ifaces[i].Name < ifaces[j].Name })
	return ifaces, nil
}

func netInterfaces() ([]Interface, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, fmt.Errorf("list network interfaces: %w", err)
	}
	out := make([]Interface, 0, len(ifaces))
	for _, ni := range ifaces {
		in := Interface{Name: ni.Name, Up: ni.Flags&net.FlagUp != 0, Loopback: ni.Flags&net.FlagLoopback != 0}
		addrs, err := ni.Addrs()
		if err != nil {
			return nil, fmt.Errorf("addresses of %s: %w", ni.Name, err)
		}
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			in.Addrs = appendAddr(in.Addrs, ipn)
		}
		out = append(out, in)
	}
	return out, nil
}

func appendAddr(addrs []Addr, ipn *net.IPNet) []Addr {
	ip, ok := netip.AddrFromSlice(ipn.IP)
	if !ok {
		return addrs
	}
	ip = ip.Unmap()
	if !ip.Is4() {
		return addrs
	}
	bits, _ := ipn.Mask.Size()
	if len(ipn.Mask) == net.IPv6len {
		bits -= 96
	}
	p, err := ip.Prefix(bits)
	if err != nil {
		return addrs
	}
	return append(addrs, Addr{Prefix: netip.PrefixFrom(ip, p.Bits()), Public: IsPublic(ip)})
}

// Static is a Detector that returns fixed answers, for tests, golden
// scenarios and machines where detection is unwanted.
type Static struct {
	VsftpdInfo Vsftpd
	Tools      []Tool
	Ifaces     []Interface
	Nft        NftRuleset
}

var _ Detector = Static{}

// Vsftpd returns s.VsftpdInfo.
func (s Static) Vsftpd() (Vsftpd, error) { return s.VsftpdInfo, nil }

// Firewalls returns s.Tools.
func (s Static) Firewalls() ([]Tool, error) { return s.Tools, nil }

// Interfaces returns s.Ifaces.
func (s Static) Interfaces() ([]Interface, error) { return s.Ifaces, nil }

// NftChains returns s.Nft.
func (s Static) NftChains(context.Context) (NftRuleset, error) { return s.Nft, nil }

// Iface builds an Interface from CIDR strings ("192.0.2.10/24"), marking
// public-looking addresses; it panics on a malformed CIDR (for fixtures).
func Iface(name string, up bool, cidrs ...string) Interface {
	in := Interface{Name: name, Up: up, Loopback: name == "lo"}
	for _, c := range cidrs {
		p := netip.MustParsePrefix(c)
		in.Addrs = append(in.Addrs, Addr{Prefix: p, Public: IsPublic(p.Addr())})
	}
	return in
}
