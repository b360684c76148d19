package generators

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// The apply steps of REPORT.md: exact commands for this plan, in the order
// an administrator runs them.

// reportUserListFile is where the user allow-list is written inside --out.
const reportUserListFile = "server/vsftpd.user_list"

// reportOpenSSLFile is the OpenSSL configuration that caps vsftpd's TLS
// version on builds without an option for it (plan.Server.OpenSSLConf).
const reportOpenSSLFile = "server/vsftpd-openssl.cnf"

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

// reportDropInUnit returns the unit a generated drop-in belongs to
// ("server/vsftpd.service.d/ftpswiz-tls.conf" -> "vsftpd.service").
func reportDropInUnit(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "server/")
	if !ok {
		return "", false
	}
	unit, file, ok := strings.Cut(rest, ".d/")
	if !ok || strings.Contains(file, "/") || !strings.HasSuffix(unit, ".service") {
		return "", false
	}
	return unit, true
}

func reportTLSCapOf(p *wizard.Plan, outputs []File) (reportTLSCap, bool) {
	s := p.Server
	if s == nil || s.OpenSSLConf == "" || !reportHas(outputs, reportOpenSSLFile) {
		return reportTLSCap{}, false
	}
	c := reportTLSCap{Conf: reportOpenSSLFile, ConfDest: s.OpenSSLConf}
	for _, f := range outputs {
		if unit, ok := reportDropInUnit(f.Path); ok {
			c.DropIns = append(c.DropIns, reportDropIn{Unit: unit, File: f.Path,
				Dest: "/etc/systemd/system/" + strings.TrimPrefix(f.Path, "server/")})
		}
	}
	slices.SortFunc(c.DropIns, func(a, b reportDropIn) int { return strings.Compare(a.File, b.File) })
	return c, true
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
		backup = append(backup, fmt.Sprintf(`if [ -e %[1]s ]; then cp -a %[1]s %[1]s.bak-"$(date +%%Y%%m%%d-%%H%%M%%S)"; fi`, target))
	}
	for _, in := range s.Instances {
		addBackup(in.InstallPath)
		if in.UnitFile != "" {
			addBackup(reportUnitPath(in))
		}
	}
	if reportHas(outputs, reportUserListFile) {
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
		inst = append(inst, fmt.Sprintf("install -m 0644 -o root -g root %s %s", in.File, in.InstallPath))
		if in.UnitFile != "" {
			inst = append(inst, fmt.Sprintf("install -m 0644 -o root -g root %s %s", in.UnitFile, reportUnitPath(in)))
			unitNames = append(unitNames, in.Unit)
		}
	}
	if reportHas(outputs, reportUserListFile) {
		inst = append(inst, fmt.Sprintf("install -m 0644 -o root -g root %s %s", reportUserListFile, s.UserListPath))
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
		inst = append(inst, fmt.Sprintf("install -m 0644 -o root -g root %s %s", tlsCap.Conf, tlsCap.ConfDest))
		var dropUnits []string
		for _, d := range tlsCap.DropIns {
			inst = append(inst, fmt.Sprintf("install -D -m 0644 -o root -g root %s %s", d.File, d.Dest))
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
			"systemctl stop "+in.Unit,
			fmt.Sprintf(`timeout 5 vsftpd %s 0>&1; echo "exit code: $?"`, in.InstallPath))
	}
	for _, in := range s.Instances {
		check = append(check,
			"systemctl enable "+in.Unit,
			"systemctl restart "+in.Unit,
			"systemctl status "+in.Unit+" --no-pager")
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
	if st, ok := reportAWSStep(outputs); ok {
		steps = append(steps, st)
	}
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
		code = append(code, "systemctl show -p Environment "+in.Unit)
		units = append(units, in.Unit)
	}
	for _, in := range s.Instances {
		base := fmt.Sprintf("openssl s_client -connect 127.0.0.1:%d", in.Port)
		if !in.Implicit {
			base += " -starttls ftp"
		}
		code = append(code,
			base+" -tls1_2 -brief </dev/null  # must print: Protocol version: TLSv1.2",
			base+" -tls1_3 -brief </dev/null  # must fail: tlsv1 alert protocol version")
	}
	text := fmt.Sprintf("The vsftpd build `%s` has no option for TLS 1.3, so the cap is not in vsftpd.conf: "+
		"systemd starts vsftpd with OPENSSL_CONF=%s. If that file, the drop-in or the `daemon-reload` is "+
		"missing, vsftpd starts all the same and speaks TLS 1.3 without a word, so check it on the server "+
		"host: `systemctl show` must list OPENSSL_CONF=%s for %s; each `-tls1_2` handshake must succeed "+
		"and each `-tls1_3` handshake must be refused by the server.",
		s.Flavour, c.ConfDest, c.ConfDest, strings.Join(units, " and "))
	return reportStep{Title: "Check that vsftpd refuses TLS 1.3", Text: mdWrap(reportWidth, text), Code: mdCode(code...)}
}

// reportUnitPath is where a unit ftpswiz writes is installed.
func reportUnitPath(in wizard.Instance) string {
	return "/etc/systemd/system/" + path.Base(in.UnitFile)
}

func reportJoinInts(ns []int) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = fmt.Sprint(n)
	}
	return strings.Join(out, " and ")
}

func reportCertStep(p *wizard.Plan) reportStep {
	s := p.Server
	san := "DNS:" + s.PublicAddress
	if s.PublicIsIP {
		san = "IP:" + s.PublicAddress
	}
	code := []string{"ls -l " + s.CertFile + " " + s.KeyFile}
	text := fmt.Sprintf("vsftpd reads the certificate from %s and its key from %s. Put your certificate "+
		"(with its chain) and key there, or, for a first test, create a self-signed pair (clients will "+
		"have to be told to trust it). An RSA key works with every cipher setting of vsftpd 3.0.x.",
		s.CertFile, s.KeyFile)
	if strings.Contains(s.CertFile, "snakeoil") {
		text += " The Debian snakeoil pair is created by the ssl-cert package (`make-ssl-cert " +
			"generate-default-snakeoil`), but it is named after the host, not " + s.PublicAddress + "."
	}
	code = append(code,
		"# only if you have no certificate yet (self-signed, for testing):",
		fmt.Sprintf("openssl req -x509 -newkey rsa:3072 -nodes -days 365 -subj \"/CN=%s\" -addext \"subjectAltName=%s\" -keyout %s -out %s",
			s.PublicAddress, san, s.KeyFile, s.CertFile),
		"chmod 600 "+s.KeyFile)
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
		"not be writable by the user, or vsftpd refuses the login with `500 OOPS: vsftpd: refusing to run "+
		"with writable root inside chroot()`.")
	if s.WriteEnable && s.UploadDir != "" {
		text = append(text, "Uploads go into the writable subdirectory "+s.UploadDir+", owned by the user.")
	} else {
		text = append(text, "Uploads are off in this plan: put the files to hand out into "+root+"/<user>.")
	}
	text = append(text, "Debian's and RHEL's PAM setup for vsftpd only accepts accounts whose shell is "+
		"listed in /etc/shells (else `530 Login incorrect`); the commands give the accounts "+
		"/usr/sbin/nologin, so they get no SSH shell, and list it in /etc/shells.")
	code := []string{
		"grep -qx /usr/sbin/nologin /etc/shells || echo /usr/sbin/nologin >> /etc/shells",
		fmt.Sprintf("install -d -m 0755 -o root -g root %s", root),
		fmt.Sprintf("for u in %s; do", strings.Join(users, " ")),
		fmt.Sprintf(`  id "$u" >/dev/null 2>&1 || useradd --home-dir "%s/$u" --no-create-home --shell /usr/sbin/nologin "$u"`, root),
		fmt.Sprintf(`  install -d -m 0755 -o root -g root "%s/$u"`, root),
	}
	if s.WriteEnable && s.UploadDir != "" {
		code = append(code, fmt.Sprintf(`  install -d -m 0755 -o "$u" -g "$(id -gn "$u")" "%s/$u/%s"`, root, s.UploadDir))
	}
	code = append(code, "done")
	for _, u := range users {
		code = append(code, "passwd "+u)
	}
	if s.Flavour == wizard.FlavourRHEL {
		text = append(text, "With SELinux enforcing (`getenforce`), vsftpd also needs the "+
			"`ftpd_full_access` boolean to use these directories.")
		code = append(code, "getenforce", "setsebool -P ftpd_full_access on  # only if getenforce says Enforcing")
	}
	return reportStep{Title: "Users and directories", Text: mdWrap(reportWidth, mdText(strings.Join(text, " "))), Code: mdCode(code...)}
}

// reportFirewallSideFiles returns the firewall files written for a side.
func reportFirewallSideFiles(side wizard.Side, outputs []File) []File {
	var out []File
	for _, f := range outputs {
		if s, _, ok := reportFirewallFile(f.Path); ok && s == side {
			out = append(out, f)
		}
	}
	return out
}

// reportFileHeader is what a generated firewall file's header says about
// using it: "# Check:", "# Apply:" (commands, possibly on "#   " continuation
// lines) and "# Persist:" (prose).
type reportFileHeader struct {
	Check, Apply []string
	Persist      string
}

var (
	reportHeaderKey  = regexp.MustCompile(`^# (Apply|Check|Persist|Remove|Undo)\b[^:]*:\s*(.*)$`)
	reportHeaderCont = regexp.MustCompile(`^#\s{2,}(\S.*)$`)
	reportHeaderNote = regexp.MustCompile(`\s{2,}\(.*\)$`)
)

// reportParseHeader reads the usage lines from the comment header of a
// generated file, rewriting the file's bare name into its path in the
// output directory (the commands run there).
func reportParseHeader(f File) reportFileHeader {
	var h reportFileHeader
	base := path.Base(f.Path)
	fix := func(cmd string) string {
		cmd = reportHeaderNote.ReplaceAllString(cmd, "")
		words := strings.Fields(cmd)
		for i, w := range words {
			if w == base {
				words[i] = f.Path
			}
		}
		return strings.Join(words, " ")
	}
	key := ""
	for _, l := range strings.Split(string(f.Content), "\n") {
		if !strings.HasPrefix(l, "#") {
			if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "#!") {
				break // the header ends at the first line that is not a comment
			}
			continue
		}
		var text string
		if m := reportHeaderKey.FindStringSubmatch(l); m != nil {
			key, text = m[1], m[2]
		} else if m := reportHeaderCont.FindStringSubmatch(l); m != nil && key != "" {
			text = m[1]
		} else {
			key = ""
			continue
		}
		if text == "" || strings.HasPrefix(text, "(") {
			continue
		}
		switch key {
		case "Apply":
			h.Apply = append(h.Apply, fix(text))
		case "Check":
			h.Check = append(h.Check, fix(text))
		case "Persist":
			if h.Persist != "" {
				h.Persist += " "
			}
			h.Persist += text
		}
	}
	return h
}

// reportFirewallStep is the step that loads one side's rules, with the
// commands each file's own header gives.
func reportFirewallStep(p *wizard.Plan, side wizard.Side, outputs []File) (reportStep, bool) {
	files := reportFirewallSideFiles(side, outputs)
	if len(files) == 0 {
		return reportStep{}, false
	}
	where := "on the " + strings.ToLower(side.Title()[:1]) + side.Title()[1:]
	var router *wizard.Router
	switch side {
	case wizard.SideServerRouter:
		if p.Server != nil {
			router = p.Server.Router
		}
	case wizard.SideClientRouter:
		if p.Client != nil {
			router = p.Client.Router
		}
	}
	if router != nil {
		where += fmt.Sprintf(" (WAN interface %s, LAN interface %s)", router.WANInterface, router.LANInterface)
	}
	text := []string{mdWrap(reportWidth, "Load these rules "+where+", with the one format that box already "+
		"uses: two formats on one box give two rule sets that both filter. Each file's header explains "+
		"it; the commands below are the ones it gives, check first.")}
	if side == wizard.SideServerHost && p.Server != nil && p.Server.AdminNetwork != "" {
		port := p.Server.SSHPort
		if port == 0 {
			port = 22
		}
		text = append(text, "", mdWrap(reportWidth, fmt.Sprintf("The host rules allow SSH (port %d) only from %s. "+
			"Apply them from a session inside that network and keep it open until a new SSH login works.",
			port, p.Server.AdminNetwork)))
	}
	slices.SortStableFunc(files, func(a, b File) int {
		return reportBackendRank(p, a.Path) - reportBackendRank(p, b.Path)
	})
	if len(files) > 1 {
		text = append(text, "", mdWrap(reportWidth, "Pick one of these:"))
	}
	var blocks []string
	for _, f := range files {
		_, backend, _ := reportFirewallFile(f.Path)
		h := reportParseHeader(f)
		var show string
		switch {
		case strings.HasSuffix(f.Path, ".nft"):
			h = reportDefault(h, []string{"nft -c -f " + f.Path}, []string{"nft -f " + f.Path})
			show = "nft list ruleset"
		case strings.HasSuffix(f.Path, ".iptables"):
			h = reportDefault(h, []string{"iptables-restore --test < " + f.Path}, []string{"iptables-restore --noflush < " + f.Path})
			show = "iptables-save"
		case strings.HasSuffix(f.Path, ".ufw.sh"):
			h = reportDefault(h, nil, []string{"bash " + f.Path})
			show = "ufw status verbose"
		case strings.HasSuffix(f.Path, ".firewalld.sh"):
			h = reportDefault(h, nil, []string{"bash " + f.Path})
			show = "firewall-cmd --list-all"
		}
		var code []string
		for _, c := range h.Check {
			code = append(code, c+"  # check only, changes nothing")
		}
		code = append(code, h.Apply...)
		code = append(code, show)
		label := "**" + backend + "**, `" + f.Path + "`"
		if h.Persist != "" {
			label += ". To load it at boot: " + strings.TrimSuffix(h.Persist, ".") + "."
		} else {
			label += ":"
		}
		blocks = append(blocks, mdWrap(reportWidth, label)+"\n\n"+mdCode(code...))
	}
	return reportStep{Title: "Firewall " + where, Text: strings.Join(text, "\n"), Code: strings.Join(blocks, "\n\n")}, true
}

// reportBackendRank orders firewall files like the answers list their
// formats.
func reportBackendRank(p *wizard.Plan, path string) int {
	var fw wizard.Firewall
	switch {
	case strings.HasSuffix(path, ".nft"):
		fw = wizard.FirewallNftables
	case strings.HasSuffix(path, ".iptables"):
		fw = wizard.FirewallIptables
	case strings.HasSuffix(path, ".ufw.sh"):
		fw = wizard.FirewallUFW
	case strings.HasSuffix(path, ".firewalld.sh"):
		fw = wizard.FirewallFirewalld
	}
	if i := slices.Index(p.Answers.Firewalls, fw); i >= 0 {
		return i
	}
	return len(p.Answers.Firewalls)
}

// reportDefault fills in commands a file's header does not give.
func reportDefault(h reportFileHeader, check, apply []string) reportFileHeader {
	if len(h.Check) == 0 {
		h.Check = check
	}
	if len(h.Apply) == 0 {
		h.Apply = apply
	}
	return h
}

func reportAWSStep(outputs []File) (reportStep, bool) {
	var blocks []string
	for _, f := range outputs {
		switch f.Path {
		case "firewall/aws-security-group.sh":
			apply := reportDefault(reportParseHeader(f), nil, []string{"SG_ID=sg-... bash " + f.Path}).Apply
			blocks = append(blocks, "**AWS CLI**, `"+f.Path+"` (needs credentials allowed to change security groups):\n\n"+
				mdCode(apply...))
		case "firewall/aws-security-group.tf":
			apply := reportDefault(reportParseHeader(f), nil, []string{"terraform init && terraform apply"}).Apply
			blocks = append(blocks, "**Terraform**, `"+f.Path+"`, in a directory of its own:\n\n"+
				mdCode(append([]string{"mkdir -p ftpswiz-sg && cp " + f.Path + " ftpswiz-sg/ && cd ftpswiz-sg"}, apply...)...))
		}
	}
	if len(blocks) == 0 {
		return reportStep{}, false
	}
	return reportStep{
		Title: "AWS security group",
		Text: mdWrap(reportWidth, "Create the security group rules with one of these (read the file's "+
			"header for the values it expects, such as the group or VPC id) and attach the group to the "+
			"instance. Security groups only allow and are stateful: the rules add to the instance's other "+
			"groups, and replies need no rule."),
		Code: strings.Join(blocks, "\n\n"),
	}, true
}

// reportUnmanagedNATStep covers NAT that no generated rule set configures.
func reportUnmanagedNATStep(p *wizard.Plan) (reportStep, bool) {
	s := p.Server
	if s == nil || !s.NAT.Behind() || len(p.FlowsFor(wizard.SideServerRouter)) > 0 || s.HostAddress == "" {
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
	addr := reportServerAddress(p)
	user := reportTestUser(p)
	upload := p.Server != nil && p.Server.WriteEnable && p.Server.UploadDir != ""
	var code []string
	for _, e := range reportEndpoints(p) {
		if len(code) > 0 {
			code = append(code, "")
		}
		url := fmt.Sprintf("%s://%s:%d/", e.Scheme(), addr, e.Port)
		ssl := "--ssl-reqd "
		code = append(code, "# "+e.Name()+" FTPS, port "+fmt.Sprint(e.Port))
		if e.Implicit {
			ssl = ""
			code = append(code, fmt.Sprintf("openssl s_client -connect %s:%d -brief </dev/null", addr, e.Port))
		} else {
			code = append(code, fmt.Sprintf("openssl s_client -connect %s:%d -starttls ftp -brief </dev/null", addr, e.Port))
		}
		code = append(code, fmt.Sprintf("curl %s--disable-epsv --no-ftp-skip-pasv-ip --user %s %s", ssl, user, url))
		if upload {
			code = append(code, "echo test > ftpswiz-test.txt",
				fmt.Sprintf("curl %s--disable-epsv --no-ftp-skip-pasv-ip --user %s -T ftpswiz-test.txt %s%s/",
					ssl, user, url, p.Server.UploadDir))
		}
	}
	return code
}

func reportTestStep(p *wizard.Plan, title, text string) reportStep {
	text += " With a self-signed certificate add `--insecure` to curl for this test only."
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
		if st, ok := reportAWSStep(outputs); ok {
			steps = append(steps, st)
		}
	}
	c := p.Client
	if slices.Contains(c.Software, wizard.ClientFileZilla) || slices.Contains(c.Software, wizard.ClientWinSCP) {
		steps = append(steps, reportStep{
			Title: "Windows clients",
			Text: mdWrap(reportWidth, "Windows Firewall's stateful FTP filter resets FTPS connections. "+
				"On each Windows client, in an administrator's command prompt:"),
			Code: mdCodeIn("text", "netsh advfirewall set global StatefulFTP disable"),
		})
	}
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
// already has, for each format in the plan.
func reportExisting(p *wizard.Plan) string {
	var items []string
	has := func(f wizard.Firewall) bool { return slices.Contains(p.Answers.Firewalls, f) }
	if has(wizard.FirewallNftables) {
		items = append(items, "**nftables:** nftables runs the base chains of every table on the same hook "+
			"one after the other: an accept in ftpswiz's table does not override a drop in another table, "+
			"and a drop anywhere is final. On a box with an nftables firewall of its own, copy ftpswiz's "+
			"accept rules (each carries its reason as a comment) into your own chains instead of loading "+
			"the file.")
	}
	if has(wizard.FirewallIptables) {
		items = append(items, "**iptables:** load the file with `--noflush`, as above. Without it, "+
			"iptables-restore empties every chain of each table the file names, your own rules included. "+
			"On a box with rules of its own you can instead copy the ACCEPT rules into your chains.")
	}
	if has(wizard.FirewallUFW) {
		items = append(items, "**ufw:** the script adds `ufw` rules next to the existing ones; review them with "+
			"`ufw status numbered`. Do not combine ufw with hand-written nftables or iptables rules on the same host.")
	}
	if has(wizard.FirewallFirewalld) {
		items = append(items, "**firewalld:** the script adds rules to a zone, permanently; review with "+
			"`firewall-cmd --list-all`. Do not combine firewalld with hand-written nftables or iptables rules.")
	}
	if has(wizard.FirewallAWS) {
		items = append(items, "**AWS:** security groups only allow and are stateful; a group adds to the "+
			"instance's other groups, and return traffic needs no rule.")
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
