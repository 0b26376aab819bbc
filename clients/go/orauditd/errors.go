package orauditd

import (
	"errors"
	"fmt"
)

// RefusedError: the daemon read the record and refused it, so the record
// itself is wrong. Reason is the daemon's text, "<field>: <problem>".
// Spooling such a record would only move it to the spool's rejected/ folder,
// so it comes back to the caller instead.
type RefusedError struct {
	Reason string
}

func (e *RefusedError) Error() string { return "orauditd refused the record: " + e.Reason }

// SpoolError: the daemon could not take the records, and neither could the
// spool.
type SpoolError struct {
	Records   int
	Delivery  string // why the daemon did not take them
	SpoolPath string
	Err       error
}

func (e *SpoolError) Error() string {
	return fmt.Sprintf("orauditd: %d record(s) neither delivered (%s) nor spooled (%s: %v)",
		e.Records, e.Delivery, e.SpoolPath, e.Err)
}

func (e *SpoolError) Unwrap() error { return e.Err }

// ErrClosed: a record was given to a Sender after Close.
var ErrClosed = errors.New("orauditd: submit after close")

// transportError: the daemon could not be reached or stopped answering.
// replies holds the answers that did arrive, in order; the lines after them
// may or may not have reached the daemon.
type transportError struct {
	reason  string
	replies []reply
}

func (e *transportError) Error() string { return e.reason }
