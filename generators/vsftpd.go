package generators

import (
	"fmt"
	"path"
	"strings"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Output paths of the vsftpd side's fixed files.
const (
	vsftpdUserListFile = "server/vsftpd.user_list"
	vsftpdOpenSSLFile  = "server/vsftpd-openssl.cnf"
)

// vsftpdUnitPath is where a unit ftpswiz writes is installed.
func vsftpdUnitPath(in wizard.Instance) string {
	return "/etc/systemd/system/" + path.Base(in.UnitFile)
}

// serverRenderers returns the renderers of the vsftpd side.
func serverRenderers() []Renderer {
	hasServer := func(p *wizard.Plan) bool { return p.Server != nil }
	return []Renderer{
		{Name: "vsftpd", Applies: hasServer, Render: renderVsftpd},
		{Name: "vsftpd-unit", Applies: hasServer, Render: renderVsftpdUnits},
		{Name: "vsftpd-openssl", Applies: func(p *wizard.Plan) bool { return p.Server != nil && p.Server.OpenSSLConf != "" },
			Render: renderOpenSSLCap},
		{Name: "vsftpd-userlist", Applies: func(p *wizard.Plan) bool { return p.Server != nil && p.Server.UserListPath != "" },
			Render: renderUserList},
	}
}

// optionGroup is a run of vsftpd options explained by one decision.
type optionGroup struct {
	wizard.Decision
	Options []wizard.Option
}

// groupOptions groups an instance's options by decision, in file order;
// the plan guarantees every option's decision exists.
func groupOptions(p *wizard.Plan, opts []wizard.Option) ([]optionGroup, error) {
	var groups []optionGroup
	index := map[string]int{}
	for _, o := range opts {
		i, ok := index[o.Decision]
		if !ok {
			d, found := p.Decision(o.Decision)
			if !found {
				return nil, fmt.Errorf("option %s refers to unknown decision %q", o.Key, o.Decision)
			}
			i = len(groups)
			index[o.Decision] = i
			groups = append(groups, optionGroup{Decision: d})
		}
		groups[i].Options = append(groups[i].Options, o)
	}
	return groups, nil
}

func renderVsftpd(p *wizard.Plan) ([]File, error) {
	var out []File
	for _, in := range p.Server.Instances {
		groups, err := groupOptions(p, in.Options)
		if err != nil {
			return nil, err
		}
		title := fmt.Sprintf("vsftpd.conf: %s FTPS on port %d, for %s", in.Name, in.Port, p.Server.Flavour)
		d := Desc{
			What: fmt.Sprintf("vsftpd configuration of the %s FTPS instance (port %d)", in.Name, in.Port),
			Side: wizard.SideServerHost, Install: in.InstallPath, Tool: "vsftpd",
			// vsftpd in the foreground with the installed file: "500 OOPS"
			// and exit when anything is wrong.
			Check: []Cmd{Sh("vsftpd", in.InstallPath)},
			Apply: []Cmd{
				Sh("install", "-m", "0644", "-o", "root", "-g", "root").File().Arg(in.InstallPath),
				Sh("systemctl", "restart", in.Unit),
			},
			Show:    []Cmd{Sh("systemctl", "status", in.Unit, "--no-pager")},
			Persist: "systemctl enable " + in.Unit,
			Remove:  []Cmd{Sh("systemctl", "disable", "--now", in.Unit)},
		}
		b, err := templates.Render("vsftpd.conf.tmpl", map[string]any{
			"Title": title, "Command": RegenerateCommand, "Instance": in, "Groups": groups,
			"CheckCmd": d.Check[0].Line(""), "RestartCmd": d.Apply[len(d.Apply)-1].Line(""),
		})
		if err != nil {
			return nil, err
		}
		out = append(out, File{Path: in.File, Mode: 0o644, Content: b, Desc: d})
	}
	return out, nil
}

func renderVsftpdUnits(p *wizard.Plan) ([]File, error) {
	var out []File
	mode, _ := p.Decision("ftps.mode")
	for _, in := range p.Server.Instances {
		if in.UnitFile == "" {
			continue
		}
		secure := ""
		if p.Server.Flavour == wizard.FlavourDebian {
			secure = "/var/run/vsftpd/empty"
		}
		b, err := templates.Render("vsftpd.service.tmpl", map[string]any{
			"Title":   fmt.Sprintf("systemd unit for the second vsftpd instance (%s FTPS, port %d)", in.Name, in.Port),
			"Command": RegenerateCommand, "Instance": in, "Why": mode.Why, "SecureChroot": secure,
			"OpenSSLConf": p.Server.OpenSSLConf,
			"ApplyCmd":    Sh("systemctl", "daemon-reload").Op("&&").Arg("systemctl", "enable", "--now", in.Unit).Line(""),
		})
		if err != nil {
			return nil, err
		}
		what := fmt.Sprintf("systemd unit %s that runs the %s instance", in.Unit, in.Name)
		if p.Server.OpenSSLConf != "" {
			what += " (it sets OPENSSL_CONF itself, for the TLS 1.2 cap)"
		}
		out = append(out, File{Path: in.UnitFile, Mode: 0o644, Content: b, Desc: Desc{
			What: what, Side: wizard.SideServerHost, Install: vsftpdUnitPath(in),
		}})
	}
	return out, nil
}

func renderUserList(p *wizard.Plan) ([]File, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# Install as %s: the accounts allowed to log in, one per line.\n", p.Server.UserListPath)
	for _, u := range p.Server.Users {
		b.WriteString(u + "\n")
	}
	return []File{{Path: vsftpdUserListFile, Mode: 0o644, Content: []byte(b.String()), Desc: Desc{
		What: "the users allowed to log in", Side: wizard.SideServerHost, Install: p.Server.UserListPath,
	}}}, nil
}

// renderOpenSSLCap writes the OpenSSL configuration that caps vsftpd at TLS
// 1.2 on builds without an option for it, and the systemd drop-in that
// hands it to the distribution's vsftpd unit (a unit ftpswiz writes sets
// it itself).
func renderOpenSSLCap(p *wizard.Plan) ([]File, error) {
	d, _ := p.Decision("tls.protocols")
	second := ""
	for _, in := range p.Server.Instances {
		if in.UnitFile != "" {
			second = in.UnitFile
		}
	}
	cnf, err := templates.Render("vsftpd-openssl.cnf.tmpl", map[string]any{
		"Command": RegenerateCommand, "Path": p.Server.OpenSSLConf, "Why": d.Why, "SecondUnit": second,
	})
	if err != nil {
		return nil, err
	}
	unit := p.Server.Instances[0].Unit
	dropIn, err := templates.Render("vsftpd-tls-dropin.conf.tmpl", map[string]any{
		"Command": RegenerateCommand, "Path": p.Server.OpenSSLConf, "Unit": unit,
		"ApplyCmd": Sh("systemctl", "daemon-reload").Op("&&").Arg("systemctl", "restart", unit).Line(""),
		"CheckCmd": Sh("systemctl", "show", "-p", "Environment", unit).Line(""),
	})
	if err != nil {
		return nil, err
	}
	dropInName := unit + ".d/ftpswiz-tls.conf"
	return []File{
		{Path: vsftpdOpenSSLFile, Mode: 0o644, Content: cnf, Desc: Desc{
			What: "OpenSSL configuration that caps vsftpd at TLS 1.2 (this vsftpd build has no option for it; " +
				"see the TLS versions decision)",
			Side: wizard.SideServerHost, Install: p.Server.OpenSSLConf,
		}},
		{Path: "server/" + dropInName, Mode: 0o644, Content: dropIn, Desc: Desc{
			What: fmt.Sprintf("systemd drop-in for the distribution's %s: starts vsftpd with OPENSSL_CONF=%s "+
				"(the TLS 1.2 cap)", unit, p.Server.OpenSSLConf),
			Side: wizard.SideServerHost, Install: "/etc/systemd/system/" + dropInName, Unit: unit,
		}},
	}, nil
}
