package wizard

import (
	"strings"

	"github.com/ftpswiz/ftpswiz/explain"
)

// The optional questions the answers file could already answer and the
// main flow leaves at their defaults (issues 10, 12 and 17): how the rules
// join each box's firewall, IPv6, and vsftpd in a container. The wizard
// asks them among the optional settings.

// Keys of the box questions, per side: the box's use and, for a shared box
// with nftables, the table and chain its rules join.
const (
	QServerHostUse        = "server.host_firewall.use"
	QServerHostNftTable   = "server.host_firewall.nft_table"
	QServerHostNftChain   = "server.host_firewall.nft_chain"
	QServerRouterUse      = "server.router.firewall.use"
	QServerRouterNftTable = "server.router.firewall.nft_table"
	QServerRouterNftChain = "server.router.firewall.nft_chain"
	QClientRouterUse      = "client.router.firewall.use"
	QClientRouterNftTable = "client.router.firewall.nft_table"
	QClientRouterNftChain = "client.router.firewall.nft_chain"
	QClientHostUse        = "client.host_firewall.use"
	QClientHostNftTable   = "client.host_firewall.nft_table"
	QClientHostNftChain   = "client.host_firewall.nft_chain"
)

// Keys of the IPv6 questions (both protocols; sftpIPv6Texts words them
// for SFTP where FTPS's texts speak of vsftpd).
const (
	QServerIPv6       = "server.ipv6_address"
	QServerDNSRecords = "server.dns_records"
	QAdminNetworkIPv6 = "server.admin_network_ipv6"
	QClientIPv6Prefix = "client.ipv6_prefix"
	QClientServerIPv6 = "client.server_ipv6_address"
	QClientDNSRecords = "client.dns_records"
)

// Keys of the container questions (FTPS only). QContainer is a shortcut:
// its yes adds the server.container section, whose fields the others are.
const (
	QContainer          = "server.container"
	QContainerEngine    = "server.container.engine"
	QContainerNetwork   = "server.container.network"
	QContainerName      = "server.container.name"
	QContainerConfigDir = "server.container.config_dir"
	QContainerBaseImage = "server.container.base_image"
)

// BoxField is the answers-file path of a side's box firewall section.
func BoxField(side Side) string {
	switch side {
	case SideServerRouter:
		return "server.router.firewall"
	case SideClientRouter:
		return "client.router.firewall"
	case SideClientHost:
		return "client.host_firewall"
	}
	return "server.host_firewall"
}

// boxName is how the questions name a side's box.
func boxName(side Side) string {
	switch side {
	case SideServerRouter:
		return "the server's router"
	case SideClientRouter:
		return "the client's router"
	case SideClientHost:
		return "the client host"
	}
	return "the server host"
}

// boxQuestions are the questions about each box's firewall, in the order
// of Sides.
func boxQuestions() []Question {
	var out []Question
	for _, side := range AllSides() {
		out = append(out, boxUseQuestion(side), nftTableQuestion(side), nftChainQuestion(side))
	}
	return out
}

func boxUseQuestion(side Side) Question {
	name := boxName(side)
	def := DefaultBoxUse(side)
	chain := DefaultNftChain(side)
	other := "it carries nothing but the file transfer and has no firewall of its own"
	dedicated := Choice{
		Value: string(BoxDedicated), Label: "Dedicated: ftpswiz's rules are its whole firewall",
		What:   "Nothing else runs through " + name + ": " + other + ".",
		Effect: boxDedicatedWhat + ".",
	}
	if side == SideClientRouter {
		dedicated.Label = "Dedicated: egress lockdown (the LAN gets only the file transfer)"
		dedicated.Effect += " " + egressLockdown
	}
	shared := Choice{
		Value: string(BoxShared), Label: "Shared: add to its own firewall",
		What:   upperFirst(boxSharedWhat) + " (web, DNS, SSH, VPNs of its own).",
		Effect: boxSharedRules(side, DefaultNftTable, chain, true) + ".",
	}
	if side != SideServerHost {
		// Every router forwards other traffic: shared is its default.
		shared.Label += " (recommended)"
	}
	return Question{
		Key: BoxField(side) + ".use", Kind: KindChoice,
		Title:       "How do the rules join the firewall of " + name + "?",
		Description: "A box with a firewall of its own or other traffic must get rules that only add; a complete policy drops everything the plan does not list. Default for " + name + ": " + string(def) + ".",
		Choices:     []Choice{shared, dedicated},
	}
}

func nftTableQuestion(side Side) Question {
	name := boxName(side)
	return Question{
		Key: BoxField(side) + ".nft_table", Kind: KindText,
		Title:       "The nftables table on " + name,
		Description: "The table of " + name + "'s own nftables ruleset that ftpswiz's rules join, as \"family name\" (nft list tables shows them). Default: " + DefaultNftTable + " (Debian's /etc/nftables.conf).",
		Example:     DefaultNftTable,
		Effect:      "The nftables file adds a chain of ftpswiz's own to this table instead of a table of its own.",
	}
}

func nftChainQuestion(side Side) Question {
	name := boxName(side)
	chain := DefaultNftChain(side)
	return Question{
		Key: BoxField(side) + ".nft_chain", Kind: KindText,
		Title:       "The nftables base chain on " + name,
		Description: "The base chain (hook " + chain + ") in that table that jumps to ftpswiz's chain (nft list chains shows them). Default: " + chain + ".",
		Example:     chain,
		Effect:      "The nftables file adds one jump from this chain to ftpswiz's chain; the chain's own rules and policy stay as they are.",
	}
}

// dnsChoices are the record sets of the name clients dial, their effects
// worded for protocol p (what is opened over each family).
func dnsChoices(p Protocol, who string) []Choice {
	only6 := "Plans IPv6 alone: no IPv4 listener, no pasv_address; the client side must have an IPv6 prefix."
	both := "Plans both families on every side, so a client trying IPv6 first finds the control port and the passive range open."
	if p == ProtocolSFTP {
		only6 = "Plans IPv6 alone: the SFTP port is opened over IPv6 only; the client side must have an IPv6 prefix."
		both = "Plans both families on every side, so a client trying IPv6 first finds the SFTP port open."
	}
	return []Choice{
		{
			Value: string(RecordsA), Label: "A only (IPv4)",
			What:   who + " has an A record only: clients reach the server over IPv4.",
			Effect: "Only IPv4 is planned for clients that dial the name; the IPv6 address is reached by clients that dial it.",
		},
		{
			Value: string(RecordsAAAA), Label: "AAAA only (IPv6 only)",
			What:   who + " has an AAAA record only: an IPv6-only server.",
			Effect: only6,
		},
		{
			Value: string(RecordsBoth), Label: "A and AAAA (dual stack)",
			What:   who + " has both records; clients try IPv6 first.",
			Effect: both,
		},
	}
}

// dnsRecordsDefault says which records the server's name is assumed to have.
const dnsRecordsDefault = "Default: A and AAAA when the host has an IPv6 address, else A."

// ipv6Questions are the IPv6 questions, with their FTPS texts.
func ipv6Questions() []Question {
	return []Question{
		{
			Key: QServerIPv6, Kind: KindText,
			Title:       "The vsftpd host's IPv6 address (optional)",
			Description: "The host's own global IPv6 address (ip -6 addr shows it), which clients reach directly: IPv6 needs no NAT and no pasv_address. Empty: the server is planned for IPv4 only.",
			Example:     "2001:db8:20::2",
			Effect:      "Plans IPv6 on every side: the host rules and the routers let IPv6 through without NAT, and behind IPv4 NAT vsftpd gets a second listener for IPv6 (listen_ipv6=YES, no pasv_address).",
		},
		{
			Key: QServerDNSRecords, Kind: KindChoice,
			Title:       "Which address records does the name clients dial have?",
			Description: "A name with an AAAA record sends clients to IPv6 first, where the passive range must be open too. " + dnsRecordsDefault,
			Choices:     dnsChoices(ProtocolFTPS, "The name"),
		},
		{
			Key: QClientIPv6Prefix, Kind: KindText,
			Title:       "The client network's IPv6 prefix (optional)",
			Description: "The IPv6 prefix of the clients' network behind your router (ip -6 addr on a client shows it). With it, and a server with IPv6, the client side's rules allow the IPv6 path too; routers forward IPv6 without NAT. Empty: IPv4 only.",
			Example:     "2001:db8:50::/64",
			Effect:      "The client router's egress rules let this prefix reach the server's IPv6 address.",
		},
		{
			Key: QClientServerIPv6, Kind: KindText,
			Title:       "The server's IPv6 address (optional)",
			Description: "The FTPS server's IPv6 address, if it has one (the server's operator tells you). Empty: IPv4 only.",
			Example:     "2001:db8:20::2",
			Effect:      "The client side's rules and configs reach the server over IPv6 too.",
		},
		adminNetworkIPv6Question(),
		{
			Key: QClientDNSRecords, Kind: KindChoice,
			Title:       "Which address records does the server's name have?",
			Description: "A name with an AAAA record sends clients to IPv6 first (dig AAAA NAME shows it). Default: A and AAAA when the server has an IPv6 address, else A.",
			Choices:     dnsChoices(ProtocolFTPS, "The server's name"),
		},
	}
}

// adminNetworkIPv6Question asks the IPv6 network allowed to SSH on a host
// reached over IPv6 too; the one text serves both protocols.
func adminNetworkIPv6Question() Question {
	return Question{
		Key: QAdminNetworkIPv6, Kind: KindText,
		Title:       "IPv6 network allowed to reach SSH on the server (optional)",
		Description: "The host is reached over IPv6 too, but the admin network is one family (IPv4): give the IPv6 network you administer from (CIDR) to keep SSH open from it over IPv6 as well. Empty: SSH over IPv6 stays closed on the host.",
		Example:     "2001:db8:20::/64",
		Effect:      "The server host's rules keep SSH open from this network over IPv6, beside the admin network over IPv4.",
	}
}

// sftpIPv6Texts words the IPv6 questions whose FTPS texts speak of
// vsftpd, its passive range or pasv_address, for SFTP: the FTPS question
// with only those texts replaced (same keys, titles where they fit, and
// values). The client network's prefix and the admin network over IPv6
// say nothing protocol-specific and keep their one text.
func sftpIPv6Texts() []Question {
	var out []Question
	for _, q := range ipv6Questions() {
		switch q.Key {
		case QServerIPv6:
			q.Title = "The SFTP server's IPv6 address (optional)"
			q.Description = "The host's own global IPv6 address (ip -6 addr shows it), which clients reach directly: IPv6 needs no NAT, and sshd already listens on both families. Empty: the server is planned for IPv4 only."
			q.Effect = "Plans IPv6 on every side: the host rules and the routers let the SFTP port through over IPv6 without NAT; one sshd serves both families."
		case QServerDNSRecords:
			q.Description = "A name with an AAAA record sends clients to IPv6 first, where the SFTP port must be open too. " + dnsRecordsDefault
			q.Choices = dnsChoices(ProtocolSFTP, "The name")
		case QClientServerIPv6:
			q.Description = "The SFTP server's IPv6 address, if it has one (the server's operator tells you). Empty: IPv4 only."
		case QClientDNSRecords:
			q.Choices = dnsChoices(ProtocolSFTP, "The server's name")
		default:
			continue
		}
		out = append(out, q)
	}
	return out
}

// containerQuestions are the fields of the container section (FTPS only).
func containerQuestions() []Question {
	return []Question{
		{
			Key: QContainerEngine, Kind: KindChoice,
			Title:       "Which container engine runs vsftpd?",
			Description: "The engine on the server host that builds the generated image and runs the container.",
			Choices: []Choice{
				{
					Value: string(EngineDocker), Label: "Docker",
					What:   "Docker (Debian's docker.io or Docker's own packages).",
					Effect: "A compose file and the docker run command; with a large passive range turn Docker's userland proxy off.",
				},
				{
					Value: string(EnginePodman), Label: "Podman",
					What:   "Podman, run as root.",
					Effect: "The podman run command; " + podmanRestart,
				},
			},
		},
		{
			Key: QContainerNetwork, Kind: KindChoice,
			Title:       "How is the container networked?",
			Description: "Published ports are forwarded into the container, so the host firewall's input rules do not govern them.",
			Choices: []Choice{
				{
					Value: string(NetworkBridge), Label: "Bridge: publish the ports (recommended)",
					What:   "The container has its own network; the engine publishes the control port and exactly the passive range, on the same numbers.",
					Effect: "pasv_address is set to the public address; the allowed clients are filtered in DOCKER-USER (or a forward-hook nftables table); a proxying publisher gives " + explain.Quote(explain.BadIP) + ".",
				},
				{
					Value: string(NetworkHost), Label: "Host: share the host's network",
					What:   "The container uses the host's addresses and ports: nothing is published.",
					Effect: "No DNAT rule or proxy per port, but no network isolation; the host rules govern the ports as for vsftpd on the host.",
				},
			},
		},
		{
			Key: QContainerName, Kind: KindText,
			Title:       "Container and image name",
			Description: "The container's name and its image's name: lower-case letters, digits, '.', '_' and '-'. Default: " + DefaultContainerName + ".",
			Example:     DefaultContainerName,
			Effect:      "The name in the compose file, the run command and the certificate renewal hook (which restarts the container).",
		},
		{
			Key: QContainerConfigDir, Kind: KindText,
			Title:       "Directory on the host the container mounts",
			Description: "Where vsftpd.conf, the account list and the user list live on the host. Default: " + DefaultContainerConfigDir + ".",
			Example:     DefaultContainerConfigDir,
			Effect:      "The bind mounts of the compose file and the run command.",
		},
		{
			Key: QContainerBaseImage, Kind: KindText,
			Title:       "Debian image the Dockerfile starts from",
			Description: "The generated Dockerfile installs Debian's vsftpd package on it, so nothing depends on a third-party vsftpd image. Default: " + DefaultContainerBaseImage + ".",
			Example:     DefaultContainerBaseImage,
			Effect:      "The Dockerfile's FROM line.",
		},
	}
}

// containerQuestion asks whether vsftpd runs in a container (a shortcut:
// yes adds the server.container section).
func containerQuestion() Question {
	return Question{
		Key: QContainer, Kind: KindYesNo,
		Title:       "Does vsftpd run in a container (Docker or Podman)?",
		Description: "In a container, PASV must announce the host's public address (not the container's 172.17.x.x), the passive range must be published on the same numbers, and published ports bypass the host's input rules (ufw included).",
		Choices: []Choice{
			{
				Value: "no", Label: "No: vsftpd runs on the host",
				What:   "vsftpd is installed on the server host itself.",
				Effect: "vsftpd.conf and a systemd unit for the host.",
			},
			{
				Value: "yes", Label: "Yes: in a container",
				What:   "vsftpd runs in a container on the server host.",
				Effect: "A Dockerfile built from Debian's vsftpd package, a compose file and the run command, pasv_address set to the public address, and rules for the published ports.",
			},
		},
	}
}

// optionalQuestions are the questions of this file that are answers-file
// fields, in the order the wizard asks them.
func optionalQuestions() []Question {
	out := boxQuestions()
	out = append(out, ipv6Questions()...)
	return append(out, containerQuestions()...)
}

// optionalFTPSOnly reports whether an optional question belongs to FTPS
// alone (ftpswiz plans containers for vsftpd only; IPv6 for both).
func optionalFTPSOnly(key string) bool {
	return strings.HasPrefix(key, QContainer+".")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
