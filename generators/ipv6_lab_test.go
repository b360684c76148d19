package generators

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/probe"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// ipv6LabAnswers is the dual-stack plan on lab.New's topology with
// EnableIPv6: the server behind the IPv4 port-forwarding router, which
// routes IPv6 to the host's own address; the client's router masquerades
// IPv4 and routes IPv6. The design point is small (8 transfers).
const ipv6LabAnswers = `version: 1
role: both
ftps:
  mode: explicit
server:
  public_address: ` + lab.SrvPublicAddr + `
  host_address: ` + lab.SrvAddr + `
  ipv6_address: ` + lab.SrvAddr6 + `
  nat: port-forward
  router: {wan_interface: wan0, lan_interface: lan0}
  allowed_clients: [` + lab.CliPublicAddr + `/32, ` + lab.CliLAN6 + `]
  admin_network: ` + lab.SrvLAN + `
  capacity:
    concurrent_transfers: 8
  vsftpd:
    flavour: debian-3.0.3
client:
  nat: masquerade
  router: {wan_interface: wan0, lan_interface: lan0}
  lan_cidr: ` + lab.CliLAN + `
  ipv6_prefix: ` + lab.CliLAN6 + `
  software: [lftp, curl]
firewalls: [nftables, iptables]
`

// TestIPv6Lab proves the dual-stack plan in the lab, IPv6 in 2001:db8::/32
// inside the namespaces only: the generated nftables rules on the three
// boxes, the IPv4 vsftpd instance (pasv_address) and the IPv6 instance
// (listen_ipv6, no pasv_address), each as generated. Strict lftp and curl
// (PASV address used as announced, certificate verified) move 8 files at
// once over IPv4 and over IPv6, checked by SHA-256; an IPv6 port scan from
// the client finds only the control port and the passive range; an
// IPv6-only client works. Negative controls: the IPv6 passive range closed
// on the server host fails the IPv6 data connection (the probe names it)
// while IPv4 still works; listen_ipv6=YES with pasv_address makes the IPv4
// PASV announce 0,0,0,0 (the probe names that). The ip6tables files pass
// ip6tables-restore --test and the nft files nft -c.
func TestIPv6Lab(t *testing.T) {
	lab.Require(t, "ip", "nft", "ip6tables-restore", "vsftpd", "lftp", "curl", "openssl", "bash")
	l := lab.New(t)
	l.EnableIPv6()
	u := lab.NewUser(t)
	dir := lab.TempDir(t)

	// A certificate for both addresses clients dial, so both verify it.
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
		"-subj", "/CN="+lab.SrvPublicAddr, "-addext", "subjectAltName=IP:"+lab.SrvPublicAddr+",IP:"+lab.SrvAddr6,
		"-keyout", key, "-out", cert).CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	answers := lab.WriteFile(t, "dual-stack-lab.yaml", ipv6LabAnswers)
	p := decideFile(t, answers, func(a *wizard.Answers) {
		a.Server.Vsftpd.Users = []string{u.Name}
		a.Server.TLS.CertFile, a.Server.TLS.KeyFile = cert, key
		a.Client.User = u.Name
	})
	if !p.Server.SplitListeners || len(p.Server.Instances) != 2 {
		t.Fatalf("the plan does not split the listeners: %+v", p.Server.Instances)
	}
	files, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	out := fwWrite(t, files)

	// Every ip6tables file passes ip6tables-restore --test and every nft
	// file nft -c, inside the server namespace (only Debian's default
	// ruleset is loaded: the routers are shared boxes, whose files add to
	// it).
	l.Srv.MustNFT(lab.DebianNftables)
	checked := 0
	for _, f := range files {
		path := filepath.Join(out, filepath.FromSlash(f.Path))
		var cmd string
		switch {
		case strings.HasSuffix(f.Path, ".ip6tables"):
			cmd = "ip6tables-restore --test < " + shQuote(path)
		case strings.HasSuffix(f.Path, ".iptables"):
			cmd = "iptables-restore --test < " + shQuote(path)
		case strings.HasSuffix(f.Path, ".nft"):
			cmd = "nft -c -f " + shQuote(path)
		default:
			continue
		}
		if _, stderr, err := l.Srv.Run(30*time.Second, "bash", "-c", cmd); err != nil {
			t.Errorf("%s: %v\n%s", cmd, err, stderr)
		}
		checked++
	}
	if checked < 8 {
		t.Fatalf("only %d firewall files checked", checked)
	}

	// The rules, on their boxes.
	boxes := map[wizard.Side]*lab.Namespace{wizard.SideServerHost: l.Srv, wizard.SideServerRouter: l.SrvRouter, wizard.SideClientRouter: l.CliRouter}
	loadNft := func(side wizard.Side, edit func(string) string) {
		t.Helper()
		content := string(fwFile(t, files, nftPath(side)).Content)
		if edit != nil {
			content = edit(content)
		}
		path := lab.WriteFile(t, fmt.Sprintf("%s-%d.nft", side, time.Now().UnixNano()), content)
		if _, stderr, err := boxes[side].Run(30*time.Second, "nft", "-f", path); err != nil {
			t.Fatalf("%s: nft -f: %v\n%s", side, err, stderr)
		}
	}
	for _, ns := range boxes {
		ns.MustNFT(lab.DebianNftables) // each box's own firewall (accepts everything)
	}
	for side := range boxes {
		loadNft(side, nil)
	}

	// The two vsftpd instances as generated, pointed at the lab user.
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	userList := lab.WriteFile(t, "user_list", u.Name+"\n")
	cnf := lab.WriteFile(t, "vsftpd-openssl.cnf", string(fwFile(t, files, vsftpdOpenSSLFile).Content))
	procs := map[string]*lab.Process{}
	start := func(in wizard.Instance, set map[string]string) error {
		t.Helper()
		if old := procs[in.Name]; old != nil {
			old.Stop()
		}
		patch := map[string]string{"userlist_file": userList, "secure_chroot_dir": empty, "local_root": u.Home,
			"vsftpd_log_file": filepath.Join(dir, in.Name+".log")}
		for k, v := range set {
			patch[k] = v
		}
		conf := reportLabPatch(string(fwFile(t, files, in.File).Content), patch)
		path := lab.WriteFile(t, fmt.Sprintf("%s-%d.conf", in.Name, time.Now().UnixNano()), conf)
		opts := lab.ParseVsftpdConf(conf)
		host := lab.SrvAddr
		if opts["listen_ipv6"] == "YES" {
			host = lab.SrvAddr6
		}
		proc := l.Srv.Start("env", "OPENSSL_CONF="+cnf, "vsftpd", path)
		procs[in.Name] = proc
		if err := l.Srv.WaitTCP(net.JoinHostPort(host, opts["listen_port"]), 10*time.Second); err != nil {
			return fmt.Errorf("vsftpd %s: %v\n%s", in.Name, err, proc.Output())
		}
		return nil
	}
	for _, in := range p.Server.Instances {
		if err := start(in, nil); err != nil {
			t.Fatal(err)
		}
	}

	const n = 8
	const size = 256 << 10
	sums := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("data-%02d.bin", i)
		sums[name] = lab.RandomFile(t, filepath.Join(u.Home, name), size)
	}
	lftpOpts := lab.LftpOptions{CAFile: cert} // strict: PASV as announced, no EPSV preference, one try
	families := []struct{ name, host, url string }{
		{"ipv4", lab.SrvPublicAddr, lab.SrvPublicAddr},
		{"ipv6", lab.SrvAddr6, "[" + lab.SrvAddr6 + "]"},
	}
	for _, fam := range families {
		t.Run(fam.name, func(t *testing.T) {
			cli := l.Cli.For(t)
			work := filepath.Join(lab.TempDir(t), "work-"+fam.name)
			if err := os.MkdirAll(work, 0o755); err != nil {
				t.Fatal(err)
			}
			// The design point: n sessions at once (max_clients), first
			// lftp's, then curl's.
			errs := make([]error, 2*n)
			var wg sync.WaitGroup
			for i := range n {
				name := fmt.Sprintf("data-%02d.bin", i)
				wg.Add(1)
				go func() { // strict lftp: download, then upload the copy
					defer wg.Done()
					local := filepath.Join(work, "lftp-"+name)
					o, err := cli.Lftp(60*time.Second, fam.url, u, lftpOpts, "get "+name+" -o "+local,
						"put "+local+" -o upload/"+fam.name+"-"+name)
					if err != nil {
						errs[i] = fmt.Errorf("lftp %s: %v\n%s", name, err, o)
					}
				}()
			}
			wg.Wait()
			for i := range n {
				name := fmt.Sprintf("data-%02d.bin", i)
				wg.Add(1)
				go func() { // strict curl: download
					defer wg.Done()
					local := filepath.Join(work, "curl-"+name)
					cctx, ccancel := context.WithTimeout(context.Background(), 60*time.Second)
					defer ccancel()
					cmd := cli.Command(cctx, "curl", "--silent", "--show-error", "--ssl-reqd", "--disable-epsv",
						"--no-ftp-skip-pasv-ip", "--cacert", cert, "--max-time", "50", "--connect-timeout", "10",
						"--user", u.Name+":"+u.Password, "-o", local, "ftp://"+fam.url+"/"+name)
					if o, err := cmd.CombinedOutput(); err != nil {
						errs[n+i] = fmt.Errorf("curl %s: %v\n%s", name, err, o)
					}
				}()
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			for name, want := range sums {
				for _, f := range []string{filepath.Join(work, "lftp-"+name), filepath.Join(work, "curl-"+name),
					filepath.Join(u.Upload, fam.name+"-"+name)} {
					if got, err := lab.SHA256File(f); err != nil || got != want {
						t.Errorf("%s: sha256 %s (%v), want %s", f, got, err, want)
					}
				}
			}
			t.Logf("%s: %d strict lftp sessions at once (download + upload each), then %d strict curl downloads at once, sha256 checked", fam.name, n, n)
		})
	}

	// IPv6 port scan from the client host: a port answers (connects or is
	// refused) only when the rules let it through; every other port times
	// out. Only the control port and the passive range may answer.
	pasv := p.Server.Passive
	var ports []int
	for port := 1; port <= 1100; port++ {
		ports = append(ports, port)
	}
	for port := pasv.First - 10; port <= pasv.Last+10; port++ {
		ports = append(ports, port)
	}
	ports = append(ports, 2121, 8080, 60000)
	reachable := scanIPv6(t, l.Cli, lab.SrvAddr6, ports)
	// The scan's short per-port bound can lapse for a port that answers when
	// a hundred dials share two loaded cores: the ports that must answer are
	// dialled once more, one at a time, with a longer bound. (Ports that must
	// not answer need no second look: a timeout is what the rules should give.)
	for _, port := range []int{21, pasv.First, pasv.Last} {
		if slices.Contains(reachable, port) {
			continue
		}
		c, err := l.Cli.Dial("tcp6", net.JoinHostPort(lab.SrvAddr6, strconv.Itoa(port)), 5*time.Second)
		if err == nil {
			c.Close()
		}
		if err == nil || errors.Is(err, syscall.ECONNREFUSED) {
			t.Logf("IPv6 port scan: port %d answered only on the second, longer dial", port)
			reachable = append(reachable, port)
		}
	}
	slices.Sort(reachable)
	for _, port := range reachable {
		if port != 21 && !pasv.Contains(port) {
			t.Errorf("IPv6 port scan: port %d answers; only 21 and %s may", port, pasv)
		}
	}
	if !slices.Contains(reachable, 21) || !slices.Contains(reachable, pasv.First) || !slices.Contains(reachable, pasv.Last) {
		t.Errorf("IPv6 port scan: the control port or the passive range does not answer: %v", reachable)
	}
	t.Logf("IPv6 port scan of %d ports: %d answer (21 and the passive range %s)", len(ports), len(reachable), pasv)

	probeOver := func(host string) *probe.Report {
		t.Helper()
		r, err := probe.Run(context.Background(), probe.Options{Host: host, User: u.Name, Password: u.Password,
			ServerName: host, Fingerprint: "", RootCAs: certPool(t, cert), PassiveRange: pasv.String(),
			Timeout: 40 * time.Second, StepTimeout: 5 * time.Second,
			Dial: func(_ context.Context, network, addr string) (net.Conn, error) {
				return l.Cli.Dial(network, addr, 5*time.Second)
			}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := probeOver(lab.SrvAddr6); r.Worst() == probe.Fail || r.Family != probe.FamilyIPv6 {
		t.Fatalf("probe over IPv6 with the generated rules: %+v", r.Problems())
	}

	// Negative control: the IPv6 passive range closed on the server host.
	loadNft(wizard.SideServerHost, func(s string) string {
		var keep []string
		for _, line := range strings.Split(s, "\n") {
			if strings.Contains(line, "ip6 saddr") && strings.Contains(line, "passive-data") {
				continue
			}
			keep = append(keep, line)
		}
		return strings.Join(keep, "\n")
	})
	r := probeOver(lab.SrvAddr6)
	data, _ := r.Step("data")
	if data.Status != probe.Fail || data.Diagnosis == nil || !strings.Contains(data.Diagnosis.Cause+data.Diagnosis.Fix, "passive") {
		t.Errorf("IPv6 passive range closed: the probe's data step is %s %+v, want a failure naming the passive range", data.Status, data.Diagnosis)
	} else {
		t.Logf("IPv6 passive range closed: probe data step fails [%s]: %s", data.Diagnosis.Code, data.Diagnosis.Cause)
	}
	if r4 := probeOver(lab.SrvPublicAddr); r4.Worst() == probe.Fail {
		t.Errorf("IPv6 passive range closed: IPv4 fails too: %+v", r4.Problems())
	}
	loadNft(wizard.SideServerHost, nil)

	// Negative control: listen_ipv6=YES with pasv_address on the IPv4
	// instance (Debian's default listener): vsftpd ignores pasv_address.
	v4, v6 := p.Server.Instances[0], p.Server.Instances[1]
	procs[v6.Name].Stop() // the IPv4 instance now listens on [::] too
	if err := start(v4, map[string]string{"listen": "NO", "listen_ipv6": "YES"}); err != nil {
		t.Fatal(err)
	}
	r = probeOver(lab.SrvPublicAddr)
	ps, _ := r.Step("pasv")
	if ps.Status != probe.Fail || ps.Diagnosis == nil || ps.Diagnosis.Code != "pasv-zero" {
		t.Errorf("listen_ipv6 with pasv_address: pasv step %s %+v, want pasv-zero", ps.Status, ps.Diagnosis)
	} else {
		t.Logf("listen_ipv6=YES with pasv_address: probe pasv step fails [%s]", ps.Diagnosis.Code)
	}
	if err := start(v4, nil); err != nil {
		t.Fatal(err)
	}
	if err := start(v6, nil); err != nil {
		t.Fatal(err)
	}

	// An IPv6-only client: the client host loses its IPv4 address.
	l.Cli.MustRun("ip", "-4", "addr", "flush", "dev", lab.HostIf)
	work := filepath.Join(dir, "work-ipv6-only")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	local := filepath.Join(work, "data-00.bin")
	if o, err := l.Cli.Lftp(60*time.Second, "["+lab.SrvAddr6+"]", u, lftpOpts, "get data-00.bin -o "+local); err != nil {
		t.Fatalf("IPv6-only client: %v\n%s", err, o)
	}
	if got, _ := lab.SHA256File(local); got != sums["data-00.bin"] {
		t.Errorf("IPv6-only client: sha256 %s, want %s", got, sums["data-00.bin"])
	}
	if _, err := l.Cli.Lftp(15*time.Second, lab.SrvPublicAddr, u, lftpOpts, "ls"); err == nil {
		t.Errorf("IPv6-only client reaches the IPv4 address: the client is not IPv6-only")
	}
}

// scanIPv6 connects to each port of host from ns (100 at a time, 700 ms
// each) and returns the ports that answer: a connection or a refusal. A
// filtered port times out.
func scanIPv6(t *testing.T, ns *lab.Namespace, host string, ports []int) []int {
	t.Helper()
	var mu sync.Mutex
	var out []int
	sem := make(chan struct{}, 100)
	var wg sync.WaitGroup
	for _, port := range ports {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := ns.Dial("tcp6", net.JoinHostPort(host, strconv.Itoa(port)), 700*time.Millisecond)
			if err == nil {
				c.Close()
			}
			if err == nil || errors.Is(err, syscall.ECONNREFUSED) {
				mu.Lock()
				out = append(out, port)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(out)
	return out
}

// certPool trusts the PEM certificate file.
func certPool(t *testing.T, file string) *x509.CertPool {
	t.Helper()
	pem, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", file)
	}
	return pool
}
