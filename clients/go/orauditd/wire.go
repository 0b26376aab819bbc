package orauditd

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Refusals caused by the daemon's state rather than by the record: intake
// below intake.min_free ("disk full: ...") or a failed queue write ("queue
// refuses writes until storage recovers: ..."). The record is fine and must
// not be lost, so it goes to the spool, which the daemon reads once healthy.
var daemonSidePrefixes = []string{"disk full:", "queue ", "statvfs "}

type outcome int

const (
	acknowledged outcome = iota
	toSpool
	refused
)

// Fields are flat record fields: request_id, user_id, app, latency_ms, ...
type Fields map[string]any

type reply struct {
	OK        bool   `json:"ok"`
	ID        string `json:"id"`
	Duplicate bool   `json:"duplicate"`
	Error     string `json:"error"`
}

func (r reply) outcome() outcome {
	if r.OK {
		return acknowledged
	}
	for _, prefix := range daemonSidePrefixes {
		if strings.HasPrefix(r.Error, prefix) {
			return toSpool
		}
	}
	return refused
}

// encode gives a record as one JSON line, newline included.
func encode(record any) ([]byte, error) {
	line, err := json.Marshal(record)
	if err != nil {
		return nil, fmt.Errorf("orauditd: the record is not valid JSON: %w", err)
	}
	if len(line) == 0 || line[0] != '{' {
		return nil, fmt.Errorf("orauditd: a record is a JSON object, got %.40s", line)
	}
	return append(line, '\n'), nil
}

// body keeps a body that is still in its wire form ([]byte or
// json.RawMessage) as the JSON it holds; anything else is marshalled. Empty
// bytes, like nil, mean no body.
func body(value any) (any, error) {
	var raw []byte
	switch v := value.(type) {
	case json.RawMessage:
		raw = v
	case []byte:
		raw = v
	default:
		return value, nil
	}
	if len(raw) == 0 {
		return nil, nil
	}
	if !json.Valid(raw) {
		return nil, errors.New("a body given as bytes is not valid JSON")
	}
	return json.RawMessage(raw), nil
}

// CompletionRecord is the record for one chat completion: its raw bodies
// (request sent, response or stream chunks received; nil leaves one out) plus
// flat fields.
func CompletionRecord(request, response any, fields Fields) (map[string]any, error) {
	record := make(map[string]any, len(fields)+2)
	for name, value := range fields {
		record[name] = value
	}
	for name, value := range map[string]any{"request": request, "response": response} {
		b, err := body(value)
		if err != nil {
			return nil, fmt.Errorf("orauditd: %s: %w", name, err)
		}
		if b != nil {
			record[name] = b
		}
	}
	return record, nil
}

func parseReply(line []byte) (reply, error) {
	var r struct {
		OK *bool `json:"ok"`
		reply
	}
	if err := json.Unmarshal(line, &r); err != nil || r.OK == nil {
		return reply{}, fmt.Errorf("unexpected reply %q", truncate(line, 200))
	}
	r.reply.OK = *r.OK
	return r.reply, nil
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
