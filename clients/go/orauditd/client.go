package orauditd

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
)

// Result says how a record was taken.
type Result struct {
	// ID is the daemon's id of the record: your request_id, or one it
	// assigned. For a spooled record it is your request_id, if any.
	ID        string
	Duplicate bool
	// Spooled is the spool file the record went to, and Reason why.
	Spooled string
	Reason  string
}

// Client submits records and waits for the daemon's replies, one connection
// per submission; safe for concurrent use.
//
// A record is durable when Submit returns without error: stored by the
// daemon, or written to the spool when the socket is missing, refuses, does
// not answer within Timeout (or before ctx ends), or the daemon refuses for
// its own state (disk below intake.min_free, storage failing). A record the
// daemon refuses for its content gives a *RefusedError.
type Client struct {
	opts Options
}

func NewClient(opts Options) *Client { return &Client{opts: opts.resolved()} }

// Options gives the settings in force, defaults filled in.
func (c *Client) Options() Options { return c.opts }

// Submit sends one record: a map, or a struct that encoding/json marshals
// to an object.
func (c *Client) Submit(ctx context.Context, record any) (Result, error) {
	line, err := encode(record)
	if err != nil {
		return Result{}, err
	}
	replies, err := c.exchange(ctx, [][]byte{line})
	var transport *transportError
	if errors.As(err, &transport) {
		return c.spooled(line, transport.reason)
	}
	if err != nil {
		return Result{}, err
	}
	r := replies[0]
	switch r.outcome() {
	case acknowledged:
		return Result{ID: r.ID, Duplicate: r.Duplicate}, nil
	case toSpool:
		return c.spooled(line, "the daemon refused: "+r.Error)
	default:
		return Result{}, &RefusedError{Reason: r.Error}
	}
}

// SubmitCompletion submits the raw bodies of a chat completion as an SDK
// gave them: request is the body sent (model, messages, ...), response the
// completion or the slice of stream chunks. Either may be a struct, a map,
// or JSON bytes ([]byte, json.RawMessage); nil leaves it out.
func (c *Client) SubmitCompletion(ctx context.Context, request, response any,
	fields Fields) (Result, error) {
	record, err := CompletionRecord(request, response, fields)
	if err != nil {
		return Result{}, err
	}
	return c.Submit(ctx, record)
}

// exchange sends lines over a new connection and returns their replies;
// its errors are *transportError.
func (c *Client) exchange(ctx context.Context, lines [][]byte) ([]reply, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	connection, err := dial(ctx, c.opts.SocketPath)
	if err != nil {
		return nil, err
	}
	defer connection.close()
	return connection.exchange(ctx, lines)
}

// spool writes lines to the spool; a *SpoolError, with both causes, when that
// fails too.
func (c *Client) spool(lines [][]byte, reason string) (string, error) {
	path, err := writeSpoolFile(c.opts.SpoolDir, lines)
	if err != nil {
		return "", &SpoolError{Records: len(lines), Delivery: reason,
			SpoolPath: filepath.Join(c.opts.SpoolDir, "incoming"), Err: err}
	}
	return path, nil
}

func (c *Client) spooled(line []byte, reason string) (Result, error) {
	path, err := c.spool([][]byte{line}, reason)
	if err != nil {
		return Result{}, err
	}
	return Result{ID: requestID(line), Spooled: path, Reason: reason}, nil
}

// requestID reads request_id back from the encoded line, whatever type the
// record had.
func requestID(line []byte) string {
	var fields struct {
		RequestID any `json:"request_id"`
	}
	_ = json.Unmarshal(line, &fields)
	id, _ := fields.RequestID.(string)
	return id
}
