package e2e

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/probe"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// expectFail runs one transfer that must fail, and checks that the cause
// the output shows contains wantCause and that the failure was not our own
// time limit (so it is quick: the client saw the fault itself).
func expectFail(t *testing.T, d *deployment, rec *recorder, what, client string, o clientOpts, wantCause string) xfer {
	t.Helper()
	if o.Timeout == 0 {
		o.Timeout = failTimeout
	}
	start := time.Now()
	x := d.batch(client, false, 1, fileSize, o)[0]
	ok := !x.OK && strings.Contains(x.Cause, wantCause) && !strings.Contains(x.Cause, "timed out after")
	rec.add(t, row{What: what, Expect: "must fail", Transfers: 1, Failures: b2i(!x.OK), Dur: time.Since(start), OK: ok, Cause: x.Cause})
	switch {
	case x.OK:
		t.Errorf("%s: the transfer succeeded; the lab cannot see this fault", what)
	case !ok:
		t.Errorf("%s: failed, but not with %q: %s\n%s", what, wantCause, x.Cause, lastLines(x.Out, 30))
	default:
		t.Logf("%s: failed in %v as expected: %s", what, x.Dur.Round(time.Millisecond), x.Cause)
	}
	return x
}

// expectOK runs one transfer that must succeed.
func expectOK(t *testing.T, d *deployment, rec *recorder, what, client string, o clientOpts) {
	t.Helper()
	start := time.Now()
	xs := d.batch(client, false, 1, fileSize, o)
	rec.add(t, row{What: what, Expect: "0 failures", Transfers: 1, Failures: len(failures(xs)), Dur: time.Since(start),
		OK: xs[0].OK, Cause: xs[0].Cause})
	if !xs[0].OK {
		t.Errorf("%s: %s\n%s", what, xs[0].Cause, lastLines(xs[0].Out, 30))
	}
}

// runNoPasvAddress: the generated config with its pasv_address line
// removed. vsftpd then announces 10.20.0.2; the strict clients fail at once
// (the client router has no route to it), the stock clients hide it.
func runNoPasvAddress(t *testing.T, bin string, rec *recorder) {
	d := deploy(t, bin, spec{Answers: "classic.yaml", Firewall: "nft"})
	d.startServers(&confChange{Drop: []string{"pasv_address"}})
	const cause = "private address 10.20.0.2"
	expectFail(t, d, rec, "pasv_address removed: strict lftp", "lftp", clientOpts{}, cause)
	expectFail(t, d, rec, "pasv_address removed: strict curl.sh (FTPS_STRICT_PASV=1)", "curl", clientOpts{}, cause)
	expectOK(t, d, rec, "pasv_address removed: stock lftp.rc (fix-pasv-address on) hides it", "lftp", clientOpts{Stock: true})
	expectOK(t, d, rec, "pasv_address removed: stock curl.sh (EPSV, skip PASV IP) hides it", "curl", clientOpts{Stock: true})
}

// runRouterWithoutRange: the generated server-router.nft with its two
// passive-range rules (DNAT and forward accept) removed, as when an
// administrator forwards only port 21. Login works; every data connection
// is refused by the router (it has no listener there and the generated
// router rules filter only forwarded traffic), so even stock clients fail.
func runRouterWithoutRange(t *testing.T, bin string, rec *recorder) {
	d := deploy(t, bin, spec{Answers: "classic.yaml", Firewall: "nft"})
	gen, err := os.ReadFile(filepath.Join(d.SrvOut, "firewall", "server-router.nft"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	removed := 0
	for _, l := range strings.Split(string(gen), "\n") {
		if strings.Contains(l, `comment "ftpswiz passive-data`) {
			removed++
			continue
		}
		kept = append(kept, l)
	}
	if removed != 2 {
		t.Fatalf("server-router.nft: want 2 passive-data rules (dnat, forward), found %d", removed)
	}
	path := lab.WriteFile(t, "server-router-without-range.nft", strings.Join(kept, "\n"))
	if so, se, err := d.SrvRouter.Run(0, "nft", "-f", path); err != nil {
		t.Fatalf("nft -f %s: %v\n%s%s", path, err, so, se)
	}
	const cause = "refused"
	for _, c := range []struct {
		what, client string
		o            clientOpts
	}{
		{"passive range not forwarded by the server router: strict lftp", "lftp", clientOpts{}},
		{"passive range not forwarded by the server router: strict curl.sh", "curl", clientOpts{}},
		{"passive range not forwarded by the server router: stock lftp.rc", "lftp", clientOpts{Stock: true}},
	} {
		x := expectFail(t, d, rec, c.what, c.client, c.o, cause)
		if !strings.Contains(x.Out, "227 Entering Passive Mode (198,51,100,10,") && !strings.Contains(x.Out, "229 Entering Extended Passive Mode") {
			t.Errorf("%s: the server's passive reply is not in the output (the failure should come after it):\n%s", c.what, lastLines(x.Out, 30))
		}
	}
}

// runRangeTooSmall: the generated config at its own concurrency (16
// sessions) with the passive range cut to 8 ports, half of what N needs and
// far below the 75 the model asks for. Sessions die at PASV with vsftpd's
// "500 OOPS: vsf_sysutil_bind"; over TLS the clients only see a broken TLS
// stream, so a probe session with a recording connection shows the literal
// OOPS while the lftp sessions hold every port. max_clients and max_per_ip
// are raised to n+4 so the probe is never turned away with 421 (the range,
// not the session cap, is what this control cuts).
func runRangeTooSmall(t *testing.T, bin string, rec *recorder) {
	d := deploy(t, bin, spec{Answers: "classic.yaml", Firewall: "nft"})
	const n, small = 16, 8
	// max_clients/max_per_ip are raised above n so that the probe session
	// always gets in while the n lftp sessions are connected: at the
	// generated 16 it raced them and sometimes got "421 There are too many
	// connected users" instead of reaching PASV.
	sessions := strconv.Itoa(n + 4)
	d.startServers(&confChange{Set: map[string]string{"pasv_max_port": strconv.Itoa(d.PasvMin + small - 1),
		"max_clients": sessions, "max_per_ip": sessions}})
	if d.PasvMax-d.PasvMin+1 != small {
		t.Fatalf("range is %d-%d, want %d ports", d.PasvMin, d.PasvMax, small)
	}
	start := time.Now()
	s := d.sample()
	done := make(chan []xfer, 1)
	go func() {
		done <- d.batch("lftp", false, n, designSize, clientOpts{LimitRate: designRate, Timeout: failTimeout})
	}()

	// Wait (bounded) until the lftp sessions hold every passive port, then
	// ask for one more.
	deadline := time.Now().Add(10 * time.Second)
	for {
		e, l := d.srvSockets(d.PasvMin, d.PasvMax)
		if e+l >= small || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	raw, report := probeRecorded(t, d)
	xs := <-done
	est, held := s.finish()
	fs := failures(xs)
	bind := 0
	for _, f := range fs {
		if strings.Contains(f.Cause, "vsf_sysutil_bind") {
			bind++
		}
	}
	oops := bytes.Contains(raw, []byte(sigOOPSBind))
	cause := fmt.Sprintf("%d× lftp %q (vsftpd's clear-text OOPS inside TLS); probe session's raw bytes contain %q: %t",
		bind, sigGnuTLSOOPS, sigOOPSBind, oops)
	expected := expectedFailures(n, small)
	rec.add(t, row{What: fmt.Sprintf("passive range cut to %d ports at N=%d (the model asks for %d; max_clients/max_per_ip %s so the probe gets in); up to %d data connections "+
		"open and %d ports held at once; the model expects %.1f failed sessions", small, n,
		wizard.PassivePortsFor(n, wizard.DefaultTargetFailureRate), sessions, est, held, expected),
		Expect: "must fail", Transfers: n, Failures: len(fs), Dur: time.Since(start), OK: bind > 0 && bind == len(fs) && oops, Cause: cause})
	if bind == 0 {
		t.Errorf("range %d at N=%d: no session died with the bind OOPS:\n%s", small, n, describe(xs))
	}
	if bind != len(fs) {
		t.Errorf("range %d at N=%d: %d failures are not the bind OOPS:\n%s", small, n, len(fs)-bind, describe(xs))
	}
	if !oops {
		t.Errorf("the probe session's raw control bytes do not contain %q; probe report:\n%s\nraw tail: %q",
			sigOOPSBind, report, lastBytes(raw, 300))
	} else {
		t.Logf("probe session while the range was full: raw bytes contain %q; probe says: %s", sigOOPSBind, report)
	}
}

// recConn records every byte read from the network, below TLS.
type recConn struct {
	net.Conn
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (c recConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.buf.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

// Close first records what the server still sent (bounded: 4 KiB, 300 ms):
// vsftpd writes "500 OOPS: " and its message in separate writes, and the
// TLS layer stops reading at the first one.
func (c recConn) Close() error {
	_ = c.Conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	rest := make([]byte, 4096)
	n, _ := io.ReadAtLeast(c.Conn, rest, len(rest))
	c.mu.Lock()
	c.buf.Write(rest[:n])
	c.mu.Unlock()
	return c.Conn.Close()
}

// probeRecorded runs the project's own probe (package probe: a Go FTPS
// client) from cli against the explicit instance, recording the raw bytes
// of every connection, and returns them with a one-line summary of the
// failed step. A 421 (all sessions taken) is retried, bounded.
func probeRecorded(t *testing.T, d *deployment) ([]byte, string) {
	t.Helper()
	pem, err := os.ReadFile(d.Cert.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	var mu sync.Mutex
	var buf bytes.Buffer
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		var c net.Conn
		err := d.Cli.Do(func() error {
			var dl net.Dialer
			var err error
			c, err = dl.DialContext(ctx, network, addr)
			return err
		})
		if err != nil {
			return nil, err
		}
		return recConn{Conn: c, mu: &mu, buf: &buf}, nil
	}
	summary := ""
	for range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), failTimeout)
		r, err := probe.Run(ctx, probe.Options{Host: lab.SrvPublicAddr, Port: d.instance("explicit").Port, Mode: probe.Explicit,
			User: d.User.Name, Password: d.User.Password, RootCAs: pool, Timeout: 10 * time.Second,
			StepTimeout: 3 * time.Second, Dial: dial})
		cancel()
		if err != nil {
			t.Fatalf("probe: %v", err)
		}
		summary = "no step failed"
		for _, s := range r.Problems() {
			if s.Diagnosis != nil {
				summary = fmt.Sprintf("step %s: %s [%s]", s.ID, s.Detail, s.Diagnosis.Code)
				break
			}
		}
		mu.Lock()
		got := bytes.Contains(buf.Bytes(), []byte(sigOOPSBind))
		mu.Unlock()
		if got || !strings.Contains(summary, "421") {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return append([]byte(nil), buf.Bytes()...), summary
}

func lastBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// expectedFailures is the sizing model applied to one burst: n sessions ask
// for a passive port one after another while every earlier successful
// session still holds its port (the lab's slow transfers make that so). With
// b ports held a PASV fails with probability (b/r)^9 (wizard's
// FailureProbability); a failed session holds nothing. It returns the
// expected number of failed sessions.
func expectedFailures(n, r int) float64 {
	// p[b] = probability that b ports are held after the sessions so far.
	p := make([]float64, n+1)
	p[0] = 1
	fails := 0.0
	for range n {
		next := make([]float64, n+1)
		for b, pb := range p {
			if pb == 0 {
				continue
			}
			f := wizard.FailureProbability(b, r)
			fails += pb * f
			next[b] += pb * f
			if b+1 <= n {
				next[b+1] += pb * (1 - f)
			}
		}
		p = next
	}
	return fails
}
