package generators

import (
	"fmt"
	"strings"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// REPORT.md and HANDOUT.md for SFTP plans: the same documents and the same
// view as for FTPS (report.md.tmpl, handout.md.tmpl, newReportView), with
// sftpReport's parts: what an SFTP deployment needs.

// sftpPort is the service's SFTP port (22 when the plan names none).
func sftpPort(p *wizard.Plan) int {
	if port := p.Service.SFTPPort(); port > 0 {
		return port
	}
	return 22
}

// sftpUser is the login the examples use.
func sftpUser(p *wizard.Plan) string {
	if p.SFTP != nil && len(p.SFTP.Users) > 0 {
		return p.SFTP.Users[0]
	}
	if p.Client != nil && p.Client.User != "" {
		return p.Client.User
	}
	return "USER"
}

// sftpPasswords reports whether SFTP accounts may log in with a password.
func sftpPasswords(p *wizard.Plan) bool { return p.Service.PasswordAuth }

// sftpUploadDir is the writable directory in each chroot ("" when the plan
// has no server end and so does not know it).
func sftpUploadDir(p *wizard.Plan) string {
	if p.SFTP != nil {
		return p.SFTP.UploadDir
	}
	return ""
}

// sftpReport is REPORT.md's and HANDOUT.md's SFTP variant (reportVariant):
// one port, sshd's drop-in, accounts and chroots, SSH keys and host keys.
type sftpReport struct{}

func (sftpReport) protocol() string { return "SFTP" }

func (sftpReport) checkServer(p *wizard.Plan) error {
	if p.Server == nil || p.SFTP == nil {
		return fmt.Errorf("role %s but the plan has no SFTP server", p.Role)
	}
	return nil
}

func (sftpReport) roleText(r wizard.Role) string {
	return map[wizard.Role]string{
		wizard.RoleServer: "server: you run the SFTP server (OpenSSH's sshd)",
		wizard.RoleClient: "client: you connect to someone else's SFTP server through your own firewall",
		wizard.RoleBoth:   "both: you plan the SFTP server (sshd) and the clients that connect to it",
	}[r]
}

func (sftpReport) protocolItem(p *wizard.Plan) string {
	auth := "SSH keys only"
	if sftpPasswords(p) {
		auth = "passwords or SSH keys"
	}
	return fmt.Sprintf("**Protocol:** SFTP (file transfer over SSH) on port %d; logins with %s", sftpPort(p), auth)
}

func (sftpReport) serverNATText(n wizard.ServerNAT) string {
	if n == wizard.NATPortForward {
		return "port forwarding (a router forwards the SFTP port to the host)"
	}
	return reportServerNATText(n)
}

func (sftpReport) serverItems(p *wizard.Plan) []string {
	sp := p.SFTP
	if sp == nil {
		return nil
	}
	users := "none named yet"
	if len(sp.Users) > 0 {
		users = strings.Join(sp.Users, ", ")
	}
	return []string{
		fmt.Sprintf("**SFTP-only group:** `%s` (accounts: %s), each locked into `%s/<user>`, uploads into `%s/`",
			sp.Group, users, sp.ChrootRoot, sp.UploadDir),
		"**sshd drop-in:** `" + sp.InstallPath + "`",
	}
}

func (sftpReport) clientOnlyItems(*wizard.Plan) []string { return nil }

func (sftpReport) background(p *wizard.Plan) string {
	return fmt.Sprintf("SFTP is file transfer over SSH, served here by OpenSSH's "+
		"sshd. A session is one TCP connection from the client to port %d of %s: the login, every command, "+
		"listing and file travel inside it, encrypted from the first packet. So there is no data channel, "+
		"no passive port range, no address to announce and nothing for a NAT router to track; each "+
		"firewall needs one rule. SFTP is not FTPS (FTP with TLS) and not FTP: their clients and servers "+
		"do not talk to each other. `ftpswiz compare` shows the two side by side.", sftpPort(p), p.Service.Address.Value)
}

func (sftpReport) questions(p *wizard.Plan) []string {
	return []string{
		reportQuestion("Which ports does the data channel need?", fmt.Sprintf("None of its own: SFTP has no "+
			"separate data channel. Listings and files travel inside the one SSH connection to %s port %d, so "+
			"there is no passive range to open, forward or size.", p.Service.Address.Value, sftpPort(p))),
	}
}

func (sftpReport) servicePorts() string { return "SFTP port" }

func (sftpReport) ports989Answer() string {
	return "No. Neither is an SFTP port: SFTP uses the one SSH port in the port map. (989 is implicit FTPS's " +
		"active-mode data port; 991 is not an FTPS port either.)"
}

// sizing: SFTP has no passive range to size.
func (sftpReport) sizing(*wizard.Plan, *reportView) {}

func (sftpReport) serverSteps(p *wizard.Plan, outputs []File) []reportStep {
	if p.SFTP == nil {
		return nil
	}
	return sftpReportServerSteps(p, outputs)
}

// clientSetup is the key pair and the server's host key.
func (sftpReport) clientSetup(p *wizard.Plan) []reportStep {
	addr, port := p.Service.Address.Value, sftpPort(p)
	keyText := "Each person who connects needs a key pair; the public key (.pub, never the other) goes to the " +
		"server's operator."
	if sftpPasswords(p) {
		keyText = "The server also accepts passwords, but an SSH key pair is safer: the public key (the .pub " +
			"file) goes to the server's operator."
	}
	return []reportStep{{
		Title: "Keys and the server's host key",
		Text: mdWrap(reportWidth, keyText+" Then the server's host key into ~/.ssh/known_hosts: the operator's line, "+
			"or the scanned key once its fingerprint matches theirs; the configs refuse any other."),
		Code: mdCode("ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519",
			Sh("ssh-keyscan", "-p", fmt.Sprint(port), "-t", "ed25519", addr).Op(">", "server.key", "&&", "ssh-keygen", "-lf", "server.key").Line(""),
			"cat server.key >> ~/.ssh/known_hosts  # only once the fingerprint matches"),
	}}
}

func (sftpReport) testWhat() string { return ", through your firewall." }

func (sftpReport) testStep(p *wizard.Plan, title, text string) reportStep {
	return sftpReportTestStep(p, title, text)
}

func (sftpReport) handout(p *wizard.Plan) *handoutView { return newSFTPHandoutView(p) }

func (sftpReport) handoutDesc() Desc {
	return Desc{What: "for the people who connect: address, port, keys, what their firewall must allow, client settings"}
}

func sftpReportServerSteps(p *wizard.Plan, outputs []File) []reportStep {
	sp := p.SFTP
	user := sftpUser(p)
	var steps []reportStep
	steps = append(steps, reportStep{
		Title: "Install OpenSSH's server",
		Text: mdWrap(reportWidth, "RHEL, Fedora: `dnf install -y openssh-server`. The drop-in needs an Include of "+
			"/etc/ssh/sshd_config.d/ (Debian 11, Ubuntu 20.04, RHEL 9 and later have it); without one, add "+
			"`Include /etc/ssh/sshd_config.d/*.conf` at the top of /etc/ssh/sshd_config."),
		Code: mdCode("apt-get install -y openssh-server", "grep -n '^Include' /etc/ssh/sshd_config  # must print the Include line"),
	})
	text := []string{fmt.Sprintf("Group %s, its accounts with the shell nologin, each locked into %s/<user>, "+
		"which sshd accepts only when it and every directory above it are root's and writable by nobody else "+
		"(uploads into %s/)%s.", sp.Group, sp.ChrootRoot, sp.UploadDir, reportSee(p, "sftp.chroot", "why"))}
	if len(sp.Users) == 0 {
		text = append(text, "The plan names no accounts yet: repeat the commands with USER replaced for each one.")
	}
	if sp.PasswordAuth {
		text = append(text, "Set each account's password with `passwd`.")
	} else {
		text = append(text, "Keys only: save each user's .pub as USER.pub here (sshd reads authorized_keys outside "+
			"the chroot, mode 600).")
	}
	text = append(text, "An existing account: `usermod --shell /usr/sbin/nologin --append --groups "+sp.Group+
		" NAME` instead of useradd.")
	steps = append(steps, reportStep{Title: "Accounts and chroot directories",
		Text: mdWrap(reportWidth, mdText(strings.Join(text, " "))), Code: mdCode(SFTPSetupCommands(sp)...)})

	steps = append(steps, reportStep{
		Title: "Install the drop-in, check, reload",
		Text: mdWrap(reportWidth, mdText("A reload keeps existing sessions, and sshd keeps its old settings if "+
			"`sshd -t` fails; keep this session until a new login works. "+sshdReloadWhy)),
		Code: mdCode(
			reportBackupCmd(sp.InstallPath, "/root/ftpswiz-sftp.conf.bak-").Line(""),
			reportInstallCmd(sp.File, sp.InstallPath),
			sshdReload+"  # "+sshdReloadOther,
			Sh("sshd", "-T", "-C", "user="+user+",host=client,addr=127.0.0.1").
				Op("|", "grep", "-Ei", `'^(port|forcecommand|chrootdirectory|allowtcpforwarding|permittunnel|permittty|passwordauthentication) '`).Line("")+
				"  # must show forcecommand internal-sftp, its chrootdirectory, forwarding, tunnels and TTYs off",
			// Under ssh.socket the listener is systemd's, not sshd's.
			Sh("ss", "-ltnp", fmt.Sprintf("sport = :%d", sp.Port)).Line("")+
				fmt.Sprintf("  # must list port %d (sshd, or systemd for ssh.socket)", sp.Port)),
	})
	for _, side := range []wizard.Side{wizard.SideServerHost, wizard.SideServerRouter} {
		if st, ok := reportFirewallStep(p, side, outputs); ok {
			steps = append(steps, st)
		}
	}
	steps = append(steps, reportCloudSteps(outputs)...)
	if b, ok := p.Box(wizard.SideServerRouter); ok && !b.Managed && p.Server.HostAddress != "" {
		s := p.Server
		steps = append(steps, reportStep{
			Title: "The NAT in front of the server",
			Text: mdWrap(reportWidth, fmt.Sprintf("No rules were generated for the device or cloud service that "+
				"does the NAT. Configure it by hand: TCP %d arriving for %s must reach %s, and its filter "+
				"(security group, router firewall) must allow it inbound.", sp.Port, s.PublicAddress, s.HostAddress)),
		})
	}
	steps = append(steps, reportStep{
		Title: "Tell the users the host key",
		Text: mdWrap(reportWidth, "Clients check it on every connection: send them its fingerprint or, better, the "+
			"known_hosts line, through another channel than the connection (HANDOUT.md says what to do with it)."),
		Code: mdCode("ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub",
			Sh("echo").Arg(sftpKnownHostsName(p.Server.PublicAddress, sp.Port)+" ").GlueOp(`"$(cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)"`).Line("")),
	})
	if p.Client == nil {
		steps = append(steps, sftpReportTestStep(p, "Test from outside", "From a machine outside the server's "+
			"network (from inside, the public address may not loop back through the router), with one account's key."))
	}
	return reportStepsNumbered(steps)
}

// sftpKnownHostsName is a host as known_hosts names it.
func sftpKnownHostsName(host string, port int) string {
	if port == 22 {
		return host
	}
	return fmt.Sprintf("[%s]:%d", host, port)
}

func sftpReportTestStep(p *wizard.Plan, title, text string) reportStep {
	addr, port, user := p.Service.Address.Value, sftpPort(p), sftpUser(p)
	code := []string{
		Sh("ssh-keyscan", "-p", fmt.Sprint(port), "-t", "ed25519", addr).Op("|", "ssh-keygen", "-lf", "-").Line("") +
			"  # must print the server's fingerprint",
		Cmd{}.Op("echo", "'ls -l'", "|").Arg("sftp", "-b", "-", "-P", fmt.Sprint(port), user+"@"+addr).Line("") +
			"  # must list the account's directory",
		Sh("ssh", "-p", fmt.Sprint(port), user+"@"+addr, "true").Line("") + "  # must fail: This service allows sftp connections only.",
	}
	return reportStep{Title: title, Text: mdWrap(reportWidth, text), Code: mdCode(code...)}
}

// newSFTPHandoutView fills HANDOUT.md for an SFTP server. Like the FTPS
// handout it uses only what a client may know: the public address and the
// port (Handout checks that nothing internal leaks).
func newSFTPHandoutView(p *wizard.Plan) *handoutView {
	s := p.Server
	addr, port, user := s.PublicAddress, sftpPort(p), sftpUser(p)
	upload := sftpUploadDir(p)
	v := &handoutView{Title: "Connecting to " + addr + " with SFTP"}
	v.Intro = mdWrap(reportWidth, "This server speaks SFTP: file transfer over SSH. It is not FTP or FTPS "+
		"(FTP with TLS): an FTP or FTPS client setting will not connect. In your client choose SFTP, or "+
		"use an `sftp://` address, as described below.")

	server := "**Server address:** " + addr
	if !s.PublicIsIP {
		server += " (a DNS name)"
	}
	login := "**Login:** your user name and your SSH key; the server accepts no passwords. Make a key pair " +
		"(`ssh-keygen -t ed25519`) and send the operator the public key, the file ending in .pub; never " +
		"send the other file."
	if sftpPasswords(p) {
		login = "**Login:** your user name and the password the operator gave you, or an SSH key whose public " +
			"key (the .pub file) the operator installed."
	}
	basics := []string{server}
	sv := p.Service
	v6 := wizard.HasFamily(sv.Families, wizard.FamilyIPv6) && sv.IPv6Address.Value != ""
	if v6 {
		line := "**IPv6 address:** " + sv.IPv6Address.Value + " (the server's own address, reached without NAT)"
		switch {
		case sv.DNSRecords.HasAAAA() && sv.DNSRecords.HasA():
			line += "; " + addr + " has A and AAAA records: clients with IPv6 connect over IPv6 first, then fall back to IPv4"
		case sv.DNSRecords == wizard.RecordsAAAA:
			line += "; " + addr + " has an AAAA record only: the server is reached over IPv6 only"
		}
		basics = append(basics, line)
	}
	basics = append(basics,
		fmt.Sprintf("**Protocol and port:** SFTP on port %d, one connection that carries everything", port),
		login,
		"**Host key:** at the first connection your client shows the server's host key fingerprint. Compare "+
			"it with the one the operator gives you (or add the known_hosts line they send) before you accept it.",
	)
	if upload != "" {
		basics = append(basics, "**Your folder:** after login you are in your own folder and cannot leave it; "+
			"uploads go into the `"+upload+"/` folder inside it.")
	}
	basics = append(basics, "**SFTP only:** the account has no shell; ssh logins, commands and tunnels are refused.")
	v.Basics = mdList(basics)

	v.FirewallIntro = mdWrap(reportWidth, "Your side opens the one connection, so your firewall only needs one "+
		"outbound rule to the server, and nothing inbound:")
	var rows [][]string
	if !v6 || wizard.HasFamily(sv.Families, wizard.FamilyIPv4) {
		rows = append(rows, []string{"outbound (new)", "TCP", addr, fmt.Sprint(port), "SFTP (SSH)"})
	}
	if v6 {
		rows = append(rows, []string{"outbound (new)", "TCP", sv.IPv6Address.Value + " (IPv6)", fmt.Sprint(port), "SFTP (SSH)"})
	}
	rows = append(rows,
		[]string{"inbound", "TCP", "your side", "replies only", "established/related traffic of the connection above"},
		[]string{"inbound (new)", "-", "-", "none", "nothing needs to reach you"})
	v.FirewallTable = mdTable([]string{"Direction", "Protocol", "Destination", "Ports", "What for"}, rows)
	notes := []string{"No other port: no data ports, no range, and no FTP helper or ALG is involved."}
	if v6 {
		notes = append(notes, "Over IPv6 the connection goes straight to "+sv.IPv6Address.Value+": allow the port to it "+
			"for IPv6 as well. If your network has IPv6 but your firewall only allows IPv4 to this server, clients "+
			"try IPv6 first and hang: allow both, or make your client use IPv4 (`sftp -4`, `ssh -4`).")
	}
	if n := handoutNameNote(s); n != "" {
		notes = append(notes, n)
	}
	if reportRestricted(s.AllowedClients) {
		notes = append(notes, "The server only accepts connections from registered source addresses: tell the "+
			"operator the public address your connections leave from (your NAT's address).")
	}
	v.FirewallNotes = mdList(notes)

	up := "."
	if upload != "" {
		up = upload + "/"
	}
	// Keys: the comma gives lftp an empty password, so it does not ask.
	keyOpt, lftpUser := " -i ~/.ssh/id_ed25519", user+","
	if sftpPasswords(p) {
		keyOpt, lftpUser = "", user
	}
	rclone := []string{"[sftp-server]", "type = sftp", "host = " + addr, fmt.Sprint("port = ", port), "user = " + user,
		"known_hosts_file = ~/.ssh/known_hosts", "shell_type = none", "disable_hashcheck = true"}
	if sftpPasswords(p) {
		rclone = append(rclone, "ask_password = true")
	} else {
		rclone = append(rclone, "key_file = ~/.ssh/id_ed25519")
	}
	v.Clients = []reportStep{
		{
			Title: "OpenSSH (Linux, macOS, Windows 10 and later)",
			Text: mdWrap(reportWidth, "The first command puts the server's host key into known_hosts once you "+
				"have compared its fingerprint; then sftp works interactively, or with `-b` for scripts."),
			Code: mdCode(
				Sh("ssh-keyscan", "-p", fmt.Sprint(port), "-t", "ed25519", addr).Op(">", "server.key", "&&", "ssh-keygen", "-lf", "server.key").Line(""),
				"cat server.key >> ~/.ssh/known_hosts  # once the fingerprint matches",
				fmt.Sprintf("sftp -P %d%s %s@%s", port, keyOpt, user, addr),
				fmt.Sprintf("echo 'put FILE %s' | sftp -b - -P %d%s %s@%s", up, port, keyOpt, user, addr)),
		},
		{
			Title: "lftp",
			Text:  mdWrap(reportWidth, "lftp runs ssh for SFTP, so it uses the same key and known_hosts."),
			Code:  mdCode(fmt.Sprintf("lftp -u %s sftp://%s:%d", lftpUser, addr, port)),
		},
		{
			Title: "FileZilla",
			Text: mdList([]string{
				fmt.Sprintf("Site Manager, New site: Protocol \"SFTP - SSH File Transfer Protocol\", Host %s, Port %d, User %s.", addr, port, user),
				"Logon Type \"Key file\" with your private key (FileZilla offers to convert an OpenSSH key), " +
					"\"Interactive\" to use the keys in Pageant or your SSH agent, or \"Ask for password\" if the operator gave you one.",
			}),
		},
		{
			Title: "WinSCP",
			Text: mdList([]string{
				fmt.Sprintf("Login dialog: File protocol \"SFTP\", Host name %s, Port number %d, User name %s; "+
					"Advanced, SSH, Authentication: your private key (.ppk; WinSCP converts an OpenSSH key).", addr, port, user),
				"In WinSCP scripts (the fingerprint is the part after SHA256: of the operator's):",
			}),
			Code: mdCodeIn("text", fmt.Sprintf(`open sftp://%s@%s:%d/ -hostkey="ssh-ed25519 255 FINGERPRINT" -privatekey="C:\path\to\key.ppk"`, user, addr, port)),
		},
		{
			Title: "rclone",
			Text:  mdWrap(reportWidth, "A remote in rclone.conf; `known_hosts_file` makes rclone check the host key."),
			Code:  mdCodeIn("ini", rclone...),
		},
	}

	var out []reportPitfall
	t := func(symptom, cause, fix string) {
		out = append(out, reportPitfallOf(len(out)+1, symptom, cause, fix))
	}
	t("\"Connection timed out\" or \"Connection refused\" before any prompt",
		fmt.Sprintf("port %d is blocked on your side (firewall, proxy, security software)", port),
		fmt.Sprintf("allow outbound TCP to %s, port %d, as in the table above", addr, port))
	t("`Permission denied (publickey)`",
		"the server does not know your key yet, or your client offers another key",
		"send the operator your public key; point the client at the matching private key")
	t("`Host key verification failed` or `REMOTE HOST IDENTIFICATION HAS CHANGED`",
		"your known_hosts has no key, or another key, for the server",
		"ask the operator for the current fingerprint; replace the old line only when it matches")
	t("`This service allows sftp connections only.`",
		"you used ssh (a shell or a command); the account is for file transfer only",
		"use sftp, or an SFTP client")
	t("An FTP or FTPS client cannot connect, or shows an `SSH-2.0-OpenSSH` greeting",
		"the client speaks FTP, this server speaks SFTP",
		"choose SFTP in the client (`sftp://`)")
	v.Troubles = out
	v.Regenerate = "Generated by ftpswiz for the operator of " + addr + "."
	return v
}
