'use strict';
// BackgroundSender without a daemon: pipelining, reconnects and the spool policy.

const assert = require('node:assert/strict');
const test = require('node:test');
const orauditd = require('..');
const { startFakeDaemon } = require('./fake-daemon');
const {
  tempDir, spoolFiles, leftovers, spoolRecords, waitFor, records,
} = require('./support');

const ids = (list) => list.map((r) => r.request_id).sort();

// Runs `body` with a fresh folder, a sender factory and cleanups.
function senderTest(name, body) {
  test(name, async () => {
    const t = tempDir();
    const cleanups = [];
    const errors = [];
    const serve = async (options) => {
      const daemon = await startFakeDaemon(t.socketPath, options);
      cleanups.push(daemon.stop);
      return daemon;
    };
    const sender = (options = {}) => {
      const created = new orauditd.BackgroundSender({
        socketPath: t.socketPath, spoolDir: t.spoolDir, onError: (e) => errors.push(e), ...options,
      });
      cleanups.push(() => created.close());
      return created;
    };
    try {
      await body({ ...t, serve, sender, errors });
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup();
      t.remove();
    }
  });
}

senderTest('records are pipelined over one connection', async (t) => {
  const daemon = await t.serve();
  const sender = t.sender();
  for (const record of records(300)) sender.submit(record);
  await sender.close();
  assert.equal(sender.stats().acknowledged, 300);
  assert.deepEqual(daemon.records, records(300));
  assert.equal(daemon.connections, 1);
  assert.deepEqual(spoolFiles(t.spoolDir), []);
});

senderTest('a closed connection is replaced', async (t) => {
  const daemon = await t.serve({ closeAfter: 5 });
  const sender = t.sender();
  for (let round = 0; round < 3; round += 1) {
    for (const record of records(5, `round${round}`)) sender.submit(record);
    await sender.flush();
    // The daemon's side is gone before the next round, as when an idle
    // connection's daemon restarted.
    assert.ok(await waitFor(() => daemon.closed === round + 1));
  }
  assert.equal(sender.stats().acknowledged, 15);
  assert.equal(sender.stats().spooled, 0);
  assert.equal(daemon.connections, 3);
});

senderTest('no daemon sends everything to the spool', async (t) => {
  const sender = t.sender();
  for (const record of records(20)) sender.submit(record);
  await sender.close();
  assert.equal(sender.stats().spooled, 20);
  assert.deepEqual(ids(spoolRecords(t.spoolDir)), ids(records(20)));
  assert.deepEqual(leftovers(t.spoolDir), []);
});

senderTest('a full buffer spools and never drops', async (t) => {
  // A daemon that never answers: the worker waits for its timeout, so the
  // buffer fills and further records go straight to the spool.
  await t.serve({ answer: () => null });
  const sender = t.sender({ capacity: 3, batchSize: 1, timeoutMs: 1000 });
  for (const record of records(12)) sender.submit(record);
  assert.ok(await waitFor(() => sender.stats().overflowed >= 8, 900));
  await sender.close();
  const stats = sender.stats();
  assert.equal(stats.spooled, 12);
  assert.equal(stats.lost, 0);
  assert.deepEqual(ids(spoolRecords(t.spoolDir)), ids(records(12)));
});

senderTest('refused records are reported, not spooled', async (t) => {
  await t.serve({
    answer: (r) => (r.request_id === 'r-1'
      ? { ok: false, error: 'status: must be one of ...' }
      : { ok: true, id: r.request_id }),
  });
  const sender = t.sender();
  for (const record of records(3)) sender.submit(record);
  await sender.close();
  assert.equal(sender.stats().refused, 1);
  assert.equal(sender.stats().acknowledged, 2);
  assert.equal(t.errors.length, 1);
  assert.ok(t.errors[0] instanceof orauditd.RecordRefusedError);
  assert.deepEqual(spoolFiles(t.spoolDir), []);
});

senderTest('flush waits for every reply', async (t) => {
  const daemon = await t.serve({ answer: () => null });
  const sender = t.sender();
  sender.submit(records(1)[0]);
  let flushed = false;
  const flushing = sender.flush().then(() => { flushed = true; });
  assert.ok(await waitFor(() => daemon.records.length === 1));
  assert.equal(flushed, false);
  for (const socket of daemon.sockets) socket.write('{"ok":true,"id":"r-0"}\n');
  await flushing;
  assert.equal(sender.stats().acknowledged, 1);
});

senderTest('submit after close throws', async (t) => {
  const sender = t.sender();
  await sender.close();
  assert.throws(() => sender.submit(records(1)[0]), orauditd.SenderClosedError);
});
