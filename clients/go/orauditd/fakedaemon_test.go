package orauditd

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeDaemon stands in for the daemon's socket: answer gives the reply to a
// record, or nil to stay silent. With closeAfter set, a connection is closed
// after that many replies, as a daemon that restarts would.
type fakeDaemon struct {
	answer     func(map[string]any) map[string]any
	closeAfter int
	listener   net.Listener

	mu          sync.Mutex
	records     []map[string]any
	connections int
	closed      int
	open        []net.Conn
}

func acknowledge(record map[string]any) map[string]any {
	id, _ := record["request_id"].(string)
	return map[string]any{"ok": true, "id": id}
}

func serve(t *testing.T, path string, d *fakeDaemon) *fakeDaemon {
	t.Helper()
	if d.answer == nil {
		d.answer = acknowledge
	}
	listener, err := net.Listen("unix", path)
	if err != nil {
		t.Fatalf("listen %s: %v", path, err)
	}
	d.listener = listener
	go d.accept()
	t.Cleanup(d.stop)
	return d
}

func (d *fakeDaemon) accept() {
	for {
		c, err := d.listener.Accept()
		if err != nil {
			return
		}
		d.mu.Lock()
		d.connections++
		d.open = append(d.open, c)
		d.mu.Unlock()
		go d.answerLines(c)
	}
}

func (d *fakeDaemon) answerLines(c net.Conn) {
	defer func() {
		c.Close()
		d.mu.Lock()
		d.closed++
		d.mu.Unlock()
	}()
	reader := bufio.NewReader(c)
	answered := 0
	for {
		line, err := reader.ReadBytes('\n')
		if err != nil {
			return
		}
		var record map[string]any
		if json.Unmarshal(line, &record) != nil {
			return
		}
		d.mu.Lock()
		d.records = append(d.records, record)
		d.mu.Unlock()
		reply := d.answer(record)
		if reply == nil {
			continue
		}
		text, _ := json.Marshal(reply)
		if _, err := c.Write(append(text, '\n')); err != nil {
			return
		}
		answered++
		if d.closeAfter > 0 && answered >= d.closeAfter {
			return
		}
	}
}

func (d *fakeDaemon) stop() {
	d.listener.Close()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.open {
		c.Close()
	}
}

func (d *fakeDaemon) snapshot() (records []map[string]any, connections, closed int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]map[string]any(nil), d.records...), d.connections, d.closed
}

// paths gives a socket path and a spool folder in a fresh temporary folder.
func paths(t *testing.T) (socketPath, spoolDir string) {
	dir := t.TempDir()
	return filepath.Join(dir, "intake.sock"), filepath.Join(dir, "spool")
}

// spoolFiles lists incoming/: finished files, and temporary ones (there must
// be none).
func spoolFiles(t *testing.T, spoolDir string) (files, leftovers []string) {
	entries, err := os.ReadDir(filepath.Join(spoolDir, "incoming"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, entry := range entries {
		if strings.HasPrefix(entry.Name(), ".") {
			leftovers = append(leftovers, entry.Name())
		} else {
			files = append(files, filepath.Join(spoolDir, "incoming", entry.Name()))
		}
	}
	return files, leftovers
}

// spooledIDs gives the request_id of every spooled record, sorted.
func spooledIDs(t *testing.T, spoolDir string) []string {
	files, _ := spoolFiles(t, spoolDir)
	var ids []string
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
			var record map[string]any
			if err := json.Unmarshal([]byte(line), &record); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			id, _ := record["request_id"].(string)
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

func waitFor(condition func() bool) bool {
	deadline := time.Now().Add(5 * time.Second)
	for !condition() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}
