package tui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/ftpswiz/ftpswiz/generators"
	"github.com/ftpswiz/ftpswiz/internal/outdir"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Layout.
const (
	sideBySideMin = 72 // narrower terminals stack the panel under the form
	panelMin      = 34
	panelMax      = 46
	// protocolPanelMax is the widest panel of the protocol steps, which
	// holds the comparison.
	protocolPanelMax = 64
	headerLines      = 2 // title line and notice line
	footerLines      = 2 // blank line and help line
)

// Model is the wizard as a Bubble Tea model: one huh form per step, a side
// panel explaining the focused choice, a scrollable review and a confirm
// page before anything is overwritten.
type Model struct {
	cfg *config
	d   *draft
	b   *builder

	step  step
	specs []spec
	form  *huh.Form

	width, height int
	bg            *tea.BackgroundColorMsg
	st            styles
	theme         huh.Theme

	// notice is shown under the title (why the user was sent to a step, a
	// write error).
	notice string
	page   scroller
	// panelTop is the first line shown of a scrolling side panel (the
	// protocol steps').
	panelTop int
	// formNeed is the height the protocol steps' question needs when the
	// panel is stacked under it (0: not measured).
	formNeed int
	// rec is the recommendation the protocol step pre-selected; recheck is
	// the recommendation on all the answers when it differs from the
	// protocol chosen (review).
	rec     wizard.Recommendation
	recheck *wizard.Recommendation

	plan     *wizard.Plan
	problems []*wizard.FieldError
	files    []generators.File
	outDir   string
	changes  []outdir.Change

	result  *Result
	aborted bool
	// quitAsk is set while Esc's question (discard the answers?) waits
	// for its key.
	quitAsk bool
}

// quitQuestion is what Esc asks once something was answered. Ctrl-C quits
// without asking.
const quitQuestion = "Quit and discard your answers? y quits, any other key goes on."

func newModel(cfg *config) *Model {
	d := newDraft(cfg.defaults)
	m := &Model{
		cfg:    cfg,
		d:      d,
		width:  80,
		height: 24,
		st:     newStyles(true),
		theme:  formTheme(),
		outDir: cfg.outDir,
	}
	m.b = &builder{d: d, def: cfg.defaults, outDir: &m.outDir, checkOut: m.checkOutDir}
	return m
}

// Init starts at the first step and asks the terminal for its background
// colour and size.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.enter(stepPartner), tea.RequestBackgroundColor, tea.RequestWindowSize)
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if m.quitAsk {
			// The question Esc asked: y (or Esc again) discards, any
			// other key goes on where the user was.
			m.quitAsk = false
			m.notice = ""
			switch msg.String() {
			case "y", "Y", "esc", "ctrl+c":
				m.aborted = true
				return m, tea.Quit
			}
			return m, nil
		}
		switch msg.String() {
		case "ctrl+c":
			// Immediate, as in every terminal program.
			m.aborted = true
			return m, tea.Quit
		case "esc":
			if m.d.answeredCount() > 0 || (m.step.isForm() && m.focusedIndex() > 0) {
				m.quitAsk = true
				m.notice = quitQuestion
				return m, nil
			}
			m.aborted = true
			return m, tea.Quit
		}
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 20), max(msg.Height, 8)
		m.layout()
		return m, nil
	case tea.BackgroundColorMsg:
		m.bg = &msg
		m.st = newStyles(msg.IsDark())
		if m.form != nil {
			m.form.Update(msg)
		}
		m.refreshPage()
		return m, nil
	}
	switch m.step {
	case stepReview:
		return m.updateReview(msg)
	case stepConfirm:
		return m.updateConfirm(msg)
	}
	return m.updateForm(msg)
}

func (m *Model) updateForm(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && m.step.choosesProtocol() {
		// The comparison panel scrolls; huh's confirm and select fields
		// do not use these keys.
		// A page is the lines shown less the position line, less one
		// line kept for context.
		page := max(m.panelInnerHeight()-2, 1)
		switch k.String() {
		case "pgdown":
			m.panelTop += page
			return m, nil
		case "pgup":
			m.panelTop = max(m.panelTop-page, 0)
			return m, nil
		}
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "shift+tab" {
		// Going back is handled here rather than by huh, which refuses to
		// leave a field that does not validate (an empty required one).
		// The answers live in the draft, so rebuilding the step loses
		// nothing.
		m.notice = ""
		if i := m.focusedIndex(); i > 0 {
			return m, m.enterAt(m.step, i-1)
		}
		return m, m.back()
	}
	f, cmd := m.form.Update(msg)
	if ff, ok := f.(*huh.Form); ok {
		m.form = ff
	}
	if _, ok := msg.(tea.KeyPressMsg); ok {
		m.notice = ""
	}
	switch m.form.State {
	case huh.StateCompleted:
		return m, tea.Batch(cmd, m.completeStep())
	case huh.StateAborted:
		m.aborted = true
		return m, tea.Quit
	}
	return m, cmd
}

// completeStep moves on after the user finished a form step.
func (m *Model) completeStep() tea.Cmd {
	// Re-check every field: huh validates only the fields the user left
	// with enter.
	for _, sp := range m.specs {
		if sp.check == nil {
			continue
		}
		if err := sp.check(); err != nil {
			cmd := m.enter(m.step)
			m.notice = sp.q.Title + ": " + err.Error()
			return cmd
		}
	}
	m.d.answered[m.step] = true
	if m.step == stepOutput {
		return m.prepareWrite()
	}
	return m.enter(m.d.nextStep(m.step))
}

// back goes to the previous step, landing on its last question.
func (m *Model) back() tea.Cmd {
	m.notice = ""
	switch m.step {
	case stepConfirm:
		return m.enterAtEnd(stepOutput)
	case stepOutput:
		return m.enter(stepReview)
	}
	p := m.d.prevStep(m.step)
	if p == m.step {
		return nil
	}
	return m.enterAtEnd(p)
}

// enter shows a step with its first question focused.
func (m *Model) enter(s step) tea.Cmd {
	m.step = s
	m.form, m.specs = nil, nil
	m.panelTop = 0
	if s == stepProtocol {
		rec, changed := m.d.preselect()
		m.rec = rec
		if changed {
			m.notice = "With your answers so far ftpswiz now recommends " + protocolName(rec.Protocol) + ": it is selected."
		}
	}
	switch s {
	case stepReview:
		m.prepareReview()
		return nil
	case stepConfirm:
		m.refreshPage()
		return nil
	}
	m.specs = m.b.fields(s)
	if len(m.specs) == 0 {
		return m.enter(m.d.nextStep(s))
	}
	groups := make([]*huh.Group, len(m.specs))
	for i, sp := range m.specs {
		// Themed before the group measures it (else huh builds its
		// default theme for the measurement).
		sp.field.WithTheme(m.theme)
		groups[i] = huh.NewGroup(sp.field)
	}
	m.form = huh.NewForm(groups...).
		WithShowHelp(false).
		WithTheme(m.theme).
		WithKeyMap(keyMap())
	cmd := m.form.Init()
	if m.bg != nil {
		m.form.Update(*m.bg)
	}
	m.layout()
	return cmd
}

// enterAtEnd shows a step with its last question focused (going back).
func (m *Model) enterAtEnd(s step) tea.Cmd {
	return m.enterAt(s, len(m.b.fields(s))-1)
}

// enterAt shows a form step with question i focused.
func (m *Model) enterAt(s step, i int) tea.Cmd {
	cmd := m.enter(s)
	if m.form == nil || m.step != s {
		return cmd
	}
	cmds := []tea.Cmd{cmd}
	for range min(i, len(m.specs)-1) {
		cmds = append(cmds, m.form.NextGroup())
	}
	return tea.Sequence(cmds...)
}

// focusedIndex is the position of the focused question in the step (-1
// outside forms).
func (m *Model) focusedIndex() int {
	if m.form == nil {
		return -1
	}
	f := m.form.GetFocusedField()
	for i, sp := range m.specs {
		if sp.field == f {
			return i
		}
	}
	return -1
}

// keyMap is huh's default without filtering (Esc belongs to quitting).
func keyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Select.Filter = key.NewBinding(key.WithDisabled())
	km.MultiSelect.Filter = key.NewBinding(key.WithDisabled())
	km.Quit = key.NewBinding(key.WithKeys("ctrl+c"))
	// shift+tab is the model's (see updateForm); huh never sees it.
	km.Input.Prev = key.NewBinding(key.WithDisabled())
	km.Select.Prev = key.NewBinding(key.WithDisabled())
	km.MultiSelect.Prev = key.NewBinding(key.WithDisabled())
	km.Confirm.Prev = key.NewBinding(key.WithDisabled())
	return km
}

// prepareReview decides the plan from the answers and renders the files it
// implies, and checks the protocol against the recommendation on all the
// answers.
func (m *Model) prepareReview() {
	m.plan, m.problems, m.files = nil, nil, nil
	m.recheck = recheck(m.d)
	plan, err := wizard.Decide(m.d.answers())
	switch {
	case err != nil && len(wizard.FieldErrors(err)) > 0:
		m.problems = wizard.FieldErrors(err)
	case err != nil:
		m.notice = "Cannot plan: " + err.Error()
	default:
		files, ferr := m.cfg.files(plan)
		if ferr != nil {
			m.notice = "Cannot render the files: " + ferr.Error()
		} else {
			m.plan, m.files = plan, files
		}
	}
	m.refreshPage()
	m.page.top()
}

func (m *Model) updateReview(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch k.String() {
	case "enter", "right":
		if len(m.problems) > 0 {
			fe := m.problems[0]
			s := m.b.stepFor(fe.Field)
			if s == stepAdvanced {
				m.d.Advanced = true
			}
			cmd := m.enter(s)
			m.notice = fe.Field + ": " + fieldError(fe).Error()
			return m, cmd
		}
		if m.plan == nil {
			return m, nil
		}
		if m.cfg.outGiven {
			// --out named the directory: no need to ask it again.
			return m, m.prepareWrite()
		}
		return m, m.enter(stepOutput)
	case "a":
		m.d.Advanced = true
		return m, m.enter(stepAdvanced)
	case "p":
		return m, m.enter(stepProtocol)
	case "shift+tab", "left":
		return m, m.back()
	}
	m.page.key(k.String())
	return m, nil
}

// checkOutDir validates the output directory (the output step's field).
func (m *Model) checkOutDir(dir string) error {
	dir = strings.TrimSpace(dir)
	if dir == "" {
		return errors.New("give a directory, e.g. " + outputQuestion.Example)
	}
	if _, err := outdir.Preview(dir, m.files); err != nil {
		return err
	}
	return nil
}

// prepareWrite compares the files with the output directory: new files are
// written at once, changes are shown for confirmation first.
func (m *Model) prepareWrite() tea.Cmd {
	m.outDir = strings.TrimSpace(m.outDir)
	changes, err := outdir.Preview(m.outDir, m.files)
	if err != nil {
		cmd := m.enterAtEnd(stepOutput)
		m.notice = err.Error()
		return cmd
	}
	m.changes = changes
	if changed(changes) > 0 {
		return m.enter(stepConfirm)
	}
	return m.write(false)
}

func (m *Model) updateConfirm(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch k.String() {
	case "y", "Y":
		return m, m.write(true)
	case "n", "N", "shift+tab", "left":
		return m, m.back()
	}
	m.page.key(k.String())
	return m, nil
}

// write ends the wizard with the plan and where to write it; force says
// the user agreed to replace the changed files they saw. The caller writes
// (cmd: the path `ftpswiz generate` uses).
func (m *Model) write(force bool) tea.Cmd {
	m.result = &Result{Answers: m.plan.Answers, Plan: m.plan, Dir: m.outDir, Force: force, Preview: m.changes}
	return tea.Quit
}

// layout sizes the form and the pages for the terminal.
func (m *Model) layout() {
	formW, formH, _, _ := m.areas()
	if m.form != nil {
		m.form.WithWidth(formW)
		for _, sp := range m.specs {
			if sp.selected != nil {
				sp.field.WithHeight(multiHeight(sp.q, formW))
			}
		}
		m.formNeed = 0
		if m.step.choosesProtocol() && m.width < sideBySideMin {
			for _, sp := range m.specs {
				m.formNeed = max(m.formNeed, lipgloss.Height(sp.field.View()))
			}
			_, formH, _, _ = m.areas()
		}
		m.form.Update(tea.WindowSizeMsg{Width: formW, Height: formH})
	}
	m.page.height = m.bodyHeight()
	m.refreshPage()
}

func (m *Model) bodyHeight() int { return max(m.height-headerLines-footerLines, 3) }

// multiHeight is the height a multi-select needs to show all its options.
// huh sizes an unset multi-select's option list as its options minus its
// title and description, which hides options, so the height is set.
func multiHeight(q wizard.Question, width int) int {
	w := max(width-4, 10) // the field's border and padding
	return lineCount(wrap(w, q.Title)) + lineCount(wrap(w, q.Description)) + len(q.Choices) + 1
}

// areas returns the form's and the panel's sizes. Stacked on the protocol
// steps, the panel is left out (height 0) when the question would not fit
// beside a panel of five lines: answering comes first.
func (m *Model) areas() (formW, formH, panelW, panelH int) {
	body := m.bodyHeight()
	if m.width >= sideBySideMin {
		panelW = min(max(m.width*2/5, panelMin), panelMax)
		if m.step.choosesProtocol() {
			// The comparison needs the room more than the yes/no
			// questions do.
			panelW = min(max(m.width/2, panelMin), protocolPanelMax)
		}
		return m.width - panelW - 1, body, panelW, body
	}
	panelH = min(max(body/3, 5), 10)
	if m.step.choosesProtocol() {
		// The question gets the lines it needs, the comparison the rest
		// (at least five lines).
		panelH = max(body/2, 5)
		switch {
		case m.formNeed > 0 && body-m.formNeed < 5:
			return m.width, body, m.width, 0
		case m.formNeed > 0:
			panelH = body - m.formNeed
		}
	}
	return m.width, max(body-panelH, 3), m.width, panelH
}

// refreshPage renders the review or confirm page for the current width.
func (m *Model) refreshPage() {
	w := max(m.width-1, 20)
	switch m.step {
	case stepReview:
		switch {
		case len(m.problems) > 0:
			m.page.set(problemsText(m.problems, m.b, w, m.st))
		case m.plan != nil:
			hint := "Press enter to choose where to write the files, or a to change " + optionalSettings(m.d) + "."
			if m.cfg.outGiven {
				hint = "Press enter to write the files to " + m.outDir + ", or a to change " + optionalSettings(m.d) + "."
			}
			text := m.st.Dim.Render(wrap(w, hint)) + "\n\n"
			if m.recheck != nil {
				text += recheckText(m.d, *m.recheck, w, m.st) + "\n\n"
			}
			m.page.set(text + reviewText(m.plan, w, m.st) + "\n\n" + filesText(m.files, w, m.st))
		default:
			m.page.set("")
		}
	case stepConfirm:
		m.page.set(wrap(w, confirmPrompt(changed(m.changes))) + "\n\n" + changesText(m.outDir, m.changes, w, m.st))
	}
}

// confirmPrompt asks before replacing n changed files.
func confirmPrompt(n int) string {
	files := "1 existing file differs from the plan and would be replaced"
	if n != 1 {
		files = fmt.Sprintf("%d existing files differ from the plan and would be replaced", n)
	}
	return files + " (a backup of each is kept). Press y to write, n to choose another directory. The differences are below."
}

// View renders the wizard.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "ftpswiz"
	return v
}

func (m *Model) render() string {
	if m.result != nil || m.aborted {
		return ""
	}
	var body, keys string
	switch {
	case m.step == stepReview:
		body = m.page.view()
		switch {
		case len(m.problems) > 0:
			keys = "enter go to the problem • shift+tab back • ↑↓ scroll • esc quit"
		case m.recheck != nil:
			keys = "enter continue • p protocol • a more settings • shift+tab back • ↑↓ scroll • esc quit"
		default:
			keys = "enter continue • a more settings • shift+tab back • ↑↓ scroll • esc quit"
		}
	case m.step == stepConfirm:
		body = m.page.view()
		keys = "y write • n back • ↑↓ scroll • esc quit"
	default:
		body = m.formBody()
		keys = m.formHelp()
	}
	out := m.header() + "\n" + clipLines(body, m.bodyHeight()) + "\n\n" + m.st.Help.Render(truncate(keys, m.width))
	return clipLines(out, m.height)
}

// formHelp lists the focused field's keys, the step-level back key and
// quitting, cut to the terminal's width.
func (m *Model) formHelp() string {
	var binds []key.Binding
	for _, b := range m.form.KeyBinds() {
		if b.Enabled() && b.Help().Key != "" && b.Help().Key != "ctrl+a" {
			binds = append(binds, b)
		}
	}
	if m.step > stepPartner || m.focusedIndex() > 0 {
		binds = append(binds, key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back")))
	}
	if _, _, _, panelH := m.areas(); m.step.choosesProtocol() && panelH > 0 {
		binds = append(binds, key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "more")))
	}
	binds = append(binds, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "quit")))
	h := help.New()
	h.SetWidth(m.width)
	return h.ShortHelpView(binds)
}

func (m *Model) header() string {
	idx, total := m.progress()
	what := "FTPS or SFTP"
	if m.step > stepProtocol {
		what = protocolName(m.d.protocol()) + " wizard"
	}
	left := m.st.Header.Render("ftpswiz") + " " + m.st.StepInfo.Render(what)
	right := m.st.StepInfo.Render(fmt.Sprintf("%d/%d %s", idx, total, m.step.titleFor(m.d.protocol())))
	gap := max(m.width-lipgloss.Width(left)-lipgloss.Width(right), 1)
	line := left + strings.Repeat(" ", gap) + right
	notice := ""
	if m.notice != "" {
		notice = m.st.Notice.Render(truncate(m.notice, m.width))
	}
	return line + "\n" + notice
}

// progress returns the position of the current step among the steps that
// apply, and their number.
func (m *Model) progress() (int, int) {
	// The protocol choice (partner, certificates, protocol) counts as one
	// step whichever of its questions apply, so answering the first does
	// not change the total.
	idx, total := 0, 0
	for s := stepPartner; s < stepCount; s++ {
		if s == stepConfirm && m.step != stepConfirm {
			continue
		}
		if s.choosesProtocol() {
			// Counted once, at stepProtocol, whether or not it is asked.
			if s == stepProtocol {
				total++
				if m.step.choosesProtocol() || m.step > s {
					idx = total
				}
			}
			continue
		}
		if !m.d.applies(s) {
			continue
		}
		total++
		if s <= m.step {
			idx = total
		}
	}
	return idx, total
}

// formBody lays out the form and the side panel.
func (m *Model) formBody() string {
	formW, formH, panelW, panelH := m.areas()
	form := clipLines(strings.TrimRight(m.form.View(), "\n"), formH)
	if panelH == 0 {
		return form
	}
	inner := panelW - m.st.Panel.GetHorizontalFrameSize()
	innerH := panelH - m.st.Panel.GetVerticalFrameSize()
	secs := m.panelSections()
	var content string
	if m.step.choosesProtocol() {
		content = m.scrolledPanel(renderSections(secs, inner, 0, m.st), innerH)
	} else {
		content = renderSections(secs, inner, innerH, m.st)
	}
	panel := m.st.Panel.Width(panelW).Render(content)
	if m.width >= sideBySideMin {
		form = lipgloss.NewStyle().Width(formW).Render(form)
		return lipgloss.JoinHorizontal(lipgloss.Top, form, " ", panel)
	}
	return form + "\n" + panel
}

// panelSections explains the focused question and summarises the answers
// so far; on the protocol steps it recommends and compares instead.
func (m *Model) panelSections() []panelSection {
	var secs []panelSection
	focused := m.form.GetFocusedField()
	for _, sp := range m.specs {
		if sp.field == focused {
			secs = append(secs, explain(sp, m.d, m.cfg.defaults)...)
			break
		}
	}
	if m.step.choosesProtocol() {
		return protocolSections(secs, focused.GetKey(), m.rec)
	}
	return append(secs, summary(m.d, m.step))
}

// panelInnerHeight is the number of text lines the side panel holds.
func (m *Model) panelInnerHeight() int {
	_, _, _, panelH := m.areas()
	return max(panelH-m.st.Panel.GetVerticalFrameSize(), 1)
}

// scrolledPanel shows height lines of the panel's text from panelTop, the
// last of them saying where the view is when the text is longer.
func (m *Model) scrolledPanel(text string, height int) string {
	lines := strings.Split(text, "\n")
	if height < 2 || len(lines) <= height {
		m.panelTop = 0
		return text
	}
	visible := height - 1
	m.panelTop = min(m.panelTop, len(lines)-visible)
	end := m.panelTop + visible
	where := fmt.Sprintf("%d-%d/%d", m.panelTop+1, end, len(lines))
	switch {
	case m.panelTop == 0:
		where = "pgdn ▾ " + where
	case end == len(lines):
		where = "pgup ▴ " + where
	default:
		where = "pgup/pgdn " + where
	}
	return strings.Join(lines[m.panelTop:end], "\n") + "\n" + m.st.Dim.Render(where)
}

// truncate cuts a line to width columns.
func truncate(s string, width int) string {
	if lipgloss.Width(s) <= width {
		return s
	}
	return lipgloss.NewStyle().MaxWidth(width).Render(s)
}

// scroller is a scrollable page of text.
type scroller struct {
	lines  []string
	offset int
	height int
}

func (s *scroller) set(text string) {
	s.lines = strings.Split(text, "\n")
	s.clamp()
}

func (s *scroller) top() { s.offset = 0 }

// visible is the number of content lines shown: one line less than the
// height when the text scrolls, for the position indicator.
func (s *scroller) visible() int {
	if len(s.lines) > s.height {
		return max(s.height-1, 1)
	}
	return max(s.height, 1)
}

func (s *scroller) clamp() {
	s.offset = min(s.offset, max(len(s.lines)-s.visible(), 0))
	s.offset = max(s.offset, 0)
}

func (s *scroller) key(k string) {
	switch k {
	case "up", "k":
		s.offset--
	case "down", "j":
		s.offset++
	case "pgup", "b":
		s.offset -= s.visible()
	case "pgdown", "space", "f":
		s.offset += s.visible()
	case "home", "g":
		s.offset = 0
	case "end", "G":
		s.offset = len(s.lines)
	}
	s.clamp()
}

func (s *scroller) view() string {
	if len(s.lines) == 0 {
		return ""
	}
	end := min(s.offset+s.visible(), len(s.lines))
	view := append([]string{}, s.lines[s.offset:end]...)
	if len(s.lines) > s.height {
		view = append(view, fmt.Sprintf("— lines %d-%d of %d —", s.offset+1, end, len(s.lines)))
	}
	return strings.Join(view, "\n")
}
