"""Shared pieces of the client's tests: a temporary folder and the spool's contents."""

import glob
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self._temp = tempfile.TemporaryDirectory(prefix="orauditd-client-")
        self.dir = self._temp.name
        self.socket_path = os.path.join(self.dir, "intake.sock")
        self.spool_dir = os.path.join(self.dir, "spool")

    def tearDown(self):
        self._temp.cleanup()

    def spool_files(self):
        return sorted(glob.glob(os.path.join(self.spool_dir, "incoming", "*")))

    def spool_records(self):
        records = []
        for path in self.spool_files():
            with open(path, encoding="utf-8") as f:
                records += [json.loads(line) for line in f]
        return records

    def leftovers(self):
        """Temporary files left behind in incoming/ (there must be none)."""
        return glob.glob(os.path.join(self.spool_dir, "incoming", ".*"))
