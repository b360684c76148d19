package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// portsOptions are the flags of `ftpswiz ports`.
type portsOptions struct {
	root    *rootOptions
	Answers string
	Format  string
	JSON    bool
}

// portFormats are the output formats of `ftpswiz ports`.
// "json" is the deprecated spelling of --json.
func portFormats() []string { return []string{"table", "markdown", "tsv", "json"} }

func newPortsCmd(root *rootOptions) *cobra.Command {
	opts := &portsOptions{root: root}
	cmd := &cobra.Command{
		Use:   "ports --answers FILE [--format table|markdown|tsv] [--json]",
		Short: "Print the port map: which side opens which ports, in which direction, and why",
		Long: `Ports prints the port map of the plan on standard output: for every side
that needs firewall rules (server host, server's NAT router, client's router,
client host), the connections it must allow, their direction, ports, source
and destination, and why. Replies to allowed connections (established/related)
are implied on every side.

Formats: table (aligned columns, the default), markdown, tsv (tab-separated,
with a header line). --json prints a versioned JSON object whose "flows" are
the rows (see the README; --format json is a deprecated spelling of it).

` + exitStatusHelp,
		Example: `  ftpswiz ports --answers answers.yaml
  ftpswiz ports --answers answers.yaml --format markdown >> NOTES.md
  ftpswiz ports --answers answers.yaml --json | jq '.flows[] | select(.side == "server-router")'`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Format == "json" {
				fmt.Fprintln(opts.root.ErrOut, "ftpswiz: --format json is deprecated: use --json")
				opts.JSON, opts.Format = true, "table"
			} else if opts.JSON && cmd.Flags().Changed("format") {
				return argsError("--json and --format %s are two output formats: give one", opts.Format)
			}
			return runPorts(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Answers, "answers", "a", "", "answers file (YAML); - reads standard input")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "output format: table, markdown, tsv")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the port map as JSON")
	_ = cmd.MarkFlagFilename("answers", "yaml", "yml")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(portFormats()[:3], cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runPorts(ctx context.Context, opts *portsOptions) error {
	// The human formats (table, Markdown) show the port map's wording
	// (wizard.PortMap, the same as REPORT.md's); the machine formats (TSV,
	// JSON) the flows' raw values.
	write, ok := map[string]func(io.Writer, *wizard.Plan) error{
		"table": writePortsTable, "markdown": writePortsMarkdown,
		"tsv": func(w io.Writer, p *wizard.Plan) error { return writePortsTSV(w, portRows(p)) },
	}[opts.Format]
	if !ok {
		return argsError("unknown --format %q (valid: %s; --json for JSON)", opts.Format, strings.Join(portFormats()[:3], ", "))
	}
	p, _, err := loadPlan(ctx, opts.root, opts.Answers)
	if err != nil {
		return err
	}
	if opts.JSON {
		write = func(w io.Writer, p *wizard.Plan) error {
			return writeJSON(w, portsJSON{jsonHeader: header("ports"), Answers: sourceName(opts.Answers), Flows: portRows(p)})
		}
	}
	bw := bufio.NewWriter(opts.root.Out)
	if err := write(bw, p); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write port map: %w", err)
	}
	return nil
}

// portsJSON is the output of `ports --json`.
type portsJSON struct {
	jsonHeader
	// Answers is the answers file ("stdin" for -).
	Answers string    `json:"answers"`
	Flows   []portRow `json:"flows"`
}

// sourceName is how outputs name an answers file.
func sourceName(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}

// portRow is one line of the port map, formatted.
type portRow struct {
	Side      string `json:"side"`
	Direction string `json:"direction"`
	Purpose   string `json:"purpose"`
	Protocol  string `json:"protocol"`
	Ports     string `json:"ports"`
	// SourcePorts is set for active mode's port 20.
	SourcePorts string `json:"source_ports,omitempty"`
	From        string `json:"from"`
	To          string `json:"to"`
	// DNATTo is where a router forwards the ports (unchanged).
	DNATTo   string `json:"dnat_to,omitempty"`
	Decision string `json:"decision"`
	Why      string `json:"why"`
	Warning  bool   `json:"warning,omitempty"`
}

func portRows(p *wizard.Plan) []portRow {
	rows := make([]portRow, 0, len(p.Flows))
	for _, f := range p.Flows {
		r := portRow{
			Side:      string(f.Side),
			Direction: string(f.Direction),
			Purpose:   string(f.Purpose),
			Protocol:  "tcp",
			Ports:     f.Ports.String(),
			From:      "anywhere",
			To:        "any",
			DNATTo:    f.DNATTo,
			Decision:  f.Decision,
			Why:       f.Why,
			Warning:   f.Warning,
		}
		if !f.SourcePorts.IsZero() {
			r.SourcePorts = f.SourcePorts.String()
		}
		if len(f.From) > 0 && !(len(f.From) == 1 && f.From[0] == wizard.AnyIPv4) {
			r.From = strings.Join(f.From, ",")
		}
		if f.To != "" {
			r.To = f.To
		}
		rows = append(rows, r)
	}
	return rows
}

func writePortsTable(w io.Writer, p *wizard.Plan) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SIDE\tDIRECTION\tPROTO\tPORTS\tCARRIES\tFROM\tTO\tWHY")
	for _, r := range p.PortMap() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Side, r.Direction, r.Protocol, r.Ports, r.Carries, r.From, r.To, rowWhy(r, "WARNING: "))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write port map: %w", err)
	}
	return nil
}

// rowWhy is a row's reason, marked when it is a warning.
func rowWhy(r wizard.PortMapRow, mark string) string {
	if r.Warning {
		return mark + r.Why
	}
	return r.Why
}

func writePortsTSV(w io.Writer, rows []portRow) error {
	clean := strings.NewReplacer("\t", " ", "\n", " ")
	fmt.Fprintln(w, "side\tdirection\tpurpose\tprotocol\tports\tsource_ports\tfrom\tto\tdnat_to\tdecision\twarning\twhy")
	for _, r := range rows {
		fields := []string{r.Side, r.Direction, r.Purpose, r.Protocol, r.Ports, r.SourcePorts, r.From, r.To,
			r.DNATTo, r.Decision, fmt.Sprint(r.Warning), r.Why}
		for i := range fields {
			fields[i] = clean.Replace(fields[i])
		}
		if _, err := fmt.Fprintln(w, strings.Join(fields, "\t")); err != nil {
			return fmt.Errorf("write port map: %w", err)
		}
	}
	return nil
}

func writePortsMarkdown(w io.Writer, p *wizard.Plan) error {
	cell := strings.NewReplacer("|", `\|`, "\n", " ")
	fmt.Fprintln(w, "| Side | Direction | Protocol | Ports | Carries | From | To | Why |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, r := range p.PortMap() {
		if _, err := fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", cell.Replace(r.Side), r.Direction,
			r.Protocol, cell.Replace(r.Ports), cell.Replace(r.Carries), cell.Replace(r.From), cell.Replace(r.To),
			cell.Replace(rowWhy(r, "**Warning:** "))); err != nil {
			return fmt.Errorf("write port map: %w", err)
		}
	}
	return nil
}
