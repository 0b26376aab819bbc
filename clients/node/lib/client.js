'use strict';
// Client: submits one record and waits for the daemon's reply, or spools it.

const { performance } = require('node:perf_hooks');
const { resolveOptions } = require('./config');
const { Connection } = require('./connection');
const { RecordRefusedError, SpoolError, TransportError } = require('./errors');
const { writeSpoolFile } = require('./spool');
const wire = require('./wire');

// One connection per submission. A record is durable when submit() resolves:
// stored by the daemon, or written to the spool when the socket is missing,
// refuses, does not answer within timeoutMs, or the daemon refuses for its
// own state (disk below intake.min_free, storage failing). A record the
// daemon refuses for its content rejects with RecordRefusedError.
//
// Results: { id, duplicate, spooled, reason }. `id` is the daemon's id of the
// record (your request_id, or one it assigned; for a spooled record your
// request_id, if any); `spooled` is the spool file and `reason` why.
class Client {
  constructor(options = {}) {
    Object.assign(this, resolveOptions(options));
  }

  async submit(record) {
    const line = wire.encode(record);
    let reply;
    try {
      [reply] = await this.exchange([line]);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      return this.spooled(record, line, error.message);
    }
    switch (wire.outcome(reply)) {
      case wire.ACKNOWLEDGED:
        return { id: reply.id, duplicate: reply.duplicate, spooled: null, reason: null };
      case wire.SPOOL:
        return this.spooled(record, line, `the daemon refused: ${reply.error}`);
      default:
        throw new RecordRefusedError(reply.error);
    }
  }

  // Submits the raw bodies of a chat completion as an SDK returned them:
  // `request` is the body sent (model, messages, ...), `response` the
  // completion or the array of stream chunks (objects, or JSON text);
  // `fields` are flat record fields (request_id, user_id, app, latency_ms, ...).
  submitCompletion(request, response, fields = {}) {
    return this.submit(wire.completionRecord(request, response, fields));
  }

  // Sends lines over a new connection and resolves to their replies.
  async exchange(lines) {
    const deadline = performance.now() + this.timeoutMs;
    const connection = await Connection.open(this.socketPath, deadline);
    try {
      return await connection.exchange(lines, deadline);
    } finally {
      connection.close();
    }
  }

  // Writes lines to the spool; SpoolError (with both causes) when that fails too.
  async spool(lines, reason) {
    try {
      return await writeSpoolFile(this.spoolDir, lines);
    } catch (error) {
      throw new SpoolError(
        `orauditd: ${lines.length} record(s) neither delivered (${reason}) nor spooled ` +
          `(${this.spoolDir}/incoming: ${error.message})`,
        { cause: error },
      );
    }
  }

  async spooled(record, line, reason) {
    const spooled = await this.spool([line], reason);
    const id = typeof record.request_id === 'string' ? record.request_id : null;
    return { id, duplicate: false, spooled, reason };
  }
}

module.exports = { Client };
