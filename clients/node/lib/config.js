'use strict';
// Where the daemon listens and where its spool is: the caller's option, else
// the environment, else the daemon's own default, so that an application
// configured nowhere still finds a daemon installed from the package.

const DEFAULT_SOCKET = '/run/orauditd/intake.sock';
const DEFAULT_SPOOL = '/var/spool/orauditd';
const DEFAULT_TIMEOUT_MS = 5000;
const SOCKET_ENV = 'ORAUDITD_SOCKET';
const SPOOL_ENV = 'ORAUDITD_SPOOL';

function resolveOptions({ socketPath, spoolDir, timeoutMs } = {}) {
  return {
    socketPath: socketPath || process.env[SOCKET_ENV] || DEFAULT_SOCKET,
    spoolDir: spoolDir || process.env[SPOOL_ENV] || DEFAULT_SPOOL,
    timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

module.exports = {
  DEFAULT_SOCKET, DEFAULT_SPOOL, DEFAULT_TIMEOUT_MS, SOCKET_ENV, SPOOL_ENV, resolveOptions,
};
