package wizard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClientUserPlaceholder: a plan whose client logs in as ftpswiz's
// placeholder (client.user left empty, so Normalize's DefaultClientUser,
// with no account of the plan's server of that name) carries a client.user
// warning that says to replace it; a login the answers give, or one the
// server's account list names, carries none. Decided from the normalised
// answers, so answers.yaml (which writes the placeholder out) reproduces it.
func TestClientUserPlaceholder(t *testing.T) {
	read := func(t *testing.T, scenario string) Answers {
		t.Helper()
		data, err := os.ReadFile(filepath.Join("..", "testdata", "scenarios", scenario, "answers.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := DecodeAnswers(data)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tests := []struct {
		name     string
		scenario string
		edit     func(a *Answers)
		want     bool
	}{
		{"client only, user given", "client-only", nil, false},
		{"client only, user left empty", "client-only", func(a *Answers) { a.Client.User = "" }, true},
		{"client only, the placeholder typed", "client-only", func(a *Answers) { a.Client.User = DefaultClientUser }, true},
		{"both, the server's first account", "classic", func(a *Answers) { a.Client.User = "" }, false},
		{"both, server account named ftpuser", "classic", func(a *Answers) {
			a.Client.User = ""
			a.Server.Vsftpd.Users = []string{DefaultClientUser}
		}, false},
		{"both, no server accounts", "classic", func(a *Answers) {
			a.Client.User = ""
			a.Server.Vsftpd.Users = nil
		}, true},
		{"SFTP, the server's first account", "sftp", func(a *Answers) { a.Client.User = "" }, false},
		{"SFTP client only, user left empty", "sftp", func(a *Answers) {
			a.Role, a.Server, a.SFTP = RoleClient, nil, nil
			a.Client.ServerAddress, a.Client.User = "sftp.example.com", ""
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := read(t, tt.scenario)
			if tt.edit != nil {
				tt.edit(&a)
			}
			p := decide(t, a)
			d, ok := p.Decision(KeyClientUser)
			if ok != tt.want {
				t.Fatalf("client.user decision: %v, want %v (login %q)", ok, tt.want, p.Client.User)
			}
			if !ok {
				return
			}
			if !d.Warning || !strings.Contains(d.Value, "placeholder") || !strings.Contains(d.Why, "set client.user") ||
				!strings.Contains(d.Why, p.Client.User) {
				t.Errorf("decision %+v", d)
			}
			// answers.yaml, the normalised answers, decides the same.
			data, err := EncodeAnswers(p.Answers)
			if err != nil {
				t.Fatal(err)
			}
			back, err := DecodeAnswers(data)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := decide(t, back).Decision(KeyClientUser); !ok {
				t.Error("the answers file written back loses the warning")
			}
		})
	}
}
