package wizard

import (
	"errors"
	"fmt"
	"math"

	"github.com/ftpswiz/ftpswiz/explain"
	"github.com/ftpswiz/ftpswiz/vsftpd"
)

// The passive-port model lives in package vsftpd; the planner's names for it
// follow.

// BindAttempts is how many random ports vsftpd tries per PASV before it kills
// the session with "500 OOPS: vsf_sysutil_bind" (vsftpd 3.0.x, privops.c).
const BindAttempts = vsftpd.BindAttempts

// DefaultTargetFailureRate is the accepted chance that one PASV at full load
// finds no free port: one in a million.
const DefaultTargetFailureRate = vsftpd.DefaultTargetFailureRate

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
func FailureProbability(busy, ports int) float64 { return vsftpd.FailureProbability(busy, ports) }

// PassivePorts returns the smallest range size R with
// FailureProbability(transfers, R) <= target, R = ceil(N / target^(1/9)),
// computed in closed form; a target that is not a probability, or a range
// larger than 65535 ports, is an error (vsftpd.ErrTarget,
// vsftpd.ErrTooManyPorts).
func PassivePorts(transfers int, target float64) (int, error) {
	return vsftpd.PassivePorts(transfers, target, BindAttempts)
}

// PassivePortsFor is PassivePorts for callers that have validated their
// input: it returns 0 when the target is not a probability, and
// vsftpd.MaxPorts+1 (more than any range can hold, so a range check
// reports it) when the range does not fit in the port space.
func PassivePortsFor(transfers int, target float64) int {
	r, err := PassivePorts(transfers, target)
	switch {
	case errors.Is(err, vsftpd.ErrTooManyPorts):
		return vsftpd.MaxPorts + 1
	case err != nil:
		return 0
	}
	return r
}

// SizePassive runs the model for N transfers at the given target; its
// input must be valid (see SizePassiveChecked for one that says why not).
func SizePassive(transfers int, target float64) Sizing {
	s, _ := SizePassiveChecked(transfers, target)
	return s
}

// SizePassiveChecked runs the model for N transfers at the given target. It
// returns an error, and a Sizing with no range, when the target is not a
// probability, when N is not 1..MaxTransfers, or when the range would not
// fit in the port space.
func SizePassiveChecked(transfers int, target float64) (Sizing, error) {
	if transfers < 1 || transfers > MaxTransfers {
		return Sizing{Transfers: transfers, Target: target},
			fmt.Errorf("passive sizing: %d concurrent transfers is outside 1-%d", transfers, MaxTransfers)
	}
	r, err := PassivePorts(transfers, target)
	if err != nil {
		return Sizing{Transfers: transfers, Target: target}, fmt.Errorf("passive sizing: %w", err)
	}
	s := Sizing{Transfers: transfers, Target: target, Ports: r, Failure: FailureProbability(transfers, r)}
	for _, pct := range []int{50, 100, 150, 200} {
		n := (transfers*pct + 99) / 100
		s.Loads = append(s.Loads, LoadPoint{Transfers: n, Failure: FailureProbability(n, r)})
	}
	return s, nil
}

// checkSizing is the planner's second line behind Validate: the passive
// sizing refuses what validation should already have refused (a target
// that is not a probability, a range past 65535 ports), so that no plan
// carries a range it could not size.
func checkSizing(a Answers) error {
	if a.Server == nil {
		return nil
	}
	c := a.Server.Capacity
	_, err := SizePassiveChecked(c.Transfers, c.TargetFailureRate)
	if err == nil {
		return nil
	}
	fe := &FieldError{Field: "server.capacity.target_failure_rate", Problem: err.Error(),
		Fix: "give a small probability such as 1.0e-6 (one PASV in a million may fail at full load)"}
	if !errors.Is(err, vsftpd.ErrTarget) {
		fe.Field = "server.capacity.concurrent_transfers"
		fe.Fix = fmt.Sprintf("give from 1 to %d concurrent transfers, with a target such as 1.0e-6", MaxTransfers)
	}
	return &ValidationError{Fields: []*FieldError{fe}}
}

// Arithmetic explains the sizing in one paragraph, with the numbers.
func (s Sizing) Arithmetic() string {
	return fmt.Sprintf("vsftpd tries %d random ports of the range for each PASV and ends the session "+
		"(%s) when all %d are busy, so with N transfers running and R ports "+
		"a PASV fails with probability (N/R)^%d. For N = %d and a target of %s: "+
		"R = ceil(N / target^(1/%d)) = ceil(%d / %.4f) = %d ports; at full load a PASV then fails with "+
		"probability (%d/%d)^%d = %s.",
		BindAttempts, explain.Quote(explain.PassiveExhausted), BindAttempts, BindAttempts, s.Transfers, FormatProbability(s.Target),
		BindAttempts, s.Transfers, math.Pow(s.Target, 1.0/BindAttempts), s.Ports,
		s.Transfers, s.Ports, BindAttempts, FormatProbability(s.Failure))
}

// FormatProbability prints a probability for people: "1 in 1,100,000"
// with its scientific value.
func FormatProbability(p float64) string { return vsftpd.FormatProbability(p) }
