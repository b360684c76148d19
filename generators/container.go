package generators

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// container: vsftpd in a container. server/container/ holds the build
// (Dockerfile, ftpswiz-entrypoint.sh), the way to run it (compose.yaml and
// run.sh, the same container both ways) and the account list; the
// vsftpd.conf, user list and OpenSSL configuration of the server group are
// installed into the container's config directory on the host and mounted.

const (
	containerDir        = "server/container/"
	containerDockerfile = containerDir + "Dockerfile"
	containerEntrypoint = containerDir + "ftpswiz-entrypoint.sh"
	containerCompose    = containerDir + "compose.yaml"
	containerRunScript  = containerDir + "run.sh"
	containerAccounts   = containerDir + "accounts"
	// containerEntrypointPath is where the image keeps the entrypoint.
	containerEntrypointPath = "/usr/local/sbin/ftpswiz-entrypoint"
)

// containerRenderers returns the renderers of the container group.
func containerRenderers() []Renderer {
	return []Renderer{{Name: "container", Applies: func(p *wizard.Plan) bool { return p.Containerised() }, Render: renderContainer}}
}

// containerHostPath is where a file vsftpd reads at inContainer lives on
// the host: the host side of its bind mount, or inContainer itself when vsftpd
// runs on the host.
func containerHostPath(p *wizard.Plan, inContainer string) string {
	if p.Server == nil || p.Server.Container == nil {
		return inContainer
	}
	for _, m := range p.Server.Container.Mounts {
		if m.Container == inContainer {
			return m.Host
		}
	}
	return inContainer
}

// containerValueRE is a value written into the Dockerfile, compose.yaml and
// the container's command line: a path, a name, an image reference.
var containerValueRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9/._@:+-]+$`) })

// containerCheck is the renderer's last check on the container plan.
func containerCheck(c *wizard.ContainerPlan) error {
	vals := [][2]string{{"server.container.name", c.Name}, {"server.container.name", c.Image},
		{"server.container.base_image", c.BaseImage}, {"server.container.config_dir", c.ConfigDir},
		{"server.container.engine", string(c.Engine)}}
	for _, m := range c.Mounts {
		vals = append(vals, [2]string{"a mounted path", m.Host}, [2]string{"a mounted path", m.Container})
	}
	for _, e := range c.Env {
		vals = append(vals, [2]string{"the environment", e.Name}, [2]string{"the environment", e.Value})
	}
	for _, v := range vals {
		if err := guardToken(v[1], containerValueRE()); err != nil {
			return fmt.Errorf("%s %q (from %s) %w", "value", v[1], v[0], err)
		}
	}
	for _, pr := range c.Publish {
		if pr.First < 1 || pr.Last > 65535 || pr.First > pr.Last {
			return fmt.Errorf("published range %s is not within 1-65535", pr)
		}
	}
	if c.Engine != wizard.EngineDocker && c.Engine != wizard.EnginePodman {
		return fmt.Errorf("engine %q (from server.container.engine) is neither docker nor podman", c.Engine)
	}
	return nil
}

// containerRunCmd is the engine's run command for the container.
func containerRunCmd(c *wizard.ContainerPlan) Cmd {
	cmd := Sh(string(c.Engine), "run", "-d", "--name", c.Name, "--restart", c.Restart)
	if c.Bridge() {
		for _, pr := range c.Publish {
			cmd = cmd.Arg("-p", pr.String()+":"+pr.String())
		}
	} else {
		cmd = cmd.Arg("--network", "host")
	}
	for _, e := range c.Env {
		cmd = cmd.Arg("-e", e.Name+"="+e.Value)
	}
	for _, m := range c.Mounts {
		cmd = cmd.Arg("-v", containerMountSpec(m))
	}
	return cmd.Arg(c.Image)
}

func containerMountSpec(m wizard.Mount) string {
	s := m.Host + ":" + m.Container
	if m.ReadOnly {
		s += ":ro"
	}
	return s
}

// composeCmd is the engine's compose command on the described compose
// file (compose resolves build: . against the file's directory).
func composeCmd(c *wizard.ContainerPlan, args ...string) Cmd {
	if c.Engine == wizard.EnginePodman {
		return Sh("podman-compose", "-f").File().Arg(args...)
	}
	return Sh("docker", "compose", "-f").File().Arg(args...)
}

// yamlString is s as a YAML double-quoted scalar (JSON's quoting is YAML's).
func yamlString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

func renderContainer(p *wizard.Plan) ([]File, error) {
	sp := p.Server
	c := sp.Container
	if err := containerCheck(c); err != nil {
		return nil, fmt.Errorf("%s: %w", containerDir, err)
	}
	if len(sp.Instances) != 1 {
		return nil, fmt.Errorf("%s: the container runs one vsftpd instance, the plan has %d", containerDir, len(sp.Instances))
	}
	in := sp.Instances[0]
	engine := string(c.Engine)
	restart := Sh(engine, "restart", c.Name)

	files := []File{}
	add := func(path string, mode fs.FileMode, content string, d Desc) error {
		if err := guardLines([]byte(content), true, func(int, string) error { return nil }); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		d.Side = wizard.SideServerHost
		files = append(files, File{Path: path, Mode: mode, Content: []byte(content), Desc: d})
		return nil
	}

	// Dockerfile.
	var df strings.Builder
	fmt.Fprintf(&df, "# Dockerfile: vsftpd from Debian's package, nothing from a third-party image.\n")
	fmt.Fprintf(&df, "# Generated by ftpswiz; regenerate with: %s\n", RegenerateCommand)
	fmt.Fprintf(&df, "# Build (in this directory): %s\n", Sh(engine, "build", "-t", c.Image, ".").Line(""))
	fmt.Fprintf(&df, "FROM %s\n", c.BaseImage)
	df.WriteString("RUN apt-get update \\\n" +
		" && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends vsftpd ssl-cert \\\n" +
		" && rm -rf /var/lib/apt/lists/* \\\n" +
		" && install -d -m 0755 /var/run/vsftpd/empty /etc/ftpswiz\n")
	fmt.Fprintf(&df, "COPY ftpswiz-entrypoint.sh %s\n", containerEntrypointPath)
	fmt.Fprintf(&df, "RUN chmod 0755 %s\n", containerEntrypointPath)
	var expose []string
	expose = append(expose, strconv.Itoa(in.Port), sp.Passive.String())
	fmt.Fprintf(&df, "EXPOSE %s\n", strings.Join(expose, " "))
	fmt.Fprintf(&df, "ENTRYPOINT [%s]\n", yamlString(containerEntrypointPath))
	fmt.Fprintf(&df, "CMD [%s, %s]\n", yamlString("vsftpd"), yamlString(c.ConfigPath))
	if err := add(containerDockerfile, 0o644, df.String(), Desc{
		What: "Dockerfile of the vsftpd image (Debian's vsftpd package on " + c.BaseImage + ")", Tool: engine + " build",
		Check: []Cmd{Sh(engine, "build", "-t", c.Image, "-f").File().Arg(strings.TrimSuffix(containerDir, "/"))},
	}); err != nil {
		return nil, err
	}

	// Entrypoint.
	ep, err := containerEntrypointScript(sp)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", containerEntrypoint, err)
	}
	if err := add(containerEntrypoint, 0o755, ep, Desc{
		What: "the image's entrypoint: creates the accounts from the mounted list, then runs vsftpd in the foreground",
		Tool: "sh", Check: []Cmd{Sh("sh", "-n").File()},
	}); err != nil {
		return nil, err
	}

	// Accounts.
	var ac strings.Builder
	fmt.Fprintf(&ac, "# Accounts the container creates at every start (install as %s, mode 0600).\n", c.AccountsFile)
	ac.WriteString("# One per line: name:password-hash. Make a hash with: openssl passwd -6\n")
	ac.WriteString("# An account without a hash (or with !) is created locked: it cannot log in.\n")
	ac.WriteString("# Keep the order and add new accounts at the end, so user ids stay the same.\n")
	users := sp.Users
	if len(users) == 0 {
		users = []string{"ftpuser"}
	}
	for _, u := range users {
		if !wizard.ValidUserName(u) {
			return nil, fmt.Errorf("%s: user %q (from server.vsftpd.users) is not a plain user name", containerAccounts, u)
		}
		ac.WriteString(u + ":!\n")
	}
	if err := add(containerAccounts, 0o600, ac.String(), Desc{
		What: "the account list the container reads at start (put a password hash after each name)", Install: c.AccountsFile,
		Apply: []Cmd{Sh("install", "-D", "-m", "0600", "-o", "root", "-g", "root").File().Arg(c.AccountsFile), restart},
	}); err != nil {
		return nil, err
	}

	// compose.yaml.
	var y strings.Builder
	fmt.Fprintf(&y, "# compose.yaml: vsftpd in a container, the same as run.sh.\n")
	fmt.Fprintf(&y, "# Generated by ftpswiz; regenerate with: %s\n", RegenerateCommand)
	fmt.Fprintf(&y, "# Start: %s\n", composeCmd(c, "up", "-d", "--build").Line("compose.yaml"))
	if c.Bridge() {
		y.WriteString("# Ports are published on the same numbers: vsftpd announces its own port numbers in PASV\n" +
			"# replies, so the passive range cannot be remapped. Filter them in DOCKER-USER, not with ufw\n" +
			"# (see firewall/server-host.docker-user.*): published ports never reach the INPUT chain.\n")
	}
	y.WriteString("services:\n  vsftpd:\n")
	fmt.Fprintf(&y, "    build: .\n    image: %s\n    container_name: %s\n    restart: %s\n",
		yamlString(c.Image), yamlString(c.Name), yamlString(c.Restart))
	if c.Bridge() {
		y.WriteString("    ports:\n")
		for _, pr := range c.Publish {
			fmt.Fprintf(&y, "      - %s\n", yamlString(pr.String()+":"+pr.String()))
		}
	} else {
		y.WriteString("    network_mode: host\n")
	}
	if len(c.Env) > 0 {
		y.WriteString("    environment:\n")
		for _, e := range c.Env {
			fmt.Fprintf(&y, "      %s: %s\n", e.Name, yamlString(e.Value))
		}
	}
	y.WriteString("    volumes:\n")
	for _, m := range c.Mounts {
		fmt.Fprintf(&y, "      - %s  # %s\n", yamlString(containerMountSpec(m)), m.What)
	}
	if err := add(containerCompose, 0o644, y.String(), Desc{
		What: "compose file running the vsftpd container", Tool: engine + " compose",
		Check: []Cmd{composeCmd(c, "config", "-q")},
		Apply: []Cmd{composeCmd(c, "up", "-d", "--build")},
		Show:  []Cmd{composeCmd(c, "ps"), Sh(engine, "logs", "--tail", "20", c.Name)},
		Persist: "nothing to do: restart " + c.Restart + " brings the container back at boot" +
			map[bool]string{true: " (with podman-restart.service enabled)", false: ""}[c.Engine == wizard.EnginePodman],
		Remove: []Cmd{composeCmd(c, "down")},
	}); err != nil {
		return nil, err
	}

	// run.sh.
	var r strings.Builder
	r.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&r, "# run.sh: the vsftpd container with %s run, the same as compose.yaml.\n", engine)
	fmt.Fprintf(&r, "# Generated by ftpswiz; regenerate with: %s\n", RegenerateCommand)
	r.WriteString("set -eu\ncd \"$(dirname \"$0\")\"\n")
	r.WriteString(Sh(engine, "build", "-t", c.Image, ".").Line("") + "\n")
	r.WriteString(Sh(engine, "rm", "-f", c.Name).Op(">/dev/null", "2>&1", "||", "true").Line("") + "\n")
	r.WriteString(containerRunCmd(c).Line("") + "\n")
	if err := add(containerRunScript, 0o755, r.String(), Desc{
		What: "builds the image and runs the container with " + engine + " run (instead of compose)", Tool: engine + " run",
		Check:  []Cmd{Sh("sh", "-n").File()},
		Apply:  []Cmd{Sh("sh").File()},
		Show:   []Cmd{Sh(engine, "ps", "--filter", "name="+c.Name)},
		Remove: []Cmd{Sh(engine, "rm", "-f", c.Name)},
	}); err != nil {
		return nil, err
	}
	return files, nil
}

// containerEntrypointScript is the image's entrypoint: it creates each
// account of the mounted list (names and hashes checked by the shell
// itself, hashes handed to chpasswd -e on standard input, never
// interpolated into a command), each chroot root-owned with its upload
// directory, then execs its arguments (vsftpd CONFIG).
func containerEntrypointScript(sp *wizard.ServerPlan) (string, error) {
	root := strings.TrimRight(sp.LocalRoot, "/")
	for _, v := range []string{root, sp.UploadDir} {
		if v != "" {
			if err := guardToken(v, containerValueRE()); err != nil {
				return "", fmt.Errorf("chroot value %q %w", v, err)
			}
		}
	}
	upload := ""
	if sp.WriteEnable && sp.UploadDir != "" {
		upload = sp.UploadDir
	}
	b, err := templates.Render("container-entrypoint.sh.tmpl", map[string]any{
		"AccountsPath": wizard.ContainerAccountsPath, "Accounts": shWord(wizard.ContainerAccountsPath),
		"Root": shWord(root), "Upload": shWord(upload),
	})
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// containerVsftpdDesc is the description of vsftpd.conf when vsftpd runs in
// the container: installed into the config directory it mounts, checked by
// the image's vsftpd, applied by restarting the container.
func containerVsftpdDesc(d Desc, c *wizard.ContainerPlan, in wizard.Instance) Desc {
	host := c.ConfigDir + "/vsftpd.conf"
	engine := string(c.Engine)
	d.What += ", mounted into the " + engine + " container " + c.Name
	d.Install = host
	d.Check = []Cmd{Sh(engine, "run", "--rm", "--network", "none", "-v", host+":"+in.InstallPath+":ro", c.Image, "vsftpd", in.InstallPath)}
	d.Apply = []Cmd{
		Sh("install", "-D", "-m", "0644", "-o", "root", "-g", "root").File().Arg(host),
		Sh(engine, "restart", c.Name),
	}
	d.Show = []Cmd{Sh(engine, "logs", "--tail", "20", c.Name)}
	d.Persist = "the container's restart policy (" + c.Restart + ") starts it at boot"
	d.Remove = []Cmd{Sh(engine, "rm", "-f", c.Name)}
	return d
}
