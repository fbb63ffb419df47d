"""The Django side of JobKit's cross-language tests: django-db-mutex used as a Django
application uses it, from a real OS process, printing one JSON object per line.

    djprobe.py hold --lock ID [--wait-ms N] [--ran-file PATH]
        `with db_mutex(ID):` (retrying while refused, for up to N ms), print
        {"acquired": true, "token": ROW_ID}, touch PATH, wait for a line "release" on stdin,
        then print {"outcome": "released"} or {"outcome": "timeout"} (DBMutexTimeoutError).
        Refused: {"acquired": false, "error": ...}.
    djprobe.py race --lock ID --marker PATH --start-file PATH --stop-file PATH [--min-acquisitions N]
        Take the lock over and over until the stop file exists (and at least N times), inside
        claiming the occupancy marker with O_EXCL; print
        {"acquisitions": [[ROW_ID, CLOCK_MONOTONIC_NS], ...], "refusals": n, "overlaps": n}.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobkit_django.settings")

import django  # noqa: E402

django.setup()

from db_mutex import DBMutexError, DBMutexTimeoutError  # noqa: E402
from db_mutex.db_mutex import db_mutex  # noqa: E402


def emit(obj):
    sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
    sys.stdout.flush()


def hold(args):
    deadline = time.monotonic() + args.wait_ms / 1000.0
    tries = 0
    while True:
        tries += 1
        mutex = db_mutex(args.lock)
        try:
            with mutex:
                emit({"acquired": True, "token": mutex.lock.id, "tries": tries})
                if args.ran_file:
                    open(args.ran_file, "w").close()
                for line in sys.stdin:
                    if line.strip() == "release":
                        break
            emit({"outcome": "released"})
            return
        except DBMutexError as error:
            if time.monotonic() < deadline:
                time.sleep(args.retry_ms / 1000.0)
                continue
            emit({"acquired": False, "error": str(error), "tries": tries})
            return
        except DBMutexTimeoutError as error:
            emit({"outcome": "timeout", "error": str(error)})
            return


def race(args):
    emit({"ready": True})
    limit = time.monotonic() + 120
    while not os.path.exists(args.start_file):
        if time.monotonic() > limit:
            raise SystemExit("the start file never appeared")
        time.sleep(0.001)
    acquisitions, refusals, overlaps = [], 0, 0
    limit = time.monotonic() + 300
    while time.monotonic() < limit:
        if os.path.exists(args.stop_file) and len(acquisitions) >= args.min_acquisitions:
            break
        mutex = db_mutex(args.lock)
        try:
            with mutex:
                acquired_at = time.monotonic_ns()
                try:
                    fd = os.open(args.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                except FileExistsError:
                    fd = None
                    overlaps += 1
                time.sleep(args.hold_us / 1_000_000)
                if fd is not None:
                    os.close(fd)
                    os.unlink(args.marker)
                acquisitions.append([mutex.lock.id, acquired_at])
        except DBMutexError:
            refusals += 1
    emit({"acquisitions": acquisitions, "refusals": refusals, "overlaps": overlaps})


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("hold")
    p.add_argument("--lock", required=True)
    p.add_argument("--wait-ms", type=int, default=0)
    p.add_argument("--retry-ms", type=int, default=20)
    p.add_argument("--ran-file")
    p = commands.add_parser("race")
    p.add_argument("--lock", required=True)
    p.add_argument("--marker", required=True)
    p.add_argument("--start-file", required=True)
    p.add_argument("--stop-file", required=True)
    p.add_argument("--min-acquisitions", type=int, default=1)
    p.add_argument("--hold-us", type=int, default=200)
    args = parser.parse_args()
    {"hold": hold, "race": race}[args.command](args)


if __name__ == "__main__":
    main()
