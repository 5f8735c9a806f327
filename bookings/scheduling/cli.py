"""`b2b_solve INSTANCE.json [--time-limit SECONDS] [--out SOLUTION.json] [--seed N]`.

Exit 0 whenever a solution was written (whatever its status), 2 with a one-line message
when the instance or an option cannot be used. The time limit counts from the start of
the process and must lie between `MIN_SECONDS` and the largest limit staff may ask for
(`SOLVER_MAX_SECONDS`, the product's setting, read from the environment here).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .deadline import Deadline
from .instance import InstanceError, parse_instance

EXIT_OK = 0
EXIT_BAD_INPUT = 2
MIN_SECONDS = 5
DEFAULT_MAX_SECONDS = 3600


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        raise InstanceError(f"arguments: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="b2b_solve",
        description="Schedule the meetings of a primi-b2b/1 instance.",
    )
    parser.add_argument("instance", help="the instance file (primi-b2b/1 JSON)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--out", help="write the solution there instead of standard output")
    parser.add_argument("--workers", type=int, default=None, help="CP-SAT workers")
    parser.add_argument("--seed", type=int, default=None, help="seed (default: the file's, or 0)")
    return parser


def max_seconds() -> int:
    """The largest time limit: SOLVER_MAX_SECONDS from the environment, as the product's."""
    try:
        return int(os.environ.get("SOLVER_MAX_SECONDS") or DEFAULT_MAX_SECONDS)
    except ValueError:
        return DEFAULT_MAX_SECONDS


def _check_options(args, largest: float) -> None:
    if not MIN_SECONDS <= args.time_limit <= largest:
        raise InstanceError(
            f"--time-limit: must be between {MIN_SECONDS} and {largest:g} seconds, "
            f"got {args.time_limit:g}"
        )
    if args.seed is not None and args.seed < 0:
        raise InstanceError(f"--seed: must be a non-negative integer, got {args.seed}")
    if args.workers is not None and args.workers < 1:
        raise InstanceError(f"--workers: must be a positive integer, got {args.workers}")


def _read(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise InstanceError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InstanceError(f"{path}: cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InstanceError(f"{path}: not JSON ({exc})") from None


def main(argv=None, stdout=sys.stdout, stderr=sys.stderr, *, largest=None, started=None) -> int:
    """`largest`: the longest limit allowed (default `max_seconds()`); `started`: when
    the limit starts, on time.monotonic (default: now; the command-line entry points
    pass the process start)."""
    try:
        args = build_parser().parse_args(argv)
        _check_options(args, max_seconds() if largest is None else largest)
        instance = parse_instance(_read(args.instance))
    except InstanceError as exc:
        stderr.write(f"b2b_solve: {exc}\n")
        return EXIT_BAD_INPUT
    from .pipeline import solve

    deadline = Deadline(args.time_limit, started=started)
    solution = solve(instance, workers=args.workers, seed=args.seed, deadline=deadline)
    text = json.dumps(solution.to_json(), indent=1, ensure_ascii=False) + "\n"
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            stderr.write(f"b2b_solve: --out: cannot write {args.out} ({exc.strerror})\n")
            return EXIT_BAD_INPUT
        stderr.write(
            f"b2b_solve: {solution.status}, {solution.breaks} breaks, "
            f"{len(solution.unscheduled)} unscheduled, written to {args.out}\n"
        )
    else:
        stdout.write(text)
    return EXIT_OK
