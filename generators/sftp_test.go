package generators

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// sftpRun runs a command with a timeout and returns its combined output.
func sftpRun(timeout time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}

// sftpRunInput is sftpRun with standard input.
func sftpRunInput(stdin, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// sftpTestAnswers are the classic lab topology with protocol sftp: the
// server 10.20.0.2 behind 198.51.100.10 (a Linux router wan0/lan0), the
// client network 192.168.50.0/24 masqueraded behind 192.0.2.20, every SFTP
// client, nftables and iptables.
func sftpTestAnswers() wizard.Answers {
	return wizard.Answers{
		Version:  1,
		Protocol: wizard.ProtocolSFTP,
		Role:     wizard.RoleBoth,
		SFTP:     &wizard.SFTP{Users: []string{"acme"}},
		Server: &wizard.Server{PublicAddress: "198.51.100.10", HostAddress: "10.20.0.2", NAT: wizard.NATPortForward,
			Router:         &wizard.Router{WANInterface: "wan0", LANInterface: "lan0"},
			AllowedClients: []string{"192.0.2.20/32"}, AdminNetwork: "10.20.0.0/24"},
		Client: &wizard.Client{NAT: wizard.ClientNATMasquerade, Router: &wizard.Router{WANInterface: "wan0", LANInterface: "lan0"},
			LANCIDR: "192.168.50.0/24", Software: wizard.SFTPClientSoftwares()},
		Firewalls: []wizard.Firewall{wizard.FirewallNftables, wizard.FirewallIptables},
	}
}

func sftpTestPlan(t *testing.T, edit func(a *wizard.Answers)) *wizard.Plan {
	t.Helper()
	a := sftpTestAnswers()
	if edit != nil {
		edit(&a)
	}
	p, err := wizard.Decide(a)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sftpOutputs renders the server, client and SFTP groups (the renderers an
// SFTP plan could wrongly trigger) and returns the files by path.
func sftpOutputs(t *testing.T, p *wizard.Plan) map[string]File {
	t.Helper()
	files, err := RenderWith(slices.Concat(serverRenderers(), clientRenderers(), sftpRenderers()), p)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]File{}
	for _, f := range files {
		out[f.Path] = f
	}
	return out
}

// sftpFlat removes comment markers and joins lines, so a wrapped reason can
// be found in a file.
func sftpFlat(s string) string {
	var words []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimPrefix(line, "#")
		words = append(words, strings.Fields(line)...)
	}
	return strings.Join(words, " ")
}

func sftpRandomName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func TestSFTPRegistry(t *testing.T) {
	names := map[string]bool{}
	for _, r := range Registry() {
		names[r.Name] = true
	}
	for _, r := range sftpRenderers() {
		if !names[r.Name] {
			t.Errorf("renderer %s is not in the registry", r.Name)
		}
	}
}

func TestSFTPFileSets(t *testing.T) {
	clientFiles := []string{sftpFileZillaPath, sftpLFTPPath, sftpRclonePath, sftpOpenSSHPath, sftpWinSCPPath}
	tests := []struct {
		name string
		edit func(a *wizard.Answers)
		want []string
	}{
		{"role both, every client", nil, append([]string{"server/sshd_config.d/ftpswiz-sftp.conf"}, clientFiles...)},
		{"role server", func(a *wizard.Answers) { a.Role, a.Client = wizard.RoleServer, nil },
			[]string{"server/sshd_config.d/ftpswiz-sftp.conf"}},
		{"role client", func(a *wizard.Answers) {
			a.Role, a.Server = wizard.RoleClient, nil
			a.Client.ServerAddress = "sftp.example.com"
		}, clientFiles},
		{"only openssh", func(a *wizard.Answers) { a.Client.Software = []wizard.ClientSoftware{wizard.ClientOpenSSH} },
			[]string{"client/ssh_config", "server/sshd_config.d/ftpswiz-sftp.conf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := sftpOutputs(t, sftpTestPlan(t, tt.edit))
			var got []string
			for p := range files {
				got = append(got, p)
			}
			sort.Strings(got)
			want := slices.Clone(tt.want)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("files %v, want %v (no vsftpd and no FTPS client file for an SFTP plan)", got, want)
			}
			for p, f := range files {
				wantMode := os.FileMode(0o644)
				if p == sftpRclonePath {
					wantMode = 0o600
				}
				if f.Mode != wantMode {
					t.Errorf("%s: mode %v, want %v", p, f.Mode, wantMode)
				}
				if !strings.HasSuffix(string(f.Content), "\n") || strings.HasSuffix(string(f.Content), "\n\n") {
					t.Errorf("%s must end with exactly one newline", p)
				}
				if !strings.Contains(string(f.Content), RegenerateCommand) {
					t.Errorf("%s lacks the regenerate command", p)
				}
				for _, l := range strings.Split(string(f.Content), "\n") {
					if strings.HasSuffix(l, " ") {
						t.Errorf("%s: trailing space in %q", p, l)
					}
				}
			}
		})
	}
	// An FTPS plan gets none of the SFTP files.
	ftps := sftpTestPlan(t, func(a *wizard.Answers) {
		a.Protocol, a.SFTP = wizard.ProtocolFTPS, nil
		a.Server.Capacity.Transfers = 4
		a.Client.Software = []wizard.ClientSoftware{wizard.ClientLFTP, wizard.ClientFileZilla}
	})
	for _, r := range sftpRenderers() {
		if r.Applies(ftps) {
			t.Errorf("SFTP renderer %s applies to an FTPS plan", r.Name)
		}
	}
}

func TestSFTPDropInContent(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(a *wizard.Answers)
		want  []string // lines the drop-in must contain
		avoid []string
	}{
		{"keys only, shared port 22", nil,
			[]string{"Match Group sftponly", "\tForceCommand internal-sftp", "\tChrootDirectory /srv/sftp/%u",
				"\tAllowTcpForwarding no", "\tPermitTunnel no", "\tX11Forwarding no", "\tPermitTTY no",
				"\tPasswordAuthentication no", "#   groupadd sftponly",
				"#   useradd --create-home --shell /usr/sbin/nologin --groups sftponly acme",
				"#   chown root:root /srv/sftp /srv/sftp/acme && chmod 755 /srv/sftp /srv/sftp/acme",
				"#   chown acme: /srv/sftp/acme/upload && chmod 755 /srv/sftp/acme/upload",
				"#   mkdir -p -m 700 ~acme/.ssh && cat acme.pub >> ~acme/.ssh/authorized_keys",
				"#   " + sshdReloadLines[0], "#   " + sshdReloadLines[1], "#   " + sshdReloadLines[2], "#   (" + sshdReloadOther + ")"},
			[]string{"Port ", "passwd acme"}},
		{"passwords, own port, two users, own group and root", func(a *wizard.Answers) {
			yes := true
			a.SFTP = &wizard.SFTP{Port: 2222, Group: "partners", Users: []string{"acme", "globex"},
				ChrootRoot: "/data/sftp", UploadDir: "in", PasswordAuthentication: &yes}
		}, []string{"Port 22", "Port 2222", "Match Group partners", "\tChrootDirectory /data/sftp/%u",
			"\tPasswordAuthentication yes", "#   passwd acme", "#   passwd globex",
			"#   chown globex: /data/sftp/globex/in && chmod 755 /data/sftp/globex/in"},
			[]string{"authorized_keys &&"}},
		{"no users named", func(a *wizard.Answers) { a.SFTP.Users = nil; a.Client.User = "someone" },
			[]string{"#   useradd --create-home --shell /usr/sbin/nologin --groups sftponly USER"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sftpTestPlan(t, tt.edit)
			f, ok := sftpOutputs(t, p)[p.SFTP.File]
			if !ok {
				t.Fatalf("no %s", p.SFTP.File)
			}
			text := string(f.Content)
			lines := strings.Split(text, "\n")
			for _, w := range tt.want {
				if !slices.Contains(lines, w) {
					t.Errorf("drop-in lacks the line %q:\n%s", w, text)
				}
			}
			for _, a := range tt.avoid {
				if strings.Contains(text, a) {
					t.Errorf("drop-in must not contain %q", a)
				}
			}
			// Every option's decision is explained next to it, with the
			// plan's own words.
			flat := sftpFlat(text)
			for _, o := range slices.Concat(p.SFTP.Global, p.SFTP.MatchOptions) {
				d, ok := p.Decision(o.Decision)
				if !ok {
					t.Fatalf("option %s: no decision %s", o.Key, o.Decision)
				}
				if !strings.Contains(flat, strings.Join(strings.Fields(d.Why), " ")) {
					t.Errorf("the reason of %s (%s) is missing", o.Key, o.Decision)
				}
			}
			// Nothing after the Match line is global: the block runs to the
			// end of the file, options indented.
			i := slices.Index(lines, "Match "+p.SFTP.Match)
			for _, l := range lines[i+1:] {
				if l != "" && !strings.HasPrefix(l, "\t") {
					t.Errorf("line %q after the Match line is not part of the block", l)
				}
			}
			for _, l := range lines {
				if len(l) > 100 && strings.HasPrefix(l, "#") && !strings.Contains(l, "sshd -T") {
					t.Errorf("comment line too long (%d): %q", len(l), l)
				}
			}
		})
	}
}

func TestSFTPDropInRefusesBadPlans(t *testing.T) {
	tests := []struct {
		name string
		edit func(sp *wizard.SFTPPlan)
	}{
		{"group with a space", func(sp *wizard.SFTPPlan) { sp.Group = "sftp users" }},
		{"user with a semicolon", func(sp *wizard.SFTPPlan) { sp.Users = []string{"a;reboot"} }},
		{"relative chroot", func(sp *wizard.SFTPPlan) { sp.ChrootRoot = "srv/sftp" }},
		{"chroot with a space", func(sp *wizard.SFTPPlan) { sp.ChrootRoot = "/srv/my sftp" }},
		{"upload dir escaping", func(sp *wizard.SFTPPlan) { sp.UploadDir = "../etc" }},
		{"option value with a newline", func(sp *wizard.SFTPPlan) {
			sp.MatchOptions = append(slices.Clone(sp.MatchOptions), wizard.Option{Key: "ForceCommand", Value: "x\nMatch all", Decision: "sftp.service"})
		}},
		{"option with an unknown decision", func(sp *wizard.SFTPPlan) {
			sp.MatchOptions = append(slices.Clone(sp.MatchOptions), wizard.Option{Key: "Banner", Value: "none", Decision: "nope"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sftpTestPlan(t, nil)
			sp := *p.SFTP
			tt.edit(&sp)
			p.SFTP = &sp
			if _, err := renderSSHDDropIn(p); err == nil {
				t.Error("rendered a drop-in from a bad plan")
			}
		})
	}
}

func TestSFTPClientContent(t *testing.T) {
	yes := true
	tests := []struct {
		name string
		edit func(a *wizard.Answers)
		want map[string][]string // path -> lines it must contain
		not  map[string][]string
	}{
		{"keys only, port 22", nil, map[string][]string{
			sftpOpenSSHPath: {"Host ftpswiz-sftp", "    HostName 198.51.100.10", "    Port 22", "    User acme",
				"    IdentityFile ~/.ssh/id_ed25519", "    IdentitiesOnly yes", "    StrictHostKeyChecking yes",
				"#      echo \"198.51.100.10 $(cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)\""},
			sftpLFTPPath: {`alias ftpswiz-sftp "open -u acme, sftp://198.51.100.10:22"`,
				`set sftp:connect-program/198.51.100.10 "ssh -a -x -i ~/.ssh/id_ed25519 -o IdentitiesOnly=yes -o PasswordAuthentication=no -o StrictHostKeyChecking=yes -o ConnectTimeout=30"`,
				"set sftp:auto-confirm/198.51.100.10 no"},
			sftpFileZillaPath: {"      <Protocol>1</Protocol>", "      <Port>22</Port>", "      <Logontype>3</Logontype>"},
			sftpWinSCPPath:    {`open sftp://acme@198.51.100.10:22/ -hostkey="%2%" -privatekey="%1%" -timeout=30`, "ls upload/", "exit"},
			sftpRclonePath: {"[ftpswiz-sftp]", "type = sftp", "host = 198.51.100.10", "port = 22", "user = acme",
				"key_file = ~/.ssh/id_ed25519", "known_hosts_file = ~/.ssh/known_hosts", "shell_type = none"},
		}, map[string][]string{
			sftpOpenSSHPath: {"keyboard-interactive,password"}, sftpRclonePath: {"ask_password"}, sftpWinSCPPath: {"-passwordsfromfiles"},
		}},
		{"passwords, port 2222", func(a *wizard.Answers) { a.SFTP.Port = 2222; a.SFTP.PasswordAuthentication = &yes },
			map[string][]string{
				sftpOpenSSHPath:   {"    Port 2222", "    PreferredAuthentications publickey,keyboard-interactive,password", "#      echo \"[198.51.100.10]:2222 $(cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)\""},
				sftpLFTPPath:      {`alias ftpswiz-sftp "open -u acme sftp://198.51.100.10:2222"`},
				sftpFileZillaPath: {"      <Port>2222</Port>", "      <Logontype>2</Logontype>"},
				sftpWinSCPPath:    {`open sftp://acme@198.51.100.10:2222/ -hostkey="%2%" -passwordsfromfiles -password="%1%" -timeout=30`},
				sftpRclonePath:    {"port = 2222", "ask_password = true"},
			}, map[string][]string{
				sftpOpenSSHPath: {"IdentitiesOnly"}, sftpRclonePath: {"\nkey_file ="}, sftpWinSCPPath: {"-privatekey"},
			}},
		{"role client: the upload directory is unknown", func(a *wizard.Answers) {
			a.Role, a.Server = wizard.RoleClient, nil
			a.Client.ServerAddress, a.Client.User = "files.example.com", "partner"
		}, map[string][]string{
			sftpOpenSSHPath: {"    HostName files.example.com", "    User partner"},
			sftpWinSCPPath:  {"ls"},
		}, map[string][]string{sftpWinSCPPath: {"ls upload/"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sftpTestPlan(t, tt.edit)
			files := sftpOutputs(t, p)
			for path, wants := range tt.want {
				lines := strings.Split(string(files[path].Content), "\n")
				for _, w := range wants {
					if !slices.Contains(lines, w) {
						t.Errorf("%s lacks the line %q:\n%s", path, w, files[path].Content)
					}
				}
			}
			for path, nots := range tt.not {
				for _, n := range nots {
					if strings.Contains(string(files[path].Content), n) {
						t.Errorf("%s must not contain %q", path, n)
					}
				}
			}
			// The plan's reasons are quoted, never invented: every "Why (key"
			// names a decision of the plan, with its text.
			dropIn := ""
			if p.SFTP != nil {
				dropIn = p.SFTP.File
			}
			for path, f := range files {
				if path == dropIn {
					continue // checked by TestSFTPDropInContent
				}
				flat := sftpFlat(string(f.Content))
				for _, key := range []string{"protocol", "client.server", "sftp.auth", "sftp.chroot"} {
					d, ok := p.Decision(key)
					if !ok {
						if strings.Contains(flat, "Why ("+key+",") {
							t.Errorf("%s quotes decision %s, which the plan lacks", path, key)
						}
						continue
					}
					if !strings.Contains(flat, strings.Join(strings.Fields(d.Why), " ")) {
						t.Errorf("%s lacks the reason of %s", path, key)
					}
				}
			}
		})
	}
}
