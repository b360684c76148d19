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
	text := fmt.Sprintf("vsftpd runs in the %s container %s, built from server/container/Dockerfile: Debian's "+
		"vsftpd on %s (build %s).", engine, c.Name, c.BaseImage, s.Flavour)
	if c.Engine == wizard.EngineDocker {
		text += " Debian 12's docker-compose is Compose v1: type docker-compose where the steps say docker compose."
	}
	code := []string{"apt-get install -y " + pkg}
	if c.Bridge() && c.Engine == wizard.EngineDocker {
		text += " The userland proxy goes off before the first start; merge the setting into an existing " +
			"/etc/docker/daemon.json" + reportSee(p, "container.userland_proxy", "why") + "."
		code = append(code,
			`test -e /etc/docker/daemon.json || echo '{"userland-proxy": false}' > /etc/docker/daemon.json`,
			"grep userland-proxy /etc/docker/daemon.json  # must print: \"userland-proxy\": false",
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
		Text: mdWrap(reportWidth, mdText(fmt.Sprintf("First put a password hash after each name in "+
			"server/container/accounts (`openssl passwd -6` prints one; without one the account is locked). "+
			"The container reads %s (read-only) and %s, and creates the accounts at every start, each "+
			"locked into %s/<user> with its upload directory.", c.ConfigDir, s.LocalRoot, s.LocalRoot))),
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
		Sh(engine, "logs", "--tail", "20", c.Name).Line("") + "  # a 500 OOPS line names a configuration problem",
		Sh(engine, "exec", c.Name, "grep", "-E", "^(pasv_address|pasv_min_port|pasv_max_port)=", c.ConfigPath).Line("") +
			"  # must show the public address and the range",
	}
	if c.Bridge() {
		check = append(check, Sh(engine, "port", c.Name).Line("")+"  # must list the control port and the range, nothing else")
	} else {
		check = append(check, "ss -ltnp | grep vsftpd")
	}
	for _, e := range c.Env {
		check = append(check, Sh(engine, "exec", c.Name, "printenv", e.Name).Line(""))
	}
	steps = append(steps, reportStep{
		Title: "Check the container",
		Text: mdWrap(reportWidth, "On a 500 OOPS the container exits and restarts; after a certificate renewal, "+
			"restart it: `"+Sh(engine, "restart", c.Name).Line("")+"`."),
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
		steps = append(steps, reportStep{
			Title: "Firewall for the published ports",
			Text: mdWrap(reportWidth, "Published ports never reach the host's INPUT chain, so these rules filter the "+
				"forward path, and `ufw allow` or `ufw deny` neither open nor close a published port"+
				reportSee(p, "container.firewall", "why")+". Load one of these, after the engine has started:"),
			Code: strings.Join(fwBlocks, "\n\n"),
		})
	}
	if st, ok := reportFirewallStep(p, wizard.SideServerHost, outputs); ok {
		if c.Bridge() {
			st.Text = mdWrap(reportWidth, "Their FTPS rules matter only for a vsftpd on the host itself: the "+
				"container's ports are forwarded, not delivered to the host.") + "\n" + st.Text
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
		"From a machine outside the server's network: certificate, listing, upload. curl uses the address in "+
			"the PASV reply, as strict clients do, so a reply naming the container's own address shows up here."))
	return reportStepsNumbered(steps)
}
