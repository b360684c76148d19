package generators

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// TestClientUserPlaceholderNoted: when the client's login is ftpswiz's
// placeholder, REPORT.md's client step says so and links the warning, and
// every client file's header quotes the warning's reason (FTPS and SFTP);
// with the login the answers give, nothing does.
func TestClientUserPlaceholderNoted(t *testing.T) {
	noUser := func(a *wizard.Answers) { a.Client.User = "" }
	sftpClient := func(a *wizard.Answers) {
		a.Role, a.Server, a.SFTP = wizard.RoleClient, nil, nil
		a.Client.ServerAddress, a.Client.User = "sftp.example.com", ""
	}
	tests := []struct {
		name     string
		scenario string
		edit     func(*wizard.Answers)
		want     bool
	}{
		{"FTPS client only, no user", "client-only", noUser, true},
		{"FTPS client only, user acme", "client-only", nil, false},
		{"SFTP client only, no user", "sftp", sftpClient, true},
		{"SFTP both, user from the accounts", "sftp", noUser, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := decideFile(t, filepath.Join("..", "testdata", "scenarios", tt.scenario, "answers.yaml"), tt.edit)
			files, err := Render(p)
			if err != nil {
				t.Fatal(err)
			}
			report := string(fwFile(t, files, ReportPath).Content)
			step := "their login " + p.Client.User + " is a placeholder: [replace it](#login-name-warning)"
			if got := strings.Contains(strings.Join(strings.Fields(report), " "), step); got != tt.want {
				t.Errorf("REPORT.md has %q: %v, want %v", step, got, tt.want)
			}
			n := 0
			for _, f := range files {
				if !strings.HasPrefix(f.Path, "client/") || strings.HasSuffix(f.Path, ".pem") {
					continue
				}
				n++
				text := strings.Join(strings.Fields(strings.NewReplacer("#", " ").Replace(string(f.Content))), " ")
				got := strings.Contains(text, "Why (client.user, "+p.Client.User+" (a placeholder)): The client configs")
				if got != tt.want {
					t.Errorf("%s quotes the placeholder warning: %v, want %v", f.Path, got, tt.want)
				}
			}
			if n == 0 {
				t.Fatal("no client files")
			}
		})
	}
}
