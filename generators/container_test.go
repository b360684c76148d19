package generators

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
	"go.yaml.in/yaml/v3"
)

func dockerVPS(t testing.TB, edit func(a *wizard.Answers)) *wizard.Plan {
	t.Helper()
	return decideFile(t, filepath.Join("..", "testdata", "scenarios", "docker-vps", "answers.yaml"), edit)
}

// TestContainerPublishesTheSameNumbers: compose.yaml, run.sh and the
// Dockerfile's EXPOSE publish exactly the control port and the sized range,
// each on the same host and container port, and the DOCKER-USER and nft
// filters cover the same ports.
func TestContainerPublishesTheSameNumbers(t *testing.T) {
	for _, engine := range []wizard.ContainerEngine{wizard.EngineDocker, wizard.EnginePodman} {
		p := dockerVPS(t, func(a *wizard.Answers) { a.Server.Container.Engine = engine })
		files, err := Render(p)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"21:21", p.Server.Passive.String() + ":" + p.Server.Passive.String()}
		compose := string(fwFile(t, files, containerCompose).Content)
		var got []string
		for _, m := range regexp.MustCompile(`(?m)^      - "([0-9:-]+)"$`).FindAllStringSubmatch(compose, -1) {
			got = append(got, m[1])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s compose ports %v, want %v", engine, got, want)
		}
		run := string(fwFile(t, files, containerRunScript).Content)
		got = nil
		for _, m := range regexp.MustCompile(` -p ([0-9:-]+)`).FindAllStringSubmatch(run, -1) {
			got = append(got, m[1])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s run.sh ports %v, want %v", engine, got, want)
		}
		if !strings.Contains(run, string(engine)+" run -d --name ftpswiz-vsftpd --restart unless-stopped") {
			t.Errorf("%s run.sh: no run with the restart policy:\n%s", engine, run)
		}
		for _, m := range p.Server.Container.Mounts {
			spec := containerMountSpec(m)
			if !strings.Contains(run, "-v "+spec) || !strings.Contains(compose, `"`+spec+`"`) {
				t.Errorf("%s: mount %s missing from run.sh or compose.yaml", engine, spec)
			}
		}
		if !strings.Contains(run, "-e OPENSSL_CONF="+p.Server.OpenSSLConf) || !strings.Contains(compose, "OPENSSL_CONF: \""+p.Server.OpenSSLConf+"\"") {
			t.Errorf("%s: the TLS 1.2 cap is not in the container's environment", engine)
		}
		if df := string(fwFile(t, files, containerDockerfile).Content); !strings.Contains(df, "EXPOSE 21 "+p.Server.Passive.String()+"\n") ||
			!strings.Contains(df, "FROM debian:bookworm-slim\n") || !strings.Contains(df, "apt-get install -y --no-install-recommends vsftpd") {
			t.Errorf("%s Dockerfile:\n%s", engine, df)
		}
		ipt := string(fwFile(t, files, fwBackendOf(fwKindDockerIptables).Path(wizard.SideServerHost)).Content)
		hook := "DOCKER-USER"
		if engine == wizard.EnginePodman {
			hook = "FORWARD"
		}
		if !strings.Contains(ipt, "--ctorigdstport 21 ") || !strings.Contains(ipt, "--ctorigdstport "+strings.ReplaceAll(p.Server.Passive.String(), "-", ":")+" ") ||
			!strings.Contains(ipt, "iptables -I "+hook+" 1 -j FTPSWIZ-DOCKER-USER") {
			t.Errorf("%s DOCKER-USER file does not cover the published ports or hooks %s:\n%s", engine, hook, ipt)
		}
		vc := fwFile(t, files, "server/vsftpd.conf")
		if !strings.Contains(string(vc.Content), "\npasv_address=203.0.113.80\n") || vc.Desc.Install != "/etc/ftpswiz/vsftpd.conf" {
			t.Errorf("%s vsftpd.conf: pasv_address or install path wrong (%s)", engine, vc.Desc.Install)
		}
		for _, f := range files {
			if strings.HasPrefix(f.Path, "server/vsftpd.service.d/") {
				t.Errorf("%s: a systemd drop-in is written for a containerised vsftpd: %s", engine, f.Path)
			}
		}
	}
}

// TestContainerHostNetwork: network host publishes nothing, writes no
// forward-path filter and leaves pasv_address to the NAT decision.
func TestContainerHostNetwork(t *testing.T) {
	p := dockerVPS(t, func(a *wizard.Answers) { a.Server.Container.Network = wizard.NetworkHost })
	files, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	compose := string(fwFile(t, files, containerCompose).Content)
	if !strings.Contains(compose, "network_mode: host") || strings.Contains(compose, "ports:") {
		t.Errorf("compose.yaml for network host:\n%s", compose)
	}
	if run := string(fwFile(t, files, containerRunScript).Content); !strings.Contains(run, "--network host") || strings.Contains(run, " -p ") {
		t.Errorf("run.sh for network host:\n%s", run)
	}
	for _, f := range files {
		if strings.Contains(f.Path, "docker-user") {
			t.Errorf("network host: %s written", f.Path)
		}
	}
	if strings.Contains(string(fwFile(t, files, "server/vsftpd.conf").Content), "pasv_address=") {
		t.Error("network host with nat none: pasv_address set")
	}
}

// TestContainerScriptsParse: the entrypoint and run.sh are valid sh.
func TestContainerScriptsParse(t *testing.T) {
	files, err := Render(dockerVPS(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{containerEntrypoint, containerRunScript} {
		cmd := exec.Command("sh", "-n")
		cmd.Stdin = strings.NewReader(string(fwFile(t, files, path).Content))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: sh -n: %v %s", path, err, out)
		}
	}
}

// TestContainerRendererGuards: a hand-made plan with a value that would
// change the meaning of compose.yaml, the Dockerfile or a command is refused
// by the renderer, naming the field.
func TestContainerRendererGuards(t *testing.T) {
	for _, tc := range []struct {
		name, field string
		edit        func(c *wizard.ContainerPlan)
	}{
		{"newline in the name", "server.container.name", func(c *wizard.ContainerPlan) { c.Name = "x\nRUN reboot" }},
		{"space in the base image", "server.container.base_image", func(c *wizard.ContainerPlan) { c.BaseImage = "debian 12" }},
		{"quote in a mount", "a mounted path", func(c *wizard.ContainerPlan) { c.Mounts[0].Host = `/etc/"x` }},
		{"engine", "server.container.engine", func(c *wizard.ContainerPlan) { c.Engine = "lxc" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := dockerVPS(t, nil)
			c := *p.Server.Container
			c.Mounts = slices.Clone(c.Mounts)
			tc.edit(&c)
			p.Server.Container = &c
			_, err := renderContainer(p)
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("renderContainer: %v, want an error naming %s", err, tc.field)
			}
		})
	}
}

// TestContainerComposeYAML: compose.yaml parses as YAML with the keys of the
// Compose specification ftpswiz uses, and the same ports, environment and
// mounts as the plan.
func TestContainerComposeYAML(t *testing.T) {
	for _, network := range []wizard.ContainerNetwork{wizard.NetworkBridge, wizard.NetworkHost} {
		p := dockerVPS(t, func(a *wizard.Answers) { a.Server.Container.Network = network })
		files, err := Render(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Services map[string]map[string]yaml.Node `yaml:"services"`
		}
		content := fwFile(t, files, containerCompose).Content
		if err := yaml.Unmarshal(content, &doc); err != nil {
			t.Fatalf("compose.yaml: %v", err)
		}
		svc, ok := doc.Services["vsftpd"]
		if len(doc.Services) != 1 || !ok {
			t.Fatalf("services %v, want vsftpd only", doc.Services)
		}
		// Keys of the Compose specification's service element.
		known := []string{"build", "image", "container_name", "restart", "ports", "network_mode", "environment", "volumes"}
		for k := range svc {
			if !slices.Contains(known, k) {
				t.Errorf("service key %s is not one ftpswiz means to write", k)
			}
		}
		var ports, volumes []string
		var env map[string]string
		var restart string
		decode := func(key string, v any) error {
			n, ok := svc[key]
			if !ok {
				return nil
			}
			return n.Decode(v)
		}
		if err := decode("ports", &ports); err != nil {
			t.Error(err)
		}
		if err := decode("volumes", &volumes); err != nil {
			t.Error(err)
		}
		if err := decode("environment", &env); err != nil {
			t.Error(err)
		}
		if err := decode("restart", &restart); err != nil || restart != "unless-stopped" {
			t.Errorf("restart %q %v", restart, err)
		}
		c := p.Server.Container
		var want []string
		for _, pr := range c.Publish {
			want = append(want, pr.String()+":"+pr.String())
		}
		if !slices.Equal(ports, want) {
			t.Errorf("%s: ports %v, want %v", network, ports, want)
		}
		if len(volumes) != len(c.Mounts) {
			t.Errorf("%s: %d volumes, %d mounts", network, len(volumes), len(c.Mounts))
		}
		if env["OPENSSL_CONF"] != p.Server.OpenSSLConf {
			t.Errorf("%s: environment %v", network, env)
		}
	}
}
