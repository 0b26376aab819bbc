"""BackgroundSender without a daemon: pipelining, reconnects and the spool policy."""

import threading
import time
import unittest

import support  # noqa: F401 (puts the package on sys.path)
from fake_daemon import FakeDaemon

from orauditd_client import BackgroundSender, RecordRefused, SenderClosed


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def records(count, prefix="r"):
    return [{"request_id": f"{prefix}-{i}", "status": "error"} for i in range(count)]


class BackgroundSenderTest(support.TempDirTest):
    def sender(self, **options):
        self.errors = []
        sender = BackgroundSender(self.socket_path, self.spool_dir,
                                  on_error=self.errors.append, **options)
        self.addCleanup(sender.close, 5)
        return sender

    def serve(self, **options):
        daemon = FakeDaemon(self.socket_path, **options)
        self.addCleanup(daemon.stop)
        return daemon

    def test_records_are_pipelined_over_one_connection(self):
        daemon = self.serve()
        sender = self.sender()
        for record in records(300):
            sender.submit(record)
        self.assertTrue(sender.close(10))
        self.assertEqual(sender.stats()["acknowledged"], 300)
        self.assertEqual(daemon.records, records(300))
        self.assertEqual(daemon.connections, 1)
        self.assertEqual(self.spool_files(), [])

    def test_a_closed_connection_is_replaced(self):
        daemon = self.serve(close_after=5)
        sender = self.sender()
        for round_ in range(3):
            for record in records(5, prefix=f"round{round_}"):
                sender.submit(record)
            self.assertTrue(sender.flush(10))
            # The daemon's side is gone before the next round, as when an idle
            # connection's daemon restarted.
            self.assertTrue(wait_for(lambda: daemon.closed == round_ + 1))
        self.assertEqual(sender.stats()["acknowledged"], 15)
        self.assertEqual(sender.stats()["spooled"], 0)
        self.assertEqual(daemon.connections, 3)

    def test_no_daemon_sends_everything_to_the_spool(self):
        sender = self.sender()
        for record in records(20):
            sender.submit(record)
        self.assertTrue(sender.close(10))
        self.assertEqual(sender.stats()["spooled"], 20)
        self.assertEqual(sorted(r["request_id"] for r in self.spool_records()),
                         sorted(r["request_id"] for r in records(20)))
        self.assertEqual(self.leftovers(), [])

    def test_full_buffer_spools_in_the_callers_thread_and_never_drops(self):
        # A daemon that never answers: the worker is stuck until its timeout,
        # so the buffer fills and further records go straight to the spool.
        self.serve(answer=lambda r: None)
        sender = self.sender(capacity=3, batch_size=1, timeout=1.0)
        started = time.monotonic()
        for record in records(12):
            sender.submit(record)
        self.assertLess(time.monotonic() - started, 0.9)  # submit() never waited on the daemon
        self.assertGreaterEqual(sender.stats()["overflowed"], 8)
        self.assertTrue(sender.close(10))
        stats = sender.stats()
        self.assertEqual(stats["spooled"], 12)
        self.assertEqual(stats["lost"], 0)
        self.assertEqual(sorted(r["request_id"] for r in self.spool_records()),
                         sorted(r["request_id"] for r in records(12)))

    def test_refused_records_are_reported_not_spooled(self):
        self.serve(answer=lambda r: {"ok": False, "error": "status: must be one of ..."}
                   if r["request_id"] == "r-1" else {"ok": True, "id": r["request_id"]})
        sender = self.sender()
        for record in records(3):
            sender.submit(record)
        self.assertTrue(sender.close(10))
        self.assertEqual(sender.stats()["refused"], 1)
        self.assertEqual(sender.stats()["acknowledged"], 2)
        self.assertEqual([type(e) for e in self.errors], [RecordRefused])
        self.assertEqual(self.spool_files(), [])

    def test_flush_waits_for_every_reply(self):
        gate = threading.Event()
        self.serve(answer=lambda r: gate.wait(5) and {"ok": True, "id": r["request_id"]})
        sender = self.sender()
        sender.submit(records(1)[0])
        self.assertFalse(sender.flush(0.2))
        gate.set()
        self.assertTrue(sender.flush(5))
        self.assertEqual(sender.stats()["acknowledged"], 1)

    def test_submit_after_close_raises(self):
        sender = self.sender()
        sender.close(5)
        with self.assertRaises(SenderClosed):
            sender.submit(records(1)[0])


if __name__ == "__main__":
    unittest.main()
