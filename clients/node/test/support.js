'use strict';
// Shared pieces of the client's tests: a temporary folder and the spool's contents.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orauditd-client-'));
  return {
    dir,
    socketPath: path.join(dir, 'intake.sock'),
    spoolDir: path.join(dir, 'spool'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function incoming(spoolDir) {
  const folder = path.join(spoolDir, 'incoming');
  return fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
}

function spoolFiles(spoolDir) {
  return incoming(spoolDir).filter((name) => !name.startsWith('.'));
}

// Temporary files left behind in incoming/ (there must be none).
function leftovers(spoolDir) {
  return incoming(spoolDir).filter((name) => name.startsWith('.'));
}

function spoolRecords(spoolDir) {
  return spoolFiles(spoolDir).flatMap((name) => fs
    .readFileSync(path.join(spoolDir, 'incoming', name), 'utf8')
    .split('\n')
    .filter((line) => line)
    .map((line) => JSON.parse(line)));
}

async function waitFor(condition, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => { setTimeout(resolve, 10); });
  }
  return true;
}

function records(count, prefix = 'r') {
  return Array.from({ length: count }, (_, i) => ({
    request_id: `${prefix}-${i}`, status: 'error',
  }));
}

module.exports = {
  tempDir, spoolFiles, leftovers, spoolRecords, waitFor, records,
};
