package generators

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

func pasvRefreshPlan(t *testing.T, edit func(a *wizard.Answers)) *wizard.Plan {
	t.Helper()
	return decideFile(t, filepath.Join("..", "testdata", "scenarios", "home-dynamic-dns", "answers.yaml"), edit)
}

// TestPasvRefreshFiles: a dynamic-DNS plan gets the script, one drop-in per
// unit that announces the name, the service and the timer, each described
// (box, install path, apply and remove commands) and each in REPORT.md's
// file list and apply step; the script restarts exactly those units.
func TestPasvRefreshFiles(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(a *wizard.Answers)
		units []string
	}{
		{"explicit", nil, []string{"vsftpd.service"}},
		{"both modes", func(a *wizard.Answers) { a.FTPS.Mode = wizard.ModeBoth }, []string{"vsftpd.service", "vsftpd-implicit.service"}},
		{"dual stack", func(a *wizard.Answers) { a.Server.IPv6Address = "2001:db8:20::2" }, []string{"vsftpd.service"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Render(pasvRefreshPlan(t, tc.edit))
			if err != nil {
				t.Fatal(err)
			}
			want := []string{pasvRefreshScriptFile, pasvRefreshServiceFile, pasvRefreshTimerFile}
			for _, u := range tc.units {
				want = append(want, pasvRefreshDropInFile(u))
			}
			report := string(mustFile(t, files, "REPORT.md"))
			for _, path := range want {
				f, ok := reportFind(files, path)
				if !ok {
					t.Fatalf("%s not generated", path)
				}
				d := f.Desc
				if d.What == "" || d.Side != wizard.SideServerHost || !strings.HasPrefix(d.Install, "/") || len(d.Apply) == 0 || len(d.Remove) == 0 {
					t.Errorf("%s: incomplete description %+v", path, d)
				}
				if !strings.Contains(report, "`"+path+"`") {
					t.Errorf("REPORT.md's file list lacks %s", path)
				}
				if !strings.Contains(report, "\n"+d.Apply[0].Line(path)+"\n") {
					t.Errorf("REPORT.md's apply steps lack %q", d.Apply[0].Line(path))
				}
			}
			if f, _ := reportFind(files, pasvRefreshScriptFile); f.Mode != 0o755 {
				t.Errorf("script mode %o", f.Mode)
			}
			script := string(mustFile(t, files, pasvRefreshScriptFile))
			if !strings.Contains(script, "\nunits='"+strings.Join(tc.units, " ")+"'\n") {
				t.Errorf("script restarts other units than %v", tc.units)
			}
			for _, f := range files {
				if strings.Contains(f.Path, ".service.d/"+wizard.PasvRefreshDropIn) && !slicesContains(want, f.Path) {
					t.Errorf("drop-in %s for a unit that announces no address", f.Path)
				}
			}
		})
	}
	// No refresh without dynamic DNS, nor in a container.
	for name, edit := range map[string]func(a *wizard.Answers){
		"port-forward": func(a *wizard.Answers) { a.Server.NAT = wizard.NATPortForward },
		"container":    func(a *wizard.Answers) { a.Server.Container = &wizard.Container{} },
	} {
		files, err := Render(pasvRefreshPlan(t, edit))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := reportFind(files, pasvRefreshScriptFile); ok {
			t.Errorf("%s: refresh script generated", name)
		}
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestPasvRefreshRefusesHostileValues: a plan made by hand whose name or
// unit would not stay one quoted word is refused at rendering.
func TestPasvRefreshRefusesHostileValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(r *wizard.PasvRefresh)
	}{
		{"quote in the name", func(r *wizard.PasvRefresh) { r.Name = "ftps.example.net'; reboot; '" }},
		{"command substitution", func(r *wizard.PasvRefresh) { r.Name = "$(reboot).example.net" }},
		{"newline in the name", func(r *wizard.PasvRefresh) { r.Name = "ftps.example.net\nExecStart=/bin/sh" }},
		{"specifier in the name", func(r *wizard.PasvRefresh) { r.Name = "ftps%n.example.net" }},
		{"unit with a command", func(r *wizard.PasvRefresh) { r.Units = []string{"vsftpd.service; reboot"} }},
		{"unit with a space", func(r *wizard.PasvRefresh) { r.Units = []string{"vsftpd.service sshd.service"} }},
		{"no unit", func(r *wizard.PasvRefresh) { r.Units = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := pasvRefreshPlan(t, nil)
			r := *p.Server.PasvRefresh
			tc.edit(&r)
			p.Server.PasvRefresh = &r
			if files, err := renderPasvRefresh(p); err == nil {
				t.Fatalf("rendered %d files", len(files))
			}
		})
	}
}

// TestPasvRefreshTools: shellcheck passes the script (POSIX sh) and dash
// parses it; systemd-analyze verify passes the timer, the service and the
// distribution's vsftpd.service with the drop-in, with the script at its
// install path (a bind mount in a private mount namespace). Controls: an
// unquoted expansion fails shellcheck, a drop-in whose ExecStartPre is not
// an absolute path makes systemd-analyze complain.
func TestPasvRefreshTools(t *testing.T) {
	lab.Require(t, "shellcheck", "dash", "systemd-analyze", "unshare", "mount")
	files, err := Render(pasvRefreshPlan(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(rel string, content []byte, mode os.FileMode) string {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	script := mustFile(t, files, pasvRefreshScriptFile)
	sc := write("sbin/"+filepath.Base(wizard.PasvRefreshScript), script, 0o755)
	for _, c := range [][]string{{"shellcheck", "-s", "sh", sc}, {"dash", "-n", sc}} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Errorf("%v: %v\n%s", c, err, out)
		}
	}
	if !strings.Contains(string(script), `printf '%s\n' "$1"`) {
		t.Fatal("the control's line is not in the script")
	}
	bad := write("bad.sh", []byte(strings.Replace(string(script), `printf '%s\n' "$1"`, `printf '%s\n' $1`, 1)), 0o755)
	if out, err := exec.Command("shellcheck", "-s", "sh", bad).CombinedOutput(); err == nil {
		t.Errorf("control: shellcheck passes an unquoted $1:\n%s", out)
	}

	unit := "vsftpd.service"
	dist, err := os.ReadFile("/lib/systemd/system/" + unit)
	if err != nil {
		lab.Require(t, "vsftpd") // the distribution's unit comes with the package
		t.Fatal(err)
	}
	units := write("units/"+unit, dist, 0o644)
	dropIn := write("units/"+unit+".d/"+wizard.PasvRefreshDropIn, mustFile(t, files, pasvRefreshDropInFile(unit)), 0o644)
	svc := write("units/"+wizard.PasvRefreshService, mustFile(t, files, pasvRefreshServiceFile), 0o644)
	timer := write("units/"+wizard.PasvRefreshTimer, mustFile(t, files, pasvRefreshTimerFile), 0o644)
	verify := func() string {
		t.Helper()
		out, _ := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c",
			`mount --bind "$1" /usr/local/sbin && shift && exec systemd-analyze verify "$@" 2>&1`, "sh",
			filepath.Dir(sc), timer, svc, units).CombinedOutput()
		return strings.TrimSpace(string(out))
	}
	if out := verify(); out != "" {
		t.Errorf("systemd-analyze verify complains:\n%s", out)
	}
	b, _ := os.ReadFile(dropIn)
	write("units/"+unit+".d/"+wizard.PasvRefreshDropIn, []byte(strings.Replace(string(b), "ExecStartPre=-/", "ExecStartPre=-", 1)), 0o644)
	if out := verify(); !strings.Contains(out, wizard.PasvRefreshDropIn) {
		t.Errorf("control: a relative ExecStartPre passes systemd-analyze verify: %q", out)
	}
}
