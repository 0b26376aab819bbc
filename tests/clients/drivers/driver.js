'use strict';
// Runs the Node.js client on a plan file; see README.md.

const fs = require('node:fs');
const path = require('node:path');
const orauditd = require(path.join(__dirname, '..', '..', '..', 'clients', 'node'));

async function run(step) {
  try {
    let result;
    if (step.op === 'submit') {
      result = await orauditd.submit(step.record);
    } else if (step.op === 'completion') {
      result = await orauditd.submitCompletion(step.request, step.response, step.fields);
    } else {
      const sender = new orauditd.BackgroundSender();
      for (const record of step.records) sender.submit(record);
      await sender.close();
      return { stats: sender.stats() };
    }
    return { ok: true, id: result.id, duplicate: result.duplicate, spooled: result.spooled };
  } catch (error) {
    if (error instanceof orauditd.RecordRefusedError) return { ok: false, refused: error.reason };
    return { ok: false, error: `${error.name}: ${error.message}` };
  }
}

async function main() {
  const steps = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.trim());
  for (const step of steps) {
    process.stdout.write(`${JSON.stringify(await run(JSON.parse(step)))}\n`);
  }
}

main();
