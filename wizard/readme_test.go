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
	_, rest, ok := strings.Cut(string(data), "```yaml\n")
	if !ok {
		t.Fatal("README has no yaml block")
	}
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("README's yaml block is not closed")
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
