"""Client without a daemon: replies, refusals, and every way to end in the spool."""

import json
import os
import re
import socket
import threading
import time
import unittest

import support  # noqa: F401 (puts the package on sys.path)
from fake_daemon import FakeDaemon

import orauditd_client
from orauditd_client import Client, RecordRefused, SpoolError

RECORD = {"request_id": "r-1", "generation_id": "gen-1764860000-abc", "user_id": "alice"}
SPOOL_NAME = re.compile(r"^py-\d+-\d+-\d+-[0-9a-f]{8}\.jsonl$")


class ClientTest(support.TempDirTest):
    def client(self, **options):
        return Client(self.socket_path, self.spool_dir, **options)

    def serve(self, **options):
        daemon = FakeDaemon(self.socket_path, **options)
        self.addCleanup(daemon.stop)
        return daemon

    def assert_spooled(self, result, records):
        self.assertIsNotNone(result.spooled)
        self.assertTrue(SPOOL_NAME.match(os.path.basename(result.spooled)), result.spooled)
        self.assertEqual(self.spool_records(), records)
        self.assertEqual(self.leftovers(), [])

    def test_acknowledged_record_returns_its_id(self):
        daemon = self.serve(answer=lambda r: {"ok": True, "id": r["request_id"]})
        result = self.client().submit(RECORD)
        self.assertEqual(result, orauditd_client.Result("r-1"))
        self.assertEqual(daemon.records, [RECORD])
        self.assertEqual(self.spool_files(), [])

    def test_duplicate_is_reported(self):
        self.serve(answer=lambda r: {"ok": True, "id": "r-1", "duplicate": True})
        self.assertTrue(self.client().submit(RECORD).duplicate)

    def test_missing_socket_spools_the_record(self):
        result = self.client().submit(RECORD)
        self.assertEqual(result.id, "r-1")
        self.assertIn("connect", result.reason)
        self.assert_spooled(result, [RECORD])

    def test_refused_connection_spools_the_record(self):
        # A socket file nobody listens on: what a killed daemon leaves behind.
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(self.socket_path)
        stale.close()
        result = self.client().submit(RECORD)
        self.assertIn("ConnectionRefusedError", result.reason)
        self.assert_spooled(result, [RECORD])

    def test_silent_daemon_spools_after_the_timeout(self):
        self.serve(answer=lambda r: None)
        started = time.monotonic()
        result = self.client(timeout=0.3).submit(RECORD)
        self.assertLess(time.monotonic() - started, 2.0)
        self.assertIn("no answer in time", result.reason)
        self.assert_spooled(result, [RECORD])

    def test_refusal_for_the_daemons_own_state_spools_the_record(self):
        errors = {
            "space": "disk full: 3 MiB free under /var/lib/orauditd, below intake.min_free "
                     "(256 MiB); record not accepted, retry later",
            "storage": "queue refuses writes until storage recovers: IO error: EIO",
        }
        self.serve(answer=lambda r: {"ok": False, "error": errors[r["request_id"]]})
        for request_id, error in errors.items():
            result = self.client().submit({"request_id": request_id, "status": "error"})
            self.assertIn(error, result.reason)
        spooled = sorted(r["request_id"] for r in self.spool_records())
        self.assertEqual(spooled, sorted(errors))

    def test_refusal_of_the_record_raises_and_spools_nothing(self):
        reason = "prompt_tokens: must be an integer >= 0, got -3"
        self.serve(answer=lambda r: {"ok": False, "error": reason})
        with self.assertRaises(RecordRefused) as caught:
            self.client().submit(dict(RECORD, prompt_tokens=-3))
        self.assertEqual(caught.exception.reason, reason)
        self.assertEqual(self.spool_files(), [])

    def test_unwritable_spool_raises_with_both_causes(self):
        blocker = os.path.join(self.dir, "not-a-folder")
        open(blocker, "w").close()
        with self.assertRaises(SpoolError) as caught:
            Client(self.socket_path, blocker).submit(RECORD)
        self.assertIn("connect", str(caught.exception))
        self.assertIn("not-a-folder/incoming", str(caught.exception))

    def test_bad_records_fail_before_sending(self):
        with self.assertRaises(TypeError):
            self.client().submit(["not", "an", "object"])
        with self.assertRaises(ValueError):
            self.client().submit({"cost": float("nan")})
        with self.assertRaises(ValueError):
            self.client().submit({"user_id": "\ud800"})
        with self.assertRaises(TypeError):
            self.client().submit({"when": object()})
        self.assertEqual(self.spool_files(), [])

    def test_completion_bodies_go_as_given(self):
        class SdkObject:  # what OpenAI-compatible SDKs return: to_dict() gives the body
            def __init__(self, body):
                self.body = body

            def to_dict(self):
                return self.body

        daemon = self.serve()
        request = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
        response = {"id": "gen-1764860000-abc", "model": "openai/gpt-4o-mini-2024-07-18",
                    "usage": {"prompt_tokens": 8, "completion_tokens": 2, "cost": 1.2e-05}}
        self.client().submit_completion(request, SdkObject(response), user_id="alice",
                                        latency_ms=812.5)
        sent = daemon.records[0]
        self.assertEqual(sent, {"user_id": "alice", "latency_ms": 812.5,
                                "request": request, "response": response})
        self.assertNotIn("prompt_hash", sent)

    def test_completion_bodies_may_be_json_text(self):
        daemon = self.serve()
        self.client().submit_completion('{"model":"m","messages":[]}',
                                        b'[{"id":"gen-1","object":"chat.completion.chunk"}]')
        self.assertEqual(daemon.records[0]["response"][0]["id"], "gen-1")

    def test_environment_gives_the_defaults_and_arguments_win(self):
        daemon = self.serve()
        os.environ["ORAUDITD_SOCKET"] = self.socket_path
        os.environ["ORAUDITD_SPOOL"] = self.spool_dir
        self.addCleanup(os.environ.pop, "ORAUDITD_SOCKET")
        self.addCleanup(os.environ.pop, "ORAUDITD_SPOOL")
        self.assertEqual(orauditd_client.submit(RECORD).id, "r-1")
        self.assertEqual(len(daemon.records), 1)
        elsewhere = os.path.join(self.dir, "elsewhere")
        result = orauditd_client.submit(RECORD, socket_path=os.path.join(self.dir, "no.sock"),
                                        spool_dir=elsewhere)
        self.assertTrue(result.spooled.startswith(elsewhere + "/incoming/"))

    def test_spool_names_never_clash(self):
        client = self.client()
        threads = [threading.Thread(target=lambda: [client.submit(RECORD) for _ in range(50)])
                   for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(len(self.spool_files()), 200)
        self.assertEqual(self.leftovers(), [])


class WireTest(unittest.TestCase):
    def test_a_record_is_one_line_of_utf8(self):
        line = orauditd_client.wire.encode({"user_id": "zoë\u2028", "messages": ["a\nb"]})
        self.assertEqual(line.count(b"\n"), 1)
        self.assertTrue(line.endswith(b"\n"))
        self.assertEqual(json.loads(line)["user_id"], "zoë\u2028")


if __name__ == "__main__":
    unittest.main()
