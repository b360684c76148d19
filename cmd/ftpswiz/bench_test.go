package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/generators"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// BenchmarkDecideRender measures the work of `ftpswiz generate` without
// process start-up and disk: Decide and Render of a decoded scenario.
// Goal: well under 1 ms for the classic scenario.
//
//	go test ./cmd/ftpswiz -run '^$' -bench DecideRender -benchmem
func BenchmarkDecideRender(b *testing.B) {
	for _, name := range []string{"classic", "both-modes", "high-concurrency"} {
		b.Run(name, func(b *testing.B) {
			data, err := os.ReadFile(scenario(name))
			if err != nil {
				b.Fatal(err)
			}
			a, err := wizard.DecodeAnswers(data)
			if err != nil {
				b.Fatal(err)
			}
			resolveFlavour(&rootOptions{Detector: fakeMachine()}, &a)
			b.ReportAllocs()
			for b.Loop() {
				p, err := wizard.Decide(a)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := generators.Render(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeDecideRender adds the strict YAML decoding of the answers
// file.
func BenchmarkDecodeDecideRender(b *testing.B) {
	data, err := os.ReadFile(scenario("classic"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		a, err := wizard.DecodeAnswers(data)
		if err != nil {
			b.Fatal(err)
		}
		p, err := wizard.Decide(a)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := generators.Render(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProcess measures whole processes, built into a temporary
// directory: a hello-world Go binary (the baseline), `ftpswiz --version`
// (start-up only), `ftpswiz generate --stdout` and `ftpswiz generate --out`
// (a fresh directory each time: atomic writes with fsync) of the classic
// scenario, and the floor: testdata/floor, a program that does only what
// generate --stdout must (decode, decide, render, write the files to
// standard output in the same format) without cobra, the TUI or anything
// else ftpswiz links, so the ratio splits into what the binary costs and
// what the work does. The floor's output is checked to equal generate
// --stdout's. Each iteration runs all five, so the metrics compare like
// with like; the wall-clock ratios to hello-world are reported as x-hello
// metrics (goal: generate within 1.5x), the CPU time of each process
// (user + system) as cpu-ms, which a loaded machine disturbs less, and its
// ratio to hello-world's as x-hello-cpu. All binaries are static, as the
// release is built (staticBuildEnv). It also logs what package
// initialisation costs (GODEBUG=inittrace=1). No timing is asserted. For
// figures a loaded machine does not move, count instructions:
//
//	GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//	    ./ftpswiz generate --answers testdata/scenarios/classic/answers.yaml --stdout
//
// FTPSWIZ_BENCH_BIN=PATH and FTPSWIZ_BENCH_FLOOR=PATH measure those
// binaries instead of fresh builds (an older commit's, to compare before
// and after on the same machine); their outputs are then not compared.
//
//	go test ./cmd/ftpswiz -run '^$' -bench Process -benchtime 50x
func BenchmarkProcess(b *testing.B) {
	dir := b.TempDir()
	hello := buildHello(b, dir)
	bin, floor := os.Getenv("FTPSWIZ_BENCH_BIN"), os.Getenv("FTPSWIZ_BENCH_FLOOR")
	fresh := bin == "" && floor == ""
	if bin == "" {
		bin = buildFTPSwiz(b, dir)
	}
	if floor == "" {
		floor = buildFloor(b, dir)
	}
	answers, err := filepath.Abs(scenario("classic"))
	if err != nil {
		b.Fatal(err)
	}
	if fresh {
		checkFloorOutput(b, bin, floor, answers)
	}
	logInitTrace(b, bin)

	type probe struct {
		name string
		args func(i int) []string
		bin  string
		sum  time.Duration // wall clock
		cpu  time.Duration // user + system CPU time
	}
	probes := []*probe{
		{name: "hello", bin: hello, args: func(int) []string { return nil }},
		{name: "version", bin: bin, args: func(int) []string { return []string{"--version"} }},
		{name: "generate-stdout", bin: bin, args: func(int) []string {
			return []string{"generate", "--answers", answers, "--stdout"}
		}},
		{name: "generate-disk", bin: bin, args: func(i int) []string {
			return []string{"generate", "--answers", answers, "--out", filepath.Join(dir, "out", strconv.Itoa(i))}
		}},
		{name: "floor", bin: floor, args: func(int) []string { return []string{answers} }},
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	n := 0
	for b.Loop() {
		for _, p := range probes {
			cmd := exec.Command(p.bin, p.args(n)...)
			cmd.Stdout, cmd.Stderr = devnull, devnull
			start := time.Now()
			if err := cmd.Run(); err != nil {
				b.Fatalf("%s: %v", p.name, err)
			}
			p.sum += time.Since(start)
			p.cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
		n++
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	base, baseCPU := ms(probes[0].sum), ms(probes[0].cpu)
	for _, p := range probes {
		b.ReportMetric(ms(p.sum), "ms/"+p.name)
		b.ReportMetric(ms(p.cpu), "cpu-ms/"+p.name)
		if p != probes[0] {
			b.ReportMetric(ms(p.sum)/base, "x-hello/"+p.name)
			if baseCPU > 0 {
				b.ReportMetric(ms(p.cpu)/baseCPU, "x-hello-cpu/"+p.name)
			}
		}
	}
}

// buildFloor builds testdata/floor, BenchmarkProcess's floor probe, into
// dir the way buildFTPSwiz builds ftpswiz, and returns its path.
func buildFloor(tb testing.TB, dir string) string {
	tb.Helper()
	bin := filepath.Join(dir, "floor")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool(), "build", "-o", bin, "./testdata/floor")
	cmd.Env = staticBuildEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build floor: %v\n%s", err, out)
	}
	return bin
}

// checkFloorOutput fails unless the floor probe writes exactly what
// `ftpswiz generate --stdout` writes for the answers: else it would not
// measure the same work.
func checkFloorOutput(tb testing.TB, bin, floor, answers string) {
	tb.Helper()
	dir := tb.TempDir()
	want := runBinary(tb, bin, dir, "", "generate", "--answers", answers, "--stdout")
	got := runBinary(tb, floor, dir, "", answers)
	if want.code != 0 || got.code != 0 {
		tb.Fatalf("exit status: ftpswiz %d (%s), floor %d (%s)", want.code, want.stderr, got.code, got.stderr)
	}
	if got.stdout != want.stdout {
		tb.Fatalf("the floor's output (%d bytes) differs from generate --stdout's (%d bytes)", len(got.stdout), len(want.stdout))
	}
}

var initLine = regexp.MustCompile(`^init (\S+) @[0-9.]+ ms, ([0-9.]+) ms clock`)

// logInitTrace runs `ftpswiz --version` with GODEBUG=inittrace=1 and logs
// the total package-initialisation time and the packages that dominate it.
func logInitTrace(b *testing.B, bin string) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("inittrace: %v\n%s", err, out)
	}
	type pkg struct {
		name string
		ms   float64
	}
	var pkgs []pkg
	total := 0.0
	for _, l := range regexp.MustCompile("\r?\n").Split(string(out), -1) {
		m := initLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		v, _ := strconv.ParseFloat(m[2], 64)
		pkgs = append(pkgs, pkg{m[1], v})
		total += v
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].ms > pkgs[j].ms })
	b.ReportMetric(total, "ms/init-total")
	b.Logf("package init: %.3f ms in %d packages; slowest:", total, len(pkgs))
	for _, p := range pkgs[:min(8, len(pkgs))] {
		b.Logf("  %-50s %.3f ms", p.name, p.ms)
	}
}
