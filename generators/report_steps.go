package generators

import (
	"fmt"
	"path"
	"slices"
	"strings"

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
		if f.Desc.Unit != "" && f.Path == tlsCapDropInFile(f.Desc.Unit) {
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

// reportServerIntro is the line above the server's steps.
func reportServerIntro(v *reportView) string {
	text := "As root, in a copy of this directory, in order: a firewall step on the box it names, the others " +
		"on the server host."
	if len(v.ClientSteps) > 0 {
		text += " The client side's last step tests it all."
	}
	return mdWrap(reportWidth, text)
}

func reportServerSteps(p *wizard.Plan, outputs []File) []reportStep {
	if p.Containerised() {
		return reportContainerSteps(p, outputs)
	}
	s := p.Server
	var steps []reportStep

	// Firewalls first: the certificate's HTTP-01 check and every later step
	// need the path to the host open, and the rules need nothing installed.
	for _, side := range []wizard.Side{wizard.SideServerHost, wizard.SideServerRouter} {
		if st, ok := reportFirewallStep(p, side, outputs); ok {
			steps = append(steps, st)
		}
	}
	steps = append(steps, reportCloudSteps(outputs)...)
	if st, ok := reportUnmanagedNATStep(p); ok {
		steps = append(steps, st)
	}

	// vsftpd and the certificate.
	pkgs := "vsftpd"
	if s.Cert.Source == wizard.SourceLetsEncrypt {
		pkgs += " certbot"
	}
	install := "apt-get install -y " + pkgs
	if s.Flavour == wizard.FlavourRHEL {
		install = "dnf install -y " + pkgs
	}
	certText, certCode := reportCertParts(p)
	steps = append(steps, reportStep{
		Title: "Install vsftpd, get the certificate",
		Text: mdWrap(reportWidth, mdText(fmt.Sprintf("Build `%s`%s: if `strings` lists other ssl_tlsv options, "+
			"set `server.vsftpd.flavour` and regenerate. %s",
			s.Flavour, reportSee(p, "vsftpd.flavour", "vsftpd build"), certText))),
		Code: mdCode(append([]string{install, `strings "$(command -v vsftpd)" | grep '^ssl_tlsv'`}, certCode...)...),
	})

	steps = append(steps, reportUsersStep(p))
	steps = append(steps, reportConfigStep(p, outputs))
	if st, ok := reportPasvRefreshStep(p, outputs); ok {
		steps = append(steps, st)
	}

	// With a client side, its last step tests the whole path (the
	// server lets in only the clients, so a test from elsewhere fails).
	if p.Client == nil {
		from := "From a machine outside the server's network"
		if len(s.AllowedClients) > 0 && !slices.Equal(s.AllowedClients, []string{wizard.AnyIPv4}) {
			from = "From an address the rules let in (" + strings.Join(s.AllowedClients, ", ") + ")"
		}
		steps = append(steps, reportTestStep(p, "Test from outside", from+" (from inside, the public "+
			"address may not loop back through the router): certificate, listing, upload. curl uses the "+
			"address in the PASV reply, as strict clients do, so a wrong `pasv_address` or a closed passive "+
			"port shows up here and not later at a customer's."))
	}
	return reportStepsNumbered(steps)
}

// reportConfigStep installs vsftpd's files (after a backup of those it
// replaces), checks the configuration in the foreground, starts vsftpd and,
// with the OpenSSL cap, checks that the running vsftpd refuses TLS 1.3.
func reportConfigStep(p *wizard.Plan, outputs []File) reportStep {
	s := p.Server
	var targets []string
	addBackup := func(target string) {
		if target != "" && !slices.Contains(targets, target) {
			targets = append(targets, target)
		}
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
	code := []string{reportBackupLoop(targets)}
	var unitNames []string
	for _, in := range s.Instances {
		code = append(code, reportInstallCmd(in.File, in.InstallPath))
		if in.UnitFile != "" {
			code = append(code, reportInstallCmd(in.UnitFile, vsftpdUnitPath(in)))
			unitNames = append(unitNames, in.Unit)
		}
	}
	if reportHas(outputs, vsftpdUserListFile) {
		code = append(code, reportInstallCmd(vsftpdUserListFile, s.UserListPath))
	}
	text := "Backup first (.bak-DATE)."
	if len(unitNames) > 0 {
		text += " The distribution's unit runs one vsftpd; the extra unit (" + strings.Join(unitNames, ", ") +
			") runs the other instance."
	}
	if capped {
		code = append(code, reportInstallCmd(tlsCap.Conf, tlsCap.ConfDest))
		for _, d := range tlsCap.DropIns {
			code = append(code, Sh("install", "-D", "-m", "0644", "-o", "root", "-g", "root", d.File, d.Dest).Line(""))
		}
		text = strings.TrimSuffix(text, ".") + "; the last lines check the TLS 1.2 cap" +
			reportSee(p, "tls.protocols", "TLS versions") + "."
	}
	if len(unitNames) > 0 || len(tlsCap.DropIns) > 0 {
		code = append(code, "systemctl daemon-reload")
	}
	for _, in := range s.Instances {
		code = append(code,
			Sh("systemctl", "stop", in.Unit).Line(""),
			Sh("timeout", "5", "vsftpd", in.InstallPath).Op("0>&1;", `echo "exit code: $?"`).Line("")+
				"  # must print: exit code: 124 (2: the 500 OOPS line names the problem)")
	}
	for _, in := range s.Instances {
		code = append(code,
			Sh("systemctl", "enable", "--now", in.Unit).Line(""),
			Sh("systemctl", "status", in.Unit, "--no-pager").Line(""))
	}
	code = append(code, "ss -ltnp | grep vsftpd  # must list "+reportJoinInts(s.ControlPorts()))
	if capped {
		code = append(code, reportTLSCapCommands(p)...)
	}
	return reportStep{Title: "Install the configuration, start vsftpd", Text: mdWrap(reportWidth, text), Code: mdCode(code...)}
}

// reportBackupLoop copies each target that exists to target.bak-DATE.
func reportBackupLoop(targets []string) string {
	return Cmd{}.Op("for", "f", "in").Arg(targets...).GlueOp(";").
		Op("do", `if [ -e "$f" ]; then cp -a "$f" "$f.bak-$(date +%Y%m%d-%H%M%S)"; fi;`, "done").Line("")
}

// reportTLSCapCommands check that the running vsftpd really is capped at
// TLS 1.2: the cap lives outside vsftpd.conf, and vsftpd starts without it
// when the file or the drop-in is missing (it then speaks TLS 1.3 silently).
// Each openssl line's comment says what it must show (the lab runs them).
func reportTLSCapCommands(p *wizard.Plan) []string {
	s := p.Server
	var code []string
	for _, in := range s.Instances {
		code = append(code, Sh("systemctl", "show", "-p", "Environment", in.Unit).Line("")+
			"  # must list OPENSSL_CONF="+s.OpenSSLConf+" (without it vsftpd speaks TLS 1.3, silently)")
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
	return code
}

func reportJoinInts(ns []int) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = fmt.Sprint(n)
	}
	return strings.Join(out, " and ")
}

// reportCertStep is the certificate as a step of its own (the container's
// steps; a host's is part of its install step).
func reportCertStep(p *wizard.Plan) reportStep {
	text, code := reportCertParts(p)
	if p.Server.Cert.Source == wizard.SourceLetsEncrypt {
		code = append([]string{"apt-get install -y certbot"}, code...)
	}
	return reportStep{Title: "Certificate and key", Text: mdWrap(reportWidth, mdText(text)), Code: mdCode(code...)}
}

// reportCertParts returns what getting the certificate takes: a short text
// (the reason is the Certificate decision) and the commands, certbot's
// package aside.
func reportCertParts(p *wizard.Plan) (string, []string) {
	c := p.Server.Cert
	why := reportSee(p, "tls.certificate", "Certificate")
	var text string
	var code []string
	switch c.Source {
	case wizard.SourceLetsEncrypt:
		text = "Let's Encrypt: "
		if c.Challenge == wizard.ChallengeDNS01 {
			text += fmt.Sprintf("certbot asks you for a TXT record under _acme-challenge.%s (for unattended "+
				"renewal replace --manual with your DNS provider's certbot plugin), ", c.Name)
		} else {
			text += "certbot answers on port 80 (opened above); "
		}
		text += "its timer renews, the hook restarts vsftpd" + why + "."
		code = append(code, CertbotCommand(p).Line(""),
			Sh("install", "-m", "0755", "-o", "root", "-g", "root", certDeployHookFile, c.DeployHook).Line(""),
			Sh("ls", "-l", c.CertFile, c.KeyFile).Line("")+"  # must list both",
			CertbotRenewDryRun(p).Line("")+"  # must say the simulated renewal succeeded",
			"systemctl list-timers certbot.timer --no-pager")
	case wizard.SourceOwn:
		check := Sh("openssl", "x509", "-in", c.CertFile, "-noout", "-checkhost", c.Name)
		if c.NameIsIP {
			check = Sh("openssl", "x509", "-in", c.CertFile, "-noout", "-checkip", c.Name)
		}
		text = fmt.Sprintf("Put your full chain (certificate first, then the intermediates) in %s and its key in "+
			"%s; the checks: it names %s, is valid for 30 more days, has its chain, matches the key. Restart "+
			"vsftpd whenever you replace it%s.", c.CertFile, c.KeyFile, c.Name, why)
		code = append(code,
			Sh("ls", "-l", c.CertFile, c.KeyFile).Line(""),
			check.Line(""),
			Sh("openssl", "x509", "-in", c.CertFile, "-noout", "-checkend", "2592000").Line(""),
			Sh("grep", "-c", "BEGIN CERTIFICATE", c.CertFile).Line("")+"   # 2 or more: the chain is there",
			Sh("openssl", "x509", "-in", c.CertFile, "-noout", "-pubkey").Op("|", "sha256sum").Line(""),
			Sh("openssl", "pkey", "-in", c.KeyFile, "-pubout").Op("|", "sha256sum").Line("")+"  # must print the sum above")
	case wizard.SourceSelfSigned:
		text = fmt.Sprintf("A dedicated self-signed pair %s and %s (never the snakeoil pair; an existing pair is "+
			"kept); the last command prints its SHA-256 fingerprint: ", c.CertFile, c.KeyFile)
		if c.Fingerprint == "" {
			text += "put it into answers.yaml as `server.tls.fingerprint` and regenerate, so HANDOUT.md and the " +
				"client configs pin it. "
		} else {
			text += "it must be " + c.Fingerprint + " (server.tls.fingerprint), which HANDOUT.md and the " +
				"client configs pin; if it differs, set the new value and regenerate. "
		}
		text += fmt.Sprintf("Hand the certificate (never the key) to the people who connect, as client/%s%s.",
			wizard.PinCAFile, why)
		for _, cmd := range SelfSignedCommands(p) {
			code = append(code, cmd.Line(""))
		}
	}
	return text, code
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
		text = append(text, "Accounts "+strings.Join(users, ", ")+".")
	}
	lock := "Each is locked into " + root + "/<user>, root's"
	if s.WriteEnable && s.UploadDir != "" {
		lock += " (uploads into " + s.UploadDir + "/)"
	} else {
		lock += " (uploads are off: put the files to hand out there)"
	}
	text = append(text, lock+"; PAM needs their shell nologin in /etc/shells"+
		reportSee(p, "vsftpd.chroot", "why")+".")
	code := []string{
		"grep -qx /usr/sbin/nologin /etc/shells || echo /usr/sbin/nologin >> /etc/shells",
		Cmd{}.Op("for", "u", "in").Arg(users...).GlueOp(";").Op("do").Line(""),
		Cmd{}.Op(`  id "$u" >/dev/null 2>&1 ||`, "useradd", "--home-dir").Arg(root+"/").GlueOp(`"$u"`).
			Op("--no-create-home", "--shell", "/usr/sbin/nologin", `"$u"`).Line(""),
		Cmd{}.Op("  install", "-d", "-m", "0755", "-o", "root", "-g", "root").Arg(root, root+"/").GlueOp(`"$u"`).Line(""),
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
	label, lines := reportUsageParts(f, false)
	return mdWrap(reportWidth, label) + "\n\n" + mdCode(lines...)
}

// reportUsageParts returns reportUsage's sentence (unwrapped) and the
// lines of its code block. With merge, a check and the first apply command
// share a line joined by &&: the rules load only if the check passes (for
// a Linux box's ruleset, whose check and apply are one command each).
func reportUsageParts(f File, merge bool) (label string, lines []string) {
	d := f.Desc
	label = "**" + d.Tool + "**, `" + f.Path + "`"
	if d.Needs != "" {
		label += " (" + d.Needs + ")"
	}
	if d.OwnDir != "" {
		label += ", in a directory of its own"
	}
	if d.Persist != "" && len(d.PersistCmds) == 0 {
		label += ". To load it at boot: " + strings.TrimSuffix(d.Persist, ".") + "."
	} else {
		label += ":"
	}
	file := f.Path
	if d.OwnDir != "" {
		lines = append(lines, Sh("mkdir", "-p", d.OwnDir).Op("&&").Arg("cp").File().Arg(d.OwnDir+"/").
			Op("&&").Arg("cd", d.OwnDir).Line(f.Path))
		file = path.Base(f.Path)
	}
	apply := cmdLines(d.Apply, file)
	if merge && len(d.Check) > 0 && len(apply) > 0 {
		// The check changes nothing; the rules load only if it passes.
		var chk []string
		for _, c := range d.Check {
			chk = append(chk, c.Line(file))
		}
		apply[0] = strings.Join(append(chk, apply[0]), " && ") + "  # loads only if the check passes"
	} else {
		for _, c := range d.Check {
			lines = append(lines, c.Line(file)+"  # check only, changes nothing")
		}
	}
	lines = append(lines, apply...)
	lines = append(lines, cmdLines(d.Show, file)...)
	if len(d.PersistCmds) > 0 {
		lines = append(lines, reportBootLine(d, file))
	}
	return label, lines
}

// reportBootLine is what makes a file's result survive a reboot, as the
// comment that follows its commands: one line however long (part 1's
// budget), and nothing a reader runs by pasting the block: the persist
// commands (joined by "; ") are for once the rules work. "" when the
// description says nothing.
func reportBootLine(d Desc, file string) string {
	prose := strings.TrimSuffix(d.Persist, ".")
	if len(d.PersistCmds) == 0 {
		if prose == "" {
			return ""
		}
		return "# at boot: " + prose
	}
	l := "# at boot (" + d.persistOn() + "): " + cmdJoin(d.PersistCmds, file)
	if prose != "" {
		l += " (" + prose + ")"
	}
	return l
}

// reportBoxUseKeys are the decisions that say whether a box is shared or
// dedicated.
var reportBoxUseKeys = map[wizard.Side]string{
	wizard.SideServerHost:   "firewall.server_host_use",
	wizard.SideServerRouter: "firewall.server_router_use",
	wizard.SideClientRouter: "firewall.client_router_use",
	wizard.SideClientHost:   "firewall.client_host_use",
}

// reportFirewallStep is the step that loads one side's rules, with the
// commands each file's description gives. Part 1 shows the box's first
// format (the answers' order); the others go to part 2 (Alt).
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
	use := reportSee(p, reportBoxUseKeys[side], "why")
	var text []string
	if side == wizard.SideClientRouter && router != nil && router.Kind.Linux() && !box.Shared() {
		text = append(text, "**EGRESS LOCKDOWN.** These rules are the router's complete policy "+
			"(firewall use: dedicated): the LAN may open only the file-transfer connections; web, DNS to outside "+
			"resolvers, mail, VPNs and everything else it forwards stop. On a router that carries other traffic, "+
			"use shared (the default) instead.")
	}
	switch {
	case router != nil && !router.Kind.Linux():
		text = append(text, "Configure the router with its own file below: it only adds (port forwards with "+
			"the port numbers unchanged, the FTP helper off, hairpin NAT) and changes nothing else.")
	case box.Shared():
		text = append(text, "Shared: rules only add"+use+".")
	default:
		text = append(text, "Dedicated: its whole firewall"+use+".")
	}
	if side == wizard.SideServerHost && p.Server != nil && p.Server.AdminNetwork != "" {
		port := p.Server.SSHPort
		if port == 0 {
			port = 22
		}
		ssh := fmt.Sprintf("SSH (%d) only from %s: apply from there, keep this session until a new login works.",
			port, p.Server.AdminNetwork)
		if p.Server.AdminNetwork == wizard.AnyIPv4 {
			ssh = fmt.Sprintf("The host rules keep SSH (port %d) open from anywhere, as no admin network was "+
				"given (server.admin_network). Keep your session open until a new SSH login works.", port)
		}
		text = append(text, ssh)
	}
	f := files[0]
	// What survives a reboot is a comment after the commands
	// (reportBootLine; reportUsageParts adds it when there are commands).
	_, lines := reportUsageParts(f, true)
	if len(f.Desc.PersistCmds) == 0 {
		if boot := reportBootLine(f.Desc, f.Path); boot != "" {
			lines = append(lines, boot)
		}
	}
	code := mdCode(lines...)
	var alt []string
	if len(files) > 1 {
		text[len(text)-1] = strings.TrimSuffix(text[len(text)-1], ".") + "; " + mdLink("other formats", "Other rule formats") + "."
		for _, f := range files[1:] {
			alt = append(alt, reportUsage(f))
		}
	}
	return reportStep{Title: "Firewall " + where, Text: mdWrap(reportWidth, strings.Join(text, " ")), Code: code, Alt: alt}, true
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
		if len(p.Service.Endpoints) > 1 {
			code = append(code, "# "+e.Name()+" FTPS, port "+fmt.Sprint(e.Port))
		}
		connect := Sh("openssl", "s_client", "-connect", fmt.Sprintf("%s:%d", addr, e.Port))
		curl := Sh("curl")
		if reportSelfSigned(p) {
			// Trust exactly the pinned copy: without it curl refuses the
			// certificate, and the way out people find is -k.
			ca := "client/" + wizard.PinCAFile
			connect, curl = connect.Arg("-CAfile", ca, "-verify_return_error"), curl.Arg("--cacert", ca)
		}
		if !e.Implicit {
			connect = connect.Arg("-starttls", "ftp")
			curl = curl.Arg("--ssl-reqd")
		}
		curl = curl.Arg("--disable-epsv", "--no-ftp-skip-pasv-ip", "--user", user)
		code = append(code, connect.Arg("-brief").Op("</dev/null").Line(""), curl.Arg(url).Line(""))
		if upload {
			code = append(code, Cmd{}.Op("echo", "test", "|").Line("")+" "+
				curl.Arg("-T", "-", url+p.Server.UploadDir+"/ftpswiz-test.txt").Line(""))
		}
	}
	return code
}

// reportSelfSigned says the server's certificate is a self-signed pair
// that clients trust by its copy (client/ftps-server.pem).
func reportSelfSigned(p *wizard.Plan) bool {
	return p.Server != nil && p.Server.Cert.Source == wizard.SourceSelfSigned
}

func reportTestStep(p *wizard.Plan, title, text string) reportStep {
	if reportSelfSigned(p) {
		text += fmt.Sprintf(" The certificate is self-signed: openssl and curl trust exactly its copy, `%s` "+
			"(verification stays on: openssl stops unless it prints Verification: OK), as HANDOUT.md's commands do.", "client/"+wizard.PinCAFile)
	}
	return reportStep{Title: title, Text: mdWrap(reportWidth, text), Code: mdCode(reportTestCommands(p)...)}
}

// reportClientIntro is the line above the client side's steps.
func reportClientIntro(*reportView) string {
	return ""
}

// reportClientSteps are the client side's steps: its firewalls (and the
// cloud's, for a client alone), the variant's setup, then the test, which
// installs the client configurations first when there are any.
func reportClientSteps(p *wizard.Plan, outputs []File, rv reportVariant) []reportStep {
	var steps []reportStep
	for _, side := range []wizard.Side{wizard.SideClientRouter, wizard.SideClientHost} {
		if st, ok := reportFirewallStep(p, side, outputs); ok {
			steps = append(steps, st)
		}
	}
	if p.Server == nil {
		steps = append(steps, reportCloudSteps(outputs)...)
	}
	steps = append(steps, rv.clientSetup(p)...)
	title, test := "Test from the client", "From a client host"+rv.testWhat()
	if files := reportClientFiles(outputs); len(files) > 0 {
		title = "Client configurations, then the test from the client"
		how := "their headers say how"
		if d, ok := p.Decision(wizard.KeyClientUser); ok {
			how += "; their login " + p.Client.User + " is a placeholder: " + mdLink("replace it", reportDecisionTitle(d))
		}
		test = "Install " + strings.Join(files, ", ") + " on the client hosts (" + how + "), then " +
			"test from one" + rv.testWhat()
	}
	steps = append(steps, rv.testStep(p, title, test))
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

// reportClientFiles returns the generated client configurations, quoted.
func reportClientFiles(outputs []File) []string {
	var out []string
	for _, f := range outputs {
		if strings.HasPrefix(f.Path, "client/") {
			out = append(out, "`"+f.Path+"`")
		}
	}
	return out
}
