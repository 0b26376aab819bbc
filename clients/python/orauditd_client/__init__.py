"""Python client of orauditd, standard library only.

    import orauditd_client
    orauditd_client.submit_completion(request, completion, user_id="alice")

Client waits for the daemon's reply; BackgroundSender never waits. Both
fall back to the spool directory when the daemon cannot take a record.
Settings: socket_path (else $ORAUDITD_SOCKET, else /run/orauditd/intake.sock)
and spool_dir (else $ORAUDITD_SPOOL, else /var/spool/orauditd).
"""

from .background import BackgroundSender
from .client import Client, Result
from .config import SOCKET_ENV, SPOOL_ENV
from .errors import OrauditdError, RecordRefused, SenderClosed, SpoolError

__all__ = [
    "BackgroundSender", "Client", "OrauditdError", "RecordRefused", "Result", "SOCKET_ENV",
    "SPOOL_ENV", "SenderClosed", "SpoolError", "submit", "submit_completion",
]


def submit(record, **options):
    """Client(**options).submit(record)."""
    return Client(**options).submit(record)


def submit_completion(request, response, **fields):
    """Client().submit_completion(request, response, **fields), with the default settings."""
    return Client().submit_completion(request, response, **fields)
