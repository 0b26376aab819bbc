"""What can go wrong for a caller."""


class OrauditdError(Exception):
    """Base of the errors this package raises."""


class RecordRefused(OrauditdError):
    """The daemon read the record and refused it: the record itself is wrong.

    `reason` is the daemon's text, "<field>: <problem>". Spooling such a
    record would only move it to the spool's rejected/ folder, so it comes
    back to the caller instead.
    """

    def __init__(self, reason):
        super().__init__(f"orauditd refused the record: {reason}")
        self.reason = reason


class SpoolError(OrauditdError):
    """The daemon could not take the record, and neither could the spool."""


class SenderClosed(OrauditdError):
    """A record was given to a background sender after close()."""
