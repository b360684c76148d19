package wizard

import (
	"fmt"
	"math"
)

// BindAttempts is how many random ports vsftpd tries per PASV before it kills
// the session with "500 OOPS: vsf_sysutil_bind" (vsftpd 3.0.x, privops.c).
const BindAttempts = 9

// DefaultTargetFailureRate is the accepted chance that one PASV at full load
// finds no free port: one in a million.
const DefaultTargetFailureRate = 1e-6

// MaxTransfers is the largest concurrency ftpswiz sizes for; beyond it one
// vsftpd host is the wrong design (and the range would not fit in 65535).
const MaxTransfers = 10000

// Sizing is the passive range model and its arithmetic.
type Sizing struct {
	// Transfers is N, the data connections open at the same time.
	Transfers int
	// Target is the accepted failure probability per PASV at load N.
	Target float64
	// Ports is R, the size of the passive range.
	Ports int
	// Failure is (N/R)^9, the failure probability per PASV at load N.
	Failure float64
	// Loads shows the failure probability at other loads, for the report.
	Loads []LoadPoint
}

// LoadPoint is the failure probability at one load.
type LoadPoint struct {
	Transfers int
	Failure   float64
}

// FailureProbability is the chance that one PASV fails when busy of ports
// are held by running transfers: all BindAttempts random picks hit a busy
// port. A finished transfer's port (TIME_WAIT) does not count as busy.
func FailureProbability(busy, ports int) float64 {
	if ports <= 0 {
		return 1
	}
	if busy >= ports {
		return 1
	}
	if busy <= 0 {
		return 0
	}
	return math.Pow(float64(busy)/float64(ports), BindAttempts)
}

// PassivePortsFor returns the smallest range size R with
// FailureProbability(transfers, R) <= target, i.e. R = ceil(N / target^(1/9)).
func PassivePortsFor(transfers int, target float64) int {
	if transfers <= 0 {
		return 0
	}
	r := int(math.Ceil(float64(transfers) / math.Pow(target, 1.0/BindAttempts)))
	// Correct floating-point error at the boundary in either direction.
	for r > transfers+1 && FailureProbability(transfers, r-1) <= target {
		r--
	}
	for FailureProbability(transfers, r) > target {
		r++
	}
	return r
}

// SizePassive runs the model for N transfers at the given target.
func SizePassive(transfers int, target float64) Sizing {
	r := PassivePortsFor(transfers, target)
	s := Sizing{Transfers: transfers, Target: target, Ports: r, Failure: FailureProbability(transfers, r)}
	for _, pct := range []int{50, 100, 150, 200} {
		n := (transfers*pct + 99) / 100
		s.Loads = append(s.Loads, LoadPoint{Transfers: n, Failure: FailureProbability(n, r)})
	}
	return s
}

// Arithmetic explains the sizing in one paragraph, with the numbers.
func (s Sizing) Arithmetic() string {
	return fmt.Sprintf("vsftpd tries %d random ports of the range for each PASV and ends the session "+
		"(\"500 OOPS: vsf_sysutil_bind\") when all %d are busy, so with N transfers running and R ports "+
		"a PASV fails with probability (N/R)^%d. For N = %d and a target of %s: "+
		"R = ceil(N / target^(1/%d)) = ceil(%d / %.4f) = %d ports; at full load a PASV then fails with "+
		"probability (%d/%d)^%d = %s.",
		BindAttempts, BindAttempts, BindAttempts, s.Transfers, FormatProbability(s.Target),
		BindAttempts, s.Transfers, math.Pow(s.Target, 1.0/BindAttempts), s.Ports,
		s.Transfers, s.Ports, BindAttempts, FormatProbability(s.Failure))
}

// FormatProbability prints a probability for people: "1 in 1,100,000"
// with its scientific value.
func FormatProbability(p float64) string {
	switch {
	case p <= 0:
		return "0"
	case p >= 1:
		return "1 (every PASV fails)"
	case p >= 0.01:
		return fmt.Sprintf("%.2f (%.0f%%)", p, p*100)
	}
	return fmt.Sprintf("%.1e (about 1 in %s)", p, groupThousands(int64(math.Round(1/p))))
}

func groupThousands(n int64) string {
	s := fmt.Sprintf("%d", n)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
