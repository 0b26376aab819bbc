'use strict';
// BackgroundSender: auditing that never makes the application wait on the
// daemon. submit() puts the record in a bounded buffer and returns at once.
// One asynchronous worker sends the buffer in pipelined batches over one
// persistent connection, reconnecting when needed. Policy, so that no record
// is lost:
//
// - buffer full: the record goes to the spool (records that overflow while a
//   spool write runs share the next file), counted as overflowed;
// - daemon unreachable or silent: the batch in flight and everything
//   buffered go to the spool in one file;
// - refused for its content: reported through onError, not retried.

const { performance } = require('node:perf_hooks');
const { Client } = require('./client');
const { Connection } = require('./connection');
const { RecordRefusedError, SenderClosedError, TransportError } = require('./errors');
const wire = require('./wire');

const DEFAULT_CAPACITY = 1000;
const DEFAULT_BATCH = 256;

class BackgroundSender {
  constructor(options = {}) {
    const { capacity = DEFAULT_CAPACITY, batchSize = DEFAULT_BATCH, onError } = options;
    this.client = new Client(options);
    this.capacity = capacity;
    this.batchSize = batchSize;
    this.onError = onError ?? ((error) => console.warn(error.message));
    this.buffer = [];
    this.overflow = [];
    this.sending = null;
    this.overflowing = null;
    this.connection = null;
    this.closed = false;
    this.counts = {
      acknowledged: 0, duplicates: 0, spooled: 0, overflowed: 0, refused: 0, lost: 0,
    };
  }

  // Takes the record for sending; never waits.
  submit(record) {
    const line = wire.encode(record);
    if (this.closed) throw new SenderClosedError('orauditd: submit() after close()');
    if (this.buffer.length < this.capacity) {
      this.buffer.push(line);
      this.startSending();
    } else {
      this.overflow.push(line);
      this.startOverflowing();
    }
  }

  // As Client.submitCompletion, without waiting.
  submitCompletion(request, response, fields = {}) {
    this.submit(wire.completionRecord(request, response, fields));
  }

  // Resolves once every record so far is acknowledged, refused or spooled.
  async flush() {
    while (this.sending || this.overflowing) await Promise.all([this.sending, this.overflowing]);
  }

  // Sends what is buffered, then lets go of the connection.
  async close() {
    this.closed = true;
    await this.flush();
    this.connection?.close();
    this.connection = null;
  }

  // Counts of records: acknowledged (duplicates among them), spooled
  // (overflowed among them), refused, and lost (neither delivered nor spooled).
  stats() {
    return { ...this.counts };
  }

  // A record can arrive between a worker's last look at its queue and its
  // end, hence the second look once it has ended.
  startSending() {
    if (this.sending) return;
    this.sending = this.drainBuffer().finally(() => {
      this.sending = null;
      if (this.buffer.length) this.startSending();
    });
  }

  startOverflowing() {
    if (this.overflowing) return;
    this.overflowing = this.drainOverflow().finally(() => {
      this.overflowing = null;
      if (this.overflow.length) this.startOverflowing();
    });
  }

  async drainBuffer() {
    while (this.buffer.length) await this.send(this.buffer.splice(0, this.batchSize));
  }

  async drainOverflow() {
    while (this.overflow.length) {
      await this.spool(this.overflow.splice(0), "the sender's buffer is full", true);
    }
  }

  async send(batch) {
    const deadline = performance.now() + this.client.timeoutMs;
    let replies;
    try {
      replies = await (await this.connect(deadline)).exchange(batch, deadline);
    } catch (error) {
      // Anything else is a fault of this code; the batch still must not be lost.
      const failure = error instanceof TransportError
        ? error : new TransportError(`orauditd: sender fault: ${error.message}`);
      this.connection?.close();
      this.connection = null;
      await this.fail(batch, failure);
      return;
    }
    const toSpool = [];
    batch.forEach((line, i) => this.settle(line, replies[i], toSpool));
    if (toSpool.length) await this.spool(toSpool, 'the daemon refused for its own state');
  }

  async connect(deadline) {
    if (this.connection?.isOpen) return this.connection;
    this.connection = await Connection.open(this.client.socketPath, deadline);
    return this.connection;
  }

  settle(line, reply, toSpool) {
    switch (wire.outcome(reply)) {
      case wire.ACKNOWLEDGED:
        this.counts.acknowledged += 1;
        if (reply.duplicate) this.counts.duplicates += 1;
        break;
      case wire.SPOOL:
        toSpool.push(line);
        break;
      default:
        this.counts.refused += 1;
        this.report(new RecordRefusedError(reply.error));
    }
  }

  // What was answered is settled; the rest of the batch may or may not have
  // arrived (the spool copy is then a duplicate, acknowledged as one), and the
  // buffer would meet the same daemon: all go to the spool.
  async fail(batch, error) {
    const toSpool = [];
    error.replies.forEach((reply, i) => this.settle(batch[i], reply, toSpool));
    toSpool.push(...batch.slice(error.replies.length), ...this.buffer.splice(0));
    await this.spool(toSpool, error.message);
  }

  async spool(lines, reason, overflow = false) {
    try {
      await this.client.spool(lines, reason);
    } catch (error) {
      this.counts.lost += lines.length;
      this.report(error);
      return;
    }
    this.counts.spooled += lines.length;
    if (overflow) this.counts.overflowed += lines.length;
  }

  report(error) {
    try {
      this.onError(error);
    } catch (callbackError) {
      console.warn(`orauditd: onError callback failed: ${callbackError.message}`);
    }
  }
}

module.exports = { BackgroundSender };
