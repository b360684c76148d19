package generators

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// TestSFTPIPv6Lab proves the dual-stack SFTP plan in the lab, IPv6 in
// 2001:db8::/32 inside the namespaces only: the generated nftables rules on
// the server host and both routers, a real sshd running the generated
// drop-in (which pins no address family, so it listens on both), and the
// generated ssh_config used by a real sftp client as an ordinary user. An
// upload and a download over IPv6 straight to the server's own address
// (routed, not NATed: sshd logs the client's own IPv6 address) and over
// IPv4 through both NATs, checked by SHA-256. Negative control: with the
// server host's IPv6 SFTP rule removed, the IPv6 connection fails while
// IPv4 still works; with the rule back, IPv6 works again.
func TestSFTPIPv6Lab(t *testing.T) {
	lab.Require(t, "ip", "nft", "sshd", "ssh", "sftp", "ssh-keygen", "useradd", "userdel", "groupadd", "groupdel",
		"runuser", "bash")
	sftpPrivsepDir(t)
	group, account, root := sftpLabAccount(t)
	l := lab.New(t)
	l.EnableIPv6()
	cliUser := lab.NewUser(t)

	p := sftpTestPlan(t, func(a *wizard.Answers) {
		a.SFTP = &wizard.SFTP{Group: group, Users: []string{account}, ChrootRoot: root}
		a.Server.PublicAddress, a.Server.HostAddress, a.Server.IPv6Address = lab.SrvPublicAddr, lab.SrvAddr, lab.SrvAddr6
		a.Server.Router = &wizard.Router{WANInterface: lab.WANIf, LANInterface: lab.LANIf}
		a.Server.AllowedClients = []string{lab.CliPublicAddr + "/32", lab.CliLAN6}
		a.Server.AdminNetwork = lab.SrvLAN
		a.Client.Router = &wizard.Router{WANInterface: lab.WANIf, LANInterface: lab.LANIf}
		a.Client.LANCIDR, a.Client.IPv6Prefix = lab.CliLAN, lab.CliLAN6
		a.Client.Software = []wizard.ClientSoftware{wizard.ClientOpenSSH}
		a.Firewalls = []wizard.Firewall{wizard.FirewallNftables}
	})
	if !slices.Equal(p.Server.Families, []wizard.Family{wizard.FamilyIPv4, wizard.FamilyIPv6}) {
		t.Fatalf("the plan is not dual-stack: %v", p.Server.Families)
	}
	files := sftpLabFiles(t, p)

	// The client user's key, the account and its chroot by the generated
	// commands.
	home := cliUser.Home
	pub := sftpLabClientKey(t, home)
	sftpLabSetupAccount(t, p.SFTP, pub)
	chroot := filepath.Join(root, account)

	// sshd with the generated drop-in; it must listen on both families.
	sdir := filepath.Join(lab.TempDir(t), "sshd")
	if err := os.Mkdir(sdir, 0o755); err != nil {
		t.Fatal(err)
	}
	hostKey := sftpHostKey(t, sdir)
	main := sftpMainConfig(t, sdir, files[p.SFTP.File].Content, hostKey, "LogLevel VERBOSE")
	if out, err := sftpRun(sftpToolTimeout, "sshd", "-t", "-f", main); err != nil {
		t.Fatalf("sshd -t: %v: %s", err, out)
	}
	sshd := l.Srv.Start("/usr/sbin/sshd", "-D", "-e", "-f", main)
	t.Cleanup(sshd.Stop)
	port := strconv.Itoa(p.SFTP.Port)
	for _, addr := range []string{lab.SrvAddr, lab.SrvAddr6} {
		if err := l.Srv.WaitTCP(net.JoinHostPort(addr, port), 10*time.Second); err != nil {
			t.Fatalf("sshd does not listen on %s: %v\n%s", addr, err, sshd.Output())
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("sshd output:\n%s", sshd.Output())
		}
	})

	// The generated rules on their boxes.
	boxes := map[wizard.Side]*lab.Namespace{
		wizard.SideServerHost: l.Srv, wizard.SideServerRouter: l.SrvRouter, wizard.SideClientRouter: l.CliRouter,
	}
	for _, ns := range boxes {
		ns.MustNFT(lab.DebianNftables) // each box's own firewall (the files add to it)
	}
	hostRules := string(files["firewall/"+string(wizard.SideServerHost)+".nft"].Content)
	for side, ns := range boxes {
		f, ok := files["firewall/"+string(side)+".nft"]
		if !ok {
			t.Fatalf("no nftables file for %s", side)
		}
		if !strings.Contains(string(f.Content), "ip6 daddr "+lab.SrvAddr6) && side != wizard.SideServerHost {
			t.Errorf("%s: no IPv6 rule to the server's own address", side)
		}
		ns.MustNFT(string(f.Content))
	}
	v6Rule := "ip6 saddr " + lab.CliLAN6 + " tcp dport " + port + " "
	if !strings.Contains(hostRules, "policy drop") || !strings.Contains(hostRules, v6Rule) {
		t.Fatalf("the server host's rules do not drop by default with one IPv6 SFTP rule (%q):\n%s", v6Rule, hostRules)
	}

	// The generated client files, the server's host key for both addresses.
	cdir := filepath.Join(home, "ftpswiz")
	for path, f := range files {
		if !strings.HasPrefix(path, "client/") {
			continue
		}
		full := filepath.Join(cdir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, f.Content, f.Mode); err != nil {
			t.Fatal(err)
		}
	}
	hostPub, err := os.ReadFile(hostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(hostPub))
	known := lab.SrvPublicAddr + "," + lab.SrvAddr6 + " " + fields[0] + " " + fields[1] + "\n"
	if err := os.WriteFile(filepath.Join(home, ".ssh", "known_hosts"), []byte(known), 0o644); err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for _, fam := range []string{"ipv4", "ipv6"} {
		sums[fam] = lab.RandomFile(t, filepath.Join(cdir, fam+".bin"), 512<<10)
	}
	if out, err := sftpRun(sftpToolTimeout, "chown", "-R", cliUser.Name+":", home); err != nil {
		t.Fatalf("chown: %v: %s", err, out)
	}
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	c := sftpLabClient{ns: l.Cli, user: cliUser.Name, dir: cdir}

	// transfer uploads FAM.bin and downloads it back over one family, with
	// the generated ssh_config; over IPv6 the alias dials the server's own
	// IPv6 address (what the handout tells IPv6 clients to allow).
	transfer := func(fam string) error {
		name := fam + ".bin"
		_ = os.Remove(filepath.Join(chroot, p.SFTP.UploadDir, name))
		_ = os.Remove(filepath.Join(cdir, name+".back"))
		args := []string{"sftp", "-F", "client/ssh_config", "-o", "ConnectTimeout=5", "-b", "-"}
		if fam == "ipv6" {
			args = append(args, "-6", "-o", "HostName="+lab.SrvAddr6)
		} else {
			args = append(args, "-4")
		}
		batch := "put " + name + " upload/" + name + "\nget upload/" + name + " " + name + ".back\n"
		so, se, err := c.run(batch, append(args, sftpAlias)...)
		if err != nil {
			return fmt.Errorf("%s sftp: %w\n%s%s", fam, err, so, se)
		}
		for _, path := range []string{filepath.Join(chroot, p.SFTP.UploadDir, name), filepath.Join(cdir, name+".back")} {
			got, err := lab.SHA256File(path)
			if err != nil || got != sums[fam] {
				return fmt.Errorf("%s: sha256 %s, want %s (%v)", path, got, sums[fam], err)
			}
		}
		return nil
	}

	t.Run("ipv6 upload and download", func(t *testing.T) {
		if err := transfer("ipv6"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sshd.Output(), "Accepted publickey for "+account+" from "+lab.CliAddr6) {
			t.Errorf("sshd did not log a key login from the client's own IPv6 address %s (IPv6 is routed, not NATed)", lab.CliAddr6)
		}
	})
	t.Run("ipv4 upload and download", func(t *testing.T) {
		if err := transfer("ipv4"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sshd.Output(), "Accepted publickey for "+account+" from "+lab.CliPublicAddr) {
			t.Errorf("sshd did not log a key login from the client router's public address %s", lab.CliPublicAddr)
		}
	})
	t.Run("negative control: the IPv6 rule removed", func(t *testing.T) {
		var kept []string
		for _, line := range strings.Split(hostRules, "\n") {
			if !strings.Contains(line, v6Rule) {
				kept = append(kept, line)
			}
		}
		l.Srv.MustNFT(strings.Join(kept, "\n"))
		err := transfer("ipv6")
		if err == nil {
			t.Fatal("IPv6 SFTP worked without the server host's IPv6 rule")
		}
		if !strings.Contains(err.Error(), "timed out") {
			t.Errorf("IPv6 without its rule: want a connection timeout, got %v", err)
		}
		t.Logf("IPv6 without its rule fails: %.200s", err)
		if err := transfer("ipv4"); err != nil {
			t.Errorf("IPv4 fails too with only the IPv6 rule removed: %v", err)
		}
		l.Srv.MustNFT(hostRules)
		if err := transfer("ipv6"); err != nil {
			t.Errorf("IPv6 with the rule restored: %v", err)
		}
	})
}
