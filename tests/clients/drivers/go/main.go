// Command clientdriver runs the Go client on a plan file; see ../README.md.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"orauditd.local/orauditd"
)

type step struct {
	Op       string            `json:"op"`
	Record   json.RawMessage   `json:"record"`
	Request  json.RawMessage   `json:"request"`
	Response json.RawMessage   `json:"response"`
	Fields   orauditd.Fields   `json:"fields"`
	Records  []json.RawMessage `json:"records"`
}

func run(s step) map[string]any {
	ctx := context.Background()
	client := orauditd.NewClient(orauditd.Options{})
	var result orauditd.Result
	var err error
	switch s.Op {
	case "submit":
		result, err = client.Submit(ctx, s.Record)
	case "completion":
		result, err = client.SubmitCompletion(ctx, s.Request, s.Response, s.Fields)
	default:
		sender := orauditd.NewSender(orauditd.SenderOptions{})
		for _, record := range s.Records {
			if err := sender.Submit(record); err != nil {
				return map[string]any{"ok": false, "error": err.Error()}
			}
		}
		if err := sender.Close(ctx); err != nil {
			return map[string]any{"ok": false, "error": err.Error()}
		}
		return map[string]any{"stats": sender.Stats()}
	}
	var refused *orauditd.RefusedError
	if errors.As(err, &refused) {
		return map[string]any{"ok": false, "refused": refused.Reason}
	}
	if err != nil {
		return map[string]any{"ok": false, "error": err.Error()}
	}
	var spooled any
	if result.Spooled != "" {
		spooled = result.Spooled
	}
	return map[string]any{"ok": true, "id": result.ID, "duplicate": result.Duplicate,
		"spooled": spooled}
}

func main() {
	plan, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	scanner := bufio.NewScanner(plan)
	scanner.Buffer(nil, 1<<20)
	out := json.NewEncoder(os.Stdout)
	for scanner.Scan() {
		if len(scanner.Bytes()) == 0 {
			continue
		}
		var s step
		if err := json.Unmarshal(scanner.Bytes(), &s); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		out.Encode(run(s))
	}
}
