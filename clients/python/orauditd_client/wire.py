"""The line protocol: a record as one JSON line, a reply line as a Reply."""

import dataclasses
import json
from collections.abc import Mapping

# Refusals caused by the daemon's state rather than by the record: intake
# below intake.min_free ("disk full: ...") or a failed queue write ("queue
# refuses writes until storage recovers: ..."). The record is fine and must
# not be lost, so it goes to the spool, which the daemon reads once healthy.
_DAEMON_SIDE_PREFIXES = ("disk full:", "queue ", "statvfs ")

ACKNOWLEDGED = "acknowledged"
SPOOL = "spool"
REFUSED = "refused"


class ProtocolError(Exception):
    """The peer's answer is not a reply of the orauditd protocol."""


@dataclasses.dataclass(frozen=True)
class Reply:
    ok: bool
    id: str = None
    duplicate: bool = False
    error: str = None

    def outcome(self):
        if self.ok:
            return ACKNOWLEDGED
        if self.error.startswith(_DAEMON_SIDE_PREFIXES):
            return SPOOL
        return REFUSED


def _plain(value):
    """json.dumps hook for SDK objects, so their bodies go as they came back."""
    for method in ("to_dict", "model_dump"):
        convert = getattr(value, method, None)
        if callable(convert):
            return convert()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def encode(record):
    """One record as one line of UTF-8 JSON, newline included."""
    if not isinstance(record, Mapping):
        raise TypeError(f"orauditd: a record is a mapping, got {type(record).__name__}")
    try:
        text = json.dumps(record, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":"), default=_plain)
        return text.encode("utf-8") + b"\n"
    except TypeError as error:
        raise TypeError(f"orauditd: the record is not valid JSON: {error}") from error
    except ValueError as error:  # NaN, infinity, a lone surrogate
        raise ValueError(f"orauditd: the record is not valid JSON: {error}") from error


def _body(value):
    # A body still in its wire form (str or bytes) is embedded as the JSON it holds.
    if isinstance(value, (str, bytes, bytearray)):
        return json.loads(value)
    return value


def completion_record(request, response, fields):
    """The record for one chat completion: its raw bodies plus flat fields."""
    record = dict(fields)
    if request is not None:
        record["request"] = _body(request)
    if response is not None:
        record["response"] = _body(response)
    return record


def parse_reply(line):
    try:
        reply = json.loads(line)
    except ValueError as error:
        raise ProtocolError(f"unreadable reply {line[:200]!r}: {error}") from error
    if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
        raise ProtocolError(f"unexpected reply {line[:200]!r}")
    if reply["ok"]:
        return Reply(True, id=reply.get("id"), duplicate=reply.get("duplicate") is True)
    return Reply(False, error=str(reply.get("error", "")))
