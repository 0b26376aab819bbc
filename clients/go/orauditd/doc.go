// Package orauditd is the Go client of orauditd, the local audit daemon for
// OpenRouter calls. It uses the standard library only.
//
// Client waits for the daemon's reply; Sender never waits. Both fall back to
// the spool directory when the daemon cannot take a record:
//
//	c := orauditd.NewClient(orauditd.Options{})
//	res, err := c.SubmitCompletion(ctx, request, completion, orauditd.Fields{"user_id": "alice"})
//
// Options: SocketPath (else $ORAUDITD_SOCKET, else /run/orauditd/intake.sock),
// SpoolDir (else $ORAUDITD_SPOOL, else /var/spool/orauditd), Timeout (5 s).
package orauditd
