"""A stand-in for the daemon's socket: answers each line as a test tells it to."""

import json
import os
import socket
import threading


def acknowledge(record):
    return {"ok": True, "id": record.get("request_id", "assigned-id")}


class FakeDaemon:
    """Listens on `path`; `answer(record)` gives the reply object, or None to stay silent.

    With `close_after` set, a connection is closed after that many replies,
    as a daemon that restarts would.
    """

    def __init__(self, path, answer=acknowledge, close_after=None):
        self.path = path
        self.answer = answer
        self.close_after = close_after
        self.records = []
        self.connections = 0
        self.closed = 0  # connections this side has ended
        self._lock = threading.Lock()
        self._open = []
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(path)
        self._server.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            self._answer_lines(conn)
        finally:
            conn.close()
            with self._lock:
                self.closed += 1

    def _answer_lines(self, conn):
        inbox = b""
        answered = 0
        while True:
            try:
                chunk = conn.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            inbox += chunk
            while b"\n" in inbox:
                line, inbox = inbox.split(b"\n", 1)
                record = json.loads(line)
                with self._lock:
                    self.records.append(record)
                reply = self.answer(record)
                if reply is None:
                    continue
                conn.sendall(json.dumps(reply).encode() + b"\n")
                answered += 1
                if self.close_after and answered >= self.close_after:
                    return

    def stop(self):
        # shutdown() wakes the thread blocked in accept(); close() alone does not.
        try:
            self._server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._server.close()
        with self._lock:
            for conn in self._open:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        if os.path.exists(self.path):
            os.unlink(self.path)
