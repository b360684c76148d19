package main

import (
	"bufio"
	"context"
	"fmt"
	"github.com/ftpswiz/ftpswiz/internal/textdist"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// explainOptions are the flags of `ftpswiz explain`.
type explainOptions struct {
	root    *rootOptions
	Answers string
	Key     string
	JSON    bool
}

// explainWidth is the width explanations are wrapped at.
const explainWidth = 78

func newExplainCmd(root *rootOptions) *cobra.Command {
	opts := &explainOptions{root: root}
	cmd := &cobra.Command{
		Use:   "explain [KEY] [--answers FILE] [--json]",
		Short: "Explain FTPS concepts, and with --answers the decisions of a plan",
		Long: `Explain teaches the concepts behind the generated files. Without KEY it lists
the topics; with KEY it explains one.

With --answers FILE it lists only the topics that apply to that plan's
protocol (an SFTP plan gets none of FTPS's; explain without --answers lists
them all), then the decisions of that plan (the settings ftpswiz chose, each
with its reason, the same text as in the generated files and REPORT.md), and
KEY may name a decision, e.g. passive.range. Without --answers, a KEY that is
no topic is looked up in ./answers.yaml when there is one (the directory
ftpswiz wrote, next to REPORT.md).

--json prints the topics and decisions (all, or those KEY names) as a
versioned JSON object (see the README).

` + exitStatusHelp,
		Example: `  ftpswiz explain
  ftpswiz explain passive-vs-active
  ftpswiz explain --answers answers.yaml passive.range`,
		Args:                  maxArgs(1),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			return runExplain(cmd.Context(), opts)
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var plan *wizard.Plan
			if opts.Answers != "" && opts.Answers != "-" {
				if p, _, err := loadPlan(cmd.Context(), root, opts.Answers); err == nil {
					plan = p
				}
			}
			var keys []string
			for _, t := range planTopics(plan) {
				keys = append(keys, t.Key+"\t"+t.Title)
			}
			if plan != nil {
				for _, d := range plan.Decisions {
					keys = append(keys, d.Key+"\t"+d.Title)
				}
			}
			return keys, cobra.ShellCompDirectiveNoFileComp
		},
	}
	cmd.Flags().StringVarP(&opts.Answers, "answers", "a", "", "answers file (YAML) whose decisions to explain; - reads standard input")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the topics and decisions as JSON")
	_ = cmd.MarkFlagFilename("answers", "yaml", "yml")
	return cmd
}

// defaultAnswers is the answers file explain reads without --answers when
// KEY is no topic: the one ftpswiz writes next to REPORT.md, whose hints
// (`+"`ftpswiz explain passive.range`"+`) are run in that directory.
const defaultAnswers = "answers.yaml"

func runExplain(ctx context.Context, opts *explainOptions) error {
	var plan *wizard.Plan
	if opts.Answers == "" && opts.Key != "" && !isTopic(opts.Key) {
		if st, err := os.Stat(defaultAnswers); err == nil && st.Mode().IsRegular() {
			opts.Answers = defaultAnswers
		}
	}
	if opts.Answers != "" {
		p, _, err := loadPlan(ctx, opts.root, opts.Answers)
		if err != nil {
			return err
		}
		plan = p
	}
	w := bufio.NewWriter(opts.root.Out)
	var err error
	switch {
	case opts.JSON:
		err = explainJSON(w, opts, plan)
	case opts.Key == "":
		err = listExplanations(w, plan)
	default:
		err = explainKey(w, opts.Key, plan)
	}
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write explanation: %w", err)
	}
	return nil
}

// isTopic reports whether key names a concept topic.
func isTopic(key string) bool {
	for _, t := range wizard.Topics() {
		if t.Key == key {
			return true
		}
	}
	return false
}

// explainOutput is the output of `explain --json`.
type explainOutput struct {
	jsonHeader
	// Answers is the answers file ("" without --answers, "stdin" for -).
	Answers string `json:"answers,omitempty"`
	// Key is the KEY asked for ("" lists everything).
	Key       string         `json:"key,omitempty"`
	Topics    []explainTopic `json:"topics"`
	Decisions []jsonDecision `json:"decisions"`
}

type explainTopic struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// explainJSON writes the topics and the plan's decisions, all or those
// matching the key (an unknown key is the same usage error as in text).
func explainJSON(w io.Writer, opts *explainOptions, plan *wizard.Plan) error {
	out := explainOutput{jsonHeader: header("explain"), Answers: sourceName(opts.Answers), Key: opts.Key,
		Topics: []explainTopic{}, Decisions: []jsonDecision{}}
	match := func(k string) bool { return opts.Key == "" || strings.EqualFold(k, opts.Key) }
	topics := wizard.Topics()
	if opts.Key == "" {
		topics = planTopics(plan)
	}
	for _, t := range topics {
		if match(t.Key) {
			out.Topics = append(out.Topics, explainTopic{Key: t.Key, Title: t.Title, Text: t.Text})
		}
	}
	if plan != nil {
		rows := portRows(plan)
		for _, d := range jsonDecisions(plan) {
			if !match(d.Key) {
				continue
			}
			for _, r := range rows {
				if r.Decision == d.Key {
					d.Flows = append(d.Flows, r)
				}
			}
			out.Decisions = append(out.Decisions, d)
		}
	}
	if opts.Key != "" && len(out.Topics)+len(out.Decisions) == 0 {
		return unknownKeyError(opts.Key, plan)
	}
	return writeJSON(w, out)
}

// planTopics returns the topics to list for a plan: those of its protocol
// (every topic without a plan).
func planTopics(plan *wizard.Plan) []wizard.Topic {
	if plan == nil {
		return wizard.Topics()
	}
	return wizard.TopicsFor(plan.Protocol)
}

func listExplanations(w io.Writer, plan *wizard.Plan) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	topics, all := planTopics(plan), wizard.Topics()
	if len(topics) < len(all) {
		fmt.Fprintf(tw, "Topics of %s plans (ftpswiz explain TOPIC):\n", strings.ToUpper(string(plan.Protocol)))
	} else {
		fmt.Fprintln(tw, "Topics (ftpswiz explain TOPIC):")
	}
	for _, t := range topics {
		fmt.Fprintf(tw, "  %s\t%s\n", t.Key, t.Title)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write topics: %w", err)
	}
	if len(topics) < len(all) {
		fmt.Fprintln(w, templates.Wrap(explainWidth, fmt.Sprintf(
			"The other %d topics do not apply to %s plans; 'ftpswiz explain' without --answers lists all %d.",
			len(all)-len(topics), strings.ToUpper(string(plan.Protocol)), len(all))))
	}
	fmt.Fprintln(w)
	if plan == nil {
		fmt.Fprintln(w, "Add --answers FILE to list the decisions of your plan, each with its reason.")
		return nil
	}
	fmt.Fprintln(tw, "Decisions of this plan (ftpswiz explain --answers FILE KEY):")
	for _, d := range plan.Decisions {
		warn := ""
		if d.Warning {
			warn = "  [warning]"
		}
		fmt.Fprintf(tw, "  %s\t%s: %s%s\n", d.Key, d.Title, d.Value, warn)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write decisions: %w", err)
	}
	return nil
}

func explainKey(w io.Writer, key string, plan *wizard.Plan) error {
	found := false
	if t, ok := wizard.FindTopic(key); ok {
		fmt.Fprintf(w, "%s (%s)\n\n%s\n", t.Title, t.Key, templates.Wrap(explainWidth, t.Text))
		if plan != nil && !t.AppliesTo(plan.Protocol) {
			fmt.Fprintf(w, "\n%s\n", templates.Wrap(explainWidth, fmt.Sprintf(
				"(This topic is about %s; this plan is %s, so it does not apply to it.)",
				topicProtocols(t), strings.ToUpper(string(plan.Protocol)))))
		}
		found = true
	}
	if plan != nil {
		for _, d := range plan.Decisions {
			if !strings.EqualFold(d.Key, key) {
				continue
			}
			if found {
				fmt.Fprintln(w)
			}
			found = true
			fmt.Fprintf(w, "%s (%s): %s\n\n", d.Title, d.Key, d.Value)
			why := d.Why
			if d.Warning {
				why = "WARNING: " + why
			}
			fmt.Fprintln(w, templates.Wrap(explainWidth, why))
			writeDecisionFlows(w, plan, d.Key)
		}
	}
	if found {
		return nil
	}
	return unknownKeyError(key, plan)
}

// topicProtocols names the protocols a topic applies to ("FTPS").
func topicProtocols(t wizard.Topic) string {
	var names []string
	for _, p := range t.Protocols {
		names = append(names, strings.ToUpper(string(p)))
	}
	return strings.Join(names, " and ")
}

// writeDecisionFlows lists the port-map rows a decision explains.
func writeDecisionFlows(w io.Writer, plan *wizard.Plan, key string) {
	var rows []wizard.PortMapRow
	for _, r := range plan.PortMap() {
		if r.Flow.Decision == key {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w, "\nFirewall rules that follow from it:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\t%s\t%s %s\t%s\tfrom %s\tto %s\n", r.Side, r.Direction, r.Protocol, r.Ports, r.Carries, r.From, r.To)
	}
	tw.Flush()
}

// unknownKeyError is a usage error listing the keys nearest to key.
func unknownKeyError(key string, plan *wizard.Plan) error {
	var keys []string
	for _, t := range wizard.Topics() {
		keys = append(keys, t.Key)
	}
	if plan != nil {
		for _, d := range plan.Decisions {
			keys = append(keys, d.Key)
		}
	}
	msg := fmt.Sprintf("no topic or decision %q", key)
	if plan == nil {
		msg = fmt.Sprintf("no topic %q (decision keys need --answers FILE, or an answers.yaml in the current directory)", key)
	}
	if near := nearest(key, keys, 3); len(near) > 0 {
		msg += "; did you mean " + strings.Join(near, ", ") + "?"
	} else {
		msg += "."
	}
	msg += " Run 'ftpswiz explain' for the list."
	return withCode(codeUsage, fmt.Errorf("%s", msg))
}

// nearest returns up to n keys close to key: those containing it or
// contained in it first, then by the smallest edit distance to the key or
// to one of its words ("pasive" finds passive-vs-active), at most a third of
// the length and at least 2.
func nearest(key string, keys []string, n int) []string {
	key = strings.ToLower(key)
	type cand struct {
		key  string
		dist int
	}
	var cands []cand
	limit := max(2, len(key)/3)
	for _, k := range keys {
		lk := strings.ToLower(k)
		switch {
		case strings.Contains(lk, key) || (len(key) >= 4 && strings.Contains(key, lk)):
			cands = append(cands, cand{k, 0})
		default:
			d := textdist.Levenshtein(key, lk)
			for _, word := range strings.FieldsFunc(lk, func(r rune) bool { return r == '-' || r == '.' || r == '_' }) {
				d = min(d, textdist.Levenshtein(key, word))
			}
			if d <= limit {
				cands = append(cands, cand{k, d})
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].dist != cands[j].dist {
			return cands[i].dist < cands[j].dist
		}
		return cands[i].key < cands[j].key
	})
	var out []string
	seen := map[string]bool{}
	for _, c := range cands {
		if !seen[c.key] && len(out) < n {
			seen[c.key] = true
			out = append(out, c.key)
		}
	}
	return out
}
