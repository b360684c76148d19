package detect

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"reflect"
	"testing"

	"github.com/ftpswiz/ftpswiz/firewall"
	"github.com/ftpswiz/ftpswiz/vsftpd"
)

// requireTool fails in CI (CI=true) and skips elsewhere when a program is
// missing.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := System{}.lookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return p
}

func binary(names ...string) []byte {
	b := []byte("\x7fELF\x00\x01junk\x00")
	for _, n := range names {
		b = append(b, n...)
		b = append(b, 0)
	}
	return append(b, "ssl_consumer_fd active\x00ssl_\x00SSL_CTX_new\x00xssl_tlsv1\x00"...)
}

func TestSSLOptionNamesAndFlavour(t *testing.T) {
	tests := []struct {
		name    string
		binary  []byte
		want    []string
		flavour vsftpd.Flavour
		known   bool
	}{
		{"debian 3.0.3", binary("ssl_enable", "ssl_sslv2", "ssl_sslv3", "ssl_tlsv1", "ssl_ciphers"),
			[]string{"ssl_ciphers", "ssl_enable", "ssl_sslv2", "ssl_sslv3", "ssl_tlsv1"}, vsftpd.FlavourDebian, true},
		{"upstream 3.0.5", binary("ssl_tlsv1", "ssl_tlsv11", "ssl_tlsv12", "ssl_tlsv13", "ssl_sni_hostname"),
			[]string{"ssl_sni_hostname", "ssl_tlsv1", "ssl_tlsv11", "ssl_tlsv12", "ssl_tlsv13"}, vsftpd.FlavourUpstream, true},
		{"rhel", binary("ssl_tlsv1", "ssl_tlsv1_1", "ssl_tlsv1_2", "ssl_tlsv1_3", "ssl_tlsv1"),
			[]string{"ssl_tlsv1", "ssl_tlsv1_1", "ssl_tlsv1_2", "ssl_tlsv1_3"}, vsftpd.FlavourRHEL, true},
		{"no tls options", binary("ssl_enable"), []string{"ssl_enable"}, "", false},
		{"not vsftpd", []byte("hello world"), []string{}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SSLOptionNames(tt.binary)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SSLOptionNames = %q, want %q", got, tt.want)
			}
			s := System{
				LookPath: func(string) (string, error) { return "/fake/vsftpd", nil },
				ReadFile: func(string) ([]byte, error) { return tt.binary, nil },
			}
			v, err := s.Vsftpd()
			if err != nil {
				t.Fatal(err)
			}
			if !v.Installed || v.Path != "/fake/vsftpd" || v.Flavour != tt.flavour || v.Known != tt.known {
				t.Errorf("Vsftpd() = %+v, want flavour %q known %v", v, tt.flavour, tt.known)
			}
		})
	}
}

func TestVsftpdNotInstalled(t *testing.T) {
	s := System{LookPath: func(n string) (string, error) { return "", exec.ErrNotFound }}
	v, err := s.Vsftpd()
	if err != nil || v.Installed {
		t.Fatalf("Vsftpd() = %+v, %v; want not installed, no error", v, err)
	}
	s = System{
		LookPath: func(string) (string, error) { return "/x/vsftpd", nil },
		ReadFile: func(string) ([]byte, error) { return nil, os.ErrPermission },
	}
	if _, err := s.Vsftpd(); !errors.Is(err, os.ErrPermission) {
		t.Fatalf("unreadable binary: err = %v, want permission error", err)
	}
}

// TestRealVsftpd reads the installed binary: Debian 12 ships 3.0.3.
func TestRealVsftpd(t *testing.T) {
	requireTool(t, "vsftpd")
	v, err := System{}.Vsftpd()
	if err != nil {
		t.Fatal(err)
	}
	if !v.Installed || !v.Known {
		t.Fatalf("installed vsftpd not recognised: %+v", v)
	}
	t.Logf("%s: %s, options %v", v.Path, v.Flavour, v.SSLOptions)
	for _, want := range []string{"ssl_enable", "ssl_tlsv1", "ssl_ciphers"} {
		found := false
		for _, o := range v.SSLOptions {
			found = found || o == want
		}
		if !found {
			t.Errorf("option %s not found in %v", want, v.SSLOptions)
		}
	}
}

func TestFirewalls(t *testing.T) {
	have := map[string]string{"nft": "/usr/sbin/nft", "firewall-cmd": "/usr/bin/firewall-cmd"}
	s := System{LookPath: func(n string) (string, error) {
		if p, ok := have[n]; ok {
			return p, nil
		}
		return "", exec.ErrNotFound
	}}
	got, err := s.Firewalls()
	if err != nil {
		t.Fatal(err)
	}
	want := []Tool{
		{firewall.Nftables, "nft", "/usr/sbin/nft"},
		{firewall.Firewalld, "firewall-cmd", "/usr/bin/firewall-cmd"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Firewalls() = %+v, want %+v", got, want)
	}
}

func TestRealFirewalls(t *testing.T) {
	requireTool(t, "nft")
	got, err := System{}.Firewalls()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Firewall != firewall.Nftables {
		t.Fatalf("nft is installed but Firewalls() = %+v", got)
	}
}

func TestIsPublic(t *testing.T) {
	tests := []struct {
		ip   string
		want bool
	}{
		{"8.8.8.8", true},
		{"198.51.100.10", true}, // documentation ranges behave as public
		{"203.0.113.5", true},
		{"10.20.0.2", false},
		{"172.16.5.4", false},
		{"172.31.255.255", false},
		{"172.32.0.1", true},
		{"192.168.50.10", false},
		{"100.64.0.1", false}, // CGNAT
		{"100.127.255.254", false},
		{"100.128.0.1", true},
		{"127.0.0.1", false},
		{"169.254.1.1", false},
		{"0.0.0.0", false},
		{"224.0.0.1", false},
		{"240.0.0.1", false},
		{"255.255.255.255", false},
		{"2001:db8::1", false}, // IPv4 only
		{"::ffff:8.8.8.8", true},
	}
	for _, tt := range tests {
		if got := IsPublic(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("IsPublic(%s) = %v, want %v", tt.ip, got, tt.want)
		}
	}
}

func TestAppendAddr(t *testing.T) {
	_, n4, _ := net.ParseCIDR("192.0.2.2/24")
	n4.IP = net.ParseIP("192.0.2.2") // 16-byte form, as net.Interfaces may give
	_, n6, _ := net.ParseCIDR("fd00::2/64")
	got := appendAddr(nil, n4)
	got = appendAddr(got, n6)
	want := []Addr{{Prefix: netip.MustParsePrefix("192.0.2.2/24"), Public: true}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("appendAddr = %+v, want %+v", got, want)
	}
}

func TestInterfacesAndPublicAddrs(t *testing.T) {
	s := System{NetInterfaces: func() ([]Interface, error) {
		return []Interface{
			Iface("wan0", true, "198.51.100.10/24"),
			Iface("lo", true, "127.0.0.1/8"),
			Iface("lan0", true, "10.20.0.1/24", "203.0.113.7/32"),
			Iface("down0", false, "203.0.113.9/24"),
		}, nil
	}}
	ifaces, err := s.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, in := range ifaces {
		names = append(names, in.Name)
	}
	if want := []string{"down0", "lan0", "lo", "wan0"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("names = %v, want %v", names, want)
	}
	got := PublicAddrs(ifaces)
	want := []netip.Addr{netip.MustParseAddr("203.0.113.7"), netip.MustParseAddr("198.51.100.10")}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("PublicAddrs = %v, want %v", got, want)
	}
}

// TestRealInterfaces lists this machine's interfaces: loopback is always
// there with 127.0.0.1, which is never public.
func TestRealInterfaces(t *testing.T) {
	ifaces, err := System{}.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range ifaces {
		if !in.Loopback {
			continue
		}
		for _, a := range in.Addrs {
			if a.IP() == netip.MustParseAddr("127.0.0.1") && !a.Public {
				return
			}
		}
	}
	t.Fatalf("no loopback 127.0.0.1 in %+v", ifaces)
}

func TestStatic(t *testing.T) {
	var d Detector = Static{VsftpdInfo: Vsftpd{Installed: true, Flavour: vsftpd.FlavourRHEL, Known: true}}
	v, _ := d.Vsftpd()
	if v.Flavour != vsftpd.FlavourRHEL {
		t.Fatalf("Static.Vsftpd = %+v", v)
	}
}
