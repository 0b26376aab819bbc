"""Runs the Python client on a plan file; see README.md."""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "clients", "python"))

import orauditd_client  # noqa: E402


def run(step):
    try:
        if step["op"] == "submit":
            result = orauditd_client.submit(step["record"])
        elif step["op"] == "completion":
            result = orauditd_client.submit_completion(step["request"], step["response"],
                                                       **step["fields"])
        else:
            sender = orauditd_client.BackgroundSender()
            for record in step["records"]:
                sender.submit(record)
            sender.close()
            return {"stats": sender.stats()}
    except orauditd_client.RecordRefused as error:
        return {"ok": False, "refused": error.reason}
    except Exception as error:  # the test prints it
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return {"ok": True, "id": result.id, "duplicate": result.duplicate, "spooled": result.spooled}


def main():
    with open(sys.argv[1], encoding="utf-8") as plan:
        for line in plan:
            if line.strip():
                print(json.dumps(run(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
