"""A blocking connection to the daemon's socket, with a deadline on every step."""

import select
import socket
import time

from . import wire

_READ_CHUNK = 65536


class TransportError(Exception):
    """The daemon could not be reached or stopped answering.

    `replies` holds the answers that did arrive, in order: the lines after
    them may or may not have reached the daemon.
    """

    def __init__(self, reason, replies=()):
        super().__init__(reason)
        self.replies = list(replies)


def _remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("no answer in time")
    return left


def _describe(error):
    if isinstance(error, (TimeoutError, socket.timeout)):
        return "no answer in time"
    return f"{type(error).__name__}: {error}"


class Connection:
    """One stream to the daemon; lines may be pipelined, replies come in order."""

    def __init__(self, path, deadline):
        self.path = path
        self._inbox = bytearray()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._sock.settimeout(_remaining(deadline))
            self._sock.connect(path)
        except OSError as error:
            self._sock.close()
            raise TransportError(f"connect {path}: {_describe(error)}") from error

    def idle_and_open(self):
        """False once the daemon has closed the stream (it restarted, say).

        The daemon never speaks unasked, so a readable idle socket means
        end of stream or an error: reusing it would only fail later.
        """
        if self._sock.fileno() < 0:
            return False
        readable, _, _ = select.select([self._sock], [], [], 0)
        return not readable

    def exchange(self, lines, deadline):
        """Sends `lines` (bytes ending in a newline) and returns their replies."""
        replies = []
        try:
            self._sock.settimeout(_remaining(deadline))
            self._sock.sendall(b"".join(lines))
            while len(replies) < len(lines):
                replies.append(wire.parse_reply(self._read_line(deadline)))
        except (OSError, wire.ProtocolError) as error:
            self.close()
            raise TransportError(f"{self.path}: {_describe(error)}", replies) from error
        return replies

    def _read_line(self, deadline):
        while True:
            end = self._inbox.find(b"\n")
            if end >= 0:
                line = bytes(self._inbox[:end])
                del self._inbox[:end + 1]
                return line
            self._sock.settimeout(_remaining(deadline))
            chunk = self._sock.recv(_READ_CHUNK)
            if not chunk:
                raise ConnectionError("the daemon closed the connection before replying")
            self._inbox += chunk

    def close(self):
        self._sock.close()
