package generators

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Output paths of the documentation group, and of the answers file the CLI
// writes next to them.
const (
	ReportPath  = "REPORT.md"
	HandoutPath = "HANDOUT.md"
	AnswersPath = "answers.yaml"
)

// RegenerateCommand is the command, run in the output directory, that
// writes every file again from answers.yaml.
const RegenerateCommand = "ftpswiz generate --answers answers.yaml --out . --force"

// Renderer names of this group.
const (
	reportRendererName  = "report"
	handoutRendererName = "handout"
)

// reportRenderers returns the renderers of this group: REPORT.md (always)
// and HANDOUT.md (when the plan has a server).
func reportRenderers() []Renderer {
	return []Renderer{
		{
			Name: reportRendererName,
			RenderSummary: func(p *wizard.Plan, others []File) ([]File, error) {
				b, err := Report(p, reportOutputs(p, others))
				if err != nil {
					return nil, err
				}
				return []File{{Path: ReportPath, Mode: 0o644, Content: b, Desc: reportDesc()}}, nil
			},
		},
		{
			Name:    handoutRendererName,
			Applies: handoutApplies,
			Render: func(p *wizard.Plan) ([]File, error) {
				b, err := Handout(p)
				if err != nil {
					return nil, err
				}
				return []File{{Path: HandoutPath, Mode: 0o644, Content: b, Desc: handoutDesc(p)}}, nil
			},
		},
	}
}

func handoutApplies(p *wizard.Plan) bool { return p.Server != nil }

// reportDesc describes REPORT.md.
func reportDesc() Desc { return Desc{What: "this report"} }

// handoutDesc describes HANDOUT.md.
func handoutDesc(p *wizard.Plan) Desc { return reportVariantOf(p).handoutDesc() }

// reportOutputs returns the files written with REPORT.md: the other
// renderers' files (so REPORT.md lists, and its apply steps use, exactly what
// was generated) plus REPORT.md and HANDOUT.md themselves as placeholders
// without content.
func reportOutputs(p *wizard.Plan, others []File) []File {
	own := []File{{Path: ReportPath, Desc: reportDesc()}}
	if handoutApplies(p) {
		own = append(own, File{Path: HandoutPath, Desc: handoutDesc(p)})
	}
	return append(own, others...)
}

// Report renders REPORT.md for the plan. outputs are the files written with
// it (their paths are listed; firewall files are read to say how loading
// them affects an existing ruleset).
func Report(p *wizard.Plan, outputs []File) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("render %s: no plan", ReportPath)
	}
	v, err := newReportView(p, outputs) // one view, the protocol's variant (reportVariantOf)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", ReportPath, err)
	}
	v.ServerIntro, v.ClientIntro = reportServerIntro(v), reportClientIntro(v)
	v.OtherFormats = reportOtherFormats(v)
	v.Contents = reportContents(v)
	b, err := templates.Render("report.md.tmpl", v)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", ReportPath, err)
	}
	return mdTidy(b), nil
}

// reportOtherFormats holds the rule files part 1 does not show: each box's
// rules in the formats after its first.
func reportOtherFormats(v *reportView) string {
	var blocks []string
	for _, st := range slices.Concat(v.ServerSteps, v.ClientSteps) {
		blocks = append(blocks, st.Alt...)
	}
	if len(blocks) == 0 {
		return ""
	}
	return mdWrap(reportWidth, "Part 1 loads each box's rules in one format. To use another one on a box, load "+
		"its file here instead, never as well: two formats on one box give two rule sets that both filter.") +
		"\n\n" + strings.Join(blocks, "\n\n")
}

// reportContents lists the sections, part 1 then part 2, as links with
// short names.
func reportContents(v *reportView) string {
	type entry struct {
		ok            bool
		name, heading string
	}
	links := func(es ...entry) string {
		var out []string
		for _, e := range es {
			if e.ok {
				out = append(out, mdLink(e.name, e.heading))
			}
		}
		return strings.Join(out, " · ")
	}
	var read []string
	if v.Warnings != "" {
		read = append(read, strings.TrimSuffix(v.Warnings, "."))
	}
	return mdWrap(reportWidth, strings.Join(append(read,
		"**Do this:** "+links(
			entry{true, "Questions", "Questions everyone asks first"},
			entry{true, "Port map", "Port map"},
			entry{len(v.ServerSteps) > 0, "Server", "Apply on the server"},
			entry{len(v.ClientSteps) > 0, "Client side", "Apply on the client side"}),
		"**Why:** "+links(
			entry{true, "Summary", "Summary"},
			entry{true, v.Protocol, v.Protocol + " in one paragraph"},
			entry{v.Sizing != "", "Sizing", "Passive range sizing"},
			entry{true, "Decisions", "Decisions"},
			entry{true, "Pitfalls", "Pitfalls"},
			entry{v.OtherFormats != "", "Other formats", "Other rule formats"},
			entry{v.Existing != "", "Existing firewall", "Fitting the rules into an existing firewall"},
			entry{true, "Regenerate", "Regenerate"})+"."), ". "))
}

// Handout renders HANDOUT.md, the page the server's operator sends to the
// people who connect. It refuses to render a document that would reveal the
// server's internal address or the admin network.
func Handout(p *wizard.Plan) ([]byte, error) {
	if p == nil || p.Server == nil {
		return nil, fmt.Errorf("render %s: the plan has no server", HandoutPath)
	}
	v := reportVariantOf(p).handout(p)
	b, err := templates.Render("handout.md.tmpl", v)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", HandoutPath, err)
	}
	doc := mdTidy(b)
	if err := handoutLeaks(p, string(doc)); err != nil {
		return nil, fmt.Errorf("render %s: %w", HandoutPath, err)
	}
	return doc, nil
}
