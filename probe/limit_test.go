package probe

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileServer listens on 127.0.0.1 and runs serve on each connection
// until the client goes away or 10 s pass; it returns the port and the
// number of bytes written, read after the test's probe returned.
func hostileServer(t *testing.T, serve func(c net.Conn) int64) (int, func() int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var sent int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				n := serve(c)
				mu.Lock()
				sent += n
				mu.Unlock()
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().(*net.TCPAddr).Port, func() int64 {
		ln.Close()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return sent
	}
}

// endless writes prefix and then chunk forever (until the peer closes or
// the deadline passes).
func endless(prefix, chunk string) func(c net.Conn) int64 {
	return func(c net.Conn) int64 {
		n, err := c.Write([]byte(prefix))
		total := int64(n)
		b := []byte(strings.Repeat(chunk, 64<<10/len(chunk)))
		for err == nil {
			n, err = c.Write(b)
			total += int64(n)
		}
		return total
	}
}

func TestProbeBoundsReplies(t *testing.T) {
	tests := []struct {
		name  string
		serve func(c net.Conn) int64
		// code is the banner step's diagnosis code ("" for a pass).
		code string
	}{
		{"endless line", endless("220 ", "A"), "reply-too-long"},
		{"endless line without a code", endless("", "x"), "reply-too-long"},
		{"endless multi-line reply", endless("", "220-hello there\r\n"), "reply-too-long"},
		// Negative control: a long but bounded greeting is read.
		{"long greeting within the limit", func(c net.Conn) int64 {
			n, _ := c.Write([]byte("220-" + strings.Repeat("w", MaxReplyLine-8) + "\r\n220 ready\r\n"))
			_, _ = c.Read(make([]byte, 64)) // QUIT
			return int64(n)
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port, sent := hostileServer(t, tt.serve)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			r, err := Run(context.Background(), Options{Host: "127.0.0.1", Port: port, Mode: Explicit,
				Timeout: 8 * time.Second, StepTimeout: 3 * time.Second, RootCAs: x509.NewCertPool()})
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if took > 6*time.Second {
				t.Errorf("the probe took %v", took)
			}
			b, ok := r.Step("banner")
			if !ok {
				t.Fatalf("no banner step: %+v", r.Steps)
			}
			switch {
			case tt.code == "" && b.Status != Pass:
				t.Fatalf("banner %s: %+v (%+v)", b.Status, b, b.Diagnosis)
			case tt.code != "" && (b.Status != Fail || b.Diagnosis == nil || b.Diagnosis.Code != tt.code):
				t.Fatalf("banner %s, diagnosis %+v; want fail %s", b.Status, b.Diagnosis, tt.code)
			}
			if tt.code != "" && !strings.Contains(b.Diagnosis.Cause, strconv.Itoa(MaxReplyLine)) &&
				!strings.Contains(b.Diagnosis.Cause, strconv.Itoa(MaxReplyBytes)) {
				t.Errorf("the diagnosis does not name the limit: %s", b.Diagnosis.Cause)
			}
			// Bounded memory: the probe allocated little, however much the
			// server pushed.
			alloc := after.TotalAlloc - before.TotalAlloc
			if alloc > 2<<20 {
				t.Errorf("the probe allocated %d bytes while the server sent %d", alloc, sent())
			}
			t.Logf("%s: server sent %d bytes, probe allocated %d bytes in %v", tt.name, sent(), alloc, took)
		})
	}
}

func TestLimitedConnErrors(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	go func() {
		_, _ = b.Write([]byte(strings.Repeat("y", MaxReplyLine+10)))
		b.Close()
	}()
	c := newLimitedConn(a)
	buf := make([]byte, 1024)
	var err error
	total := 0
	for err == nil {
		var n int
		n, err = c.Read(buf)
		total += n
	}
	if !errors.Is(err, ErrReplyTooLong) || total > MaxReplyLine {
		t.Fatalf("read %d bytes, err %v; want at most %d and ErrReplyTooLong", total, err, MaxReplyLine)
	}
}
