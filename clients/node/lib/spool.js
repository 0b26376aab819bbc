'use strict';
// Records the daemon could not take, as a file in the spool's incoming/
// folder. The daemon ignores names that start with "." and end in ".tmp",
// so the file is written and fsynced under such a name and then renamed:
// the daemon sees a whole file or none. Names carry the pid, the time, a
// counter and random bytes, so no two writers clash, not even processes in
// containers that share the folder and their pids.

const crypto = require('node:crypto');
const fs = require('node:fs/promises');
const path = require('node:path');

let counter = 0;

function uniqueName() {
  counter += 1;
  const random = crypto.randomBytes(4).toString('hex');
  return `node-${process.pid}-${Date.now()}-${counter}-${random}.jsonl`;
}

// Makes the rename itself durable; a filesystem that cannot fsync a folder
// still has the file, so failing here would help no one.
async function syncDir(dir) {
  let handle;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // see above
  } finally {
    await handle?.close();
  }
}

// Writes `lines` (strings, each ending in a newline) as one spool file and
// resolves to its path.
async function writeSpoolFile(spoolDir, lines) {
  const incoming = path.join(spoolDir, 'incoming');
  await fs.mkdir(incoming, { recursive: true });
  const name = uniqueName();
  const temp = path.join(incoming, `.${name}.tmp`);
  const final = path.join(incoming, name);
  const handle = await fs.open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(lines.join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, final);
  } catch (error) {
    await fs.unlink(temp).catch(() => {});
    throw error;
  }
  await syncDir(incoming);
  return final;
}

module.exports = { writeSpoolFile };
