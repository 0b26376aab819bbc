package orauditd

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// Records the daemon could not take go to a file in the spool's incoming/
// folder. The daemon ignores names that start with "." and end in ".tmp", so
// the file is written and fsynced under such a name and then renamed: the
// daemon sees a whole file or none. Names carry the pid, the time, a counter
// and random bytes, so no two writers clash, not even processes in
// containers that share the folder and their pids.

var spoolCounter atomic.Uint64

func uniqueName() string {
	var random [4]byte
	// On the off chance the system has no randomness, pid, time and counter
	// still tell writers of one host apart.
	_, _ = rand.Read(random[:])
	return fmt.Sprintf("go-%d-%d-%d-%s.jsonl", os.Getpid(), time.Now().UnixNano(),
		spoolCounter.Add(1), hex.EncodeToString(random[:]))
}

// writeSpoolFile writes lines (each ending in a newline) as one spool file
// and returns its path.
func writeSpoolFile(spoolDir string, lines [][]byte) (string, error) {
	incoming := filepath.Join(spoolDir, "incoming")
	if err := os.MkdirAll(incoming, 0o777); err != nil {
		return "", err
	}
	name := uniqueName()
	temp := filepath.Join(incoming, "."+name+".tmp")
	final := filepath.Join(incoming, name)
	if err := writeSynced(temp, lines); err != nil {
		os.Remove(temp)
		return "", err
	}
	if err := os.Rename(temp, final); err != nil {
		os.Remove(temp)
		return "", err
	}
	syncDir(incoming)
	return final, nil
}

func writeSynced(path string, lines [][]byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(bytes.Join(lines, nil)); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes the rename itself durable. A filesystem that cannot fsync a
// folder still has the file, so a failure here is not the caller's concern.
func syncDir(path string) {
	dir, err := os.Open(path)
	if err != nil {
		return
	}
	_ = dir.Sync()
	dir.Close()
}
