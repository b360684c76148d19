package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ftpswiz/ftpswiz/probe"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// probeOptions are the flags of `ftpswiz probe`.
type probeOptions struct {
	root         *rootOptions
	Implicit     bool
	Explicit     bool
	User         string
	PasswordEnv  string
	PasswordFile string
	CA           string
	Fingerprint  string
	Insecure     bool
	ServerName   string
	TLSMin       string
	TLSMax       string
	NoReuse      bool
	Transfer     bool
	RemoteDir    string
	PassivePorts string
	Answers      string
	Timeout      time.Duration
	StepTimeout  time.Duration
	JSON         bool

	// Family is auto (both families when the name has both), ipv4 or ipv6.
	Family string

	// run replaces probe.Run in tests.
	run func(context.Context, probe.Options) (*probe.Report, error)
	// families resolves the target's families (nil: no lookup, one probe).
	families func(context.Context, probe.Options) ([]string, error)
}

// defaultPasswordEnv is where probe reads the password by default.
const defaultPasswordEnv = "FTPSWIZ_PASSWORD"

func newProbeCmd(root *rootOptions) *cobra.Command {
	return newProbeCmdWith(&probeOptions{root: root, run: probe.Run, families: probe.Families})
}

// newProbeCmdWith builds the command around opts (tests replace opts.run).
func newProbeCmdWith(opts *probeOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "probe HOST[:PORT] | ftp://HOST[:PORT] | ftps://HOST[:PORT]",
		Short: "Check a live FTPS server step by step from the client side and say what is wrong",
		Long: `Probe connects to an FTPS server the way an FTPS client does and checks each
step: DNS, TCP connect to the control port, the greeting, implicit TLS or
AUTH TLS (and whether the two sides disagree: implicit on 21, explicit on
990), TLS version and cipher, the certificate (chain, expiry, name), login,
PBSZ/PROT P, EPSV and PASV (flagging a private, 0.0.0.0 or different address
than the one dialled), the passive data connection (a timeout means the
passive range is not open or not forwarded), a LIST over the protected data
channel resuming the TLS session, optionally an upload/download round trip
(--transfer), and finally whether the server insists on TLS session
resumption (vsftpd's require_ssl_reuse; this last check ends the session).

When the name has both an A and an AAAA record, the probe runs once over
IPv4 and once over IPv6 and says which family failed (--family picks one);
over IPv6 the data connections use EPSV, as IPv6 clients do.

Every problem comes with its cause, the fix and, where ftpswiz generates the
fix, the answer to change in the wizard. Each network wait is bounded
(--step-timeout) and so is the whole probe (--timeout, 15 s by default).

Without --user, the probe stops after TLS (login, PASV and data connections
need a login). The password is never taken from the command line: it is read
from the environment variable named by --password-env (FTPSWIZ_PASSWORD by
default) or from --password-file (- reads one line from standard input).
The probe does not send the password when the certificate fails
verification, unless --insecure; --ca trusts a private CA or self-signed
certificate, --fingerprint pins one.

Port 990 and ftps:// mean implicit FTPS; anything else explicit (AUTH TLS).

On a terminal the steps appear as a live checklist; otherwise as plain lines;
--json prints the whole report as JSON.

` + diagnoseExitHelp,
		Example: `  FTPSWIZ_PASSWORD=secret ftpswiz probe ftp.example.com --user alice
  ftpswiz probe ftps://ftp.example.com --user alice --password-file ~/.ftp-pass --ca ca.pem
  ftpswiz probe 203.0.113.10 --answers answers.yaml --user alice --transfer --remote-dir upload
  ftpswiz probe ftp.example.com --tls-max 1.0          # act like a TLS 1.0-only client
  ftpswiz probe ftp.example.com --json | jq .steps`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return argsError("probe takes one argument, the server (HOST[:PORT] or an ftp:// or ftps:// URL)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProbe(cmd.Context(), opts, args[0])
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.Implicit, "implicit", false, "implicit FTPS (TLS from the first byte; default on port 990)")
	f.BoolVar(&opts.Explicit, "explicit", false, "explicit FTPS (AUTH TLS; default on other ports)")
	f.StringVarP(&opts.User, "user", "u", "", "log in as this user (anonymous: no password needed)")
	f.StringVar(&opts.PasswordEnv, "password-env", defaultPasswordEnv, "environment variable holding the password")
	f.StringVar(&opts.PasswordFile, "password-file", "", "file holding the password (first line; - reads standard input)")
	f.StringVar(&opts.CA, "ca", "", "PEM file of certificates to trust besides the system's (private CA, self-signed server)")
	f.StringVar(&opts.Fingerprint, "fingerprint", "", "trust the server certificate with this SHA-256 fingerprint")
	f.BoolVarP(&opts.Insecure, "insecure", "k", false, "carry on (and log in) although the certificate fails verification")
	f.StringVar(&opts.ServerName, "server-name", "", "name the certificate must match (default: HOST)")
	f.StringVar(&opts.TLSMin, "tls-min", "", "lowest TLS version to offer: 1.0, 1.1, 1.2 or 1.3")
	f.StringVar(&opts.TLSMax, "tls-max", "", "highest TLS version to offer (1.0 acts like an old client)")
	f.BoolVar(&opts.NoReuse, "no-reuse", false, "do not resume the TLS session on data connections (like Python's ftplib)")
	f.BoolVar(&opts.Transfer, "transfer", false, "upload, download and delete a small file")
	f.StringVar(&opts.RemoteDir, "remote-dir", "", "with --transfer: the writable directory to use")
	f.StringVar(&opts.PassivePorts, "passive-ports", "", "the passive range the firewalls open (FIRST-LAST), checked against PASV")
	f.StringVarP(&opts.Answers, "answers", "a", "", "take the passive range and public address from this answers file's plan")
	f.DurationVar(&opts.Timeout, "timeout", probe.DefaultTimeout, "bound for the whole probe")
	f.DurationVar(&opts.StepTimeout, "step-timeout", probe.DefaultStepTimeout, "bound for each network wait")
	f.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	f.StringVar(&opts.Family, "family", "auto", "address family: auto (both, one after the other, when the name has A and AAAA records), ipv4 or ipv6")
	_ = cmd.MarkFlagFilename("ca", "pem", "crt")
	return cmd
}

func runProbe(ctx context.Context, opts *probeOptions, target string) error {
	host, port, mode, err := probe.ParseTarget(target)
	if err != nil {
		return argsError("%v", err)
	}
	switch {
	case opts.Implicit && opts.Explicit:
		return argsError("--implicit and --explicit exclude each other")
	case opts.Implicit && mode == probe.Explicit, opts.Explicit && mode == probe.Implicit:
		return argsError("the URL scheme and --implicit/--explicit disagree")
	case opts.Implicit:
		mode = probe.Implicit
	case opts.Explicit:
		mode = probe.Explicit
	}
	po := probe.Options{
		Host: host, Port: port, Mode: mode, User: opts.User, ServerName: opts.ServerName,
		Fingerprint: opts.Fingerprint, Insecure: opts.Insecure, NoReuse: opts.NoReuse,
		Transfer: opts.Transfer, RemoteDir: opts.RemoteDir, PassiveRange: opts.PassivePorts,
		Timeout: opts.Timeout, StepTimeout: opts.StepTimeout,
	}
	if opts.Timeout <= 0 || opts.StepTimeout <= 0 {
		return argsError("--timeout and --step-timeout must be positive")
	}
	if opts.RemoteDir != "" && !opts.Transfer {
		return argsError("--remote-dir only applies with --transfer")
	}
	if po.MinTLS, err = tlsFlag("--tls-min", opts.TLSMin); err != nil {
		return err
	}
	if po.MaxTLS, err = tlsFlag("--tls-max", opts.TLSMax); err != nil {
		return err
	}
	if po.PassiveRange != "" {
		if _, err := wizard.ParsePortRange(po.PassiveRange); err != nil {
			return argsError("--passive-ports: %v", err)
		}
	}
	if opts.Answers != "" {
		p, _, err := loadPlan(ctx, opts.root, opts.Answers)
		if err != nil {
			return err
		}
		if po.PassiveRange == "" {
			switch {
			case p.Server != nil:
				po.PassiveRange = p.Server.Passive.String()
			case p.Client != nil && !p.Client.Passive.IsZero():
				po.PassiveRange = p.Client.Passive.String()
			}
		}
	}
	if opts.User != "" {
		if po.Password, err = readPassword(opts); err != nil {
			return err
		}
	}
	if opts.CA != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		pem, err := readBounded(opts.CA, maxCAFile)
		if err != nil {
			return fmt.Errorf("probe: --ca: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return argsError("--ca %s holds no PEM certificate", opts.CA)
		}
		po.RootCAs = pool
	}
	st := newDiagStyles(opts.root)
	var live *liveList
	if !opts.JSON {
		live = &liveList{w: opts.root.Out, st: st}
		po.OnStep = live.onStep
		fmt.Fprintln(opts.root.Out, st.heading.Render("Probing "+target))
	}
	switch opts.Family {
	case "auto", "":
	case probe.FamilyIPv4, probe.FamilyIPv6:
		po.Family = opts.Family
	default:
		return argsError("--family %q: use auto, ipv4 or ipv6", opts.Family)
	}
	if po.Family == "" && opts.families != nil {
		if fams, err := opts.families(ctx, po); err == nil && len(fams) > 1 {
			return runProbeFamilies(ctx, opts, po, target, fams, live, st)
		}
	}
	r, err := opts.run(ctx, po)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	status := probeStatus(r)
	if opts.JSON {
		out := struct {
			jsonHeader
			*probe.Report
			Verdict  probe.Status `json:"verdict"`
			ExitCode int          `json:"exit_code"`
		}{header("probe"), r, r.Worst(), exitCode(status)}
		enc := json.NewEncoder(opts.root.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("probe: %w", err)
		}
	} else {
		printVerdict(opts.root.Out, st, r)
	}
	if ctx.Err() != nil {
		return withCode(codeInterrupted, fmt.Errorf("interrupted: %w", ctx.Err()))
	}
	return status
}

// runProbeFamilies probes a name with A and AAAA records once per family
// and names the families that failed.
func runProbeFamilies(ctx context.Context, opts *probeOptions, po probe.Options, target string, fams []string,
	live *liveList, st diagStyles) error {
	type famReport struct {
		*probe.Report
		Verdict probe.Status `json:"verdict"`
	}
	var reports []famReport
	var failed []string
	var worst error
	for _, f := range fams {
		o := po
		o.Family = f
		if live != nil {
			fmt.Fprintln(opts.root.Out, st.heading.Render("Over "+familyTitle(f)))
		}
		r, err := opts.run(ctx, o)
		if err != nil {
			return fmt.Errorf("probe over %s: %w", familyTitle(f), err)
		}
		status := probeStatus(r)
		if r.Worst() == probe.Fail {
			failed = append(failed, f)
		}
		if worst == nil || exitCode(status) > exitCode(worst) {
			worst = status
		}
		reports = append(reports, famReport{r, r.Worst()})
		if live != nil {
			printVerdict(opts.root.Out, st, r)
		}
		if ctx.Err() != nil {
			break
		}
	}
	if opts.JSON {
		verdict := probe.Pass
		for _, r := range reports {
			if r.Verdict == probe.Fail || (r.Verdict == probe.Warn && verdict == probe.Pass) {
				verdict = r.Verdict
			}
		}
		out := struct {
			jsonHeader
			Target   string       `json:"target"`
			Families []famReport  `json:"families"`
			Failed   []string     `json:"failed_families"`
			Verdict  probe.Status `json:"verdict"`
			ExitCode int          `json:"exit_code"`
		}{header("probe"), target, reports, failed, verdict, exitCode(worst)}
		if out.Failed == nil {
			out.Failed = []string{}
		}
		enc := json.NewEncoder(opts.root.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("probe: %w", err)
		}
	} else if len(failed) > 0 && len(failed) < len(fams) {
		var names []string
		for _, f := range failed {
			names = append(names, familyTitle(f))
		}
		fmt.Fprintf(opts.root.Out, "%s has A and AAAA records; it fails over %s only: clients of that family fail while the others work.\n",
			po.Host, strings.Join(names, " and "))
	}
	if ctx.Err() != nil {
		return withCode(codeInterrupted, fmt.Errorf("interrupted: %w", ctx.Err()))
	}
	if len(failed) > 0 {
		var names []string
		for _, f := range failed {
			names = append(names, familyTitle(f))
		}
		return withCode(codeProblems, fmt.Errorf("failed over %s", strings.Join(names, " and ")))
	}
	return worst
}

func familyTitle(f string) string {
	if f == probe.FamilyIPv6 {
		return "IPv6"
	}
	return "IPv4"
}

func tlsFlag(name, v string) (uint16, error) {
	if v == "" {
		return 0, nil
	}
	n, err := probe.ParseTLSVersion(v)
	if err != nil {
		return 0, argsError("%s: %v", name, err)
	}
	return n, nil
}

// readPassword reads the password from --password-file or the environment;
// never from the command line.
func readPassword(opts *probeOptions) (string, error) {
	if opts.PasswordFile != "" {
		var r io.Reader
		if opts.PasswordFile == "-" {
			r = opts.root.In
		} else {
			f, err := os.Open(opts.PasswordFile)
			if err != nil {
				return "", fmt.Errorf("probe: --password-file: %w", err)
			}
			defer f.Close()
			r = f
		}
		line, err := bufio.NewReader(io.LimitReader(r, maxPasswordLine+1)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", fmt.Errorf("probe: --password-file: %w", err)
		}
		if len(strings.TrimRight(line, "\r\n")) > maxPasswordLine {
			return "", fmt.Errorf("probe: --password-file: the first line is longer than %d bytes; put only the password on it", maxPasswordLine)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	getenv := os.Getenv
	if opts.root.Getenv != nil {
		getenv = opts.root.Getenv
	}
	if pw := getenv(opts.PasswordEnv); pw != "" {
		return pw, nil
	}
	if opts.User == "anonymous" || opts.User == "ftp" {
		return "", nil
	}
	return "", argsError("no password for %s: set %s (or use --password-file); passwords are never taken from the "+
		"command line", opts.User, opts.PasswordEnv)
}

func probeStatus(r *probe.Report) error {
	switch r.Worst() {
	case probe.Fail:
		n := 0
		for _, s := range r.Steps {
			if s.Status == probe.Fail {
				n++
			}
		}
		return withCode(codeProblems, fmt.Errorf("%d step(s) failed", n))
	case probe.Warn:
		return withCode(codeWarnings, fmt.Errorf("passed with warnings"))
	}
	return nil
}

// liveList prints the steps as they run: on a terminal a line that changes
// from "…" to its result, otherwise one plain line per finished step.
type liveList struct {
	w  io.Writer
	st diagStyles
}

func (l *liveList) mark(s probe.Status) string {
	switch s {
	case probe.Pass:
		return l.st.ok.Render("✓")
	case probe.Warn:
		return l.st.warn.Render("!")
	case probe.Fail:
		return l.st.fail.Render("✗")
	case probe.Skip:
		return l.st.skip.Render("-")
	}
	return "…"
}

func (l *liveList) onStep(s probe.Step) {
	if !l.st.terminal {
		if s.Status == probe.Running {
			return
		}
		line := fmt.Sprintf("%-4s %-11s %s", strings.ToUpper(string(s.Status)), s.ID, s.Title)
		if s.Detail != "" {
			line += ": " + s.Detail
		}
		if s.Status != probe.Skip {
			line += fmt.Sprintf(" (%s)", s.Duration.Round(time.Millisecond))
		}
		fmt.Fprintln(l.w, line)
		return
	}
	if s.Status == probe.Running {
		fmt.Fprintf(l.w, "  %s %s", l.mark(s.Status), s.Title)
		return
	}
	fmt.Fprint(l.w, "\r\x1b[2K")
	title := s.Title
	if s.Status == probe.Skip {
		title = l.st.skip.Render(title)
	}
	line := fmt.Sprintf("  %s %s", l.mark(s.Status), title)
	if s.Detail != "" {
		line += l.st.dim.Render("  " + s.Detail)
	}
	if s.Status != probe.Skip {
		line += l.st.dim.Render(fmt.Sprintf("  %s", s.Duration.Round(time.Millisecond)))
	}
	fmt.Fprintln(l.w, line)
}

func printVerdict(w io.Writer, st diagStyles, r *probe.Report) {
	problems := r.Problems()
	fmt.Fprintln(w)
	switch r.Worst() {
	case probe.Pass:
		fmt.Fprintln(w, st.ok.Render("Verdict: FTPS works")+fmt.Sprintf(" (%s, %s mode, %s)", r.Address, r.Mode,
			r.Duration.Round(time.Millisecond)))
	case probe.Warn:
		fmt.Fprintln(w, st.warn.Render("Verdict: works, with "+strconv.Itoa(len(problems))+" warning(s)"))
	default:
		fmt.Fprintln(w, st.fail.Render(fmt.Sprintf("Verdict: %d problem(s)", len(problems))))
	}
	for _, s := range problems {
		if s.Diagnosis == nil {
			continue
		}
		mark := st.fail.Render("✗")
		if s.Status == probe.Warn {
			mark = st.warn.Render("!")
		}
		fmt.Fprintf(w, "\n%s %s %s\n", mark, st.heading.Render(s.Title), st.dim.Render("["+s.Diagnosis.Code+"]"))
		fmt.Fprintf(w, "  %s\n", s.Diagnosis.Cause)
		fmt.Fprintf(w, "  %s %s\n", st.dim.Render("fix:"), s.Diagnosis.Fix)
		if s.Diagnosis.Answer != "" {
			fmt.Fprintf(w, "  %s %s (ftpswiz generate writes the fix)\n", st.dim.Render("wizard answer:"), s.Diagnosis.Answer)
		}
		if s.Diagnosis.Explain != "" {
			fmt.Fprintf(w, "  %s ftpswiz explain %s\n", st.dim.Render("more:"), s.Diagnosis.Explain)
		}
	}
	for _, s := range r.Steps {
		if s.Status == probe.Pass && s.Diagnosis != nil {
			fmt.Fprintf(w, "\n%s %s: %s\n", st.dim.Render("note:"), s.Title, s.Diagnosis.Cause)
		}
	}
}

// Bounds on the local files probe reads (a path can name /dev/zero).
const (
	maxCAFile       = 1 << 20
	maxPasswordLine = 4 << 10
)

// readBounded reads at most limit bytes of a file (a pipe is fine: --ca
// <(...)), and refuses a longer one instead of reading it whole.
func readBounded(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes: give a PEM file of certificates", name, limit)
	}
	return data, nil
}
