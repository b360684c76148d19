package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/schema"
)

func TestGenerateFleet(t *testing.T) {
	fleetFile, err := filepath.Abs("../../testdata/fleet/classic/answers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(fleetFile)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	writeFile(t, bad, strings.Replace(string(data), "host_address: 10.20.0.3", "host_address: 10.20.0.300", 1))
	tests := []struct {
		name   string
		args   []string
		code   int
		files  []string
		stderr string
	}{
		{name: "writes the fleet", args: []string{"--answers", fleetFile}, code: codeOK,
			files: []string{"REPORT.md", "fleet.yaml", "ansible/site.yml", "ansible/inventory.yml", "servers/ftp-b/server/vsftpd.conf",
				"servers/ftp-a/builds/rhel/server/vsftpd.conf", "routers/office-gw/firewall/server-router.nft",
				"sites/customer-1/ftp-b/client/lftp.rc"}, stderr: "ansible-playbook site.yml --check --diff"},
		{name: "bad server answers", args: []string{"--answers", bad}, code: codeUsage, stderr: "servers[1] (ftp-b)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			res := runFTPSwiz(t, "", append([]string{"generate", "--out", out}, tt.args...)...)
			if res.code != tt.code || !strings.Contains(res.stderr, tt.stderr) {
				t.Fatalf("exit %d (want %d), stderr lacks %q:\n%s", res.code, tt.code, tt.stderr, res.stderr)
			}
			for _, f := range tt.files {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("%s not written: %v", f, err)
				}
			}
			if tt.code != codeOK {
				if _, err := os.Stat(out); err == nil {
					t.Errorf("a refused fleet wrote %s", out)
				}
			}
		})
	}
	// A second run changes nothing.
	out := filepath.Join(t.TempDir(), "out")
	for i := 0; i < 2; i++ {
		if res := runFTPSwiz(t, "", "generate", "--answers", fleetFile, "--out", out); res.code != codeOK {
			t.Fatalf("run %d: exit %d\n%s", i+1, res.code, res.stderr)
		}
	}
	if res := runFTPSwiz(t, "", "generate", "--answers", fleetFile, "--out", out, "--diff"); res.code != codeOK {
		t.Fatalf("--diff after two runs: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestFleetModeline: the fleet.yaml generate writes names the fleet schema
// in its first line (after a byte-order mark) unless the file names a
// schema itself; the rest is the fleet file byte for byte.
func TestFleetModeline(t *testing.T) {
	ml := schema.FleetModeline + "\n"
	own := "# yaml-language-server: $schema=/usr/share/ftpswiz/fleet.schema.json\n"
	tests := []struct{ name, in, want string }{
		{"none", "version: 1\nservers: []\n", ml + "version: 1\nservers: []\n"},
		{"comment first", "# my fleet\nversion: 1\n", ml + "# my fleet\nversion: 1\n"},
		{"own modeline", own + "version: 1\n", own + "version: 1\n"},
		{"own modeline later", "# my fleet\n" + own + "version: 1\n", "# my fleet\n" + own + "version: 1\n"},
		{"byte-order mark", "\xef\xbb\xbfversion: 1\n", "\xef\xbb\xbf" + ml + "version: 1\n"},
		{"empty", "", ml},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(withFleetModeline([]byte(tt.in))); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}

	// The written fleet.yaml regenerates the same outputs, itself included.
	fleetFile, err := filepath.Abs("../../testdata/fleet/classic/answers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if r := runFTPSwiz(t, "", "generate", "--answers", fleetFile, "--out", out); r.code != codeOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	written := readFile(t, filepath.Join(out, "fleet.yaml"))
	if first, _, _ := strings.Cut(written, "\n"); first != schema.FleetModeline {
		t.Errorf("fleet.yaml starts with %q", first)
	}
	copyPath := filepath.Join(t.TempDir(), "fleet.yaml")
	writeFile(t, copyPath, written)
	if r := runFTPSwiz(t, "", "generate", "--answers", copyPath, "--out", out, "--diff"); r.code != codeOK {
		t.Errorf("generate from the written fleet.yaml would change files: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
