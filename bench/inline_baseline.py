#!/usr/bin/env python3
"""The inline approach orauditd replaces: after each chat completion, the
application itself asks the generation endpoint for the call's metadata
(one blocking GET) and writes one row into SQLite (INSERT, COMMIT), before
it goes on. Standard library only, with the library defaults an application
would have (urllib opens a connection per call; sqlite3 in its default
rollback-journal mode with synchronous=FULL).

    inline_baseline.py --base-url http://127.0.0.1:PORT/api/v1 --count N
                       --prefix TAG --db FILE [--max-seconds S]

Ids are gen-1796400000-<TAG>x<i>, i = 0..N-1, the ids e2e_bench gives
orauditd. Stops after N calls or S seconds, whichever comes first, and
prints one JSON object: calls done, seconds, calls/s, and the latency each
call adds to the application (fetch, insert+commit, both) in milliseconds.
Talk only to a server you started (the fake OpenRouter on 127.0.0.1).
"""

import argparse
import json
import math
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  timestamp TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
  request_id TEXT UNIQUE,
  generation_id TEXT,
  model_requested TEXT,
  model_used TEXT,
  provider TEXT,
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  native_tokens_prompt INTEGER,
  native_tokens_completion INTEGER,
  total_cost REAL,
  latency_ms REAL,
  generation_time_ms REAL,
  finish_reason TEXT,
  user_id TEXT,
  app TEXT,
  generation_json TEXT
)
"""


def percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))  # nearest rank
    return ordered[min(rank, len(ordered)) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--key", default="sk-or-v1-bench-0123456789")
    parser.add_argument("--max-seconds", type=float, default=0)
    args = parser.parse_args()
    host = urllib.parse.urlsplit(args.base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("inline_baseline: --base-url must be a local server, not " + str(host))

    db = sqlite3.connect(args.db)
    db.execute(SCHEMA)
    db.commit()

    fetch_ms, insert_ms, total_ms = [], [], []
    started = time.monotonic()
    done = 0
    for i in range(args.count):
        if args.max_seconds > 0 and time.monotonic() - started >= args.max_seconds:
            break
        generation_id = "gen-1796400000-%sx%d" % (args.prefix, i)
        url = args.base_url + "/generation?id=" + urllib.parse.quote(generation_id)
        request = urllib.request.Request(url, headers={
            "Authorization": "Bearer " + args.key, "Accept": "application/json"})
        t0 = time.monotonic()
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        data = json.loads(body)["data"]
        t1 = time.monotonic()
        db.execute(
            "INSERT INTO audit_log (request_id, generation_id, model_requested, model_used,"
            " provider, prompt_tokens, completion_tokens, native_tokens_prompt,"
            " native_tokens_completion, total_cost, latency_ms, generation_time_ms,"
            " finish_reason, user_id, app, generation_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ("%s-%d" % (args.prefix, i), generation_id, "openai/gpt-4o-mini",
             data.get("model"), data.get("provider_name"), data.get("tokens_prompt"),
             data.get("tokens_completion"), data.get("native_tokens_prompt"),
             data.get("native_tokens_completion"), data.get("total_cost"),
             data.get("latency"), data.get("generation_time"), data.get("finish_reason"),
             "user-%d" % (i % 1000), "support-bot", json.dumps(data)))
        db.commit()
        t2 = time.monotonic()
        fetch_ms.append((t1 - t0) * 1000)
        insert_ms.append((t2 - t1) * 1000)
        total_ms.append((t2 - t0) * 1000)
        done += 1
    seconds = time.monotonic() - started
    db.close()
    print(json.dumps({
        "calls": done,
        "seconds": seconds,
        "calls_per_second": done / seconds if seconds > 0 else 0,
        "time_bounded": done < args.count,
        "fetch_ms": {"p50": percentile(fetch_ms, 0.5), "p99": percentile(fetch_ms, 0.99)},
        "insert_ms": {"p50": percentile(insert_ms, 0.5), "p99": percentile(insert_ms, 0.99)},
        "total_ms": {"p50": percentile(total_ms, 0.5), "p99": percentile(total_ms, 0.99)},
    }))


if __name__ == "__main__":
    main()
