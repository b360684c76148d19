package tui

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ftpswiz/ftpswiz/internal/detect"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// draft holds the answers while the user fills them in. The form fields bind
// straight into it; answers() maps it onto the answers schema, leaving out
// the sections and fields the role and NAT types do not use. It makes no
// decisions: wizard.Decide does, on the result.
type draft struct {
	// PartnerFTPS and ClientCerts are the facts Recommend needs that the
	// answers file does not hold; Protocol is the user's choice.
	PartnerFTPS bool
	ClientCerts bool
	Protocol    wizard.Protocol
	// recommended is the protocol last pre-selected from the
	// recommendation: the choice is pre-selected again only when the
	// recommendation changes, so going back keeps an override.
	recommended wizard.Protocol

	Role wizard.Role
	// Setup sets both NAT types at once for role both (wizard.SetupNATs);
	// wizard.SetupOther asks them one by one.
	Setup string

	ServerNAT wizard.ServerNAT
	Public    string
	Host      string
	// ServerRouter is the server's router question's answer: "WAN LAN";
	// ServerRouterKind is what that router runs (optional settings).
	ServerRouter     string
	ServerRouterKind wizard.RouterKind
	Mode             wizard.Mode
	Transfers        string
	PassiveStart     string
	AdminNetwork     string
	AllowedClients   string
	Profile          wizard.TLSProfile
	TLSSource        wizard.TLSSource
	LEEmail          string
	CertFile         string
	KeyFile          string
	SSLReuse         string // "yes" or "no"
	Flavour          wizard.Flavour
	Users            string
	ActiveMode       string // "yes" or "no"

	SFTPPort     string
	SFTPUsers    string
	SFTPPassword string // "yes" or "no"

	ClientNAT     wizard.ClientNAT
	ClientServer  string
	ClientPassive string
	// ClientRouter is the client's router question's answer: "WAN LAN
	// NETWORK"; ClientRouterKind is what that router runs (optional
	// settings).
	ClientRouter     string
	ClientRouterKind wizard.RouterKind
	Software         []wizard.ClientSoftware // FTPS clients
	SFTPSoftware     []wizard.ClientSoftware // SFTP clients
	ClientUser       string

	Firewalls []wizard.Firewall

	// Advanced is set when the user asked for the optional settings (TLS,
	// vsftpd build and users, SSH network, passive start, active mode,
	// and the steps after them: each box's firewall, IPv6, the container).
	Advanced bool

	// How the rules join each box's firewall (issue 10).
	ServerHostBox, ServerRouterBox, ClientRouterBox, ClientHostBox boxDraft

	// IPv6 (issue 12, both protocols): the server's address, the records
	// of the name clients dial and the IPv6 network allowed to SSH; the
	// client network's prefix; planning only the client, the server's IPv6
	// address and its name's records.
	ServerIPv6       string
	ServerDNS        wizard.DNSRecords
	AdminNetworkIPv6 string
	ClientIPv6Prefix string
	ClientServerIPv6 string
	ClientDNS        wizard.DNSRecords
	// serverDNSAuto and clientDNSAuto are the record sets last
	// pre-selected, the default for the addresses given then: a choice
	// still equal to it is left to Normalize, so it follows the addresses.
	serverDNSAuto, clientDNSAuto wizard.DNSRecords

	// Container runs vsftpd in a container (issue 17, FTPS only), with
	// the fields of the answers' container section.
	Container          bool
	ContainerEngine    wizard.ContainerEngine
	ContainerNetwork   wizard.ContainerNetwork
	ContainerName      string
	ContainerConfigDir string
	ContainerBaseImage string

	// answered marks the steps the user has completed: the recommendation
	// uses their answers and not the defaults of steps not yet seen.
	answered [stepCount]bool
}

// boxDraft is one box's firewall answers: its use and, shared with
// nftables, the table and chain its rules join.
type boxDraft struct {
	Use          wizard.BoxUse
	Table, Chain string
}

// newDraft starts a draft with the defaults of the common case and the
// values detected on this machine.
func newDraft(def defaults) *draft {
	d := &draft{
		Role:  wizard.RoleBoth,
		Setup: wizard.SetupClassic,
		// What the routers run is theirs to say, never this machine's:
		// Linux (nftables or iptables) until the optional settings say
		// otherwise.
		ServerRouterKind: wizard.RouterLinux,
		ClientRouterKind: wizard.RouterLinux,
		ServerNAT:        wizard.NATPortForward,
		Public:           def.Public,
		Host:             def.Host,
		Mode:             wizard.ModeExplicit,
		Transfers:        "20",
		PassiveStart:     strconv.Itoa(wizard.DefaultPassiveStart),
		Profile:          wizard.ProfileIntermediate,
		SSLReuse:         "yes",
		Flavour:          def.Flavour,
		ActiveMode:       "no",
		SFTPPort:         strconv.Itoa(wizard.DefaultSSHPort),
		SFTPPassword:     "no",
		ClientNAT:        wizard.ClientNATMasquerade,
		Software:         []wizard.ClientSoftware{wizard.ClientLFTP, wizard.ClientCurl},
		SFTPSoftware:     []wizard.ClientSoftware{wizard.ClientOpenSSH},
		// Not what this machine has installed: the rules are for the
		// boxes of the plan (routers, the server host), which the wizard
		// cannot see. nftables is Debian's and RHEL's default.
		Firewalls: []wizard.Firewall{wizard.FirewallNftables},

		ServerHostBox:    boxDraft{Use: wizard.DefaultBoxUse(wizard.SideServerHost)},
		ServerRouterBox:  boxDraft{Use: wizard.DefaultBoxUse(wizard.SideServerRouter)},
		ClientRouterBox:  boxDraft{Use: wizard.DefaultBoxUse(wizard.SideClientRouter)},
		ClientHostBox:    boxDraft{Use: wizard.DefaultBoxUse(wizard.SideClientHost)},
		ContainerEngine:  wizard.EngineDocker,
		ContainerNetwork: wizard.NetworkBridge,
	}
	if d.Flavour == "" {
		d.Flavour = wizard.FlavourAuto
	}
	if def.WAN != "" && def.LAN != "" {
		// This machine looks like a router: offer its interfaces for the
		// server's router (the wizard runs on the vendor's side).
		d.ServerRouter = def.WAN + " " + def.LAN
	}
	return d
}

// setupDecides reports whether the set-up question set both NAT types
// (role both, a set-up other than "something else").
func (d *draft) setupDecides() bool {
	_, _, ok := wizard.SetupNATs(d.Setup)
	return d.Role == wizard.RoleBoth && ok
}

// syncSetup copies the set-up's NAT types into the draft (role both): the
// set-up question binds to Setup, the answers and the steps read the NAT
// types. With "something else" they keep their values, which the NAT
// questions then offer.
func (d *draft) syncSetup() {
	if d.Role != wizard.RoleBoth {
		return
	}
	if sn, cn, ok := wizard.SetupNATs(d.Setup); ok {
		d.ServerNAT, d.ClientNAT = sn, cn
	}
}

// box returns the draft of a side's box.
func (d *draft) box(side wizard.Side) *boxDraft {
	switch side {
	case wizard.SideServerRouter:
		return &d.ServerRouterBox
	case wizard.SideClientRouter:
		return &d.ClientRouterBox
	case wizard.SideClientHost:
		return &d.ClientHostBox
	}
	return &d.ServerHostBox
}

// boxAsked reports whether the plan has the side's box and ftpswiz writes
// Linux rules for it, so its use is asked: the server host; the server's
// router with port forwarding and the client's router with masquerade,
// when they are Linux boxes (another make's rules only add); the client
// host when no router of the client's filters.
func (d *draft) boxAsked(side wizard.Side) bool {
	switch side {
	case wizard.SideServerHost:
		return d.Role.HasServer()
	case wizard.SideServerRouter:
		return d.Role.HasServer() && d.ServerNAT == wizard.NATPortForward && d.ServerRouterKind.Linux()
	case wizard.SideClientRouter:
		return d.Role.HasClient() && d.ClientNAT == wizard.ClientNATMasquerade && d.ClientRouterKind.Linux()
	case wizard.SideClientHost:
		return d.Role.HasClient() && d.ClientNAT != wizard.ClientNATMasquerade
	}
	return false
}

// nftAsked reports whether the side's nftables table and chain are asked:
// a shared box, with nftables among the formats.
func (d *draft) nftAsked(side wizard.Side) bool {
	return d.boxAsked(side) && d.box(side).Use == wizard.BoxShared && slices.Contains(d.Firewalls, wizard.FirewallNftables)
}

// boxAnswer is a side's box firewall as the answers hold it: only what
// differs from the defaults, so an untouched box reads as an answers
// file that does not mention it.
func (d *draft) boxAnswer(side wizard.Side) wizard.BoxFirewall {
	var bf wizard.BoxFirewall
	if !d.boxAsked(side) {
		return bf
	}
	b := d.box(side)
	if b.Use != wizard.DefaultBoxUse(side) {
		bf.Use = b.Use
	}
	if d.nftAsked(side) {
		if t := strings.Join(strings.Fields(b.Table), " "); t != wizard.DefaultNftTable {
			bf.NftTable = t
		}
		if c := strings.TrimSpace(b.Chain); c != wizard.DefaultNftChain(side) {
			bf.NftChain = c
		}
	}
	return bf
}

// isName reports whether an address answer is a DNS name (not empty, not
// an IP address).
func isName(s string) bool {
	s = strings.TrimSpace(s)
	_, err := netip.ParseAddr(s)
	return s != "" && err != nil
}

// serverDNSAsked and clientDNSAsked report whether the records of the
// name clients dial are asked: a DNS name, and an IPv6 address (without
// one the name has an A record only).
func (d *draft) serverDNSAsked() bool {
	return d.Role.HasServer() && isName(d.Public) && strings.TrimSpace(d.ServerIPv6) != ""
}

func (d *draft) clientDNSAsked() bool {
	return d.Role == wizard.RoleClient && isName(d.ClientServer) && strings.TrimSpace(d.ClientServerIPv6) != ""
}

// adminIPv6Asked reports whether the IPv6 network allowed to SSH is
// asked: the server is planned, has an IPv6 address, and its admin
// network (asked for either protocol) is not an IPv6 one already, which
// leaves nothing for admin_network_ipv6 to add.
func (d *draft) adminIPv6Asked() bool {
	return d.Role.HasServer() && strings.TrimSpace(d.ServerIPv6) != "" &&
		wizard.CIDRFamily(strings.TrimSpace(d.AdminNetwork)) != wizard.FamilyIPv6
}

// preselectDNS pre-selects the default record sets for the addresses
// given, unless the user chose another.
func (d *draft) preselectDNS() {
	if def := wizard.DefaultDNSRecords(strings.TrimSpace(d.Public), strings.TrimSpace(d.ServerIPv6)); d.ServerDNS == "" || d.ServerDNS == d.serverDNSAuto {
		d.ServerDNS, d.serverDNSAuto = def, def
	}
	if def := wizard.DefaultDNSRecords(strings.TrimSpace(d.ClientServer), strings.TrimSpace(d.ClientServerIPv6)); d.ClientDNS == "" || d.ClientDNS == d.clientDNSAuto {
		d.ClientDNS, d.clientDNSAuto = def, def
	}
}

// routerAnswer reads a router question's answer positionally (the
// question's own check says when values are missing or extra).
func routerAnswer(s string) wizard.RouterAnswer {
	f := splitList(s)
	f = append(f, "", "", "")
	return wizard.RouterAnswer{WAN: f[0], LAN: f[1], Network: f[2]}
}

// answeredCount is the number of steps the user has completed.
func (d *draft) answeredCount() int {
	n := 0
	for _, a := range d.answered {
		if a {
			n++
		}
	}
	return n
}

// sftp reports whether SFTP is chosen (never when the partner accepts only
// FTPS: then the protocol question is not asked).
func (d *draft) sftp() bool { return d.Protocol == wizard.ProtocolSFTP && !d.PartnerFTPS }

// protocol is the protocol chosen, FTPS until the user chooses.
func (d *draft) protocol() wizard.Protocol {
	if d.sftp() {
		return wizard.ProtocolSFTP
	}
	return wizard.ProtocolFTPS
}

// answers maps the draft onto the answers schema: for SFTP without the
// FTPS-only fields (mode, capacity, TLS, vsftpd, passive range, the
// container), which Decide refuses with protocol sftp.
func (d *draft) answers() wizard.Answers {
	d.syncSetup()
	a := wizard.Answers{
		Version:   wizard.SchemaVersion,
		Protocol:  d.protocol(),
		Role:      d.Role,
		Firewalls: slices.Clone(d.Firewalls),
	}
	sftp := d.sftp()
	if !sftp {
		// Saved, so `ftpswiz compare --answers` recommends from them too.
		// (Choosing SFTP against them is the user's call; they are not
		// saved then, as Decide refuses them with protocol sftp.)
		a.Constraints = wizard.Constraints{PartnerRequiresFTPS: d.PartnerFTPS, ClientCertificates: d.ClientCerts && !d.PartnerFTPS}
	}
	if sftp {
		x := &wizard.SFTP{Port: atoi(d.SFTPPort), PasswordAuthentication: new(d.SFTPPassword == "yes")}
		if d.Role.HasServer() {
			x.Users = splitList(d.SFTPUsers)
		}
		a.SFTP = x
	} else {
		a.FTPS = wizard.FTPS{Mode: d.Mode, ActiveMode: d.ActiveMode == "yes"}
	}
	if d.Role.HasServer() {
		s := &wizard.Server{
			PublicAddress:  strings.TrimSpace(d.Public),
			NAT:            d.ServerNAT,
			AllowedClients: splitList(d.AllowedClients),
			AdminNetwork:   strings.TrimSpace(d.AdminNetwork),
		}
		if !sftp {
			s.PassiveStart = atoi(d.PassiveStart)
			s.Capacity = wizard.Capacity{Transfers: atoi(d.Transfers)}
			cert, key := strings.TrimSpace(d.CertFile), strings.TrimSpace(d.KeyFile)
			if d.TLSSource != wizard.SourceOwn {
				cert, key = "", "" // Let's Encrypt's or the dedicated self-signed pair
			}
			s.TLS = wizard.TLS{
				Source:          d.TLSSource,
				CertFile:        cert,
				KeyFile:         key,
				Profile:         d.Profile,
				RequireSSLReuse: new(d.SSLReuse != "no"),
			}
			if email := strings.TrimSpace(d.LEEmail); email != "" && d.TLSSource == wizard.SourceLetsEncrypt {
				s.TLS.LetsEncrypt = &wizard.LetsEncrypt{Email: email}
			}
			s.Vsftpd = wizard.Vsftpd{Flavour: d.Flavour, Users: splitList(d.Users)}
			if d.Container {
				s.Container = &wizard.Container{
					Engine: d.ContainerEngine, Network: d.ContainerNetwork,
					Name:      strings.TrimSpace(d.ContainerName),
					ConfigDir: strings.TrimSpace(d.ContainerConfigDir),
					BaseImage: strings.TrimSpace(d.ContainerBaseImage),
				}
			}
		}
		s.IPv6Address = strings.TrimSpace(d.ServerIPv6)
		if d.serverDNSAsked() && d.ServerDNS != d.serverDNSAuto {
			s.DNSRecords = d.ServerDNS
		}
		if d.adminIPv6Asked() {
			s.AdminNetworkIPv6 = strings.TrimSpace(d.AdminNetworkIPv6)
		}
		s.HostFirewall = d.boxAnswer(wizard.SideServerHost)
		if d.ServerNAT.Behind() {
			s.HostAddress = strings.TrimSpace(d.Host)
		}
		if d.ServerNAT == wizard.NATPortForward {
			r := routerAnswer(d.ServerRouter)
			s.Router = &wizard.Router{Kind: d.ServerRouterKind, WANInterface: r.WAN, LANInterface: r.LAN,
				Firewall: d.boxAnswer(wizard.SideServerRouter)}
		}
		a.Server = s
	}
	if d.Role.HasClient() {
		c := &wizard.Client{
			NAT:      d.ClientNAT,
			Software: slices.Clone(d.Software),
			User:     strings.TrimSpace(d.ClientUser),
		}
		if sftp {
			c.Software = slices.Clone(d.SFTPSoftware)
		}
		if d.ClientNAT == wizard.ClientNATMasquerade {
			r := routerAnswer(d.ClientRouter)
			c.Router = &wizard.Router{Kind: d.ClientRouterKind, WANInterface: r.WAN, LANInterface: r.LAN,
				Firewall: d.boxAnswer(wizard.SideClientRouter)}
			c.LANCIDR = r.Network
		}
		c.HostFirewall = d.boxAnswer(wizard.SideClientHost)
		c.IPv6Prefix = strings.TrimSpace(d.ClientIPv6Prefix)
		if d.Role == wizard.RoleClient {
			c.ServerAddress = strings.TrimSpace(d.ClientServer)
			if !sftp {
				c.PassivePorts = strings.TrimSpace(d.ClientPassive)
			}
			c.ServerIPv6Address = strings.TrimSpace(d.ClientServerIPv6)
			if d.clientDNSAsked() && d.ClientDNS != d.clientDNSAuto {
				c.DNSRecords = d.ClientDNS
			}
		}
		a.Client = c
	}
	return a
}

// recommendAnswers are the answers Recommend weighs: only those of the
// steps the user has completed, so that the defaults of steps not yet
// seen (both ends behind NAT) are not presented as the user's facts. At
// the first step there are none.
func (d *draft) recommendAnswers() wizard.Answers {
	var r wizard.Answers
	if !d.answered[stepRole] {
		return r
	}
	full := d.answers()
	r.Role = full.Role
	nats := d.answered[stepSetup] && d.setupDecides()
	if full.Server != nil && (nats || d.answered[stepServerNAT]) {
		r.Server = &wizard.Server{NAT: full.Server.NAT}
		if d.answered[stepAdvanced] {
			r.Server.Capacity = full.Server.Capacity
		}
	}
	if full.Client != nil && (nats || d.answered[stepClientNAT]) {
		r.Client = &wizard.Client{NAT: full.Client.NAT}
		if d.answered[stepSoftware] || (!d.sftp() && d.answered[stepAdvanced]) {
			r.Client.Software = full.Client.Software
		}
	}
	if !d.sftp() {
		if d.answered[stepMode] {
			r.FTPS.Mode = full.FTPS.Mode
		}
		if d.answered[stepAdvanced] {
			r.FTPS.ActiveMode = full.FTPS.ActiveMode
		}
	}
	return r
}

// recommendOptions are the constraints as answered; the certificates
// answer counts only while its question is asked.
func (d *draft) recommendOptions() wizard.RecommendOptions {
	return wizard.RecommendOptions{
		PartnerRequiresFTPS: d.PartnerFTPS,
		ClientCertificates:  d.ClientCerts && d.applies(stepCertificates),
	}
}

// recommend recommends a protocol from the answers given so far.
func (d *draft) recommend() wizard.Recommendation {
	return wizard.Recommend(d.recommendAnswers(), d.recommendOptions())
}

// preselect pre-selects the recommended protocol when the recommendation
// changed since the last pre-selection (always the first time). It
// returns the recommendation and whether it changed a choice made before.
func (d *draft) preselect() (rec wizard.Recommendation, changed bool) {
	rec = d.recommend()
	if rec.Protocol != d.recommended {
		changed = d.recommended != "" && d.Protocol != rec.Protocol
		d.Protocol, d.recommended = rec.Protocol, rec.Protocol
	}
	return rec, changed
}

// atoi reads a number field; anything that is not a whole number is 0 (the
// form's own check explains it before the answers are used).
func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}

// splitList reads a comma- or space-separated list.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

// defaults are the values detected on this machine that the wizard offers.
type defaults struct {
	// Public is the first public-looking address of an interface that is up.
	Public string
	// Host is the first private address of an interface that is up, and
	// HostNet its network.
	Host    string
	HostNet string
	// WAN and LAN name this machine's interfaces when it looks like a
	// router (one interface with a public address, another with a private
	// one).
	WAN, LAN string
	// Interfaces describes the interfaces for the side panel
	// ("eth0 192.0.2.10/24").
	Interfaces []string
	Firewalls  []wizard.Firewall
	// Flavour is the installed vsftpd's build ("" when none or unknown).
	Flavour wizard.Flavour
	// AdminNet is the address the wizard's SSH session comes from, as a
	// /32 ("" outside SSH): the admin network offered.
	AdminNet string
	// ifaces are the interfaces as detected, to tell whether this machine
	// is the server host.
	ifaces []detect.Interface
	// nft reads this machine's nftables base chains once, when first
	// needed (false when they cannot be read); nil: no detector.
	nft func() (detect.NftRuleset, bool)
}

// lazyNft reads det's nftables chains on the first call only.
func lazyNft(ctx context.Context, det detect.Detector) func() (detect.NftRuleset, bool) {
	var (
		once sync.Once
		rs   detect.NftRuleset
		ok   bool
	)
	return func() (detect.NftRuleset, bool) {
		once.Do(func() {
			r, err := det.NftChains(ctx)
			rs, ok = r, err == nil
		})
		return rs, ok
	}
}

// serverHostChains returns the base chains on hook input this machine's
// nftables has, when this machine is the server host (it has the host's
// address), with the one to offer first: Debian's inet filter input
// when present, else the first of family inet or ip (the families
// ftpswiz's rules join). Live chains when the ruleset could be read,
// else /etc/nftables.conf's.
func (def defaults) serverHostChains(d *draft) ([]detect.NftChain, bool) {
	host := strings.TrimSpace(d.Host)
	if !d.ServerNAT.Behind() {
		host = strings.TrimSpace(d.Public)
	}
	if def.nft == nil || !d.Role.HasServer() || !detect.HasAddress(def.ifaces, host) {
		return nil, false
	}
	rs, ok := def.nft()
	if !ok {
		return nil, false
	}
	var out []detect.NftChain
	for _, c := range rs.Chains() {
		if c.Hook == wizard.DefaultNftHostChain && (c.Family == "inet" || c.Family == "ip") {
			if c.TableName() == wizard.DefaultNftTable && c.Name == wizard.DefaultNftHostChain {
				out = append([]detect.NftChain{c}, out...)
				continue
			}
			out = append(out, c)
		}
	}
	return out, len(out) > 0
}

// sshClientNet reads $SSH_CLIENT ("ADDR PORT PORT") into ADDR/32; "" when it
// is not an IPv4 address.
func sshClientNet(v string) string {
	f := strings.Fields(v)
	if len(f) == 0 {
		return ""
	}
	a, err := netip.ParseAddr(f[0])
	if err != nil || !a.Unmap().Is4() {
		return ""
	}
	return netip.PrefixFrom(a.Unmap(), 32).String()
}

// detectDefaults asks the detector (which never reaches the network) for
// the machine's addresses, interfaces, firewall tools and vsftpd build.
// Detection is best effort: what cannot be read is simply not offered.
func detectDefaults(ctx context.Context, det detect.Detector) defaults {
	var def defaults
	if det == nil {
		return def
	}
	def.nft = lazyNft(ctx, det)
	if v, err := det.Vsftpd(); err == nil && v.Installed && v.Known {
		def.Flavour = v.Flavour
	}
	if tools, err := det.Firewalls(); err == nil {
		for _, t := range tools {
			if !slices.Contains(def.Firewalls, t.Firewall) {
				def.Firewalls = append(def.Firewalls, t.Firewall)
			}
		}
	}
	ifaces, err := det.Interfaces()
	if err != nil {
		return def
	}
	def.ifaces = ifaces
	var wan, lan string
	for _, in := range ifaces {
		if !in.Up || in.Loopback {
			continue
		}
		var addrs []string
		for _, a := range in.Addrs {
			addrs = append(addrs, a.Prefix.String())
			switch {
			case a.Public:
				if def.Public == "" {
					def.Public = a.IP().String()
				}
				if wan == "" {
					wan = in.Name
				}
			case a.IP().IsPrivate():
				if def.Host == "" {
					def.Host = a.IP().String()
					def.HostNet = netip.PrefixFrom(a.IP(), a.Prefix.Bits()).Masked().String()
				}
				if lan == "" && in.Name != wan {
					lan = in.Name
				}
			}
		}
		if len(addrs) > 0 {
			def.Interfaces = append(def.Interfaces, in.Name+" "+strings.Join(addrs, " "))
		}
	}
	if wan != "" && lan != "" && wan != lan {
		def.WAN, def.LAN = wan, lan
	}
	return def
}
