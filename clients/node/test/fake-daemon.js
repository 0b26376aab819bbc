'use strict';
// A stand-in for the daemon's socket: answers each line as a test tells it to.

const net = require('node:net');

const acknowledge = (record) => ({ ok: true, id: record.request_id ?? 'assigned-id' });

// Listens on `path`; answer(record) gives the reply object, or null to stay
// silent. With closeAfter set, a connection is closed after that many
// replies, as a daemon that restarts would.
async function startFakeDaemon(path, { answer = acknowledge, closeAfter = 0 } = {}) {
  const daemon = { records: [], connections: 0, closed: 0, sockets: new Set() };
  const server = net.createServer((socket) => {
    daemon.connections += 1;
    daemon.sockets.add(socket);
    let inbox = '';
    let answered = 0;
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('close', () => {
      daemon.closed += 1;
      daemon.sockets.delete(socket);
    });
    socket.on('data', (text) => {
      inbox += text;
      let end;
      while ((end = inbox.indexOf('\n')) >= 0) {
        const record = JSON.parse(inbox.slice(0, end));
        inbox = inbox.slice(end + 1);
        daemon.records.push(record);
        const reply = answer(record);
        if (!reply) continue;
        socket.write(`${JSON.stringify(reply)}\n`);
        answered += 1;
        if (closeAfter && answered >= closeAfter) {
          socket.end();
          return;
        }
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  daemon.stop = () => new Promise((resolve) => {
    for (const socket of daemon.sockets) socket.destroy();
    server.close(resolve);
  });
  return daemon;
}

module.exports = { startFakeDaemon };
