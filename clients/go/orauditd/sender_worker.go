package orauditd

import (
	"context"
	"errors"
)

// The Sender's worker goroutine: batches, replies and the spool fallback.

func (s *Sender) run() {
	defer close(s.done)
	for first := range s.queue {
		batch, flushes := s.collect(first)
		if len(batch) > 0 {
			s.send(batch)
		}
		for _, flushed := range flushes {
			close(flushed)
		}
	}
	if s.conn != nil {
		s.conn.close()
	}
}

// collect takes first and what else is buffered, up to a batch; it stops at
// a Flush so that the Flush is answered as soon as the lines before it are.
func (s *Sender) collect(first item) (batch [][]byte, flushes []chan struct{}) {
	next := first
	for {
		if next.flushed != nil {
			return batch, append(flushes, next.flushed)
		}
		batch = append(batch, next.line)
		if len(batch) == s.batchSize {
			return batch, nil
		}
		select {
		case it, ok := <-s.queue:
			if !ok {
				return batch, nil
			}
			next = it
		default:
			return batch, nil
		}
	}
}

func (s *Sender) send(batch [][]byte) {
	ctx, cancel := context.WithTimeout(context.Background(), s.client.opts.Timeout)
	defer cancel()
	replies, err := s.exchange(ctx, batch)
	var transport *transportError
	if errors.As(err, &transport) {
		s.conn = nil
		s.fail(batch, transport)
		return
	}
	var later [][]byte
	for i, r := range replies {
		later = s.settle(batch[i], r, later)
	}
	s.spool(later, "the daemon refused for its own state", false)
}

func (s *Sender) exchange(ctx context.Context, batch [][]byte) ([]reply, error) {
	if s.conn == nil || !s.conn.idleAndOpen() {
		if s.conn != nil {
			s.conn.close()
		}
		c, err := dial(ctx, s.client.opts.SocketPath)
		if err != nil {
			return nil, err
		}
		s.conn = c
	}
	return s.conn.exchange(ctx, batch)
}

// settle counts one reply; a line to spool is appended to later.
func (s *Sender) settle(line []byte, r reply, later [][]byte) [][]byte {
	switch r.outcome() {
	case acknowledged:
		s.count(func(st *Stats) {
			st.Acknowledged++
			if r.Duplicate {
				st.Duplicates++
			}
		})
	case toSpool:
		later = append(later, line)
	default:
		s.count(func(st *Stats) { st.Refused++ })
		s.report(&RefusedError{Reason: r.Error})
	}
	return later
}

// fail settles what was answered. The rest of the batch may or may not have
// arrived (the spool copy is then a duplicate, acknowledged as one), and the
// buffer would meet the same daemon: all go to the spool in one file.
func (s *Sender) fail(batch [][]byte, transport *transportError) {
	var later [][]byte
	for i, r := range transport.replies {
		later = s.settle(batch[i], r, later)
	}
	later = append(later, batch[len(transport.replies):]...)
	lines, flushes := s.drain()
	s.spool(append(later, lines...), transport.reason, false)
	for _, flushed := range flushes {
		close(flushed)
	}
}

// spoolRest spools what is still buffered, for a Close that gave up waiting.
func (s *Sender) spoolRest(reason string) {
	lines, flushes := s.drain()
	s.spool(lines, reason, false)
	for _, flushed := range flushes {
		close(flushed)
	}
}

// drain takes everything buffered without waiting.
func (s *Sender) drain() (lines [][]byte, flushes []chan struct{}) {
	for {
		select {
		case it, ok := <-s.queue:
			if !ok {
				return lines, flushes
			}
			if it.flushed != nil {
				flushes = append(flushes, it.flushed)
			} else {
				lines = append(lines, it.line)
			}
		default:
			return lines, flushes
		}
	}
}
