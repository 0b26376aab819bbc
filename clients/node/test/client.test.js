'use strict';
// Client without a daemon: replies, refusals, and every way to end in the spool.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const test = require('node:test');
const orauditd = require('..');
const { startFakeDaemon } = require('./fake-daemon');
const { tempDir, spoolFiles, leftovers, spoolRecords } = require('./support');

const RECORD = { request_id: 'r-1', generation_id: 'gen-1764860000-abc', user_id: 'alice' };
const SPOOL_NAME = /^node-\d+-\d+-\d+-[0-9a-f]{8}\.jsonl$/;

// Runs `body` with a fresh folder, a Client on it, and cleanups.
function clientTest(name, body) {
  test(name, async () => {
    const t = tempDir();
    const cleanups = [];
    const serve = async (options) => {
      const daemon = await startFakeDaemon(t.socketPath, options);
      cleanups.push(daemon.stop);
      return daemon;
    };
    const client = (options = {}) => new orauditd.Client({
      socketPath: t.socketPath, spoolDir: t.spoolDir, ...options,
    });
    try {
      await body({ ...t, serve, client });
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup();
      t.remove();
    }
  });
}

function assertSpooled(t, result, records) {
  assert.match(path.basename(result.spooled), SPOOL_NAME);
  assert.deepEqual(spoolRecords(t.spoolDir), records);
  assert.deepEqual(leftovers(t.spoolDir), []);
}

clientTest('an acknowledged record resolves to its id', async (t) => {
  const daemon = await t.serve();
  const result = await t.client().submit(RECORD);
  assert.deepEqual(result, { id: 'r-1', duplicate: false, spooled: null, reason: null });
  assert.deepEqual(daemon.records, [RECORD]);
  assert.deepEqual(spoolFiles(t.spoolDir), []);
});

clientTest('a duplicate is reported', async (t) => {
  await t.serve({ answer: () => ({ ok: true, id: 'r-1', duplicate: true }) });
  assert.equal((await t.client().submit(RECORD)).duplicate, true);
});

clientTest('a missing socket spools the record', async (t) => {
  const result = await t.client().submit(RECORD);
  assert.equal(result.id, 'r-1');
  assert.match(result.reason, /ENOENT/);
  assertSpooled(t, result, [RECORD]);
});

clientTest('a refused connection spools the record', async (t) => {
  // A socket file nobody listens on: what a killed daemon leaves behind.
  const server = net.createServer();
  await new Promise((resolve) => { server.listen(t.socketPath, resolve); });
  fs.renameSync(t.socketPath, `${t.socketPath}.kept`);
  await new Promise((resolve) => { server.close(resolve); });
  fs.renameSync(`${t.socketPath}.kept`, t.socketPath);
  const result = await t.client().submit(RECORD);
  assert.match(result.reason, /ECONNREFUSED/);
  assertSpooled(t, result, [RECORD]);
});

clientTest('a silent daemon means the spool after the timeout', async (t) => {
  await t.serve({ answer: () => null });
  const started = Date.now();
  const result = await t.client({ timeoutMs: 300 }).submit(RECORD);
  assert.ok(Date.now() - started < 2000);
  assert.match(result.reason, /no answer in time/);
  assertSpooled(t, result, [RECORD]);
});

clientTest("a refusal for the daemon's own state spools the record", async (t) => {
  const errors = {
    space: 'disk full: 3 MiB free under /var/lib/orauditd, below intake.min_free (256 MiB); '
      + 'record not accepted, retry later',
    storage: 'queue refuses writes until storage recovers: IO error: EIO',
  };
  await t.serve({ answer: (r) => ({ ok: false, error: errors[r.request_id] }) });
  for (const [requestId, error] of Object.entries(errors)) {
    const result = await t.client().submit({ request_id: requestId, status: 'error' });
    assert.ok(result.reason.includes(error));
  }
  const spooled = spoolRecords(t.spoolDir).map((r) => r.request_id).sort();
  assert.deepEqual(spooled, Object.keys(errors).sort());
});

clientTest('a refusal of the record rejects and spools nothing', async (t) => {
  const reason = 'prompt_tokens: must be an integer >= 0, got -3';
  await t.serve({ answer: () => ({ ok: false, error: reason }) });
  await assert.rejects(t.client().submit({ ...RECORD, prompt_tokens: -3 }), (error) => {
    assert.ok(error instanceof orauditd.RecordRefusedError);
    assert.equal(error.reason, reason);
    return true;
  });
  assert.deepEqual(spoolFiles(t.spoolDir), []);
});

clientTest('an unwritable spool rejects with both causes', async (t) => {
  const blocker = path.join(t.dir, 'not-a-folder');
  fs.writeFileSync(blocker, '');
  const client = new orauditd.Client({ socketPath: t.socketPath, spoolDir: blocker });
  await assert.rejects(client.submit(RECORD), (error) => {
    assert.ok(error instanceof orauditd.SpoolError);
    assert.match(error.message, /ENOENT/);
    assert.match(error.message, /not-a-folder\/incoming/);
    return true;
  });
});

clientTest('bad records fail before anything is sent', async (t) => {
  await assert.rejects(t.client().submit(['not', 'an', 'object']), TypeError);
  await assert.rejects(t.client().submit({ big: 1n }), TypeError);
  assert.deepEqual(spoolFiles(t.spoolDir), []);
});

clientTest('completion bodies go as given, with no prompt hash', async (t) => {
  const daemon = await t.serve();
  const request = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
  const response = {
    id: 'gen-1764860000-abc',
    model: 'openai/gpt-4o-mini-2024-07-18',
    usage: { prompt_tokens: 8, completion_tokens: 2, cost: 1.2e-5 },
  };
  await t.client().submitCompletion(request, response, { user_id: 'alice', latency_ms: 812.5 });
  assert.deepEqual(daemon.records[0], { user_id: 'alice', latency_ms: 812.5, request, response });
  assert.equal('prompt_hash' in daemon.records[0], false);
});

clientTest('completion bodies may be JSON text', async (t) => {
  const daemon = await t.serve();
  const chunks = Buffer.from('[{"id":"gen-1","object":"chat.completion.chunk"}]');
  await t.client().submitCompletion('{"model":"m","messages":[]}', chunks);
  assert.equal(daemon.records[0].response[0].id, 'gen-1');
});

clientTest('the environment gives the defaults and options win', async (t) => {
  const daemon = await t.serve();
  process.env.ORAUDITD_SOCKET = t.socketPath;
  process.env.ORAUDITD_SPOOL = t.spoolDir;
  try {
    assert.equal((await orauditd.submit(RECORD)).id, 'r-1');
    assert.equal(daemon.records.length, 1);
    const elsewhere = path.join(t.dir, 'elsewhere');
    const result = await orauditd.submit(RECORD, {
      socketPath: path.join(t.dir, 'no.sock'), spoolDir: elsewhere,
    });
    assert.ok(result.spooled.startsWith(`${elsewhere}/incoming/`));
  } finally {
    delete process.env.ORAUDITD_SOCKET;
    delete process.env.ORAUDITD_SPOOL;
  }
});

clientTest('spool names never clash', async (t) => {
  const client = t.client();
  await Promise.all(Array.from({ length: 200 }, () => client.submit(RECORD)));
  assert.equal(spoolFiles(t.spoolDir).length, 200);
  assert.deepEqual(leftovers(t.spoolDir), []);
});
