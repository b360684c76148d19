package generators

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/ftpswiz/ftpswiz/netaddr"
	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// Output paths of the PASV-address refresh (nat dynamic-dns).
const (
	pasvRefreshScriptFile  = "server/ftpswiz-pasv-refresh.sh"
	pasvRefreshServiceFile = "server/" + wizard.PasvRefreshService
	pasvRefreshTimerFile   = "server/" + wizard.PasvRefreshTimer
)

// pasvRefreshDropInFile is the output path of a vsftpd unit's drop-in.
func pasvRefreshDropInFile(unit string) string {
	return "server/" + unit + ".d/" + wizard.PasvRefreshDropIn
}

func pasvRefreshDropInPath(unit string) string {
	return "/etc/systemd/system/" + unit + ".d/" + wizard.PasvRefreshDropIn
}

func hasPasvRefresh(p *wizard.Plan) bool {
	return p.Server != nil && p.SFTP == nil && p.Server.PasvRefresh != nil && p.Server.Container == nil
}

// pasvRefreshRenderers returns the renderer of the refresh's files.
func pasvRefreshRenderers() []Renderer {
	return []Renderer{{Name: "pasv-refresh", Applies: hasPasvRefresh, Render: renderPasvRefresh}}
}

// pasvRefreshBody is the script after its header. @NAME@, @STATE@, @UNITS@
// and @TIMEOUT@ are replaced by quoted values; everything else is fixed.
// POSIX sh: Debian's dash, RHEL's bash.
const pasvRefreshBody = `set -u
name=@NAME@
state=@STATE@
units=@UNITS@

log() { printf 'ftpswiz-pasv-refresh: %s\n' "$*" >&2; }
words() { printf '%s\n' "$1" | paste -sd ' ' -; }

# The name's IPv4 addresses, sorted, one a line: what vsftpd's
# gethostbyname() sees (the same /etc/hosts and DNS, through NSS),
# compared as a set, since vsftpd takes the first of them. Empty when
# the lookup fails or takes longer than the timeout.
lookup() {
	timeout @TIMEOUT@ getent ahostsv4 "$name" | awk '{ print $1 }' | sort -u
}

# The lookup into $addrs: status 1 (logged) when it fails, 2 (logged)
# unless every address is a public IPv4 address: a private one in PASV
# replies sends clients away.
lookup_public() {
	addrs=$(lookup)
	if [ -z "$addrs" ]; then
		log "looking up $name failed or timed out: vsftpd left alone (it would not start without the name)"
		return 1
	fi
	for a in $addrs; do
		case $a in
		*[!0-9.]* | *..* | .* | *.)
			log "$name resolves to \"$a\", not an IPv4 address: vsftpd left alone"
			return 2 ;;
		0.* | 10.* | 127.* | 169.254.* | 192.168.* | 172.1[6-9].* | 172.2[0-9].* | 172.3[01].* | \
		100.6[4-9].* | 100.[7-9][0-9].* | 100.1[01][0-9].* | 100.12[0-7].*)
			log "$name resolves to the private address $a on this host: vsftpd left alone (PASV replies would send clients there; is a local DNS server answering with the LAN address?)"
			return 2 ;;
		esac
	done
	return 0
}

case ${1:-check} in
record)
	# ExecStartPre of a vsftpd unit: the addresses it is about to resolve.
	unit=${2:-}
	case " $units " in
	*" $unit "*) ;;
	*) log "record: $unit is not one of: $units"; exit 0 ;;
	esac
	mkdir -p "$state" || exit 0
	addrs=$(lookup)
	if [ -z "$addrs" ]; then
		rm -f "$state/$unit"
		log "record: looking up $name failed or timed out; vsftpd will not start without it"
		exit 0
	fi
	printf '%s\n' "$addrs" >"$state/$unit.new" && mv -f "$state/$unit.new" "$state/$unit"
	exit 0 ;;
status)
	# Changes nothing: what the name resolves to, what each unit started with.
	printf '%s resolves to: %s\n' "$name" "$(words "$(lookup)")"
	for unit in $units; do
		rec='no record'
		[ -f "$state/$unit" ] && rec=$(words "$(cat "$state/$unit")")
		printf '%s (%s) started with: %s\n' "$unit" "$(systemctl is-active "$unit")" "$rec"
	done
	exit 0 ;;
check) ;;
*)
	log "usage: $0 [check | status | record UNIT]"
	exit 2 ;;
esac

# A failed lookup is a passing outage (status 0: the next run tries
# again); a private or malformed answer needs a person (status 1).
lookup_public
case $? in
0) ;;
1) exit 0 ;;
*) exit 1 ;;
esac
rc=0
for unit in $units; do
	rec=$state/$unit
	if systemctl is-active --quiet "$unit"; then
		if [ ! -f "$rec" ]; then
			why="no record of the address it started with"
		elif [ "$(cat "$rec")" != "$addrs" ]; then
			why="it started with $(words "$(cat "$rec")")"
		else
			continue
		fi
		log "$name resolves to $(words "$addrs"): restarting $unit ($why)"
		systemctl try-restart "$unit" || { log "restarting $unit failed"; rc=1; }
	elif systemctl is-failed --quiet "$unit" && [ ! -f "$rec" ]; then
		# Its last start found no address for the name (vsftpd exits then).
		log "$unit failed while $name did not resolve; it resolves now: starting $unit"
		systemctl restart "$unit" || { log "starting $unit failed"; rc=1; }
	fi
done
exit $rc
`

func renderPasvRefresh(p *wizard.Plan) ([]File, error) {
	r := p.Server.PasvRefresh
	if !netaddr.IsDNSName(r.Name, 2, false) {
		return nil, fmt.Errorf("%s: name %q (from server.public_address) is not a DNS name", pasvRefreshScriptFile, r.Name)
	}
	if len(r.Units) == 0 {
		return nil, fmt.Errorf("%s: no vsftpd unit announces %s", pasvRefreshScriptFile, r.Name)
	}
	for _, u := range r.Units {
		if !certUnit(u) {
			return nil, fmt.Errorf("%s: unit %q is not a plain systemd service name", pasvRefreshScriptFile, u)
		}
	}
	d, ok := p.Decision("vsftpd.pasv_address")
	if !ok {
		return nil, fmt.Errorf("%s: the plan has no vsftpd.pasv_address decision", pasvRefreshScriptFile)
	}
	units := strings.Join(r.Units, " ")
	why := templates.Comment("# ", d.Why)
	generated := []string{"# Generated by ftpswiz. Regenerate with: " + RegenerateCommand,
		"# Every setting that matters carries its reason; REPORT.md has the whole plan."}
	header := func(title string) string {
		return "# " + title + "\n" + strings.Join(generated, "\n") + "\n"
	}

	// The script.
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString(header("ftpswiz-pasv-refresh.sh: restarts vsftpd when " + r.Name + " moves to another address"))
	fmt.Fprintf(&b, "#\n# Install as %s (mode 0755).\n# %s runs it (check) every %d minutes;\n",
		wizard.PasvRefreshScript, wizard.PasvRefreshTimer, wizard.PasvRefreshMinutes)
	fmt.Fprintf(&b, "# each vsftpd unit's ExecStartPre runs it as: record UNIT. Show what it sees,\n"+
		"# changing nothing: %s\n#\n", Sh(wizard.PasvRefreshScript, "status").Line(""))
	b.WriteString(why + "\n")
	b.WriteString(strings.NewReplacer(
		"@NAME@", shQuote(r.Name), "@STATE@", shQuote(wizard.PasvRefreshStateDir),
		"@UNITS@", shQuote(units), "@TIMEOUT@", strconv.Itoa(wizard.PasvRefreshLookupSeconds),
	).Replace(pasvRefreshBody))
	script := []byte(b.String())
	if err := guardLines(script, true, nil); err != nil {
		return nil, fmt.Errorf("%s: %w", pasvRefreshScriptFile, err)
	}
	if err := pasvRefreshCheckAssignments(script, map[string]string{
		"name": shQuote(r.Name), "state": shQuote(wizard.PasvRefreshStateDir), "units": shQuote(units),
	}); err != nil {
		return nil, fmt.Errorf("%s: %w", pasvRefreshScriptFile, err)
	}
	reload := Sh("systemctl", "daemon-reload")
	files := []File{{Path: pasvRefreshScriptFile, Mode: 0o755, Content: script, Desc: Desc{
		What: "restarts vsftpd (" + units + ") when " + r.Name + " resolves to another address " +
			"(run by " + wizard.PasvRefreshTimer + ")",
		Side: wizard.SideServerHost, Install: wizard.PasvRefreshScript, Tool: "sh",
		Check:  []Cmd{Sh("sh", "-n").File()},
		Apply:  []Cmd{Sh("install", "-m", "0755", "-o", "root", "-g", "root").File().Arg(wizard.PasvRefreshScript)},
		Show:   []Cmd{Sh(wizard.PasvRefreshScript, "status").With("the name's addresses, and the ones each vsftpd started with: the same")},
		Remove: []Cmd{Sh("rm", "-f", wizard.PasvRefreshScript)},
	}}}

	// One drop-in per unit: the record, made before vsftpd resolves.
	for _, u := range r.Units {
		c, err := pasvRefreshUnitFile(append([]string{
			"# systemd drop-in for " + u + ": records the addresses " + r.Name + " resolves to as vsftpd starts",
		}, generated...), []string{
			"Install as " + pasvRefreshDropInPath(u) + ", then:",
			"  " + reload.Op("&&").Arg("systemctl", "restart", u).Line(""),
			"ExecStartPre, not ExecStartPost: it runs before vsftpd resolves the name, so",
			"a change in between leaves an old record and one extra restart, never a",
			"stale vsftpd (and with Type=simple, ExecStartPost may run before vsftpd's",
			"own lookup). '-': a failed record never stops vsftpd from starting.",
		}, "[Service]\nExecStartPre=-"+wizard.PasvRefreshScript+" record "+u+"\n",
			[]string{"[Service]"}, []string{"ExecStartPre"})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pasvRefreshDropInFile(u), err)
		}
		files = append(files, File{Path: pasvRefreshDropInFile(u), Mode: 0o644, Content: c, Desc: Desc{
			What: fmt.Sprintf("systemd drop-in for %s: records what %s resolves to as vsftpd starts (in %s)",
				u, r.Name, path.Join(wizard.PasvRefreshStateDir, u)),
			Side: wizard.SideServerHost, Install: pasvRefreshDropInPath(u), Unit: u,
			Apply: []Cmd{
				Sh("install", "-D", "-m", "0644", "-o", "root", "-g", "root").File().Arg(pasvRefreshDropInPath(u)),
				reload, Sh("systemctl", "restart", u).With("writes the first record"),
			},
			Remove: []Cmd{Sh("rm", "-f", pasvRefreshDropInPath(u)), reload},
		}})
	}

	// The service and its timer.
	svcPath := "/etc/systemd/system/" + wizard.PasvRefreshService
	timerPath := "/etc/systemd/system/" + wizard.PasvRefreshTimer
	svc, err := pasvRefreshUnitFile(append([]string{"# " + wizard.PasvRefreshService + ": one check of " + r.Name +
		" (started by " + wizard.PasvRefreshTimer + ")"}, generated...),
		[]string{"Install as " + svcPath + " (with the timer)."},
		fmt.Sprintf("[Unit]\nDescription=Restart vsftpd when %s moves to another address (ftpswiz)\n\n"+
			"[Service]\nType=oneshot\nExecStart=%s check\n# A lookup takes at most %d s; a restart a few.\nTimeoutStartSec=90\n",
			r.Name, wizard.PasvRefreshScript, wizard.PasvRefreshLookupSeconds),
		[]string{"[Unit]", "[Service]"}, []string{"Description", "Type", "ExecStart", "TimeoutStartSec"})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pasvRefreshServiceFile, err)
	}
	timer, err := pasvRefreshUnitFile(append(append([]string{"# " + wizard.PasvRefreshTimer + ": checks " + r.Name +
		" every " + strconv.Itoa(wizard.PasvRefreshMinutes) + " minutes"}, generated...), "#", why),
		[]string{"Install as " + timerPath + ", then:",
			"  " + reload.Op("&&").Arg("systemctl", "enable", "--now", wizard.PasvRefreshTimer).Line("")},
		fmt.Sprintf("[Unit]\nDescription=Check every %d minutes whether %s moved (ftpswiz)\n\n"+
			"[Timer]\nOnBootSec=%dmin\nOnUnitActiveSec=%dmin\n# The default (1 min) would stretch %d minutes to up to %d.\nAccuracySec=10s\n\n"+
			"[Install]\nWantedBy=timers.target\n",
			wizard.PasvRefreshMinutes, r.Name, wizard.PasvRefreshMinutes, wizard.PasvRefreshMinutes,
			wizard.PasvRefreshMinutes, wizard.PasvRefreshMinutes+1),
		[]string{"[Unit]", "[Timer]", "[Install]"}, []string{"Description", "OnBootSec", "OnUnitActiveSec", "AccuracySec", "WantedBy"})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pasvRefreshTimerFile, err)
	}
	files = append(files,
		File{Path: pasvRefreshServiceFile, Mode: 0o644, Content: svc, Desc: Desc{
			What: "systemd service that runs one check of " + r.Name, Side: wizard.SideServerHost,
			Install: svcPath, Unit: wizard.PasvRefreshService,
			Apply:  []Cmd{Sh("install", "-m", "0644", "-o", "root", "-g", "root").File().Arg(svcPath)},
			Show:   []Cmd{Sh("systemctl", "start", wizard.PasvRefreshService).Op("&&").Arg("journalctl", "-u", wizard.PasvRefreshService, "-n", "5", "--no-pager").With("one check now: a restart is logged, no change is silent")},
			Remove: []Cmd{Sh("rm", "-f", svcPath)},
		}},
		File{Path: pasvRefreshTimerFile, Mode: 0o644, Content: timer, Desc: Desc{
			What: fmt.Sprintf("systemd timer: runs %s every %d minutes", wizard.PasvRefreshService, wizard.PasvRefreshMinutes),
			Side: wizard.SideServerHost, Install: timerPath, Unit: wizard.PasvRefreshTimer,
			Apply: []Cmd{
				Sh("install", "-m", "0644", "-o", "root", "-g", "root").File().Arg(timerPath),
				reload, Sh("systemctl", "enable", "--now", wizard.PasvRefreshTimer),
			},
			Show: []Cmd{Sh("systemd-analyze", "verify", timerPath, svcPath).With("prints nothing"),
				Sh("systemctl", "list-timers", wizard.PasvRefreshTimer, "--no-pager")},
			Persist: "systemctl enable (done by Apply): timers.target starts it at boot",
			Remove: []Cmd{Sh("systemctl", "disable", "--now", wizard.PasvRefreshTimer),
				Sh("rm", "-f", timerPath), reload},
		}})
	return files, nil
}

// pasvRefreshUnitFile assembles a unit file or drop-in (header lines,
// "# " comment lines, body) and checks it: only the given sections and
// keys, each once (checkKeyLines), and no systemd specifier (%) outside
// comments, since a value must reach systemd as written.
func pasvRefreshUnitFile(header, notes []string, body string, sections, keys []string) ([]byte, error) {
	var b strings.Builder
	for _, h := range header {
		b.WriteString(h + "\n")
	}
	b.WriteString("#\n")
	for _, n := range notes {
		b.WriteString(strings.TrimRight("# "+n, " ") + "\n")
	}
	b.WriteString("\n" + body)
	content := []byte(b.String())
	if err := checkKeyLines(content, "=", sections, keys); err != nil {
		return nil, err
	}
	for _, l := range strings.Split(body, "\n") {
		if !strings.HasPrefix(l, "#") && strings.ContainsAny(l, "%$\\\"'`") {
			return nil, fmt.Errorf("line %q holds a character systemd would interpret", l)
		}
	}
	return content, nil
}

// pasvRefreshCheckAssignments is the script's last check: each variable
// is assigned exactly once, at the start of a line, to its quoted value,
// so a value can never become shell syntax.
func pasvRefreshCheckAssignments(script []byte, want map[string]string) error {
	seen := map[string]int{}
	for _, l := range strings.Split(string(script), "\n") {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			continue
		}
		if w, tracked := want[k]; tracked {
			if v != w {
				return fmt.Errorf("%s is assigned %s, want %s", k, v, w)
			}
			seen[k]++
		}
	}
	for k := range want {
		if seen[k] != 1 {
			return fmt.Errorf("%s is assigned %d times, want once", k, seen[k])
		}
	}
	return nil
}

// reportPasvRefreshStep installs the refresh from its files' descriptions:
// every file's Check, then every file's install (its first Apply command),
// then the other Apply commands once each (daemon-reload, the restarts
// that write the first records, the timer), then every Show.
func reportPasvRefreshStep(p *wizard.Plan, outputs []File) (reportStep, bool) {
	if !hasPasvRefresh(p) {
		return reportStep{}, false
	}
	// The script, the drop-ins (their restarts write the first records),
	// then the service and the timer, whose first run finds them.
	order := []string{pasvRefreshScriptFile}
	for _, u := range p.Server.PasvRefresh.Units {
		order = append(order, pasvRefreshDropInFile(u))
	}
	order = append(order, pasvRefreshServiceFile, pasvRefreshTimerFile)
	var files []File
	for _, path := range order {
		i := slices.IndexFunc(outputs, func(f File) bool { return f.Path == path })
		if i < 0 {
			return reportStep{}, false
		}
		files = append(files, outputs[i])
	}
	var code []string
	seen := map[string]bool{}
	add := func(cmds []Cmd, file string) {
		for _, l := range cmdLines(cmds, file) {
			if !seen[l] {
				seen[l] = true
				code = append(code, l)
			}
		}
	}
	for _, f := range files {
		add(f.Desc.Check, f.Path)
	}
	for _, f := range files {
		add(f.Desc.Apply[:1], f.Path)
	}
	for _, f := range files {
		add(f.Desc.Apply[1:], f.Path)
	}
	for _, f := range files {
		add(f.Desc.Show, f.Path)
	}
	r := p.Server.PasvRefresh
	text := fmt.Sprintf("vsftpd resolves %s only at start: a timer checks it every %d minutes and restarts "+
		"vsftpd when its address changed%s.",
		r.Name, wizard.PasvRefreshMinutes, reportSee(p, "vsftpd.pasv_address", "why"))
	return reportStep{Title: "Restart vsftpd when " + r.Name + " moves", Text: mdWrap(reportWidth, mdText(text)),
		Code: mdCode(code...)}, true
}
