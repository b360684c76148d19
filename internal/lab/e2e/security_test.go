package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// runSecurity checks what the generated classic deployment refuses.
func runSecurity(t *testing.T, bin string, rec *recorder) {
	d := deploy(t, bin, spec{Answers: "classic.yaml", Firewall: "nft"})
	d.serverFiles(1, fileSize)
	checks := []struct {
		name string
		fn   func(t *testing.T, d *deployment, rec *recorder)
	}{
		{"plaintext-login", checkPlaintextLogin},
		{"prot-c", checkProtC},
		{"anonymous", checkAnonymous},
		{"tls-versions", checkTLSVersions},
		{"report-tls13-check", checkReportTLSCap},
		{"port-scan", checkPortScan},
		{"active-mode", checkActiveMode},
		{"chroot", checkChroot},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			dd := *d
			dd.t = t
			dd.Lab = d.Lab.For(t)
			c.fn(t, &dd, rec)
		})
	}
}

// checkPlaintextLogin: USER without AUTH TLS, spoken by hand from cli, for
// the lab user (refused: TLS required) and for anonymous (refused before a
// password is asked: with anonymous_enable=NO "anonymous" is just an account
// name, and the generated user list does not hold it).
func checkPlaintextLogin(t *testing.T, d *deployment, rec *recorder) {
	for _, user := range []string{d.User.Name, "anonymous"} {
		start := time.Now()
		reply, err := plainUSER(d, user)
		// 530 either way: "Non-anonymous sessions must use encryption" (TLS
		// required) or "Permission denied" (not on the user list).
		ok := err == nil && strings.HasPrefix(reply, "530 ")
		rec.add(t, row{What: fmt.Sprintf("plaintext login as %s (USER before AUTH TLS)", map[bool]string{true: "the lab user", false: user}[user == d.User.Name]),
			Expect: "refused", Transfers: 1, Failures: 1, Dur: time.Since(start), OK: ok, Cause: reply})
		if !ok {
			t.Errorf("USER %s without TLS answered %q (%v), want a 530 refusal", user, reply, err)
		}
	}
}

// plainUSER connects to the explicit port from cli, reads the greeting and
// returns the reply to a clear-text USER.
func plainUSER(d *deployment, user string) (string, error) {
	c, err := d.Cli.Dial("tcp", net.JoinHostPort(lab.SrvPublicAddr, "21"), 5*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	greeting, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(greeting, "220 ") {
		return "", fmt.Errorf("greeting %q", strings.TrimSpace(greeting))
	}
	fmt.Fprintf(c, "USER %s\r\n", user)
	reply, err := r.ReadString('\n')
	return strings.TrimSpace(reply), err
}

// checkProtC: TLS login, then data connections without PROT P. curl
// --ftp-ssl-control (TLS for the login only) must fail; lftp with
// ftp:ssl-protect-data/-list off is refused too, but lftp then switches to
// PROT P by itself and carries on, so for lftp the check is the server's
// 522 reply.
func checkProtC(t *testing.T, d *deployment, rec *recorder) {
	start := time.Now()
	_, trace, err := d.Cli.Run(failTimeout, "curl", "-sS", "-v", "--max-time", "10", "--ftp-ssl-control", "--cacert", d.Cert.CertFile,
		"--disable-epsv", "--no-ftp-skip-pasv-ip", "-u", d.User.Name+":"+d.User.Password,
		"-o", filepath.Join(d.ClientDir, "protc.bin"), fmt.Sprintf("ftp://%s/data-%d-00.bin", lab.SrvPublicAddr, fileSize))
	reply := grepLine(trace, "< 522")
	ok := err != nil && reply != "" && !strings.Contains(trace, "> PROT P")
	rec.add(t, row{What: "clear data channel: curl --ftp-ssl-control (TLS login, no PROT P), download", Expect: "refused",
		Transfers: 1, Failures: b2i(err != nil), Dur: time.Since(start), OK: ok, Cause: strings.TrimPrefix(reply, "< ")})
	if !ok {
		t.Errorf("curl --ftp-ssl-control: err=%v, want 522 for the clear data connection:\n%s", err, lastLines(trace, 25))
	}

	start = time.Now()
	o := clientOpts{Timeout: failTimeout, Extra: []string{
		"set ftp:ssl-protect-data/" + lab.SrvPublicAddr + " no",
		"set ftp:ssl-protect-list/" + lab.SrvPublicAddr + " no",
	}}
	out, err := d.lftp(o, "cls -1")
	reply = grepLine(out, "<--- 522")
	ok = reply != ""
	rec.add(t, row{What: "clear data channel: lftp ftp:ssl-protect-data/-list off, listing", Expect: "522 refused",
		Transfers: 1, Failures: b2i(reply != ""), Dur: time.Since(start), OK: ok,
		Cause: strings.TrimPrefix(reply, "<--- ") + map[bool]string{true: " (lftp then retried with PROT P and succeeded)"}[err == nil && ok]})
	if !ok {
		t.Errorf("lftp listing without PROT P: no 522 from the server (err=%v):\n%s", err, lastLines(out, 25))
	}
}

// checkAnonymous: curl over TLS as anonymous and as ftp.
func checkAnonymous(t *testing.T, d *deployment, rec *recorder) {
	for _, user := range []string{"anonymous", "ftp"} {
		start := time.Now()
		// curl writes its trace (-v) to stderr, the listing to stdout.
		out, trace, err := d.Cli.Run(failTimeout, "curl", "-sS", "-v", "--max-time", "10", "--ssl-reqd", "--cacert", d.Cert.CertFile,
			"--disable-epsv", "--no-ftp-skip-pasv-ip", "-u", user+":ftpswiz@example.org", "ftp://"+lab.SrvPublicAddr+"/")
		reply := grepLine(trace, "< 530")
		ok := err != nil && reply != "" && out == ""
		rec.add(t, row{What: "login as " + user + " over TLS (curl --ssl-reqd)", Expect: "refused", Transfers: 1, Failures: b2i(err != nil),
			Dur: time.Since(start), OK: ok, Cause: strings.TrimPrefix(reply, "< ")})
		if !ok {
			t.Errorf("login as %s: err=%v, listing %q; trace:\n%s", user, err, out, lastLines(trace, 20))
		}
	}
}

// checkTLSVersions: openssl s_client from cli against the public address,
// once per TLS version. The client allows every version and cipher
// (@SECLEVEL=0), so a refusal is the server's. TLS 1.0 and 1.1 must be
// refused and 1.2 accepted; TLS 1.3 must be refused (ftpswiz caps vsftpd at
// 1.2 by default) unless the generated answers say allow_tls13: true.
func checkTLSVersions(t *testing.T, d *deployment, rec *recorder) {
	data, err := os.ReadFile(filepath.Join(d.SrvOut, "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := wizard.DecodeAnswers(data)
	if err != nil {
		t.Fatal(err)
	}
	allow13 := a.Server.TLS.AllowTLS13 != nil && *a.Server.TLS.AllowTLS13
	// What the plan promises: the vsftpd.conf section header lists the
	// versions ("# --- TLS versions: TLS 1.2"), and must agree.
	promised := grepLine(readFile(d.Instances[0].Generated), "# --- TLS versions:")
	if promised == "" {
		t.Fatalf("generated vsftpd.conf has no \"# --- TLS versions:\" section")
	}
	if !strings.Contains(promised, "TLS 1.2") || strings.Contains(promised, "TLS 1.3") != allow13 {
		t.Errorf("generated vsftpd.conf promises %q, but allow_tls13 is %v", promised, allow13)
	}
	for _, in := range d.Instances {
		for _, v := range []struct {
			flag, name string
			accept     bool
		}{{"-tls1", "TLS 1.0", false}, {"-tls1_1", "TLS 1.1", false},
			{"-tls1_2", "TLS 1.2", true}, {"-tls1_3", "TLS 1.3", allow13}} {
			start := time.Now()
			args := []string{"s_client", "-connect", net.JoinHostPort(lab.SrvPublicAddr, strconv.Itoa(in.Port)),
				"-brief", "-CAfile", d.Cert.CertFile, v.flag}
			if v.flag != "-tls1_3" {
				args = append(args, "-cipher", "DEFAULT:@SECLEVEL=0")
			}
			if !in.Implicit {
				args = append(args, "-starttls", "ftp")
			}
			so, se, err := d.Cli.RunInput(10*time.Second, "QUIT\r\n", "openssl", args...)
			out := so + se
			accepted := err == nil && strings.Contains(out, "Protocol version: "+strings.ReplaceAll(strings.ReplaceAll(v.name, "TLS ", "TLSv"), "TLSv1.0", "TLSv1"))
			// An alert received from the server: "protocol version" (TLS 1.0,
			// ssl_tlsv1=NO) or "handshake failure" (TLS 1.1: OpenSSL's security
			// level leaves no usable signature algorithm or cipher).
			serverRefused := strings.Contains(out, "alert protocol version") || strings.Contains(out, "alert handshake failure")
			if strings.Contains(out, "no protocols available") {
				// That is the client refusing to offer the version: the check would prove nothing.
				t.Errorf("%s: openssl refused to offer %s itself (client configuration):\n%s", in.Name, v.name, out)
			}
			ok := accepted == v.accept && (v.accept || serverRefused)
			expect := map[bool]string{true: "accepted", false: "refused"}[v.accept]
			rec.add(t, row{What: fmt.Sprintf("%s offered to the %s instance (openssl s_client %s)%s", v.name, in.Name, v.flag,
				map[bool]string{true: ", allow_tls13: true"}[allow13]),
				Expect: expect, Transfers: 1, Failures: b2i(!accepted), Dur: time.Since(start), OK: ok,
				Cause: firstLineWith(out, "Protocol version", "alert", "error:")})
			if !ok {
				t.Errorf("%s instance, %s: accepted=%t, want %t:\n%s", in.Name, v.name, accepted, v.accept, out)
			}
		}
	}
}

// checkReportTLSCap runs the openssl commands that end REPORT.md's step
// "Install the configuration, start vsftpd" on the server host, as written, and checks
// what each one's comment promises ("# must print: ...", "# must fail:
// ..."). The step's `systemctl show -p Environment` lines need systemd,
// which the lab does not run; the lab's equivalent is that vsftpd was
// started with the Environment= its unit and drop-in set (unitEnvironment).
func checkReportTLSCap(t *testing.T, d *deployment, rec *recorder) {
	block := reportBlock(t, d.SrvOut, "Install the configuration")
	ran := 0
	for _, l := range strings.Split(block, "\n") {
		if !strings.HasPrefix(l, "openssl s_client ") {
			continue
		}
		cmd, note, _ := strings.Cut(l, "  # ")
		want, mustFail := "", false
		if w, ok := strings.CutPrefix(note, "must print: "); ok {
			want = w
		} else if w, ok := strings.CutPrefix(note, "must fail: "); ok {
			want, mustFail = w, true
		} else {
			t.Fatalf("REPORT.md's TLS check line has no \"# must print/fail:\" comment: %q", l)
		}
		start := time.Now()
		so, se, err := d.Srv.Run(15*time.Second, "bash", "-c", "timeout 10 "+cmd)
		out := so + se
		ok := strings.Contains(out, want) && (err != nil) == mustFail
		rec.add(t, row{What: "REPORT.md TLS 1.3 check on the server host: " + cmd, Expect: note,
			Transfers: 1, Failures: b2i(err != nil), Dur: time.Since(start), OK: ok, Cause: firstLineWith(out, want, "Protocol version", "alert")})
		if !ok {
			t.Errorf("%s: want %s; err=%v:\n%s", cmd, note, err, out)
		}
		ran++
	}
	if ran != 2*len(d.Instances) {
		t.Errorf("REPORT.md's TLS 1.3 check has %d openssl commands for %d instances:\n%s", ran, len(d.Instances), block)
	}
}

// scanPorts are the ports checked: 1-1024, the passive range ± 50, every
// 499th port above that up to 65535, and a few classic alternatives.
func (d *deployment) scanPorts() []int {
	set := map[int]bool{}
	for p := 1; p <= 1024; p++ {
		set[p] = true
	}
	for p := max(1025, d.PasvMin-50); p <= min(65535, d.PasvMax+50); p++ {
		set[p] = true
	}
	for p := 1025; p <= 65535; p += 499 {
		set[p] = true
	}
	for _, p := range []int{2121, 8021, 8080, 8443, 10000, 65535} {
		set[p] = true
	}
	var out []int
	for p := range set {
		out = append(out, p)
	}
	sort.Ints(out)
	return out
}

type scanResult struct {
	open, refused, filtered []int
	other                   map[int]string
}

// scan connects from ns (from src when not "") to every port of the
// public address, 128 at a time, with a 300 ms connect timeout.
func scan(ns *lab.Namespace, src string, ports []int) scanResult {
	type res struct {
		port int
		kind string
	}
	out := make(chan res, len(ports))
	sem := make(chan struct{}, 128)
	var wg sync.WaitGroup
	for _, p := range ports {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var c net.Conn
			err := ns.Do(func() error {
				dl := net.Dialer{Timeout: 300 * time.Millisecond}
				if src != "" {
					dl.LocalAddr = &net.TCPAddr{IP: net.ParseIP(src)}
				}
				var err error
				c, err = dl.DialContext(context.Background(), "tcp", net.JoinHostPort(lab.SrvPublicAddr, strconv.Itoa(p)))
				return err
			})
			var ne net.Error
			switch {
			case err == nil:
				c.Close()
				out <- res{p, "open"}
			case errors.Is(err, syscall.ECONNREFUSED):
				out <- res{p, "refused"}
			case errors.As(err, &ne) && ne.Timeout():
				out <- res{p, "filtered"}
			default:
				out <- res{p, err.Error()}
			}
		}()
	}
	wg.Wait()
	close(out)
	r := scanResult{other: map[int]string{}}
	for x := range out {
		switch x.kind {
		case "open":
			r.open = append(r.open, x.port)
		case "refused":
			r.refused = append(r.refused, x.port)
		case "filtered":
			r.filtered = append(r.filtered, x.port)
		default:
			r.other[x.port] = x.kind
		}
	}
	sort.Ints(r.open)
	sort.Ints(r.refused)
	sort.Ints(r.filtered)
	return r
}

// rescanMissing gives the ports that should be open but did not answer
// within the scan's short timeout a second chance with 2 s (a slow SYN-ACK
// on a loaded machine is not a firewall verdict).
func rescanMissing(ns *lab.Namespace, src string, r scanResult, want []int) scanResult {
	open := map[int]bool{}
	for _, p := range r.open {
		open[p] = true
	}
	var again []int
	for _, p := range want {
		if !open[p] {
			again = append(again, p)
		}
	}
	if len(again) == 0 || len(again) > 200 {
		return r
	}
	for _, p := range again {
		err := ns.Do(func() error {
			dl := net.Dialer{Timeout: 2 * time.Second}
			if src != "" {
				dl.LocalAddr = &net.TCPAddr{IP: net.ParseIP(src)}
			}
			c, err := dl.DialContext(context.Background(), "tcp", net.JoinHostPort(lab.SrvPublicAddr, strconv.Itoa(p)))
			if err == nil {
				c.Close()
			}
			return err
		})
		if err == nil {
			r.open = append(r.open, p)
			r.filtered = remove(r.filtered, p)
			r.refused = remove(r.refused, p)
		}
	}
	sort.Ints(r.open)
	return r
}

func remove(list []int, p int) []int {
	out := list[:0]
	for _, x := range list {
		if x != p {
			out = append(out, x)
		}
	}
	return out
}

// ranges prints sorted ports compactly: "21, 50000-50074".
func ranges(ports []int) string {
	if len(ports) == 0 {
		return "none"
	}
	var parts []string
	for i := 0; i < len(ports); {
		j := i
		for j+1 < len(ports) && ports[j+1] == ports[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, strconv.Itoa(ports[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", ports[i], ports[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// checkPortScan scans 198.51.100.10 while a decoy listener sits on every
// scanned port of the server host (so anything the routers or host
// firewalls let through shows as open): from cli (all generated rules on
// the path), from the client router itself (the allowed client address,
// without the client's egress filter: the server side alone), and from an
// address the plan does not allow (192.0.2.99, added on the client
// router's wan0). Then, without decoys, what is really listening.
func checkPortScan(t *testing.T, d *deployment, rec *recorder) {
	ports := d.scanPorts()
	control := map[int]bool{}
	var wantOpen []int
	for _, in := range d.Instances {
		control[in.Port] = true
	}
	for _, p := range ports {
		if control[p] || (p >= d.PasvMin && p <= d.PasvMax) {
			wantOpen = append(wantOpen, p)
		}
	}
	var decoys []net.Listener
	err := d.Srv.Do(func() error {
		for _, p := range ports {
			if control[p] {
				continue
			}
			l, err := net.Listen("tcp4", fmt.Sprintf("0.0.0.0:%d", p))
			if err != nil {
				return fmt.Errorf("decoy on %d: %w", p, err)
			}
			decoys = append(decoys, l)
		}
		return nil
	})
	closeDecoys := func() {
		for _, l := range decoys {
			l.Close()
		}
		decoys = nil
	}
	defer closeDecoys()
	if err != nil {
		t.Fatal(err)
	}
	const stranger = "192.0.2.99"
	d.CliRouter.MustRun("ip", "addr", "add", stranger+"/24", "dev", lab.WANIf)

	for _, c := range []struct {
		what string
		ns   *lab.Namespace
		src  string
		want []int
	}{
		{"from the client host (all generated rules on the path)", d.Cli, "", wantOpen},
		{"from the client router's public address (server side only)", d.CliRouter, lab.CliPublicAddr, wantOpen},
		{"from " + stranger + " (not in allowed_clients)", d.CliRouter, stranger, nil},
	} {
		start := time.Now()
		r := scan(c.ns, c.src, ports)
		r = rescanMissing(c.ns, c.src, r, c.want)
		ok := ranges(r.open) == ranges(c.want) && len(r.other) == 0
		rec.add(t, row{What: fmt.Sprintf("TCP scan of %s %s, decoy listeners on every scanned port of the server host (%d ports: %s)",
			lab.SrvPublicAddr, c.what, len(ports), "1-1024, the range ± 50, every 499th above"),
			Expect: "open: " + ranges(c.want), Transfers: len(ports), Failures: len(ports) - len(r.open), Dur: time.Since(start), OK: ok,
			Cause: fmt.Sprintf("open: %s; refused: %d; filtered: %d", ranges(r.open), len(r.refused), len(r.filtered))})
		if !ok {
			t.Errorf("scan %s: open %s, want %s; other errors: %v", c.what, ranges(r.open), ranges(c.want), r.other)
		}
	}
	closeDecoys()
	var ctl []int
	for p := range control {
		ctl = append(ctl, p)
	}
	sort.Ints(ctl)
	start := time.Now()
	r := scan(d.Cli, "", ports)
	ok := ranges(r.open) == ranges(ctl)
	rec.add(t, row{What: fmt.Sprintf("TCP scan of %s from the client host, no decoys (what really listens)", lab.SrvPublicAddr),
		Expect: "open: " + ranges(ctl), Transfers: len(ports), Failures: len(ports) - len(r.open), Dur: time.Since(start), OK: ok,
		Cause: fmt.Sprintf("open: %s; refused: %d; filtered: %d", ranges(r.open), len(r.refused), len(r.filtered))})
	if !ok {
		t.Errorf("scan without decoys: open %s, want %s", ranges(r.open), ranges(ctl))
	}
}

// checkActiveMode: curl in active mode (-P -: EPRT, then PORT) over TLS.
// The server must refuse it (port_enable=NO): under TLS no NAT can follow
// the data connection back to the client.
func checkActiveMode(t *testing.T, d *deployment, rec *recorder) {
	start := time.Now()
	_, trace, err := d.Cli.Run(failTimeout, "curl", "-sS", "-v", "--max-time", "10", "--ssl-reqd", "--cacert", d.Cert.CertFile,
		"-P", "-", "-u", d.User.Name+":"+d.User.Password, "ftp://"+lab.SrvPublicAddr+"/")
	var replies []string
	for _, l := range strings.Split(trace, "\n") {
		if strings.HasPrefix(l, "> EPRT") || strings.HasPrefix(l, "> PORT") {
			replies = append(replies, strings.TrimSpace(strings.Fields(l)[1]))
		}
		if strings.HasPrefix(l, "< 5") && len(replies) > 0 && !strings.Contains(replies[len(replies)-1], ":") {
			replies[len(replies)-1] += ": " + strings.TrimPrefix(strings.TrimSpace(l), "< ")
		}
	}
	ok := err != nil && len(replies) > 0 && strings.Contains(strings.Join(replies, " "), "550")
	rec.add(t, row{What: "active mode (curl -P -: EPRT/PORT over TLS)", Expect: "refused", Transfers: 1, Failures: b2i(err != nil),
		Dur: time.Since(start), OK: ok, Cause: strings.Join(replies, "; ")})
	if !ok {
		t.Errorf("active mode: err=%v, replies %v, want the server to refuse PORT/EPRT:\n%s", err, replies, lastLines(trace, 25))
	}
}

// checkChroot: the user sees only its chroot root.
func checkChroot(t *testing.T, d *deployment, rec *recorder) {
	start := time.Now()
	o := clientOpts{Timeout: failTimeout}
	out, err := d.lftp(o, "cd /", "cd ..", "cd ..", "cls -1a /")
	var names []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "---") && !strings.HasPrefix(l, "<---") && !strings.HasPrefix(l, "**** ") &&
			!strings.HasPrefix(l, "dns cache") && !strings.Contains(l, " ") {
			names = append(names, strings.Trim(l, "/"))
		}
	}
	entries, _ := os.ReadDir(d.User.Home)
	var want []string
	for _, e := range entries {
		want = append(want, e.Name())
	}
	listedOK := err == nil && contains(names, "upload") && !contains(names, "etc") && !contains(names, "usr")
	out2, err2 := d.lftp(o, "get /etc/passwd -o "+filepath.Join(d.ClientDir, "passwd"))
	out3, err3 := d.lftp(o, "get ../../../../etc/passwd -o "+filepath.Join(d.ClientDir, "passwd2"))
	ok := listedOK && err2 != nil && err3 != nil && strings.Contains(out2, "550") && strings.Contains(out3, "550")
	rec.add(t, row{What: "chrooted user: cd .. from /, list /, get /etc/passwd and ../../../../etc/passwd", Expect: "stays in its root",
		Transfers: 3, Failures: b2i(err != nil) + b2i(err2 != nil) + b2i(err3 != nil), Dur: time.Since(start), OK: ok,
		Cause: fmt.Sprintf("/ lists %v (the chroot holds %v); /etc/passwd: %s", names, want, grepLine(out2, "<--- 550"))})
	if !ok {
		t.Errorf("chroot: listing %v (err %v); get /etc/passwd err=%v:\n%s\n../../../../etc/passwd err=%v:\n%s",
			names, err, err2, lastLines(out2, 8), err3, lastLines(out3, 8))
	}
}

func grepLine(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

func firstLineWith(s string, subs ...string) string {
	for _, l := range strings.Split(s, "\n") {
		for _, sub := range subs {
			if strings.Contains(l, sub) {
				return strings.TrimSpace(l)
			}
		}
	}
	return lastLines(s, 1)
}
