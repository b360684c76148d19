package wizard

import (
	"errors"
	"strings"
	"testing"
)

// vps is the natural answer of issue 17: the VPS has the public address
// itself (nat none) and vsftpd runs in a container.
func vps(c *Container) Answers {
	return Answers{Version: 1, Role: RoleServer, Server: &Server{
		PublicAddress: "203.0.113.10", NAT: NATNone, AdminNetwork: "198.51.100.0/24",
		AllowedClients: []string{"192.0.2.0/24"},
		Capacity:       Capacity{Transfers: 16},
		Vsftpd:         Vsftpd{Users: []string{"acme"}},
		Container:      c,
	}, Firewalls: []Firewall{FirewallNftables, FirewallIptables}}
}

func pasvAddress(p *Plan) (string, bool) { return p.Server.Instances[0].Lookup("pasv_address") }

func TestContainerPasvAddress(t *testing.T) {
	for _, tc := range []struct {
		name    string
		c       *Container
		nat     ServerNAT
		want    string
		wantSet bool
	}{
		{"no container, nat none: default", nil, NATNone, "", false},
		{"bridge, nat none: the public address", &Container{}, NATNone, "203.0.113.10", true},
		{"podman bridge, nat none", &Container{Engine: EnginePodman}, NATNone, "203.0.113.10", true},
		{"host network, nat none: as on the host", &Container{Network: NetworkHost}, NATNone, "", false},
		{"bridge behind one-to-one NAT", &Container{}, NATOneToOne, "203.0.113.10", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := vps(tc.c)
			a.Server.NAT = tc.nat
			if tc.nat.Behind() {
				a.Server.HostAddress = "10.0.0.5"
			}
			p := decide(t, a)
			checkPlan(t, p)
			got, ok := pasvAddress(p)
			if ok != tc.wantSet || got != tc.want {
				t.Errorf("pasv_address = %q (set %v), want %q (set %v)", got, ok, tc.want, tc.wantSet)
			}
		})
	}
}

func TestContainerPlan(t *testing.T) {
	p := decide(t, vps(&Container{}))
	c := p.Server.Container
	if c == nil || !p.Containerised() {
		t.Fatal("no container plan")
	}
	if c.Engine != EngineDocker || c.Network != NetworkBridge || c.Name != DefaultContainerName ||
		c.Image != DefaultContainerName+":ftpswiz" || c.BaseImage != DefaultContainerBaseImage || c.Restart != "unless-stopped" {
		t.Errorf("defaults: %+v", c)
	}
	// Exactly the control port and the sized range, on the same numbers.
	if len(c.Publish) != 2 || c.Publish[0] != Port(21) || c.Publish[1] != p.Server.Passive {
		t.Errorf("publish %v, want 21 and %v", c.Publish, p.Server.Passive)
	}
	if p.Server.Flavour != FlavourDebian {
		t.Errorf("flavour %s, want %s (the image's vsftpd)", p.Server.Flavour, FlavourDebian)
	}
	if len(c.Env) != 1 || c.Env[0] != (EnvVar{"OPENSSL_CONF", p.Server.OpenSSLConf}) {
		t.Errorf("env %v, want OPENSSL_CONF=%s (the TLS 1.2 cap)", c.Env, p.Server.OpenSSLConf)
	}
	want := map[string]string{ // container path -> host path
		"/etc/vsftpd.conf":    "/etc/ftpswiz/vsftpd.conf",
		ContainerAccountsPath: "/etc/ftpswiz/accounts",
		p.Server.OpenSSLConf:  "/etc/ftpswiz/vsftpd-openssl.cnf",
		p.Server.UserListPath: "/etc/ftpswiz/vsftpd.user_list",
		p.Server.CertFile:     p.Server.CertFile,
		p.Server.KeyFile:      p.Server.KeyFile,
		p.Server.LocalRoot:    p.Server.LocalRoot,
	}
	for _, m := range c.Mounts {
		if h, ok := want[m.Container]; !ok || h != m.Host {
			t.Errorf("mount %s -> %s unexpected (want host %q)", m.Host, m.Container, h)
		}
		if m.ReadOnly == (m.Container == p.Server.LocalRoot) {
			t.Errorf("mount %s: read-only %v", m.Container, m.ReadOnly)
		}
		delete(want, m.Container)
	}
	if len(want) > 0 {
		t.Errorf("mounts missing: %v", want)
	}
	for _, key := range []string{"container.network", "container.image", "container.restart", "container.tls_cap", "container.firewall", "container.userland_proxy"} {
		if _, ok := p.Decision(key); !ok {
			t.Errorf("decision %s missing", key)
		}
	}
	host := decide(t, vps(&Container{Network: NetworkHost}))
	if len(host.Server.Container.Publish) != 0 {
		t.Errorf("host network publishes %v", host.Server.Container.Publish)
	}
	if _, ok := host.Decision("container.firewall"); ok {
		t.Error("host network: the forward-path filter decision is made, but the host rules govern the ports")
	}
}

func TestContainerUserlandProxyWarning(t *testing.T) {
	for _, tc := range []struct {
		transfers int
		engine    ContainerEngine
		warn      bool
	}{{16, EngineDocker, false}, {500, EngineDocker, true}, {500, EnginePodman, false}} {
		a := vps(&Container{Engine: tc.engine})
		a.Server.Capacity.Transfers = tc.transfers
		d, ok := decide(t, a).Decision("container.userland_proxy")
		if !ok || d.Warning != tc.warn {
			t.Errorf("%d transfers, %s: warning %v, want %v", tc.transfers, tc.engine, d.Warning, tc.warn)
		}
	}
}

func TestContainerValidation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(a *Answers)
		field string
	}{
		{"bad engine", func(a *Answers) { a.Server.Container.Engine = "lxc" }, "server.container.engine"},
		{"bad network", func(a *Answers) { a.Server.Container.Network = "macvlan" }, "server.container.network"},
		{"name with a space", func(a *Answers) { a.Server.Container.Name = "ftp server" }, "server.container.name"},
		{"name with shell syntax", func(a *Answers) { a.Server.Container.Name = "x;reboot" }, "server.container.name"},
		{"upper-case name", func(a *Answers) { a.Server.Container.Name = "FTP" }, "server.container.name"},
		{"relative config dir", func(a *Answers) { a.Server.Container.ConfigDir = "etc/ftpswiz" }, "server.container.config_dir"},
		{"config dir /", func(a *Answers) { a.Server.Container.ConfigDir = "/" }, "server.container.config_dir"},
		{"base image with a newline", func(a *Answers) { a.Server.Container.BaseImage = "debian:12\nRUN rm -rf /" }, "server.container.base_image"},
		{"not a Debian image", func(a *Answers) { a.Server.Container.BaseImage = "alpine:3.20" }, "server.container.base_image"},
		{"mode both", func(a *Answers) { a.FTPS.Mode = ModeBoth }, "server.container"},
		{"IPv6", func(a *Answers) { a.Server.IPv6Address = "2001:db8::10" }, "server.ipv6_address"},
		{"rhel flavour", func(a *Answers) { a.Server.Vsftpd.Flavour = FlavourRHEL }, "server.vsftpd.flavour"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := vps(&Container{})
			tc.edit(&a)
			_, err := Decide(a)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Decide: %v, want a validation error", err)
			}
			found := false
			for _, f := range ve.Fields {
				found = found || f.Field == tc.field && f.Fix != ""
			}
			if !found {
				t.Errorf("no error with a fix for %s: %v", tc.field, err)
			}
		})
	}
	for _, img := range []string{"debian:bookworm-slim", "registry.example.com:5000/mirror/debian:12", "debian@sha256:" + strings.Repeat("a", 64)} {
		a := vps(&Container{BaseImage: img})
		if _, err := Decide(a); err != nil {
			t.Errorf("base image %s: %v", img, err)
		}
	}
}

func TestContainerDecodeYAML(t *testing.T) {
	a, err := DecodeAnswers([]byte("version: 1\nrole: server\nserver:\n  public_address: 203.0.113.10\n  capacity: {concurrent_transfers: 4}\n  container: {engine: podman, network: host, colour: red}\n"))
	if err == nil || !strings.Contains(err.Error(), "colour") {
		t.Fatalf("unknown key not rejected: %v %+v", err, a)
	}
}

func TestContainerRefusedForSFTP(t *testing.T) {
	a := vps(&Container{})
	a.Protocol = ProtocolSFTP
	a.Server.Capacity, a.Server.Vsftpd = Capacity{}, Vsftpd{}
	_, err := Decide(a)
	var ve *ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "server.container") {
		t.Fatalf("Decide: %v, want an error naming server.container", err)
	}
}
