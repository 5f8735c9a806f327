#!/usr/bin/env python3
"""Benchmark of the automatic B2B scheduler; prints its figures.

    .venv/bin/python bench/b2b.py [--time-limit 60] [--only NAME] [--shared PATH] [--scale]

Runs the 20 instances of Bofill et al., "Constraint Solving Approaches to the
Business-to-Business Meeting Scheduling Problem", JAIR 74 (2022) 263-301, from the shared
folder (PRIMI_B2B_SHARED or ../shared/b2b; never copied into the repository): one row per
instance with the known optimum (fairness 2) from optima.json — read here only, never by
the solver — and totals. `--scale` solves instead a generated event of 1,000 participants,
4,000 meetings, 32 slots in 4 sessions and 150 tables, and prints its peak memory.
Every solution printed is checked by the independent validator of the tests.
"""

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bookings.scheduling import parse_instance, solve  # noqa: E402
from tests.bookings.scheduling.validator import validate  # noqa: E402


def default_shared() -> Path:
    return Path(os.environ.get("PRIMI_B2B_SHARED") or ROOT.parent / "shared" / "b2b")


def checked(data: dict, time_limit: float, workers: int | None) -> dict:
    solution = solve(parse_instance(data), time_limit=time_limit, workers=workers).to_json()
    errors = validate(data, solution)
    if errors:
        raise SystemExit(f"{data['name']}: INVALID solution: {errors[:5]}")
    return solution


def run_shared(args) -> int:
    shared = Path(args.shared)
    folder = shared / "instances"
    if not folder.is_dir():
        print(f"no instances in {folder} (use --shared or PRIMI_B2B_SHARED)", file=sys.stderr)
        return 2
    optima = json.loads((shared / "optima.json").read_text(encoding="utf-8"))
    names = sorted(p.name.removesuffix(".json") for p in folder.glob("*.json"))
    if args.only:
        wanted = args.only.split(",")
        names = [n for n in names if any(w == n or f"{w}.original" == n for w in wanted)]
    header = (
        f"{'instance':<26} {'part':>4} {'meet':>4} {'placed':>6} {'breaks':>6} "
        f"{'opt':>4} {'bound':>5} {'status':<10} {'seconds':>7}"
    )
    print(
        f"time limit {args.time_limit:g} s per instance, workers {args.workers or 'auto'}, "
        f"load average {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores"
    )
    print(header)
    equal = within_one = proven = 0
    seconds = []
    for name in names:
        data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        solution = checked(data, args.time_limit, args.workers)
        optimum = optima.get(name, {}).get("optimal_breaks_fairness_2")
        complete = not solution["unscheduled"]
        if complete and optimum is not None:
            equal += solution["breaks"] == optimum
            within_one += solution["breaks"] <= optimum + 1
        proven += solution["status"] == "optimal"
        seconds.append(solution["seconds"])
        bound = "-" if solution["bound"] is None else solution["bound"]
        print(
            f"{name:<26} {len(data['participants']):>4} {len(data['meetings']):>4} "
            f"{len(solution['assignments']):>6} {solution['breaks']:>6} "
            f"{'-' if optimum is None else optimum:>4} {bound:>5} {solution['status']:<10} "
            f"{solution['seconds']:>7.1f}",
            flush=True,
        )
    slowest = max(zip(seconds, names, strict=True))
    print(
        f"{len(names)} instances: {equal} equal to the optimum, {within_one} within one, "
        f"{proven} proven optimal by the solver's bound; "
        f"{sum(seconds):.1f} s in total, median {statistics.median(seconds):.1f} s, "
        f"slowest {slowest[1]} ({slowest[0]:.1f} s); load average now {os.getloadavg()[0]:.2f}"
    )
    return 0


def scale_event(seed: int = 2026) -> dict:
    """1,000 participants, 4,000 meetings, 32 slots in 4 sessions, 150 tables (no fairness
    bound). About a fifth of the participants are away for a few slots, a quarter of the
    meetings ask for a session, one in ten is online, and there are a few precedences."""
    rng = random.Random(seed)
    n_people, n_meetings, slots = 1000, 4000, 32
    sessions = {"D1-AM": [1, 8], "D1-PM": [9, 16], "D2-AM": [17, 24], "D2-PM": [25, 32]}
    people = [f"demo-participant-{i}" for i in range(1, n_people + 1)]
    forbidden = {p: [] for p in people}
    for p in rng.sample(people, n_people // 5):
        forbidden[p] = sorted(rng.sample(range(1, slots + 1), rng.randint(1, 4)))
    degree = dict.fromkeys(people, 0)
    pairs: set = set()
    meetings = []
    while len(meetings) < n_meetings:
        a, b = rng.sample(people, 2)
        if (a, b) in pairs or (b, a) in pairs or degree[a] >= 14 or degree[b] >= 14:
            continue
        pairs.add((a, b))
        degree[a] += 1
        degree[b] += 1
        session = rng.choice(list(sessions)) if rng.random() < 0.25 else None
        meetings.append(
            {
                "id": len(meetings) + 1,
                "participants": [a, b],
                "session": session,
                "fixed": None,
                "after": [],
                "online": rng.random() < 0.1,
            }
        )
    for m in rng.sample(meetings[1000:], 40):  # a follow-up after a first meeting
        m["after"] = [rng.randint(1, 999)]
        m["session"] = None
    return {
        "format": "primi-b2b/1",
        "name": "generated-scale-1000x4000",
        "slots": slots,
        "sessions": sessions,
        "tables": 150,
        "fairness": None,
        "participants": [{"id": p, "forbidden": forbidden[p]} for p in people],
        "meetings": meetings,
    }


def run_scale(args) -> int:
    data = scale_event()
    started = time.monotonic()
    solution = checked(data, args.time_limit, args.workers)
    wall = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"scale: {len(data['participants'])} participants, {len(data['meetings'])} meetings, "
        f"{data['slots']} slots, {data['tables']} tables, limit {args.time_limit:g} s"
    )
    print(
        f"placed {len(solution['assignments'])}/{len(data['meetings'])}, status "
        f"{solution['status']}, breaks {solution['breaks']}, bound {solution['bound']}, "
        f"{wall:.1f} s wall, peak memory {peak_mb:.0f} MB — valid"
    )
    return 0 if not solution["unscheduled"] and wall <= 60 and peak_mb <= 2048 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--only", help="only these instances (names, comma-separated)")
    parser.add_argument("--shared", default=str(default_shared()))
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--scale", action="store_true", help="the generated 1,000-person event")
    args = parser.parse_args()
    return run_scale(args) if args.scale else run_shared(args)


if __name__ == "__main__":
    sys.exit(main())
