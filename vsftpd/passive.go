package vsftpd

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// BindAttempts is how many random ports vsftpd tries per PASV before it kills
// the session with "500 OOPS: vsf_sysutil_bind" (vsftpd 3.0.x, privops.c:
// vsf_privop_pasv_listen tries up to 9 ports).
const BindAttempts = 9

// BindRetriesOption is the option of Red Hat's build that changes the
// number of bind attempts per PASV (default BindAttempts).
const BindRetriesOption = "bind_retries"

// DefaultTargetFailureRate is the chance ftpswiz accepts, by default, that
// one PASV at full load finds no free port: one in a million.
const DefaultTargetFailureRate = 1e-6

// DefaultPassiveStart is the first passive port ftpswiz plans by default.
const DefaultPassiveStart = 50000

// IntermediateCiphers is Mozilla's "intermediate" TLS 1.2 cipher list
// without the DHE suites (vsftpd configures no DH parameters). It has ECDSA
// and RSA suites, so either kind of certificate works; vsftpd 3.0.3's
// built-in default allows only ECDHE-RSA-AES256-GCM-SHA384.
const IntermediateCiphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" +
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" +
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

// ECDSACiphers and RSACiphers are IntermediateCiphers for one key type:
// a server whose certificate has an ECDSA (RSA) key can only complete
// handshakes with the ECDHE-ECDSA (ECDHE-RSA) suites.
const (
	ECDSACiphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305"
	RSACiphers   = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305"
)

// MaxPorts is the most ports a passive range can hold (1024-65535 is the
// widest range vsftpd uses; a plan needs no more than 65535 in any case).
const MaxPorts = 65535

// Errors of the passive sizing; each is wrapped with the numbers involved.
var (
	// ErrTarget: the target failure probability is not a number strictly
	// between 0 and 1 (NaN, infinite, 0, negative, 1 or more).
	ErrTarget = errors.New("the target failure probability must be a finite number between 0 and 1 (exclusive)")
	// ErrAttempts: fewer than one bind attempt per PASV.
	ErrAttempts = errors.New("vsftpd makes at least one bind attempt per PASV")
	// ErrTooManyPorts: the range needed does not fit in the port space.
	ErrTooManyPorts = fmt.Errorf("the passive range needed is larger than %d ports", MaxPorts)
)

// PassiveAttempts returns the number of bind attempts per PASV the build
// makes with the given bind_retries setting (set false: not set). Only Red
// Hat's build knows bind_retries; a value below 1 still makes one attempt.
func PassiveAttempts(f Flavour, bindRetries uint32, set bool) int {
	if Normalise(f) != FlavourRHEL || !set {
		return BindAttempts
	}
	if bindRetries < 1 {
		return 1
	}
	if bindRetries > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(bindRetries)
}

// EffectiveRange is the passive range vsftpd 3.0.x really uses for the
// given pasv_min_port and pasv_max_port (privops.c): the range starts at
// 1024 unless 1024 < min <= 65535, and ends at 65535 unless
// first <= max < 65535 (0 means unset).
func EffectiveRange(minPort, maxPort uint32) (first, last int) {
	f, l := uint32(1024), uint32(65535)
	if minPort > 1024 && minPort <= 65535 {
		f = minPort
	}
	if maxPort >= f && maxPort < 65535 {
		l = maxPort
	}
	return int(f), int(l)
}

// Failure is the chance that one PASV fails when busy of ports are held by
// running transfers: all attempts random picks hit a busy port,
// (busy/ports)^attempts. A finished transfer's port (TIME_WAIT) does not
// count as busy.
func Failure(busy, ports, attempts int) float64 {
	if ports <= 0 || busy >= ports {
		return 1
	}
	if busy <= 0 {
		return 0
	}
	if attempts < 1 {
		attempts = 1
	}
	return math.Pow(float64(busy)/float64(ports), float64(attempts))
}

// FailureProbability is Failure with vsftpd's BindAttempts.
func FailureProbability(busy, ports int) float64 { return Failure(busy, ports, BindAttempts) }

func checkTarget(target float64) error {
	if math.IsNaN(target) || math.IsInf(target, 0) || target <= 0 || target >= 1 {
		return fmt.Errorf("target %s: %w", strconv.FormatFloat(target, 'g', -1, 64), ErrTarget)
	}
	return nil
}

// PassivePorts returns the smallest range size R with
// Failure(transfers, R, attempts) <= target, in closed form:
// R = ceil(N / target^(1/attempts)), corrected by at most a few steps for
// floating-point error at the boundary. It never loops without bound. A
// target that is not a finite number strictly between 0 and 1 is refused
// (ErrTarget), and so is a result above MaxPorts (ErrTooManyPorts, with the
// size needed in the message). transfers <= 0 needs no range (0).
func PassivePorts(transfers int, target float64, attempts int) (int, error) {
	if err := checkTarget(target); err != nil {
		return 0, err
	}
	if attempts < 1 {
		return 0, fmt.Errorf("%d attempts: %w", attempts, ErrAttempts)
	}
	if transfers <= 0 {
		return 0, nil
	}
	root := math.Pow(target, 1/float64(attempts))
	x := math.Ceil(float64(transfers) / root)
	if math.IsNaN(x) || math.IsInf(x, 0) || x > MaxPorts+2 {
		return 0, fmt.Errorf("%d transfers at a target of %s need about %s ports: %w", transfers,
			strconv.FormatFloat(target, 'g', -1, 64), strconv.FormatFloat(x, 'g', 4, 64), ErrTooManyPorts)
	}
	r := max(int(x), transfers+1)
	// Correct floating-point error at the boundary in either direction; the
	// closed form is off by at most one, so a few bounded steps suffice.
	for i := 0; i < 4 && r > transfers+1 && Failure(transfers, r-1, attempts) <= target; i++ {
		r--
	}
	for i := 0; i < 4 && Failure(transfers, r, attempts) > target; i++ {
		r++
	}
	if r > MaxPorts {
		return 0, fmt.Errorf("%d transfers at a target of %s need %d ports: %w", transfers,
			strconv.FormatFloat(target, 'g', -1, 64), r, ErrTooManyPorts)
	}
	return r, nil
}

// Capacity is the largest load a range of ports carries with a PASV failure
// probability of at most target each (0 when the target is not a
// probability). Closed form with bounded correction, like PassivePorts.
func Capacity(ports int, target float64, attempts int) int {
	if ports <= 1 || checkTarget(target) != nil {
		return 0
	}
	if attempts < 1 {
		attempts = 1
	}
	x := float64(ports) * math.Pow(target, 1/float64(attempts))
	if math.IsNaN(x) || x < 0 {
		return 0
	}
	n := int(min(x, float64(ports-1)))
	for i := 0; i < 4 && n > 0 && Failure(n, ports, attempts) > target; i++ {
		n--
	}
	for i := 0; i < 4 && n+1 < ports && Failure(n+1, ports, attempts) <= target; i++ {
		n++
	}
	return n
}

// FormatProbability prints a probability for people: "1 in 1,100,000"
// with its scientific value.
func FormatProbability(p float64) string {
	switch {
	case math.IsNaN(p):
		return "not a number"
	case p <= 0:
		return "0"
	case p >= 1:
		return "1 (every PASV fails)"
	case p >= 0.01:
		return fmt.Sprintf("%.2f (%.0f%%)", p, p*100)
	}
	inv := 1 / p
	if inv > math.MaxInt64/2 {
		return fmt.Sprintf("%.1e (less than 1 in %s)", p, groupThousands(math.MaxInt64/2))
	}
	return fmt.Sprintf("%.1e (about 1 in %s)", p, groupThousands(int64(math.Round(inv))))
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
