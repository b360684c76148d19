package fleet

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func decideFile(t *testing.T, path string) *Plan {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fa, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Decide(fa)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDecideClassicFleet(t *testing.T) {
	p := decideFile(t, "../testdata/fleet/classic/answers.yaml")
	if len(p.Servers) != 2 || len(p.Routers) != 1 || len(p.Sites) != 1 {
		t.Fatalf("servers %d routers %d sites %d", len(p.Servers), len(p.Routers), len(p.Sites))
	}
	a, b := p.Servers[0].Plan.Server, p.Servers[1].Plan.Server
	if a.Instances[0].Port != 21 || b.Instances[0].Port != 2121 {
		t.Errorf("control ports %d, %d; want 21, 2121", a.Instances[0].Port, b.Instances[0].Port)
	}
	if a.Passive.First != 50000 || b.Passive.First != a.Passive.Last+1 {
		t.Errorf("passive ranges %s, %s: the second must follow the first", a.Passive, b.Passive)
	}
	if b.Passive.Count() <= a.Passive.Count() {
		t.Errorf("ftp-b plans 40 transfers, ftp-a 16, yet ranges %s (%d) and %s (%d)", a.Passive, a.Passive.Count(), b.Passive, b.Passive.Count())
	}
	if len(p.Servers[0].Builds) != 3 {
		t.Errorf("flavour auto: want a plan per build, got %d", len(p.Servers[0].Builds))
	}
	site := p.Sites[0]
	if len(site.Clients) != 2 || site.Clients[1].Plan.Service.Passive != b.Passive ||
		site.Clients[1].Plan.Service.Endpoints[0].Port != 2121 {
		t.Errorf("site clients %+v", site.Clients)
	}
}

func TestDecideFleetErrors(t *testing.T) {
	base, err := os.ReadFile("../testdata/fleet/classic/answers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new, want string
	}{
		{"explicit overlap", "        host_address: 10.20.0.3\n", "        host_address: 10.20.0.3\n        passive_start: 50010\n", "overlaps"},
		{"same control port", "      server:\n        host_address: 10.20.0.3\n", "      ftps:\n        explicit_port: 21\n      server:\n        host_address: 10.20.0.3\n", "ftps.explicit_port 21 overlaps control port 21 of ftp-a"},
		{"unknown key in server answers", "        host_address: 10.20.0.3\n", "        host_address: 10.20.0.3\n        hostaddress: x\n", "hostaddress"},
		{"duplicate name", "  - name: ftp-b\n", "  - name: ftp-a\n", "also the name"},
		{"bad name", "  - name: ftp-b\n", "  - name: FTP_B\n", "not an inventory name"},
		{"bad server field", "        host_address: 10.20.0.3\n", "        host_address: 10.20.0.300\n", "host_address"},
		{"unknown site server", "  - name: customer-1\n", "  - name: customer-1\n    servers: [nope]\n", "not the name of a server"},
		{"router without interfaces", "    router: office-gw\n    answers:\n      server:\n        host_address: 10.20.0.2\n",
			"    answers:\n      server:\n        host_address: 10.20.0.2\n", "name it in the fleet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := string(base)
			if !strings.Contains(s, tt.old) {
				t.Fatalf("fixture lacks %q", tt.old)
			}
			s = strings.Replace(s, tt.old, tt.new, 1)
			fa, err := Decode([]byte(s))
			if err == nil {
				_, err = Decide(fa)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestIsFleet(t *testing.T) {
	for in, want := range map[string]bool{"version: 1\nservers: []\n": true, "version: 1\nrole: server\n": false, "- a\n": false, "": false} {
		if got := IsFleet([]byte(in)); got != want {
			t.Errorf("IsFleet(%q) = %v", in, got)
		}
	}
}

// TestDecodeHostile: names become paths and inventory names, so anything but
// a plain name is refused by field; aliases and oversized files are bounded.
func TestDecodeHostile(t *testing.T) {
	base := "version: 1\ndefaults: {role: server}\nservers:\n  - name: %s\n"
	tests := []struct{ name, in, want string }{
		{"path traversal", fmt.Sprintf(base, "../../etc"), "servers[0].name"},
		{"slash", fmt.Sprintf(base, "a/b"), "servers[0].name"},
		{"shell", fmt.Sprintf(base, "'$(reboot)'"), "servers[0].name"},
		{"jinja", fmt.Sprintf(base, "'{{ lookup(\"pipe\", \"id\") }}'"), "servers[0].name"},
		{"router name", "version: 1\nservers:\n  - name: a\n    router: '../x'\n", "servers[0].router"},
		{"ansible_host", "version: 1\nservers:\n  - name: a\n    ansible_host: 'a b'\n", "servers[0].ansible_host"},
		{"unknown key", "version: 1\nservers:\n  - name: a\n    nmae: b\n", "nmae"},
		{"no servers", "version: 1\nservers: []\n", "servers: is empty"},
		{"too big", "version: 1\nservers: []\n#" + strings.Repeat("x", 2<<20) + "\n", "more than"},
		{"serial", "version: 1\nfleet: {serial: -1}\nservers:\n  - name: a\n", "fleet.serial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	// Merged answers are decoded as an answers file: an alias bomb in the
	// defaults is refused there, not expanded.
	bomb := "version: 1\ndefaults:\n  role: server\n  firewalls: &a [nftables, *a]\nservers:\n  - name: a\n"
	fa, err := Decode([]byte(bomb))
	if err == nil {
		_, err = Decide(fa)
	}
	if err == nil {
		t.Fatal("a recursive alias in the defaults was accepted")
	}
}
