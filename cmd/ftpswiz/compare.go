package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// compareOptions are the flags of `ftpswiz compare`.
type compareOptions struct {
	root    *rootOptions
	Answers string
	Format  string
	JSON    bool
	wizard.RecommendOptions
}

// compareFormats are the output formats of `ftpswiz compare`: auto is table
// on a terminal and plain otherwise.
func compareFormats() []string { return []string{"auto", "table", "plain"} }

// compareWidth is the widest the comparison is drawn: it fits an
// 80-column terminal.
const compareWidth = 80

func newCompareCmd(root *rootOptions) *cobra.Command {
	opts := &compareOptions{root: root}
	cmd := &cobra.Command{
		Use:   "compare [--answers FILE] [--partner-requires-ftps] [--client-certificates]",
		Short: "Compare FTPS and SFTP side by side, and recommend one",
		Long: `Compare shows FTPS and SFTP side by side: protocol family, ports and
directions, what NAT and firewalls must do, the conntrack helper, implicit and
explicit FTPS, client support, authentication, chroot, auditing and typical
failures. People confuse the two all the time; they are different protocols
and their clients are not interchangeable.

It ends with a recommendation and its reasons. With --answers FILE the
recommendation uses your plan (NAT on either side, egress filters,
concurrency, FTPS mode, client software). Say --partner-requires-ftps when the
other side accepts only FTP or FTPS, and --client-certificates when users must
log in with X.509 client certificates: both decide for FTPS.

On a terminal the comparison is a table; otherwise (a pipe, a file) it is
plain text. --format table or plain chooses explicitly; --json prints the
comparison and the recommendation as a versioned JSON object (see the
README). To generate the SFTP alternative, set "protocol: sftp" in the
answers file.

` + exitStatusHelp,
		Example: `  ftpswiz compare
  ftpswiz compare --answers answers.yaml
  ftpswiz compare --answers answers.yaml --partner-requires-ftps
  ftpswiz compare --format plain | less
  ftpswiz compare --answers answers.yaml --json | jq -r .recommendation.protocol`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.JSON && cmd.Flags().Changed("format") {
				return argsError("--json and --format %s are two output formats: give one", opts.Format)
			}
			return runCompare(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Answers, "answers", "a", "", "answers file (YAML) to base the recommendation on; - reads standard input")
	f.StringVar(&opts.Format, "format", "auto", "output format: "+strings.Join(compareFormats(), ", "))
	f.BoolVar(&opts.JSON, "json", false, "print the comparison and the recommendation as JSON")
	f.BoolVar(&opts.PartnerRequiresFTPS, "partner-requires-ftps", false, "the other side accepts only FTP or FTPS")
	f.BoolVar(&opts.ClientCertificates, "client-certificates", false, "users must authenticate with X.509 client certificates")
	_ = cmd.MarkFlagFilename("answers", "yaml", "yml")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(compareFormats(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runCompare(ctx context.Context, opts *compareOptions) error {
	format := opts.Format
	width := compareWidth
	switch format {
	case "auto":
		format = "plain"
		if w, ok := terminalWidth(opts.root.Out); ok {
			format, width = "table", min(w, compareWidth)
		}
	case "table", "plain":
	default:
		return argsError("unknown --format %q (valid: %s)", opts.Format, strings.Join(compareFormats(), ", "))
	}
	var answers wizard.Answers
	source := ""
	if opts.Answers != "" {
		p, _, err := loadPlan(ctx, opts.root, opts.Answers)
		if err != nil {
			return err
		}
		answers, source = p.Answers, opts.Answers
		if source == "-" {
			source = "stdin"
		}
	}
	// The constraints saved in the answers count as if given as flags: a
	// plan whose other side accepts only FTPS is never told to use SFTP.
	ro := opts.RecommendOptions
	ro.PartnerRequiresFTPS = ro.PartnerRequiresFTPS || answers.Constraints.PartnerRequiresFTPS
	ro.ClientCertificates = ro.ClientCertificates || answers.Constraints.ClientCertificates
	rec := wizard.Recommend(answers, ro)
	if opts.JSON {
		return writeCompareJSON(opts.root.Out, rec, source, ro)
	}

	bw := bufio.NewWriter(opts.root.Out)
	if format == "table" {
		// lipgloss strips the colours when Out is not a terminal.
		if _, err := lipgloss.Fprintln(bw, compareTable(wizard.Comparison(), width)); err != nil {
			return fmt.Errorf("write comparison: %w", err)
		}
	} else {
		writeComparePlain(bw, wizard.Comparison(), width)
	}
	fmt.Fprintln(bw)
	writeRecommendation(bw, rec, source, width)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	return nil
}

// compareOutput is the output of `compare --json`.
type compareOutput struct {
	jsonHeader
	// Answers is the answers file the recommendation is based on ("" for
	// none, "stdin" for -).
	Answers             string        `json:"answers,omitempty"`
	PartnerRequiresFTPS bool          `json:"partner_requires_ftps"`
	ClientCertificates  bool          `json:"client_certificates"`
	Comparison          []compareRow  `json:"comparison"`
	Recommendation      recommendJSON `json:"recommendation"`
}

type compareRow struct {
	Key    string `json:"key"`
	Aspect string `json:"aspect"`
	FTPS   string `json:"ftps"`
	SFTP   string `json:"sftp"`
}

type recommendJSON struct {
	Protocol wizard.Protocol `json:"protocol"`
	Reasons  []string        `json:"reasons"`
	Caveats  []string        `json:"caveats"`
}

func writeCompareJSON(w io.Writer, rec wizard.Recommendation, source string, ro wizard.RecommendOptions) error {
	out := compareOutput{jsonHeader: header("compare"), Answers: source,
		PartnerRequiresFTPS: ro.PartnerRequiresFTPS, ClientCertificates: ro.ClientCertificates,
		Recommendation: recommendJSON{Protocol: rec.Protocol, Reasons: rec.Reasons, Caveats: rec.Caveats}}
	for _, r := range wizard.Comparison() {
		out.Comparison = append(out.Comparison, compareRow{Key: r.Key, Aspect: r.Aspect, FTPS: r.FTPS, SFTP: r.SFTP})
	}
	if out.Recommendation.Reasons == nil {
		out.Recommendation.Reasons = []string{}
	}
	if out.Recommendation.Caveats == nil {
		out.Recommendation.Caveats = []string{}
	}
	return writeJSON(w, out)
}

// terminalWidth reports the width of w when it is a terminal.
func terminalWidth(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return 0, false
	}
	width, _, err := term.GetSize(f.Fd())
	if err != nil || width <= 0 {
		return compareWidth, true
	}
	return width, true
}

// compareTable draws the comparison as a table exactly width columns wide
// (cells wrap, nothing is cut).
func compareTable(rows []wizard.ComparisonRow, width int) string {
	// The aspect column is narrow and fixed; FTPS and SFTP share the rest.
	aspectWidth := min(18, width/4)
	header := lipgloss.NewStyle().Bold(true).Padding(0, 1)
	aspect := lipgloss.NewStyle().Bold(true).Padding(0, 1).Width(aspectWidth)
	cell := lipgloss.NewStyle().Padding(0, 1)
	t := table.New().
		Border(lipgloss.RoundedBorder()).
		BorderStyle(lipgloss.NewStyle().Foreground(lipgloss.Color("8"))).
		BorderRow(true).
		Width(width).
		Wrap(true).
		Headers("", "FTPS", "SFTP").
		StyleFunc(func(row, col int) lipgloss.Style {
			switch {
			case col == 0:
				return aspect
			case row == table.HeaderRow:
				return header
			}
			return cell
		})
	for _, r := range rows {
		t.Row(r.Aspect, r.FTPS, r.SFTP)
	}
	return t.Render()
}

// writeComparePlain writes the comparison as plain text, one aspect after
// the other, wrapped to width.
func writeComparePlain(w io.Writer, rows []wizard.ComparisonRow, width int) {
	fmt.Fprintln(w, "FTPS and SFTP side by side (ftpswiz explain ftps-vs-sftp)")
	for _, r := range rows {
		fmt.Fprintf(w, "\n%s\n", r.Aspect)
		fmt.Fprintln(w, hanging("  FTPS: ", r.FTPS, width))
		fmt.Fprintln(w, hanging("  SFTP: ", r.SFTP, width))
	}
}

// writeRecommendation writes the recommendation with its reasons and
// caveats, wrapped to width. source names the answers file ("" for none).
func writeRecommendation(w io.Writer, rec wizard.Recommendation, source string, width int) {
	name := map[wizard.Protocol]string{wizard.ProtocolFTPS: "FTPS", wizard.ProtocolSFTP: "SFTP"}[rec.Protocol]
	if source == "" {
		fmt.Fprintln(w, templates.Wrap(width, "Recommendation: "+name+" (from no answers; add --answers FILE "+
			"to base it on your plan)"))
	} else {
		fmt.Fprintln(w, templates.Wrap(width, "Recommendation for "+source+": "+name))
	}
	fmt.Fprintln(w, "Why:")
	for _, r := range rec.Reasons {
		fmt.Fprintln(w, hanging("  - ", r, width))
	}
	if len(rec.Caveats) > 0 {
		fmt.Fprintln(w, "Keep in mind:")
		for _, c := range rec.Caveats {
			fmt.Fprintln(w, hanging("  - ", c, width))
		}
	}
	fmt.Fprintln(w, templates.Wrap(width, fmt.Sprintf("To plan %s, set \"protocol: %s\" in the answers file and run "+
		"ftpswiz generate.", name, rec.Protocol)))
}

// hanging wraps text to width after prefix, indenting continuation lines
// under the text.
func hanging(prefix, text string, width int) string {
	indent := strings.Repeat(" ", len(prefix))
	lines := strings.Split(templates.Wrap(width-len(prefix), text), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = prefix + lines[i]
		} else {
			lines[i] = indent + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}
