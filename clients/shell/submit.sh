#!/bin/sh
# Sends one record to orauditd and prints the daemon's reply. When the daemon
# cannot take the record (no socket, no answer within 5 s, or a refusal for
# its own state such as a full disk), writes it to the spool directory
# instead, under a temporary name first, so that the daemon ingests it later.
#
#   clients/shell/submit.sh '{"generation_id":"gen-...","request_id":"r-1"}'
#   printf '%s\n' "$record" | clients/shell/submit.sh
#
# Exit status: 0 stored or spooled, 1 refused (the daemon's reply on stderr),
# 2 bad usage or the spool could not be written either. Needs socat.
set -u

socket=${ORAUDITD_SOCKET:-/run/orauditd/intake.sock}
spool=${ORAUDITD_SPOOL:-/var/spool/orauditd}

if [ $# -gt 0 ]; then
  record=$1
else
  IFS= read -r record || [ -n "$record" ] || { echo "usage: $0 RECORD (or on stdin)" >&2; exit 2; }
fi
case $record in
  *'
'*) echo "orauditd: a record is one line of JSON" >&2; exit 2 ;;
esac

# -t 5: after sending, wait at most 5 s for the reply; the daemon closes the
# connection once it has answered the line.
reply=$(printf '%s\n' "$record" | socat -t 5 -T 5 - "UNIX-CONNECT:$socket" 2>/dev/null)

case $reply in
  '{"ok":true'*)
    printf '%s\n' "$reply"
    exit 0 ;;
  '{"ok":false,"error":"disk full:'* | '{"ok":false,"error":"queue '*)
    reason="the daemon refused for its own state: $reply" ;;
  '{"ok":false'*)
    printf '%s\n' "$reply" >&2
    exit 1 ;;
  *)
    reason="no reply from $socket" ;;
esac

# Unique even across containers that share the folder: pid, time and random bytes.
incoming=$spool/incoming
name=sh-$$-$(date +%s%N)-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n').jsonl
if mkdir -p "$incoming" &&
   printf '%s\n' "$record" > "$incoming/.$name.tmp" &&
   sync "$incoming/.$name.tmp" &&
   mv "$incoming/.$name.tmp" "$incoming/$name"; then
  echo "orauditd: $reason; spooled to $incoming/$name" >&2
  exit 0
fi
rm -f "$incoming/.$name.tmp"
echo "orauditd: $reason, and $incoming is not writable: record not kept" >&2
exit 2
