package tui

import (
	"context"
	"slices"
	"strings"
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
			got := detectDefaults(context.Background(), tt.det)
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
		{"router only with port-forward", func(d *draft) { d.Setup, d.ServerNAT, d.Host = wizard.SetupOther, wizard.NATOneToOne, "10.0.0.2" }, func(t *testing.T, a wizard.Answers) {
			if a.Server.Router != nil || a.Server.HostAddress == "" {
				t.Errorf("router %v host %q", a.Server.Router, a.Server.HostAddress)
			}
		}},
		{"no host address without NAT", func(d *draft) { d.Setup, d.ServerNAT = wizard.SetupOther, wizard.NATNone }, func(t *testing.T, a wizard.Answers) {
			if a.Server.HostAddress != "" || a.Server.Router != nil {
				t.Errorf("host %q router %v", a.Server.HostAddress, a.Server.Router)
			}
		}},
		{"client router only with masquerade", func(d *draft) { d.Setup, d.ClientNAT = wizard.SetupOther, wizard.ClientNATCGNAT }, func(t *testing.T, a wizard.Answers) {
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
		{"the set-up sets both NAT types", func(d *draft) {
			d.Setup, d.ServerNAT, d.ClientNAT = wizard.SetupCloud, wizard.NATNone, wizard.ClientNATCGNAT
		}, func(t *testing.T, a wizard.Answers) {
			if a.Server.NAT != wizard.NATOneToOne || a.Client.NAT != wizard.ClientNATMasquerade {
				t.Errorf("server nat %s client nat %s, want one-to-one and masquerade", a.Server.NAT, a.Client.NAT)
			}
		}},
		{"the set-up is for role both only", func(d *draft) {
			d.Role, d.Setup, d.ServerNAT = wizard.RoleServer, wizard.SetupClassic, wizard.NATNone
		}, func(t *testing.T, a wizard.Answers) {
			if a.Server.NAT != wizard.NATNone {
				t.Errorf("server nat %s, want none (the set-up is not asked for role server)", a.Server.NAT)
			}
		}},
		{"one answer per router", func(d *draft) {
			d.ServerRouter, d.ClientRouter = " wan0  lan0 ", "eth0,eth1 192.168.50.0/24"
		}, func(t *testing.T, a wizard.Answers) {
			s, c := a.Server.Router, a.Client.Router
			if s.WANInterface != "wan0" || s.LANInterface != "lan0" || c.WANInterface != "eth0" || c.LANInterface != "eth1" || a.Client.LANCIDR != "192.168.50.0/24" {
				t.Errorf("server router %+v, client router %+v, lan %q", s, c, a.Client.LANCIDR)
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

func TestDraftSFTPAnswers(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*draft)
		check func(*testing.T, wizard.Answers)
	}{
		{"both ends: sftp section, no FTPS fields", func(d *draft) {
			d.Role, d.SFTPUsers, d.SFTPPort, d.SFTPPassword = wizard.RoleBoth, "acme, bob", "2222", "yes"
		}, func(t *testing.T, a wizard.Answers) {
			if a.Protocol != wizard.ProtocolSFTP || a.FTPS != (wizard.FTPS{}) {
				t.Errorf("protocol %q ftps %+v", a.Protocol, a.FTPS)
			}
			x := a.SFTP
			if x == nil || x.Port != 2222 || !slices.Equal(x.Users, []string{"acme", "bob"}) || !wizard.IsTrue(x.PasswordAuthentication, false) {
				t.Errorf("sftp %+v", x)
			}
			s := a.Server
			if s.PassiveStart != 0 || s.Capacity != (wizard.Capacity{}) || s.TLS != (wizard.TLS{}) || s.Vsftpd.Flavour != "" {
				t.Errorf("FTPS server fields in an SFTP draft: %+v", s)
			}
			if !slices.Equal(a.Client.Software, []wizard.ClientSoftware{wizard.ClientOpenSSH}) {
				t.Errorf("software %v, want the SFTP default", a.Client.Software)
			}
			if _, err := wizard.Decide(func() wizard.Answers {
				a.Server.PublicAddress, a.Server.HostAddress = "198.51.100.10", "10.20.0.2"
				a.Server.Router = &wizard.Router{WANInterface: "wan0", LANInterface: "lan0"}
				a.Client.Router = &wizard.Router{WANInterface: "wan0", LANInterface: "lan0"}
				a.Client.LANCIDR = "192.168.50.0/24"
				return a
			}()); err != nil {
				t.Errorf("Decide refuses the draft's SFTP answers: %v", err)
			}
		}},
		{"client only: no accounts, no passive range", func(d *draft) {
			d.Role, d.SFTPUsers, d.ClientServer, d.ClientPassive = wizard.RoleClient, "acme", "sftp.example", "50000-50010"
		}, func(t *testing.T, a wizard.Answers) {
			if a.SFTP == nil || a.SFTP.Users != nil || a.Client.PassivePorts != "" || a.Client.ServerAddress != "sftp.example" {
				t.Errorf("sftp %+v client %+v", a.SFTP, a.Client)
			}
		}},
		{"FTPS keeps its own software", func(d *draft) { d.Protocol = wizard.ProtocolFTPS }, func(t *testing.T, a wizard.Answers) {
			if a.SFTP != nil || a.FTPS.Mode != wizard.ModeExplicit || !slices.Contains(a.Client.Software, wizard.ClientCurl) {
				t.Errorf("sftp %+v ftps %+v software %v", a.SFTP, a.FTPS, a.Client.Software)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDraft(defaults{})
			d.Protocol = wizard.ProtocolSFTP
			tt.edit(d)
			tt.check(t, d.answers())
		})
	}
}

func TestDraftRecommendation(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(*draft)
		want     wizard.Protocol
		reason   string // one of the reasons
		noServer bool   // the answers Recommend sees have no server section
	}{
		{"nothing answered: the defaults are not the user's", func(d *draft) {}, wizard.ProtocolSFTP, "SFTP needs one port", true},
		{"role answered, NAT not yet", func(d *draft) { d.answered[stepRole] = true }, wizard.ProtocolSFTP, "SFTP needs one port", true},
		{"NAT answered", func(d *draft) { d.answered[stepRole], d.answered[stepServerNAT] = true, true },
			wizard.ProtocolSFTP, "The server is behind NAT (port-forward)", false},
		{"partner", func(d *draft) { d.PartnerFTPS = true }, wizard.ProtocolFTPS, "accepts only FTP or FTPS", true},
		{"certificates", func(d *draft) { d.ClientCerts = true }, wizard.ProtocolFTPS, "X.509", true},
		{"implicit FTPS on a public host", func(d *draft) {
			d.Role, d.ServerNAT, d.Mode = wizard.RoleServer, wizard.NATNone, wizard.ModeImplicit
			for _, s := range []step{stepRole, stepServerNAT, stepMode} {
				d.answered[s] = true
			}
		}, wizard.ProtocolFTPS, "implicit FTPS", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDraft(defaults{})
			tt.edit(d)
			rec := d.recommend()
			if rec.Protocol != tt.want {
				t.Errorf("recommends %s, want %s: %v", rec.Protocol, tt.want, rec.Reasons)
			}
			found := false
			for _, r := range rec.Reasons {
				found = found || strings.Contains(r, tt.reason)
			}
			if !found {
				t.Errorf("no reason with %q: %v", tt.reason, rec.Reasons)
			}
			if (d.recommendAnswers().Server == nil) != tt.noServer {
				t.Errorf("server section seen by Recommend: %+v", d.recommendAnswers().Server)
			}
		})
	}

	// The certificates answer counts only while its question is asked.
	d := newDraft(defaults{})
	d.ClientCerts, d.PartnerFTPS = true, true
	if o := d.recommendOptions(); o.ClientCertificates || !o.PartnerRequiresFTPS {
		t.Errorf("options %+v with the certificates question skipped", o)
	}

	// Pre-selection: first time always; again only when the recommendation
	// changes, keeping an override otherwise.
	d = newDraft(defaults{})
	if rec, changed := d.preselect(); d.Protocol != wizard.ProtocolSFTP || changed || rec.Protocol != wizard.ProtocolSFTP {
		t.Fatalf("first pre-selection: %q changed %v", d.Protocol, changed)
	}
	d.Protocol = wizard.ProtocolFTPS // the user's override
	if _, changed := d.preselect(); d.Protocol != wizard.ProtocolFTPS || changed {
		t.Errorf("override lost: %q changed %v", d.Protocol, changed)
	}
	d.Protocol = wizard.ProtocolSFTP
	d.PartnerFTPS = true
	if _, changed := d.preselect(); d.Protocol != wizard.ProtocolFTPS || !changed {
		t.Errorf("new recommendation not pre-selected: %q changed %v", d.Protocol, changed)
	}
}
