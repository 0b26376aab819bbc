'use strict';
// Node.js client of orauditd, no dependencies.
//
//   const orauditd = require('orauditd-client');
//   await orauditd.submitCompletion(request, completion, { user_id: 'alice' });
//
// Client waits for the daemon's reply; BackgroundSender never waits. Both fall
// back to the spool directory when the daemon cannot take a record. Options:
// socketPath (else $ORAUDITD_SOCKET, else /run/orauditd/intake.sock), spoolDir
// (else $ORAUDITD_SPOOL, else /var/spool/orauditd), timeoutMs (5000).

const { BackgroundSender } = require('./lib/background');
const { Client } = require('./lib/client');
const { SOCKET_ENV, SPOOL_ENV } = require('./lib/config');
const errors = require('./lib/errors');

function submit(record, options = {}) {
  return new Client(options).submit(record);
}

// new Client().submitCompletion(request, response, fields), default settings.
function submitCompletion(request, response, fields = {}) {
  return new Client().submitCompletion(request, response, fields);
}

module.exports = {
  BackgroundSender,
  Client,
  OrauditdError: errors.OrauditdError,
  RecordRefusedError: errors.RecordRefusedError,
  SenderClosedError: errors.SenderClosedError,
  SpoolError: errors.SpoolError,
  SOCKET_ENV,
  SPOOL_ENV,
  submit,
  submitCompletion,
};
