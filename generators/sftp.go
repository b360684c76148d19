package generators

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// sftpRenderers returns the renderers of the SFTP alternative (protocol
// sftp): the sshd drop-in when the plan has a server end, and one client
// config per SFTP client software the plan lists. The FTPS client renderers
// skip SFTP plans, so the shared paths (client/filezilla-sitemanager.xml,
// client/winscp.txt, client/rclone.conf) are written by exactly one side.
func sftpRenderers() []Renderer {
	out := []Renderer{
		{Name: "sshd-sftp", Applies: func(p *wizard.Plan) bool { return p != nil && p.SFTP != nil }, Render: renderSSHDDropIn},
	}
	for _, c := range sftpClients() {
		out = append(out, c.renderer("sftp-client-", isSFTP))
	}
	return out
}

// isSFTP reports whether the plan is for SFTP rather than FTPS.
func isSFTP(p *wizard.Plan) bool {
	return p != nil && p.Protocol == wizard.ProtocolSFTP
}

// sshdDropInView is what templates/sftp-sshd.conf.tmpl lays out.
type sshdDropInView struct {
	Title       string
	Command     string
	InstallPath string
	Group       string
	Match       string
	// Global and MatchGroups are the drop-in's options grouped by the
	// decision that explains them, in file order.
	Global      []optionGroup
	MatchGroups []optionGroup
	// Setup are the shell commands that prepare accounts and chroots,
	// before sshd is reloaded.
	Setup []string
	// Check is the command that shows one account's effective settings.
	Check string
	// Reload checks the configuration and makes sshd use it (sshdReload),
	// Other is its form elsewhere, Why its explanation as comment lines.
	Reload                 []string
	ReloadOther, ReloadWhy string
}

// sshdReloadLines are the command that checks the whole sshd configuration
// and makes sshd use it, on Debian and on Ubuntu alike (the plan does not
// know the server's system), in lines that each fit a comment (sh reads
// them as one command, and sshdReload joins them for one line): Ubuntu
// 22.10 and later start sshd from ssh.socket, whose listening ports a
// reload of ssh.service does not move, so when that socket is active the
// command runs what Ubuntu's announcement gives (systemctl daemon-reload,
// then a restart of ssh.socket); otherwise it reloads ssh.service, which
// keeps existing sessions. Nothing runs if sshd -t fails. sshdReloadOther
// is the command elsewhere, sshdReloadWhy the explanation the drop-in's
// comments and REPORT.md both give.
var sshdReloadLines = []string{
	"sshd -t && if systemctl is-active --quiet ssh.socket;",
	"  then systemctl daemon-reload && systemctl restart ssh.socket;",
	"  else systemctl reload ssh; fi",
}

// sshdReload is sshdReloadLines on one line.
var sshdReload = strings.Join(strings.Fields(strings.Join(sshdReloadLines, " ")), " ")

const (
	sshdReloadOther = "RHEL, Fedora: sshd -t && systemctl reload sshd"
	sshdReloadWhy   = "On Ubuntu 22.10 and later ssh.socket holds sshd's ports, which reloads do not move: the " +
		"command runs daemon-reload and restarts it, per Ubuntu (22.10 to 23.10: ports in " +
		"/etc/systemd/system/ssh.socket.d/addresses.conf). Untested on Ubuntu (tests: Debian 12)."
)

// sshdKeywordRE is an sshd_config keyword; sshdValueRE a value sshd reads
// as one token without quotes (no spaces, quotes or comment signs).
var (
	sshdKeywordRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`) })
	sshdValueRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9%/._,:@+=-]+$`) })
)

// renderSSHDDropIn writes the sshd drop-in (plan.SFTP.File): the global
// settings (extra Port lines), then the Match block of the SFTP-only group,
// each option group under its decision's reason, and the commands that
// prepare accounts and chroots as comments.
func renderSSHDDropIn(p *wizard.Plan) ([]File, error) {
	sp := p.SFTP
	if err := checkSFTPPlan(sp); err != nil {
		return nil, fmt.Errorf("%s: %w", sp.File, err)
	}
	global, err := groupOptions(p, sp.Global)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sp.File, err)
	}
	match, err := groupOptions(p, sp.MatchOptions)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sp.File, err)
	}
	v := sshdDropInView{
		Title:       fmt.Sprintf("sshd drop-in: SFTP only for the group %s, port %d", sp.Group, sp.Port),
		Command:     RegenerateCommand,
		InstallPath: sp.InstallPath,
		Group:       sp.Group,
		Match:       sp.Match,
		Global:      global,
		MatchGroups: match,
		Setup:       SFTPSetupCommands(sp),
		Reload:      sshdReloadLines,
		ReloadOther: sshdReloadOther,
		ReloadWhy:   sshdReloadWhy,
		Check: Sh("sshd", "-T", "-C", "user="+sftpFirstUser(sp)+",host=client,addr=127.0.0.1").
			Op("|", "grep", "-Ei", `'^(forcecommand|chrootdirectory|allowtcpforwarding|permittty|passwordauthentication) '`).Line(""),
	}
	b, err := templates.Render("sftp-sshd.conf.tmpl", v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sp.File, err)
	}
	return []File{{Path: sp.File, Mode: 0o644, Content: clientEOL(b), Desc: Desc{
		What: "sshd drop-in: the SFTP-only group, its chroot and restrictions", Side: wizard.SideServerHost,
		Install: sp.InstallPath,
	}}}, nil
}

// checkSFTPPlan refuses values that would make the drop-in or the setup
// commands mean something else than the plan says (Decide validates the
// answers; this guards the renderer against a hand-made plan).
func checkSFTPPlan(sp *wizard.SFTPPlan) error {
	if sp.File == "" || sp.InstallPath == "" {
		return fmt.Errorf("the SFTP plan names no output or install path")
	}
	if !wizard.ValidUserName(sp.Group) {
		return fmt.Errorf("group %q is not a plain group name", sp.Group)
	}
	for _, u := range sp.Users {
		if !wizard.ValidUserName(u) && u != "USER" {
			return fmt.Errorf("user %q is not a plain user name", u)
		}
	}
	if err := guardToken(sp.ChrootRoot, sshdValueRE()); err != nil || !path.IsAbs(sp.ChrootRoot) || path.Clean(sp.ChrootRoot) != sp.ChrootRoot {
		return fmt.Errorf("chroot root %q is not a clean absolute path", sp.ChrootRoot)
	}
	if !clientSafeDir(sp.UploadDir) {
		return fmt.Errorf("upload directory %q is not a plain relative directory", sp.UploadDir)
	}
	if err := guardValue(sp.Match); sp.Match == "" || err != nil || strings.ContainsAny(sp.Match, "#\"") {
		return fmt.Errorf("match criteria %q", sp.Match)
	}
	for _, o := range slices.Concat(sp.Global, sp.MatchOptions) {
		if err := guardToken(o.Value, sshdValueRE()); err != nil || !sshdKeywordRE().MatchString(o.Key) {
			return fmt.Errorf("option %q %q is not a plain sshd keyword and value", o.Key, o.Value)
		}
	}
	return nil
}

// sftpFirstUser is the first SFTP account, or USER when the plan names none.
func sftpFirstUser(sp *wizard.SFTPPlan) string {
	if len(sp.Users) > 0 {
		return sp.Users[0]
	}
	return "USER"
}

// SFTPSetupCommands returns the shell commands, run as root on the server
// before sshd is reloaded, that create the SFTP-only group and accounts, the
// root-owned chroots with a writable upload directory, and the place for the
// users' public keys (or their passwords). USER stands for each account when
// the plan names none. The drop-in's comments and REPORT.md print them.
func SFTPSetupCommands(sp *wizard.SFTPPlan) []string {
	users := sp.Users
	if len(users) == 0 {
		users = []string{"USER"}
	}
	q := shWord
	root := sp.ChrootRoot
	cmds := []string{"groupadd " + q(sp.Group)}
	for _, u := range users {
		home, upload := root+"/"+u, root+"/"+u+"/"+sp.UploadDir
		cmds = append(cmds,
			fmt.Sprintf("useradd --create-home --shell /usr/sbin/nologin --groups %s %s", q(sp.Group), q(u)),
			"mkdir -p "+q(upload),
			fmt.Sprintf("chown root:root %s %s && chmod 755 %s %s", q(root), q(home), q(root), q(home)),
			fmt.Sprintf("chown %s %s && chmod 755 %s", q(u+":"), q(upload), q(upload)),
		)
		if sp.PasswordAuth {
			cmds = append(cmds, "passwd "+q(u))
			continue
		}
		// ~user must stay unquoted to expand; a name that is not plain
		// (checkSFTPPlan refuses it) gets its home from getent instead.
		tilde := "~" + u
		if !wizard.ValidUserName(u) && u != "USER" {
			tilde = `"$(getent passwd ` + q(u) + ` | cut -d: -f6)"`
		}
		cmds = append(cmds,
			fmt.Sprintf("mkdir -p -m 700 %s/.ssh && cat %s >> %s/.ssh/authorized_keys", tilde, q(u+".pub"), tilde),
			fmt.Sprintf("chmod 600 %s/.ssh/authorized_keys && chown -R %s %s/.ssh", tilde, q(u+":"), tilde))
	}
	return cmds
}
