package orauditd

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var spoolName = regexp.MustCompile(`^go-\d+-\d+-\d+-[0-9a-f]{8}\.jsonl$`)

func record() map[string]any {
	return map[string]any{"request_id": "r-1", "generation_id": "gen-1764860000-abc",
		"user_id": "alice"}
}

func checkSpooled(t *testing.T, res Result, spoolDir string, ids ...string) {
	t.Helper()
	if !spoolName.MatchString(filepath.Base(res.Spooled)) {
		t.Errorf("spool file %q has no unique name", res.Spooled)
	}
	if got := spooledIDs(t, spoolDir); !reflect.DeepEqual(got, ids) {
		t.Errorf("spooled %v, want %v", got, ids)
	}
	if _, leftovers := spoolFiles(t, spoolDir); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestAcknowledgedRecordReturnsItsID(t *testing.T) {
	socketPath, spoolDir := paths(t)
	d := serve(t, socketPath, &fakeDaemon{})
	res, err := NewClient(Options{SocketPath: socketPath, SpoolDir: spoolDir}).
		Submit(context.Background(), record())
	if err != nil || res != (Result{ID: "r-1"}) {
		t.Fatalf("got %+v, %v", res, err)
	}
	if records, _, _ := d.snapshot(); !reflect.DeepEqual(records, []map[string]any{record()}) {
		t.Errorf("daemon got %v", records)
	}
}

func TestDuplicateIsReported(t *testing.T) {
	socketPath, spoolDir := paths(t)
	serve(t, socketPath, &fakeDaemon{answer: func(map[string]any) map[string]any {
		return map[string]any{"ok": true, "id": "r-1", "duplicate": true}
	}})
	res, err := NewClient(Options{SocketPath: socketPath, SpoolDir: spoolDir}).
		Submit(context.Background(), record())
	if err != nil || !res.Duplicate {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestMissingSocketSpoolsTheRecord(t *testing.T) {
	socketPath, spoolDir := paths(t)
	res, err := NewClient(Options{SocketPath: socketPath, SpoolDir: spoolDir}).
		Submit(context.Background(), record())
	if err != nil || res.ID != "r-1" || !strings.Contains(res.Reason, "no such file") {
		t.Fatalf("got %+v, %v", res, err)
	}
	checkSpooled(t, res, spoolDir, "r-1")
}

func TestRefusedConnectionSpoolsTheRecord(t *testing.T) {
	socketPath, spoolDir := paths(t)
	// A socket file nobody listens on: what a killed daemon leaves behind.
	listener, err := net.ListenUnix("unix", &net.UnixAddr{Name: socketPath, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	listener.SetUnlinkOnClose(false)
	listener.Close()
	res, err := NewClient(Options{SocketPath: socketPath, SpoolDir: spoolDir}).
		Submit(context.Background(), record())
	if err != nil || !strings.Contains(res.Reason, "connection refused") {
		t.Fatalf("got %+v, %v", res, err)
	}
	checkSpooled(t, res, spoolDir, "r-1")
}

func TestSilentDaemonSpoolsAfterTheTimeout(t *testing.T) {
	socketPath, spoolDir := paths(t)
	serve(t, socketPath, &fakeDaemon{answer: func(map[string]any) map[string]any { return nil }})
	started := time.Now()
	res, err := NewClient(Options{SocketPath: socketPath, SpoolDir: spoolDir,
		Timeout: 300 * time.Millisecond}).Submit(context.Background(), record())
	if err != nil || !strings.Contains(res.Reason, "no answer in time") {
		t.Fatalf("got %+v, %v", res, err)
	}
	if elapsed := time.Since(started); elapsed > 2*time.Second {
		t.Errorf("took %v", elapsed)
	}
	checkSpooled(t, res, spoolDir, "r-1")
}

func TestCancelledContextSpoolsTheRecord(t *testing.T) {
	socketPath, spoolDir := paths(t)
	serve(t, socketPath, &fakeDaemon{answer: func(map[string]any) map[string]any { return nil }})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	res, err := NewClient(Options{SocketPath: socketPath, SpoolDir: spoolDir}).Submit(ctx, record())
	if err != nil || !strings.Contains(res.Reason, "context canceled") {
		t.Fatalf("got %+v, %v", res, err)
	}
	checkSpooled(t, res, spoolDir, "r-1")
}

func TestRefusalForTheDaemonsOwnStateSpoolsTheRecord(t *testing.T) {
	socketPath, spoolDir := paths(t)
	errorsByID := map[string]string{
		"space": "disk full: 3 MiB free under /var/lib/orauditd, below intake.min_free " +
			"(256 MiB); record not accepted, retry later",
		"storage": "queue refuses writes until storage recovers: IO error: EIO",
	}
	serve(t, socketPath, &fakeDaemon{answer: func(r map[string]any) map[string]any {
		return map[string]any{"ok": false, "error": errorsByID[r["request_id"].(string)]}
	}})
	client := NewClient(Options{SocketPath: socketPath, SpoolDir: spoolDir})
	for id, text := range errorsByID {
		res, err := client.Submit(context.Background(), map[string]any{"request_id": id,
			"status": "error"})
		if err != nil || !strings.Contains(res.Reason, text) {
			t.Fatalf("%s: got %+v, %v", id, res, err)
		}
	}
	if got := spooledIDs(t, spoolDir); !reflect.DeepEqual(got, []string{"space", "storage"}) {
		t.Errorf("spooled %v", got)
	}
}

func TestRefusalOfTheRecordIsAnErrorAndSpoolsNothing(t *testing.T) {
	socketPath, spoolDir := paths(t)
	reason := "prompt_tokens: must be an integer >= 0, got -3"
	serve(t, socketPath, &fakeDaemon{answer: func(map[string]any) map[string]any {
		return map[string]any{"ok": false, "error": reason}
	}})
	_, err := NewClient(Options{SocketPath: socketPath, SpoolDir: spoolDir}).
		Submit(context.Background(), map[string]any{"prompt_tokens": -3})
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Reason != reason {
		t.Fatalf("got %v", err)
	}
	if files, _ := spoolFiles(t, spoolDir); len(files) > 0 {
		t.Errorf("spooled %v", files)
	}
}

func TestUnwritableSpoolGivesBothCauses(t *testing.T) {
	socketPath, spoolDir := paths(t)
	blocker := filepath.Join(filepath.Dir(spoolDir), "not-a-folder")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := NewClient(Options{SocketPath: socketPath, SpoolDir: blocker}).
		Submit(context.Background(), record())
	var spoolErr *SpoolError
	if !errors.As(err, &spoolErr) || !strings.Contains(err.Error(), "connect") ||
		!strings.Contains(err.Error(), "not-a-folder/incoming") {
		t.Fatalf("got %v", err)
	}
}

func TestBadRecordsFailBeforeSending(t *testing.T) {
	socketPath, spoolDir := paths(t)
	client := NewClient(Options{SocketPath: socketPath, SpoolDir: spoolDir})
	for _, bad := range []any{[]string{"not", "an", "object"}, map[string]any{"cost": math.NaN()}} {
		if _, err := client.Submit(context.Background(), bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	if files, _ := spoolFiles(t, spoolDir); len(files) > 0 {
		t.Errorf("spooled %v", files)
	}
}

// The shape an OpenAI-compatible Go SDK gives: structs with JSON tags.
type sdkMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type sdkRequest struct {
	Model    string       `json:"model"`
	Messages []sdkMessage `json:"messages"`
}

func TestCompletionBodiesGoAsGiven(t *testing.T) {
	socketPath, spoolDir := paths(t)
	d := serve(t, socketPath, &fakeDaemon{})
	request := sdkRequest{Model: "openai/gpt-4o-mini",
		Messages: []sdkMessage{{Role: "user", Content: "hi"}}}
	response := json.RawMessage(`{"id":"gen-1764860000-abc","model":"openai/gpt-4o-mini",` +
		`"usage":{"prompt_tokens":8,"completion_tokens":2,"cost":1.2e-05}}`)
	_, err := NewClient(Options{SocketPath: socketPath, SpoolDir: spoolDir}).SubmitCompletion(
		context.Background(), request, response, Fields{"user_id": "alice", "latency_ms": 812.5})
	if err != nil {
		t.Fatal(err)
	}
	records, _, _ := d.snapshot()
	var want map[string]any
	json.Unmarshal([]byte(`{"user_id":"alice","latency_ms":812.5,`+
		`"request":{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]},`+
		`"response":`+string(response)+`}`), &want)
	if !reflect.DeepEqual(records[0], want) {
		t.Errorf("daemon got %v", records[0])
	}
}

func TestCompletionBodiesMustBeJSON(t *testing.T) {
	_, err := CompletionRecord(nil, []byte("{not json"), nil)
	if err == nil || !strings.Contains(err.Error(), "response") {
		t.Fatalf("got %v", err)
	}
}

func TestEnvironmentGivesTheDefaultsAndOptionsWin(t *testing.T) {
	socketPath, spoolDir := paths(t)
	t.Setenv(SocketEnv, socketPath)
	t.Setenv(SpoolEnv, spoolDir)
	opts := NewClient(Options{}).Options()
	want := Options{SocketPath: socketPath, SpoolDir: spoolDir, Timeout: DefaultTimeout}
	if opts != want {
		t.Errorf("got %+v", opts)
	}
	opts = NewClient(Options{SocketPath: "/a.sock", SpoolDir: "/b"}).Options()
	if opts.SocketPath != "/a.sock" || opts.SpoolDir != "/b" {
		t.Errorf("got %+v", opts)
	}
}

func TestSpoolNamesNeverClash(t *testing.T) {
	socketPath, spoolDir := paths(t)
	client := NewClient(Options{SocketPath: socketPath, SpoolDir: spoolDir})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if _, err := client.Submit(context.Background(), record()); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	files, leftovers := spoolFiles(t, spoolDir)
	if len(files) != 200 || len(leftovers) > 0 {
		t.Errorf("%d files, leftovers %v", len(files), leftovers)
	}
}
