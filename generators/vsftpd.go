package generators

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/vsftpd"
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
		if err := checkVsftpdInstance(p.Server.Flavour, in, groups); err != nil {
			return nil, fmt.Errorf("%s: %w", in.File, err)
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
		if c := p.Server.Container; c != nil {
			d = containerVsftpdDesc(d, c, in)
		}
		b, err := templates.Render("vsftpd.conf.tmpl", map[string]any{
			"Title": title, "Command": RegenerateCommand, "Instance": in, "Groups": groups,
			"CheckCmd": d.Check[0].Line(""), "RestartCmd": d.Apply[len(d.Apply)-1].Line(""),
		})
		if err != nil {
			return nil, err
		}
		if err := checkVsftpdConf(groups, b); err != nil {
			return nil, fmt.Errorf("%s: %w", in.File, err)
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
		if err := checkUnitValues(in.Port, [][2]string{{"unit", in.Unit}, {"install path", in.InstallPath},
			{"instance name", in.Name}, {"OpenSSL configuration path", p.Server.OpenSSLConf}}); err != nil {
			return nil, fmt.Errorf("%s: %w", in.UnitFile, err)
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
		if err := checkKeyLines(b, "=", []string{"[Unit]", "[Service]", "[Install]"},
			[]string{"Description", "After", "Wants", "Type", "ExecStartPre", "Environment", "ExecStart",
				"ExecReload", "Restart", "WantedBy"}); err != nil {
			return nil, fmt.Errorf("%s: %w", in.UnitFile, err)
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
	const file = vsftpdUserListFile
	if err := guardToken(p.Server.UserListPath, unitTokenRE()); err != nil {
		return nil, fmt.Errorf("%s: install path %q (from server.vsftpd.flavour) %w", file, p.Server.UserListPath, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Install as %s: the accounts allowed to log in, one per line.\n", p.Server.UserListPath)
	for _, u := range p.Server.Users {
		if !wizard.ValidUserName(u) {
			return nil, fmt.Errorf("%s: user %q (from server.vsftpd.users) is not a plain user name "+
				"(a lower-case letter or _, then letters, digits, _ or -; at most 32)", file, u)
		}
		b.WriteString(u + "\n")
	}
	users := 0
	err := guardLines([]byte(b.String()), false, func(n int, s string) error {
		switch {
		case s == "" || n == 1 && strings.HasPrefix(s, "# "):
			return nil
		case !wizard.ValidUserName(s):
			return fmt.Errorf("not a user name")
		}
		users++
		return nil
	})
	if err == nil && users != len(p.Server.Users) {
		err = fmt.Errorf("%d user lines for %d users", users, len(p.Server.Users))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return []File{{Path: vsftpdUserListFile, Mode: 0o644, Content: []byte(b.String()), Desc: Desc{
		What: "the users allowed to log in", Side: wizard.SideServerHost, Install: containerHostPath(p, p.Server.UserListPath),
	}}}, nil
}

// checkUnitValues refuses a port outside 1-65535 and a value systemd
// would not read as one plain word (see unitTokenRE); an empty value is
// fine (the template leaves it out).
func checkUnitValues(port int, values [][2]string) error {
	if port < 1 || port > 65535 {
		return fmt.Errorf("port %d is not within 1-65535", port)
	}
	for _, v := range values {
		if v[1] == "" {
			continue
		}
		if err := guardToken(v[1], unitTokenRE()); err != nil {
			return fmt.Errorf("%s %q %w", v[0], v[1], err)
		}
	}
	return nil
}

// checkKeyLines is the last check of a rendered INI-style file (systemd
// unit or drop-in, OpenSSL configuration): every line is empty, a comment,
// one of the sections or "Key<sep>value" with one of the keys, each section
// and key at most once, and no value ends in a backslash (both formats
// would continue the line). Any other line means a value started a new
// line or section.
func checkKeyLines(content []byte, sep string, sections, keys []string) error {
	seen := map[string]bool{}
	once := func(k string) error {
		if seen[k] {
			return fmt.Errorf("%s appears twice: a value started a new line", k)
		}
		seen[k] = true
		return nil
	}
	return guardLines(content, false, func(n int, s string) error {
		switch {
		case s == "" || strings.HasPrefix(s, "#"):
			return nil
		case strings.HasPrefix(s, "["):
			if !slices.Contains(sections, s) {
				return fmt.Errorf("not one of the sections %s: a value started a new section", strings.Join(sections, " "))
			}
			return once(s)
		case strings.HasSuffix(s, "\\"):
			return fmt.Errorf("ends in a backslash, which continues the line")
		}
		k, _, ok := strings.Cut(s, sep)
		if !ok || !slices.Contains(keys, k) {
			return fmt.Errorf("not a \"key%svalue\" line with a known key: a value started a new line", sep)
		}
		return once(k)
	})
}

// tlsCapDropInFile is the output path of the TLS cap's drop-in for unit.
func tlsCapDropInFile(unit string) string { return "server/" + unit + ".d/ftpswiz-tls.conf" }

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
	unit := p.Server.Instances[0].Unit
	if err := checkUnitValues(p.Server.Instances[0].Port, [][2]string{{"OpenSSL configuration path", p.Server.OpenSSLConf},
		{"second unit file", second}, {"unit", unit}}); err != nil {
		return nil, fmt.Errorf("server/vsftpd-openssl.cnf: %w", err)
	}
	cnf, err := templates.Render("vsftpd-openssl.cnf.tmpl", map[string]any{
		"Command": RegenerateCommand, "Path": p.Server.OpenSSLConf, "Why": d.Why, "SecondUnit": second,
	})
	if err != nil {
		return nil, err
	}
	if err := checkKeyLines(cnf, " = ", []string{"[openssl_init]", "[ssl_sect]", "[system_default_sect]"},
		[]string{"openssl_conf", "ssl_conf", "system_default", "MinProtocol", "MaxProtocol", "CipherString"}); err != nil {
		return nil, fmt.Errorf("server/vsftpd-openssl.cnf: %w", err)
	}
	dropIn, err := templates.Render("vsftpd-tls-dropin.conf.tmpl", map[string]any{
		"Command": RegenerateCommand, "Path": p.Server.OpenSSLConf, "Unit": unit,
		"ApplyCmd": Sh("systemctl", "daemon-reload").Op("&&").Arg("systemctl", "restart", unit).Line(""),
		"CheckCmd": Sh("systemctl", "show", "-p", "Environment", unit).Line(""),
	})
	if err != nil {
		return nil, err
	}
	dropInName := strings.TrimPrefix(tlsCapDropInFile(unit), "server/")
	if err := checkKeyLines(dropIn, "=", []string{"[Service]"}, []string{"Environment"}); err != nil {
		return nil, fmt.Errorf("server/%s: %w", dropInName, err)
	}
	cnfFile := File{Path: vsftpdOpenSSLFile, Mode: 0o644, Content: cnf, Desc: Desc{
		What: "OpenSSL configuration that caps vsftpd at TLS 1.2 (this vsftpd build has no option for it; " +
			"see the TLS versions decision)",
		Side: wizard.SideServerHost, Install: containerHostPath(p, p.Server.OpenSSLConf),
	}}
	if p.Containerised() {
		// The container's environment names it (OPENSSL_CONF): no systemd drop-in.
		return []File{cnfFile}, nil
	}
	return []File{
		cnfFile,
		{Path: "server/" + dropInName, Mode: 0o644, Content: dropIn, Desc: Desc{
			What: fmt.Sprintf("systemd drop-in for the distribution's %s: starts vsftpd with OPENSSL_CONF=%s "+
				"(the TLS 1.2 cap)", unit, p.Server.OpenSSLConf),
			Side: wizard.SideServerHost, Install: "/etc/systemd/system/" + dropInName, Unit: unit,
		}},
	}, nil
}

// ---- the renderers' last checks ------------------------------------------------

var (
	// vsftpdKeyRE is a vsftpd option name (parseconf.c's tables).
	vsftpdKeyRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9_]*$`) })
	// unitTokenRE is a value systemd reads as one word with nothing
	// expanded: no white space, quotes, backslash, % specifiers or $
	// variables.
	unitTokenRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9/._@:+-]+$`) })
)

// vsftpdOptionFields names the answer each vsftpd option's value comes
// from, for the renderer's errors; options not listed are ftpswiz's own.
var vsftpdOptionFields = map[string]string{
	"listen_port":          "ftps.explicit_port / ftps.implicit_port",
	"rsa_cert_file":        "server.tls.cert_file",
	"rsa_private_key_file": "server.tls.key_file",
	"require_ssl_reuse":    "server.tls.require_ssl_reuse",
	"pasv_min_port":        "server.passive_start",
	"pasv_max_port":        "server.passive_start and server.capacity",
	"pasv_address":         "server.public_address",
	"max_clients":          "server.capacity.concurrent_clients",
	"max_per_ip":           "server.capacity.per_client_limit",
	"userlist_file":        "server.vsftpd.flavour",
	"local_root":           "server.vsftpd.local_root",
	"secure_chroot_dir":    "server.vsftpd.flavour",
	"write_enable":         "server.vsftpd.write_enable",
}

// vsftpdDecisionFields names the answers a decision's title and value
// (the group headings of vsftpd.conf) are made of.
var vsftpdDecisionFields = map[string]string{
	"tls.certificate":     "server.tls.cert_file",
	"vsftpd.chroot":       "server.vsftpd.local_root / server.vsftpd.upload_dir",
	"vsftpd.userlist":     "server.vsftpd.users",
	"vsftpd.pasv_address": "server.public_address",
	"passive.range":       "server.passive_start and server.capacity",
}

func fieldOr(m map[string]string, key string) string {
	if f, ok := m[key]; ok {
		return "from " + f
	}
	return "set by ftpswiz"
}

// checkVsftpdInstance refuses, before rendering, an instance whose options
// would not come out as one "key=value" line each: an option name the
// build does not know (vsftpd refuses to start) or that is not a plain
// name, a value with a line break, control character, Unicode separator,
// '#' or outer white space, a boolean that is not YES/NO, a number that is
// not digits; and a group heading or path in the file's comments that
// would start a new line. Decide validates the answers; this guards the
// renderer against a plan made by hand or a value that slipped through.
func checkVsftpdInstance(fl wizard.Flavour, in wizard.Instance, groups []optionGroup) error {
	for _, f := range [][2]string{{"install path", in.InstallPath}, {"unit", in.Unit}, {"instance name", in.Name}} {
		if err := guardToken(f[1], unitTokenRE()); err != nil {
			return fmt.Errorf("%s %q %w", f[0], f[1], err)
		}
	}
	if err := guardValue(string(fl)); err != nil {
		return fmt.Errorf("flavour %q %w", fl, err)
	}
	for _, g := range groups {
		for _, f := range [][2]string{{"title", g.Title}, {"value", g.Value}} {
			if err := guardValue(f[1]); err != nil {
				return fmt.Errorf("decision %s (%s): %s %q %w", g.Key, fieldOr(vsftpdDecisionFields, g.Key), f[0], f[1], err)
			}
		}
		for _, o := range g.Options {
			if err := checkVsftpdOption(fl, o); err != nil {
				return fmt.Errorf("option %q (decision %s, %s): %w", o.Key, o.Decision, fieldOr(vsftpdOptionFields, o.Key), err)
			}
		}
	}
	return checkVsftpdPorts(in)
}

// checkVsftpdPorts refuses a control or passive port outside 1-65535 and a
// reversed passive range (vsftpd then silently uses up to 65535).
func checkVsftpdPorts(in wizard.Instance) error {
	ports := map[string]int{}
	for _, key := range []string{"listen_port", "pasv_min_port", "pasv_max_port"} {
		v, ok := in.Lookup(key)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("option %q (%s): %q is not a port within 1-65535", key, fieldOr(vsftpdOptionFields, key), v)
		}
		ports[key] = n
	}
	if lo, hi := ports["pasv_min_port"], ports["pasv_max_port"]; lo > 0 && hi > 0 && lo > hi {
		return fmt.Errorf("passive range %d-%d (%s) is reversed", lo, hi, fieldOr(vsftpdOptionFields, "pasv_max_port"))
	}
	if in.Port < 1 || in.Port > 65535 {
		return fmt.Errorf("instance %s: port %d is not within 1-65535", in.Name, in.Port)
	}
	return nil
}

func checkVsftpdOption(fl wizard.Flavour, o wizard.Option) error {
	if !vsftpdKeyRE().MatchString(o.Key) {
		return fmt.Errorf("not a plain vsftpd option name")
	}
	kind, known := vsftpd.Lookup(fl, o.Key)
	if !known {
		return fmt.Errorf("vsftpd (%s) does not know this option and would refuse to start", fl)
	}
	if err := guardValue(o.Value); err != nil {
		return fmt.Errorf("value %q %w", o.Value, err)
	}
	switch {
	case o.Value == "":
		return fmt.Errorf("empty value")
	case strings.Contains(o.Value, "#"):
		return fmt.Errorf("value %q contains '#' (vsftpd reads it literally, people and tools read a comment)", o.Value)
	case kind == vsftpd.Bool && o.Value != "YES" && o.Value != "NO":
		return fmt.Errorf("value %q is not YES or NO", o.Value)
	case kind == vsftpd.Uint && strings.Trim(o.Value, "0123456789") != "":
		return fmt.Errorf("value %q is not a whole number", o.Value)
	case kind == vsftpd.Uint:
		// vsftpd reads numbers with atoi into an int: larger ones wrap
		// (2147483648000 becomes 0, which means unlimited for max_clients).
		if n, err := strconv.ParseInt(o.Value, 10, 32); err != nil || n < 0 {
			return fmt.Errorf("value %q is larger than vsftpd's limit 2147483647 (it would wrap around)", o.Value)
		}
	}
	return nil
}

// checkVsftpdConf is the last check of a rendered vsftpd.conf: every line
// is empty, a comment, or exactly one "key=value" line, and those lines
// are the instance's options, in the order of their groups, and nothing
// else. Any other line
// means a value started a new line, and rendering fails naming it and the
// group heading above it.
func checkVsftpdConf(groups []optionGroup, content []byte) error {
	var opts []wizard.Option
	for _, g := range groups {
		opts = append(opts, g.Options...)
	}
	next := 0
	heading := "the file's header"
	err := guardLines(content, false, func(n int, s string) error {
		switch {
		case s == "":
			return nil
		case strings.HasPrefix(s, "# --- "):
			heading = s
			return nil
		case strings.HasPrefix(s, "#"):
			return nil
		}
		if next >= len(opts) {
			return fmt.Errorf("an option line after the last planned option (under %q): a value started a new line", heading)
		}
		o := opts[next]
		if want := o.Key + "=" + o.Value; s != want {
			return fmt.Errorf("expected the planned option %q (decision %s, %s) here (under %q): a value started a new line",
				want, o.Decision, fieldOr(vsftpdOptionFields, o.Key), heading)
		}
		next++
		return nil
	})
	if err == nil && next < len(opts) {
		o := opts[next]
		err = fmt.Errorf("the planned option %s=%s (decision %s) is missing from the rendered file", o.Key, o.Value, o.Decision)
	}
	return err
}
