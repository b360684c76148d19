package generators

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The container lab. No container engine runs on this machine (no Docker
// daemon; Debian's podman fails in crun, see the README), so the container is
// built from what a container is: the generated vsftpd.conf, account list,
// user list and OpenSSL configuration at the paths the compose file mounts
// them, inside a private /etc and /var/log (a mount namespace) and a network
// namespace of its own, started through the generated entrypoint with the
// compose file's environment. The "image" is this machine's Debian vsftpd
// package, the one the Dockerfile installs. The Docker host is a namespace
// with the public address, Docker's own iptables rules for the published
// ports (DNAT in PREROUTING, FORWARD through DOCKER-USER, as Docker writes
// them) and the generated DOCKER-USER or nftables filter, applied with the
// commands its description gives.
//
//	srv   = the container (10.20.0.2, "the bridge" lan0 of srvrt)
//	srvrt = the Docker host, a VPS with the public address 198.51.100.10 (nat none)
//	clirt = the client site's masquerading router (192.0.2.20)
//	cli   = the client: strict lftp and curl

// containerLabAnswers is the natural answer: the VPS has the public address
// itself, nat none, vsftpd in a Docker bridge container.
func containerLabAnswers(user, root string, cert *lab.Cert, allowed ...string) wizard.Answers {
	return wizard.Answers{Version: 1, Role: wizard.RoleServer,
		Server: &wizard.Server{
			PublicAddress: lab.SrvPublicAddr, NAT: wizard.NATNone,
			AllowedClients: allowed, AdminNetwork: "198.51.100.0/24",
			Capacity:  wizard.Capacity{Transfers: 16},
			TLS:       wizard.TLS{CertFile: cert.CertFile, KeyFile: cert.KeyFile},
			Vsftpd:    wizard.Vsftpd{Users: []string{user}, LocalRoot: root},
			Container: &wizard.Container{Engine: wizard.EngineDocker, Network: wizard.NetworkBridge},
		},
		Firewalls: []wizard.Firewall{wizard.FirewallIptables, wizard.FirewallNftables},
	}
}

// dockerHostRules are the rules dockerd writes for a container publishing
// c.Publish on the bridge lan0 (10.20.0.0/24): the classic layout, FORWARD's
// policy drop, DOCKER-USER first.
func dockerHostRules(c *wizard.ContainerPlan, addr string) string {
	var nat, filter []string
	for _, pr := range c.Publish {
		ports := strings.ReplaceAll(pr.String(), "-", ":")
		nat = append(nat, fmt.Sprintf("-A DOCKER ! -i lan0 -p tcp -m tcp --dport %s -j DNAT --to-destination %s:%s", ports, addr, pr.String()))
		filter = append(filter, fmt.Sprintf("-A DOCKER -d %s/32 ! -i lan0 -o lan0 -p tcp -m tcp --dport %s -j ACCEPT", addr, ports))
	}
	return strings.Join(append(append([]string{"*nat",
		":PREROUTING ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":DOCKER - [0:0]",
		"-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
		"-A POSTROUTING -s 10.20.0.0/24 ! -o lan0 -j MASQUERADE",
		"-A DOCKER -i lan0 -j RETURN"}, nat...), append([]string{"COMMIT", "*filter",
		":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]", ":DOCKER - [0:0]", ":DOCKER-USER - [0:0]",
		"-A FORWARD -j DOCKER-USER",
		"-A FORWARD -o lan0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
		"-A FORWARD -o lan0 -j DOCKER",
		"-A FORWARD -i lan0 ! -o lan0 -j ACCEPT",
		"-A DOCKER-USER -j RETURN"}, append(filter, "COMMIT", "")...)...), "\n")
}

type containerLab struct {
	l        *lab.Lab
	user     *lab.User
	root     string
	cert     *lab.Cert
	hash     string
	stopPrev func()
}

// startContainer runs the plan's container in srv: a private /etc (a copy
// of this machine's without its secrets, fresh shadow files) with the
// mounted files at their container paths, a private /var/log, the plan's
// environment, the generated entrypoint. conf, when not "", replaces
// vsftpd.conf (the negative control).
func (cl *containerLab) startContainer(t *testing.T, p *wizard.Plan, files []File, conf string) {
	t.Helper()
	if cl.stopPrev != nil {
		cl.stopPrev()
	}
	c := p.Server.Container
	dir := filepath.Join(cl.l.Dir, fmt.Sprintf("container-%d", time.Now().UnixNano()))
	etc, logs := filepath.Join(dir, "etc"), filepath.Join(dir, "log")
	for _, d := range []string{dir, etc, logs} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := runSh(t, 30*time.Second, fmt.Sprintf(
		"tar -C / --exclude='etc/shadow*' --exclude='etc/gshadow*' --exclude='etc/ssh' --exclude='etc/ssl/private' -cf - etc | tar -C %s -xf -", shQuote(dir))); err != nil {
		t.Fatalf("copy /etc: %v: %s", err, out)
	}
	// Fresh shadow files: every existing account locked, no host secrets.
	passwd, _ := os.ReadFile(filepath.Join(etc, "passwd"))
	group, _ := os.ReadFile(filepath.Join(etc, "group"))
	var shadow, gshadow strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(string(passwd)), "\n") {
		shadow.WriteString(strings.SplitN(l, ":", 2)[0] + ":*:19000:0:99999:7:::\n")
	}
	for _, l := range strings.Split(strings.TrimSpace(string(group)), "\n") {
		gshadow.WriteString(strings.SplitN(l, ":", 2)[0] + ":*::\n")
	}
	for name, s := range map[string]string{"shadow": shadow.String(), "gshadow": gshadow.String()} {
		if err := os.WriteFile(filepath.Join(etc, name), []byte(s), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	// The mounts: files of the config directory at their container paths;
	// the certificate, key and data directory are mounted on the same
	// paths, which the lab shares anyway.
	byInstall := map[string]File{}
	for _, f := range files {
		if f.Desc.Install != "" {
			byInstall[f.Desc.Install] = f
		}
	}
	for _, m := range c.Mounts {
		if !strings.HasPrefix(m.Container, "/etc/") {
			if m.Host != m.Container {
				t.Fatalf("mount %s -> %s: the lab shares only same-path mounts outside /etc", m.Host, m.Container)
			}
			continue
		}
		f, ok := byInstall[m.Host]
		if !ok {
			t.Fatalf("mount %s -> %s: no generated file installs to %s", m.Host, m.Container, m.Host)
		}
		content := string(f.Content)
		switch {
		case m.Container == wizard.ContainerAccountsPath:
			// What the operator does: a hash after the name.
			content = strings.Replace(content, cl.user.Name+":!", cl.user.Name+":"+cl.hash, 1)
		case m.Container == c.ConfigPath && conf != "":
			content = conf
		}
		dst := filepath.Join(etc, strings.TrimPrefix(m.Container, "/etc/"))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, []byte(content), f.Mode); err != nil {
			t.Fatal(err)
		}
	}
	entry := filepath.Join(dir, "ftpswiz-entrypoint")
	if err := os.WriteFile(entry, fileContent(t, files, containerEntrypoint), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"-m", "--propagation", "private", "sh", "-c",
		`mount --bind "$1" /etc && mount --bind "$2" /var/log && shift 2 && exec env "$@"`, "container", etc, logs}
	for _, e := range c.Env {
		args = append(args, e.Name+"="+e.Value)
	}
	args = append(args, entry, "vsftpd", c.ConfigPath)
	proc := cl.l.Srv.Start("unshare", args...)
	cl.stopPrev = proc.Stop
	if err := cl.l.Srv.WaitTCP(fmt.Sprintf("%s:%d", lab.SrvAddr, p.Server.Instances[0].Port), 15*time.Second); err != nil {
		t.Fatalf("container did not listen: %v\n%s", err, proc.Output())
	}
}

func fileContent(t *testing.T, files []File, path string) []byte {
	t.Helper()
	for _, f := range files {
		if f.Path == path {
			return f.Content
		}
	}
	t.Fatalf("no file %s", path)
	return nil
}

// runSh runs a shell script with a timeout (it only reads outside the lab
// directory).
func runSh(t *testing.T, timeout time.Duration, script string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", script)
	cmd.WaitDelay = 2 * time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// applyFilter loads a generated published-port filter on the Docker host
// with the check and apply commands of its description.
func applyFilter(t *testing.T, ns *lab.Namespace, dir string, f File) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(f.Path))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, f.Content, f.Mode); err != nil {
		t.Fatal(err)
	}
	for _, c := range append(append([]Cmd{}, f.Desc.Check...), f.Desc.Apply...) {
		line := c.Line(path)
		if out, errOut, err := ns.Run(20*time.Second, "sh", "-c", line); err != nil {
			t.Fatalf("%s: %v\n%s%s", line, err, out, errOut)
		}
	}
}

func TestContainerLab(t *testing.T) {
	lab.Require(t, "vsftpd", "lftp", "curl", "openssl", "unshare", "tar", "iptables-restore", "iptables", "nft", "useradd", "chpasswd")
	l := lab.New(t)
	cl := &containerLab{l: l, cert: lab.NewCert(t, lab.SrvPublicAddr), root: filepath.Join(l.Dir, "srv")}
	cl.user = &lab.User{Name: "ftpswiz" + strings.ToLower(clientLabRandHex(t, 4)), Password: "Lab-" + clientLabRandHex(t, 8)}
	out, errOut, err := l.Cli.Run(10*time.Second, "openssl", "passwd", "-6", cl.user.Password)
	if err != nil {
		t.Fatalf("openssl passwd: %v %s", err, errOut)
	}
	cl.hash = strings.TrimSpace(out)
	if err := os.MkdirAll(cl.root, 0o755); err != nil {
		t.Fatal(err)
	}

	p, err := wizard.Decide(containerLabAnswers(cl.user.Name, cl.root, cl.cert, lab.CliPublicAddr+"/32"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Server.Container
	l.CliRouter.MustNFT(lab.MasqueradeRuleset)
	if out, errOut, err := l.SrvRouter.RunInput(20*time.Second, dockerHostRules(c, lab.SrvAddr), "iptables-restore"); err != nil {
		t.Fatalf("docker's rules: %v\n%s%s", err, out, errOut)
	}
	applyFilter(t, l.SrvRouter, filepath.Join(l.Dir, "out"), fileOf(t, files, fwKindDockerIptables))
	cl.startContainer(t, p, files, "")

	// The design concurrency: 16 strict lftp sessions at once, each
	// downloading and uploading a file, every byte checked.
	home := filepath.Join(cl.root, cl.user.Name)
	upload := filepath.Join(home, p.Server.UploadDir)
	if _, err := os.Stat(upload); err != nil {
		t.Fatalf("the entrypoint did not create %s: %v", upload, err)
	}
	// The account exists in the container's /etc only: this machine's is untouched.
	if _, err := user.Lookup(cl.user.Name); err == nil {
		t.Fatalf("the entrypoint created %s in this machine's /etc", cl.user.Name)
	}
	n := p.Server.Sizing.Transfers
	src := lab.RandomFile(t, filepath.Join(home, "data.bin"), 256<<10)
	strict := lab.LftpOptions{CAFile: cl.cert.CertFile}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			up := lab.RandomFile(t, filepath.Join(l.Dir, fmt.Sprintf("up-%d.bin", i)), 128<<10)
			got := filepath.Join(l.Dir, fmt.Sprintf("down-%d.bin", i))
			out, err := l.Cli.Lftp(90*time.Second, lab.SrvPublicAddr, cl.user, strict,
				"get data.bin -o "+got, fmt.Sprintf("put %s -o %s/up-%d.bin", filepath.Join(l.Dir, fmt.Sprintf("up-%d.bin", i)), p.Server.UploadDir, i))
			if err != nil {
				errs[i] = fmt.Errorf("lftp %d: %v: %s", i, err, out)
				return
			}
			if sum, _ := lab.SHA256File(got); sum != src {
				errs[i] = fmt.Errorf("download %d: sha256 %s, want %s", i, sum, src)
			}
			if sum, _ := lab.SHA256File(filepath.Join(upload, fmt.Sprintf("up-%d.bin", i))); sum != up {
				errs[i] = fmt.Errorf("upload %d: sha256 %s, want %s", i, sum, up)
			}
		}()
	}
	wg.Wait()
	failed := 0
	for _, e := range errs {
		if e != nil {
			failed++
			t.Error(e)
		}
	}
	t.Logf("strict lftp through the published ports: %d of %d sessions (download + upload) ok", n-failed, n)

	// curl, strict: the PASV address as announced, no EPSV, verification on.
	curlGot := filepath.Join(l.Dir, "curl-down.bin")
	url := fmt.Sprintf("ftp://%s:%d/", lab.SrvPublicAddr, p.Server.Instances[0].Port)
	base := []string{"--ssl-reqd", "--disable-epsv", "--no-ftp-skip-pasv-ip", "--cacert", cl.cert.CertFile,
		"--user", cl.user.Name + ":" + cl.user.Password, "--max-time", "30", "-sS"}
	if out, errOut, err := l.Cli.Run(40*time.Second, "curl", append(base, "-o", curlGot, url+"data.bin")...); err != nil {
		t.Errorf("curl download: %v %s%s", err, out, errOut)
	} else if sum, _ := lab.SHA256File(curlGot); sum != src {
		t.Errorf("curl download: sha256 %s, want %s", sum, src)
	}
	if out, errOut, err := l.Cli.Run(40*time.Second, "curl", append(base, "-T", curlGot, url+p.Server.UploadDir+"/curl-up.bin")...); err != nil {
		t.Errorf("curl upload: %v %s%s", err, out, errOut)
	} else if sum, _ := lab.SHA256File(filepath.Join(upload, "curl-up.bin")); sum != src {
		t.Errorf("curl upload: sha256 %s, want %s", sum, src)
	}

	// The TLS 1.2 cap reaches vsftpd through the container's environment:
	// TLS 1.3 refused, 1.2 accepted.
	for _, v := range []struct {
		flag string
		ok   bool
	}{{"-tls1_2", true}, {"-tls1_3", false}} {
		_, _, err := l.Cli.RunInput(15*time.Second, "", "openssl", "s_client", "-connect", fmt.Sprintf("%s:%d", lab.SrvPublicAddr, p.Server.Instances[0].Port),
			"-starttls", "ftp", v.flag, "-brief", "-CAfile", cl.cert.CertFile, "-verify_return_error")
		if (err == nil) != v.ok {
			t.Errorf("openssl s_client %s: error %v, want success %v", v.flag, err, v.ok)
		}
	}

	// The filters hold: with the client outside allowed_clients, the
	// DOCKER-USER chain (then the nftables table instead) drops the
	// published control port; without them, Docker's own rules let it in.
	greet := func() error {
		_, err := l.Cli.ReadGreeting(fmt.Sprintf("%s:%d", lab.SrvPublicAddr, p.Server.Instances[0].Port), 3*time.Second)
		return err
	}
	if err := greet(); err != nil {
		t.Fatalf("allowed client: no greeting: %v", err)
	}
	other, err := wizard.Decide(containerLabAnswers(cl.user.Name, cl.root, cl.cert, "192.0.2.128/25"))
	if err != nil {
		t.Fatal(err)
	}
	otherFiles, err := Render(other)
	if err != nil {
		t.Fatal(err)
	}
	applyFilter(t, l.SrvRouter, filepath.Join(l.Dir, "out-other"), fileOf(t, otherFiles, fwKindDockerIptables))
	if err := greet(); err == nil {
		t.Error("DOCKER-USER: a client outside allowed_clients still reaches the published port")
	}
	for _, cmd := range fileOf(t, otherFiles, fwKindDockerIptables).Desc.Remove {
		l.SrvRouter.Run(10*time.Second, "sh", "-c", cmd.Line(""))
	}
	if err := greet(); err != nil {
		t.Errorf("control: without the filter, Docker's rules should let the client in: %v", err)
	}
	applyFilter(t, l.SrvRouter, filepath.Join(l.Dir, "out-other"), fileOf(t, otherFiles, fwKindDockerNft))
	if err := greet(); err == nil {
		t.Error("nftables forward table: a client outside allowed_clients still reaches the published port")
	}
	applyFilter(t, l.SrvRouter, filepath.Join(l.Dir, "out"), fileOf(t, files, fwKindDockerNft))
	if err := greet(); err != nil {
		t.Errorf("nftables forward table: the allowed client is dropped: %v", err)
	}

	// Negative control: the same container without pasv_address (what the
	// natural answer gave before issue 17): PASV announces the container's
	// address and a strict client fails.
	var conf []string
	for _, line := range strings.Split(string(fileContent(t, files, p.Server.Instances[0].File)), "\n") {
		if !strings.HasPrefix(line, "pasv_address=") {
			conf = append(conf, line)
		}
	}
	cl.startContainer(t, p, files, strings.Join(conf, "\n"))
	debug := strict
	debug.Debug = true
	out, err = l.Cli.Lftp(30*time.Second, lab.SrvPublicAddr, cl.user, debug, "cls")
	if err == nil {
		t.Errorf("negative control: a listing without pasv_address succeeded:\n%s", out)
	}
	if i := strings.Index(out, "227 Entering Passive Mode (10,20,0,2,"); i < 0 {
		t.Errorf("negative control: the PASV reply does not name the container's address 10.20.0.2:\n%s", out)
	} else {
		t.Logf("negative control (no pasv_address): %s ... the strict listing failed", strings.SplitN(out[i:], "\n", 2)[0])
	}
}

// fileOf returns the plan's file of a firewall kind.
func fileOf(t *testing.T, files []File, k fwFileKind) File {
	t.Helper()
	return File{Path: fwBackendOf(k).Path(wizard.SideServerHost), Mode: 0o644, Content: fileContent(t, files, fwBackendOf(k).Path(wizard.SideServerHost)),
		Desc: descOf(files, fwBackendOf(k).Path(wizard.SideServerHost))}
}

func descOf(files []File, path string) Desc {
	for _, f := range files {
		if f.Path == path {
			return f.Desc
		}
	}
	return Desc{}
}
