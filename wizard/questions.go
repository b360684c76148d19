package wizard

import (
	"strings"

	"github.com/ftpswiz/ftpswiz/explain"
)

// The questions the wizard asks, as plain text: what each answer is, and for
// each choice what it is and how it changes the generated files. The TUI, the
// accessible prompt mode and the docs all read them from here, so an option
// is explained the same way everywhere.

// QuestionKind says what sort of answer a question takes.
type QuestionKind string

// Question kinds.
const (
	KindChoice QuestionKind = "choice" // exactly one of Choices
	KindMulti  QuestionKind = "multi"  // one or more of Choices
	KindText   QuestionKind = "text"   // free text (an address, a name, a path)
	KindNumber QuestionKind = "number" // a whole number
	KindYesNo  QuestionKind = "yes-no" // Choices "yes" and "no"
)

// Question is one answer the wizard asks for.
type Question struct {
	// Key is the answers-file path of the field ("server.nat"); it matches
	// FieldError.Field, so validation messages land on the right question.
	Key   string
	Kind  QuestionKind
	Title string
	// Description says what the answer is and where to find it.
	Description string
	// Example is a typical value, for placeholders ("" for choices).
	Example string
	// Effect says in one line how the answer changes the generated files
	// (free-text and number questions; choices carry their own).
	Effect string
	// Choices are the valid values of choice, multi and yes-no questions, in
	// the order the wizard offers them.
	Choices []Choice
}

// Choice is one value of a choice question.
type Choice struct {
	// Value is the answers-file value ("port-forward", "yes").
	Value string
	// Label is the short text in the option list.
	Label string
	// Picture is an optional one-line sketch of the setup (at most 30
	// columns).
	Picture string
	// What says in one line what the choice is.
	What string
	// Effect says in one line how it changes the generated files.
	Effect string
}

// Choice returns the choice with the given value.
func (q Question) Choice(value string) (Choice, bool) {
	for _, c := range q.Choices {
		if c.Value == value {
			return c, true
		}
	}
	return Choice{}, false
}

// Question keys, in the order the wizard asks them.
const (
	QProtocol           = "protocol"
	QRole               = "role"
	QServerNAT          = "server.nat"
	QServerPublic       = "server.public_address"
	QServerHost         = "server.host_address"
	QServerRouterWAN    = "server.router.wan_interface"
	QServerRouterLAN    = "server.router.lan_interface"
	QSFTPPort           = "sftp.port"
	QSFTPUsers          = "sftp.users"
	QSFTPPasswordAuth   = "sftp.password_authentication"
	QMode               = "ftps.mode"
	QTransfers          = "server.capacity.concurrent_transfers"
	QClientNAT          = "client.nat"
	QClientServer       = "client.server_address"
	QClientPassivePorts = "client.passive_ports"
	QClientRouterWAN    = "client.router.wan_interface"
	QClientRouterLAN    = "client.router.lan_interface"
	QClientLAN          = "client.lan_cidr"
	QClientSoftware     = "client.software"
	QServerRouterKind   = "server.router.kind"
	QClientRouterKind   = "client.router.kind"
	QFirewalls          = "firewalls"
	QTLSProfile         = "server.tls.profile"
	QTLSSource          = "server.tls.source"
	QLEEmail            = "server.tls.letsencrypt.email"
	QTLSCert            = "server.tls.cert_file"
	QTLSKey             = "server.tls.key_file"
	QSSLReuse           = "server.tls.require_ssl_reuse"
	QFlavour            = "server.vsftpd.flavour"
	QUsers              = "server.vsftpd.users"
	QAdminNetwork       = "server.admin_network"
	QAllowedClients     = "server.allowed_clients"
	QPassiveStart       = "server.passive_start"
	QActiveMode         = "ftps.active_mode"
	QClientUser         = "client.user"
)

// Questions returns every question about an answers-file field the wizard
// can ask, in the order it asks them, in a fresh slice: the protocol, the
// FTPS questions with their FTPS texts, and the SFTP-only ones.
// QuestionsFor gives the questions of one protocol with its texts.
func Questions() []Question {
	var out []Question
	out = append(out, protocolQuestion())
	for _, q := range ftpsQuestions() {
		out = append(out, q)
		if q.Key == QServerRouterLAN {
			out = append(out, sftpOnlyQuestions()...)
		}
	}
	return append(out, optionalQuestions()...)
}

// ftpsQuestions are the questions of an FTPS plan, with their FTPS texts;
// many of them are asked for SFTP too, with the texts of sftpTexts.
func ftpsQuestions() []Question {
	return []Question{
		{
			Key: QRole, Kind: KindChoice,
			Title:       "Which end of the FTPS connection are you planning?",
			Description: "FTPS data connections use ports negotiated inside the encrypted control channel, so every firewall on the way must be told about them. ftpswiz writes the configuration for the ends you plan.",
			Choices: []Choice{
				{
					Value: string(RoleServer), Label: "Server: I run vsftpd",
					Picture: "clients ─▶ firewall ─▶ vsftpd",
					What:    "You operate the FTPS server; other people's clients connect to it.",
					Effect:  "Writes vsftpd.conf, rules for the server host (and its NAT router) and a HANDOUT.md for the people who connect.",
				},
				{
					Value: string(RoleClient), Label: "Client: I connect to someone's server",
					Picture: "you ─▶ your firewall ─▶ vsftpd",
					What:    "You connect to someone else's FTPS server through your own firewall.",
					Effect:  "Writes client configs and egress rules for your host or router; no vsftpd.conf.",
				},
				{
					Value: string(RoleBoth), Label: "Both ends (vendor and customer)",
					Picture: "client─▶fw═internet═fw─▶vsftpd",
					What:    "You plan the vendor's vsftpd behind its firewall and the customer's client behind theirs.",
					Effect:  "Writes everything, with one port map both sides agree on: vsftpd.conf, rules for every side, client configs.",
				},
			},
		},
		{
			Key: QServerNAT, Kind: KindChoice,
			Title:       "How do clients on the internet reach the vsftpd host?",
			Description: "vsftpd tells each client which address to open the data connection to (the PASV reply). Behind NAT it must announce the public address, not its own.",
			Choices: []Choice{
				{
					Value: string(NATNone), Label: "Directly: the host has the public address",
					Picture: "internet ─▶ vsftpd (public IP)",
					What:    "The public address is configured on the vsftpd host itself; no router translates it.",
					Effect:  "No pasv_address needed; rules only for the host's own firewall.",
				},
				{
					Value: string(NATOneToOne), Label: "One-to-one NAT (cloud public/elastic IP)",
					Picture: "internet ─▶ 1:1 NAT ─▶ VM",
					What:    "A fixed public address maps every port onto a private host, as clouds do with elastic IPs.",
					Effect:  "Sets pasv_address to the public address; opens the control port and passive range on the host (or security group).",
				},
				{
					Value: string(NATPortForward), Label: "Port forwarding on a router",
					Picture: "net ─▶ router (DNAT) ─▶ vsftpd",
					What:    "A router you manage forwards chosen ports (DNAT) to the vsftpd host on its LAN.",
					Effect:  "Sets pasv_address, and writes router rules forwarding the control port and the whole passive range, port numbers unchanged.",
				},
				{
					Value: string(NATDynamicDNS), Label: "Changing address with dynamic DNS",
					Picture: "name ─▶ changing IP ─▶ vsftpd",
					What:    "The public address changes (home or small-office line); clients dial a DNS name kept up to date.",
					Effect:  "Sets pasv_address to the name with pasv_addr_resolve=YES; vsftpd resolves it at start, so a timer restarts it when the address changes.",
				},
			},
		},
		{
			Key: QServerPublic, Kind: KindText,
			Title:       "Address clients dial",
			Description: "The public IPv4 address or DNS name clients connect to. Behind NAT this is the router's or cloud's public address, not the host's own; with dynamic DNS it is the name.",
			Example:     "203.0.113.10",
			Effect:      "Becomes vsftpd's pasv_address behind NAT, the destination of the client-side rules and the host in the client configs.",
		},
		{
			Key: QServerHost, Kind: KindText,
			Title:       "The vsftpd host's own address",
			Description: "The IPv4 address configured on the vsftpd host (ip -4 addr shows it): the one the router or cloud forwards to.",
			Example:     "10.20.0.2",
			Effect:      "The address the server host's rules protect and the router's port forwards point to.",
		},
		{
			Key: QServerRouterWAN, Kind: KindText,
			Title:       "Router interface facing the internet",
			Description: "On the router that forwards the ports: the interface with the public address (ip -br link on the router lists them).",
			Example:     "eth0",
			Effect:      "The router rules forward the FTPS ports that arrive on this interface.",
		},
		{
			Key: QServerRouterLAN, Kind: KindText,
			Title:       "Router interface facing the vsftpd host",
			Description: "On the same router: the interface on the vsftpd host's network.",
			Example:     "eth1",
			Effect:      "The router rules pass the forwarded FTPS ports out of this interface to the vsftpd host.",
		},
		{
			Key: QTLSSource, Kind: KindChoice,
			Title:       "Where does the server's certificate come from?",
			Description: "Clients check the certificate against the name or address they dial; one they cannot verify makes every client fail, which pushes people to switch verification off. Pick how yours is trusted.",
			Choices: []Choice{
				{
					Value: string(SourceLetsEncrypt), Label: "Let's Encrypt (recommended for a DNS name)",
					What:   "Free, trusted by every client, renewed automatically; needs a DNS name that points at the server.",
					Effect: "certbot commands and a deploy hook that restarts vsftpd after each renewal; port 80 opened for the HTTP-01 check only.",
				},
				{
					Value: string(SourceOwn), Label: "My own certificate",
					What:   "A certificate you already have (a commercial or company CA), with its full chain.",
					Effect: "vsftpd.conf points to your files (set them in the optional settings); check and probe verify name, chain and expiry.",
				},
				{
					Value: string(SourceSelfSigned), Label: "Self-signed, pinned (closed partner link, or an IP address)",
					What:   "No CA: a dedicated pair for this server, and each client trusts exactly that certificate.",
					Effect: "An openssl command with the address in subjectAltName; its SHA-256 fingerprint goes into HANDOUT.md and every client config.",
				},
			},
		},
		{
			Key: QMode, Kind: KindChoice,
			Title:       "Which kind of FTPS?",
			Description: "Explicit and implicit FTPS encrypt the same way; they differ in when TLS starts and on which port. Clients must use the same kind as the server.",
			Choices: []Choice{
				{
					Value: string(ModeExplicit), Label: "Explicit (AUTH TLS on port 21)",
					What:   "Standard FTPS: the session starts in clear text on port 21 and switches to TLS before login; FTP-aware middleboxes that latch onto the clear-text start can break it.",
					Effect: "One vsftpd instance on port 21 that refuses logins and transfers without TLS; clients use ftp:// with TLS required (ftpes).",
				},
				{
					Value: string(ModeImplicit), Label: "Implicit (TLS from the first byte, port 990)",
					What:   "Encrypted from the first byte, so FTP-aware middleboxes (ALGs, helpers) pass it untouched; some clients and appliances do not offer it.",
					Effect: "One vsftpd instance with implicit_ssl=YES on port 990; clients use ftps://host:990.",
				},
				{
					Value: string(ModeBoth), Label: "Both (two vsftpd instances)",
					What:   "Serve explicit on 21 and implicit on 990 for mixed clients; vsftpd's implicit_ssl applies to a whole instance, so it takes two.",
					Effect: "Adds server/vsftpd-implicit.conf and a systemd unit for the second instance; rules open both control ports.",
				},
			},
		},
		{
			Key: QTransfers, Kind: KindNumber,
			Title:       "Transfers at the same time (at peak)",
			Description: "Uploads and downloads running at once across all clients. Each holds one passive port; vsftpd tries 9 random ports per PASV and drops the session when all 9 are busy, so the passive range is sized from this number.",
			Example:     "20",
			Effect:      "Sizes the passive range (pasv_min_port, pasv_max_port) and sets max_clients and max_per_ip to match.",
		},
		{
			Key: QClientNAT, Kind: KindChoice,
			Title:       "How does the client network reach the internet?",
			Description: "In passive mode the client opens every connection, so its firewall only needs outbound rules, to the server's control port and passive range.",
			Choices: []Choice{
				{
					Value: string(ClientNATNone), Label: "Directly (firewall on the client host)",
					Picture: "client host (fw) ─▶ internet",
					What:    "The client host has its own public address, or only its own firewall filters.",
					Effect:  "Egress rules for the client host's own firewall.",
				},
				{
					Value: string(ClientNATMasquerade), Label: "Through a Linux router you manage (masquerade)",
					Picture: "LAN ─▶ router (masq) ─▶ net",
					What:    "A router you manage masquerades the client LAN to the internet.",
					Effect:  "Egress rules for that router: LAN to the server's control port and passive range, replies back, nothing inbound.",
				},
				{
					Value: string(ClientNATCGNAT), Label: "Carrier-grade NAT you don't control",
					Picture: "client ─▶ ISP CGNAT ─▶ net",
					What:    "Mobile or some ISP lines: a provider's NAT shares one public address among many customers.",
					Effect:  "Nothing to configure on a router; passive mode is the only option, since nothing can connect in to you.",
				},
			},
		},
		{
			Key: QClientServer, Kind: KindText,
			Title:       "The FTPS server's address",
			Description: "The public IPv4 address or DNS name you connect to (the server's operator tells you).",
			Example:     "ftp.vendor.example",
			Effect:      "The destination of the egress rules and the host in every client config.",
		},
		{
			Key: QClientPassivePorts, Kind: KindText,
			Title:       "The server's passive port range",
			Description: "The data ports the server hands out, as first-last: ask the server's operator. Your firewall must allow them outbound.",
			Example:     "50000-50099",
			Effect:      "The data ports the egress rules allow to the server.",
		},
		{
			Key: QClientRouterWAN, Kind: KindText,
			Title:       "Your router's interface facing the internet",
			Description: "On the masquerading router: the interface with the public address (ip -br link lists them).",
			Example:     "eth0",
			Effect:      "The egress rules let FTPS out of this interface and its replies back in.",
		},
		{
			Key: QClientRouterLAN, Kind: KindText,
			Title:       "Your router's interface facing the LAN",
			Description: "On the same router: the interface on the clients' network.",
			Example:     "eth1",
			Effect:      "The egress rules accept FTPS connections from the clients on this interface.",
		},
		{
			Key: QClientLAN, Kind: KindText,
			Title:       "The client network behind the router",
			Description: "The LAN the clients sit on, in CIDR form: only it may open FTPS connections through the router.",
			Example:     "192.168.1.0/24",
			Effect:      "Only this network may open FTPS connections through the router.",
		},
		{
			Key: QClientSoftware, Kind: KindMulti,
			Title:       "Which clients should get a ready-made config?",
			Description: "Each chosen client gets a config that uses TLS for login and data, passive mode, and the right port.",
			Choices:     clientChoices(ProtocolFTPS),
		},
		{
			Key: QServerRouterKind, Kind: KindChoice,
			Title:       "Which firewall does the server's router run?",
			Description: "The router that forwards the ports to the server (the vendor's): ftpswiz writes its rules in that router's own format. Say what that router runs, not what this machine has.",
			Choices:     routerKindChoices(),
		},
		{
			Key: QClientRouterKind, Kind: KindChoice,
			Title:       "Which firewall does the client's router run?",
			Description: "The router that masquerades the clients' network (the customer's): ftpswiz writes its egress rules in that router's own format. Say what that router runs, not what this machine has.",
			Choices:     routerKindChoices(),
		},
		{
			Key: QFirewalls, Kind: KindMulti,
			Title:       "Which firewalls should get rules?",
			Description: "The formats for the Linux boxes of the plan: the server host, the client host, and the routers that run Linux (the routers of another make get their own format, asked per router). Choose what those boxes run, not what this machine has; nftables, Debian's and RHEL's default, is preselected.",
			Choices:     firewallChoices(),
		},
		{
			Key: QTLSProfile, Kind: KindChoice,
			Title:       "TLS profile",
			Description: "Which TLS versions and ciphers vsftpd accepts, after Mozilla's server-side TLS recommendations.",
			Choices: []Choice{
				{
					Value: string(ProfileIntermediate), Label: profileLabel("Intermediate", ProfileIntermediate),
					What:   "Works with every maintained client.",
					Effect: "Older protocol versions off; TLS 1.2 limited to strong AEAD ciphers.",
				},
				{
					Value: string(ProfileModern), Label: profileLabel("Modern", ProfileModern),
					What:   "The strictest setting; old clients cannot connect.",
					Effect: "TLS 1.2 off too; not possible with Debian's vsftpd 3.0.3, which cannot switch TLS 1.2 off.",
				},
			},
		},
		{
			Key: QTLSCert, Kind: KindText,
			Title:       "Certificate file (on the server)",
			Description: "The PEM certificate vsftpd presents; the default is the distribution's self-signed one. Use your real certificate so clients can verify the server.",
			Example:     "/etc/ssl/certs/ftp.example.com.pem",
			Effect:      "The certificate vsftpd.conf points to (rsa_cert_file).",
		},
		{
			Key: QTLSKey, Kind: KindText,
			Title:       "Private key file (on the server)",
			Description: "The certificate's private key, readable by root only.",
			Example:     "/etc/ssl/private/ftp.example.com.key",
			Effect:      "The key vsftpd.conf points to (rsa_private_key_file).",
		},
		{
			Key: QLEEmail, Kind: KindText,
			Title:       "E-mail for Let's Encrypt (optional)",
			Description: "Let's Encrypt writes here when a certificate is about to expire without renewal. Empty: certbot registers without an address.",
			Example:     "ops@example.com",
			Effect:      "certbot --email (else --register-unsafely-without-email).",
		},
		{
			Key: QSSLReuse, Kind: KindYesNo,
			Title:       "Require TLS session reuse on data connections?",
			Description: "With it, vsftpd accepts a data connection only if it resumes the TLS session of the logged-in control connection.",
			Choices: []Choice{
				{
					Value: "yes", Label: "Yes (recommended)",
					What:   "Proves the data connection comes from the client that logged in.",
					Effect: "require_ssl_reuse=YES; a client that cannot resume sessions gets " + explain.Quote(explain.SessionReuse) + ".",
				},
				{
					Value: "no", Label: "No",
					What:   "For clients that cannot resume TLS sessions.",
					Effect: "require_ssl_reuse=NO; another host that guesses a passive port could take over a data connection.",
				},
			},
		},
		{
			Key: QFlavour, Kind: KindChoice,
			Title:       "Which vsftpd build will read the config?",
			Description: "Option names differ between builds, and an unknown option stops vsftpd from starting (" + explain.Quote(explain.UnknownOption) + ").",
			Choices: []Choice{
				{
					Value: string(FlavourAuto), Label: "Detect the installed vsftpd",
					What:   "Read the option names from the vsftpd binary on this machine.",
					Effect: "Uses the detected build's names; Debian 12's when none is installed.",
				},
				{
					Value: string(FlavourDebian), Label: "Debian 12 / Ubuntu (vsftpd 3.0.3)",
					What:   "Knows only ssl_sslv2, ssl_sslv3 and ssl_tlsv1.",
					Effect: "Leaves out the TLS 1.1-1.3 switches this build does not know.",
				},
				{
					Value: string(FlavourUpstream), Label: "Upstream vsftpd 3.0.5 (Debian 13)",
					What:   "Spells the version switches ssl_tlsv11, ssl_tlsv12, ssl_tlsv13.",
					Effect: "Uses those names to switch old TLS versions off.",
				},
				{
					Value: string(FlavourRHEL), Label: "RHEL / Fedora / openSUSE",
					What:   "Spells the version switches ssl_tlsv1_1, ssl_tlsv1_2, ssl_tlsv1_3.",
					Effect: "Uses those names and the /etc/vsftpd/ paths.",
				},
			},
		},
		{
			Key: QUsers, Kind: KindText,
			Title:       "Users allowed to log in (comma-separated)",
			Description: "Local accounts allowed to use FTPS; each is chrooted to its own directory with a writable upload folder. Empty: every local user with a login shell.",
			Example:     "alice, bob",
			Effect:      "Writes server/vsftpd.user_list, the allow-list vsftpd checks before login.",
		},
		{
			Key: QAdminNetwork, Kind: KindText,
			Title:       "Network allowed to reach SSH on the server",
			Description: "The generated host firewall keeps SSH open from this network (CIDR), so applying it never locks you out; only from it. Over SSH, the address you are connected from is offered. Empty: anywhere, with a warning.",
			Example:     "198.51.100.0/24",
			Effect:      "The server host's rules keep SSH open from this network.",
		},
		{
			Key: QAllowedClients, Kind: KindText,
			Title:       "Who may connect: the clients' public addresses (comma-separated CIDRs)",
			Description: "Only these networks reach the control port and passive range. Planning both ends, this is the customer's public address (their router's WAN address, as a /32). Empty or 0.0.0.0/0: anyone on the internet.",
			Example:     "192.0.2.20/32",
			Effect:      "The source networks of the FTPS rules on the server side.",
		},
		{
			Key: QPassiveStart, Kind: KindNumber,
			Title:       "First port of the passive range",
			Description: "The range starts here and its size comes from the expected transfers. Ports below 1024 are refused.",
			Example:     "50000",
			Effect:      "pasv_min_port; pasv_max_port follows from the size of the range.",
		},
		{
			Key: QActiveMode, Kind: KindYesNo,
			Title:       "Allow active mode (PORT)?",
			Description: "In active mode the server connects back to the client for data. Under TLS no NAT or firewall helper can follow it.",
			Choices: []Choice{
				{
					Value: "no", Label: "No (recommended)",
					What:   "Passive mode only: the client opens every connection.",
					Effect: "No inbound rules on the client side.",
				},
				{
					Value: "yes", Label: "Yes",
					What:   "Allow PORT for clients that cannot use passive mode.",
					Effect: "Adds rules for connections from the server's port 20 to the clients, marked with a warning; behind NAT they will still fail.",
				},
			},
		},
		{
			Key: QClientUser, Kind: KindText,
			Title:       "Login name in the client configs",
			Description: "The user the client configs log in as (the server's operator gives it to you).",
			Example:     "ftpuser",
			Effect:      "The login name in every client config.",
		},
	}
}

// profileLabel names a TLS profile with the versions a plan with it allows
// (allow_tls13 at its default), from ProfileVersions.
func profileLabel(name string, p TLSProfile) string {
	v := ProfileVersions(p, p == ProfileModern)
	label := name + " (" + strings.Join(v, " and ")
	if len(v) == 1 {
		label += " only"
	}
	return label + ")"
}

// QuestionByKey returns the question for an answers-file field path (with
// its FTPS texts where FTPS and SFTP word it differently), or one of
// RecommendQuestions or of the wizard's shortcuts.
func QuestionByKey(key string) (Question, bool) {
	for _, q := range Questions() {
		if q.Key == key {
			return q, true
		}
	}
	for _, q := range RecommendQuestions() {
		if q.Key == key {
			return q, true
		}
	}
	for _, q := range shortcutQuestions(ProtocolFTPS) {
		if q.Key == key {
			return q, true
		}
	}
	return Question{}, false
}

// Keys of the questions that feed Recommend. They are not answers-file
// fields (the answers file records the protocol chosen, not why): they
// match the flags of `ftpswiz compare`.
const (
	QPartnerFTPS        = "partner_requires_ftps"
	QClientCertificates = "client_certificates"
)

// RecommendQuestions returns the yes/no questions whose answers Recommend
// needs and the answers file does not hold (RecommendOptions), in the order
// the wizard asks them, in a fresh slice.
func RecommendQuestions() []Question {
	return []Question{
		{
			Key: QPartnerFTPS, Kind: KindYesNo,
			Title:       "Does the other side accept only FTP or FTPS?",
			Description: "A partner, an appliance, a business system, a contract or a regulation that speaks or demands FTP/FTPS cannot use SFTP: the two protocols are not interchangeable. Answer no if you decide what both ends run.",
			Choices: []Choice{
				{
					Value: "no", Label: "No",
					What:   "You (or both sides together) can choose the protocol.",
					Effect: "ftpswiz recommends the protocol that suits your network: SFTP, unless your answers point to FTPS.",
				},
				{
					Value: "yes", Label: "Yes",
					What:   "The other side needs FTP or FTPS; SFTP is not an option for it.",
					Effect: "ftpswiz recommends FTPS and plans what it takes: vsftpd, the passive range and the rules on every firewall.",
				},
			},
		},
		{
			Key: QClientCertificates, Kind: KindYesNo,
			Title:       "Must users log in with X.509 client certificates?",
			Description: "Some organisations require TLS client certificates instead of, or with, passwords. FTPS (TLS) offers them; SFTP authenticates with SSH keys or SSH certificates, not X.509.",
			Choices: []Choice{
				{
					Value: "no", Label: "No",
					What:   "Users log in with passwords or SSH keys.",
					Effect: "No effect on the recommendation.",
				},
				{
					Value: "yes", Label: "Yes",
					What:   "Users present an X.509 certificate when they log in.",
					Effect: "ftpswiz recommends FTPS. The generated vsftpd.conf does not check client certificates yet: add require_cert, validate_cert and ca_certs_file yourself.",
				},
			},
		},
	}
}

// protocolQuestion asks FTPS or SFTP.
func protocolQuestion() Question {
	return Question{
		Key: QProtocol, Kind: KindChoice,
		Title:       "FTPS or SFTP?",
		Description: "Two different protocols that both move files encrypted. FTPS is FTP with TLS: a control port plus a range of data ports every firewall must open. SFTP runs inside SSH: one port. Their clients are not interchangeable.",
		Choices: []Choice{
			{
				Value: string(ProtocolFTPS), Label: "FTPS (FTP over TLS, vsftpd)",
				Picture: "client ═21 + 50000-…═▶ vsftpd",
				What:    "FTP with TLS: a control connection, plus a data connection per listing or transfer to a port of a passive range; what FTP-only partners and appliances need.",
				Effect:  "Writes vsftpd.conf, rules for the control port and the whole passive range on every side, and FTPS client configs.",
			},
			{
				Value: string(ProtocolSFTP), Label: "SFTP (SSH file transfer, sshd)",
				Picture: "client ═══ 22 ═══▶ sshd",
				What:    "File transfer inside SSH: one connection to one port carries the login, the commands and every file; users log in with SSH keys.",
				Effect:  "Writes an sshd drop-in for an SFTP-only group locked into its directories, rules for the one port, and SFTP client configs.",
			},
		},
	}
}

// sftpOnlyQuestions are asked for SFTP only.
func sftpOnlyQuestions() []Question {
	return []Question{
		{
			Key: QSFTPPort, Kind: KindNumber,
			Title:       "SFTP port",
			Description: "The port the SFTP server's sshd listens on. 22 is the sshd most servers already run: SFTP accounts and administrators share it, and the group's Match block decides what each login may do. Another port lets the firewall open SFTP to clients and keep SSH to the admin network. Planning only the client: ask the server's operator.",
			Example:     "22",
			Effect:      "The port in the rules on every side and in every client config; Port lines in the sshd drop-in when it is not the admin SSH port.",
		},
		{
			Key: QSFTPUsers, Kind: KindText,
			Title:       "SFTP accounts (comma-separated)",
			Description: "Local accounts that get SFTP and nothing else: members of the group sftponly, each locked into its own directory (chroot) with a writable upload folder, without a shell or tunnels. Empty: the setup steps say USER for each account.",
			Example:     "alice, bob",
			Effect:      "The accounts the setup steps create (useradd, chroot directories, authorized_keys); the first is the login name in the client configs.",
		},
		{
			Key: QSFTPPasswordAuth, Kind: KindYesNo,
			Title:       "Allow passwords for the SFTP accounts?",
			Description: "SSH keys cannot be guessed or phished; passwords are what FTP users are used to. sshd decides for the SFTP group alone. Planning only the client: answer as the server's operator says.",
			Choices: []Choice{
				{
					Value: "no", Label: "No: SSH keys only (recommended)",
					What:   "Each user makes a key pair and sends you the public key; nothing to guess.",
					Effect: "AuthenticationMethods publickey for the group; the client configs log in with a key and never ask for a password.",
				},
				{
					Value: "yes", Label: "Yes: passwords allowed",
					What:   "Users may log in with a password, as with FTP.",
					Effect: "PasswordAuthentication yes for the group, marked as a warning: rate-limit or ban repeated failures (fail2ban).",
				},
			},
		},
	}
}

// ftpsOnly reports whether a question belongs to FTPS alone.
func ftpsOnly(key string) bool {
	switch key {
	case QMode, QActiveMode, QTransfers, QPassiveStart, QClientPassivePorts,
		QTLSProfile, QTLSSource, QLEEmail, QTLSCert, QTLSKey, QSSLReuse, QFlavour, QUsers:
		return true
	}
	return optionalFTPSOnly(key)
}

// sftpOnly reports whether a question belongs to SFTP alone.
func sftpOnly(key string) bool {
	return key == QSFTPPort || key == QSFTPUsers || key == QSFTPPasswordAuth
}

// QuestionsFor returns the questions the wizard asks for protocol p, in the
// order it asks them, worded for p, in a fresh slice: for SFTP without the
// FTPS-only questions (mode, concurrency, TLS, vsftpd, passive range, active
// mode), for FTPS without the SFTP-only ones. The protocol question itself
// is among them.
func QuestionsFor(p Protocol) []Question {
	var out []Question
	if p != ProtocolSFTP {
		for _, q := range Questions() {
			if !sftpOnly(q.Key) {
				out = append(out, q)
			}
		}
		return out
	}
	texts := map[string]Question{}
	for _, q := range append(sftpTexts(), sftpIPv6Texts()...) {
		texts[q.Key] = q
	}
	for _, q := range Questions() {
		if ftpsOnly(q.Key) {
			continue
		}
		if t, ok := texts[q.Key]; ok {
			q = t
		}
		out = append(out, q)
	}
	return out
}

// QuestionFor returns the question for an answers-file field path worded
// for protocol p; false when p does not ask it. Keys of RecommendQuestions
// and of the wizard's shortcuts (set-up, router interfaces) are found for
// either protocol.
func QuestionFor(p Protocol, key string) (Question, bool) {
	for _, q := range QuestionsFor(p) {
		if q.Key == key {
			return q, true
		}
	}
	for _, q := range RecommendQuestions() {
		if q.Key == key {
			return q, true
		}
	}
	for _, q := range shortcutQuestions(p) {
		if q.Key == key {
			return q, true
		}
	}
	return Question{}, false
}

// QuestionForRole is QuestionFor worded for the role being planned: for
// role client the FTPS mode question speaks of the server's kind of FTPS and
// the client configs, not of vsftpd instances (the server is someone
// else's, and no vsftpd file is written).
func QuestionForRole(p Protocol, r Role, key string) (Question, bool) {
	if r == RoleClient && p != ProtocolSFTP && key == QMode {
		return clientModeQuestion(), true
	}
	return QuestionFor(p, key)
}

// clientModeQuestion is the FTPS mode question for role client: the same
// key and values as the server's, worded for the connecting end.
func clientModeQuestion() Question {
	return Question{
		Key: QMode, Kind: KindChoice,
		Title:       "Which kind of FTPS does the server speak?",
		Description: "Explicit and implicit FTPS encrypt the same way; they differ in when TLS starts and on which port. Pick the kind the server's operator gives you.",
		Choices: []Choice{
			{
				Value: string(ModeExplicit), Label: "Explicit (AUTH TLS, usually port 21)",
				What:   "Standard FTPS: the session starts in clear text and switches to TLS before login; an FTP-aware middlebox on your side that latches onto the clear-text start can break it.",
				Effect: "Client configs use ftp:// with TLS required (ftpes) on the control port; your rules let it and the server's passive range out.",
			},
			{
				Value: string(ModeImplicit), Label: "Implicit (TLS from the first byte, usually port 990)",
				What:   "Encrypted from the first byte, so FTP-aware middleboxes (ALGs, helpers) pass it untouched.",
				Effect: "Client configs use ftps://host:990; your rules let port 990 and the server's passive range out.",
			},
			{
				Value: string(ModeBoth), Label: "Both (the server offers explicit and implicit)",
				What:   "The server listens on both control ports; your clients may use either.",
				Effect: "Client configs get an entry for each; your rules let both control ports and the passive range out.",
			},
		},
	}
}

// sftpTexts words the questions FTPS and SFTP share for SFTP: same keys and
// values, no vsftpd, passive range or TLS in the texts.
func sftpTexts() []Question {
	return []Question{
		{
			Key: QRole, Kind: KindChoice,
			Title:       "Which end of the SFTP connection are you planning?",
			Description: "SFTP needs one connection, from the client to one port of the server, so every firewall on the way needs one rule. ftpswiz writes the configuration for the ends you plan.",
			Choices: []Choice{
				{
					Value: string(RoleServer), Label: "Server: I run sshd",
					Picture: "clients ─▶ firewall ─▶ sshd",
					What:    "You operate the SFTP server (OpenSSH's sshd); other people's clients connect to it.",
					Effect:  "Writes an sshd drop-in for an SFTP-only group, rules for the server host (and its NAT router) and a HANDOUT.md for the people who connect.",
				},
				{
					Value: string(RoleClient), Label: "Client: I connect to someone's server",
					Picture: "you ─▶ your firewall ─▶ sshd",
					What:    "You connect to someone else's SFTP server through your own firewall.",
					Effect:  "Writes client configs and egress rules for your host or router; no sshd config.",
				},
				{
					Value: string(RoleBoth), Label: "Both ends (vendor and customer)",
					Picture: "client─▶fw═internet═fw─▶sshd",
					What:    "You plan the vendor's sshd behind its firewall and the customer's client behind theirs.",
					Effect:  "Writes everything, with one port map both sides agree on: the sshd drop-in, rules for every side, client configs.",
				},
			},
		},
		{
			Key: QServerNAT, Kind: KindChoice,
			Title:       "How do clients on the internet reach the SFTP server?",
			Description: "SFTP is one connection to one port: NAT only has to pass that port, and sshd never needs to know or announce its public address.",
			Choices: []Choice{
				{
					Value: string(NATNone), Label: "Directly: the host has the public address",
					Picture: "internet ─▶ sshd (public IP)",
					What:    "The public address is configured on the server itself; no router translates it.",
					Effect:  "Rules only for the host's own firewall.",
				},
				{
					Value: string(NATOneToOne), Label: "One-to-one NAT (cloud public/elastic IP)",
					Picture: "internet ─▶ 1:1 NAT ─▶ VM",
					What:    "A fixed public address maps every port onto a private host, as clouds do with elastic IPs.",
					Effect:  "Opens the SFTP port on the host (or its security group); nothing to announce.",
				},
				{
					Value: string(NATPortForward), Label: "Port forwarding on a router",
					Picture: "net ─▶ router (DNAT) ─▶ sshd",
					What:    "A router you manage forwards chosen ports (DNAT) to the server on its LAN.",
					Effect:  "Writes router rules forwarding the one SFTP port to the server.",
				},
				{
					Value: string(NATDynamicDNS), Label: "Changing address with dynamic DNS",
					Picture: "name ─▶ changing IP ─▶ sshd",
					What:    "The public address changes (home or small-office line); clients dial a DNS name kept up to date.",
					Effect:  "Clients dial the name; sshd does not depend on its public address, so a change needs no restart.",
				},
			},
		},
		{
			Key: QServerPublic, Kind: KindText,
			Title:       "Address clients dial",
			Description: "The public IPv4 address or DNS name clients connect to. Behind NAT this is the router's or cloud's public address, not the host's own; with dynamic DNS it is the name.",
			Example:     "203.0.113.10",
			Effect:      "The host in the client configs and the handout, and the destination of the client-side rules.",
		},
		{
			Key: QServerHost, Kind: KindText,
			Title:       "The SFTP server's own address",
			Description: "The IPv4 address configured on the server (ip -4 addr shows it): the one the router or cloud forwards to.",
			Example:     "10.20.0.2",
			Effect:      "The address the server host's rules protect and the router's port forward points to.",
		},
		{
			Key: QServerRouterWAN, Kind: KindText,
			Title:       "Router interface facing the internet",
			Description: "On the router that forwards the port: the interface with the public address (ip -br link on the router lists them).",
			Example:     "eth0",
			Effect:      "The router rules forward the SFTP port arriving on this interface.",
		},
		{
			Key: QServerRouterLAN, Kind: KindText,
			Title:       "Router interface facing the SFTP server",
			Description: "On the same router: the interface on the SFTP server's network.",
			Example:     "eth1",
			Effect:      "The router rules pass the forwarded SFTP port out of this interface to the server.",
		},
		{
			Key: QClientNAT, Kind: KindChoice,
			Title:       "How does the client network reach the internet?",
			Description: "The client opens the one SSH connection, so its firewall needs one outbound rule, to the server's SFTP port.",
			Choices: []Choice{
				{
					Value: string(ClientNATNone), Label: "Directly (firewall on the client host)",
					Picture: "client host (fw) ─▶ internet",
					What:    "The client host has its own public address, or only its own firewall filters.",
					Effect:  "An egress rule for the client host's own firewall.",
				},
				{
					Value: string(ClientNATMasquerade), Label: "Through a Linux router you manage (masquerade)",
					Picture: "LAN ─▶ router (masq) ─▶ net",
					What:    "A router you manage masquerades the client LAN to the internet.",
					Effect:  "Egress rules for that router: LAN to the server's SFTP port, replies back, nothing inbound.",
				},
				{
					Value: string(ClientNATCGNAT), Label: "Carrier-grade NAT you don't control",
					Picture: "client ─▶ ISP CGNAT ─▶ net",
					What:    "Mobile or some ISP lines: a provider's NAT shares one public address among many customers.",
					Effect:  "Nothing to configure on a router: the one connection is opened from your side, which any NAT lets out.",
				},
			},
		},
		{
			Key: QClientServer, Kind: KindText,
			Title:       "The SFTP server's address",
			Description: "The public IPv4 address or DNS name you connect to (the server's operator tells you).",
			Example:     "sftp.vendor.example",
			Effect:      "The destination of the egress rules and the host in every client config.",
		},
		{
			Key: QClientRouterWAN, Kind: KindText,
			Title:       "Your router's interface facing the internet",
			Description: "On the masquerading router: the interface with the public address (ip -br link lists them).",
			Example:     "eth0",
			Effect:      "The egress rules let SFTP out of this interface and its replies back in.",
		},
		{
			Key: QClientRouterLAN, Kind: KindText,
			Title:       "Your router's interface facing the LAN",
			Description: "On the same router: the interface on the clients' network.",
			Example:     "eth1",
			Effect:      "The egress rules accept SFTP connections from the clients on this interface.",
		},
		{
			Key: QClientLAN, Kind: KindText,
			Title:       "The client network behind the router",
			Description: "The LAN the clients sit on, in CIDR form: only it may open SFTP connections through the router.",
			Example:     "192.168.1.0/24",
			Effect:      "Only this network may open SFTP connections through the router.",
		},
		{
			Key: QClientSoftware, Kind: KindMulti,
			Title:       "Which clients should get a ready-made config?",
			Description: "Each chosen client gets an SFTP configuration (sftp://, never ftp:// or ftps://) for the server's port and login name, which checks the server's host key.",
			Choices:     clientChoices(ProtocolSFTP),
		},
		{
			Key: QAdminNetwork, Kind: KindText,
			Title:       "Network allowed to reach SSH on the server",
			Description: "The generated host firewall keeps the administrator's SSH open from this network (CIDR), so applying it never locks you out. When SFTP shares sshd's port, that port is open to the SFTP clients too.",
			Example:     "198.51.100.0/24",
			Effect:      "The server host's rules keep SSH open from this network.",
		},
		{
			Key: QAllowedClients, Kind: KindText,
			Title:       "Networks allowed to use SFTP (comma-separated CIDRs)",
			Description: "Only these networks reach the SFTP port. 0.0.0.0/0 means anywhere.",
			Example:     "0.0.0.0/0",
			Effect:      "The source networks of the SFTP rules on the server side.",
		},
	}
}
