package vsftpd

import (
	"errors"
	"math"
	"testing"
	"time"
)

// oldPortsFor is the iterative sizing ftpswiz used before the closed form,
// kept as the reference for valid inputs (it loops forever on 1e-300).
func oldPortsFor(transfers int, target float64) int {
	r := int(math.Ceil(float64(transfers) / math.Pow(target, 1.0/BindAttempts)))
	for r > transfers+1 && FailureProbability(transfers, r-1) <= target {
		r--
	}
	for FailureProbability(transfers, r) > target {
		r++
	}
	return r
}

func TestPassivePortsMatchesIterativeModel(t *testing.T) {
	targets := []float64{0.4, 0.1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 3e-7, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12}
	checked := 0
	for _, target := range targets {
		for n := 1; n <= 10000; n++ {
			want := oldPortsFor(n, target)
			if want > MaxPorts {
				continue
			}
			got, err := PassivePorts(n, target, BindAttempts)
			if err != nil || got != want {
				t.Fatalf("PassivePorts(%d, %g) = %d, %v; the iterative model gives %d", n, target, got, err, want)
			}
			checked++
		}
	}
	if checked < 100000 {
		t.Fatalf("only %d cases compared", checked)
	}
}

func TestPassivePorts(t *testing.T) {
	tests := []struct {
		name      string
		transfers int
		target    float64
		attempts  int
		want      int
		err       error
	}{
		{"one transfer", 1, 1e-6, 9, 5, nil},
		{"classic", 16, 1e-6, 9, 75, nil},
		{"fifty", 50, 1e-6, 9, 233, nil},
		{"five hundred", 500, 1e-6, 9, 2321, nil},
		{"loose target", 16, 1e-3, 9, 35, nil},
		{"ten thousand", 10000, 1e-6, 9, 46416, nil},
		{"bind_retries 1", 10, 0.5, 1, 20, nil},
		{"bind_retries 20", 16, 1e-6, 20, 32, nil},
		{"no transfers", 0, 1e-6, 9, 0, nil},
		{"1e-300 overflows the port space", 16, 1e-300, 9, 0, ErrTooManyPorts},
		{"smallest denormal", 16, 5e-324, 9, 0, ErrTooManyPorts},
		{"too many transfers", 20000, 1e-6, 9, 0, ErrTooManyPorts},
		{"NaN", 16, math.NaN(), 9, 0, ErrTarget},
		{"+Inf", 16, math.Inf(1), 9, 0, ErrTarget},
		{"-Inf", 16, math.Inf(-1), 9, 0, ErrTarget},
		{"zero", 16, 0, 9, 0, ErrTarget},
		{"negative", 16, -1e-6, 9, 0, ErrTarget},
		{"one", 16, 1, 9, 0, ErrTarget},
		{"above one", 16, 2, 9, 0, ErrTarget},
		{"zero attempts", 16, 1e-6, 0, 0, ErrAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			var got int
			var err error
			go func() {
				defer close(done)
				got, err = PassivePorts(tt.transfers, tt.target, tt.attempts)
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("PassivePorts did not return within 5 s")
			}
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Fatalf("got %d ports, want %d", got, tt.want)
			}
			if err != nil || tt.transfers <= 0 {
				return
			}
			// The defining property: the smallest R that meets the target.
			if p := Failure(tt.transfers, got, tt.attempts); p > tt.target {
				t.Errorf("R=%d gives %g > target %g", got, p, tt.target)
			}
			if p := Failure(tt.transfers, got-1, tt.attempts); p <= tt.target {
				t.Errorf("R-1=%d already meets the target (%g)", got-1, p)
			}
		})
	}
}

func TestCapacity(t *testing.T) {
	tests := []struct {
		ports    int
		target   float64
		attempts int
		want     int
	}{
		{75, 1e-6, 9, 16},
		{100, 1e-6, 9, 21},
		{64512, 1e-6, 9, 13898},
		{1, 1e-6, 9, 0},
		{0, 1e-6, 9, 0},
		{100, math.NaN(), 9, 0},
		{100, 5e-324, 9, 0},
		{100, math.Inf(1), 9, 0},
		{100, 0.5, 1, 50},
	}
	for _, tt := range tests {
		got := Capacity(tt.ports, tt.target, tt.attempts)
		if got != tt.want {
			t.Errorf("Capacity(%d, %g, %d) = %d, want %d", tt.ports, tt.target, tt.attempts, got, tt.want)
		}
		if got > 0 && (Failure(got, tt.ports, tt.attempts) > tt.target ||
			(got+1 < tt.ports && Failure(got+1, tt.ports, tt.attempts) <= tt.target)) {
			t.Errorf("Capacity(%d, %g) = %d is not the largest load within the target", tt.ports, tt.target, got)
		}
	}
}

func TestEffectiveRange(t *testing.T) {
	tests := []struct {
		min, max    uint32
		first, last int
	}{
		{50000, 50074, 50000, 50074},
		{0, 0, 1024, 65535},
		{1000, 2000, 1024, 2000},
		{1024, 2000, 1024, 2000},
		{50000, 40000, 50000, 65535}, // inverted: max silently becomes 65535
		{50000, 70000, 50000, 65535},
		{70000, 0, 1024, 65535},
	}
	for _, tt := range tests {
		f, l := EffectiveRange(tt.min, tt.max)
		if f != tt.first || l != tt.last {
			t.Errorf("EffectiveRange(%d, %d) = %d-%d, want %d-%d", tt.min, tt.max, f, l, tt.first, tt.last)
		}
	}
}

func TestPassiveAttempts(t *testing.T) {
	tests := []struct {
		f    Flavour
		v    uint32
		set  bool
		want int
	}{
		{FlavourDebian, 0, false, 9},
		{FlavourDebian, 20, true, 9}, // Debian has no bind_retries
		{FlavourRHEL, 20, true, 20},
		{FlavourRHEL, 0, true, 1},
		{FlavourRHEL, 0, false, 9},
		{FlavourRHEL, math.MaxUint32, true, math.MaxInt32},
	}
	for _, tt := range tests {
		if got := PassiveAttempts(tt.f, tt.v, tt.set); got != tt.want {
			t.Errorf("PassiveAttempts(%s, %d, %v) = %d, want %d", tt.f, tt.v, tt.set, got, tt.want)
		}
	}
}

func TestFormatProbability(t *testing.T) {
	for p, want := range map[float64]string{
		0: "0", 1: "1 (every PASV fails)", 0.5: "0.50 (50%)", 1e-6: "1.0e-06 (about 1 in 1,000,000)",
		1e-300: "1.0e-300 (less than 1 in 4,611,686,018,427,387,903)", math.NaN(): "not a number",
	} {
		if got := FormatProbability(p); got != want {
			t.Errorf("FormatProbability(%g) = %q, want %q", p, got, want)
		}
	}
}
