package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// TestAnswersInputBounded: an answers file that is not a regular file, or is
// too large, is refused at once with exit 2 and a message saying what it is;
// nothing blocks, nothing is read without limit, nothing is written.
func TestAnswersInputBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "answers.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	writeFile(t, big, "version: 1\nrole: server\n# "+strings.Repeat("x", wizard.MaxAnswersSize)+"\n")
	list := filepath.Join(dir, "list.yaml")
	writeFile(t, list, "version: 1\nfirewalls: ["+strings.Repeat("nftables, ", 2*wizard.MaxListItems)+"nftables]\n")
	bigStdin := "version: 1\n#" + strings.Repeat("y", wizard.MaxAnswersSize)

	tests := []struct {
		name  string
		stdin string
		file  string
		want  []string
	}{
		{"FIFO", "", fifo, []string{"named pipe (FIFO)", "--answers -"}},
		{"character device", "", "/dev/zero", []string{"/dev/zero is a character device"}},
		{"directory", "", dir, []string{"is a directory"}},
		{"file over the size limit", "", big, []string{"larger than 1048576 bytes"}},
		{"stdin over the size limit", bigStdin, "-", []string{"stdin: the answers file is larger than 1048576 bytes"}},
		{"list over the length limit", "", list, []string{"firewalls: has 2001 items", "list at most 1000 items"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			done := make(chan result, 1)
			go func() { done <- runFTPSwizCtx(t, ctx, tt.stdin, "generate", "--answers", tt.file, "--out", "out") }()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("generate did not return within 10 s")
			}
			if r.code != codeUsage {
				t.Errorf("exit %d, want %d\n%s", r.code, codeUsage, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%.2000s", w, r.stderr)
				}
			}
			if len(r.stderr) > 20000 {
				t.Errorf("stderr is %d bytes", len(r.stderr))
			}
			if entries, _ := os.ReadDir("."); len(entries) != 0 {
				t.Errorf("something was written: %v", entries)
			}
		})
	}
}

// TestAnswersInterrupted: a cancelled context (Ctrl-C) stops every command
// that reads answers with exit 130, before anything is written; the negative
// control, the same run without the cancel, succeeds.
func TestAnswersInterrupted(t *testing.T) {
	classic, err := filepath.Abs(filepath.Join(scenariosDir, "classic", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"generate", "--answers", classic, "--out", "out"},
		{"ports", "--answers", classic},
		{"explain", "--answers", classic},
		{"compare", "--answers", classic},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Chdir(t.TempDir())
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if r := runFTPSwizCtx(t, ctx, "", args...); r.code != codeInterrupted {
				t.Errorf("cancelled: exit %d, want %d\n%s", r.code, codeInterrupted, r.stderr)
			}
			if entries, _ := os.ReadDir("."); len(entries) != 0 {
				t.Errorf("an interrupted run wrote %v", entries)
			}
			if r := runFTPSwiz(t, "", args...); r.code != codeOK {
				t.Errorf("not cancelled: exit %d\n%s", r.code, r.stderr)
			}
		})
	}
}
