"""Where the daemon listens and where its spool is.

Each setting comes from the caller's argument, else the environment, else
the daemon's own default, so that an application configured nowhere still
finds a daemon installed from the package.
"""

import os

DEFAULT_SOCKET = "/run/orauditd/intake.sock"
DEFAULT_SPOOL = "/var/spool/orauditd"
DEFAULT_TIMEOUT = 5.0

SOCKET_ENV = "ORAUDITD_SOCKET"
SPOOL_ENV = "ORAUDITD_SPOOL"


def socket_path(given=None):
    return given or os.environ.get(SOCKET_ENV) or DEFAULT_SOCKET


def spool_dir(given=None):
    return given or os.environ.get(SPOOL_ENV) or DEFAULT_SPOOL
