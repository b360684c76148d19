package wizard

import (
	"slices"
	"strings"
	"testing"
)

func sftpAnswers() Answers {
	return Answers{Version: 1, Protocol: ProtocolSFTP, Role: RoleBoth,
		SFTP: &SFTP{Users: []string{"alice"}},
		Server: &Server{PublicAddress: "198.51.100.10", HostAddress: "10.20.0.2", NAT: NATPortForward,
			Router: &Router{WANInterface: "wan0", LANInterface: "lan0"}, AdminNetwork: "10.20.0.0/24"},
		Client:    &Client{NAT: ClientNATMasquerade, Router: &Router{WANInterface: "wan0", LANInterface: "lan0"}, LANCIDR: "192.168.50.0/24"},
		Firewalls: []Firewall{FirewallNftables},
	}
}

func TestDecideSFTP(t *testing.T) {
	p := decide(t, sftpAnswers())
	checkPlan(t, p)
	if p.SFTP == nil || p.SFTP.Port != 22 || p.SFTP.Match != "Group sftponly" || p.SFTP.PasswordAuth {
		t.Fatalf("sftp plan %+v", p.SFTP)
	}
	if len(p.Server.Instances) != 0 || p.Server.Passive != (PortRange{}) {
		t.Error("an SFTP plan has no vsftpd and no passive range")
	}
	if p.Answers.FTPS != (FTPS{}) || p.Answers.Server.Vsftpd.Flavour != "" {
		t.Error("normalised SFTP answers must not grow FTPS defaults")
	}
	for _, f := range p.Flows {
		if f.Purpose == PurposePassive || f.Ports.Count() != 1 {
			t.Errorf("SFTP flow %+v", f)
		}
	}
	var routerPorts []int
	for _, f := range p.FlowsFor(SideServerRouter) {
		routerPorts = append(routerPorts, f.Ports.First)
	}
	if !slices.Equal(routerPorts, []int{22}) {
		t.Errorf("router forwards %v", routerPorts)
	}
	if e := p.Client.Endpoints; len(e) != 1 || e[0].Scheme() != "sftp" || e[0].Port != 22 {
		t.Errorf("endpoints %+v", e)
	}
	if p.Client.User != "alice" || !slices.Equal(p.Client.Software, []ClientSoftware{ClientOpenSSH}) {
		t.Errorf("client %+v", p.Client)
	}
	keys := map[string]bool{}
	for _, o := range p.SFTP.MatchOptions {
		keys[o.Key] = true
	}
	for _, k := range []string{"ForceCommand", "ChrootDirectory", "AllowTcpForwarding", "PermitTunnel", "X11Forwarding", "PasswordAuthentication"} {
		if !keys[k] {
			t.Errorf("Match block lacks %s", k)
		}
	}
}

func TestDecideSFTPSeparatePort(t *testing.T) {
	a := sftpAnswers()
	a.SFTP.Port = 2222
	p := decide(t, a)
	if len(p.SFTP.Global) != 2 || p.SFTP.Global[0].Value != "22" || p.SFTP.Global[1].Value != "2222" {
		t.Errorf("global %+v", p.SFTP.Global)
	}
	for _, f := range p.FlowsFor(SideServerRouter) {
		if f.Ports.First != 2222 {
			t.Errorf("router must forward only the SFTP port, not admin SSH: %+v", f)
		}
	}
}

func TestSFTPBadInputs(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(a *Answers)
		field string
		want  string
	}{
		{"ftps section with sftp", func(a *Answers) { a.FTPS.Mode = ModeExplicit }, "ftps", "protocol is sftp"},
		{"sftp section with ftps", func(a *Answers) { a.Protocol = ProtocolFTPS }, "sftp", "protocol is ftps"},
		{"vsftpd users with sftp", func(a *Answers) { a.Server.Vsftpd.Users = []string{"bob"} }, "server.vsftpd", "is for FTPS"},
		{"capacity with sftp", func(a *Answers) { a.Server.Capacity.Transfers = 5 }, "server.capacity", "is for FTPS"},
		{"ftps client software", func(a *Answers) { a.Client.Software = []ClientSoftware{ClientCurl} }, "client.software[0]", "use one of: openssh"},
		{"passive ports with sftp", func(a *Answers) {
			a.Role, a.Server = RoleClient, nil
			a.Client.ServerAddress, a.Client.PassivePorts = "sftp.example.com", "50000-50010"
		}, "client.passive_ports", "SFTP needs no passive range"},
		{"bad group", func(a *Answers) { a.SFTP.Group = "SFTP Users" }, "sftp.group", "not a valid group name"},
		{"root sftp user", func(a *Answers) { a.SFTP.Users = []string{"root"} }, "sftp.users[0]", "root"},
		{"relative chroot", func(a *Answers) { a.SFTP.ChrootRoot = "srv" }, "sftp.chroot_root", "absolute"},
		{"unknown protocol", func(a *Answers) { a.Protocol = "scp" }, "protocol", "use one of: ftps, sftp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sftpAnswers()
			tt.edit(&a)
			_, err := Decide(a)
			for _, f := range FieldErrors(err) {
				if f.Field == tt.field && strings.Contains(f.Error(), tt.want) {
					return
				}
			}
			t.Fatalf("want %s: %q, got %v", tt.field, tt.want, err)
		})
	}
}

// TestDecideSFTPDualStack: an SFTP server with IPv6 is planned per family:
// the host opens the SFTP port to each family's clients, the router DNATs
// IPv4 and routes IPv6 to the host's own address, the client side allows
// both, and a decision names the address of each family.
func TestDecideSFTPDualStack(t *testing.T) {
	a := sftpAnswers()
	a.Server.PublicAddress, a.Server.IPv6Address, a.Server.DNSRecords = "sftp.example.net", "2001:db8:20::2", RecordsBoth
	a.Server.AllowedClients = []string{"192.0.2.20/32", "2001:db8:50::/64"}
	a.Client.IPv6Prefix = "2001:db8:50::/64"
	p := decide(t, a)
	checkPlan(t, p)
	if !slices.Equal(p.Server.Families, []Family{FamilyIPv4, FamilyIPv6}) || !slices.Equal(p.Client.Families, p.Server.Families) {
		t.Fatalf("families: server %v, client %v", p.Server.Families, p.Client.Families)
	}
	type key struct {
		side Side
		fam  Family
		port int
		from string
		to   string
		dnat string
	}
	var got []key
	for _, f := range p.Flows {
		got = append(got, key{f.Side, f.Family, f.Ports.First, strings.Join(f.From, ","), f.To, f.DNATTo})
	}
	want := []key{
		{SideServerHost, FamilyIPv4, 22, "192.0.2.20/32", "", ""},
		{SideServerHost, FamilyIPv4, 22, "10.20.0.0/24", "", ""}, // admin SSH
		{SideServerHost, FamilyIPv6, 22, "2001:db8:50::/64", "", ""},
		{SideServerRouter, FamilyIPv4, 22, "192.0.2.20/32", "", "10.20.0.2"},
		{SideServerRouter, FamilyIPv6, 22, "2001:db8:50::/64", "2001:db8:20::2/128", ""},
		{SideClientRouter, FamilyIPv4, 22, "192.168.50.0/24", "", ""},
		{SideClientRouter, FamilyIPv6, 22, "2001:db8:50::/64", "2001:db8:20::2/128", ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("flows\n got %v\nwant %v", got, want)
	}
	dec := map[string]string{}
	for _, d := range p.Decisions {
		dec[d.Key] = d.Value
	}
	for k, want := range map[string]string{
		"sftp.families":               "over IPv6 2001:db8:20::2 directly",
		"firewall.server_router_ipv6": "forward tcp 22 to 2001:db8:20::2, no NAT",
		"client.ipv6":                 "IPv4 and IPv6",
	} {
		if !strings.Contains(dec[k], want) {
			t.Errorf("decision %s = %q, want it to contain %q", k, dec[k], want)
		}
	}
	for _, o := range append(slices.Clone(p.SFTP.Global), p.SFTP.MatchOptions...) {
		if o.Key == "ListenAddress" || o.Key == "AddressFamily" {
			t.Errorf("the drop-in pins sshd to a family: %s %s", o.Key, o.Value)
		}
	}
	if p.Service.IPv6Address.Value != "2001:db8:20::2" || !HasFamily(p.Service.Families, FamilyIPv6) {
		t.Errorf("service %+v", p.Service)
	}

	// An IPv4-only SFTP plan is unchanged: no IPv6 flow, no families decision.
	p = decide(t, sftpAnswers())
	for _, f := range p.Flows {
		if f.Family == FamilyIPv6 {
			t.Errorf("IPv4-only plan has an IPv6 flow %+v", f)
		}
	}
	for _, d := range p.Decisions {
		if d.Key == "sftp.families" || d.Key == "firewall.server_router_ipv6" {
			t.Errorf("IPv4-only plan decides %s", d.Key)
		}
	}
}

// TestSFTPIPv6Variants: an IPv6-only SFTP server and an SFTP client told
// the server's IPv6 address plan the families they have; an AAAA name
// without the client's prefix is warned about, not silently dropped.
func TestSFTPIPv6Variants(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(a *Answers)
		fams       []Family
		warnClient bool
	}{
		{"ipv6-only server", func(a *Answers) {
			a.Server.NAT, a.Server.Router, a.Server.HostAddress = NATNone, nil, ""
			a.Server.PublicAddress, a.Server.IPv6Address, a.Server.DNSRecords = "sftp.example.net", "2001:db8:20::2", RecordsAAAA
			a.Server.AllowedClients, a.Server.AdminNetwork = []string{AnyIPv6}, "2001:db8:20::/64"
			a.Client.IPv6Prefix = "2001:db8:50::/64"
		}, []Family{FamilyIPv6}, false},
		{"client told the server's ipv6 address", func(a *Answers) {
			a.Role, a.Server = RoleClient, nil
			a.Client.ServerAddress, a.Client.ServerIPv6Address = "sftp.example.net", "2001:db8:20::2"
			a.Client.IPv6Prefix = "2001:db8:50::/64"
		}, []Family{FamilyIPv4, FamilyIPv6}, false},
		{"aaaa name, client plans ipv4 only", func(a *Answers) {
			a.Server.PublicAddress, a.Server.IPv6Address, a.Server.DNSRecords = "sftp.example.net", "2001:db8:20::2", RecordsBoth
			a.Server.AllowedClients = []string{AnyIPv4, AnyIPv6}
		}, []Family{FamilyIPv4}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sftpAnswers()
			tt.edit(&a)
			p := decide(t, a)
			if !slices.Equal(p.Client.Families, tt.fams) {
				t.Errorf("client families %v, want %v", p.Client.Families, tt.fams)
			}
			v6 := 0
			for _, f := range p.FlowsFor(SideClientRouter) {
				if f.Family == FamilyIPv6 {
					v6++
					if f.To != "2001:db8:20::2/128" || f.Ports.First != 22 {
						t.Errorf("client IPv6 flow %+v", f)
					}
				}
			}
			if want := HasFamily(tt.fams, FamilyIPv6); (v6 > 0) != want {
				t.Errorf("client router IPv6 flows: %d, want some: %v", v6, want)
			}
			warned := false
			for _, d := range p.Decisions {
				warned = warned || (d.Key == "client.ipv6" && d.Warning)
			}
			if warned != tt.warnClient {
				t.Errorf("client.ipv6 warning: %v, want %v", warned, tt.warnClient)
			}
		})
	}
}
