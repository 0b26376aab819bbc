package orauditd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// conn is one stream to the daemon's socket. Lines may be pipelined; replies
// come in order. One goroutine at a time.
type conn struct {
	path   string
	uc     *net.UnixConn
	reader *bufio.Reader
}

func describe(err error) string {
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return "no answer in time"
	}
	return err.Error()
}

func dial(ctx context.Context, path string) (*conn, error) {
	var dialer net.Dialer
	c, err := dialer.DialContext(ctx, "unix", path)
	if err != nil {
		// The dialer's own text already names the call and the path.
		reason := err.Error()
		if describe(err) != reason {
			reason = fmt.Sprintf("connect %s: %s", path, describe(err))
		}
		return nil, &transportError{reason: reason}
	}
	uc := c.(*net.UnixConn)
	return &conn{path: path, uc: uc, reader: bufio.NewReader(uc)}, nil
}

// idleAndOpen is false once the daemon has closed the stream (it restarted,
// say). The daemon never speaks unasked, so anything to read on an idle
// connection means end of stream or an error: reusing it would fail later.
func (c *conn) idleAndOpen() bool {
	if c.reader.Buffered() > 0 {
		return false
	}
	raw, err := c.uc.SyscallConn()
	if err != nil {
		return false
	}
	open := false
	err = raw.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, peekErr := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		open = errors.Is(peekErr, syscall.EAGAIN)
		return true
	})
	return err == nil && open
}

// exchange sends lines (each ending in a newline) and returns their replies.
// Cancelling ctx, or its deadline, ends the wait.
func (c *conn) exchange(ctx context.Context, lines [][]byte) ([]reply, error) {
	stop := c.watch(ctx)
	defer stop()
	replies := make([]reply, 0, len(lines))
	fail := func(err error) ([]reply, error) {
		c.close()
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return replies, &transportError{reason: c.path + ": " + describe(err), replies: replies}
	}
	// WriteTo consumes the slices it is given; the caller's lines stay whole.
	buffers := make(net.Buffers, len(lines))
	copy(buffers, lines)
	if _, err := buffers.WriteTo(c.uc); err != nil {
		return fail(err)
	}
	for len(replies) < len(lines) {
		line, err := c.reader.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			err = errors.New("the daemon closed the connection before replying")
		}
		if err != nil {
			return fail(err)
		}
		r, err := parseReply(line[:len(line)-1])
		if err != nil {
			return fail(err)
		}
		replies = append(replies, r)
	}
	return replies, nil
}

// watch applies ctx to the socket: its deadline at once, a cancellation
// when it comes. The returned func ends the watch.
func (c *conn) watch(ctx context.Context) func() {
	deadline, _ := ctx.Deadline()
	c.uc.SetDeadline(deadline)
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			c.uc.SetDeadline(time.Now())
		case <-done:
		}
	}()
	return func() { close(done) }
}

func (c *conn) close() { c.uc.Close() }
