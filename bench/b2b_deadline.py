#!/usr/bin/env python3
"""Does the scheduler keep its time limit on a loaded machine? Prints wall time vs limit.

    .venv/bin/python bench/b2b_deadline.py [--limits 5,10] [--burners 2] [--only NAME,...]

Runs `python -m bookings.scheduling INSTANCE --time-limit L` as a fresh process (the limit
counts from the process start) for each instance and limit, with `--burners` processes
spinning on the processor beside it, and measures the wall time from the start of the
process to its exit. Allowed: the limit + max(2 s, 5 %). The instances are the hard ones
of the shared benchmark (PRIMI_B2B_SHARED or ../shared/b2b), where the search is cut by
the clock in MaxSAT, CP-SAT or the neighbourhood search.
"""

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HARD = "forum-13crafb,forum-14,forumt-14crafe,ticf-13crafb,ticf-14crafa"


def burn() -> None:
    while True:
        pass


def one(path: Path, limit: float) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "solution.json"
        started = time.monotonic()
        command = [sys.executable, "-m", "bookings.scheduling", str(path)]
        done = subprocess.run(
            [*command, "--time-limit", str(limit), "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.monotonic() - started
        if done.returncode != 0:
            raise SystemExit(f"{path.name}: exit {done.returncode}: {done.stderr.strip()}")
        return wall, json.loads(out.read_text(encoding="utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limits", default="5,10")
    parser.add_argument("--burners", type=int, default=2)
    parser.add_argument("--only", default=HARD)
    default = os.environ.get("PRIMI_B2B_SHARED") or ROOT.parent / "shared" / "b2b"
    parser.add_argument("--shared", default=str(default))
    args = parser.parse_args()
    folder = Path(args.shared) / "instances"
    burners = [multiprocessing.Process(target=burn, daemon=True) for _ in range(args.burners)]
    for process in burners:
        process.start()
    worst = float("-inf")  # the largest wall time minus its allowance
    try:
        print(f"{args.burners} CPU burners beside, load average {os.getloadavg()[0]:.2f}")
        print(f"{'instance':<24} {'limit':>5} {'wall':>6} {'allowed':>7} {'status':<10} breaks")
        for name in args.only.split(","):
            for limit in (float(v) for v in args.limits.split(",")):
                wall, solution = one(folder / f"{name}.original.json", limit)
                allowed = limit + max(2.0, 0.05 * limit)
                worst = max(worst, wall - allowed)
                flag = "" if wall <= allowed else "  OVER"
                print(
                    f"{name:<24} {limit:>5g} {wall:>6.2f} {allowed:>7.2f} "
                    f"{solution['status']:<10} {solution['breaks']}{flag}",
                    flush=True,
                )
        print(f"load average {os.getloadavg()[0]:.2f}; smallest margin {-worst:.2f} s")
    finally:
        for process in burners:
            process.kill()
    return 0 if worst <= 0 else 1


if __name__ == "__main__":
    sys.exit(main())
