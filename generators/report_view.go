package generators

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// reportView is what templates/report.md.tmpl lays out. Every text in it is
// already Markdown: wrapped, escaped, lists and tables formatted.
type reportView struct {
	// Protocol names the protocol in headings ("FTPS", "SFTP").
	Protocol string
	Title    string
	// Contents links every section, part 1 then part 2, after the
	// decisions with a warning (reportContents).
	Contents   string
	Summary    string
	Warnings   string
	Files      string
	Background string
	PortMap    string
	Legend     string
	// Questions are the first-timer questions, each one paragraph: the
	// question in bold, then a short answer that points at the port map's
	// rows and at part 2 instead of repeating them.
	Questions string
	// Sizing is empty when the plan has no server (role client).
	Sizing      string
	SizingTable string
	Decisions   []reportDecision
	Pitfalls    []reportPitfall
	ServerIntro string
	ServerSteps []reportStep
	ClientIntro string
	ClientSteps []reportStep
	// OtherFormats holds the rule files of each box in the formats its
	// step does not show (part 1 shows one format per box).
	OtherFormats string
	Existing     string
	Regenerate   string
	// RegenerateCommand is RegenerateCommand, for the template.
	RegenerateCommand string
}

type reportDecision struct {
	Title   string
	Meta    string
	Warning string
	Why     string
}

type reportPitfall struct {
	// Heading is "**N. symptom**", wrapped.
	Heading string
	Body    string
}

type reportStep struct {
	Title string
	// Text is at most a few lines: what the step needs besides its
	// commands, with links to the decisions that explain it.
	Text string
	Code string
	// Alt holds the usage blocks of the same box's rules in the other
	// formats: they go to part 2 ("Other rule formats").
	Alt []string
}

// reportVariant is what one protocol puts into REPORT.md and HANDOUT.md:
// newReportView lays out what both share (role, addresses, files, port map,
// decisions and pitfalls, the client side's firewall steps) and asks the
// variant for the rest. ftpsReport is in this file, sftpReport in
// sftp_report.go; reportVariantOf is the one place that picks.
type reportVariant interface {
	// protocol names the protocol in headings ("FTPS", "SFTP").
	protocol() string
	// checkServer refuses a plan whose server end lacks the protocol's part.
	checkServer(p *wizard.Plan) error
	roleText(r wizard.Role) string
	// protocolItem is the summary's line about the protocol and its ports.
	protocolItem(p *wizard.Plan) string
	serverNATText(n wizard.ServerNAT) string
	// serverItems and clientOnlyItems are the summary's lines about the
	// server's service, and about the server a client alone dials.
	serverItems(p *wizard.Plan) []string
	clientOnlyItems(p *wizard.Plan) []string
	background(p *wizard.Plan) string
	// questions are the first-timer questions between the ports question
	// and the 989 question.
	questions(p *wizard.Plan) []string
	// servicePorts words what the server opens ("SFTP port").
	servicePorts() string
	ports989Answer() string
	// sizing fills the passive range's sizing, when there is one.
	sizing(p *wizard.Plan, v *reportView)
	serverSteps(p *wizard.Plan, outputs []File) []reportStep
	// clientSetup are the client side's steps between its firewalls and
	// its test.
	clientSetup(p *wizard.Plan) []reportStep
	// testWhat ends the test step's text: what the test checks.
	testWhat() string
	testStep(p *wizard.Plan, title, text string) reportStep
	handout(p *wizard.Plan) *handoutView
	handoutDesc() Desc
}

// reportVariantOf picks the plan's protocol variant.
func reportVariantOf(p *wizard.Plan) reportVariant {
	if isSFTP(p) {
		return sftpReport{}
	}
	return ftpsReport{}
}

func newReportView(p *wizard.Plan, outputs []File) (*reportView, error) {
	rv := reportVariantOf(p)
	if !p.Role.HasServer() && !p.Role.HasClient() {
		return nil, fmt.Errorf("unknown role %q", p.Role)
	}
	if p.Role.HasServer() {
		if err := rv.checkServer(p); err != nil {
			return nil, err
		}
	}
	if p.Role.HasClient() && p.Client == nil {
		return nil, fmt.Errorf("role %s but the plan has no client", p.Role)
	}
	v := &reportView{
		Protocol:          rv.protocol(),
		Title:             reportTitle(p, rv.protocol()),
		Summary:           mdList(reportSummary(p, rv)),
		Files:             mdList(reportFileItems(outputs)),
		Background:        mdWrap(reportWidth, rv.background(p)),
		PortMap:           reportPortMap(p),
		Legend:            mdWrap(reportWidth, strings.Join(reportLegend(p), " ")),
		Questions:         mdList(reportQuestions(p, rv)),
		Existing:          reportExisting(p),
		RegenerateCommand: RegenerateCommand,
		Regenerate: mdWrap(reportWidth, "Change answers.yaml (or run the wizard again), then run this in the "+
			"output directory; it rewrites every file, this report included:"),
	}
	v.Warnings = reportWarnings(p)
	rv.sizing(p, v)
	v.Decisions, v.Pitfalls = reportDecisionsAndPitfalls(p)
	if p.Server != nil {
		v.ServerSteps = rv.serverSteps(p, outputs)
	}
	if p.Client != nil {
		v.ClientSteps = reportClientSteps(p, outputs, rv)
	}
	return v, nil
}

// ftpsReport is REPORT.md's and HANDOUT.md's FTPS variant: vsftpd, the
// control port(s) and the passive range.
type ftpsReport struct{}

func (ftpsReport) protocol() string { return "FTPS" }

func (ftpsReport) checkServer(p *wizard.Plan) error {
	if p.Server == nil {
		return fmt.Errorf("role %s but the plan has no server", p.Role)
	}
	return nil
}

func (ftpsReport) roleText(r wizard.Role) string { return reportRoleText(r) }

func (ftpsReport) protocolItem(p *wizard.Plan) string { return "**FTPS mode:** " + reportModeText(p) }

func (ftpsReport) serverNATText(n wizard.ServerNAT) string { return reportServerNATText(n) }

func (ftpsReport) serverItems(p *wizard.Plan) []string {
	s := p.Server
	return []string{
		fmt.Sprintf("**Passive port range:** %s (%d ports, sized for %d transfers at the same time)",
			s.Passive, s.Passive.Count(), s.Sizing.Transfers),
		fmt.Sprintf("**vsftpd build (flavour):** `%s`", s.Flavour),
	}
}

func (ftpsReport) clientOnlyItems(p *wizard.Plan) []string {
	c := p.Client
	return []string{fmt.Sprintf("**Server's passive port range:** %s (%d ports)", c.Passive, c.Passive.Count())}
}

func (ftpsReport) background(p *wizard.Plan) string { return reportBackground(p) }

func (ftpsReport) questions(p *wizard.Plan) []string {
	return []string{
		reportQuestion(modeQuestion, reportModeAnswer(p)),
		reportQuestion(privateQuestion, reportPrivateAnswer(p)),
		reportQuestion(passiveQuestion, reportPassiveAnswer(p)),
	}
}

func (ftpsReport) servicePorts() string { return "control port(s) and passive range" }

func (ftpsReport) ports989Answer() string {
	return "No: 989 is implicit FTPS's active-mode data port (like port 20 in FTP); 991 is not an FTPS " +
		"port. Passive data uses the passive range alone."
}

func (ftpsReport) sizing(p *wizard.Plan, v *reportView) {
	s := p.Server
	if s == nil {
		return
	}
	sizing := s.Sizing.Arithmetic()
	if len(s.Families) > 1 {
		per := s.Sizing.Transfers / max(1, len(s.Instances))
		sizing += fmt.Sprintf(" The range serves both families: %d vsftpd instance(s) (%s), each admitting its own "+
			"sessions, share it, so N counts %d transfers for each of them.", len(s.Instances), reportInstanceFamilies(s), per)
	}
	v.Sizing = mdWrap(reportWidth, mdText(sizing))
	v.SizingTable = reportSizingTable(s)
}

func (ftpsReport) serverSteps(p *wizard.Plan, outputs []File) []reportStep {
	return reportServerSteps(p, outputs)
}

// clientSetup: Windows Firewall's stateful FTP filter is a pitfall
// (symptom, cause, fix), not a step: nothing shows it breaks outbound
// passive FTPS, so nobody is told to change it before they see the symptom.
func (ftpsReport) clientSetup(*wizard.Plan) []reportStep { return nil }

func (ftpsReport) testWhat() string {
	return ": certificate, listing, upload; curl uses the PASV reply's address, as strict clients do."
}

func (ftpsReport) testStep(p *wizard.Plan, title, text string) reportStep {
	return reportTestStep(p, title, text)
}

func (ftpsReport) handout(p *wizard.Plan) *handoutView { return newHandoutView(p) }

func (ftpsReport) handoutDesc() Desc {
	return Desc{What: "for the people who connect: address, ports, what their firewall must allow, client settings"}
}

// reportDecisionsAndPitfalls formats the plan's decisions (warnings
// marked) and pitfalls, the same for FTPS and SFTP reports.
func reportDecisionsAndPitfalls(p *wizard.Plan) ([]reportDecision, []reportPitfall) {
	var ds []reportDecision
	for _, d := range p.Decisions {
		rd := reportDecision{
			Title: mdText(d.Title),
			Meta:  mdWrap(reportWidth, fmt.Sprintf("Setting: `%s` (key `%s`; `ftpswiz explain %s` prints it)", d.Value, d.Key, d.Key)),
			Why:   mdWrap(reportWidth, reportDecisionWhy(p, d)),
		}
		if d.Warning {
			rd.Title += " (WARNING)"
			rd.Warning = "> **WARNING:** read the reason below before you apply the plan: a risk, or a step left to you."
		}
		ds = append(ds, rd)
	}
	var pfs []reportPitfall
	for i, pf := range p.Pitfalls {
		pfs = append(pfs, reportPitfallOf(i+1, pf.Symptom, mdText(pf.Cause), mdText(pf.Fix)))
	}
	return ds, pfs
}

// reportDecisionWhy is a decision's reason as REPORT.md prints it: the
// sizing arithmetic, which "Passive range sizing" gives, is a link there
// instead (each fact once). Only a plan with a sized passive range has it.
func reportDecisionWhy(p *wizard.Plan, d wizard.Decision) string {
	why := mdText(d.Why)
	if s := p.Server; s != nil && s.Sizing.Ports > 0 {
		if arith := mdText(s.Sizing.Arithmetic()); arith != "" && strings.Contains(why, arith) {
			why = strings.Replace(why, arith, "see "+mdLink("Passive range sizing", "Passive range sizing")+".", 1)
		}
	}
	return why
}

// reportPitfallOf formats one failure: the symptom in bold (a paragraph, so
// it wraps like prose), cause and fix below it. cause and fix are Markdown
// already.
func reportPitfallOf(n int, symptom, cause, fix string) reportPitfall {
	return reportPitfall{
		Heading: mdWrap(reportWidth, fmt.Sprintf("**%d. %s**", n, mdText(strings.Join(strings.Fields(symptom), " ")))),
		Body:    mdList([]string{"**Cause:** " + cause, "**Fix:** " + fix}),
	}
}

// reportTitle is REPORT.md's title: the protocol, the server's address and
// which ends the plan covers.
func reportTitle(p *wizard.Plan, protocol string) string {
	addr := p.Service.Address.Value
	switch {
	case p.Role == wizard.RoleBoth:
		return protocol + " plan: server " + addr + " and its clients"
	case p.Server != nil:
		return protocol + " plan: server " + addr
	}
	return protocol + " plan: client of " + addr
}

func reportRoleText(r wizard.Role) string {
	switch r {
	case wizard.RoleServer:
		return "server: you run the FTPS server (vsftpd)"
	case wizard.RoleClient:
		return "client: you connect to someone else's FTPS server through your own firewall"
	case wizard.RoleBoth:
		return "both: you plan the server (vsftpd) and the clients that connect to it"
	}
	return string(r)
}

func reportServerNATText(n wizard.ServerNAT) string {
	switch n {
	case wizard.NATNone:
		return "none (the server host has the public address itself)"
	case wizard.NATOneToOne:
		return "one-to-one NAT (a public address mapped to the host, e.g. a cloud's public IP)"
	case wizard.NATPortForward:
		return "port forwarding (a router forwards the FTPS ports to the host)"
	case wizard.NATDynamicDNS:
		return "dynamic DNS (the public address changes; clients dial a DNS name)"
	}
	return string(n)
}

func reportClientNATText(n wizard.ClientNAT) string {
	switch n {
	case wizard.ClientNATNone:
		return "none (the client host has a public address)"
	case wizard.ClientNATMasquerade:
		return "masquerading router you manage"
	case wizard.ClientNATCGNAT:
		return "carrier-grade NAT you do not control"
	}
	return string(n)
}

func reportModeText(p *wizard.Plan) string {
	var parts []string
	for _, e := range p.Service.Endpoints {
		if e.Implicit {
			parts = append(parts, fmt.Sprintf("implicit FTPS (TLS from the first byte) on port %d", e.Port))
		} else {
			parts = append(parts, fmt.Sprintf("explicit FTPS (AUTH TLS) on port %d", e.Port))
		}
	}
	s := strings.Join(parts, " and ")
	if p.Service.Mode == wizard.ModeBoth && p.Server != nil {
		s += " (two vsftpd instances)"
	}
	return s
}

// reportSummary is part 1's summary: the role, the protocol, the server's
// addresses and NAT, the variant's lines, the client side and the formats.
func reportSummary(p *wizard.Plan, rv reportVariant) []string {
	items := []string{
		"**Role:** " + rv.roleText(p.Role),
		rv.protocolItem(p),
	}
	if s := p.Server; s != nil {
		addr := s.PublicAddress
		if !s.PublicIsIP {
			addr += " (a DNS name)"
		}
		items = append(items, "**Server address clients dial:** "+addr)
		if s.HostAddress != "" && s.HostAddress != s.PublicAddress {
			items = append(items, "**Server host's own address:** "+s.HostAddress)
		}
		items = append(items, "**Server NAT:** "+rv.serverNATText(s.NAT))
		items = append(items, rv.serverItems(p)...)
	}
	if c := p.Client; c != nil && p.Server == nil {
		items = append(items, "**Server address:** "+c.ServerAddress)
		items = append(items, rv.clientOnlyItems(p)...)
	}
	return append(items, reportClientAndFirewallItems(p)...)
}

// reportWarningTitles links every decision that carries a warning.
func reportWarningTitles(p *wizard.Plan) []string {
	var out []string
	for _, d := range p.Decisions {
		if d.Warning {
			out = append(out, mdLink(mdText(d.Title), reportDecisionTitle(d)))
		}
	}
	return out
}

// reportWarnings is the contents' first entry: the decisions with a
// warning, "" when there is none.
func reportWarnings(p *wizard.Plan) string {
	w := reportWarningTitles(p)
	if len(w) == 0 {
		return ""
	}
	return "**Read first** (WARNING): " + strings.Join(w, " · ") + "."
}

func reportBackground(p *wizard.Plan) string {
	mode := "In passive mode, which this plan uses,"
	if p.Service.ActiveMode {
		mode = "In passive mode (this plan also allows active mode, see its warning)"
	}
	return "FTPS is FTP with TLS. A session has one control connection (login and commands) and opens a " +
		"new data connection for every listing, upload and download. " + mode + " the server picks a port " +
		"from its passive range and tells the client which one inside the encrypted control connection; " +
		"the client then connects to it. Because that message is encrypted, a firewall or NAT router " +
		"cannot read it (an FTP helper or ALG, which works for plain FTP, sees only ciphertext), so the " +
		"passive range is opened by number. Explicit FTPS starts as plain FTP and switches to TLS with " +
		"AUTH TLS (usually port 21); implicit FTPS speaks TLS from the first byte (usually port 990). " +
		"SFTP is a different protocol (file transfer over SSH, one connection, port 22): nothing in " +
		"this report applies to it."
}

// reportFileItems describes every output, in path order, from the
// descriptions their renderers gave.
func reportFileItems(outputs []File) []string {
	files := slices.Clone(outputs)
	slices.SortStableFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	files = slices.CompactFunc(files, func(a, b File) bool { return a.Path == b.Path })
	items := make([]string, 0, len(files))
	for _, f := range files {
		d := f.Desc.What
		if d == "" {
			d = "generated file"
		}
		if f.Desc.Install != "" {
			d += "; install as " + f.Desc.Install
		}
		items = append(items, "`"+f.Path+"`: "+d)
	}
	return items
}

func reportPortMap(p *wizard.Plan) string {
	rows := p.PortMap()
	if len(rows) == 0 {
		return mdWrap(reportWidth, "This plan has no firewall flows.")
	}
	header := []string{"#", "Side", "Direction", "Protocol", "Ports", "Carries", "From", "To", "Why"}
	cells := make([][]string, 0, len(rows))
	for i, r := range rows {
		why := r.Why
		if r.Warning {
			why = "WARNING: " + why
		}
		cells = append(cells, []string{fmt.Sprint(i + 1), r.Side, r.Direction, r.Protocol, r.Ports, r.Carries, r.From, r.To, why})
	}
	return mdTable(header, cells)
}

func reportLegend(p *wizard.Plan) []string {
	items := []string{
		"Each row is a new connection its box lets through (\"forwarded to\": DNAT, ports unchanged).",
	}
	if fwPlanHasIPv6(p) {
		var fams []string
		for _, f := range p.Service.Families {
			fams = append(fams, f.Title())
		}
		if len(fams) == 0 {
			fams = []string{"IPv6"}
		}
		items = append(items, "**"+strings.Join(fams, " and ")+"**: each row names its family. IPv6 rows go to "+
			"the server's own address (routed, never NATed), and every family shares the one passive range.")
	}
	return items
}

// reportInstanceFamilies lists each vsftpd instance with its families.
func reportInstanceFamilies(s *wizard.ServerPlan) string {
	var out []string
	for _, in := range s.Instances {
		var fams []string
		for _, f := range in.Families {
			fams = append(fams, f.Title())
		}
		out = append(out, in.Name+": "+strings.Join(fams, " and "))
	}
	return strings.Join(out, "; ")
}

func reportSizingTable(s *wizard.ServerPlan) string {
	rows := make([][]string, 0, len(s.Sizing.Loads))
	for _, l := range s.Sizing.Loads {
		share := "-"
		if s.Sizing.Transfers > 0 {
			share = fmt.Sprintf("%d%%", (l.Transfers*100+s.Sizing.Transfers/2)/s.Sizing.Transfers)
		}
		rows = append(rows, []string{
			fmt.Sprint(l.Transfers), share, fmt.Sprint(s.Sizing.Ports), wizard.FormatProbability(l.Failure),
		})
	}
	return mdTable([]string{"Transfers at the same time", "Share of planned load", "Passive ports", "Chance one PASV fails"}, rows)
}

var (
	reportServerSides = []wizard.Side{wizard.SideServerHost, wizard.SideServerRouter}
	reportClientSides = []wizard.Side{wizard.SideClientRouter, wizard.SideClientHost}
)

// reportRows names the port map's rows (numbered from 1 in plan order) of
// the flows that match: "rows 1-4, 7", "row 3", "" when none does.
func reportRows(p *wizard.Plan, match func(wizard.Flow) bool) string {
	var nums []int
	for i, f := range p.Flows {
		if match(f) {
			nums = append(nums, i+1)
		}
	}
	var parts []string
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", nums[i], nums[j]))
		} else {
			parts = append(parts, fmt.Sprint(nums[i]))
		}
		i = j + 1
	}
	switch {
	case len(parts) == 0:
		return ""
	case len(nums) == 1:
		return "row " + parts[0]
	}
	return "rows " + strings.Join(parts, ", ")
}

// reportOnSides matches the flows on the given sides.
func reportOnSides(sides []wizard.Side) func(wizard.Flow) bool {
	return func(f wizard.Flow) bool { return slices.Contains(sides, f.Side) }
}

// reportSee is " ([text](#decision))", a link to the decision with the
// key in parentheses, or "" when the plan has no such decision.
func reportSee(p *wizard.Plan, key, text string) string {
	d, ok := p.Decision(key)
	if !ok {
		return ""
	}
	return " (" + mdLink(text, reportDecisionTitle(d)) + ")"
}

// reportDecisionTitle is a decision's heading in part 2.
func reportDecisionTitle(d wizard.Decision) string {
	if d.Warning {
		return d.Title + " (WARNING)"
	}
	return d.Title
}

// reportQuestion formats one first-timer question and its answer, for
// one list item.
func reportQuestion(q, answer string) string { return "**" + q + "** " + answer }

// The first-timer questions of an FTPS plan, in the order they are asked
// (a ServerFault thread asks all of them): which ports on which side, 990 or
// 21, the private address in PASV replies, how many passive ports, and 989
// and 991. The answers point at the port map's rows and at part 2; the
// rows themselves are not restated.
const (
	portsQuestion   = "Which ports must be open, and on which side?"
	modeQuestion    = "Port 990, or 21 with AUTH TLS?"
	privateQuestion = "Why does the PASV reply carry a private address?"
	passiveQuestion = "How many passive ports?"
)

// reportQuestions are the first-timer questions: which ports, the
// variant's own, and 989/991.
func reportQuestions(p *wizard.Plan, rv reportVariant) []string {
	qs := []string{reportQuestion(portsQuestion, reportPortsAnswer(p, rv.servicePorts()))}
	qs = append(qs, rv.questions(p)...)
	return append(qs, reportQuestion(ports989Question, rv.ports989Answer()))
}

// reportPortsAnswer says which rows each side opens and in which
// direction; active mode's rows are the exception it names.
// ports words what the server opens.
func reportPortsAnswer(p *wizard.Plan, ports string) string {
	server := reportRows(p, reportOnSides(reportServerSides))
	client := reportRows(p, reportOnSides(reportClientSides))
	var a string
	switch {
	case server != "" && client != "":
		a = "The port map's rows, no others: in on the server side (" + server + "), out on the client side (" +
			client + ")."
	case server != "":
		a = "The port map's rows, no others: in on the server side (" + server + "). The clients need the same " +
			ports + " outbound: HANDOUT.md tells them."
	case client != "":
		a = "Your rows of the port map, outbound (" + client + "), and no others. The server's operator opens " +
			"the same " + ports + " inbound on their side: if one is closed there, ask them."
	default:
		a = "This plan writes no firewall rules: the server's " + ports + " must be open inbound on its side " +
			"and outbound on the clients' side."
	}
	a += " Replies pass as established traffic."
	if rows := reportRows(p, func(f wizard.Flow) bool { return f.Purpose == wizard.PurposeActive }); rows != "" {
		a += " WARNING: active mode" + reportSee(p, "ftps.active_mode", "why") + " is the " +
			"exception: its data connections (" + rows + ") go from the server to ports the client names."
	}
	return a
}

// reportModeAnswer says which of the two FTPS modes the plan uses.
func reportModeAnswer(p *wizard.Plan) string {
	var explicit, implicit []int
	for _, e := range p.Service.Endpoints {
		if e.Implicit {
			implicit = append(implicit, e.Port)
		} else {
			explicit = append(explicit, e.Port)
		}
	}
	link := reportSee(p, "ftps.mode", "FTPS mode")
	switch {
	case len(explicit) > 0 && len(implicit) > 0:
		return fmt.Sprintf("Both here: %s is explicit FTPS (the client sends AUTH TLS before it logs in), %s "+
			"implicit FTPS (TLS from the first byte) for clients that need it%s.",
			reportJoinInts(explicit), reportJoinInts(implicit), link)
	case len(implicit) > 0:
		return fmt.Sprintf("%s: implicit FTPS, TLS from the first byte. Explicit FTPS (21: the client sends "+
			"AUTH TLS before it logs in) is the standard; not offered here%s.", reportJoinInts(implicit), link)
	}
	return fmt.Sprintf("%s: explicit FTPS, the standard (AUTH TLS before login); 990 is implicit FTPS, for "+
		"old clients%s.", reportJoinInts(explicit), link)
}

// reportPrivateAnswer explains the private address in a PASV reply: what
// vsftpd announces, and who fixes it.
func reportPrivateAnswer(p *wizard.Plan) string {
	pasv := reportSee(p, "vsftpd.pasv_address", "why")
	s := p.Server
	switch {
	case s == nil:
		return "The server announces the address it knows, its private one behind NAT, unless its " +
			"operator sets the public one for passive replies (vsftpd: pasv_address); nothing on your side can rewrite the reply inside TLS: ask them."
	case s.HostAddress != "" && s.HostAddress != s.PublicAddress:
		return fmt.Sprintf("vsftpd knows only %s, and TLS hides the reply from routers: pasv_address announces "+
			"%s%s.", s.HostAddress, s.PublicAddress, pasv)
	}
	return fmt.Sprintf("It does not here: vsftpd announces the address it knows, and the host has its public "+
		"address %s itself%s.", s.PublicAddress, pasv)
}

// reportPassiveAnswer gives the size of the passive range; the arithmetic
// is in part 2.
func reportPassiveAnswer(p *wizard.Plan) string {
	pr := p.Service.Passive
	if s := p.Server; s != nil {
		return fmt.Sprintf("%d (%s): one per running transfer, sized for %d at once (%s).", s.Passive.Count(),
			s.Passive, s.Sizing.Transfers, mdLink("sizing", "Passive range sizing"))
	}
	return fmt.Sprintf("The server's whole range, %s (%d ports): any of them may carry the next transfer.", pr, pr.Count())
}

// ports989Question is the port pair first-timers read about (IANA lists
// ftps-data 989 and ftps 990) and believe they must open.
const ports989Question = "Must ports 989 and 991 be opened?"

// reportClientAndFirewallItems are the summary lines about the client side
// and the firewall formats, the same for FTPS and SFTP reports.
func reportClientAndFirewallItems(p *wizard.Plan) []string {
	var items []string
	if c := p.Client; c != nil {
		nat := reportClientNATText(c.NAT)
		if c.LANCIDR != "" {
			nat += ", client network " + c.LANCIDR
		}
		items = append(items, "**Client NAT:** "+nat)
		if len(c.Software) > 0 {
			sw := make([]string, len(c.Software))
			for i, s := range c.Software {
				sw[i] = string(s)
			}
			items = append(items, "**Client software:** "+strings.Join(sw, ", "))
		}
	}
	if len(p.Firewalls) > 0 {
		fw := make([]string, len(p.Firewalls))
		for i, f := range p.Firewalls {
			fw[i] = string(f)
		}
		items = append(items, "**Firewall rule formats:** "+strings.Join(fw, ", "))
	}
	return items
}
