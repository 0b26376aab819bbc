package orauditd

import (
	"context"
	"errors"
	"log"
	"sync"
)

// Sender: auditing that never makes the application wait on the daemon.
//
// Submit puts the record in a bounded buffer and returns. One goroutine
// sends the buffer in pipelined batches over one persistent connection,
// reconnecting when needed. Policy, so that no record is lost:
//
//   - buffer full: the calling goroutine writes the record to the spool
//     itself (one small fsynced file), counted as overflowed;
//   - daemon unreachable or silent: the batch in flight and everything
//     buffered go to the spool in one file;
//   - refused for its content: reported through OnError, not retried.
//
// Close it before the program ends: records still buffered are sent (or
// spooled) by Close.
type Sender struct {
	client    *Client
	batchSize int
	onError   func(error)
	queue     chan item
	done      chan struct{}
	conn      *conn // the worker's

	mu     sync.RWMutex // closed, and sending on queue
	closed bool

	statsMu sync.Mutex
	stats   Stats
}

// SenderOptions configures a Sender; zero fields take their defaults.
type SenderOptions struct {
	Options
	Capacity  int         // records the buffer holds (1000)
	BatchSize int         // records sent before reading their replies (256)
	OnError   func(error) // *RefusedError and *SpoolError; default: log.Print
}

// Stats counts records: Acknowledged (Duplicates among them), Spooled
// (Overflowed among them), Refused, and Lost (neither delivered nor spooled).
type Stats struct {
	Acknowledged int64 `json:"acknowledged"`
	Duplicates   int64 `json:"duplicates"`
	Spooled      int64 `json:"spooled"`
	Overflowed   int64 `json:"overflowed"`
	Refused      int64 `json:"refused"`
	Lost         int64 `json:"lost"`
}

// item is a record's line, or a Flush waiting for everything before it.
type item struct {
	line    []byte
	flushed chan struct{}
}

func NewSender(opts SenderOptions) *Sender {
	if opts.Capacity <= 0 {
		opts.Capacity = 1000
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 256
	}
	if opts.OnError == nil {
		opts.OnError = func(err error) { log.Print(err) }
	}
	s := &Sender{
		client:    NewClient(opts.Options),
		batchSize: opts.BatchSize,
		onError:   opts.OnError,
		queue:     make(chan item, opts.Capacity),
		done:      make(chan struct{}),
	}
	go s.run()
	return s
}

// Submit takes the record for sending and never waits on the daemon. Its
// error is for a record that cannot be encoded, or ErrClosed.
func (s *Sender) Submit(record any) error {
	line, err := encode(record)
	if err != nil {
		return err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	select {
	case s.queue <- item{line: line}:
		s.mu.RUnlock()
		return nil
	default:
	}
	s.mu.RUnlock()
	s.spool([][]byte{line}, "the sender's buffer is full", true)
	return nil
}

// SubmitCompletion is Client.SubmitCompletion without the wait.
func (s *Sender) SubmitCompletion(request, response any, fields Fields) error {
	record, err := CompletionRecord(request, response, fields)
	if err != nil {
		return err
	}
	return s.Submit(record)
}

// Flush returns once every record submitted before it is acknowledged,
// refused or spooled, or when ctx ends.
func (s *Sender) Flush(ctx context.Context) error {
	flushed := make(chan struct{})
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return s.wait(ctx, s.done)
	}
	select {
	case s.queue <- item{flushed: flushed}:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	return s.wait(ctx, flushed)
}

// Close sends what is buffered and stops the worker. When ctx ends first,
// whatever is still buffered goes to the spool and ctx's error is returned.
func (s *Sender) Close(ctx context.Context) error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.mu.Unlock()
	if err := s.wait(ctx, s.done); err != nil {
		s.spoolRest("Close timed out")
		return err
	}
	return nil
}

// Stats returns the counts so far.
func (s *Sender) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return s.stats
}

func (s *Sender) wait(ctx context.Context, done <-chan struct{}) error {
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Sender) count(update func(*Stats)) {
	s.statsMu.Lock()
	update(&s.stats)
	s.statsMu.Unlock()
}

func (s *Sender) report(err error) {
	defer func() {
		if r := recover(); r != nil {
			log.Printf("orauditd: OnError panicked: %v", r)
		}
	}()
	s.onError(err)
}

func (s *Sender) spool(lines [][]byte, reason string, overflow bool) {
	if len(lines) == 0 {
		return
	}
	if _, err := s.client.spool(lines, reason); err != nil {
		s.count(func(st *Stats) { st.Lost += int64(len(lines)) })
		var spoolErr *SpoolError
		if errors.As(err, &spoolErr) {
			s.report(spoolErr)
		}
		return
	}
	s.count(func(st *Stats) {
		st.Spooled += int64(len(lines))
		if overflow {
			st.Overflowed += int64(len(lines))
		}
	})
}
