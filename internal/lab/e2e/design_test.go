package e2e

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// Design-point transfers are slow on purpose: at 256 KiB/s a 512 KiB file
// keeps its data connection (and passive port) busy for about 2 s, so the
// sessions of a batch hold ports at the same time (the sampler proves it).
const (
	designSize = 512 * 1024
	designRate = 256 * 1024
)

// designSizeFor keeps the transfers long enough to overlap although
// starting N clients takes longer for larger N on two cores: 2 s up to 25
// sessions, 4 s up to 50.
func designSizeFor(n int) int64 {
	return int64(designSize * ((n + 24) / 25))
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// sampler records, every 20 ms, the most data connections (ESTABLISHED) and
// PASV listeners (LISTEN) seen at once on the passive range.
type sampler struct {
	stop            chan struct{}
	wg              sync.WaitGroup
	maxEst, maxHeld int
}

func (d *deployment) sample() *sampler {
	s := &sampler{stop: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			// A session keeps its PASV listener until the transfer ends:
			// LISTEN sockets are the ports vsftpd's bind() finds busy.
			e, l := d.srvSockets(d.PasvMin, d.PasvMax)
			s.maxEst = max(s.maxEst, e)
			s.maxHeld = max(s.maxHeld, l)
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *sampler) finish() (established, held int) {
	close(s.stop)
	s.wg.Wait()
	return s.maxEst, s.maxHeld
}

// runDesignPoint runs the scenario's own concurrency N against the range
// ftpswiz computed for it, FTPSWIZ_LAB_RUNS times (default 2): each run is
// N concurrent slow downloads, then N concurrent slow uploads, all strict
// lftp with the generated lftp.rc. The model promises a PASV failure rate of
// at most 1e-6 at that load, so any failure fails the test.
func runDesignPoint(t *testing.T, bin string, rec *recorder, answers string, n int) {
	d := deploy(t, bin, spec{Answers: answers, Firewall: "nft"})
	want := wizard.PassivePortsFor(n, wizard.DefaultTargetFailureRate)
	if got := d.PasvMax - d.PasvMin + 1; got != want {
		t.Fatalf("%s: generated passive range has %d ports, the sizing model asks for %d", answers, got, want)
	}
	runs := envInt("FTPSWIZ_LAB_RUNS", 2)
	o := clientOpts{LimitRate: designRate}
	start := time.Now()
	var all []xfer
	minEst, maxEst, maxHeld := n, 0, 0
	for r := range runs {
		for _, up := range []bool{false, true} {
			s := d.sample()
			xs := d.batch("lftp", up, n, designSizeFor(n), o)
			est, held := s.finish()
			d.quiet()
			all = append(all, xs...)
			minEst, maxEst, maxHeld = min(minEst, est), max(maxEst, est), max(maxHeld, held)
			dir := map[bool]string{false: "downloads", true: "uploads"}[up]
			t.Logf("run %d %s: %d/%d OK; at most %d data connections open and %d passive ports held at once",
				r+1, dir, n-len(failures(xs)), n, est, held)
		}
	}
	// Without overlap the runs would not load the range at all.
	if maxEst < n/2 {
		t.Errorf("at most %d of %d data connections were open at once: the runs did not load the range", maxEst, n)
	}
	fs := failures(all)
	rec.add(t, row{
		What: fmt.Sprintf("N=%d sessions at once against the generated range %d-%d (%d ports, model (N/R)^9 = %.1e); "+
			"%d runs × (N down + N up), %d KiB at 256 KiB/s; %d-%d data connections open and up to %d ports held at once",
			n, d.PasvMin, d.PasvMax, want, wizard.FailureProbability(n, want), runs, designSizeFor(n)/1024, minEst, maxEst, maxHeld),
		Expect: "0 failures", Transfers: len(all), Failures: len(fs), Dur: time.Since(start), OK: len(fs) == 0, Cause: causes(all)})
	if len(fs) > 0 {
		t.Errorf("design point N=%d: %d of %d transfers failed:\n%s", n, len(fs), len(all), describe(all))
	}
}
