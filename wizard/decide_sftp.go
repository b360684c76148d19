package wizard

import (
	"fmt"
	"strconv"
	"strings"
)

// SFTPDropInPath is where the generated sshd drop-in goes. Debian's and
// Ubuntu's sshd_config include /etc/ssh/sshd_config.d/*.conf first, and for
// most keywords the first value sshd reads wins.
const SFTPDropInPath = "/etc/ssh/sshd_config.d/ftpswiz-sftp.conf"

// sftpVariant plans SFTP: sshd's SFTP-only service on one port. Decide's
// skeleton (decide.go) calls it.
type sftpVariant struct{}

func (sftpVariant) prepare(a Answers) Answers { return a }

// check has nothing to refuse: SFTP has no passive range to size.
func (sftpVariant) check(Answers) error { return nil }

func (sftpVariant) decideProtocol(d *decider) { d.decideSFTPProtocol() }

func (sftpVariant) server(d *decider) { d.sftpServer() }

// clientService: the server is reached over IPv4 only (the SFTP planner has
// no IPv6 path yet), on its one SFTP port.
func (sftpVariant) clientService(d *decider, cp *ClientPlan) []Family {
	cp.Endpoints = append(cp.Endpoints, Endpoint{SFTP: true, Port: d.a.SFTP.Port})
	return []Family{FamilyIPv4}
}

func (sftpVariant) clientNATWhy(c *Client) string {
	if c.NAT == ClientNATCGNAT {
		return "Your provider's carrier-grade NAT sits between you and the internet and you cannot configure it. " +
			"SFTP needs nothing from it: its one connection is opened from your side, which any NAT lets out."
	}
	return fmt.Sprintf("Your router masquerades %s. SFTP is one connection opened from the inside, so "+
		"masquerading handles it and the router needs no port forward.", c.LANCIDR)
}

func (sftpVariant) clientServer(d *decider, cp *ClientPlan) (value, why string) {
	return fmt.Sprintf("%s, port %d", cp.ServerAddress, d.a.SFTP.Port),
		fmt.Sprintf("The server's operator told you its address (%s) and SFTP port (%d); your firewall "+
			"allows exactly that outbound.", cp.ServerAddress, d.a.SFTP.Port)
}

func (sftpVariant) clientSoftwareWhy(notes []string) string {
	return "Each client gets an SFTP (not FTP or FTPS) configuration for the server: " + strings.Join(notes, "; ") +
		". Verify the server's host key fingerprint with its operator on the first connection."
}

// clientIPv6 has nothing to explain: the client side plans IPv4 only.
func (sftpVariant) clientIPv6(*decider, *ClientPlan) {}

// firewallsNote adds nothing: SFTP has no helper to speak of.
func (sftpVariant) firewallsNote() string { return "" }

func (sftpVariant) servers() (own, others string) {
	return "the SFTP server (OpenSSH's sshd)", "someone else's SFTP server"
}

// sftpServer plans sshd's SFTP-only service; d.p.Server holds serverBase.
func (d *decider) sftpServer() {
	s := d.a.Server
	x := d.a.SFTP
	d.warnLoopback("server.public_address", s.PublicAddress)
	sp := &SFTPPlan{
		Port: x.Port, Group: x.Group, Users: x.Users, ChrootRoot: x.ChrootRoot, UploadDir: x.UploadDir,
		PasswordAuth: IsTrue(x.PasswordAuthentication, false),
		File:         "server/sshd_config.d/ftpswiz-sftp.conf", InstallPath: SFTPDropInPath,
		Match: "Group " + x.Group,
	}
	d.p.SFTP = sp
	add := func(list *[]Option, decision string, kv ...string) {
		for i := 0; i+1 < len(kv); i += 2 {
			*list = append(*list, Option{Key: kv[i], Value: kv[i+1], Decision: decision})
		}
	}

	if x.Port == s.SSHPort {
		d.decide("sftp.port", "SFTP port", strconv.Itoa(x.Port),
			fmt.Sprintf("SFTP is served by the sshd you already run, on port %d, so nothing new listens. SSH "+
				"sessions and SFTP transfers share the port; the drop-in's Match block decides per account "+
				"what each login may do. Clients must be able to reach port %d, so it cannot be closed to "+
				"everyone but the admin network.", x.Port, x.Port))
	} else {
		d.decide("sftp.port", "SFTP port", strconv.Itoa(x.Port),
			fmt.Sprintf("sshd listens on port %d for SFTP as well as on %d for the administrator, so the "+
				"firewall can open %d to clients and keep %d to the admin network. sshd stops listening on "+
				"its default port once any Port line is set, so both are listed.", x.Port, s.SSHPort, x.Port, s.SSHPort))
		add(&sp.Global, "sftp.port", "Port", strconv.Itoa(s.SSHPort), "Port", strconv.Itoa(x.Port))
	}
	d.decide("sftp.service", "SFTP only, no shell", fmt.Sprintf("Match Group %s: ForceCommand internal-sftp", x.Group),
		fmt.Sprintf("Members of the group %s get the SFTP server built into sshd and nothing else: whatever "+
			"command they send, sshd runs internal-sftp instead, so there is no shell to escape to. "+
			"internal-sftp runs inside sshd, so the chroot needs no binaries or libraries. Give these "+
			"accounts /usr/sbin/nologin as their shell too.", x.Group))
	add(&sp.MatchOptions, "sftp.service", "ForceCommand", "internal-sftp")
	d.decide("sftp.chroot", "Users locked into their directory", fmt.Sprintf("%s/<user>, writable %s/", x.ChrootRoot, x.UploadDir),
		fmt.Sprintf("Each account is locked (ChrootDirectory %s/%%u) into its own directory, which sshd "+
			"requires to be owned by root and writable by no one else (otherwise it refuses the login: "+
			"\"bad ownership or modes for chroot directory\"); the account writes into %s/ inside it.",
			x.ChrootRoot, x.UploadDir))
	add(&sp.MatchOptions, "sftp.chroot", "ChrootDirectory", x.ChrootRoot+"/%u")
	d.decide("sftp.restrictions", "No tunnels or forwarding", "forwarding, tunnels, X11 and TTYs off",
		"An SFTP account could otherwise use the SSH connection as a tunnel into your network (port "+
			"forwarding, SOCKS, tun devices) even without a shell. All forwarding, tunnels, X11 and "+
			"terminals are switched off for the group.")
	add(&sp.MatchOptions, "sftp.restrictions", "AllowTcpForwarding", "no", "AllowStreamLocalForwarding", "no",
		"AllowAgentForwarding", "no", "PermitTunnel", "no", "X11Forwarding", "no", "PermitTTY", "no")
	if sp.PasswordAuth {
		d.warn("sftp.auth", "Authentication", "passwords allowed",
			"SFTP accounts may log in with a password (PasswordAuthentication yes in their Match block). "+
				"That is what FTPS users are used to, but passwords can be guessed: prefer SSH keys, and "+
				"rate-limit or ban repeated failures (fail2ban).")
		add(&sp.MatchOptions, "sftp.auth", "PasswordAuthentication", "yes")
	} else {
		d.decide("sftp.auth", "Authentication", "SSH keys only",
			"SFTP accounts log in with SSH keys only (AuthenticationMethods publickey, which also closes "+
				"the keyboard-interactive password path through PAM that PasswordAuthentication no leaves "+
				"open): nothing to guess or "+
				"phish. Each user sends you a public key (ssh-keygen -t ed25519), which goes into "+
				"~user/.ssh/authorized_keys (outside the chroot, owned by the user).")
		add(&sp.MatchOptions, "sftp.auth", "AuthenticationMethods", "publickey", "PasswordAuthentication", "no")
	}
}

// decideSFTPProtocol explains the protocol choice.
func (d *decider) decideSFTPProtocol() {
	d.decide("protocol", "Protocol", "SFTP (SSH file transfer)",
		"SFTP runs inside SSH: one TCP connection to one port carries the login, the commands and every "+
			"file, so there is no passive range, no pasv_address and nothing a NAT router must track; each "+
			"firewall needs one rule. It is a different protocol from FTPS: FTPS clients (and partners "+
			"that mandate FTPS) cannot use it, and users authenticate with SSH keys or passwords instead "+
			"of TLS certificates.")
}

func (sftpVariant) hostFirewall(d *decider, allowed string) (value, why string) {
	s := d.a.Server
	return fmt.Sprintf("inbound tcp %d from %s; SSH %d from %s; %s", d.p.SFTP.Port, allowed, s.SSHPort, s.AdminNetwork, hostRest(s.HostFirewall)),
		fmt.Sprintf("The host accepts new connections only on the SFTP port from %s, plus SSH for the "+
			"administrator; replies, loopback and the ICMP messages TCP needs pass; %s", allowed, hostRestWhy(s.HostFirewall))
}

func (sftpVariant) hostFlows(d *decider) {
	s := d.a.Server
	d.controlFlows(Flow{Side: SideServerHost, Direction: Inbound, From: s.AllowedClients})
	d.flow(Flow{Side: SideServerHost, Direction: Inbound, Purpose: PurposeAdmin, Ports: Port(s.SSHPort),
		From: []string{s.AdminNetwork}, Decision: "firewall.admin_ssh",
		Why: "the administrator's SSH, so the firewall never locks you out"})
}

func (sftpVariant) routerFlows(d *decider, to string) {
	s := d.a.Server
	d.decide("firewall.server_router", "Server's NAT router",
		fmt.Sprintf("DNAT tcp %d on %s to %s", d.p.SFTP.Port, s.Router.WANName(), s.HostAddress),
		fmt.Sprintf("The router forwards the SFTP port arriving on %s to %s and its forward filter lets "+
			"exactly that through. One port: no range, no helper.", s.Router.WANName(), s.HostAddress))
	d.controlFlows(Flow{Side: SideServerRouter, Direction: Forward, From: s.AllowedClients, To: to, DNATTo: s.HostAddress})
}

func (sftpVariant) cloudNAT(d *decider) (value, why string) {
	return fmt.Sprintf("allow tcp %d inbound", d.p.SFTP.Port),
		"The provider maps the public address onto the instance; its security group must allow the SFTP port."
}

func (sftpVariant) manualForward(d *decider) (value, why string) {
	return "configure its port forward by hand",
		fmt.Sprintf("No router interfaces were given: in your router's port-forwarding page forward tcp %d to %s.", d.p.SFTP.Port, d.a.Server.HostAddress)
}

// controlFlows writes the one flow SFTP needs: the SSH connection to the
// SFTP port.
func (sftpVariant) controlFlows(d *decider, f Flow) {
	f.Purpose, f.Ports, f.Decision = PurposeSFTP, Port(d.a.SFTP.Port), "client.software"
	if d.p.SFTP != nil {
		f.Decision = "sftp.port"
	} else if d.a.Server == nil {
		f.Decision = "client.server"
	}
	f.Why = "SFTP sessions: login, commands and data in one SSH connection"
	d.flow(f)
}

func (sftpVariant) pitfalls(d *decider, add func(symptom, cause, fix string)) {
	d.sftpPitfalls(add)
}

func (d *decider) sftpPitfalls(add func(symptom, cause, fix string)) {
	x := d.a.SFTP
	add("\"Connection timed out\" or \"Connection refused\" before any password or key prompt.",
		fmt.Sprintf("The SFTP port %d is not open or not forwarded on the path, or sshd does not listen on it.", x.Port),
		"Apply the generated rules on every side; `ss -ltn` on the server shows sshd's ports.")
	add("\"packet_write_wait: Connection ... Broken pipe\" or the session closes right after login; the server log says \"bad ownership or modes for chroot directory\".",
		"The chroot directory (or a parent) is writable by the user or not owned by root.",
		fmt.Sprintf("`chown root:root %s/USER && chmod 755 %s/USER`; uploads go to %s/ inside it.", x.ChrootRoot, x.ChrootRoot, x.UploadDir))
	add("\"Permission denied (publickey)\".",
		"Keys only: the user's public key is missing from ~user/.ssh/authorized_keys, or that file's permissions are too open.",
		"Install the key; `chmod 700 ~user/.ssh && chmod 600 ~user/.ssh/authorized_keys`, owned by the user.")
	add("An FTP or FTPS client cannot connect (\"unexpected greeting\", \"SSH-2.0-OpenSSH\" shown as the banner).",
		"SFTP is not FTPS: FTP clients speak another protocol.",
		"Choose SFTP (sftp://) in the client, as the generated client configs do.")
	add("\"REMOTE HOST IDENTIFICATION HAS CHANGED\" after reinstalling the server.",
		"The server's host key changed; clients remember the old one.",
		"Keep /etc/ssh/ssh_host_* keys across reinstalls, or tell users the new fingerprint.")
}
