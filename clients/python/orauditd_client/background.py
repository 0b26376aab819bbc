"""BackgroundSender: auditing that never makes the application wait on the daemon.

submit() puts the record in a bounded buffer and returns. One worker
thread sends the buffer in pipelined batches over one persistent
connection, reconnecting when needed. Policy, so that no record is lost:

- buffer full: the calling thread writes the record to the spool itself
  (one small fsynced file), and counts it as overflowed;
- daemon unreachable or silent: the batch in flight and everything
  buffered go to the spool in one file;
- refused for its content: reported through on_error, not retried.
"""

import atexit
import collections
import logging
import threading
import time

from . import config, wire
from .client import Client
from .connection import Connection, TransportError
from .errors import RecordRefused, SenderClosed, SpoolError

_log = logging.getLogger("orauditd_client")

DEFAULT_CAPACITY = 1000
DEFAULT_BATCH = 256


def _log_error(error):
    _log.warning("%s", error)


class BackgroundSender:
    def __init__(self, socket_path=None, spool_dir=None, timeout=config.DEFAULT_TIMEOUT,
                 capacity=DEFAULT_CAPACITY, batch_size=DEFAULT_BATCH, on_error=None):
        self._client = Client(socket_path, spool_dir, timeout)
        self._capacity = capacity
        self._batch_size = batch_size
        self._on_error = on_error or _log_error
        self._cond = threading.Condition()
        self._buffer = collections.deque()
        self._unfinished = 0  # buffered plus in flight
        self._closed = False
        self._connection = None
        self._stats = dict.fromkeys(
            ("acknowledged", "duplicates", "spooled", "overflowed", "refused", "lost"), 0)
        self._worker = threading.Thread(target=self._run, name="orauditd-sender", daemon=True)
        self._worker.start()
        # Buffered records are still sent (or spooled) when the program ends.
        atexit.register(self.close)

    def submit(self, record):
        """Takes the record for sending; never waits on the daemon."""
        line = wire.encode(record)
        with self._cond:
            if self._closed:
                raise SenderClosed("orauditd: submit() after close()")
            if len(self._buffer) < self._capacity:
                self._buffer.append(line)
                self._unfinished += 1
                self._cond.notify_all()
                return
        self._spool([line], "the sender's buffer is full", overflow=True)

    def submit_completion(self, request, response, **fields):
        """As Client.submit_completion, without waiting."""
        self.submit(wire.completion_record(request, response, fields))

    def flush(self, timeout=None):
        """Waits until every record so far is acknowledged, refused or spooled."""
        with self._cond:
            return self._cond.wait_for(lambda: self._unfinished == 0, timeout)

    def close(self, timeout=None):
        """Sends what is buffered, then stops the worker.

        When `timeout` passes first, whatever is still buffered goes to the
        spool. Returns True when everything was settled.
        """
        atexit.unregister(self.close)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._worker.join(timeout)
        if not self._worker.is_alive():
            return True
        with self._cond:
            rest = list(self._buffer)
            self._buffer.clear()
            self._unfinished -= len(rest)
        if rest:
            self._spool(rest, "close() timed out")
        return False

    def stats(self):
        """Counts of records: acknowledged (duplicates among them), spooled
        (overflowed among them), refused, and lost (neither delivered nor spooled)."""
        with self._cond:
            return dict(self._stats)

    def _run(self):
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._buffer or self._closed)
                if not self._buffer:
                    break
                batch = [self._buffer.popleft()
                         for _ in range(min(self._batch_size, len(self._buffer)))]
            try:
                settled = self._send(batch)
            except Exception as error:  # a fault here must not strand the buffer
                if self._connection:
                    self._connection.close()
                    self._connection = None
                settled = self._fail(batch, TransportError(f"orauditd: sender fault: {error!r}"))
            with self._cond:
                self._unfinished -= settled
                self._cond.notify_all()
        if self._connection:
            self._connection.close()

    def _send(self, batch):
        """Sends one batch; returns how many records it settled."""
        deadline = time.monotonic() + self._client.timeout
        try:
            replies = self._connect(deadline).exchange(batch, deadline)
        except TransportError as error:
            self._connection = None
            return self._fail(batch, error)
        to_spool = []
        for line, reply in zip(batch, replies):
            self._settle(line, reply, to_spool)
        if to_spool:
            self._spool(to_spool, "the daemon refused for its own state")
        return len(batch)

    def _connect(self, deadline):
        if self._connection and self._connection.idle_and_open():
            return self._connection
        if self._connection:
            self._connection.close()
            self._connection = None
        self._connection = Connection(self._client.socket_path, deadline)
        return self._connection

    def _settle(self, line, reply, to_spool):
        outcome = reply.outcome()
        if outcome == wire.ACKNOWLEDGED:
            with self._cond:
                self._stats["acknowledged"] += 1
                self._stats["duplicates"] += reply.duplicate
        elif outcome == wire.SPOOL:
            to_spool.append(line)
        else:
            with self._cond:
                self._stats["refused"] += 1
            self._report(RecordRefused(reply.error))

    def _fail(self, batch, error):
        # What was answered is settled; the rest of the batch may or may not
        # have arrived (the spool copy is then a duplicate, acknowledged as
        # one), and the buffer would meet the same daemon: all go to the spool.
        answered = len(error.replies)
        to_spool = []
        for line, reply in zip(batch, error.replies):
            self._settle(line, reply, to_spool)
        with self._cond:
            rest = list(self._buffer)
            self._buffer.clear()
        self._spool(to_spool + batch[answered:] + rest, str(error))
        return len(batch) + len(rest)

    def _spool(self, lines, reason, overflow=False):
        try:
            self._client.spool(lines, reason)
        except SpoolError as error:
            with self._cond:
                self._stats["lost"] += len(lines)
            self._report(error)
            return
        with self._cond:
            self._stats["spooled"] += len(lines)
            if overflow:
                self._stats["overflowed"] += len(lines)

    def _report(self, error):
        try:
            self._on_error(error)
        except Exception:  # a faulty callback must not stop the worker
            _log.exception("orauditd: on_error callback failed")
