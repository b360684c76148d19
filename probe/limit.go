package probe

import (
	"errors"
	"fmt"
	"net"
)

// Limits on what the probe reads from a server's control connection, so
// that a server sending one endless line (or an endless multi-line reply)
// cannot grow the probe's memory.
const (
	// MaxReplyLine is the longest reply line accepted, in bytes (RFC 959
	// sets no limit; vsftpd's own lines are under 100 bytes).
	MaxReplyLine = 4 << 10
	// MaxReplyBytes is the most one reply may hold, all its lines together.
	MaxReplyBytes = 64 << 10
)

// ErrReplyTooLong is returned when a server's reply exceeds MaxReplyLine or
// MaxReplyBytes.
var ErrReplyTooLong = errors.New("the server's reply is too long")

// limitedConn is a control connection that refuses to deliver a line longer
// than MaxReplyLine, or more than MaxReplyBytes since the last reset (one
// reply, plus what the buffered reader reads ahead).
type limitedConn struct {
	net.Conn
	line  int // bytes since the last '\n'
	reply int // bytes since the last reset
	err   error
}

func newLimitedConn(c net.Conn) *limitedConn { return &limitedConn{Conn: c} }

// reset starts the budget of a new reply.
func (c *limitedConn) reset() { c.reply = 0 }

func (c *limitedConn) Read(b []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	// Never read more than the budget left, so that a refused reply is
	// refused before its bytes are buffered.
	room := min(MaxReplyLine-c.line, MaxReplyBytes-c.reply)
	if room <= 0 {
		c.err = c.tooLong()
		return 0, c.err
	}
	n, err := c.Conn.Read(b[:min(len(b), room+1)])
	for i := range n {
		c.reply++
		if b[i] == '\n' {
			c.line = 0
			continue
		}
		c.line++
		if c.line > MaxReplyLine || c.reply > MaxReplyBytes {
			c.err = c.tooLong()
			return i, c.err
		}
	}
	if c.reply > MaxReplyBytes {
		c.err = c.tooLong()
		return n, c.err
	}
	return n, err
}

func (c *limitedConn) tooLong() error {
	if c.line >= MaxReplyLine {
		return fmt.Errorf("a reply line longer than %d bytes: %w", MaxReplyLine, ErrReplyTooLong)
	}
	return fmt.Errorf("a reply longer than %d bytes: %w", MaxReplyBytes, ErrReplyTooLong)
}
