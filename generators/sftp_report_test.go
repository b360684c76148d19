package generators

import (
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// sftpHeadings returns the "## " headings of a Markdown document.
func sftpHeadings(doc string) []string {
	var out []string
	inFence := false
	for _, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(l, "```") {
			inFence = !inFence
		}
		if !inFence && strings.HasPrefix(l, "## ") {
			out = append(out, l)
		}
	}
	return out
}

// sftpDocs renders the whole registry for a plan and returns REPORT.md and
// HANDOUT.md ("" when not written).
func sftpDocs(t *testing.T, p *wizard.Plan) (report, handout string, files []File) {
	t.Helper()
	files, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		switch f.Path {
		case ReportPath:
			report = string(f.Content)
		case HandoutPath:
			handout = string(f.Content)
		}
	}
	return report, handout, files
}

// TestSFTPReportStructure: an SFTP plan's REPORT.md has the sections of an
// FTPS plan's, in the same order, with SFTP's background and without the
// passive range sizing.
func TestSFTPReportStructure(t *testing.T) {
	sftpDoc, _, _ := sftpDocs(t, sftpTestPlan(t, nil))
	ftpsDoc, _, _ := sftpDocs(t, sftpTestPlan(t, func(a *wizard.Answers) {
		a.Protocol, a.SFTP = wizard.ProtocolFTPS, nil
		a.Server.Capacity.Transfers = 4
		a.Client.Software = []wizard.ClientSoftware{wizard.ClientLFTP}
	}))
	want := slices.DeleteFunc(sftpHeadings(ftpsDoc), func(h string) bool { return h == "## Passive range sizing" })
	for i, h := range want {
		if h == "## FTPS in one paragraph" {
			want[i] = "## SFTP in one paragraph"
		}
	}
	if got := sftpHeadings(sftpDoc); !slices.Equal(got, want) {
		t.Errorf("SFTP report sections\n%q\nwant (the FTPS report's)\n%q", got, want)
	}
}

func TestSFTPReportAndHandout(t *testing.T) {
	lab.Require(t, "cmark-gfm", "bash")
	yes := true
	tests := []struct {
		name        string
		edit        func(a *wizard.Answers)
		report      []string // flattened phrases REPORT.md must contain
		handout     []string // "" : no HANDOUT.md
		reportNot   []string
		handoutNot  []string
		wantHandout bool
	}{
		{name: "classic, keys only", wantHandout: true,
			report: []string{"# SFTP plan: server 198.51.100.10 and its clients", "## SFTP in one paragraph",
				"useradd --create-home --shell /usr/sbin/nologin --groups sftponly acme",
				"chown root:root /srv/sftp /srv/sftp/acme && chmod 755 /srv/sftp /srv/sftp/acme",
				"cat acme.pub >> ~acme/.ssh/authorized_keys",
				"install -m 0644 -o root -g root server/sshd_config.d/ftpswiz-sftp.conf /etc/ssh/sshd_config.d/ftpswiz-sftp.conf",
				sshdReload + "  # " + sshdReloadOther, "ss -ltnp 'sport = :22'", "cat firewall/server-router.nft; } | nft -f -", "cat firewall/client-router.nft; } | nft -f -",
				"ssh -p 22 acme@198.51.100.10 true # must fail: This service allows sftp connections only.", "None of its own: SFTP has no separate data channel"},
			reportNot: []string{"Passive range sizing", "vsftpd.conf", "passwd acme"},
			handout: []string{"# Connecting to 198.51.100.10 with SFTP", "SFTP on port 22", "the server accepts no passwords",
				"| outbound (new) | TCP | 198.51.100.10 | 22 | SFTP (SSH) |", "lftp -u acme, sftp://198.51.100.10:22",
				"key_file = ~/.ssh/id_ed25519", "uploads go into the `upload/` folder"},
			handoutNot: []string{"10.20.0.2", "10.20.0.0", "passive", "TLS session reuse"}},
		{name: "passwords on port 2222, role server", wantHandout: true, edit: func(a *wizard.Answers) {
			a.Role, a.Client = wizard.RoleServer, nil
			a.SFTP.Port, a.SFTP.PasswordAuthentication = 2222, &yes
		}, report: []string{"# SFTP plan: server 198.51.100.10", "passwd acme", "logins with passwords or SSH keys",
			`echo '[198.51.100.10]:2222 '"$(cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)"`},
			reportNot: []string{"## Apply on the client side", "authorized_keys &&"},
			handout:   []string{"SFTP on port 2222", "lftp -u acme sftp://198.51.100.10:2222", "ask_password = true"}},
		{name: "role client", edit: func(a *wizard.Answers) {
			a.Role, a.Server = wizard.RoleClient, nil
			a.Client.ServerAddress = "files.example.com"
		}, report: []string{"# SFTP plan: client of files.example.com", "The server's operator opens the same SFTP port inbound on their side",
			"ssh-keyscan -p 22 -t ed25519 files.example.com"},
			reportNot: []string{"## Apply on the server", "useradd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sftpTestPlan(t, tt.edit)
			report, handout, _ := sftpDocs(t, p)
			flat := reportFlat(report)
			for _, w := range tt.report {
				if !strings.Contains(flat, reportFlat(w)) {
					t.Errorf("REPORT.md lacks %q", w)
				}
			}
			for _, n := range tt.reportNot {
				if strings.Contains(report, n) {
					t.Errorf("REPORT.md contains %q", n)
				}
			}
			// Every decision's reason and every pitfall, in the plan's words.
			for _, d := range p.Decisions {
				if !strings.Contains(flat, reportFlat(mdText(d.Why))) {
					t.Errorf("REPORT.md lacks the reason of %s", d.Key)
				}
			}
			for _, pf := range p.Pitfalls {
				if !strings.Contains(flat, reportFlat(mdText(pf.Cause))) {
					t.Errorf("REPORT.md lacks the pitfall %q", pf.Symptom)
				}
			}
			reportCmark(t, "REPORT.md", report, reportCheckMarkdown(t, "REPORT.md", report))
			sftpBashN(t, "REPORT.md", report)

			if !tt.wantHandout {
				if handout != "" {
					t.Error("HANDOUT.md written without a server")
				}
				return
			}
			hflat := reportFlat(handout)
			for _, w := range tt.handout {
				if !strings.Contains(hflat, reportFlat(w)) {
					t.Errorf("HANDOUT.md lacks %q", w)
				}
			}
			for _, n := range tt.handoutNot {
				if strings.Contains(handout, n) {
					t.Errorf("HANDOUT.md contains %q", n)
				}
			}
			reportCmark(t, "HANDOUT.md", handout, reportCheckMarkdown(t, "HANDOUT.md", handout))
			sftpBashN(t, "HANDOUT.md", handout)
		})
	}
}

// sftpBashN checks every ```sh block of a document with bash -n.
func sftpBashN(t *testing.T, name, doc string) {
	t.Helper()
	for _, block := range reportShellBlocks(doc) {
		if out, err := sftpRunInput(block, "bash", "-n"); err != nil {
			t.Errorf("%s: bash -n: %v: %s\n%s", name, err, out, block)
		}
	}
}
