package orauditd

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"
)

func records(n int, prefix string) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = map[string]any{"request_id": fmt.Sprintf("%s-%d", prefix, i), "status": "error"}
	}
	return out
}

func ids(list []map[string]any) []string {
	var out []string
	for _, r := range list {
		out = append(out, r["request_id"].(string))
	}
	sort.Strings(out)
	return out
}

type errorLog struct {
	mu     sync.Mutex
	errors []error
}

func (l *errorLog) add(err error) {
	l.mu.Lock()
	l.errors = append(l.errors, err)
	l.mu.Unlock()
}

func newSender(t *testing.T, socketPath, spoolDir string, opts SenderOptions) (*Sender, *errorLog) {
	log := &errorLog{}
	opts.SocketPath, opts.SpoolDir, opts.OnError = socketPath, spoolDir, log.add
	s := NewSender(opts)
	t.Cleanup(func() { s.Close(context.Background()) })
	return s, log
}

func closeWithin(t *testing.T, s *Sender, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
}

func submitAll(t *testing.T, s *Sender, list []map[string]any) {
	t.Helper()
	for _, r := range list {
		if err := s.Submit(r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRecordsArePipelinedOverOneConnection(t *testing.T) {
	socketPath, spoolDir := paths(t)
	d := serve(t, socketPath, &fakeDaemon{})
	s, _ := newSender(t, socketPath, spoolDir, SenderOptions{})
	submitAll(t, s, records(300, "r"))
	closeWithin(t, s, 10*time.Second)
	got, connections, _ := d.snapshot()
	if s.Stats().Acknowledged != 300 || !reflect.DeepEqual(got, records(300, "r")) ||
		connections != 1 {
		t.Errorf("stats %+v, %d records in %d connections", s.Stats(), len(got), connections)
	}
}

func TestAClosedConnectionIsReplaced(t *testing.T) {
	socketPath, spoolDir := paths(t)
	d := serve(t, socketPath, &fakeDaemon{closeAfter: 5})
	s, _ := newSender(t, socketPath, spoolDir, SenderOptions{})
	for round := 0; round < 3; round++ {
		submitAll(t, s, records(5, fmt.Sprintf("round%d", round)))
		if err := s.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		// The daemon's side is gone before the next round, as when an idle
		// connection's daemon restarted.
		if !waitFor(func() bool { _, _, closed := d.snapshot(); return closed == round+1 }) {
			t.Fatal("the daemon kept the connection")
		}
	}
	_, connections, _ := d.snapshot()
	if st := s.Stats(); st.Acknowledged != 15 || st.Spooled != 0 || connections != 3 {
		t.Errorf("stats %+v, %d connections", st, connections)
	}
}

func TestNoDaemonSendsEverythingToTheSpool(t *testing.T) {
	socketPath, spoolDir := paths(t)
	s, _ := newSender(t, socketPath, spoolDir, SenderOptions{})
	submitAll(t, s, records(20, "r"))
	closeWithin(t, s, 10*time.Second)
	if got := spooledIDs(t, spoolDir); s.Stats().Spooled != 20 ||
		!reflect.DeepEqual(got, ids(records(20, "r"))) {
		t.Errorf("stats %+v, spooled %v", s.Stats(), got)
	}
}

func TestFullBufferSpoolsInTheCallersGoroutineAndNeverDrops(t *testing.T) {
	socketPath, spoolDir := paths(t)
	// A daemon that never answers: the worker waits for its timeout, so the
	// buffer fills and further records go straight to the spool.
	serve(t, socketPath, &fakeDaemon{answer: func(map[string]any) map[string]any { return nil }})
	s, _ := newSender(t, socketPath, spoolDir,
		SenderOptions{Options: Options{Timeout: time.Second}, Capacity: 3, BatchSize: 1})
	started := time.Now()
	submitAll(t, s, records(12, "r"))
	if elapsed := time.Since(started); elapsed > 900*time.Millisecond {
		t.Errorf("Submit waited %v", elapsed)
	}
	if st := s.Stats(); st.Overflowed < 8 {
		t.Errorf("stats %+v", st)
	}
	closeWithin(t, s, 10*time.Second)
	st := s.Stats()
	if got := spooledIDs(t, spoolDir); st.Spooled != 12 || st.Lost != 0 ||
		!reflect.DeepEqual(got, ids(records(12, "r"))) {
		t.Errorf("stats %+v, spooled %v", st, got)
	}
}

func TestRefusedRecordsAreReportedNotSpooled(t *testing.T) {
	socketPath, spoolDir := paths(t)
	serve(t, socketPath, &fakeDaemon{answer: func(r map[string]any) map[string]any {
		if r["request_id"] == "r-1" {
			return map[string]any{"ok": false, "error": "status: must be one of ..."}
		}
		return acknowledge(r)
	}})
	s, log := newSender(t, socketPath, spoolDir, SenderOptions{})
	submitAll(t, s, records(3, "r"))
	closeWithin(t, s, 10*time.Second)
	var refused *RefusedError
	if st := s.Stats(); st.Refused != 1 || st.Acknowledged != 2 || len(log.errors) != 1 ||
		!errors.As(log.errors[0], &refused) {
		t.Errorf("stats %+v, errors %v", st, log.errors)
	}
	if files, _ := spoolFiles(t, spoolDir); len(files) > 0 {
		t.Errorf("spooled %v", files)
	}
}

func TestFlushWaitsForEveryReply(t *testing.T) {
	socketPath, spoolDir := paths(t)
	release := make(chan struct{})
	serve(t, socketPath, &fakeDaemon{answer: func(r map[string]any) map[string]any {
		<-release
		return acknowledge(r)
	}})
	s, _ := newSender(t, socketPath, spoolDir, SenderOptions{})
	submitAll(t, s, records(1, "r"))
	short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.Flush(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("flush before the reply: %v", err)
	}
	close(release)
	if err := s.Flush(context.Background()); err != nil || s.Stats().Acknowledged != 1 {
		t.Fatalf("flush: %v, stats %+v", err, s.Stats())
	}
}

func TestSubmitAfterCloseFails(t *testing.T) {
	socketPath, spoolDir := paths(t)
	s, _ := newSender(t, socketPath, spoolDir, SenderOptions{})
	closeWithin(t, s, time.Second)
	if err := s.Submit(records(1, "r")[0]); !errors.Is(err, ErrClosed) {
		t.Fatalf("got %v", err)
	}
}
