package wizard

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// dualStack is the classic answers with IPv6 on both ends: the server's
// host address 2001:db8:20::2 (routed, no NAT), the name clients dial with
// A and AAAA records, the client network's prefix 2001:db8:50::/64.
func dualStack(t testing.TB) Answers {
	a := classic(t)
	s := *a.Server
	s.PublicAddress = "ftp.example.net"
	s.IPv6Address = "2001:db8:20::2"
	s.DNSRecords = RecordsBoth
	s.AllowedClients = []string{AnyIPv4, AnyIPv6}
	a.Server = &s
	c := *a.Client
	c.IPv6Prefix = "2001:db8:50::/64"
	a.Client = &c
	return a
}

func TestIPv6Validation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(a *Answers)
		field string // "" when the answers are valid
		want  string // in the problem or fix
	}{
		{"dual stack", func(a *Answers) {}, "", ""},
		{"ipv4 in ipv6_address", func(a *Answers) { a.Server.IPv6Address = "198.51.100.10" }, "server.ipv6_address", "not an IPv6 address"},
		{"link-local", func(a *Answers) { a.Server.IPv6Address = "fe80::1" }, "server.ipv6_address", "link-local"},
		{"loopback", func(a *Answers) { a.Server.IPv6Address = "::1" }, "server.ipv6_address", "loopback"},
		{"zone", func(a *Answers) { a.Server.IPv6Address = "2001:db8::1%eth0" }, "server.ipv6_address", "not an IPv6 address"},
		{"aaaa without address", func(a *Answers) { a.Server.IPv6Address = ""; a.Server.AllowedClients = []string{AnyIPv4} }, "server.ipv6_address", "dns_records both"},
		{"aaaa only behind nat", func(a *Answers) { a.Server.DNSRecords = RecordsAAAA; a.Server.AllowedClients = []string{AnyIPv6} }, "server.dns_records", "nat port-forward"},
		{"records for an address", func(a *Answers) { a.Server.PublicAddress = "198.51.100.10" }, "server.dns_records", "not a DNS name"},
		{"bad records", func(a *Answers) { a.Server.DNSRecords = "mx" }, "server.dns_records", "use one of: a, aaaa, both"},
		{"ipv6 planned, no ipv6 clients", func(a *Answers) { a.Server.AllowedClients = []string{"192.0.2.20/32"} }, "server.allowed_clients", "::/0"},
		{"ipv6 clients, no ipv6", func(a *Answers) {
			a.Server.IPv6Address, a.Server.DNSRecords = "", RecordsA
		}, "server.allowed_clients", "not reached over IPv6"},
		{"ipv6 allowed host bits", func(a *Answers) { a.Server.AllowedClients = []string{AnyIPv4, "2001:db8:50::1/64"} }, "server.allowed_clients[1]", "2001:db8:50::/64"},
		{"ipv6 single address", func(a *Answers) { a.Server.AllowedClients = []string{AnyIPv4, "2001:db8:50::1"} }, "server.allowed_clients[1]", "/128"},
		{"ipv6 public_address", func(a *Answers) { a.Server.PublicAddress = "2001:db8:20::2"; a.Server.DNSRecords = "" }, "server.public_address", "server.ipv6_address"},
		{"client prefix ipv4", func(a *Answers) { a.Client.IPv6Prefix = "192.168.50.0/24" }, "client.ipv6_prefix", "not an IPv6 CIDR"},
		{"client prefix host bits", func(a *Answers) { a.Client.IPv6Prefix = "2001:db8:50::1/64" }, "client.ipv6_prefix", "host bits"},
		{"both: client server_ipv6_address", func(a *Answers) { a.Client.ServerIPv6Address = "2001:db8:20::2" }, "client.server_ipv6_address", "server.ipv6_address"},
		{"ipv6 only needs the client prefix", func(a *Answers) {
			a.Server.NAT, a.Server.Router, a.Server.HostAddress = NATNone, nil, ""
			a.Server.DNSRecords, a.Server.AllowedClients, a.Server.AdminNetwork = RecordsAAAA, []string{AnyIPv6}, "2001:db8:20::/64"
			a.Client.IPv6Prefix = ""
		}, "client.ipv6_prefix", "IPv6 only"},
		{"sftp plans ipv6 too", func(a *Answers) {
			a.Protocol, a.FTPS = ProtocolSFTP, FTPS{}
			a.Server.Capacity, a.Server.Vsftpd, a.Server.TLS, a.Server.PassiveStart = Capacity{}, Vsftpd{}, TLS{}, 0
			a.Client.Software = nil
		}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := dualStack(t)
			s, c := *a.Server, *a.Client
			a.Server, a.Client = &s, &c
			tc.edit(&a)
			_, err := Decide(a)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Decide: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a validation error on %s", err, tc.field)
			}
			for _, fe := range ve.Fields {
				if fe.Field == tc.field && strings.Contains(fe.Problem+" "+fe.Fix, tc.want) {
					return
				}
			}
			t.Fatalf("no error on %s mentioning %q: %v", tc.field, tc.want, err)
		})
	}
}

func TestIPv6Plans(t *testing.T) {
	for _, tc := range []struct {
		name      string
		edit      func(a *Answers)
		families  []Family
		instances []string // instance name: listen, listen_ipv6, pasv_address
		ports     int
	}{
		{"ipv4 only", func(a *Answers) {
			a.Server.IPv6Address, a.Server.DNSRecords, a.Server.AllowedClients = "", RecordsA, nil
			a.Client.IPv6Prefix = ""
		}, []Family{FamilyIPv4}, []string{"explicit: YES NO ftp.example.net"}, 0},
		{"dual stack behind nat: split listeners", func(a *Answers) {}, []Family{FamilyIPv4, FamilyIPv6},
			[]string{"explicit: YES NO ftp.example.net", "explicit-ipv6: NO YES -"}, 2},
		{"dual stack, no nat: one instance", func(a *Answers) {
			a.Server.NAT, a.Server.Router, a.Server.HostAddress = NATNone, nil, ""
		}, []Family{FamilyIPv4, FamilyIPv6}, []string{"explicit: NO YES -"}, 1},
		{"ipv6 only", func(a *Answers) {
			a.Server.NAT, a.Server.Router, a.Server.HostAddress = NATNone, nil, ""
			a.Server.DNSRecords, a.Server.AllowedClients, a.Server.AdminNetwork = RecordsAAAA, nil, ""
		}, []Family{FamilyIPv6}, []string{"explicit: NO YES -"}, 1},
		{"mode both, dual stack behind nat", func(a *Answers) { a.FTPS.Mode = ModeBoth }, []Family{FamilyIPv4, FamilyIPv6},
			[]string{"explicit: YES NO ftp.example.net", "implicit: YES NO ftp.example.net", "explicit-ipv6: NO YES -", "implicit-ipv6: NO YES -"}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := dualStack(t)
			s, c := *a.Server, *a.Client
			a.Server, a.Client = &s, &c
			tc.edit(&a)
			p := decide(t, a)
			checkPlan(t, p)
			if !slices.Equal(p.Service.Families, tc.families) {
				t.Errorf("service families %v, want %v", p.Service.Families, tc.families)
			}
			var got []string
			for _, in := range p.Server.Instances {
				l, _ := in.Lookup("listen")
				l6, _ := in.Lookup("listen_ipv6")
				pa, ok := in.Lookup("pasv_address")
				if !ok {
					pa = "-"
				}
				got = append(got, in.Name+": "+l+" "+l6+" "+pa)
				if _, ok := in.Lookup("listen_address6"); ok != (p.Server.SplitListeners && strings.HasSuffix(in.Name, "-ipv6")) {
					t.Errorf("%s: listen_address6 set %v", in.Name, ok)
				}
			}
			if !slices.Equal(got, tc.instances) {
				t.Errorf("instances %q, want %q", got, tc.instances)
			}
			if tc.ports > 0 && p.Server.Sizing.Transfers != tc.ports*a.Server.Capacity.Transfers {
				t.Errorf("sized for %d transfers, want %d listeners x %d", p.Server.Sizing.Transfers, tc.ports, a.Server.Capacity.Transfers)
			}
			fams := map[Family]bool{}
			for _, f := range p.Flows {
				fams[f.Family] = true
				if f.Family == FamilyIPv6 && f.DNATTo != "" {
					t.Errorf("IPv6 flow with DNAT: %+v", f)
				}
				for _, c := range append(slices.Clone(f.From), f.To) {
					if c != "" && CIDRFamily(c) != f.Family {
						t.Errorf("flow %s on %s, family %s, has address %s", f.Purpose, f.Side, f.Family, c)
					}
				}
			}
			for _, f := range tc.families {
				if !fams[f] {
					t.Errorf("no %s flow", f)
				}
			}
			if len(fams) != len(tc.families) {
				t.Errorf("flow families %v, want %v", fams, tc.families)
			}
		})
	}
}

// TestAAAAWithoutIPv6Path: a name with an AAAA record and a client side
// planned for IPv4 only gets the pitfall and a warning; with the client's
// prefix (the negative control) neither.
func TestAAAAWithoutIPv6Path(t *testing.T) {
	for _, prefix := range []string{"", "2001:db8:50::/64"} {
		a := dualStack(t)
		c := *a.Client
		c.IPv6Prefix = prefix
		a.Client = &c
		p := decide(t, a)
		d, _ := p.Decision("client.ipv6")
		pit := false
		for _, x := range p.Pitfalls {
			pit = pit || strings.Contains(x.Cause, "AAAA record")
		}
		if want := prefix == ""; d.Warning != want || pit != want {
			t.Errorf("prefix %q: warning %v, pitfall %v, want %v", prefix, d.Warning, pit, want)
		}
		if prefix != "" && !strings.Contains(d.Why, "EPSV") {
			t.Errorf("client.ipv6 does not explain EPSV: %s", d.Why)
		}
	}
}
