"""Client: submits one record and waits for the daemon's reply, or spools it."""

import dataclasses
import time
from typing import Optional

from . import config, wire
from .connection import Connection, TransportError
from .errors import RecordRefused, SpoolError
from .spool import write_spool_file


@dataclasses.dataclass(frozen=True)
class Result:
    """How a record was taken.

    `id` is the daemon's id of the record (your request_id, or one it
    assigned); for a spooled record it is your request_id, if any.
    `spooled` is the spool file the record went to, and `reason` why.
    """

    id: Optional[str]
    duplicate: bool = False
    spooled: Optional[str] = None
    reason: Optional[str] = None


class Client:
    """Blocking submissions, one connection each; safe to share between threads.

    A record is durable when submit() returns: stored by the daemon, or
    written to the spool when the socket is missing, refuses, does not
    answer within `timeout` seconds, or the daemon refuses for its own
    state (disk below intake.min_free, storage failing). A record the
    daemon refuses for its content raises RecordRefused.
    """

    def __init__(self, socket_path=None, spool_dir=None, timeout=config.DEFAULT_TIMEOUT):
        self.socket_path = config.socket_path(socket_path)
        self.spool_dir = config.spool_dir(spool_dir)
        self.timeout = timeout

    def submit(self, record):
        line = wire.encode(record)
        try:
            reply = self.exchange([line])[0]
        except TransportError as error:
            return self._spooled(record, line, str(error))
        outcome = reply.outcome()
        if outcome == wire.ACKNOWLEDGED:
            return Result(reply.id, duplicate=reply.duplicate)
        if outcome == wire.SPOOL:
            return self._spooled(record, line, f"the daemon refused: {reply.error}")
        raise RecordRefused(reply.error)

    def submit_completion(self, request, response, **fields):
        """Submits the raw bodies of a chat completion, as an SDK returned them.

        `request` is the body sent (model, messages, ...), `response` the
        completion, or the list of stream chunks; either may be a dict, an
        SDK object with to_dict() or model_dump(), or JSON text. `fields`
        are flat record fields (request_id, user_id, app, latency_ms, ...).
        """
        return self.submit(wire.completion_record(request, response, fields))

    def exchange(self, lines):
        """Sends lines over a new connection and returns their replies."""
        deadline = time.monotonic() + self.timeout
        connection = Connection(self.socket_path, deadline)
        try:
            return connection.exchange(lines, deadline)
        finally:
            connection.close()

    def spool(self, lines, reason):
        """Writes lines to the spool; SpoolError (with both causes) when that fails too."""
        try:
            return write_spool_file(self.spool_dir, lines)
        except OSError as error:
            raise SpoolError(
                f"orauditd: {len(lines)} record(s) neither delivered ({reason}) nor spooled "
                f"({self.spool_dir}/incoming: {type(error).__name__}: {error})") from error

    def _spooled(self, record, line, reason):
        path = self.spool([line], reason)
        request_id = record.get("request_id")
        return Result(request_id if isinstance(request_id, str) else None,
                      spooled=path, reason=reason)
