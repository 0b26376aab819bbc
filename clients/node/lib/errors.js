'use strict';
// What can go wrong for a caller.

class OrauditdError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = this.constructor.name;
  }
}

// The daemon read the record and refused it: the record itself is wrong.
// `reason` is the daemon's text, "<field>: <problem>". Spooling such a record
// would only move it to the spool's rejected/ folder, so it comes back here.
class RecordRefusedError extends OrauditdError {
  constructor(reason) {
    super(`orauditd refused the record: ${reason}`);
    this.reason = reason;
  }
}

// The daemon could not take the record, and neither could the spool.
class SpoolError extends OrauditdError {}

// A record was given to a background sender after close().
class SenderClosedError extends OrauditdError {}

// The daemon could not be reached or stopped answering. `replies` holds the
// answers that did arrive, in order; the lines after them may or may not
// have reached the daemon.
class TransportError extends OrauditdError {
  constructor(reason, replies = []) {
    super(reason);
    this.replies = replies;
  }
}

module.exports = {
  OrauditdError, RecordRefusedError, SpoolError, SenderClosedError, TransportError,
};
