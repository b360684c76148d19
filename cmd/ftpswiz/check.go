package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"

	"github.com/ftpswiz/ftpswiz/internal/outdir"
	"github.com/ftpswiz/ftpswiz/vsftpd"
	"github.com/ftpswiz/ftpswiz/vsftpdconf"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Exit statuses of `check` and `probe` beyond the common ones (exit.go).
const (
	codeWarnings = 4 // check: warnings, no errors; probe: a step warned, none failed
	codeProblems = 5 // check: errors (vsftpd refuses to start, or FTPS fails); probe: a step failed
)

// diagnoseExitHelp is the exit-status table of `check` and `probe`.
const diagnoseExitHelp = `Exit status:
  0    no problems (check: notes only; probe: every step passed or was skipped)
  1    error (reading or writing files)
  2    usage error: bad flags or arguments, invalid answers file
  3    check --fix: refused to overwrite an existing file (use --force)
  4    warnings only (check --fail-on error: 0)
  5    problems: check found errors (vsftpd will not start, or FTPS
       fails); probe: a step failed (the diagnosis says why)
  130  interrupted (Ctrl-C)`

// checkOptions are the flags of `ftpswiz check`.
type checkOptions struct {
	root      *rootOptions
	Flavour   string
	Answers   string
	Instance  string
	Transfers int
	Fix       bool
	Out       string
	Force     bool
	JSON      bool
	NoHost    bool
	Host      bool
	// FailOn is the least severity that makes the exit status non-zero:
	// warning (the default: 4 on warnings, 5 on errors) or error (0 on
	// warnings, for Ansible's validate:).
	FailOn string
	// format is the deprecated --format text|json.
	format string
}

func newCheckCmd(root *rootOptions) *cobra.Command {
	opts := &checkOptions{root: root}
	cmd := &cobra.Command{
		Use:   "check [FILE]",
		Short: "Lint an existing vsftpd.conf: what stops vsftpd or breaks FTPS, with line numbers and fixes",
		Long: `Check reads a vsftpd.conf exactly as vsftpd does (no spaces around '=', '#'
comments only in the first column, later lines win) and reports, with line
numbers, what stops vsftpd from starting (unknown options for this vsftpd
build, bad values, Windows line endings) and what breaks FTPS through
firewalls and NAT (missing or quoted pasv_address, listen_ipv6=YES with
pasv_address, no or too small passive range, TLS off or not forced, old TLS
versions, an ECDSA key with vsftpd's default ciphers, writable chroot root,
PAM service, write_enable off, seccomp sandbox).

FILE defaults to the config path of the vsftpd build (/etc/vsftpd.conf, or
/etc/vsftpd/vsftpd.conf on RHEL). The build's option names come from
--flavour; auto detects the installed vsftpd binary. Files the config names
(certificate, PAM service, chroot root) are read from this machine unless
--no-host. When FILE is this machine's live config (the build's config
path, or --host), every file it names must exist here too: the user list,
banner file, log directory, key and secure_chroot_dir (a missing one stops
vsftpd or ends every session with "500 OOPS").

With --answers, the config is checked against the plan ftpswiz makes from
the answers file: the public address for pasv_address, NAT, the concurrency
for the passive range, uploads, explicit or implicit mode. Without it,
--transfers gives the concurrency.

--fix writes a corrected copy (FILE.fixed, or --out PATH; - for standard
output) and prints the diff. It never changes FILE unless --force, which
first keeps the old file as FILE.bak-<time>. Fixes that need a decision
(a certificate, a password policy) stay findings.

The exit status describes the file at FILE after the command (after --fix
--force, the corrected file).

` + diagnoseExitHelp,
		Example: `  ftpswiz check
  ftpswiz check /etc/vsftpd.conf --answers answers.yaml
  ftpswiz check vsftpd.conf --flavour rhel --transfers 50
  ftpswiz check --fix                # writes /etc/vsftpd.conf.fixed, shows the diff
  sudo ftpswiz check --fix --force   # corrects /etc/vsftpd.conf, keeps a backup`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("format") {
				fmt.Fprintln(opts.root.ErrOut, "ftpswiz: --format is deprecated: use --json")
			}
			switch opts.format {
			case "text":
			case "json":
				opts.JSON = true
			default:
				return argsError("unknown --format %q: use --json for JSON (--format is deprecated)", opts.format)
			}
			file := ""
			if len(args) == 1 {
				file = args[0]
			}
			return runCheck(cmd.Context(), opts, file)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Flavour, "flavour", "auto", "vsftpd build: auto, "+flavourNames())
	f.StringVarP(&opts.Answers, "answers", "a", "", "check against the plan of this answers file")
	f.StringVar(&opts.Instance, "instance", "", "with --answers in mode both or dual stack: the instance (explicit, implicit, explicit-ipv6, implicit-ipv6)")
	f.IntVar(&opts.Transfers, "transfers", 0, "concurrent transfers to size the passive range for (without --answers)")
	f.BoolVar(&opts.Fix, "fix", false, "write a corrected copy and show the diff")
	f.StringVarP(&opts.Out, "out", "o", "", "with --fix: where to write the corrected copy (default FILE.fixed; - for stdout)")
	f.BoolVarP(&opts.Force, "force", "f", false, "with --fix: correct FILE in place, keeping FILE.bak-<time>")
	f.BoolVar(&opts.JSON, "json", false, "print the findings as JSON")
	f.StringVar(&opts.format, "format", "text", "text or json")
	// Hidden, and the note goes to standard error: pflag's deprecation
	// notice would land on standard output, in the middle of the JSON.
	_ = f.MarkHidden("format")
	f.BoolVar(&opts.NoHost, "no-host", false, "do not read the files the config names from this machine")
	f.BoolVar(&opts.Host, "host", false, "FILE is this machine's live config: check that every file it names exists here")
	f.StringVar(&opts.FailOn, "fail-on", "warning", "least severity that fails the exit status: warning (4 on warnings) or error (warnings exit 0, for Ansible's validate:)")
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"warning", "error"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("flavour", cobra.FixedCompletions(
		[]string{"auto", string(wizard.FlavourDebian), string(wizard.FlavourUpstream), string(wizard.FlavourRHEL)},
		cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func flavourNames() string {
	var names []string
	for _, f := range vsftpd.Builds() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// checkResult is the JSON output of `check`.
type checkResult struct {
	jsonHeader
	File     string               `json:"file"`
	Flavour  wizard.Flavour       `json:"flavour"`
	Findings []vsftpdconf.Finding `json:"findings"`
	// Fixed is where --fix wrote the corrected copy.
	Fixed string `json:"fixed,omitempty"`
	Diff  string `json:"diff,omitempty"`
}

func runCheck(ctx context.Context, opts *checkOptions, file string) error {
	if opts.Force && !opts.Fix {
		return argsError("--force only applies with --fix")
	}
	if opts.Out != "" && !opts.Fix {
		return argsError("--out only applies with --fix")
	}
	if opts.Transfers < 0 {
		return argsError("--transfers must be positive")
	}
	if opts.FailOn != "warning" && opts.FailOn != "error" {
		return argsError("unknown --fail-on %q: use warning (the default) or error", opts.FailOn)
	}
	lo := vsftpdconf.Options{Transfers: opts.Transfers}
	if opts.Answers != "" {
		p, note, err := loadPlan(ctx, opts.root, opts.Answers)
		if err != nil {
			return err
		}
		if note != "" {
			fmt.Fprintln(opts.root.ErrOut, note)
		}
		if p.Server == nil {
			return argsError("%s plans no server (role client): nothing to check a vsftpd.conf against", opts.Answers)
		}
		if opts.Instance != "" {
			var names []string
			for _, in := range p.Server.Instances {
				names = append(names, in.Name)
			}
			if !slices.Contains(names, opts.Instance) && opts.Instance != "explicit" && opts.Instance != "implicit" {
				return argsError("--instance must be one of the plan's instances: %s", strings.Join(names, ", "))
			}
		}
		lo = lintOptionsFromPlan(p, opts.Instance)
		if opts.Transfers > 0 {
			lo.Transfers = opts.Transfers
		}
	}
	fl, err := checkFlavour(opts, lo.Flavour)
	if err != nil {
		return err
	}
	lo.Flavour = fl
	if file == "" {
		file = vsftpd.BuildOf(fl).ConfigPath
	}
	if opts.Host && opts.NoHost {
		return argsError("--host and --no-host exclude each other")
	}
	if !opts.NoHost {
		lo.Host = vsftpdconf.OSHost{}
		lo.OnHost = opts.Host || isLiveConfig(file, fl)
	}
	if opts.root.Now != nil {
		lo.Now = opts.root.Now()
	}
	data, _, err := vsftpdconf.ReadFileLimited(file, vsftpdconf.MaxCheckSize)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	findings := vsftpdconf.Lint(vsftpdconf.Parse(data), lo)
	if !opts.NoHost {
		if fi, err := os.Stat(file); err == nil {
			if f := vsftpdconf.OwnerFinding(fi); f != nil {
				findings = append([]vsftpdconf.Finding{*f}, findings...)
			}
		}
	}
	res := checkResult{jsonHeader: header("check"), File: file, Flavour: fl, Findings: findings}
	final := findings
	if opts.Fix {
		fixed, _ := vsftpdconf.FixConfig(data, lo)
		res.Diff = vsftpdconf.Diff(file, file+" (fixed)", data, fixed)
		target := opts.Out
		switch {
		case target == "-":
		case opts.Force && target == "":
			target = file
		case target == "":
			target = file + ".fixed"
		}
		if err := writeFixed(opts, file, target, data, fixed); err != nil {
			return err
		}
		if target != "-" {
			res.Fixed = target
		}
		if target == file {
			final = vsftpdconf.Lint(vsftpdconf.Parse(fixed), lo)
		}
		if target == "-" {
			if _, err := opts.root.Out.Write(fixed); err != nil {
				return fmt.Errorf("check: %w", err)
			}
			printFindingsSummary(opts.root.ErrOut, res)
			return checkStatus(final, opts.FailOn)
		}
	}
	if opts.JSON {
		if res.Findings == nil {
			res.Findings = []vsftpdconf.Finding{}
		}
		enc := json.NewEncoder(opts.root.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return fmt.Errorf("check: %w", err)
		}
		return checkStatus(final, opts.FailOn)
	}
	st := newDiagStyles(opts.root)
	printFindings(opts.root.Out, st, res)
	if opts.Fix {
		if res.Diff == "" {
			fmt.Fprintln(opts.root.ErrOut, "Nothing to fix automatically.")
		} else {
			fmt.Fprintf(opts.root.Out, "\n%s\n%s", st.heading.Render("Corrections ("+res.Fixed+"):"), res.Diff)
		}
	}
	return checkStatus(final, opts.FailOn)
}

// checkFlavour picks the build: --flavour, then the plan's, then the
// installed binary, then Debian 3.0.3.
func checkFlavour(opts *checkOptions, fromPlan wizard.Flavour) (wizard.Flavour, error) {
	switch f := wizard.Flavour(opts.Flavour); f {
	case wizard.FlavourDebian, wizard.FlavourUpstream, wizard.FlavourRHEL:
		return f, nil
	case wizard.FlavourAuto, "":
	default:
		return "", argsError("unknown --flavour %q (valid: auto, %s)", opts.Flavour, flavourNames())
	}
	if opts.Answers != "" && fromPlan != "" && fromPlan != wizard.FlavourAuto {
		return fromPlan, nil
	}
	if opts.root.Detector != nil {
		if v, err := opts.root.Detector.Vsftpd(); err == nil && v.Installed && v.Known {
			// Say it: a config generated for another build (a RHEL
			// server's, checked on a Debian laptop) is otherwise judged by
			// this machine's option names without a word.
			fmt.Fprintf(opts.root.ErrOut, "Checking against %s, the vsftpd build installed here (%s); a config for another build: --flavour or --answers.\n", v.Flavour, v.Path)
			return v.Flavour, nil
		}
	}
	fmt.Fprintf(opts.root.ErrOut, "No vsftpd binary recognised here: checking against %s (use --flavour).\n", wizard.FlavourDebian)
	return wizard.FlavourDebian, nil
}

// writeFixed writes the corrected copy; in place only with --force, after a
// backup.
func writeFixed(opts *checkOptions, file, target string, old, fixed []byte) error {
	if target == "-" {
		return nil
	}
	mode := fs.FileMode(0o600) // vsftpd insists the config is owned by the user running it
	if fi, err := os.Stat(file); err == nil {
		mode = fi.Mode().Perm()
	}
	if target == file {
		if bytes.Equal(old, fixed) {
			return nil
		}
		stamp := "backup"
		if opts.root.Now != nil {
			stamp = opts.root.Now().Format(outdir.BackupTimeLayout)
		}
		backup := file + ".bak-" + stamp
		if _, err := os.Stat(backup); err == nil {
			return withCode(codeExists, fmt.Errorf("check: backup %s already exists", backup))
		}
		if err := os.WriteFile(backup, old, mode); err != nil {
			return fmt.Errorf("check: backup: %w", err)
		}
		fmt.Fprintf(opts.root.ErrOut, "Kept the old config as %s.\n", backup)
	} else if _, err := os.Stat(target); err == nil && !opts.Force && opts.Out != "" {
		return withCode(codeExists, fmt.Errorf("check: %s exists (use --force to replace it)", target))
	}
	tmp := target + ".ftpswiz-tmp"
	if err := os.WriteFile(tmp, fixed, mode); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if err := os.Rename(tmp, target); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("check: %w", err)
	}
	fmt.Fprintf(opts.root.ErrOut, "Wrote the corrected config to %s.\n", target)
	return nil
}

func checkStatus(fs []vsftpdconf.Finding, failOn string) error {
	errs, warns := countFindings(fs)
	switch {
	case errs > 0:
		return withCode(codeProblems, fmt.Errorf("%d error(s), %d warning(s)", errs, warns))
	case warns > 0 && failOn != "error":
		return withCode(codeWarnings, fmt.Errorf("%d warning(s)", warns))
	}
	return nil
}

func countFindings(fs []vsftpdconf.Finding) (errs, warns int) {
	for _, f := range fs {
		switch f.Severity {
		case vsftpdconf.Error:
			errs++
		case vsftpdconf.Warning:
			warns++
		}
	}
	return errs, warns
}

// diagStyles styles check and probe output on a terminal; off a terminal
// every style renders plain text.
type diagStyles struct {
	ok, warn, fail, skip, heading, dim lipgloss.Style
	terminal                           bool
}

func newDiagStyles(root *rootOptions) diagStyles {
	s := diagStyles{ok: lipgloss.NewStyle(), warn: lipgloss.NewStyle(), fail: lipgloss.NewStyle(),
		skip: lipgloss.NewStyle(), heading: lipgloss.NewStyle(), dim: lipgloss.NewStyle()}
	if root.IsTerminal == nil || !root.IsTerminal() || (root.Getenv != nil && root.Getenv("NO_COLOR") != "") {
		return s
	}
	s.terminal = true
	s.ok = s.ok.Foreground(lipgloss.Color("2")).Bold(true)
	s.warn = s.warn.Foreground(lipgloss.Color("3")).Bold(true)
	s.fail = s.fail.Foreground(lipgloss.Color("1")).Bold(true)
	s.skip = s.skip.Faint(true)
	s.heading = s.heading.Bold(true)
	s.dim = s.dim.Faint(true)
	return s
}

func (s diagStyles) severity(sev vsftpdconf.Severity) string {
	label := fmt.Sprintf("%-7s", sev)
	switch sev {
	case vsftpdconf.Error:
		return s.fail.Render(label)
	case vsftpdconf.Warning:
		return s.warn.Render(label)
	}
	return s.dim.Render(label)
}

func printFindingsSummary(w io.Writer, res checkResult) {
	errs, warns := countFindings(res.Findings)
	fmt.Fprintf(w, "%s (%s): %d error(s), %d warning(s), %d note(s)\n", res.File, res.Flavour, errs, warns,
		len(res.Findings)-errs-warns)
}

func printFindings(w io.Writer, st diagStyles, res checkResult) {
	errs, warns := countFindings(res.Findings)
	fmt.Fprintln(w, st.heading.Render(fmt.Sprintf("%s (vsftpd %s): %d error(s), %d warning(s), %d note(s)", res.File,
		res.Flavour, errs, warns, len(res.Findings)-errs-warns)))
	for _, f := range res.Findings {
		where := "       "
		if f.Line > 0 {
			where = fmt.Sprintf("line %-2d", f.Line)
		}
		opt := f.Option
		if opt == "" {
			opt = f.Code
		}
		fmt.Fprintf(w, "\n%s %s %s\n", st.severity(f.Severity), where, st.heading.Render(opt))
		fmt.Fprintf(w, "  %s\n", f.Why)
		fmt.Fprintf(w, "  %s %s\n", st.dim.Render("fix:"), f.Fix)
		if f.Answer != "" {
			fmt.Fprintf(w, "  %s %s\n", st.dim.Render("ftpswiz answer:"), f.Answer)
		}
		if f.Explain != "" {
			fmt.Fprintf(w, "  %s ftpswiz explain %s\n", st.dim.Render("more:"), f.Explain)
		}
	}
	if len(res.Findings) == 0 {
		fmt.Fprintln(w, "No findings.")
	}
}
