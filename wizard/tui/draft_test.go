package tui

import (
	"slices"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/detect"
	"github.com/ftpswiz/ftpswiz/wizard"
)

func TestDetectDefaults(t *testing.T) {
	tests := []struct {
		name string
		det  detect.Detector
		want defaults
	}{
		{"nothing", nil, defaults{}},
		{
			"server behind NAT", detect.Static{
				VsftpdInfo: detect.Vsftpd{Installed: true, Flavour: wizard.FlavourRHEL, Known: true},
				Ifaces:     []detect.Interface{detect.Iface("lo", true, "127.0.0.1/8"), detect.Iface("ens3", true, "10.20.0.2/24")},
			},
			defaults{Host: "10.20.0.2", HostNet: "10.20.0.0/24", Interfaces: []string{"ens3 10.20.0.2/24"}, Flavour: wizard.FlavourRHEL},
		},
		{
			"router: public and private interfaces", detect.Static{
				Tools: []detect.Tool{{Firewall: wizard.FirewallNftables}, {Firewall: wizard.FirewallUFW}},
				Ifaces: []detect.Interface{
					detect.Iface("wan0", true, "198.51.100.30/24"), detect.Iface("lan0", true, "192.168.1.1/24"),
					detect.Iface("down0", false, "203.0.113.9/24"),
				},
			},
			defaults{Public: "198.51.100.30", Host: "192.168.1.1", HostNet: "192.168.1.0/24", WAN: "wan0", LAN: "lan0",
				Interfaces: []string{"wan0 198.51.100.30/24", "lan0 192.168.1.1/24"},
				Firewalls:  []wizard.Firewall{wizard.FirewallNftables, wizard.FirewallUFW}},
		},
		{
			"unknown vsftpd build is not offered", detect.Static{VsftpdInfo: detect.Vsftpd{Installed: true}},
			defaults{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := detectDefaults(tt.det)
			if got.Public != tt.want.Public || got.Host != tt.want.Host || got.HostNet != tt.want.HostNet ||
				got.WAN != tt.want.WAN || got.LAN != tt.want.LAN || got.Flavour != tt.want.Flavour ||
				!slices.Equal(got.Interfaces, tt.want.Interfaces) || !slices.Equal(got.Firewalls, tt.want.Firewalls) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			d := newDraft(got)
			if d.Flavour == "" || len(d.Firewalls) == 0 {
				t.Errorf("draft without flavour or firewalls: %+v", d)
			}
		})
	}
}

func TestDraftAnswersFollowRoleAndNAT(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*draft)
		check func(*testing.T, wizard.Answers)
	}{
		{"client role has no server section", func(d *draft) { d.Role = wizard.RoleClient }, func(t *testing.T, a wizard.Answers) {
			if a.Server != nil || a.Client == nil {
				t.Errorf("server %v client %v", a.Server, a.Client)
			}
		}},
		{"server role has no client section", func(d *draft) { d.Role = wizard.RoleServer }, func(t *testing.T, a wizard.Answers) {
			if a.Server == nil || a.Client != nil {
				t.Errorf("server %v client %v", a.Server, a.Client)
			}
		}},
		{"router only with port-forward", func(d *draft) { d.ServerNAT, d.Host = wizard.NATOneToOne, "10.0.0.2" }, func(t *testing.T, a wizard.Answers) {
			if a.Server.Router != nil || a.Server.HostAddress == "" {
				t.Errorf("router %v host %q", a.Server.Router, a.Server.HostAddress)
			}
		}},
		{"no host address without NAT", func(d *draft) { d.ServerNAT = wizard.NATNone }, func(t *testing.T, a wizard.Answers) {
			if a.Server.HostAddress != "" || a.Server.Router != nil {
				t.Errorf("host %q router %v", a.Server.HostAddress, a.Server.Router)
			}
		}},
		{"client router only with masquerade", func(d *draft) { d.ClientNAT = wizard.ClientNATCGNAT }, func(t *testing.T, a wizard.Answers) {
			if a.Client.Router != nil || a.Client.LANCIDR != "" {
				t.Errorf("router %v lan %q", a.Client.Router, a.Client.LANCIDR)
			}
		}},
		{"server address and range only for role client", func(d *draft) { d.ClientServer, d.ClientPassive = "x.example", "50000-50010" },
			func(t *testing.T, a wizard.Answers) {
				if a.Client.ServerAddress != "" || a.Client.PassivePorts != "" {
					t.Errorf("role both kept %q %q", a.Client.ServerAddress, a.Client.PassivePorts)
				}
			}},
		{"lists and numbers", func(d *draft) {
			d.Users, d.AllowedClients, d.Transfers = "alice, bob", "192.0.2.0/24 198.51.100.0/24", " 42 "
		},
			func(t *testing.T, a wizard.Answers) {
				if !slices.Equal(a.Server.Vsftpd.Users, []string{"alice", "bob"}) || len(a.Server.AllowedClients) != 2 || a.Server.Capacity.Transfers != 42 {
					t.Errorf("users %v allowed %v transfers %d", a.Server.Vsftpd.Users, a.Server.AllowedClients, a.Server.Capacity.Transfers)
				}
			}},
		{"session reuse off", func(d *draft) { d.SSLReuse = "no" }, func(t *testing.T, a wizard.Answers) {
			if r := a.Server.TLS.RequireSSLReuse; r == nil || *r {
				t.Errorf("require_ssl_reuse %v", r)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDraft(defaults{})
			tt.edit(d)
			tt.check(t, d.answers())
		})
	}
}
