'use strict';
// The line protocol: a record as one JSON line, a reply line as an object.

// Refusals caused by the daemon's state rather than by the record: intake
// below intake.min_free ("disk full: ...") or a failed queue write ("queue
// refuses writes until storage recovers: ..."). The record is fine and must
// not be lost, so it goes to the spool, which the daemon reads once healthy.
const DAEMON_SIDE_PREFIXES = ['disk full:', 'queue ', 'statvfs '];

const ACKNOWLEDGED = 'acknowledged';
const SPOOL = 'spool';
const REFUSED = 'refused';

function encode(record) {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    const kind = Array.isArray(record) ? 'an array' : record === null ? 'null' : typeof record;
    throw new TypeError(`orauditd: a record is an object, got ${kind}`);
  }
  try {
    return `${JSON.stringify(record)}\n`;
  } catch (error) {
    throw new TypeError(`orauditd: the record is not valid JSON: ${error.message}`);
  }
}

// A body still in its wire form (a string or a Buffer) is embedded as the
// JSON it holds; objects go as they are.
function body(value) {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return JSON.parse(value);
  return value;
}

// The record for one chat completion: its raw bodies plus flat fields.
function completionRecord(request, response, fields = {}) {
  const record = { ...fields };
  if (request !== undefined && request !== null) record.request = body(request);
  if (response !== undefined && response !== null) record.response = body(response);
  return record;
}

function parseReply(line) {
  let reply;
  try {
    reply = JSON.parse(line);
  } catch (error) {
    throw new Error(`unreadable reply ${JSON.stringify(line.slice(0, 200))}: ${error.message}`);
  }
  if (reply === null || typeof reply !== 'object' || typeof reply.ok !== 'boolean') {
    throw new Error(`unexpected reply ${JSON.stringify(line.slice(0, 200))}`);
  }
  if (reply.ok) return { ok: true, id: reply.id ?? null, duplicate: reply.duplicate === true };
  return { ok: false, error: String(reply.error ?? '') };
}

function outcome(reply) {
  if (reply.ok) return ACKNOWLEDGED;
  if (DAEMON_SIDE_PREFIXES.some((prefix) => reply.error.startsWith(prefix))) return SPOOL;
  return REFUSED;
}

module.exports = {
  ACKNOWLEDGED, SPOOL, REFUSED, encode, completionRecord, parseReply, outcome,
};
