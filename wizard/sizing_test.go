package wizard

import (
	"errors"
	"fmt"
	"math"
	"os"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/vsftpd"
)

func TestPassivePortsFor(t *testing.T) {
	tests := []struct {
		transfers int
		target    float64
		want      int
	}{
		{1, 1e-6, 5},
		{16, 1e-6, 75},
		{50, 1e-6, 233},
		{500, 1e-6, 2321},
		{16, 1e-3, 35},
	}
	for _, tt := range tests {
		got := PassivePortsFor(tt.transfers, tt.target)
		if got != tt.want {
			t.Errorf("PassivePortsFor(%d, %g) = %d, want %d", tt.transfers, tt.target, got, tt.want)
		}
		// The defining property: the smallest R that meets the target.
		if p := FailureProbability(tt.transfers, got); p > tt.target {
			t.Errorf("R=%d gives %g > target %g", got, p, tt.target)
		}
		if p := FailureProbability(tt.transfers, got-1); p <= tt.target {
			t.Errorf("R-1=%d already meets the target (%g)", got-1, p)
		}
	}
}

func TestFailureProbability(t *testing.T) {
	tests := []struct {
		busy, ports int
		want        float64
	}{
		{0, 10, 0},
		{10, 10, 1},
		{11, 10, 1},
		{5, 10, math.Pow(0.5, 9)},
		{16, 75, math.Pow(16.0/75, 9)},
		{1, 0, 1},
	}
	for _, tt := range tests {
		if got := FailureProbability(tt.busy, tt.ports); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("FailureProbability(%d, %d) = %g, want %g", tt.busy, tt.ports, got, tt.want)
		}
	}
}

func TestSizePassiveLoads(t *testing.T) {
	s := SizePassive(16, 1e-6)
	if len(s.Loads) != 4 || s.Loads[1].Transfers != 16 || s.Loads[1].Failure != s.Failure {
		t.Fatalf("loads = %+v, want 4 points with 100%% = the design point", s.Loads)
	}
	for i := 1; i < len(s.Loads); i++ {
		if s.Loads[i].Failure <= s.Loads[i-1].Failure {
			t.Errorf("failure must grow with load: %+v", s.Loads)
		}
	}
}

func TestFormatProbability(t *testing.T) {
	tests := map[float64]string{
		0:       "0",
		1:       "1 (every PASV fails)",
		0.5:     "0.50 (50%)",
		1e-6:    "1.0e-06 (about 1 in 1,000,000)",
		9.2e-07: "9.2e-07 (about 1 in 1,086,957)",
	}
	for p, want := range tests {
		if got := FormatProbability(p); got != want {
			t.Errorf("FormatProbability(%g) = %q, want %q", p, got, want)
		}
	}
}

// TestSizingHostileTargets: the sizing is the second line of defence behind
// validation. Every hostile target returns at once (no loop), with an error
// from the checked form and a value a range check reports from the others.
func TestSizingHostileTargets(t *testing.T) {
	tests := []struct {
		name      string
		transfers int
		target    float64
		portsFor  int // PassivePortsFor's answer
		err       error
	}{
		{"1e-300", 16, 1e-300, vsftpd.MaxPorts + 1, vsftpd.ErrTooManyPorts},
		{"5e-324", 16, 5e-324, vsftpd.MaxPorts + 1, vsftpd.ErrTooManyPorts},
		{"NaN", 16, math.NaN(), 0, vsftpd.ErrTarget},
		{"+Inf", 16, math.Inf(1), 0, vsftpd.ErrTarget},
		{"zero", 16, 0, 0, vsftpd.ErrTarget},
		{"one", 16, 1, 0, vsftpd.ErrTarget},
		{"normal", 16, 1e-6, 75, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			go func() {
				defer close(done)
				if got := PassivePortsFor(tt.transfers, tt.target); got != tt.portsFor {
					t.Errorf("PassivePortsFor = %d, want %d", got, tt.portsFor)
				}
				s, err := SizePassiveChecked(tt.transfers, tt.target)
				if !errors.Is(err, tt.err) {
					t.Errorf("SizePassiveChecked error %v, want %v", err, tt.err)
				}
				if err != nil && (s.Ports != 0 || len(s.Loads) != 0) {
					t.Errorf("a refused sizing has a range: %+v", s)
				}
				if err == nil && s.Ports != tt.portsFor {
					t.Errorf("SizePassiveChecked ports %d, want %d", s.Ports, tt.portsFor)
				}
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("the sizing did not return within 5 s")
			}
		})
	}
	if _, err := SizePassiveChecked(MaxTransfers+1, 1e-6); err == nil {
		t.Error("SizePassiveChecked accepts more than MaxTransfers")
	}
}

// TestDecideRefusesUnsizableTargets: whatever validation lets through,
// Decide returns an error for a target the sizing refuses, and returns it at
// once.
func TestDecideRefusesUnsizableTargets(t *testing.T) {
	data, err := os.ReadFile("../testdata/scenarios/classic/answers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base, err := DecodeAnswers(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []float64{math.NaN(), math.Inf(1), 1e-300, 5e-324} {
		t.Run(fmt.Sprint(target), func(t *testing.T) {
			a := base
			s := *a.Server
			s.Capacity.TargetFailureRate = target
			a.Server = &s
			done := make(chan error, 1)
			go func() {
				_, err := Decide(a)
				done <- err
			}()
			select {
			case err := <-done:
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("Decide: %v, want a *ValidationError", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Decide did not return within 5 s")
			}
		})
	}
}
