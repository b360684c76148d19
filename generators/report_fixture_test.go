package generators

import (
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Hand-built plans for the documentation tests, shaped like Decide's output
// (see wizard/plan.go). The classic scenario: a vendor's vsftpd behind a
// port-forwarding router, explicit FTPS, a customer behind a masquerading
// router.

const (
	reportPublic = "203.0.113.10"
	reportHost   = "192.168.10.20"
	reportAdmin  = "192.168.77.0/24"
	reportLAN    = "10.44.0.0/16"
)

func reportClassicPlan() *wizard.Plan {
	yes := true
	sizing := wizard.SizePassive(16, wizard.DefaultTargetFailureRate)
	passive := wizard.PortRange{First: 50000, Last: 50000 + sizing.Ports - 1}
	a := wizard.Answers{
		Version: wizard.SchemaVersion,
		Role:    wizard.RoleBoth,
		FTPS:    wizard.FTPS{Mode: wizard.ModeExplicit, ExplicitPort: 21, ImplicitPort: 990},
		Server: &wizard.Server{
			PublicAddress: reportPublic, HostAddress: reportHost, NAT: wizard.NATPortForward,
			Router:         &wizard.Router{WANInterface: "eth0", LANInterface: "eth1"},
			AllowedClients: []string{wizard.AnyIPv4}, AdminNetwork: reportAdmin, SSHPort: 22,
			PassiveStart: 50000,
			Capacity:     wizard.Capacity{Transfers: 16, Clients: 16, PerClient: 16, TargetFailureRate: wizard.DefaultTargetFailureRate},
			TLS: wizard.TLS{CertFile: "/etc/ssl/certs/ssl-cert-snakeoil.pem", KeyFile: "/etc/ssl/private/ssl-cert-snakeoil.key",
				Profile: wizard.ProfileIntermediate, RequireSSLReuse: &yes},
			Vsftpd: wizard.Vsftpd{Flavour: wizard.FlavourDebian, Users: []string{"acme", "globex"},
				LocalRoot: "/srv/ftps", UploadDir: "upload", WriteEnable: &yes},
		},
		Client: &wizard.Client{
			NAT: wizard.ClientNATMasquerade, Router: &wizard.Router{WANInterface: "wan0", LANInterface: "lan0"},
			LANCIDR:  reportLAN,
			Software: []wizard.ClientSoftware{wizard.ClientLFTP, wizard.ClientCurl, wizard.ClientFileZilla},
			User:     "acme",
		},
		Firewalls: []wizard.Firewall{wizard.FirewallNftables, wizard.FirewallIptables},
	}
	anywhere := []string{wizard.AnyIPv4}
	flows := []wizard.Flow{
		{Side: wizard.SideServerHost, Direction: wizard.Inbound, Purpose: wizard.PurposeControlExplicit,
			Ports: wizard.Port(21), From: anywhere, To: reportHost, Decision: "ftps.mode",
			Why: "Clients open the control connection to port 21 and switch to TLS with AUTH TLS."},
		{Side: wizard.SideServerHost, Direction: wizard.Inbound, Purpose: wizard.PurposePassive,
			Ports: passive, From: anywhere, To: reportHost, Decision: "passive.range",
			Why: "Every transfer opens a data connection to one port of the passive range; under TLS no helper can see which."},
		{Side: wizard.SideServerHost, Direction: wizard.Inbound, Purpose: wizard.PurposeAdmin,
			Ports: wizard.Port(22), From: []string{reportAdmin}, To: reportHost, Decision: "admin.ssh",
			Why: "Keeps SSH open from the admin network so the host firewall never locks you out."},
		{Side: wizard.SideServerRouter, Direction: wizard.Forward, Purpose: wizard.PurposeControlExplicit,
			Ports: wizard.Port(21), From: anywhere, To: reportPublic, DNATTo: reportHost, Decision: "nat.forward",
			Why: "The router forwards the control port to the vsftpd host, unchanged."},
		{Side: wizard.SideServerRouter, Direction: wizard.Forward, Purpose: wizard.PurposePassive,
			Ports: passive, From: anywhere, To: reportPublic, DNATTo: reportHost, Decision: "nat.forward",
			Why: "The passive range must reach the host with the same port numbers the server announces | no remapping."},
		{Side: wizard.SideClientRouter, Direction: wizard.Forward, Purpose: wizard.PurposeControlExplicit,
			Ports: wizard.Port(21), From: []string{reportLAN}, To: reportPublic, Decision: "client.egress",
			Why: "The customer's LAN may open the control connection to the server only."},
		{Side: wizard.SideClientRouter, Direction: wizard.Forward, Purpose: wizard.PurposePassive,
			Ports: passive, From: []string{reportLAN}, To: reportPublic, Decision: "client.egress",
			Why: "Data connections go to the server's passive range, outbound like the control connection."},
		{Side: wizard.SideClientHost, Direction: wizard.Outbound, Purpose: wizard.PurposeControlExplicit,
			Ports: wizard.Port(21), From: anywhere, To: reportPublic, Decision: "client.egress",
			Why: "The client host opens the control connection."},
		{Side: wizard.SideClientHost, Direction: wizard.Outbound, Purpose: wizard.PurposePassive,
			Ports: passive, From: anywhere, To: reportPublic, Decision: "client.egress",
			Why: "The client host opens each data connection to the passive range."},
	}
	opts := []wizard.Option{
		{Key: "listen", Value: "YES", Decision: "vsftpd.listen"},
		{Key: "listen_ipv6", Value: "NO", Decision: "vsftpd.listen"},
		{Key: "pasv_address", Value: reportPublic, Decision: "passive.address"},
		{Key: "pasv_min_port", Value: "50000", Decision: "passive.range"},
		{Key: "port_enable", Value: "NO", Decision: "ftps.active"},
		{Key: "require_ssl_reuse", Value: "YES", Decision: "tls.reuse"},
	}
	p := &wizard.Plan{
		Answers: a,
		Decisions: []wizard.Decision{
			{Key: "passive.range", Title: "Passive port range", Value: passive.String(),
				Why: "Sized so that at 16 transfers a PASV fails with probability below one in a million."},
			{Key: "passive.address", Title: "Address announced in PASV replies", Value: reportPublic,
				Why: "Behind NAT the server must announce the router's public address; with `listen_ipv6=YES` " +
					"vsftpd would ignore it and announce 0,0,0,0, which breaks strict clients for <user> accounts."},
			{Key: "tls.profile", Title: "TLS versions", Value: "TLS 1.2 and 1.3",
				Why: "Debian's vsftpd 3.0.3 cannot switch TLS 1.2 off, so the modern profile is not possible here."},
			{Key: "tls.reuse", Title: "TLS session reuse on data connections", Value: "require_ssl_reuse=YES",
				Why: "Proves the data connection comes from the client that logged in; Python's ftplib fails against it."},
			{Key: "capacity.per_ip", Title: "Sessions per client address", Value: "16", Warning: true,
				Why: "Everyone behind one customer NAT shares one address, so the per-address limit equals the total: " +
					"a single customer can use every session."},
		},
		Flows: flows,
		Server: &wizard.ServerPlan{
			PublicAddress: reportPublic, PublicIsIP: true, HostAddress: reportHost, NAT: wizard.NATPortForward,
			Router: a.Server.Router, Flavour: wizard.FlavourDebian, Passive: passive, Sizing: sizing,
			Instances: []wizard.Instance{{Name: "explicit", Port: 21, File: "server/vsftpd.conf",
				InstallPath: "/etc/vsftpd.conf", Unit: "vsftpd.service", Options: opts}},
			AllowedClients: anywhere, AdminNetwork: reportAdmin, SSHPort: 22,
			Users: []string{"acme", "globex"}, LocalRoot: "/srv/ftps", UploadDir: "upload", WriteEnable: true,
			UserListPath: "/etc/vsftpd.user_list",
			CertFile:     "/etc/ssl/certs/ssl-cert-snakeoil.pem", KeyFile: "/etc/ssl/private/ssl-cert-snakeoil.key",
		},
		Client: &wizard.ClientPlan{
			ServerAddress: reportPublic, ServerIsIP: true, Endpoints: []wizard.Endpoint{{Port: 21}},
			Passive: passive, NAT: wizard.ClientNATMasquerade, Router: a.Client.Router, LANCIDR: reportLAN,
			Software: a.Client.Software, User: "acme", RequireSSLReuse: true,
		},
		Pitfalls: []wizard.Pitfall{
			{Symptom: "Login works, but `ls` hangs and times out", Cause: "The passive range is not forwarded by the router.",
				Fix: "Load firewall/server-router.nft and check the DNAT rule for " + passive.String() + "."},
			{Symptom: "`500 OOPS: vsftpd: refusing to run with writable root inside chroot()`",
				Cause: "The user's chroot root is writable.", Fix: "chown root: /srv/ftps/<user> and chmod 755 it."},
		},
	}
	p.Complete()
	return p
}

// reportServerBothPlan: role server, no NAT, explicit and implicit (two
// instances, a second unit), a DNS name, restricted clients, ufw and AWS.
func reportServerBothPlan() *wizard.Plan {
	p := reportClassicPlan()
	p.Answers.Role = wizard.RoleServer
	p.Answers.Client = nil
	p.Client = nil
	p.Answers.FTPS.Mode = wizard.ModeBoth
	p.Answers.Firewalls = []wizard.Firewall{wizard.FirewallUFW, wizard.FirewallAWS}
	s := p.Server
	s.PublicAddress, s.PublicIsIP, s.HostAddress, s.NAT, s.Router = "ftp.example.net", false, "198.51.100.7", wizard.NATDynamicDNS, nil
	s.AllowedClients = []string{"198.18.0.0/15", "100.64.1.0/24"}
	s.Users = nil
	s.UserListPath = ""
	s.Instances = append(s.Instances, wizard.Instance{Name: "implicit", Implicit: true, Port: 990,
		File: "server/vsftpd-implicit.conf", InstallPath: "/etc/vsftpd-implicit.conf",
		Unit: "vsftpd-implicit.service", UnitFile: "server/vsftpd-implicit.service",
		Options: s.Instances[0].Options})
	var flows []wizard.Flow
	for _, f := range p.Flows {
		if f.Side != wizard.SideServerHost {
			continue
		}
		f.To = ""
		if f.Purpose != wizard.PurposeAdmin {
			f.From = s.AllowedClients
		}
		flows = append(flows, f)
		if f.Purpose == wizard.PurposeControlExplicit {
			g := f
			g.Purpose, g.Ports, g.Why = wizard.PurposeControlImplicit, wizard.Port(990), "Implicit FTPS clients speak TLS from the first byte on port 990."
			flows = append(flows, g)
		}
	}
	p.Flows = flows
	p.Complete()
	return p
}

// reportClientPlan: role client behind CGNAT, only a client host firewall,
// implicit FTPS, WinSCP.
func reportClientPlan() *wizard.Plan {
	c := reportClassicPlan()
	passive := wizard.PortRange{First: 40000, Last: 40099}
	p := &wizard.Plan{
		Answers: wizard.Answers{
			Version: wizard.SchemaVersion, Role: wizard.RoleClient,
			FTPS: wizard.FTPS{Mode: wizard.ModeImplicit, ExplicitPort: 21, ImplicitPort: 990},
			Client: &wizard.Client{NAT: wizard.ClientNATCGNAT, ServerAddress: "files.example.org",
				PassivePorts: passive.String(), Software: []wizard.ClientSoftware{wizard.ClientWinSCP, wizard.ClientCurl}, User: "me"},
			Firewalls: []wizard.Firewall{wizard.FirewallNftables},
		},
		Decisions: c.Decisions[3:4],
		Flows: []wizard.Flow{
			{Side: wizard.SideClientHost, Direction: wizard.Outbound, Purpose: wizard.PurposeControlImplicit,
				Ports: wizard.Port(990), From: []string{wizard.AnyIPv4}, Why: "Implicit FTPS control connection."},
			{Side: wizard.SideClientHost, Direction: wizard.Outbound, Purpose: wizard.PurposePassive,
				Ports: passive, From: []string{wizard.AnyIPv4}, Why: "Passive data connections."},
		},
		Client: &wizard.ClientPlan{
			ServerAddress: "files.example.org", Endpoints: []wizard.Endpoint{{Implicit: true, Port: 990}},
			Passive: passive, NAT: wizard.ClientNATCGNAT, Software: []wizard.ClientSoftware{wizard.ClientWinSCP, wizard.ClientCurl},
			User: "me", RequireSSLReuse: true,
		},
	}
	p.Complete()
	return p
}
