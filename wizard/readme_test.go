package wizard

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEAnswersExample keeps the README's commented answers file in
// step with the schema: every key it documents decodes strictly, and the
// example (without its sftp: section, which belongs to protocol sftp) is a
// valid plan.
func TestREADMEAnswersExample(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeYAMLBlocks(t, string(data))
	if len(blocks) < 2 {
		t.Fatalf("README has %d yaml blocks, want the example and the schema reference", len(blocks))
	}
	// The first is the example: valid exactly as written.
	ex, err := DecodeAnswers([]byte(blocks[0]))
	if err != nil {
		t.Fatalf("README's example does not decode as written: %v", err)
	}
	if _, err := Decide(ex); err != nil {
		t.Fatalf("README's example is not a valid plan as written: %v", AnnotateLines([]byte(blocks[0]), err))
	}
	// The second is the schema reference, labelled as such: every key.
	block := blocks[1]
	if i := strings.Index(string(data), "```yaml\n"+block); i < 0 || !strings.Contains(string(data)[max(0, i-300):i], "Schema reference") {
		t.Error("the README's second yaml block is not labelled as the schema reference")
	}
	var ftps []string
	inSFTP := false
	for _, line := range strings.Split(block, "\n") {
		if line != "" && line[0] != ' ' && line[0] != '#' {
			inSFTP = strings.HasPrefix(line, "sftp:")
		}
		if !inSFTP {
			ftps = append(ftps, line)
		}
	}
	doc := strings.Join(ftps, "\n")
	// role both plans server_address and passive_ports itself; the README
	// documents them for role client.
	doc = strings.NewReplacer(
		"  server_address: ftp.example.com", "",
		"  passive_ports: 50000-50074", "",
		"  server_ipv6_address: 2001:db8:20::2", "",
	).Replace(doc)
	a, err := DecodeAnswers([]byte(doc))
	if err != nil {
		t.Fatalf("README example does not decode: %v\n%s", err, doc)
	}
	if _, err := Decide(a); err != nil {
		t.Fatalf("README example is not a valid plan: %v", AnnotateLines([]byte(doc), err))
	}
}

// readmeYAMLBlocks returns the contents of the README's ```yaml blocks.
func readmeYAMLBlocks(t *testing.T, doc string) []string {
	t.Helper()
	var out []string
	for {
		_, rest, ok := strings.Cut(doc, "```yaml\n")
		if !ok {
			return out
		}
		block, after, ok := strings.Cut(rest, "```")
		if !ok {
			t.Fatal("a yaml block in the README is not closed")
		}
		out = append(out, block)
		doc = after
	}
}

// TestREADMEBoxDefaults: the schema reference's host_firewall lines name
// the defaults DefaultBoxUse applies (the client host's said dedicated while
// the code, the decisions and REPORT.md say shared).
func TestREADMEBoxDefaults(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeYAMLBlocks(t, string(data))
	if len(blocks) < 2 {
		t.Fatalf("README has %d yaml blocks", len(blocks))
	}
	section := ""
	found := map[Side]bool{}
	for _, line := range strings.Split(blocks[1], "\n") {
		if line != "" && line[0] != ' ' && line[0] != '#' {
			section, _, _ = strings.Cut(line, ":")
		}
		if !strings.HasPrefix(line, "  host_firewall:") {
			continue
		}
		side := map[string]Side{"server": SideServerHost, "client": SideClientHost}[section]
		if side == "" {
			t.Fatalf("host_firewall under %q", section)
		}
		found[side] = true
		want := string(DefaultBoxUse(side)) + " (default"
		if !strings.Contains(line, want) {
			t.Errorf("README's %s host_firewall line does not say %q: %s", section, want, line)
		}
	}
	if !found[SideServerHost] || !found[SideClientHost] {
		t.Errorf("host_firewall lines found: %v", found)
	}
}
