package tui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/huh/v2"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// step is one page of the wizard. Each form step is its own huh form, built
// from the answers given so far: no hidden groups and no dynamic options,
// so huh's accessible mode asks exactly what the TUI shows.
type step int

const (
	// The protocol choice: the two constraints Recommend needs (the
	// certificates question only when the partner does not already decide
	// for FTPS), then FTPS or SFTP with the recommendation pre-selected.
	stepPartner step = iota
	stepCertificates
	stepProtocol
	stepRole
	stepSetup
	stepServerNAT
	stepServerAddress
	stepSFTP
	stepMode
	stepAccess
	stepAccounts
	stepClientNAT
	stepClientNetwork
	stepSoftware
	stepFirewalls
	stepAdvanced
	// The optional settings the answers file had and the wizard did not
	// ask: each box's firewall, IPv6 and the container, after the other
	// optional settings (their answers decide which of these apply).
	stepBoxes
	stepNft
	stepIPv6
	stepIPv6Access
	stepDNS
	stepContainer
	stepContainerDetails
	stepReview
	stepOutput
	stepConfirm
	stepCount
)

// title names the step in the header.
func (s step) title() string {
	switch s {
	case stepPartner, stepCertificates, stepProtocol:
		return "FTPS or SFTP?"
	case stepRole:
		return "Role"
	case stepSetup:
		return "Set-up"
	case stepServerNAT:
		return "Server network"
	case stepServerAddress:
		return "Server addresses"
	case stepSFTP:
		return "SFTP service"
	case stepMode:
		return "FTPS mode"
	case stepAccess:
		return "Who may connect"
	case stepAccounts:
		return "Certificate, users"
	case stepClientNAT:
		return "Client network"
	case stepClientNetwork:
		return "Client details"
	case stepSoftware:
		return "Client software"
	case stepFirewalls:
		return "Firewalls"
	case stepAdvanced:
		return "Optional settings"
	case stepBoxes:
		return "Each box's firewall"
	case stepNft:
		return "nftables table and chain"
	case stepIPv6:
		return "IPv6"
	case stepIPv6Access:
		return "Who may connect over IPv6"
	case stepDNS:
		return "DNS records"
	case stepContainer:
		return "Container"
	case stepContainerDetails:
		return "Container details"
	case stepReview:
		return "Review"
	case stepOutput:
		return "Output directory"
	case stepConfirm:
		return "Confirm"
	}
	return fmt.Sprintf("step %d", int(s))
}

// titleFor names the step for the protocol being planned.
func (s step) titleFor(wizard.Protocol) string { return s.title() }

// isForm reports whether the step is a huh form (review and confirm are
// scrollable pages of their own).
func (s step) isForm() bool { return s != stepReview && s != stepConfirm }

// choosesProtocol reports whether the step belongs to the protocol choice,
// whose side panel holds the comparison and scrolls.
func (s step) choosesProtocol() bool {
	return s == stepPartner || s == stepCertificates || s == stepProtocol
}

// applies reports whether the step is asked with the answers so far; the
// output and confirm steps are handled by the model.
func (d *draft) applies(s step) bool {
	d.syncSetup()
	switch s {
	case stepCertificates, stepProtocol:
		// A partner that accepts only FTPS decides already: FTPS.
		return !d.PartnerFTPS
	case stepSetup:
		// Both ends: one question sets both NAT types.
		return d.Role == wizard.RoleBoth
	case stepServerNAT:
		return d.Role.HasServer() && !d.setupDecides()
	case stepServerAddress:
		return d.Role.HasServer()
	case stepSFTP:
		return d.sftp()
	case stepMode:
		// Planning only the client, the mode is the server's (ask its
		// operator) and must be asked; a server gets explicit FTPS, the
		// standard, unless the optional settings change it.
		return !d.sftp() && d.Role == wizard.RoleClient
	case stepAccess, stepAccounts:
		// The answers that matter most for safety are in the main flow:
		// who may reach FTPS and SSH, the certificate, the accounts.
		// Everything else of FTPS has a safe default and is among the
		// optional settings (concurrency, the Let's Encrypt e-mail, the
		// client software, the firewall formats).
		return !d.sftp() && d.Role.HasServer()
	case stepClientNAT:
		return d.Role.HasClient() && !d.setupDecides()
	case stepSoftware, stepFirewalls:
		// SFTP's flow asks them; FTPS's are optional settings.
		return d.sftp() && (s == stepFirewalls || d.Role.HasClient())
	case stepClientNetwork:
		return d.Role == wizard.RoleClient || (d.Role.HasClient() && d.ClientNAT == wizard.ClientNATMasquerade)
	case stepAdvanced:
		return d.Advanced
	case stepBoxes:
		return d.Advanced && slices.ContainsFunc(wizard.AllSides(), d.boxAsked)
	case stepNft:
		return d.Advanced && slices.ContainsFunc(wizard.AllSides(), d.nftAsked)
	case stepIPv6:
		return d.Advanced
	case stepIPv6Access:
		// With an IPv6 address the server is reached over IPv6 too: who
		// may connect is asked again, for the clients' IPv6 networks, and
		// the IPv6 network allowed to SSH (the admin network was asked
		// before: FTPS's main flow, SFTP's optional settings).
		return d.Advanced && d.Role.HasServer() && strings.TrimSpace(d.ServerIPv6) != ""
	case stepDNS:
		return d.Advanced && (d.serverDNSAsked() || d.clientDNSAsked())
	case stepContainer:
		return d.Advanced && !d.sftp() && d.Role.HasServer()
	case stepContainerDetails:
		return d.Advanced && !d.sftp() && d.Role.HasServer() && d.Container
	}
	return s >= 0 && s < stepCount
}

// nextStep returns the first step after s that applies (stepReview at the
// latest).
func (d *draft) nextStep(s step) step {
	for n := s + 1; n < stepReview; n++ {
		if d.applies(n) {
			return n
		}
	}
	return max(s+1, stepReview)
}

// prevStep returns the last step before s that applies (s itself when
// there is none).
func (d *draft) prevStep(s step) step {
	for p := min(s-1, stepReview); p >= 0; p-- {
		if d.applies(p) {
			return p
		}
	}
	return s
}

// spec is one question on a step: the huh field bound into the draft, and
// how to check and explain it.
type spec struct {
	q     wizard.Question
	field huh.Field
	// check validates the bound value (nil: nothing to check).
	check func() error
	// hovered returns the value under the cursor of a choice or yes/no
	// field (for yes/no, the button selected).
	hovered func() string
	// chosen returns the bound value of a choice or yes/no field, as the
	// question's choice value.
	chosen func() string
	// selected reports whether a value is selected (multi-choice fields).
	selected func(value string) bool
	// covers are the answers-file fields a shortcut question fills (the
	// router questions'), for sending a complaint about one of them to it.
	covers []string
	// section says the key is a section whose other fields have their
	// own questions (the router's kind and firewall, the container's
	// fields): only a complaint about the section itself, or a field it
	// covers, is this question's.
	section bool
}

// asks reports whether the question asks about errField (itself, or one
// of the fields it fills).
func (sp spec) asks(errField string) bool {
	if sp.section && errField == sp.q.Key {
		return true
	}
	if !sp.section && fieldMatches(errField, sp.q.Key) {
		return true
	}
	for _, k := range sp.covers {
		if fieldMatches(errField, k) {
			return true
		}
	}
	return false
}

// builder makes the fields of each step.
type builder struct {
	d          *draft
	def        defaults
	accessible bool
	// outDir is bound to the output step; checkOut validates it.
	outDir   *string
	checkOut func(string) error
}

// fields returns the questions of a form step, bound into the draft.
func (b *builder) fields(s step) []spec {
	d := b.d
	d.syncSetup()
	var out []spec
	switch s {
	case stepPartner:
		out = append(out, b.yesNo(wizard.QPartnerFTPS, &d.PartnerFTPS))
	case stepCertificates:
		out = append(out, b.yesNo(wizard.QClientCertificates, &d.ClientCerts))
	case stepProtocol:
		out = append(out, choiceSpec(b, wizard.QProtocol, &d.Protocol))
	case stepRole:
		out = append(out, choiceSpec(b, wizard.QRole, &d.Role))
	case stepSetup:
		sp := choiceSpec(b, wizard.QSetup, &d.Setup)
		sp.covers = []string{wizard.QServerNAT, wizard.QClientNAT}
		out = append(out, sp)
	case stepServerNAT:
		out = append(out, choiceSpec(b, wizard.QServerNAT, &d.ServerNAT))
	case stepServerAddress:
		out = append(out, b.text(wizard.QServerPublic, &d.Public))
		if d.ServerNAT.Behind() {
			out = append(out, b.text(wizard.QServerHost, &d.Host))
		}
		if d.ServerNAT == wizard.NATPortForward {
			out = append(out, b.router(wizard.QServerRouter, &d.ServerRouter))
		}
	case stepSFTP:
		out = append(out, b.number(wizard.QSFTPPort, &d.SFTPPort))
		if d.Role.HasServer() {
			out = append(out, b.text(wizard.QSFTPUsers, &d.SFTPUsers))
		}
		out = append(out, choiceSpec(b, wizard.QSFTPPasswordAuth, &d.SFTPPassword))
	case stepMode:
		out = append(out, choiceSpec(b, wizard.QMode, &d.Mode))
	case stepAccess:
		if d.AdminNetwork == "" && b.def.AdminNet != "" {
			// The SSH session the wizard runs in comes from the admin's
			// machine: offer its address.
			d.AdminNetwork = b.def.AdminNet
		}
		out = append(out, b.text(wizard.QAllowedClients, &d.AllowedClients), b.text(wizard.QAdminNetwork, &d.AdminNetwork))
	case stepAccounts:
		if d.TLSSource == "" {
			// What Normalize would pick: Let's Encrypt for a DNS name,
			// self-signed (pinned) for an IP address.
			d.TLSSource = wizard.Normalize(d.answers()).Server.TLS.Source
		}
		out = append(out, choiceSpec(b, wizard.QTLSSource, &d.TLSSource))
		if d.TLSSource == wizard.SourceOwn {
			out = append(out, b.text(wizard.QTLSCert, &d.CertFile), b.text(wizard.QTLSKey, &d.KeyFile))
		}
		// The Let's Encrypt e-mail is optional (certbot registers
		// without one): among the optional settings.
		out = append(out, b.text(wizard.QUsers, &d.Users))
	case stepClientNAT:
		out = append(out, choiceSpec(b, wizard.QClientNAT, &d.ClientNAT))
	case stepClientNetwork:
		if d.Role == wizard.RoleClient {
			out = append(out, b.text(wizard.QClientServer, &d.ClientServer))
			if !d.sftp() {
				out = append(out, b.text(wizard.QClientPassivePorts, &d.ClientPassive))
			}
		}
		if d.ClientNAT == wizard.ClientNATMasquerade {
			out = append(out, b.router(wizard.QClientRouter, &d.ClientRouter))
		}
	case stepSoftware:
		if d.sftp() {
			out = append(out, multiSpec(b, wizard.QClientSoftware, &d.SFTPSoftware))
		} else {
			out = append(out, multiSpec(b, wizard.QClientSoftware, &d.Software))
		}
	case stepFirewalls:
		out = append(out, multiSpec(b, wizard.QFirewalls, &d.Firewalls))
	case stepAdvanced:
		if d.sftp() {
			if d.Role.HasServer() {
				out = append(out, b.text(wizard.QAdminNetwork, &d.AdminNetwork), b.text(wizard.QAllowedClients, &d.AllowedClients))
			}
			if d.Role.HasClient() {
				out = append(out, b.text(wizard.QClientUser, &d.ClientUser))
			}
			break
		}
		// FTPS: what the main flow leaves at its safe default.
		if d.Role.HasServer() {
			out = append(out,
				choiceSpec(b, wizard.QMode, &d.Mode),
				b.number(wizard.QTransfers, &d.Transfers),
				b.number(wizard.QPassiveStart, &d.PassiveStart),
			)
			if d.TLSSource == wizard.SourceLetsEncrypt {
				out = append(out, b.text(wizard.QLEEmail, &d.LEEmail))
			}
			out = append(out,
				choiceSpec(b, wizard.QFlavour, &d.Flavour),
				b.profile(),
				choiceSpec(b, wizard.QSSLReuse, &d.SSLReuse),
			)
		}
		out = append(out, choiceSpec(b, wizard.QActiveMode, &d.ActiveMode))
		if d.Role.HasClient() {
			out = append(out, multiSpec(b, wizard.QClientSoftware, &d.Software), b.text(wizard.QClientUser, &d.ClientUser))
		}
		// The firewall of each router, asked per box; the formats of the
		// Linux boxes after them.
		if d.Role.HasServer() && d.ServerNAT == wizard.NATPortForward {
			out = append(out, choiceSpec(b, wizard.QServerRouterKind, &d.ServerRouterKind))
		}
		if d.Role.HasClient() && d.ClientNAT == wizard.ClientNATMasquerade {
			out = append(out, choiceSpec(b, wizard.QClientRouterKind, &d.ClientRouterKind))
		}
		out = append(out, multiSpec(b, wizard.QFirewalls, &d.Firewalls))
	case stepBoxes:
		for _, side := range wizard.AllSides() {
			if d.boxAsked(side) {
				out = append(out, choiceSpec(b, wizard.BoxField(side)+".use", &d.box(side).Use))
			}
		}
	case stepNft:
		for _, side := range wizard.AllSides() {
			if !d.nftAsked(side) {
				continue
			}
			bx := d.box(side)
			if side == wizard.SideServerHost && bx.Table == "" && bx.Chain == "" {
				// This machine is the server host: offer the input
				// chain its nftables has.
				if chains, ok := b.def.serverHostChains(d); ok {
					bx.Table, bx.Chain = chains[0].TableName(), chains[0].Name
				}
			}
			f := wizard.BoxField(side)
			out = append(out, b.text(f+".nft_table", &bx.Table), b.text(f+".nft_chain", &bx.Chain))
		}
	case stepIPv6:
		if d.Role.HasServer() {
			out = append(out, b.text(wizard.QServerIPv6, &d.ServerIPv6))
		}
		if d.Role == wizard.RoleClient {
			out = append(out, b.text(wizard.QClientServerIPv6, &d.ClientServerIPv6))
		}
		if d.Role.HasClient() {
			out = append(out, b.text(wizard.QClientIPv6Prefix, &d.ClientIPv6Prefix))
		}
	case stepIPv6Access:
		out = append(out, b.text(wizard.QAllowedClients, &d.AllowedClients))
		if d.adminIPv6Asked() {
			out = append(out, b.text(wizard.QAdminNetworkIPv6, &d.AdminNetworkIPv6))
		}
	case stepDNS:
		d.preselectDNS()
		if d.serverDNSAsked() {
			out = append(out, choiceSpec(b, wizard.QServerDNSRecords, &d.ServerDNS))
		}
		if d.clientDNSAsked() {
			out = append(out, choiceSpec(b, wizard.QClientDNSRecords, &d.ClientDNS))
		}
	case stepContainer:
		sp := b.yesNo(wizard.QContainer, &d.Container)
		sp.section = true
		out = append(out, sp)
	case stepContainerDetails:
		out = append(out,
			choiceSpec(b, wizard.QContainerEngine, &d.ContainerEngine),
			choiceSpec(b, wizard.QContainerNetwork, &d.ContainerNetwork),
			b.text(wizard.QContainerName, &d.ContainerName),
			b.text(wizard.QContainerConfigDir, &d.ContainerConfigDir),
			b.text(wizard.QContainerBaseImage, &d.ContainerBaseImage),
		)
	case stepOutput:
		out = append(out, b.output())
	}
	return out
}

// question returns the texts of a question for the protocol being
// planned; a missing one is a programming error caught by the tests.
func (b *builder) question(key string) wizard.Question {
	q, ok := wizard.QuestionFor(b.d.protocol(), key)
	if !ok {
		panic("tui: no question " + key + " for " + string(b.d.protocol()))
	}
	return q
}

// yesNo is a yes/no question as a confirm field: y and n answer it with
// one key, enter keeps the selected button ("No" unless answered yes).
func (b *builder) yesNo(key string, v *bool) spec {
	q := b.question(key)
	c := huh.NewConfirm().
		Key(key).
		Title(q.Title).
		Description(q.Description).
		Affirmative("Yes").
		Negative("No").
		Value(v)
	value := func() string {
		if *v {
			return "yes"
		}
		return "no"
	}
	return spec{q: q, field: c, hovered: value, chosen: value}
}

// profile is the TLS profile question with the profiles the vsftpd build
// can have: modern (TLS 1.3 only) is not offered for Debian's 3.0.3, which
// cannot switch TLS 1.2 off.
func (b *builder) profile() spec {
	fl := b.flavour()
	if !wizard.ProfileOffered(b.d.Profile, fl) {
		b.d.Profile = wizard.ProfileIntermediate
	}
	return choiceSpecOf(b, wizard.QTLSProfile, &b.d.Profile, func(v string) bool {
		return wizard.ProfileOffered(wizard.TLSProfile(v), fl)
	})
}

// flavour is the vsftpd build the plan will be written for: the one chosen,
// for auto the one detected here, Debian 12's when none is (as generate
// resolves it).
func (b *builder) flavour() wizard.Flavour {
	switch {
	case b.d.Flavour != "" && b.d.Flavour != wizard.FlavourAuto:
		return b.d.Flavour
	case b.def.Flavour != "":
		return b.def.Flavour
	}
	return wizard.FlavourDebian
}

func choiceSpec[T ~string](b *builder, key string, v *T) spec {
	return choiceSpecOf(b, key, v, nil)
}

// choiceSpecOf is choiceSpec offering only the choices keep accepts (all
// when keep is nil).
func choiceSpecOf[T ~string](b *builder, key string, v *T, keep func(value string) bool) spec {
	q := b.question(key)
	if keep != nil {
		var cs []wizard.Choice
		for _, c := range q.Choices {
			if keep(c.Value) {
				cs = append(cs, c)
			}
		}
		q.Choices = cs
	}
	opts := make([]huh.Option[T], 0, len(q.Choices))
	for _, c := range q.Choices {
		label := c.Label
		if b.accessible {
			label = c.Label + ": " + c.What
		}
		opts = append(opts, huh.NewOption(label, T(c.Value)))
	}
	s := huh.NewSelect[T]().
		Key(key).
		Title(q.Title).
		Description(q.Description).
		Options(opts...).
		Value(v)
	return spec{
		q:     q,
		field: s,
		hovered: func() string {
			h, _ := s.Hovered()
			return string(h)
		},
		chosen: func() string { return string(*v) },
	}
}

func multiSpec[T ~string](b *builder, key string, v *[]T) spec {
	q := b.question(key)
	opts := make([]huh.Option[T], 0, len(q.Choices))
	for _, c := range q.Choices {
		label := c.Label
		if b.accessible {
			label = c.Label + ": " + c.What
		}
		opts = append(opts, huh.NewOption(label, T(c.Value)))
	}
	check := func() error {
		if len(*v) == 0 {
			return errors.New("choose at least one (x or space toggles)")
		}
		return nil
	}
	m := huh.NewMultiSelect[T]().
		Key(key).
		Title(q.Title).
		Description(q.Description).
		Options(opts...).
		Value(v).
		Filterable(false)
	if !b.accessible {
		// In accessible mode the step loop checks after the prompt: huh
		// re-prompts a failing multi-select forever once input ends.
		m.Validate(func([]T) error { return check() })
	}
	return spec{
		q:     q,
		field: m,
		check: check,
		hovered: func() string {
			h, _ := m.Hovered()
			return string(h)
		},
		selected: func(value string) bool {
			for _, x := range *v {
				if string(x) == value {
					return true
				}
			}
			return false
		},
	}
}

// text is a free-text question checked by the domain's validation.
func (b *builder) text(key string, v *string) spec {
	q := b.question(key)
	check := func() error { return b.domainError(key) }
	return b.input(q, v, func(s string) error {
		*v = s
		return check()
	}, check)
}

// routerParts are the answers-file fields a router question fills, in the
// order its answer gives them, with how the error messages name them.
func routerParts(key string) (fields, names []string) {
	names = []string{"WAN interface", "LAN interface", "LAN network"}
	if key == wizard.QServerRouter {
		return []string{wizard.QServerRouterWAN, wizard.QServerRouterLAN}, names[:2]
	}
	return []string{wizard.QClientRouterWAN, wizard.QClientRouterLAN, wizard.QClientLAN}, names
}

// router is a router's one-answer question: its WAN and LAN interfaces
// and, for the client's router, the LAN network, separated by spaces.
// The number of values is checked first, then each value by the domain's
// validation under its own field, the error naming which value it is.
func (b *builder) router(key string, v *string) spec {
	q := b.question(key)
	fields, names := routerParts(key)
	kind := &b.d.ServerRouterKind
	if key == wizard.QClientRouter {
		kind = &b.d.ClientRouterKind
	}
	check := func() error {
		if !kind.NeedsInterfaces() && strings.TrimSpace(*v) == "" {
			// Another make's rules use its usual interface names.
			return nil
		}
		if _, err := wizard.SplitRouterAnswer(*v, len(fields)); err != nil {
			return err
		}
		for i, f := range fields {
			if err := b.domainError(f); err != nil {
				return fmt.Errorf("%s (%s): %w", names[i], f, err)
			}
		}
		return nil
	}
	sp := b.input(q, v, func(s string) error {
		*v = s
		return check()
	}, check)
	sp.covers = fields
	sp.section = true
	return sp
}

// number is a whole-number question checked by the domain's validation.
func (b *builder) number(key string, v *string) spec {
	q := b.question(key)
	check := func() error {
		if _, err := strconv.Atoi(strings.TrimSpace(*v)); err != nil {
			return fmt.Errorf("%q is not a whole number; type digits only, e.g. %s", strings.TrimSpace(*v), q.Example)
		}
		return b.domainError(key)
	}
	return b.input(q, v, func(s string) error {
		*v = s
		return check()
	}, check)
}

func (b *builder) input(q wizard.Question, v *string, validate func(string) error, check func() error) spec {
	title := q.Title
	if b.accessible {
		// huh's accessible prompt shows only the title; Enter keeps the
		// current value, so say what it is.
		if cur := strings.TrimSpace(*v); cur != "" {
			title += " [" + cur + "]"
		} else if def := b.placeholder(q.Key); def != "" {
			title += " [default: " + def + "]"
		}
	}
	in := huh.NewInput().
		Key(q.Key).
		Title(title).
		Description(q.Description).
		Value(v)
	if b.placeholder(q.Key) != "" {
		// The default can depend on other answers of the same step (the
		// client user is the first server user).
		in.PlaceholderFunc(func() string { return "default: " + b.placeholder(q.Key) }, b.d)
	} else {
		in.Placeholder(q.Example)
	}
	if b.accessible {
		// An empty line keeps the value; the step loop checks it.
		in.Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				return nil
			}
			return validate(s)
		})
	} else {
		in.Validate(validate)
	}
	return spec{q: q, field: in, check: check}
}

// placeholder is what an empty optional field becomes (wizard.Normalize's
// default), shown as the field's placeholder.
func (b *builder) placeholder(key string) string {
	switch key {
	case wizard.QContainerName:
		return wizard.DefaultContainerName
	case wizard.QContainerConfigDir:
		return wizard.DefaultContainerConfigDir
	case wizard.QContainerBaseImage:
		return wizard.DefaultContainerBaseImage
	}
	for _, side := range wizard.AllSides() {
		switch key {
		case wizard.BoxField(side) + ".nft_table":
			return wizard.DefaultNftTable
		case wizard.BoxField(side) + ".nft_chain":
			return wizard.DefaultNftChain(side)
		}
	}
	switch key {
	case wizard.QTLSCert, wizard.QTLSKey, wizard.QAdminNetwork, wizard.QAllowedClients, wizard.QClientUser:
	default:
		return ""
	}
	n := wizard.Normalize(b.d.answers())
	switch {
	case key == wizard.QClientUser && n.Client != nil:
		return n.Client.User
	case n.Server == nil:
		return ""
	case key == wizard.QTLSCert:
		return n.Server.TLS.CertFile
	case key == wizard.QTLSKey:
		return n.Server.TLS.KeyFile
	case key == wizard.QAdminNetwork:
		return n.Server.AdminNetwork
	case key == wizard.QAllowedClients:
		return strings.Join(n.Server.AllowedClients, ", ")
	}
	return ""
}

// outputQuestion is the output directory's question (not an answer: it is
// where the files go).
var outputQuestion = wizard.Question{
	Key:         "output",
	Kind:        wizard.KindText,
	Title:       "Where should ftpswiz write the files?",
	Description: "A directory; it is created if needed. Existing files are compared first: you see the differences and confirm before anything is overwritten, and a backup of each replaced file is kept.",
	Example:     "ftpswiz-out",
	Effect:      "Every file of the plan goes under it: REPORT.md, HANDOUT.md, answers.yaml, and the server/, firewall/ and client/ directories.",
}

func (b *builder) output() spec {
	check := func() error { return b.checkOut(*b.outDir) }
	return b.input(outputQuestion, b.outDir, func(s string) error {
		*b.outDir = s
		return check()
	}, check)
}

// domainError runs the domain's validation (wizard.Decide) on the draft and
// returns its complaint about the field key, if any. Complaints about other
// fields are left for their own questions and the review step.
func (b *builder) domainError(key string) error {
	_, err := wizard.Decide(b.d.answers())
	for _, fe := range wizard.FieldErrors(err) {
		if fieldMatches(fe.Field, key) {
			return fieldError(fe)
		}
	}
	return nil
}

// fieldError formats a domain complaint for a form field.
func fieldError(fe *wizard.FieldError) error {
	if fe.Fix == "" {
		return errors.New(fe.Problem)
	}
	return fmt.Errorf("%s. Fix: %s", strings.TrimSuffix(fe.Problem, "."), fe.Fix)
}

// fieldMatches reports whether an error about errField concerns the
// question key (the field itself, an element of it, or a parent section).
func fieldMatches(errField, key string) bool {
	return errField == key ||
		strings.HasPrefix(errField, key+"[") ||
		strings.HasPrefix(errField, key+".") ||
		strings.HasPrefix(key, errField+".")
}

// stepFor returns the step that asks about errField with the given draft
// (stepReview when no step does).
func (b *builder) stepFor(errField string) step {
	saved := b.d.Advanced
	b.d.Advanced = true
	defer func() { b.d.Advanced = saved }()
	for s := stepPartner; s < stepReview; s++ {
		if !b.d.applies(s) {
			continue
		}
		for _, sp := range b.fields(s) {
			if sp.asks(errField) {
				return s
			}
		}
	}
	return stepReview
}
