package orauditd

import (
	"os"
	"time"
)

// Defaults are the daemon's own, so that an application configured nowhere
// still finds a daemon installed from the package.
const (
	DefaultSocket  = "/run/orauditd/intake.sock"
	DefaultSpool   = "/var/spool/orauditd"
	DefaultTimeout = 5 * time.Second
	SocketEnv      = "ORAUDITD_SOCKET"
	SpoolEnv       = "ORAUDITD_SPOOL"
)

// Options says where the daemon is. A zero field takes the environment, then
// the default.
type Options struct {
	SocketPath string
	SpoolDir   string
	// Timeout bounds connecting and waiting for the replies of one submission.
	Timeout time.Duration
}

func firstSet(values ...string) string {
	for _, value := range values {
		if value != "" {
			return value
		}
	}
	return ""
}

func (o Options) resolved() Options {
	o.SocketPath = firstSet(o.SocketPath, os.Getenv(SocketEnv), DefaultSocket)
	o.SpoolDir = firstSet(o.SpoolDir, os.Getenv(SpoolEnv), DefaultSpool)
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}
