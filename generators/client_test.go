package generators

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// clientFilePaths maps each client software to the file it writes and the
// file's mode.
var clientFilePaths = map[wizard.ClientSoftware]struct {
	Path string
	Mode fs.FileMode
}{
	wizard.ClientLFTP:      {"client/lftp.rc", 0o644},
	wizard.ClientCurl:      {"client/curl.sh", 0o755},
	wizard.ClientFileZilla: {"client/filezilla-sitemanager.xml", 0o644},
	wizard.ClientWinSCP:    {"client/winscp.txt", 0o644},
	wizard.ClientRclone:    {"client/rclone.conf", 0o600},
	wizard.ClientPython:    {"client/ftps_client.py", 0o755},
}

// clientTestCase is one plan the renderer tests run on.
type clientTestCase struct {
	name string
	plan func(t *testing.T) *wizard.Plan
}

// clientTestPlanFile decodes testdata/clients/NAME.yaml and runs Decide.
func clientTestPlanFile(name string) func(t *testing.T) *wizard.Plan {
	return func(t *testing.T) *wizard.Plan {
		t.Helper()
		return decideFile(t, filepath.Join("..", "testdata", "clients", name+".yaml"), nil)
	}
}

// clientHandPlan is a plan built by hand, without any decision: the files
// must then carry no "Why (...)" text at all.
func clientHandPlan(host string, endpoints ...wizard.Endpoint) func(t *testing.T) *wizard.Plan {
	return func(*testing.T) *wizard.Plan {
		p := &wizard.Plan{
			Answers: wizard.Answers{Role: wizard.RoleClient},
			Client: &wizard.ClientPlan{
				ServerAddress:   host,
				ServerIsIP:      isIPv4Text(host),
				Endpoints:       endpoints,
				Passive:         wizard.PortRange{First: 40000, Last: 40049},
				Software:        wizard.ClientSoftwares(),
				User:            "carol",
				RequireSSLReuse: true,
			},
		}
		p.Complete()
		return p
	}
}

func isIPv4Text(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

var clientTestCases = []clientTestCase{
	{"role both, both endpoints, IP", clientTestPlanFile("both-ip")},
	{"role client, explicit only, DNS", clientTestPlanFile("client-dns-explicit")},
	{"role both, implicit only, DNS, modern TLS, active mode, no session reuse", clientTestPlanFile("both-implicit-modern-active")},
	{"role client, both endpoints, 127.0.0.1", clientTestPlanFile("lab-client")},
	{"hand plan without decisions, both endpoints, DNS", clientHandPlan("files.example.org",
		wizard.Endpoint{Port: 2121}, wizard.Endpoint{Implicit: true, Port: 9990})},
	{"hand plan without decisions, implicit only, IP", clientHandPlan("203.0.113.9",
		wizard.Endpoint{Implicit: true, Port: 990})},
}

// clientRendered renders the plan with the client renderers and indexes the
// files by path.
func clientRendered(t *testing.T, p *wizard.Plan) map[string]File {
	t.Helper()
	files, err := RenderWith(clientRenderers(), p)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]File{}
	for _, f := range files {
		out[f.Path] = f
	}
	return out
}

// clientWords flattens text for "does the file carry this reason"
// comparisons: comment markers and line breaks do not matter.
func clientWords(s string) string {
	s = strings.NewReplacer("#", " ", "- -", "--").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// clientTool requires tool (lab.Require: a failure in CI, a skip
// elsewhere) and returns its path.
func clientTool(t *testing.T, tool string) string {
	t.Helper()
	lab.Require(t, tool)
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// clientCmd is exec.Command bounded by a timeout: no tool may hang a test.
func clientCmd(t *testing.T, name string, args ...string) *exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// clientWriteTemp writes content to a fresh file named name.
func clientWriteTemp(t *testing.T, name string, content []byte, mode fs.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestClientRenderersFileSet(t *testing.T) {
	for _, tc := range clientTestCases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plan(t)
			files := clientRendered(t, p)
			if len(files) != len(p.Client.Software) {
				t.Errorf("%d files for %d client programs", len(files), len(p.Client.Software))
			}
			for _, sw := range p.Client.Software {
				want := clientFilePaths[sw]
				f, ok := files[want.Path]
				if !ok {
					t.Errorf("%s: no %s", sw, want.Path)
					continue
				}
				if f.Mode != want.Mode {
					t.Errorf("%s: mode %o, want %o", f.Path, f.Mode, want.Mode)
				}
				if !strings.HasSuffix(string(f.Content), "\n") || strings.HasSuffix(string(f.Content), "\n\n") {
					t.Errorf("%s: must end with exactly one newline", f.Path)
				}
				if !strings.Contains(string(f.Content), RegenerateCommand) {
					t.Errorf("%s: no regenerate command in the header", f.Path)
				}
			}
		})
	}
}

func TestClientRenderersApply(t *testing.T) {
	p := clientTestPlanFile("both-ip")(t)
	p.Client.Software = []wizard.ClientSoftware{wizard.ClientCurl}
	files := clientRendered(t, p)
	if len(files) != 1 || files["client/curl.sh"].Path == "" {
		t.Errorf("software [curl]: got %v", slices.Collect(mapsKeys(files)))
	}
	p.Client = nil // role server
	if files := clientRendered(t, p); len(files) != 0 {
		t.Errorf("plan without client part: got %d client files", len(files))
	}
	names := map[string]bool{}
	for _, r := range clientRenderers() {
		if names[r.Name] {
			t.Errorf("renderer name %s twice", r.Name)
		}
		names[r.Name] = true
	}
	if len(names) != len(wizard.ClientSoftwares()) {
		t.Errorf("%d client renderers for %d client programs", len(names), len(wizard.ClientSoftwares()))
	}
}

func mapsKeys(m map[string]File) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestClientViewErrors(t *testing.T) {
	base := func() *wizard.Plan {
		return clientHandPlan("ftp.example.com", wizard.Endpoint{Port: 21})(t)
	}
	cases := []struct {
		name   string
		change func(p *wizard.Plan)
		want   string
	}{
		{"no client part", func(p *wizard.Plan) { p.Client = nil }, "no client part"},
		{"IPv6 server", func(p *wizard.Plan) { p.Client.ServerAddress = "2001:db8::1" }, "only IPv4"},
		{"not a host name", func(p *wizard.Plan) { p.Client.ServerAddress = "ftp example;com" }, "neither"},
		{"user with a quote", func(p *wizard.Plan) { p.Client.User = `bob"; rm -rf /` }, "user name"},
		{"no endpoint", func(p *wizard.Plan) { p.Client.Endpoints = nil }, "no server endpoint"},
		{"two explicit endpoints", func(p *wizard.Plan) {
			p.Client.Endpoints = []wizard.Endpoint{{Port: 21}, {Port: 2121}}
		}, "two explicit"},
		{"port out of range", func(p *wizard.Plan) { p.Client.Endpoints = []wizard.Endpoint{{Port: 70000}} }, "out of range"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.change(p)
			for _, r := range clientRenderers() {
				_, err := r.Render(p)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: error %v, want one containing %q", r.Name, err, tc.want)
				}
			}
		})
	}
}

// TestClientReasons checks that every file quotes the plan's Why texts for
// the decisions it depends on, and none when the plan has no decisions.
func TestClientReasons(t *testing.T) {
	for _, tc := range clientTestCases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plan(t)
			files := clientRendered(t, p)
			for path, f := range files {
				text := clientWords(string(f.Content))
				if len(p.Decisions) == 0 {
					if strings.Contains(text, "Why (") {
						t.Errorf("%s: quotes a reason the plan does not have", path)
					}
					continue
				}
				keys := []string{clientKeyMode, clientKeyPassive, clientKeyServer, clientKeyActive}
				if p.Client.RequireSSLReuse {
					keys = append(keys, clientKeySSLReuse)
				}
				for _, key := range keys {
					d, ok := p.Decision(key)
					if !ok {
						continue
					}
					if key == clientKeyServer {
						if _, hasRange := p.Decision(clientKeyPassive); hasRange {
							continue
						}
					}
					if key == clientKeyActive && path == "client/rclone.conf" {
						continue // rclone has no active mode to choose
					}
					if !strings.Contains(text, clientWords(d.Why)) {
						t.Errorf("%s: does not quote the Why of %s", path, key)
					}
				}
			}
		})
	}
}

// TestClientCertificateNotes checks the IP-address note on certificates
// appears exactly when the server is reached by IP address.
func TestClientCertificateNotes(t *testing.T) {
	for _, tc := range clientTestCases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plan(t)
			v, err := newClientView(p, "")
			if err != nil {
				t.Fatal(err)
			}
			for path, f := range clientRendered(t, p) {
				if path == "client/winscp.txt" {
					continue // WinSCP pins by fingerprint; no name check to explain
				}
				got := strings.Contains(clientWords(string(f.Content)), "IP subjectAltName")
				if got != v.HostIsIP {
					t.Errorf("%s: IP subjectAltName note %v, server address %s", path, got, v.Host)
				}
				for _, line := range strings.Split(string(f.Content), "\n") {
					if strings.HasPrefix(strings.TrimSpace(line), "#") {
						continue
					}
					off := strings.Contains(line, "verify-certificate") && strings.HasSuffix(line, " no")
					for _, bad := range []string{"--insecure", "no_check_certificate = true", "CERT_NONE",
						"check_hostname = False", `-certificate="*"`} {
						off = off || strings.Contains(line, bad)
					}
					if off {
						t.Errorf("%s: switches verification off: %q", path, line)
					}
				}
			}
		})
	}
}

func TestClientLFTP(t *testing.T) {
	lftp := clientTool(t, "lftp")
	for _, tc := range clientTestCases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plan(t)
			c := p.Client
			rc := clientRendered(t, p)["client/lftp.rc"]
			settings := map[string]string{}
			aliases := map[string]string{}
			for _, line := range strings.Split(string(rc.Content), "\n") {
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				f := strings.Fields(line)
				switch f[0] {
				case "set":
					name, closure, ok := strings.Cut(f[1], "/")
					// ssl:ca-file is the one global setting: lftp reads it
					// without a host closure (the pinned certificate; the
					// file says so and its usage lines run lftp -c with it).
					if (!ok || closure != c.ServerAddress) && !(name == "ssl:ca-file" && !ok && p.Service.Pin != nil) {
						t.Errorf("setting not scoped to the server: %q", line)
					}
					settings[name] = f[2]
				case "alias":
					aliases[f[1]] = strings.Trim(strings.Join(f[2:], " "), `"`)
				default:
					t.Errorf("unexpected command: %q", line)
				}
			}
			want := map[string]string{
				"ftp:ssl-force": "yes", "ftp:ssl-protect-data": "yes", "ftp:ssl-protect-list": "yes",
				"ssl:verify-certificate": "yes", "ssl:check-hostname": "yes", "ftp:passive-mode": "on",
				"ftp:fix-pasv-address": "on", "net:timeout": "30", "net:max-retries": "3",
			}
			for k, v := range want {
				if settings[k] != v {
					t.Errorf("%s = %q, want %q", k, settings[k], v)
				}
			}
			if len(aliases) != len(c.Endpoints) {
				t.Errorf("%d bookmarks for %d endpoints", len(aliases), len(c.Endpoints))
			}
			for _, e := range c.Endpoints {
				wantOpen := fmt.Sprintf("open -u %s %s://%s:%d", c.User, e.Scheme(), c.ServerAddress, e.Port)
				if got := aliases["ftps-"+e.Name()]; got != wantOpen {
					t.Errorf("bookmark ftps-%s = %q, want %q", e.Name(), got, wantOpen)
				}
			}
			// lftp itself reads the file (no network: set and alias are
			// local): an unknown setting name would be reported.
			path := clientWriteTemp(t, "lftp.rc", rc.Content, 0o644)
			cmd := clientCmd(t, lftp, "-c", "source "+path+"; set; alias")
			cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
			out, err := cmd.CombinedOutput()
			if err != nil || strings.Contains(string(out), "Unknown") || strings.Contains(string(out), "rror") {
				t.Fatalf("lftp rejects the file: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "set ftp:ssl-force/"+c.ServerAddress+" yes") {
				t.Errorf("lftp did not take ftp:ssl-force:\n%s", out)
			}
			for _, e := range c.Endpoints {
				if !strings.Contains(string(out), "ftps-"+e.Name()) {
					t.Errorf("lftp does not list the bookmark ftps-%s:\n%s", e.Name(), out)
				}
			}
		})
	}
}

func TestClientCurl(t *testing.T) {
	bash := clientTool(t, "bash")
	for _, tc := range clientTestCases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plan(t)
			c := p.Client
			f := clientRendered(t, p)["client/curl.sh"]
			path := clientWriteTemp(t, "curl.sh", f.Content, 0o755)
			if out, err := clientCmd(t, bash, "-n", path).CombinedOutput(); err != nil {
				t.Fatalf("bash -n: %v\n%s", err, out)
			}
			text := string(f.Content)
			for _, e := range c.Endpoints {
				want := fmt.Sprintf(`base="%s://${host}:%d"`, e.Scheme(), e.Port)
				if !strings.Contains(text, want) {
					t.Errorf("no %s", want)
				}
			}
			for _, opt := range []string{"--ssl-reqd", "--ftp-pasv", "--connect-timeout 20", "--speed-limit 1 --speed-time 60"} {
				if !strings.Contains(text, "\t"+opt) {
					t.Errorf("option %s missing", opt)
				}
			}
			if !strings.Contains(text, "host="+c.ServerAddress+"\n") {
				t.Errorf("host is not %s", c.ServerAddress)
			}
			// Without network, the script's own argument handling runs:
			// usage without an action, and a clear error for an endpoint the
			// server does not have.
			env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
			run := func(args ...string) (string, int) {
				cmd := clientCmd(t, bash, append([]string{path}, args...)...)
				cmd.Env = env
				out, err := cmd.CombinedOutput()
				code := 0
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				} else if err != nil {
					t.Fatal(err)
				}
				return string(out), code
			}
			if out, code := run(); code != 2 || !strings.Contains(out, "usage:") {
				t.Errorf("no arguments: exit %d, %q", code, out)
			}
			if len(c.Endpoints) == 1 {
				other := "implicit"
				if c.Endpoints[0].Implicit {
					other = "explicit"
				}
				if out, code := run(other, "list"); code != 2 || !strings.Contains(out, "no "+other) {
					t.Errorf("%s on a server without it: exit %d, %q", other, code, out)
				}
			}
		})
	}
}

// fzTestFile is FileZilla's sitemanager.xml as FileZilla reads it.
type fzTestFile struct {
	XMLName xml.Name `xml:"FileZilla3"`
	Servers []struct {
		Host      string  `xml:"Host"`
		Port      int     `xml:"Port"`
		Protocol  int     `xml:"Protocol"`
		Type      int     `xml:"Type"`
		User      string  `xml:"User"`
		Pass      *string `xml:"Pass"`
		Logontype int     `xml:"Logontype"`
		PasvMode  string  `xml:"PasvMode"`
		Name      string  `xml:"Name"`
	} `xml:"Servers>Server"`
}

func TestClientFileZilla(t *testing.T) {
	xmllint := clientTool(t, "xmllint")
	for _, tc := range clientTestCases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plan(t)
			c := p.Client
			f := clientRendered(t, p)["client/filezilla-sitemanager.xml"]
			path := clientWriteTemp(t, "sitemanager.xml", f.Content, 0o644)
			if out, err := clientCmd(t, xmllint, "--noout", path).CombinedOutput(); err != nil {
				t.Fatalf("xmllint --noout: %v\n%s", err, out)
			}
			var doc fzTestFile
			if err := xml.Unmarshal(f.Content, &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Servers) != len(c.Endpoints) {
				t.Fatalf("%d sites for %d endpoints", len(doc.Servers), len(c.Endpoints))
			}
			names := map[string]bool{}
			for i, e := range c.Endpoints {
				s := doc.Servers[i]
				wantProto := 4
				if e.Implicit {
					wantProto = 3
				}
				if s.Host != c.ServerAddress || s.Port != e.Port || s.Protocol != wantProto || s.Type != 0 ||
					s.User != c.User || s.Logontype != 2 || s.PasvMode != "MODE_PASSIVE" || s.Pass != nil {
					t.Errorf("site %d (%s): %+v", i, e.Name(), s)
				}
				if s.Name == "" || names[s.Name] {
					t.Errorf("site %d: name %q empty or not unique", i, s.Name)
				}
				names[s.Name] = true
			}
		})
	}
}

// clientWinSCPCommands are the WinSCP script commands the generated script
// may use, with the switches open may carry.
var (
	clientWinSCPCommands = map[string]bool{"option": true, "open": true, "ls": true, "get": true, "put": true, "cd": true, "close": true, "exit": true}
	clientWinSCPOpen     = map[string]bool{"-passive": true, "-timeout": true, "-passwordsfromfiles": true, "-password": true, "-certificate": true}
)

// clientWinSCPWords splits a WinSCP script line into words, honouring
// double quotes; it fails on an unbalanced quote.
func clientWinSCPWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inQuote, has := false, false
	for _, r := range line {
		switch {
		case r == '"':
			inQuote = !inQuote
			has = true
		case r == ' ' && !inQuote:
			if has {
				words = append(words, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if inQuote {
		return nil, fmt.Errorf("unbalanced quote in %q", line)
	}
	if has {
		words = append(words, cur.String())
	}
	return words, nil
}

func TestClientWinSCP(t *testing.T) {
	for _, tc := range clientTestCases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plan(t)
			c := p.Client
			f := clientRendered(t, p)["client/winscp.txt"]
			var opens, commented []string
			var last string
			for _, line := range strings.Split(string(f.Content), "\n") {
				if strings.HasPrefix(line, "# open ") {
					commented = append(commented, strings.TrimPrefix(line, "# "))
					continue
				}
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				if line != strings.TrimSpace(line) {
					t.Errorf("leading or trailing space: %q", line)
				}
				words, err := clientWinSCPWords(line)
				if err != nil {
					t.Error(err)
					continue
				}
				if !clientWinSCPCommands[words[0]] {
					t.Errorf("not a WinSCP command: %q", line)
				}
				if words[0] == "option" && !(len(words) == 3 && (words[1] == "batch" && words[2] == "abort" || words[1] == "confirm" && words[2] == "off")) {
					t.Errorf("unexpected option: %q", line)
				}
				if words[0] == "open" {
					opens = append(opens, line)
				}
				last = words[0]
			}
			if last != "exit" {
				t.Errorf("script does not end with exit (ends with %q)", last)
			}
			if len(opens) != 1 || len(commented) != len(c.Endpoints)-1 {
				t.Fatalf("want 1 active and %d commented open commands, got %q and %q", len(c.Endpoints)-1, opens, commented)
			}
			for i, line := range append(opens, commented...) {
				e := c.Endpoints[i]
				words, err := clientWinSCPWords(line)
				if err != nil {
					t.Fatal(err)
				}
				scheme := "ftpes"
				if e.Implicit {
					scheme = "ftps"
				}
				if want := fmt.Sprintf("%s://%s@%s:%d/", scheme, c.User, c.ServerAddress, e.Port); words[1] != want {
					t.Errorf("open %s: URL %q, want %q", e.Name(), words[1], want)
				}
				sw := map[string]string{}
				for _, w := range words[2:] {
					k, v, _ := strings.Cut(w, "=")
					if !clientWinSCPOpen[k] {
						t.Errorf("open: unknown switch %q", w)
					}
					sw[k] = v
				}
				if sw["-passive"] != "on" || sw["-password"] != "%1%" {
					t.Errorf("open %s: switches %v", e.Name(), sw)
				}
				if _, ok := sw["-passwordsfromfiles"]; !ok {
					t.Errorf("open %s: -password without -passwordsfromfiles would be the password itself", e.Name())
				}
			}
		})
	}
}

func TestClientRclone(t *testing.T) {
	python := clientPython(t)
	for _, tc := range clientTestCases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plan(t)
			c := p.Client
			f := clientRendered(t, p)["client/rclone.conf"]
			path := clientWriteTemp(t, "rclone.conf", f.Content, 0o600)
			// Python's configparser, strict: duplicate sections or keys and
			// lines outside any section are errors.
			out, err := clientCmd(t, python, "-c", `
import configparser, json, sys
c = configparser.ConfigParser(strict=True, interpolation=None)
c.read_file(open(sys.argv[1]))
print(json.dumps({s: dict(c[s]) for s in c.sections()}))
`, path).CombinedOutput()
			if err != nil {
				t.Fatalf("configparser: %v\n%s", err, out)
			}
			var remotes map[string]map[string]string
			if err := json.Unmarshal(out, &remotes); err != nil {
				t.Fatal(err)
			}
			if len(remotes) != len(c.Endpoints) {
				t.Errorf("%d remotes for %d endpoints", len(remotes), len(c.Endpoints))
			}
			tls13Only := p.Answers.Server != nil && p.Answers.Server.TLS.Profile == wizard.ProfileModern
			for _, e := range c.Endpoints {
				r := remotes["ftps-"+e.Name()]
				want := map[string]string{
					"type": "ftp", "host": c.ServerAddress, "port": strconv.Itoa(e.Port), "user": c.User,
					"ask_password": "true", "disable_epsv": "false",
				}
				if e.Implicit {
					want["tls"] = "true"
				} else {
					want["explicit_tls"] = "true"
				}
				switch {
				case c.RequireSSLReuse && !tls13Only:
					want["tls_cache_size"], want["disable_tls13"] = "32", "true"
				case c.RequireSSLReuse:
					want["tls_cache_size"] = "32"
				default:
					want["tls_cache_size"] = "0"
				}
				for k, v := range want {
					if r[k] != v {
						t.Errorf("[ftps-%s] %s = %q, want %q", e.Name(), k, r[k], v)
					}
				}
				if _, ok := r["pass"]; ok {
					t.Errorf("[ftps-%s] stores a password", e.Name())
				}
				if e.Implicit && r["explicit_tls"] != "" || !e.Implicit && r["tls"] != "" {
					t.Errorf("[ftps-%s] sets both tls and explicit_tls", e.Name())
				}
				if n, err := strconv.Atoi(r["concurrency"]); err != nil || n < 1 {
					t.Errorf("[ftps-%s] concurrency %q", e.Name(), r["concurrency"])
				}
			}
			// rclone itself, where installed, must read the remotes too.
			if rclone, err := exec.LookPath("rclone"); err == nil {
				cmd := clientCmd(t, rclone, "--config", path, "listremotes")
				cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("rclone listremotes: %v\n%s", err, out)
				}
				for _, e := range c.Endpoints {
					if !strings.Contains(string(out), "ftps-"+e.Name()+":") {
						t.Errorf("rclone does not list ftps-%s:\n%s", e.Name(), out)
					}
				}
			}
		})
	}
}

// clientPython returns the real Python 3 interpreter behind python3 (a
// version manager's shim costs half a second per call).
func clientPython(t *testing.T) string {
	t.Helper()
	out, err := clientCmd(t, clientTool(t, "python3"), "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func TestClientPython(t *testing.T) {
	python := clientPython(t)
	for _, tc := range clientTestCases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plan(t)
			c := p.Client
			f := clientRendered(t, p)["client/ftps_client.py"]
			path := clientWriteTemp(t, "ftps_client.py", f.Content, 0o755)
			// Compile it as py_compile does, import it, run its --help, and
			// report the constants the plan decides.
			out, err := clientCmd(t, python, "-c", `
import importlib.util, json, py_compile, sys
py_compile.compile(sys.argv[1], doraise=True)
spec = importlib.util.spec_from_file_location("ftps_client", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
try:
    m.main(["--help"])
except SystemExit as e:
    if e.code != 0:
        raise
print(json.dumps({"host": m.HOST, "user": m.USER, "default": m.DEFAULT_ENDPOINT,
                  "endpoints": m.ENDPOINTS, "upload": m.UPLOAD_DIR}))
`, path).CombinedOutput()
			if err != nil {
				t.Fatalf("python: %v\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if !strings.Contains(string(out), "usage:") {
				t.Errorf("--help printed no usage:\n%s", out)
			}
			var got struct {
				Host, User, Default, Upload string
				Endpoints                   map[string][2]any
			}
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if got.Host != c.ServerAddress || got.User != c.User || got.Default != c.Endpoints[0].Name() {
				t.Errorf("host/user/default = %q/%q/%q", got.Host, got.User, got.Default)
			}
			if len(got.Endpoints) != len(c.Endpoints) {
				t.Errorf("ENDPOINTS %v for %v", got.Endpoints, c.Endpoints)
			}
			for _, e := range c.Endpoints {
				ep, ok := got.Endpoints[e.Name()]
				if !ok || ep[0] != float64(e.Port) || ep[1] != e.Implicit {
					t.Errorf("ENDPOINTS[%s] = %v, want (%d, %v)", e.Name(), ep, e.Port, e.Implicit)
				}
			}
			if !strings.Contains(string(f.Content), "session=self.sock.session") {
				t.Error("data connections do not resume the control connection's TLS session")
			}
		})
	}
}
