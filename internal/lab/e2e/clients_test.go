package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
)

// clientOpts say how a client runs. The zero value is the strict client:
// the generated settings, plus the CA file for the lab's self-signed
// certificate (what the generated files tell a user to add), plus strict
// overrides so that the PASV address and the passive range really matter
// and a failure shows at once: lftp ftp:prefer-epsv no,
// ftp:fix-pasv-address off, net:max-retries 1 (no silent retry hides a
// failed PASV), net:timeout 10; curl.sh with FTPS_STRICT_PASV=1 (its own
// switch for --disable-epsv --no-ftp-skip-pasv-ip) and a .curlrc adding
// --verbose and --max-time.
type clientOpts struct {
	Endpoint  string   // "explicit" (default) or "implicit"
	Stock     bool     // no strict overrides: the generated settings as they are (plus the CA file)
	LimitRate int      // lftp net:limit-rate (bytes/s), to make transfers overlap
	Extra     []string // lftp: more commands after the settings, before the bookmark
	Timeout   time.Duration
}

func (o clientOpts) endpoint() string {
	if o.Endpoint == "" {
		return "explicit"
	}
	return o.Endpoint
}

func (o clientOpts) timeout() time.Duration {
	if o.Timeout == 0 {
		return xferTimeout
	}
	return o.Timeout
}

// clientHome is a per-deployment HOME for the clients (lftp and curl write
// nothing to the real home).
func (d *deployment) clientHome() string {
	home := filepath.Join(d.Dir, "client-home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		d.t.Fatal(err)
	}
	rc := filepath.Join(home, ".curlrc")
	if _, err := os.Stat(rc); err != nil {
		// Read by curl through CURL_HOME: curl.sh stays as generated.
		lab.WriteFile(d.t, rc, "verbose\nmax-time = 30\n")
	}
	return home
}

// lftpScript is the lftp -c script: the generated lftp.rc and its bookmark,
// used as its header says (`source client/lftp.rc; ftps-explicit
// --env-password; ...`).
func (d *deployment) lftpScript(o clientOpts, cmds ...string) string {
	host := lab.SrvPublicAddr
	s := []string{
		"set cmd:fail-exit yes", // the exit status reports any failed command
		"source " + filepath.Join(d.CliOut, "client", "lftp.rc"),
		"set ssl:ca-file " + d.Cert.CertFile,
	}
	if !o.Stock {
		s = append(s,
			"set ftp:prefer-epsv/"+host+" no",
			"set ftp:fix-pasv-address/"+host+" off",
			"set net:max-retries/"+host+" 1",
			"set net:timeout/"+host+" 10")
	}
	if o.LimitRate > 0 {
		s = append(s, fmt.Sprintf("set net:limit-rate %d", o.LimitRate))
	}
	s = append(s, o.Extra...)
	s = append(s, "debug 5", "ftps-"+o.endpoint()+" --env-password")
	return strings.Join(append(s, cmds...), "; ")
}

// lftp runs lftp in cli with the generated lftp.rc.
func (d *deployment) lftp(o clientOpts, cmds ...string) (string, error) {
	home := d.clientHome()
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout())
	defer cancel()
	cmd := d.Cli.Command(ctx, "lftp", "-c", d.lftpScript(o, cmds...))
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_DATA_HOME="+home,
		"XDG_CACHE_HOME="+home, "LFTP_PASSWORD="+d.User.Password)
	out, err := cmd.CombinedOutput()
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("lftp timed out after %v: %w", o.timeout(), err)
	}
	return string(out), err
}

// curl runs the generated client/curl.sh in cli: `curl.sh ENDPOINT ARGS...`
// with a netrc for the password (FTPS_NETRC), the lab CA (FTPS_CA_FILE) and,
// unless Stock, FTPS_STRICT_PASV=1.
func (d *deployment) curl(o clientOpts, args ...string) (string, error) {
	home := d.clientHome()
	netrc := filepath.Join(home, "netrc")
	if _, err := os.Stat(netrc); err != nil {
		if err := os.WriteFile(netrc, []byte(fmt.Sprintf("machine %s login %s password %s\n",
			lab.SrvPublicAddr, d.User.Name, d.User.Password)), 0o600); err != nil {
			d.t.Fatal(err)
		}
	}
	strict := "1"
	if o.Stock {
		strict = "0"
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout())
	defer cancel()
	cmd := d.Cli.Command(ctx, "bash", append([]string{filepath.Join(d.CliOut, "client", "curl.sh"), o.endpoint()}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+home, "CURL_HOME="+home, "FTPS_NETRC="+netrc,
		"FTPS_CA_FILE="+d.Cert.CertFile, "FTPS_STRICT_PASV="+strict)
	cmd.Dir = d.ClientDir
	out, err := cmd.CombinedOutput()
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("curl.sh timed out after %v: %w", o.timeout(), err)
	}
	return string(out), err
}

// xfer is one transfer's outcome.
type xfer struct {
	Client string // lftp or curl
	Up     bool
	OK     bool
	Cause  string // for a failure: what the output shows
	Out    string
	Dur    time.Duration
}

// serverFiles makes sure the chroot root holds n download files of size
// bytes named data-<size>-NN.bin and returns their SHA-256 by name.
func (d *deployment) serverFiles(n int, size int64) map[string]string {
	sums := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("data-%d-%02d.bin", size, i)
		sums[name] = lab.RandomFile(d.t, filepath.Join(d.User.Home, name), size)
	}
	return sums
}

// batch runs n transfers of one client at the same moment: downloads of the
// files serverFiles made, or uploads of fresh random files into upload/.
// Every file's SHA-256 is compared; a transfer counts as OK only then.
func (d *deployment) batch(client string, up bool, n int, size int64, o clientOpts) []xfer {
	d.t.Helper()
	tag := fmt.Sprintf("%s-%d", client, time.Now().UnixNano())
	var down map[string]string
	upSums := make([]string, n)
	if up {
		for i := range n {
			upSums[i] = lab.RandomFile(d.t, filepath.Join(d.ClientDir, fmt.Sprintf("%s-%02d.bin", tag, i)), size)
		}
	} else {
		down = d.serverFiles(n, size)
	}
	res := make([]xfer, n)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			name := fmt.Sprintf("%s-%02d.bin", tag, i)
			local := filepath.Join(d.ClientDir, name)
			remote := fmt.Sprintf("data-%d-%02d.bin", size, i)
			start := time.Now()
			var out string
			var err error
			switch {
			case client == "lftp" && up:
				out, err = d.lftp(o, "put "+local+" -o upload/"+name)
			case client == "lftp":
				out, err = d.lftp(o, "get "+remote+" -o "+local)
			case client == "curl" && up:
				out, err = d.curl(o, "upload", local, "upload/")
			default:
				out, err = d.curl(o, "download", remote, local)
			}
			x := xfer{Client: client, Up: up, Out: out, Dur: time.Since(start)}
			var want, got string
			if up {
				want = upSums[i]
				got, _ = lab.SHA256File(filepath.Join(d.User.Upload, name))
			} else {
				want = down[remote]
				got, _ = lab.SHA256File(local)
			}
			switch {
			case err != nil:
				x.Cause = failureCause(out, err)
			case got != want:
				x.Cause = fmt.Sprintf("sha256 mismatch: got %q, want %s", got, want)
			default:
				x.OK = true
			}
			res[i] = x
		}()
	}
	close(gate)
	wg.Wait()
	return res
}

// Failure signatures, as the strict clients show them.
const (
	sigPrivatePASV = "227 Entering Passive Mode (10,20,0,2,"
	sigGnuTLSOOPS  = "An unexpected TLS packet was received" // lftp: vsftpd's clear-text OOPS inside TLS
	sigOpenSSLOOPS = "wrong version number"                  // curl: the same
	sigRefused     = "Connection refused"
	sigNoRoute     = "No route to host"
	sigUnreachable = "Network is unreachable"
	sigTooMany     = "421 "
	sigOOPSBind    = "500 OOPS: vsf_sysutil_bind"
	sig426Read     = "426 Failure reading network stream"
)

// failureCause names what a failed client run shows, most specific first.
func failureCause(out string, err error) string {
	switch {
	case strings.Contains(out, sig426Read):
		return "upload cut short: vsftpd replied \"" + sig426Read + "\" (the client's RST destroyed the last records)"
	case strings.Contains(out, sigGnuTLSOOPS) || strings.Contains(out, sigOpenSSLOOPS) ||
		strings.Contains(out, sigOOPSBind):
		return "session killed at PASV: vsftpd's \"500 OOPS: vsf_sysutil_bind\" (no free passive port in 9 tries), " +
			"written in clear text into the TLS stream"
	case strings.Contains(out, sigPrivatePASV) || strings.Contains(out, "10.20.0.2"):
		return "PASV announced the server's private address 10.20.0.2 (no pasv_address): " +
			"the data connection cannot reach it (" + firstOf(out, sigNoRoute, sigUnreachable, sigRefused, "timed out") + ")"
	case strings.Contains(out, sigTooMany):
		return "421: more sessions than max_clients/max_per_ip"
	case strings.Contains(out, sigRefused) && strings.Contains(out, "227 Entering Passive Mode (198,51,100,10,"):
		return "data connection to the announced passive port on 198.51.100.10 refused (the port is not forwarded to the server)"
	case strings.Contains(out, sigRefused):
		return "connection refused"
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "timed out"):
		return "timed out: " + err.Error()
	}
	return fmt.Sprintf("%v: %s", err, lastLines(out, 1))
}

func firstOf(out string, sigs ...string) string {
	for _, s := range sigs {
		if strings.Contains(out, s) {
			return s
		}
	}
	return "no connection"
}

// failures returns the failed transfers.
func failures(xs []xfer) []xfer {
	var out []xfer
	for _, x := range xs {
		if !x.OK {
			out = append(out, x)
		}
	}
	return out
}

// describe summarises failed transfers by cause, with the first output.
func describe(xs []xfer) string {
	fs := failures(xs)
	if len(fs) == 0 {
		return "no failures"
	}
	causes := map[string]int{}
	for _, f := range fs {
		causes[f.Cause]++
	}
	var b strings.Builder
	for c, n := range causes {
		fmt.Fprintf(&b, "%d× %s\n", n, c)
	}
	fmt.Fprintf(&b, "first failed output (last 60 lines):\n%s", lastLines(fs[0].Out, 60))
	return b.String()
}
