// Command floor is the floor probe of BenchmarkProcess: the work of
// `ftpswiz generate --answers FILE --stdout` (decode the answers, decide the
// plan, render every file, write them to standard output in the same
// format) without the command-line framework, the TUI or anything else the
// real binary links. It is not shipped: it lives under testdata, which
// `go build ./...` and `go vet ./...` skip, and the benchmark builds it by
// path. Its output must equal ftpswiz's (the benchmark checks), so the two
// do the same work.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/ftpswiz/ftpswiz/generators"
	"github.com/ftpswiz/ftpswiz/wizard"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor ANSWERS.yaml")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(path string, w io.Writer) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	a, err := wizard.DecodeAnswers(data)
	if err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	p, err := wizard.Decide(a)
	if err != nil {
		return fmt.Errorf("decide: %w", err)
	}
	files, err := generators.Render(p)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	// The format of ftpswiz's writeStdout.
	bw := bufio.NewWriter(w)
	for i, f := range files {
		if i > 0 {
			bw.WriteString("\n")
		}
		fmt.Fprintf(bw, "==> %s <==\n", f.Path)
		bw.Write(f.Content)
		if len(f.Content) > 0 && f.Content[len(f.Content)-1] != '\n' {
			bw.WriteString("\n")
		}
	}
	return bw.Flush()
}
