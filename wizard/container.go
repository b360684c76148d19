package wizard

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/ftpswiz/ftpswiz/explain"
	"github.com/ftpswiz/ftpswiz/internal/chars"
)

// Container says vsftpd runs in a container on the server host (Docker or
// Podman), built from a generated Dockerfile on a Debian base with Debian's
// vsftpd package.
type Container struct {
	// Engine is docker (default) or podman.
	Engine ContainerEngine `yaml:"engine"`
	// Network is bridge (default: the engine publishes the control port and
	// the passive range) or host (the container shares the host's network).
	Network ContainerNetwork `yaml:"network"`
	// Name is the container's name and its image's name. Default ftpswiz-vsftpd.
	Name string `yaml:"name"`
	// ConfigDir is the host directory holding the files the container
	// mounts (vsftpd.conf, the account list, the user list, the OpenSSL
	// configuration). Default /etc/ftpswiz.
	ConfigDir string `yaml:"config_dir"`
	// BaseImage is the Debian image the Dockerfile starts FROM. Default
	// debian:bookworm-slim (Debian 12, whose vsftpd is 3.0.3).
	BaseImage string `yaml:"base_image"`
}

// ContainerEngine is the container engine that runs vsftpd.
type ContainerEngine string

// Container engines.
const (
	EngineDocker ContainerEngine = "docker"
	EnginePodman ContainerEngine = "podman"
)

// ContainerEngines lists the valid engines.
func ContainerEngines() []ContainerEngine { return []ContainerEngine{EngineDocker, EnginePodman} }

// ContainerNetwork is how the container is networked.
type ContainerNetwork string

// Container networks.
const (
	NetworkBridge ContainerNetwork = "bridge" // own network namespace; ports published by DNAT
	NetworkHost   ContainerNetwork = "host"   // the host's network namespace
)

// ContainerNetworks lists the valid networks.
func ContainerNetworks() []ContainerNetwork {
	return []ContainerNetwork{NetworkBridge, NetworkHost}
}

// podmanRestart is what podman's restart policy does (the restart
// decision and the engine question say it).
const podmanRestart = "restarts the container when it exits; at boot, only with podman-restart.service " +
	"enabled (systemctl enable podman-restart.service), which restarts containers with a restart policy."

// Container defaults.
const (
	DefaultContainerName      = "ftpswiz-vsftpd"
	DefaultContainerConfigDir = "/etc/ftpswiz"
	DefaultContainerBaseImage = "debian:bookworm-slim"
	// ContainerAccountsPath is where the container reads its account list.
	ContainerAccountsPath = "/etc/ftpswiz/accounts"
	// ContainerRestart is the restart policy of the container.
	ContainerRestart = "unless-stopped"
)

var (
	// containerNameRE is a name Docker and Podman accept for a container
	// and as an image repository: lower case, so it serves as both.
	// (^[a-z0-9][a-z0-9_.-]{0,62}$, checked byte by byte.)
	containerNameFirst, containerNameRest = chars.NewSet("a-z0-9"), chars.NewSet("a-z0-9_.-")
	// baseImageRE is an image reference: repository path, optional tag,
	// optional sha256 digest; nothing a Dockerfile or shell reads as syntax.
	baseImageRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$`)
	})
)

// ContainerPlan is how the vsftpd container is built and run.
type ContainerPlan struct {
	Engine  ContainerEngine
	Network ContainerNetwork
	// Name is the container's name; Image the image built from the
	// generated Dockerfile (Name + ":ftpswiz").
	Name, Image string
	BaseImage   string
	ConfigDir   string
	// Publish are the published ports (bridge only), each published on the
	// same port number: the control port(s), then the passive range.
	Publish []PortRange
	// Mounts are bind mounts from the host, in order.
	Mounts []Mount
	// Env is the container's environment (the TLS 1.2 cap's OPENSSL_CONF).
	Env []EnvVar
	// Restart is the restart policy ("unless-stopped").
	Restart string
	// AccountsFile is the host path of the account list.
	AccountsFile string
	// ConfigPath is where vsftpd reads its config inside the container.
	ConfigPath string
}

// Mount is one bind mount into the container.
type Mount struct {
	Host, Container string
	ReadOnly        bool
	// What says what the mount carries.
	What string
}

// EnvVar is one environment variable of the container.
type EnvVar struct{ Name, Value string }

// Bridge reports whether the container has its own network namespace,
// reached through published (DNATed) ports.
func (c *ContainerPlan) Bridge() bool { return c != nil && c.Network == NetworkBridge }

// Containerised reports whether the plan runs vsftpd in a container.
func (p *Plan) Containerised() bool { return p.Server != nil && p.Server.Container != nil }

// bridged reports whether the answers run vsftpd in a bridge-networked
// container.
func bridged(s *Server) bool {
	return s != nil && s.Container != nil && s.Container.Network == NetworkBridge
}

func normalizeContainer(s *Server) {
	if s.Container == nil {
		return
	}
	c := *s.Container
	if c.Engine == "" {
		c.Engine = EngineDocker
	}
	if c.Network == "" {
		c.Network = NetworkBridge
	}
	if c.Name == "" {
		c.Name = DefaultContainerName
	}
	if c.ConfigDir == "" {
		c.ConfigDir = DefaultContainerConfigDir
	}
	if c.BaseImage == "" {
		c.BaseImage = DefaultContainerBaseImage
	}
	// The image installs Debian's vsftpd: its option names, not the
	// host's build, apply.
	if s.Vsftpd.Flavour == "" || s.Vsftpd.Flavour == FlavourAuto {
		s.Vsftpd.Flavour = FlavourDebian
	}
	s.Container = &c
}

func (v *validator) container(s *Server, f FTPS) {
	c := s.Container
	if c == nil {
		return
	}
	if v.sftp {
		v.add("server.container", "remove container: (ftpswiz runs only vsftpd in a container), or set protocol: ftps",
			"is for vsftpd, but protocol is sftp")
		return
	}
	v.enum("server.container.engine", string(c.Engine), strs(ContainerEngines()))
	v.enum("server.container.network", string(c.Network), strs(ContainerNetworks()))
	if !chars.Run(c.Name, 1, 63, containerNameFirst, containerNameRest) {
		v.add("server.container.name", "use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit (at most 63), e.g. ftpswiz-vsftpd",
			"%q is not a container name Docker and Podman accept as container and image name", clip(c.Name))
	}
	if err := CheckAbsPath(c.ConfigDir); err != nil {
		v.add("server.container.config_dir", "give an absolute directory on the host such as /etc/ftpswiz", "%v", err)
	} else if c.ConfigDir == "/" {
		v.add("server.container.config_dir", "give a directory of its own such as /etc/ftpswiz", "must not be /")
	}
	if len(c.BaseImage) > 255 || !baseImageRE().MatchString(c.BaseImage) {
		v.add("server.container.base_image", "give a Debian image reference such as debian:bookworm-slim (repository[:tag][@sha256:digest])",
			"%q is not an image reference", clip(c.BaseImage))
	} else if !strings.Contains(strings.SplitN(c.BaseImage, "@", 2)[0], "debian") {
		v.add("server.container.base_image", "use a Debian image (debian:bookworm-slim, or your own copy whose name says debian): the Dockerfile installs Debian's vsftpd package with apt-get",
			"%q does not look like a Debian image", clip(c.BaseImage))
	}
	if f.Mode == ModeBoth {
		v.add("server.container", "choose ftps.mode explicit or implicit for the container (or plan a second container with its own answers)",
			"runs one vsftpd instance, but mode both needs two")
	}
	if s.IPv6Address != "" || s.DNSRecords.HasAAAA() {
		v.add("server.ipv6_address", "remove ipv6_address (and dns_records aaaa/both) for the container, or run vsftpd on the host: ftpswiz plans a container over IPv4",
			"is given, but a container's published ports are planned for IPv4 only (Docker's IPv6 needs its own daemon settings)")
	}
	if s.Vsftpd.Flavour != FlavourDebian {
		v.add("server.vsftpd.flavour", "set flavour: debian-3.0.3 (or leave it out): the generated image installs Debian's vsftpd",
			"is %s, but the container runs Debian's vsftpd 3.0.3", s.Vsftpd.Flavour)
	}
}

// decideContainer plans the container (after the instances are known).
func (d *decider) decideContainer() {
	s := d.a.Server
	sp := d.p.Server
	if s.Container == nil {
		return
	}
	c := s.Container
	cp := &ContainerPlan{
		Engine: c.Engine, Network: c.Network, Name: c.Name, Image: c.Name + ":ftpswiz",
		BaseImage: c.BaseImage, ConfigDir: c.ConfigDir, Restart: ContainerRestart,
		AccountsFile: c.ConfigDir + "/accounts",
	}
	in := sp.Instances[0]
	cp.ConfigPath = in.InstallPath
	cp.Mounts = append(cp.Mounts,
		Mount{Host: c.ConfigDir + "/vsftpd.conf", Container: in.InstallPath, ReadOnly: true, What: "vsftpd's configuration"},
		Mount{Host: cp.AccountsFile, Container: ContainerAccountsPath, ReadOnly: true, What: "the accounts the container creates at start"},
	)
	if sp.UserListPath != "" {
		cp.Mounts = append(cp.Mounts, Mount{Host: c.ConfigDir + "/vsftpd.user_list", Container: sp.UserListPath, ReadOnly: true, What: "the allow-list of accounts"})
	}
	if sp.OpenSSLConf != "" {
		cp.Mounts = append(cp.Mounts, Mount{Host: c.ConfigDir + "/vsftpd-openssl.cnf", Container: sp.OpenSSLConf, ReadOnly: true, What: "the OpenSSL configuration capping TLS at 1.2"})
		cp.Env = append(cp.Env, EnvVar{Name: "OPENSSL_CONF", Value: sp.OpenSSLConf})
	}
	cp.Mounts = append(cp.Mounts,
		Mount{Host: sp.CertFile, Container: sp.CertFile, ReadOnly: true, What: "the certificate"},
		Mount{Host: sp.KeyFile, Container: sp.KeyFile, ReadOnly: true, What: "the private key"},
		Mount{Host: sp.LocalRoot, Container: sp.LocalRoot, What: "the users' files (their chroots)"},
	)
	if cp.Bridge() {
		cp.Publish = append(cp.Publish, Port(in.Port), sp.Passive)
	}
	sp.Container = cp

	engine := string(c.Engine)
	if cp.Bridge() {
		d.decide("container.network", "Container network",
			fmt.Sprintf("bridge: %s publishes %d and %s on the same port numbers", engine, in.Port, sp.Passive),
			fmt.Sprintf("vsftpd runs in its own network namespace and %s publishes the control port and exactly "+
				"the sized passive range, each on the same number on the host (-p %d:%d -p %s:%s): vsftpd announces "+
				"its own port numbers in PASV replies, so a data port published on another host port sends "+
				"every data connection nowhere; the range cannot be remapped. The container's address "+
				"(172.17.x.x on Docker's default bridge) is private to the host, so pasv_address is set to the "+
				"public address. The alternative, network host, avoids one DNAT rule and proxy per port but "+
				"gives up the container's network isolation.",
				engine, in.Port, in.Port, sp.Passive.String(), sp.Passive.String()))
		d.decideUserlandProxy(cp, sp.Passive)
	} else {
		d.decide("container.network", "Container network", "host: the container shares the host's network",
			fmt.Sprintf("vsftpd runs in the host's network namespace: nothing is published, no DNAT rule or "+
				"docker-proxy exists per port, and vsftpd sees the host's own addresses (so pasv_address is "+
				"decided as for vsftpd on the host). The cost: no network isolation, the container can bind any "+
				"port of the host, and the host firewall's input rules govern the ports as for vsftpd on the "+
				"host. %s ignores port publishing in this mode.", engine))
	}
	mounts := []string{}
	for _, m := range cp.Mounts {
		mounts = append(mounts, m.Host)
	}
	d.decide("container.image", "Container image",
		fmt.Sprintf("%s built FROM %s with Debian's vsftpd", cp.Image, cp.BaseImage),
		fmt.Sprintf("The generated Dockerfile installs Debian's vsftpd package (apt-get) on %s, so nothing "+
			"depends on a third-party image; the config follows that build (debian-3.0.3). The container "+
			"reads vsftpd.conf, the account list, the certificate and key, and the users' files from the host "+
			"(%s); the accounts are created at every start from %s (name:password-hash lines; "+
			"openssl passwd -6 makes a hash), in file order, so their user ids stay the same across restarts "+
			"as long as the list only grows at its end.", cp.BaseImage, strings.Join(mounts, ", "), cp.AccountsFile))
	restart := fmt.Sprintf("%s restarts the container when it exits and at boot, unless you stopped it.", engine)
	if c.Engine == EnginePodman {
		restart = "podman " + podmanRestart
	}
	d.decide("container.restart", "Restart policy", "restart: "+ContainerRestart, restart+
		" After a certificate renewal the container must be restarted, because vsftpd reads the "+
		"certificate once per session process from the mounted file: "+engine+" restart "+cp.Name+".")
	if sp.OpenSSLConf != "" {
		d.decide("container.tls_cap", "TLS 1.2 cap in the container", "OPENSSL_CONF="+sp.OpenSSLConf,
			"Debian's vsftpd 3.0.3 has no option to turn TLS 1.3 off, so on the host a systemd drop-in hands "+
				"vsftpd an OpenSSL configuration; in the container the same file is mounted and named by the "+
				"container's environment (OPENSSL_CONF), which vsftpd's OpenSSL reads at start.")
	}
	if cp.Bridge() {
		d.decide("container.firewall", "Firewall for published ports",
			"DOCKER-USER (iptables) / a forward-hook table (nftables); ufw does not apply",
			fmt.Sprintf("Published ports are DNATed in PREROUTING and then forwarded to the container: they never "+
				"reach the host's INPUT chain, so the host firewall's input rules (nftables input, ufw, "+
				"firewalld's zone) do not govern them: ufw deny 21 changes nothing for a published port 21. "+
				"ftpswiz therefore writes the allowed-clients filter for the forward path: for iptables into "+
				"a chain jumped to from DOCKER-USER (for podman, from FORWARD), which Docker leaves alone; for "+
				"nftables into a table of its own on the forward hook, which drops connections to the FTPS "+
				"ports from anyone else before %s's own chains accept them. Both match the original "+
				"destination port (conntrack), so they still hold after the DNAT. The host's own SSH stays "+
				"in the host rules as it was.", engine))
	}
}

// decideUserlandProxy warns about docker-proxy on a large range.
func (d *decider) decideUserlandProxy(cp *ContainerPlan, pr PortRange) {
	why := fmt.Sprintf("With the userland proxy on (Docker's default), dockerd starts one docker-proxy process per "+
		"published port: %d for this plan. A range of thousands of ports costs gigabytes of memory and "+
		"minutes of start-up, and proxied connections reach vsftpd from the bridge's gateway address instead "+
		"of the client's, which vsftpd's data-connection check answers with "+explain.Quote(explain.BadIP)+
		" when control and data arrive by different paths. Set \"userland-proxy\": false in "+
		"/etc/docker/daemon.json and restart dockerd: published ports are then served by the DNAT rules "+
		"alone and vsftpd sees the client's address.", pr.Count()+1)
	if cp.Engine == EnginePodman {
		why = "Podman (netavark) publishes ports with DNAT rules and no proxy process per port on a rootful " +
			"bridge; a rootless Podman forwards through rootlessport and vsftpd then sees the proxy's address " +
			"(" + explain.Quote(explain.BadIP) + "): run this container rootful."
	}
	if cp.Engine == EngineDocker && pr.Count() > 100 {
		d.warn("container.userland_proxy", "Userland proxy", "turn it off (\"userland-proxy\": false)", why)
		return
	}
	d.decide("container.userland_proxy", "Userland proxy", "off recommended", why)
}

// containerPitfalls adds the pitfalls of a containerised vsftpd.
func (d *decider) containerPitfalls(add func(symptom, cause, fix string)) {
	cp := d.p.Server.Container
	if cp == nil {
		return
	}
	if cp.Bridge() {
		add("Login works, but a strict client times out after PASV: the reply names 172.17.x.x (or another private address).",
			"vsftpd in a bridge-networked container knows only the container's address; pasv_address is missing.",
			"Keep pasv_address from the generated vsftpd.conf (the public address) and restart the container.")
		add("Every listing times out although ufw (or the host's nftables input rules) allow the passive range; or ufw deny does not block a published port.",
			"Published ports are DNATed and forwarded: they pass PREROUTING and FORWARD, never INPUT, where ufw and the host rules sit.",
			"Filter them in DOCKER-USER (iptables) or the forward-hook table (nftables), as the generated firewall/server-host.docker-user.* files do.")
		add("dockerd uses gigabytes of memory and takes minutes to start the container.",
			"One docker-proxy process per published port (userland-proxy is on by default).",
			"Set \"userland-proxy\": false in /etc/docker/daemon.json and restart dockerd; or network: host.")
		add(explain.Quote(explain.BadIP)+" through the container, but not with vsftpd on the host.",
			"A proxying port publisher (docker-proxy, rootless Podman's rootlessport) makes one of the connections arrive from the proxy's address.",
			"Turn the userland proxy off (Docker) or run Podman rootful, so both connections keep the client's address.")
		add("Data connections go to the wrong port or nowhere after changing the published ports.",
			"The passive range was published on other host ports (-p 60000-60074:50000-50074): vsftpd announces its own port numbers.",
			"Publish the range on the same numbers as pasv_min_port-pasv_max_port; change both by regenerating with another passive_start.")
	}
	add("The container exits at once; its log shows \"500 OOPS\".",
		"A mounted file is missing on the host (vsftpd.conf, the certificate or key), or the config has a mistake.",
		fmt.Sprintf("Check the files under %s and the certificate paths exist on the host, then %s logs %s.", cp.ConfigDir, cp.Engine, cp.Name))
}

// containerHostNote is what the host firewall decision adds when vsftpd runs
// in a bridge-networked container: its FTPS rules do not reach the
// published ports.
func containerHostNote(s *Server) string {
	if !bridged(s) {
		return ""
	}
	return " vsftpd runs in a container whose ports are published: connections to them are forwarded, not " +
		"delivered to the host, so these input rules keep the host's own SSH as it was and the FTPS ports " +
		"are filtered on the forward path instead (see Firewall for published ports)."
}
