package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/detect"
	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

func classicPlan(t *testing.T, edit func(*wizard.Answers)) *wizard.Plan {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(scenariosDir, "classic", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := wizard.DecodeAnswers(data)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&a)
	}
	p, err := wizard.Decide(a)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLocalFirewallNotes(t *testing.T) {
	shared := func(a *wizard.Answers) { a.Server.HostFirewall.Use = wizard.BoxShared }
	serverHost := []detect.Interface{detect.Iface("lo", true, "127.0.0.1/8"), detect.Iface("eth0", true, "10.20.0.2/24")}
	router := []detect.Interface{detect.Iface("wan0", true, "198.51.100.10/24"), detect.Iface("lan0", true, "10.20.0.1/24")}
	elsewhere := []detect.Interface{detect.Iface("eth0", true, "192.168.1.5/24")}
	debian := detect.ParseNftConf([]byte("table inet filter {\n chain input {\n type filter hook input priority filter;\n }\n"+
		" chain forward {\n type filter hook forward priority filter;\n }\n}\n"), "nft list chains")
	own := detect.ParseNftConf([]byte("table inet fw {\n chain in_filter {\n type filter hook input priority 0; policy drop;\n }\n}\n"),
		"nft list chains")
	tests := []struct {
		name   string
		edit   func(*wizard.Answers)
		ifaces []detect.Interface
		nft    detect.NftRuleset
		want   []string // substrings of the one note; nil: no note
	}{
		{"shared host, chain there", shared, serverHost, detect.NftRuleset{LiveRead: true, Live: debian},
			[]string{"this machine is the server-host (10.20.0.2 is one of its addresses)", "chain input of table inet filter, which its live ruleset has (hook input, policy -)"}},
		{"shared host, another table", shared, serverHost, detect.NftRuleset{LiveRead: true, Live: own},
			[]string{"does not have; on hook input it has chain in_filter of table inet fw", `set server.host_firewall: {nft_table: "inet fw", nft_chain: in_filter}`}},
		{"shared host, declared but not loaded", shared, serverHost, detect.NftRuleset{LiveRead: true, Conf: debian},
			[]string{"/etc/nftables.conf declares but the live ruleset does not have", "systemctl enable --now nftables"}},
		{"shared host, not root", shared, serverHost, detect.NftRuleset{Conf: own},
			[]string{"/etc/nftables.conf (the live ruleset needs root to read) does not have", `nft_table: "inet fw"`}},
		{"shared host, no firewall at all", shared, serverHost, detect.NftRuleset{LiveRead: true},
			[]string{"has no chain on hook input", "server.host_firewall.use: dedicated"}},
		{"dedicated host (the default)", nil, serverHost, detect.NftRuleset{LiveRead: true, Live: own}, nil},
		{"another machine", shared, elsewhere, detect.NftRuleset{LiveRead: true, Live: own}, nil},
		{"the server's router (shared by default)", nil, router, detect.NftRuleset{LiveRead: true, Live: own},
			[]string{"this machine is the server-router (it has 198.51.100.10 on wan0 and the interface lan0)", "has no chain on hook forward"}},
		{"nftables not among the formats", func(a *wizard.Answers) { shared(a); a.Firewalls = []wizard.Firewall{"iptables"} },
			serverHost, detect.NftRuleset{LiveRead: true, Live: own}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := classicPlan(t, tt.edit)
			if p.Server.PublicIsIP == false && len(tt.want) > 0 && strings.Contains(tt.name, "router") {
				p.Server.PublicAddress = "198.51.100.10" // the lab's router address; classic dials a name
			}
			notes := localFirewallNotes(context.Background(), p, detect.Static{Ifaces: tt.ifaces, Nft: tt.nft})
			if tt.want == nil {
				if len(notes) != 0 {
					t.Errorf("unexpected notes: %q", notes)
				}
				return
			}
			if len(notes) != 1 {
				t.Fatalf("want one note, got %q", notes)
			}
			for _, w := range tt.want {
				if !strings.Contains(notes[0], w) {
					t.Errorf("note %q\nlacks %q", notes[0], w)
				}
			}
		})
	}
}

// TestGeneratePrintsLocalFirewallNote runs generate in-process on a
// machine that is the shared server host with its own nftables table.
func TestGeneratePrintsLocalFirewallNote(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(scenariosDir, "classic", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ans := strings.Replace(string(data), "  host_address: 10.20.0.2\n", "  host_address: 10.20.0.2\n  host_firewall: {use: shared}\n", 1)
	if ans == string(data) {
		t.Fatal("classic answers changed: host_address line not found")
	}
	path := filepath.Join(dir, "answers.yaml")
	if err := os.WriteFile(path, []byte(ans), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	opts := &rootOptions{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Now: fixedNow,
		Getenv: func(string) string { return "" }, IsTerminal: func() bool { return false }, Version: "v1.2.3-test"}
	opts.Detector = detect.Static{
		Ifaces: []detect.Interface{detect.Iface("eth0", true, "10.20.0.2/24")},
		Nft:    detect.NftRuleset{LiveRead: true, Live: detect.ParseNftConf([]byte("table ip filter {\n chain INPUT {\n type filter hook input priority 0; policy accept;\n }\n}\n"), "nft list chains")},
	}
	if code := run(context.Background(), []string{"generate", "--answers", path, "--out", filepath.Join(dir, "out")}, opts); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if want := `set server.host_firewall: {nft_table: "ip filter", nft_chain: INPUT}`; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
	}
}

// TestLocalFirewallNoteOnTheBox runs the real binary, as root, inside a
// namespace of the test's own that has the server host's address and an
// office firewall of its own (table inet office): generate reads the live
// ruleset with the real nft and names that table; with the answers saying
// it, it confirms the join instead (the control).
func TestLocalFirewallNoteOnTheBox(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and uses a network namespace; skipped with -short")
	}
	lab.Require(t, "nft", "ip")
	dir := t.TempDir()
	bin := buildFTPSwiz(t, dir)
	ns := lab.NewNamespace(t)
	ns.MustRun("ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	ns.MustRun("ip", "addr", "add", "10.20.0.2/24", "dev", "v0")
	ns.MustRun("ip", "link", "set", "v0", "up")
	ns.MustRun("ip", "link", "set", "v1", "up")
	ns.MustNFT("table inet office {\n\tchain in_filter {\n\t\ttype filter hook input priority 0; policy drop;\n\t\ttcp dport 22 accept\n\t}\n}\n")
	data, err := os.ReadFile(filepath.Join(scenariosDir, "classic", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		box, want string
	}{
		{"{use: shared}", `on hook input it has chain in_filter of table inet office: set server.host_firewall: {nft_table: "inet office", nft_chain: in_filter}`},
		{`{use: shared, nft_table: "inet office", nft_chain: in_filter}`, "the nftables rules join chain in_filter of table inet office, which its live ruleset has (hook input, policy drop)"},
	} {
		ans := strings.Replace(string(data), "  host_address: 10.20.0.2\n", "  host_address: 10.20.0.2\n  host_firewall: "+tt.box+"\n", 1)
		path := filepath.Join(dir, "answers.yaml")
		if err := os.WriteFile(path, []byte(ans), 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		out, err := ns.Command(ctx, bin, "generate", "--answers", path, "--stdout").CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if !strings.Contains(string(out), "ftpswiz: this machine is the server-host (10.20.0.2 is one of its addresses): ") ||
			!strings.Contains(string(out), tt.want) {
			t.Errorf("host_firewall %s: the output lacks %q:\n%.600s", tt.box, tt.want, out)
		}
	}
}
