"""`b2b_solve INSTANCE.json [--time-limit SECONDS] [--out SOLUTION.json]`.

Exit 0 whenever a solution was written (whatever its status), 2 with a one-line message
when the instance cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import solve
from .instance import InstanceError, parse_instance

EXIT_OK = 0
EXIT_BAD_INPUT = 2


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
    return parser


def main(argv=None, stdout=sys.stdout, stderr=sys.stderr) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.time_limit <= 0:
            raise InstanceError("--time-limit: must be a positive number of seconds")
        try:
            with open(args.instance, encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            raise InstanceError(f"{args.instance}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InstanceError(f"{args.instance}: cannot be read ({exc})") from None
        except json.JSONDecodeError as exc:
            raise InstanceError(f"{args.instance}: not JSON ({exc})") from None
        instance = parse_instance(data)
    except InstanceError as exc:
        stderr.write(f"b2b_solve: {exc}\n")
        return EXIT_BAD_INPUT
    solution = solve(instance, time_limit=args.time_limit, workers=args.workers)
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
