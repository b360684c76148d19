package lab

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Parameters of the passive-port measurement. Each client downloads
// passiveFileSize bytes at passiveRate bytes/s (lftp net:limit-rate), so a
// data connection stays open about 2s and the 16 sessions' data connections
// overlap (measured: see maxOverlap).
const (
	passiveConcurrency = 16
	passiveFileSize    = 512 * 1024
	passiveRate        = 256 * 1024
	passiveMinPort     = 50000
)

// Client-side signatures of vsftpd's "500 OOPS: vsf_sysutil_bind" (all 9
// random bind attempts hit busy ports). Over TLS the OOPS is written in
// clear text into the TLS stream, so GnuTLS (lftp) reports a bad record.
const (
	oopsBind       = "500 OOPS: vsf_sysutil_bind"
	oopsBindGnuTLS = "An unexpected TLS packet was received"
)

type passiveResult struct {
	Range      int
	Plain      bool
	Transfers  int
	OK         int
	BindFail   int // failures showing oopsBind / oopsBindGnuTLS
	OtherFail  int
	MaxOverlap int // most simultaneous ESTABLISHED data connections on the server
	MaxBusy    int // most passive ports held at once by a PASV listener
	Outputs    []string
}

func (r passiveResult) failures() int { return r.BindFail + r.OtherFail }

// passiveLab is a lab with NAT for 21 + the widest range measured, a user
// with the download file and a certificate.
type passiveLab struct {
	*Lab
	user   *User
	cert   *Cert
	sum    string
	vsftpd *Process
}

func newPassiveLab(t *testing.T) *passiveLab {
	t.Helper()
	Require(t, "vsftpd", "lftp", "nft", "openssl")
	pl := &passiveLab{Lab: New(t)}
	pl.user = NewUser(t)
	pl.cert = NewCert(t, SrvPublicAddr)
	pl.sum = RandomFile(t, filepath.Join(pl.user.Home, "data.bin"), passiveFileSize)
	pl.RouterNAT("21", fmt.Sprintf("%d-%d", passiveMinPort, passiveMinPort+99))
	return pl
}

// configure (re)starts vsftpd with a passive range of size n.
func (pl *passiveLab) configure(t *testing.T, n int, plain bool) {
	t.Helper()
	if pl.vsftpd != nil {
		pl.vsftpd.Stop()
	}
	name := fmt.Sprintf("range%d-plain%t", n, plain)
	c := ftpsConf{PasvAddress: SrvPublicAddr, PasvMin: passiveMinPort, PasvMax: passiveMinPort + n - 1,
		ForceTLS: !plain, Log: filepath.Join(pl.Dir, name+".log")}
	pl.vsftpd = pl.Srv.StartVsftpd(WriteFile(t, name+".conf", c.render(pl.user, pl.cert)))
}

// passiveSockets counts, in the namespace of pid (read from
// /proc/PID/net/tcp: no process spawned, so sampling is cheap), the
// ESTABLISHED connections and the LISTEN sockets whose local port is in
// [lo, hi]. A LISTEN socket is what makes vsftpd's bind() fail: a session
// keeps its PASV listener open until it considers the transfer finished.
func passiveSockets(pid, lo, hi int) (established, listening int) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/net/tcp", pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 {
			continue
		}
		_, portHex, ok := strings.Cut(fields[1], ":")
		if !ok {
			continue
		}
		port, err := strconv.ParseInt(portHex, 16, 32)
		if err != nil || int(port) < lo || int(port) > hi {
			continue
		}
		switch fields[3] {
		case "01": // ESTABLISHED
			established++
		case "0A": // LISTEN
			listening++
		}
	}
	return established, listening
}

// run starts passiveConcurrency downloads at once and classifies them.
func (pl *passiveLab) run(t *testing.T, n int, plain bool) passiveResult {
	t.Helper()
	res := passiveResult{Range: n, Plain: plain, Transfers: passiveConcurrency}
	hi := passiveMinPort + n - 1
	pid := pl.vsftpd.PID()

	// Start from a quiet server: no data connection left from a previous run.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if e, l := passiveSockets(pid, passiveMinPort, hi); e == 0 && l == 0 {
			break
		}
	}

	stop := make(chan struct{})
	var samplerDone sync.WaitGroup
	samplerDone.Add(1)
	go func() {
		defer samplerDone.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			e, l := passiveSockets(pid, passiveMinPort, hi)
			res.MaxOverlap = max(res.MaxOverlap, e)
			res.MaxBusy = max(res.MaxBusy, l)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()

	type outcome struct {
		ok  bool
		out string
	}
	outcomes := make([]outcome, passiveConcurrency)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range outcomes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dl := filepath.Join(pl.Dir, fmt.Sprintf("dl-%d-%d.bin", n, i))
			os.Remove(dl)
			<-gate
			out, err := pl.Cli.Lftp(60*time.Second, SrvPublicAddr, pl.user,
				LftpOptions{Plain: plain, LimitRate: passiveRate, Debug: true}, "get data.bin -o "+dl)
			ok := false
			if err == nil {
				sum, serr := SHA256File(dl)
				ok = serr == nil && sum == pl.sum
			}
			outcomes[i] = outcome{ok, out}
		}()
	}
	close(gate)
	wg.Wait()
	close(stop)
	samplerDone.Wait()

	for _, o := range outcomes {
		switch {
		case o.ok:
			res.OK++
		case strings.Contains(o.out, oopsBind) || strings.Contains(o.out, oopsBindGnuTLS):
			res.BindFail++
			res.Outputs = append(res.Outputs, o.out)
		default:
			res.OtherFail++
			res.Outputs = append(res.Outputs, o.out)
		}
	}
	return res
}

func (r passiveResult) String() string {
	proto := "FTPS"
	if r.Plain {
		proto = "plain FTP"
	}
	return fmt.Sprintf("%s, range %d, %d concurrent: %d OK, %d failed with the bind OOPS, %d other failures; at most %d data connections open and %d passive ports held at once",
		proto, r.Range, r.Transfers, r.OK, r.BindFail, r.OtherFail, r.MaxOverlap, r.MaxBusy)
}

// TestPassiveRangeExhaustion is the short, always-run version of the
// measurement: with 16 concurrent slow transfers a 2-port passive range makes
// vsftpd kill sessions ("500 OOPS: vsf_sysutil_bind"; over TLS lftp shows
// only a TLS error), and a 75-port range serves all 16.
func TestPassiveRangeExhaustion(t *testing.T) {
	pl := newPassiveLab(t)

	pl.configure(t, 75, false)
	wide := pl.run(t, 75, false)
	t.Log(wide)
	if wide.failures() != 0 {
		t.Errorf("range 75: %d failures, want 0; first:\n%s", wide.failures(), wide.Outputs[0])
	}
	// The point of the slow transfers: the data connections overlap.
	if wide.MaxOverlap < passiveConcurrency/2 {
		t.Errorf("only %d data connections overlapped (want >= %d): the measurement would be meaningless",
			wide.MaxOverlap, passiveConcurrency/2)
	}

	pl.configure(t, 2, false)
	narrow := pl.run(t, 2, false)
	t.Log(narrow)
	if narrow.BindFail == 0 {
		t.Errorf("range 2 with %d concurrent FTPS transfers: no bind failure observed", passiveConcurrency)
	}
	if narrow.OtherFail != 0 {
		t.Errorf("range 2: %d failures of another kind; first:\n%s", narrow.OtherFail, firstOther(narrow))
	}
	if narrow.OK > 2+passiveConcurrency/2 {
		t.Errorf("range 2: %d of %d succeeded; expected most to fail", narrow.OK, passiveConcurrency)
	}

	// Without TLS the client shows vsftpd's message itself.
	pl.configure(t, 2, true)
	plain := pl.run(t, 2, true)
	t.Log(plain)
	literal := 0
	for _, o := range plain.Outputs {
		if strings.Contains(o, oopsBind) {
			literal++
		}
	}
	if literal == 0 {
		t.Errorf("range 2, plain FTP: no client saw %q; outputs:\n%s", oopsBind, strings.Join(plain.Outputs, "\n---\n"))
	}
}

func firstOther(r passiveResult) string {
	for _, o := range r.Outputs {
		if !strings.Contains(o, oopsBind) && !strings.Contains(o, oopsBindGnuTLS) {
			return o
		}
	}
	return ""
}

// TestPassiveRangeMeasurement measures failures against range size and
// writes testdata/lab/passive-measurements.md. It takes minutes, so it runs
// only with FTPSWIZ_LAB_MEASURE=1 (runs per range: FTPSWIZ_LAB_MEASURE_RUNS,
// default 10).
func TestPassiveRangeMeasurement(t *testing.T) {
	if os.Getenv("FTPSWIZ_LAB_MEASURE") != "1" {
		t.Skip("set FTPSWIZ_LAB_MEASURE=1 to run the passive-range measurement (minutes)")
	}
	runs := 10
	if v, err := strconv.Atoi(os.Getenv("FTPSWIZ_LAB_MEASURE_RUNS")); err == nil && v > 0 {
		runs = v
	}
	pl := newPassiveLab(t)
	type measureCase struct {
		n     int
		plain bool
	}
	cases := []measureCase{{2, false}, {8, false}, {16, false}, {20, false}, {32, false}, {75, false},
		{2, true}, {16, true}}
	type row struct {
		measureCase
		transfers, fails, bind, other int
		runsWithFail                  int
		minOK, maxOK                  int
		overlaps, busy                []int
	}
	minmax := func(v []int) string {
		v = append([]int(nil), v...)
		sort.Ints(v)
		return fmt.Sprintf("%d-%d", v[0], v[len(v)-1])
	}
	var rows []row
	start := time.Now()
	for _, c := range cases {
		pl.configure(t, c.n, c.plain)
		r := row{measureCase: c, minOK: math.MaxInt}
		for i := 0; i < runs; i++ {
			res := pl.run(t, c.n, c.plain)
			t.Logf("run %d: %v", i+1, res)
			r.transfers += res.Transfers
			r.fails += res.failures()
			r.bind += res.BindFail
			r.other += res.OtherFail
			if res.failures() > 0 {
				r.runsWithFail++
			}
			r.minOK = min(r.minOK, res.OK)
			r.maxOK = max(r.maxOK, res.OK)
			r.overlaps = append(r.overlaps, res.MaxOverlap)
			r.busy = append(r.busy, res.MaxBusy)
		}
		rows = append(rows, r)
	}
	elapsed := time.Since(start).Round(time.Second)

	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	pkgVersion := func(pkg string) string {
		out, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", pkg).Output()
		if err != nil {
			return "unknown"
		}
		return string(out)
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# vsftpd passive-port exhaustion vs passive range size\n\n")
	w("Measured with `FTPSWIZ_LAB_MEASURE=1 go test ./internal/lab/ -run TestPassiveRangeMeasurement -v`\n")
	w("on %s: Debian 12, kernel %s, %d CPUs, vsftpd %s, lftp %s; %v in total.\n\n",
		time.Now().UTC().Format("2006-01-02"), strings.TrimSpace(string(kernel)), runtime.NumCPU(),
		pkgVersion("vsftpd"), pkgVersion("lftp"), elapsed)
	w("## Method\n\n")
	w("- Lab (internal/lab): four network namespaces. vsftpd runs on 10.20.0.2 behind a router that\n")
	w("  DNATs ports 21 and %d-%d from 198.51.100.10. The lftp clients sit behind a masquerading\n", passiveMinPort, passiveMinPort+99)
	w("  router (192.0.2.20).\n")
	w("- vsftpd 3.0.3 config: `listen=YES`, `listen_ipv6=NO`, `pasv_address=198.51.100.10`,\n")
	w("  `pasv_min_port=%d`, `pasv_max_port=%d+range-1`, `ssl_enable=YES`, `ssl_tlsv1=NO`,\n", passiveMinPort, passiveMinPort)
	w("  `require_ssl_reuse=YES`, `chroot_local_user=YES`. FTPS rows also set `force_local_logins_ssl=YES`\n")
	w("  and `force_local_data_ssl=YES`; plain rows set both to NO and the client does not use TLS.\n")
	w("- One run starts %d lftp processes at the same moment. Each opens a new session (FTPS rows: AUTH\n", passiveConcurrency)
	w("  TLS and PROT P), sends PASV (`ftp:prefer-epsv no`) and downloads a %d KiB file at\n", passiveFileSize/1024)
	w("  `net:limit-rate %d`, which keeps each data connection open for about %.0f s. lftp uses\n",
		passiveRate, float64(passiveFileSize)/float64(passiveRate))
	w("  `net:max-retries 1`, so nothing is retried. A transfer counts as OK only when the SHA-256 of\n")
	w("  the downloaded file matches.\n")
	w("- To check that the transfers overlap, a sampler reads the server namespace's /proc/PID/net/tcp\n")
	w("  every 20 ms. \"open data conns\" is the largest number of ESTABLISHED connections on passive\n")
	w("  ports seen in one run. \"ports held\" is the largest number of vsftpd PASV listeners (LISTEN\n")
	w("  sockets) on passive ports. Both columns give the min-max of those per-run values.\n")
	w("- Failures are classified as the bind OOPS when lftp reports `%s` (plain FTP) or\n", oopsBind)
	w("  `%s` (FTPS). Over TLS, vsftpd writes the OOPS in clear text into the TLS\n", oopsBindGnuTLS)
	w("  stream and GnuTLS rejects it.\n")
	w("- Model: vsftpd makes 9 random bind() attempts per PASV. If b of the R ports are held, a PASV fails\n")
	w("  with probability (b/R)^9. The \"worst PASV\" column uses b = min(15, R): the last of 16 sessions\n")
	w("  asks while the other 15 hold ports.\n\n")
	w("## Results (%d runs per row, %d concurrent sessions per run)\n\n", runs, passiveConcurrency)
	w("| protocol | passive range (ports) | runs | transfers | failed | failed with bind OOPS | other failures | runs with >=1 failure | OK per run (min-max) | open data conns (min-max) | ports held (min-max) | worst PASV (b/R)^9 |\n")
	w("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		proto := "FTPS"
		if r.plain {
			proto = "plain FTP"
		}
		held := float64(min(passiveConcurrency-1, r.n))
		w("| %s | %d | %d | %d | %d | %d | %d | %d | %d-%d | %s | %s | %.3g |\n",
			proto, r.n, runs, r.transfers, r.fails, r.bind, r.other, r.runsWithFail, r.minOK, r.maxOK,
			minmax(r.overlaps), minmax(r.busy), math.Pow(held/float64(r.n), 9))
	}
	clean := 0
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].plain {
			continue
		}
		if rows[i].fails != 0 {
			break
		}
		clean = rows[i].n
	}
	w("\n## Reading\n\n")
	w("- A session holds its passive port (the PASV listener) until vsftpd considers the transfer\n")
	w("  finished. TIME_WAIT leftovers do not hold it.\n")
	if clean > 0 {
		w("- FTPS with %d concurrent sessions: %d ports was the smallest measured range with no failure in\n", passiveConcurrency, clean)
		w("  any run, and every larger measured range was also clean.\n")
	} else {
		w("- FTPS: even the largest measured range failed at least once.\n")
	}
	fails := map[measureCase]int{}
	for _, r := range rows {
		fails[r.measureCase] = r.fails
	}
	if p, f := fails[measureCase{2, true}], fails[measureCase{2, false}]; p < f {
		w("- Plain FTP downloads failed less often at the same range (range 2: %d vs %d failures). vsftpd\n", p, f)
		w("  can finish a plain download as soon as the rest of the file fits in the socket buffers, and\n")
		w("  that frees the port early. Over TLS it waits for the client's TLS close, so the port stays\n")
		w("  held for the whole transfer. A plain-FTP test therefore understates the range FTPS needs.\n")
	}
	t.Log("\n" + b.String())

	path := filepath.Join("..", "..", "testdata", "lab", "passive-measurements.md")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}
