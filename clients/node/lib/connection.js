'use strict';
// One stream to the daemon's socket. Lines may be pipelined; replies come in
// order. Every exchange has a deadline (performance.now() milliseconds).

const net = require('node:net');
const { performance } = require('node:perf_hooks');
const { TransportError } = require('./errors');
const { parseReply } = require('./wire');

function remaining(deadline) {
  return Math.max(0, deadline - performance.now());
}

class Connection {
  static open(path, deadline) {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ path });
      const fail = (message) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new TransportError(message));
      };
      const timeout = () => fail(`connect ${path}: no answer in time`);
      const timer = setTimeout(timeout, remaining(deadline));
      // Node's own text already names the call, the code and the path.
      socket.once('error', (error) => fail(error.message));
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new Connection(path, socket));
      });
    });
  }

  constructor(path, socket) {
    this.path = path;
    this.socket = socket;
    this.inbox = '';
    this.pending = null;
    this.isOpen = true;
    socket.setEncoding('utf8');
    // An idle connection must not keep the program alive; an exchange keeps
    // it alive through its timer.
    socket.unref();
    socket.on('data', (text) => this.onData(text));
    socket.on('error', (error) => this.fail(error.message));
    socket.on('close', () => this.fail('the daemon closed the connection before replying'));
  }

  // Sends `lines` (strings ending in a newline) and resolves to their replies.
  exchange(lines, deadline) {
    if (!this.isOpen) {
      return Promise.reject(new TransportError(`${this.path}: the connection is closed`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail('no answer in time'), remaining(deadline));
      this.pending = { count: lines.length, replies: [], resolve, reject, timer };
      this.socket.write(lines.join(''));
    });
  }

  onData(text) {
    this.inbox += text;
    let end;
    while ((end = this.inbox.indexOf('\n')) >= 0) {
      const line = this.inbox.slice(0, end);
      this.inbox = this.inbox.slice(end + 1);
      if (!this.pending) {
        this.fail('a reply to no request');
        return;
      }
      try {
        this.pending.replies.push(parseReply(line));
      } catch (error) {
        this.fail(error.message);
        return;
      }
      if (this.pending.replies.length === this.pending.count) {
        const { resolve, replies, timer } = this.pending;
        this.pending = null;
        clearTimeout(timer);
        resolve(replies);
      }
    }
  }

  fail(reason) {
    this.close();
    if (!this.pending) return;
    const { reject, replies, timer } = this.pending;
    this.pending = null;
    clearTimeout(timer);
    reject(new TransportError(`${this.path}: ${reason}`, replies));
  }

  close() {
    this.isOpen = false;
    this.socket.destroy();
  }
}

module.exports = { Connection };
