"""Records the daemon could not take, as a file in the spool's incoming/ folder.

The daemon ignores names that start with "." and end in ".tmp", so the
file is written and fsynced under such a name and then renamed: the daemon
sees a whole file or none. Names carry the pid, the time, a counter and
random bytes, so no two writers clash, not even processes in containers
that share the folder and their pids.
"""

import itertools
import os
import threading
import time

_counter = itertools.count(1)
_counter_lock = threading.Lock()


def _unique_name():
    with _counter_lock:
        n = next(_counter)
    return f"py-{os.getpid()}-{time.time_ns()}-{n}-{os.urandom(4).hex()}.jsonl"


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _sync_dir(path):
    # Makes the rename itself durable; a filesystem that cannot fsync a
    # directory still has the file, so failing here would help no one.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_spool_file(spool_dir, lines):
    """Writes `lines` (bytes, each ending in a newline) as one spool file; returns its path."""
    incoming = os.path.join(spool_dir, "incoming")
    os.makedirs(incoming, exist_ok=True)
    name = _unique_name()
    temp = os.path.join(incoming, f".{name}.tmp")
    final = os.path.join(incoming, name)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        try:
            _write_all(fd, b"".join(lines))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(temp, final)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    _sync_dir(incoming)
    return final
