package generators

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// The apply steps of REPORT.md when vsftpd runs in a container: the engine,
// the files it mounts, the image and the container, the firewall for its
// published ports, the test.

// reportContainerFilter reports whether a file is one of the published-port
// filters (firewall_docker.go), by its backend table row.
func reportContainerFilter(f File) bool {
	for _, k := range []fwFileKind{fwKindDockerIptables, fwKindDockerNft} {
		if f.Path == fwBackendOf(k).Path(wizard.SideServerHost) {
			return true
		}
	}
	return false
}

func reportFile(outputs []File, p string) (File, bool) {
	i := slices.IndexFunc(outputs, func(f File) bool { return f.Path == p })
	if i < 0 {
		return File{}, false
	}
	return outputs[i], true
}

func reportContainerSteps(p *wizard.Plan, outputs []File) []reportStep {
	s := p.Server
	c := s.Container
	engine := string(c.Engine)
	var steps []reportStep

	// Engine.
	pkg := "docker.io docker-compose"
	if c.Engine == wizard.EnginePodman {
		pkg = "podman podman-compose"
	}
	text := fmt.Sprintf("Run everything below as root on the server host, in a copy of this output directory. "+
		"vsftpd runs in the %s container %s, built from server/container/Dockerfile: Debian's vsftpd "+
		"package on %s (the configuration uses its option names, %s).", engine, c.Name, c.BaseImage, s.Flavour)
	if c.Engine == wizard.EngineDocker {
		text += " Debian 12's docker-compose package is Compose v1: there, type docker-compose where the steps say docker compose."
	}
	code := []string{"apt-get install -y " + pkg}
	if c.Bridge() && c.Engine == wizard.EngineDocker {
		text += fmt.Sprintf(" Turn Docker's userland proxy off before the first start: with it, dockerd runs one "+
			"docker-proxy process per published port (%d here) and proxied connections reach vsftpd from the "+
			"bridge's address (see the Userland proxy decision). Merge the setting into an existing "+
			"/etc/docker/daemon.json instead of overwriting it.", s.Passive.Count()+1)
		code = append(code,
			`test -e /etc/docker/daemon.json || echo '{"userland-proxy": false}' > /etc/docker/daemon.json`,
			"grep userland-proxy /etc/docker/daemon.json",
			"systemctl restart docker")
	}
	if c.Engine == wizard.EnginePodman {
		text += " Podman restarts containers with a restart policy at boot only through podman-restart.service."
		code = append(code, "systemctl enable podman-restart.service")
	}
	steps = append(steps, reportStep{Title: "Install the container engine", Text: mdWrap(reportWidth, text), Code: mdCode(code...)})

	// Certificate.
	steps = append(steps, reportCertStep(p))

	// Mounted files.
	var inst []string
	inst = append(inst, Sh("install", "-d", "-m", "0755", "-o", "root", "-g", "root", c.ConfigDir, s.LocalRoot).Line(""))
	for _, f := range outputs {
		if f.Desc.Install == "" || !strings.HasPrefix(f.Desc.Install, c.ConfigDir+"/") {
			continue
		}
		mode := "0644"
		if f.Mode == 0o600 {
			mode = "0600"
		}
		inst = append(inst, Sh("install", "-m", mode, "-o", "root", "-g", "root", f.Path, f.Desc.Install).Line(""))
	}
	steps = append(steps, reportStep{
		Title: "Install the files the container mounts",
		Text: mdWrap(reportWidth, mdText(fmt.Sprintf("The container reads its configuration from %s on the host "+
			"(read-only) and the users' files from %s. First put a password hash after each name in "+
			"server/container/accounts (`openssl passwd -6` prints one; an account without a hash is "+
			"created locked). At every start the container creates these accounts, each locked into "+
			"%s/<user> (root-owned) with its upload directory, so nothing needs creating by hand.",
			c.ConfigDir, s.LocalRoot, s.LocalRoot))),
		Code: mdCode(inst...),
	})

	// Build and start.
	var blocks []string
	for _, path := range []string{containerCompose, containerRunScript} {
		if f, ok := reportFile(outputs, path); ok {
			blocks = append(blocks, reportUsage(f))
		}
	}
	start := "Build the image and start the container with one of these (the same container either way)."
	if c.Bridge() {
		start += fmt.Sprintf(" Both publish %d and the passive range %s on the same numbers: vsftpd announces "+
			"its own port numbers, so they cannot be remapped.", s.Instances[0].Port, s.Passive)
	}
	steps = append(steps, reportStep{Title: "Build and start the container", Text: mdWrap(reportWidth, start),
		Code: strings.Join(blocks, "\n\n")})

	// Check.
	check := []string{
		Sh(engine, "logs", "--tail", "20", c.Name).Line(""),
		Sh(engine, "exec", c.Name, "grep", "-E", "^(pasv_address|pasv_min_port|pasv_max_port)=", c.ConfigPath).Line(""),
	}
	if c.Bridge() {
		check = append(check, Sh(engine, "port", c.Name).Line(""))
	} else {
		check = append(check, "ss -ltnp | grep vsftpd")
	}
	for _, e := range c.Env {
		check = append(check, Sh(engine, "exec", c.Name, "printenv", e.Name).Line(""))
	}
	steps = append(steps, reportStep{
		Title: "Check the container",
		Text: mdWrap(reportWidth, "A `500 OOPS:` line in the log names a configuration problem (the container "+
			"then exits and restarts). The PASV settings must show the public address and the range; "+
			"the published ports must be exactly the control port and the range; OPENSSL_CONF carries the "+
			"TLS 1.2 cap. After a certificate renewal, restart the container: "+
			"`"+Sh(engine, "restart", c.Name).Line("")+"`."),
		Code: mdCode(check...),
	})

	// Firewall.
	var fw []File
	for _, f := range outputs {
		if reportContainerFilter(f) {
			fw = append(fw, f)
		}
	}
	if len(fw) > 0 {
		var fwBlocks []string
		for _, f := range fw {
			fwBlocks = append(fwBlocks, reportUsage(f))
		}
		why := ""
		if d, ok := p.Decision("container.firewall"); ok {
			why = d.Why
		}
		steps = append(steps, reportStep{
			Title: "Firewall for the published ports",
			Text: mdWrap(reportWidth, mdText(why+" ufw in particular: its rules sit in the INPUT chain, "+
				"so `ufw allow` and `ufw deny` neither open nor close a published port. Load one of these, "+
				"after the engine has started:")),
			Code: strings.Join(fwBlocks, "\n\n"),
		})
	}
	if st, ok := reportFirewallStep(p, wizard.SideServerHost, outputs); ok {
		if c.Bridge() {
			st.Text = mdWrap(reportWidth, "These host rules keep the host's own SSH as it was; their "+
				"FTPS rules matter only for vsftpd on the host itself, since the container's ports are "+
				"forwarded, not delivered to the host.") + "\n\n" + st.Text
		}
		steps = append(steps, st)
	}
	if st, ok := reportFirewallStep(p, wizard.SideServerRouter, outputs); ok {
		steps = append(steps, st)
	}
	steps = append(steps, reportCloudSteps(outputs)...)
	if st, ok := reportUnmanagedNATStep(p); ok {
		steps = append(steps, st)
	}
	steps = append(steps, reportTestStep(p, "Test from outside",
		"From a machine outside the server's network, check the certificate, then list and upload with "+
			"curl. The curl options make it use the address in the server's PASV reply, as strict clients "+
			"do, so a PASV reply naming the container's own address shows up here and not later at a "+
			"customer's."))
	return reportStepsNumbered(steps)
}
