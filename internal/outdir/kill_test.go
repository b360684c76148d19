package outdir

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// blockingOps stops the commit at its first rename: it says so on stdout
// and sleeps (bounded), so the parent test can kill the process there.
type blockingOps struct{ osOps }

func (blockingOps) Rename(*os.Root, string, string) error {
	fmt.Println("committing")
	time.Sleep(30 * time.Second)
	return fmt.Errorf("not killed in time")
}

// TestHelperKilledWrite is the child of TestWriteAfterAKilledRun (it does
// nothing in a normal test run).
func TestHelperKilledWrite(t *testing.T) {
	dir := os.Getenv("OUTDIR_KILL_DIR")
	if dir == "" {
		return // only as the helper process
	}
	_, err := Write(dir, files("REPORT.md", "new\n", "server/vsftpd.conf", "new\n"), Options{Force: true, Ops: blockingOps{}})
	t.Fatalf("Write returned %v; it should have been killed", err)
}

// TestWriteAfterAKilledRun kills (SIGKILL) a Write that has staged every
// file and stopped before its first rename: its temporary files are left
// behind and the directory is as before; the next Write is not locked out
// (the lock dies with the process), removes the temporary files and
// writes.
func TestWriteAfterAKilledRun(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "REPORT.md"), "old\n")
	before := snapshot(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperKilledWrite$", "-test.v")
	cmd.Env = append(os.Environ(), "OUTDIR_KILL_DIR="+dir)
	cmd.WaitDelay = 2 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "committing") {
				ready <- true
				return
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("the helper ended before committing")
		}
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the helper did not reach the commit in 15 s")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	got := snapshot(t, dir)
	var temps []string
	for p := range got {
		if IsTemp(filepath.Base(p)) {
			temps = append(temps, p)
			delete(got, p)
		}
		if strings.HasSuffix(p, "/") && p != "./" {
			delete(got, p) // server/, created during staging
		}
		if IsBackup(filepath.Base(p)) {
			delete(got, p) // made before the commit; the next run makes its own
		}
	}
	if len(temps) != 2 {
		t.Fatalf("temporary files after the kill: %v, want 2", temps)
	}
	if fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("the killed run changed files: %v", got)
	}

	if _, err := Write(dir, files("REPORT.md", "new\n", "server/vsftpd.conf", "new\n"), Options{Force: true, Now: fixedNow}); err != nil {
		t.Fatalf("the next Write: %v", err)
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && IsTemp(d.Name()) {
			t.Errorf("temporary file %s left after the next Write", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "server", "vsftpd.conf")); string(b) != "new\n" {
		t.Errorf("vsftpd.conf = %q", b)
	}
}
