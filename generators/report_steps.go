package generators

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ftpswiz/ftpswiz/explain"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The apply steps of REPORT.md: exact commands for this plan, in the order
// an administrator runs them.

// reportTLSCap is what the apply steps install for the OpenSSL cap: the
// configuration and each systemd drop-in that hands it to a distribution
// unit, as output path and install path. Zero when the plan has no cap.
type reportTLSCap struct {
	Conf, ConfDest string
	DropIns        []reportDropIn
}

type reportDropIn struct {
	Unit, File, Dest string
}

// reportTLSCapOf finds the cap's files by their descriptions: the OpenSSL
// configuration, and the drop-ins (a file whose description names the unit
// it extends).
func reportTLSCapOf(p *wizard.Plan, outputs []File) (reportTLSCap, bool) {
	s := p.Server
	if s == nil || s.OpenSSLConf == "" || !reportHas(outputs, vsftpdOpenSSLFile) {
		return reportTLSCap{}, false
	}
	c := reportTLSCap{Conf: vsftpdOpenSSLFile, ConfDest: s.OpenSSLConf}
	for _, f := range outputs {
		if f.Desc.Unit != "" {
			c.DropIns = append(c.DropIns, reportDropIn{Unit: f.Desc.Unit, File: f.Path, Dest: f.Desc.Install})
		}
	}
	slices.SortFunc(c.DropIns, func(a, b reportDropIn) int { return strings.Compare(a.File, b.File) })
	return c, true
}

// reportBackupCmd copies target to backup plus a time stamp, if it exists.
func reportBackupCmd(target, backup string) Cmd {
	return Cmd{}.Op("if", "[", "-e").Arg(target).Op("];", "then", "cp", "-a").Arg(target, backup).
		GlueOp(`"$(date +%Y%m%d-%H%M%S)";`).Op("fi")
}

// reportInstallCmd installs an output file as root's, mode 0644.
func reportInstallCmd(file, dest string) string {
	return Sh("install", "-m", "0644", "-o", "root", "-g", "root", file, dest).Line("")
}

func reportHas(outputs []File, p string) bool {
	return slices.ContainsFunc(outputs, func(f File) bool { return f.Path == p })
}

// reportStepsNumbered prefixes each step's title with its number.
func reportStepsNumbered(steps []reportStep) []reportStep {
	for i := range steps {
		steps[i].Title = fmt.Sprintf("%d. %s", i+1, steps[i].Title)
	}
	return steps
}

// reportUsers returns the accounts the apply steps create, and whether they
// are placeholders.
func reportUsers(p *wizard.Plan) ([]string, bool) {
	if len(p.Server.Users) > 0 {
		return p.Server.Users, false
	}
	if p.Client != nil && p.Client.User != "" {
		return []string{p.Client.User}, true
	}
	return []string{"ftpuser"}, true
}

// reportTestUser is the login the test commands use.
func reportTestUser(p *wizard.Plan) string {
	if p.Server != nil && len(p.Server.Users) > 0 {
		return p.Server.Users[0]
	}
	if p.Client != nil && p.Client.User != "" {
		return p.Client.User
	}
	return "ftpuser"
}

func reportServerSteps(p *wizard.Plan, outputs []File) []reportStep {
	if p.Containerised() {
		return reportContainerSteps(p, outputs)
	}
	s := p.Server
	var steps []reportStep

	// Install vsftpd.
	install := "apt-get install -y vsftpd"
	if s.Flavour == wizard.FlavourRHEL {
		install = "dnf install -y vsftpd"
	}
	steps = append(steps, reportStep{
		Title: "Install vsftpd",
		Text: mdWrap(reportWidth, fmt.Sprintf("Run everything below as root on the server host, in a copy of "+
			"this output directory. The configuration uses the option names of the vsftpd build `%s`; "+
			"vsftpd refuses to start on an option it does not know. The second command lists the TLS "+
			"version options the installed binary knows; if they do not match, set "+
			"`server.vsftpd.flavour` in answers.yaml and regenerate.", s.Flavour)),
		Code: mdCode(install, `strings "$(command -v vsftpd)" | grep '^ssl_tlsv'`),
	})

	// Back up.
	var backup []string
	seen := map[string]bool{}
	addBackup := func(target string) {
		if target == "" || seen[target] {
			return
		}
		seen[target] = true
		backup = append(backup, reportBackupCmd(target, target+".bak-").Line(""))
	}
	for _, in := range s.Instances {
		addBackup(in.InstallPath)
		if in.UnitFile != "" {
			addBackup(vsftpdUnitPath(in))
		}
	}
	if reportHas(outputs, vsftpdUserListFile) {
		addBackup(s.UserListPath)
	}
	tlsCap, capped := reportTLSCapOf(p, outputs)
	if capped {
		addBackup(tlsCap.ConfDest)
		for _, d := range tlsCap.DropIns {
			addBackup(d.Dest)
		}
	}
	steps = append(steps, reportStep{
		Title: "Back up the current configuration",
		Text:  mdWrap(reportWidth, "Keep a copy of every file this plan replaces, so you can go back:"),
		Code:  mdCode(backup...),
	})

	// Certificate.
	steps = append(steps, reportCertStep(p))

	// Users and directories.
	steps = append(steps, reportUsersStep(p))

	// Install the configuration.
	var inst []string
	var unitNames []string
	for _, in := range s.Instances {
		inst = append(inst, reportInstallCmd(in.File, in.InstallPath))
		if in.UnitFile != "" {
			inst = append(inst, reportInstallCmd(in.UnitFile, vsftpdUnitPath(in)))
			unitNames = append(unitNames, in.Unit)
		}
	}
	if reportHas(outputs, vsftpdUserListFile) {
		inst = append(inst, reportInstallCmd(vsftpdUserListFile, s.UserListPath))
	}
	text := "Copy the generated files to where vsftpd reads them:"
	if len(unitNames) > 0 || len(tlsCap.DropIns) > 0 {
		text = "Copy the generated files to where vsftpd and systemd read them."
	}
	if len(unitNames) > 0 {
		text += " The distribution's unit runs one vsftpd; the extra unit (" + strings.Join(unitNames, ", ") +
			") runs the other instance."
	}
	if capped {
		inst = append(inst, reportInstallCmd(tlsCap.Conf, tlsCap.ConfDest))
		var dropUnits []string
		for _, d := range tlsCap.DropIns {
			inst = append(inst, Sh("install", "-D", "-m", "0644", "-o", "root", "-g", "root", d.File, d.Dest).Line(""))
			dropUnits = append(dropUnits, d.Unit)
		}
		text += fmt.Sprintf(" The OpenSSL configuration %s caps TLS at version 1.2 (see the TLS versions "+
			"decision); vsftpd reads it only because its unit sets OPENSSL_CONF", tlsCap.ConfDest)
		var how []string
		if len(dropUnits) > 0 {
			how = append(how, "the drop-in does that for "+strings.Join(dropUnits, ", "))
		}
		if len(unitNames) > 0 {
			how = append(how, strings.Join(unitNames, ", ")+" sets it itself")
		}
		if len(how) > 0 {
			text += " (" + strings.Join(how, "; ") + ")"
		}
		text += "."
	}
	if len(unitNames) > 0 || len(tlsCap.DropIns) > 0 {
		inst = append(inst, "systemctl daemon-reload")
	}
	if !strings.HasSuffix(text, ":") {
		text = strings.TrimSuffix(text, ".") + ":"
	}
	steps = append(steps, reportStep{Title: "Install the configuration", Text: mdWrap(reportWidth, text), Code: mdCode(inst...)})

	// Check and start.
	var check []string
	for _, in := range s.Instances {
		check = append(check,
			Sh("systemctl", "stop", in.Unit).Line(""),
			Sh("timeout", "5", "vsftpd", in.InstallPath).Op("0>&1;", `echo "exit code: $?"`).Line(""))
	}
	for _, in := range s.Instances {
		check = append(check,
			Sh("systemctl", "enable", in.Unit).Line(""),
			Sh("systemctl", "restart", in.Unit).Line(""),
			Sh("systemctl", "status", in.Unit, "--no-pager").Line(""))
	}
	check = append(check, "ss -ltnp | grep vsftpd")
	steps = append(steps, reportStep{
		Title: "Check the configuration, then start vsftpd",
		Text: mdWrap(reportWidth, "Run vsftpd once in the foreground with the new file before handing it to "+
			"systemd. Exit code 124 means it ran until `timeout` stopped it: the file is good. Exit code 2 "+
			"with a `500 OOPS:` line names the problem (vsftpd writes start-up errors to standard input, "+
			"hence `0>&1`; under systemd the same error can look silent). Then start the service and "+
			"check that it listens on "+reportJoinInts(s.ControlPorts())+"."),
		Code: mdCode(check...),
	})
	if capped {
		steps = append(steps, reportTLSCapStep(p, tlsCap))
	}

	// Firewalls on the server side.
	for _, side := range []wizard.Side{wizard.SideServerHost, wizard.SideServerRouter} {
		if st, ok := reportFirewallStep(p, side, outputs); ok {
			steps = append(steps, st)
		}
	}
	steps = append(steps, reportCloudSteps(outputs)...)
	if st, ok := reportUnmanagedNATStep(p); ok {
		steps = append(steps, st)
	}

	// Test from outside.
	steps = append(steps, reportTestStep(p, "Test from outside",
		"From a machine outside the server's network (from inside, the public address may not loop back "+
			"through the router), check the certificate, then list and upload with curl. The curl options "+
			"make it use the address in the server's PASV reply, as strict clients do, so a wrong "+
			"`pasv_address` or a closed passive port shows up here and not later at a customer's. "+
			"Then try the generated client configurations (see the client files above)."))
	return reportStepsNumbered(steps)
}

// reportTLSCapStep checks that the running vsftpd really is capped at TLS
// 1.2: the cap lives outside vsftpd.conf, and vsftpd starts without it when
// the file or the drop-in is missing (it then speaks TLS 1.3 silently).
func reportTLSCapStep(p *wizard.Plan, c reportTLSCap) reportStep {
	s := p.Server
	var code, units []string
	for _, in := range s.Instances {
		code = append(code, Sh("systemctl", "show", "-p", "Environment", in.Unit).Line(""))
		units = append(units, in.Unit)
	}
	for _, in := range s.Instances {
		base := Sh("openssl", "s_client", "-connect", fmt.Sprintf("127.0.0.1:%d", in.Port))
		if !in.Implicit {
			base = base.Arg("-starttls", "ftp")
		}
		code = append(code, cmdLines([]Cmd{
			base.Arg("-tls1_2", "-brief").Op("</dev/null").With("must print: Protocol version: TLSv1.2"),
			base.Arg("-tls1_3", "-brief").Op("</dev/null").With("must fail: tlsv1 alert protocol version"),
		}, "")...)
	}
	text := fmt.Sprintf("The vsftpd build `%s` has no option for TLS 1.3, so the cap is not in vsftpd.conf: "+
		"systemd starts vsftpd with OPENSSL_CONF=%s. If that file, the drop-in or the `daemon-reload` is "+
		"missing, vsftpd starts all the same and speaks TLS 1.3 without a word, so check it on the server "+
		"host: `systemctl show` must list OPENSSL_CONF=%s for %s; each `-tls1_2` handshake must succeed "+
		"and each `-tls1_3` handshake must be refused by the server.",
		s.Flavour, c.ConfDest, c.ConfDest, strings.Join(units, " and "))
	return reportStep{Title: "Check that vsftpd refuses TLS 1.3", Text: mdWrap(reportWidth, text), Code: mdCode(code...)}
}

func reportJoinInts(ns []int) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = fmt.Sprint(n)
	}
	return strings.Join(out, " and ")
}

func reportCertStep(p *wizard.Plan) reportStep {
	c := p.Server.Cert
	var text string
	var code []string
	switch c.Source {
	case wizard.SourceLetsEncrypt:
		text = fmt.Sprintf("Let's Encrypt issues the certificate for %s and certbot renews it from its timer "+
			"(twice a day; lifetimes fall to 64 days in 2027 and 45 in 2028). ", c.Name)
		if c.Challenge == wizard.ChallengeDNS01 {
			text += fmt.Sprintf("DNS-01: certbot asks you to create a TXT record under _acme-challenge.%s; for "+
				"unattended renewal install the certbot DNS plugin of your DNS provider and replace --manual "+
				"with it. ", c.Name)
		} else {
			text += "HTTP-01: certbot answers the CA's check on port 80 itself (--standalone) while it issues or " +
				"renews; the server-host (and router) rules below allow tcp 80 for that (if a firewall already " +
				"runs on the host, apply those rules first). "
		}
		text += fmt.Sprintf("vsftpd reads %s (leaf and intermediate) and %s. Install the deploy hook, which "+
			"restarts vsftpd after each renewal, and check that renewal works (a dry run changes nothing).",
			c.CertFile, c.KeyFile)
		code = append(code, "apt-get install -y certbot", CertbotCommand(p).Line(""),
			reportInstallCmd(certDeployHookFile, c.DeployHook),
			Sh("chmod", "0755", c.DeployHook).Line(""),
			Sh("ls", "-l", c.CertFile, c.KeyFile).Line(""),
			CertbotRenewDryRun(p).Line(""),
			"systemctl list-timers certbot.timer --no-pager")
	case wizard.SourceOwn:
		check := Sh("openssl", "x509", "-in", c.CertFile, "-noout", "-checkhost", c.Name)
		if c.NameIsIP {
			check = Sh("openssl", "x509", "-in", c.CertFile, "-noout", "-checkip", c.Name)
		}
		text = fmt.Sprintf("vsftpd reads your certificate from %s and its key from %s. Put the full chain "+
			"there (your certificate first, then the intermediates: strict clients refuse an incomplete "+
			"chain), and check that it names %s, is valid for 30 more days (-checkend) and matches the key "+
			"(the two sums must be equal). `ftpswiz check` and `ftpswiz probe` check the same. Restart "+
			"vsftpd whenever you replace it.", c.CertFile, c.KeyFile, c.Name)
		code = append(code,
			Sh("ls", "-l", c.CertFile, c.KeyFile).Line(""),
			check.Line(""),
			Sh("openssl", "x509", "-in", c.CertFile, "-noout", "-checkend", "2592000").Line(""),
			Sh("grep", "-c", "BEGIN CERTIFICATE", c.CertFile).Line("")+"   # 2 or more: the chain is there",
			Sh("openssl", "x509", "-in", c.CertFile, "-noout", "-pubkey").Op("|", "sha256sum").Line(""),
			Sh("openssl", "pkey", "-in", c.KeyFile, "-pubout").Op("|", "sha256sum").Line(""))
	case wizard.SourceSelfSigned:
		text = fmt.Sprintf("Create the dedicated self-signed pair %s and %s (%s in its subjectAltName; never "+
			"the snakeoil pair other services share; an existing pair is kept). The last command prints its "+
			"SHA-256 fingerprint: ", c.CertFile, c.KeyFile, c.Name)
		if c.Fingerprint == "" {
			text += "put it into answers.yaml as `server.tls.fingerprint` and regenerate, so HANDOUT.md and the " +
				"client configs pin it. "
		} else {
			text += "it must be " + c.Fingerprint + " (server.tls.fingerprint), which HANDOUT.md and the " +
				"client configs pin; if it differs, set the new value and regenerate. "
		}
		text += fmt.Sprintf("Then hand the certificate (never the key) to the people who connect, who keep it "+
			"as client/%s next to their client configs.", wizard.PinCAFile)
		for _, cmd := range SelfSignedCommands(p) {
			code = append(code, cmd.Line(""))
		}
	}
	return reportStep{Title: "Certificate and key", Text: mdWrap(reportWidth, text), Code: mdCode(code...)}
}

func reportUsersStep(p *wizard.Plan) reportStep {
	s := p.Server
	users, placeholder := reportUsers(p)
	root := strings.TrimRight(s.LocalRoot, "/")
	if root == "" {
		root = "/srv/ftps"
	}
	var text []string
	if placeholder {
		text = append(text, "This plan has no user allow-list: every local account with a valid shell that "+
			"/etc/ftpusers does not list may log in. The commands use `"+strings.Join(users, " ")+"` as the "+
			"account; put your real account names in the loop.")
	} else {
		text = append(text, "Create the accounts that may log in ("+strings.Join(users, ", ")+").")
	}
	text = append(text, "Each user is locked (chroot) into "+root+"/<user>, which must belong to root and "+
		"not be writable by the user, or vsftpd refuses the login with `"+explain.Reply(explain.ChrootWritable)+"`.")
	if s.WriteEnable && s.UploadDir != "" {
		text = append(text, "Uploads go into the writable subdirectory "+s.UploadDir+", owned by the user.")
	} else {
		text = append(text, "Uploads are off in this plan: put the files to hand out into "+root+"/<user>.")
	}
	text = append(text, "Debian's and RHEL's PAM setup for vsftpd only accepts accounts whose shell is "+
		"listed in /etc/shells (else `"+explain.Reply(explain.LoginRefused)+"`); the commands give the accounts "+
		"/usr/sbin/nologin, so they get no SSH shell, and list it in /etc/shells.")
	code := []string{
		"grep -qx /usr/sbin/nologin /etc/shells || echo /usr/sbin/nologin >> /etc/shells",
		Sh("install", "-d", "-m", "0755", "-o", "root", "-g", "root", root).Line(""),
		Cmd{}.Op("for", "u", "in").Arg(users...).GlueOp(";").Op("do").Line(""),
		Cmd{}.Op(`  id "$u" >/dev/null 2>&1 ||`, "useradd", "--home-dir").Arg(root+"/").GlueOp(`"$u"`).
			Op("--no-create-home", "--shell", "/usr/sbin/nologin", `"$u"`).Line(""),
		Cmd{}.Op("  install", "-d", "-m", "0755", "-o", "root", "-g", "root").Arg(root + "/").GlueOp(`"$u"`).Line(""),
	}
	if s.WriteEnable && s.UploadDir != "" {
		code = append(code, Cmd{}.Op("  install", "-d", "-m", "0755", "-o", `"$u"`, "-g", `"$(id -gn "$u")"`).
			Arg(root+"/").GlueOp(`"$u"`).GlueArg("/"+s.UploadDir).Line(""))
	}
	code = append(code, "done")
	for _, u := range users {
		code = append(code, Sh("passwd", u).Line(""))
	}
	if s.Flavour == wizard.FlavourRHEL {
		text = append(text, "With SELinux enforcing (`getenforce`), vsftpd also needs the "+
			"`ftpd_full_access` boolean to use these directories.")
		code = append(code, "getenforce", "setsebool -P ftpd_full_access on  # only if getenforce says Enforcing")
	}
	return reportStep{Title: "Users and directories", Text: mdWrap(reportWidth, mdText(strings.Join(text, " "))), Code: mdCode(code...)}
}

// reportFirewallSideFiles returns the firewall files written for a side,
// except the AWS ones (reportAWSStep), in the order the answers list their
// formats.
func reportFirewallSideFiles(p *wizard.Plan, side wizard.Side, outputs []File) []File {
	var out []File
	for _, f := range outputs {
		if f.Desc.Backend != "" && !fwCloudBackend(f.Desc.Backend) && f.Desc.Side == side && !reportContainerFilter(f) {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b File) int {
		return reportBackendRank(p, a.Desc.Backend) - reportBackendRank(p, b.Desc.Backend)
	})
	return out
}

// reportUsage is the block of one file's apply steps: its tool, path and
// persistence in a sentence, then the commands of its description (check,
// apply, show), run in the output directory.
func reportUsage(f File) string {
	d := f.Desc
	label := "**" + d.Tool + "**, `" + f.Path + "`"
	if d.Needs != "" {
		label += " (" + d.Needs + ")"
	}
	if d.OwnDir != "" {
		label += ", in a directory of its own"
	}
	if d.Persist != "" {
		label += ". To load it at boot: " + strings.TrimSuffix(d.Persist, ".") + "."
	} else {
		label += ":"
	}
	var code []string
	file := f.Path
	if d.OwnDir != "" {
		code = append(code, Sh("mkdir", "-p", d.OwnDir).Op("&&").Arg("cp").File().Arg(d.OwnDir+"/").
			Op("&&").Arg("cd", d.OwnDir).Line(f.Path))
		file = path.Base(f.Path)
	}
	for _, c := range d.Check {
		code = append(code, c.Line(file)+"  # check only, changes nothing")
	}
	code = append(code, cmdLines(d.Apply, file)...)
	code = append(code, cmdLines(d.Show, file)...)
	return mdWrap(reportWidth, label) + "\n\n" + mdCode(code...)
}

// reportFirewallStep is the step that loads one side's rules, with the
// commands each file's description gives.
func reportFirewallStep(p *wizard.Plan, side wizard.Side, outputs []File) (reportStep, bool) {
	files := reportFirewallSideFiles(p, side, outputs)
	if len(files) == 0 {
		return reportStep{}, false
	}
	where := "on the " + strings.ToLower(side.Title()[:1]) + side.Title()[1:]
	box, router := p.BoxFirewall(side)
	switch {
	case router != nil && !router.Kind.Linux():
		where += " (" + router.Kind.Label() + ")"
	case router != nil:
		where += fmt.Sprintf(" (WAN interface %s, LAN interface %s)", router.WANInterface, router.LANInterface)
	}
	var text []string
	if side == wizard.SideClientRouter && router != nil && router.Kind.Linux() && !box.Shared() {
		text = append(text, mdWrap(reportWidth, "**EGRESS LOCKDOWN.** These rules are the router's complete policy "+
			"(firewall use: dedicated): the LAN may open only the file-transfer connections; web, DNS to outside "+
			"resolvers, mail, VPNs and everything else it forwards stop. On a router that carries other traffic, "+
			"use shared (the default) instead."), "")
	}
	switch {
	case router != nil && !router.Kind.Linux():
		text = append(text, mdWrap(reportWidth, "Configure the router with its own file below: it only adds (port "+
			"forwards with the port numbers unchanged, the FTP helper off, hairpin NAT) and changes nothing else."))
	case box.Shared():
		text = append(text, mdWrap(reportWidth, "This box is shared: the rules only add (a chain of ftpswiz's in "+
			box.NftTable+", or iptables chains that return the rest); your policy and other flows stay; one format "+
			"per box, one command per file."+reportForwarding(router)))
	default:
		text = append(text, mdWrap(reportWidth, "Load these rules "+where+", with the one format that box already "+
			"uses: two formats on one box give two rule sets that both filter. Each file's header explains "+
			"it; the commands below are the ones it gives, check first."+reportForwarding(router)))
	}
	if side == wizard.SideServerHost && p.Server != nil && p.Server.AdminNetwork != "" {
		port := p.Server.SSHPort
		if port == 0 {
			port = 22
		}
		ssh := fmt.Sprintf("The host rules allow SSH (port %d) only from %s. "+
			"Apply them from a session inside that network and keep it open until a new SSH login works.",
			port, p.Server.AdminNetwork)
		if p.Server.AdminNetwork == wizard.AnyIPv4 {
			ssh = fmt.Sprintf("The host rules keep SSH (port %d) open from anywhere, as no admin network was "+
				"given (server.admin_network). Keep your session open until a new SSH login works.", port)
		}
		text = append(text, "", mdWrap(reportWidth, ssh+reportIPv6SSH(p, box)))
	}
	if len(files) > 1 {
		text = append(text, "", mdWrap(reportWidth, "Pick one of these:"))
	}
	var blocks []string
	for _, f := range files {
		blocks = append(blocks, reportUsage(f))
	}
	return reportStep{Title: "Firewall " + where, Text: strings.Join(text, "\n"), Code: strings.Join(blocks, "\n\n")}, true
}

// reportBackendRank orders firewall files like the answers list their
// formats.
func reportBackendRank(p *wizard.Plan, fw wizard.Firewall) int {
	if i := slices.Index(p.Firewalls, fw); i >= 0 {
		return i
	}
	return len(p.Firewalls)
}

// reportUnmanagedNATStep covers NAT that no generated rule set configures.
func reportUnmanagedNATStep(p *wizard.Plan) (reportStep, bool) {
	s := p.Server
	if b, ok := p.Box(wizard.SideServerRouter); !ok || b.Managed || s == nil || s.HostAddress == "" {
		return reportStep{}, false
	}
	var ports []string
	for _, port := range s.ControlPorts() {
		ports = append(ports, fmt.Sprint(port))
	}
	if s.Passive.Count() > 0 {
		ports = append(ports, s.Passive.String())
	}
	return reportStep{
		Title: "The NAT in front of the server",
		Text: mdWrap(reportWidth, fmt.Sprintf("No rules were generated for the device or cloud service that "+
			"does the NAT. Configure it by hand: TCP %s arriving for %s must reach %s with the port numbers "+
			"unchanged, and its filter (security group, router firewall) must allow them inbound.",
			strings.Join(ports, " and "), s.PublicAddress, s.HostAddress)),
	}, true
}

// reportTestCommands are the outside checks for every endpoint.
func reportTestCommands(p *wizard.Plan) []string {
	addr := p.Service.Address.Value
	user := reportTestUser(p)
	upload := p.Server != nil && p.Server.WriteEnable && p.Server.UploadDir != ""
	var code []string
	for _, e := range p.Service.Endpoints {
		if len(code) > 0 {
			code = append(code, "")
		}
		url := fmt.Sprintf("%s://%s:%d/", e.Scheme(), addr, e.Port)
		code = append(code, "# "+e.Name()+" FTPS, port "+fmt.Sprint(e.Port))
		connect := Sh("openssl", "s_client", "-connect", fmt.Sprintf("%s:%d", addr, e.Port))
		curl := Sh("curl")
		if !e.Implicit {
			connect = connect.Arg("-starttls", "ftp")
			curl = curl.Arg("--ssl-reqd")
		}
		curl = curl.Arg("--disable-epsv", "--no-ftp-skip-pasv-ip", "--user", user)
		code = append(code, connect.Arg("-brief").Op("</dev/null").Line(""), curl.Arg(url).Line(""))
		if upload {
			code = append(code, "echo test > ftpswiz-test.txt",
				curl.Arg("-T", "ftpswiz-test.txt", url+p.Server.UploadDir+"/").Line(""))
		}
	}
	return code
}

func reportTestStep(p *wizard.Plan, title, text string) reportStep {
	if p.Server != nil && p.Server.Cert.Source == wizard.SourceSelfSigned {
		text += fmt.Sprintf(" The certificate is self-signed: give curl its copy with `--cacert %s` "+
			"(verification stays on).", "client/"+wizard.PinCAFile)
	}
	return reportStep{Title: title, Text: mdWrap(reportWidth, text), Code: mdCode(reportTestCommands(p)...)}
}

func reportClientSteps(p *wizard.Plan, outputs []File) []reportStep {
	var steps []reportStep
	for _, side := range []wizard.Side{wizard.SideClientRouter, wizard.SideClientHost} {
		if st, ok := reportFirewallStep(p, side, outputs); ok {
			steps = append(steps, st)
		}
	}
	if p.Server == nil {
		steps = append(steps, reportCloudSteps(outputs)...)
	}
	// Windows Firewall's stateful FTP filter is a pitfall (symptom, cause,
	// fix), not a step: nothing shows it breaks outbound passive FTPS, so
	// nobody is told to change it before they see the symptom.
	if st, ok := reportClientFilesStep(outputs); ok {
		steps = append(steps, st)
	}
	steps = append(steps, reportTestStep(p, "Test from the client",
		"From a client host, check the certificate, then list (and upload) with curl. The curl options "+
			"make it use the address in the server's PASV reply, as strict clients do, so this also proves "+
			"that the passive range is reachable through your firewall."))
	return reportStepsNumbered(steps)
}

// reportExisting explains how the generated rules combine with rules a box
// already has, for each format in the plan (fwBackends says it).
func reportExisting(p *wizard.Plan) string {
	var items []string
	for _, b := range fwBackends() {
		if b.Kind == fwKindIp6tables && !fwPlanHasIPv6(p) {
			continue // no ip6tables files without IPv6 flows
		}
		if b.Existing != "" && slices.Contains(p.Firewalls, b.Firewall) && (b.Wants == nil || b.Wants(p)) {
			items = append(items, b.Existing)
		}
	}
	if len(items) == 0 {
		return ""
	}
	intro := "Whatever the format, the connections to allow are the ones in the port map; the same ports " +
		"can be added to an existing rule set by hand."
	return mdWrap(reportWidth, intro) + "\n\n" + mdList(items)
}

// reportClientFilesStep is the step that installs the generated client
// configurations, if there are any.
func reportClientFilesStep(outputs []File) (reportStep, bool) {
	var clientFiles []string
	for _, f := range outputs {
		if strings.HasPrefix(f.Path, "client/") {
			clientFiles = append(clientFiles, "`"+f.Path+"`")
		}
	}
	if len(clientFiles) == 0 {
		return reportStep{}, false
	}
	return reportStep{
		Title: "Client configurations",
		Text: mdWrap(reportWidth, "Install "+strings.Join(clientFiles, ", ")+" on the client hosts; each "+
			"file's header says where it goes and how to run it."),
	}, true
}

// reportIPv6SSH says what a dedicated server host's rules do with IPv6
// (issue 10: nobody is locked out over IPv6).
func reportIPv6SSH(p *wizard.Plan, box wizard.BoxFirewall) string {
	if box.Shared() || fwPlanHasIPv6(p) {
		return ""
	}
	return " Over IPv6 the nftables rules keep SSH open from anywhere and drop the rest; the iptables file leaves IPv6 as it was."
}

// reportForwarding is a Linux router's forwarding at boot (Debian 12,
// Ubuntu 24.04 and RHEL 9 alike).
func reportForwarding(r *wizard.Router) string {
	if r == nil || !r.Kind.Linux() {
		return ""
	}
	return " Forwarding at boot: echo net.ipv4.ip_forward=1 > /etc/sysctl.d/99-ftpswiz-forward.conf."
}
