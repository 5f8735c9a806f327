"""MaxSAT in a worker process that the run can stop at any moment.

RC2 cannot be stopped safely in the middle of its work: its heuristics make SAT calls
that ignore the interrupt (the search may then overrun its time), and an interrupt at the
wrong moment breaks its core processing. So the search runs in a child process
(`python -m bookings.scheduling.maxsat_process`, which loads PySAT and not OR-Tools),
which reports each finding (the first complete schedule, each proven bound, the result)
as it comes. At the deadline the child is killed, and the run keeps what it was told.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from .problem import Problem, Progress, Result

ROOT = Path(__file__).resolve().parents[2]  # the directory holding the `bookings` package
POLL_SECONDS = 0.2


class _Findings:
    """What the child reported before it finished or was stopped."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.first: dict[int, int] = {}
        self.proven = 0
        self.result: Result | None = None

    def take(self, message) -> None:
        kind, value = message
        if kind == "first":
            self.first = value
        elif kind == "bound":
            self.proven = max(self.proven, value)
        elif kind == "done":
            self.result = value

    def best(self) -> Result:
        """The result, or what was found when the search was cut short."""
        if self.result is not None:
            return self.result
        if self.first:
            breaks = self.problem.breaks(self.first)
            return Result(self.first, "FEASIBLE", min(self.proven, breaks), breaks)
        return Result(slots={}, status="UNKNOWN", bound=self.proven, breaks=0)


def _start() -> subprocess.Popen:
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    return subprocess.Popen(
        [sys.executable, "-m", "bookings.scheduling.maxsat_process"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
    )


def _read(stream, inbox: queue.Queue) -> None:
    """The child's messages, in order, then None (it ended or was killed)."""
    with contextlib.suppress(EOFError, OSError, pickle.UnpicklingError):
        while True:
            inbox.put(pickle.load(stream))
    inbox.put(None)


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.kill()
    child.wait()


def solve_maxsat_isolated(
    problem: Problem,
    *,
    deadline: float,
    clock=time.monotonic,
    started: float,
    progress: Progress | None = None,
    **options,
) -> Result:
    """`maxsat.solve_maxsat` in a child process, stopped at `deadline` (on `clock`);
    `options`: its keyword arguments (`first_by` on `clock` too)."""
    first_by = options.pop("first_by", None)
    request = {
        "problem": problem,
        "seconds": max(0.0, deadline - clock()),
        "first_seconds": None if first_by is None else max(0.0, first_by - clock()),
        "options": options,
    }
    findings = _Findings(problem)
    try:
        child = _start()
    except OSError:
        return findings.best()
    inbox: queue.Queue = queue.Queue()
    reader = threading.Thread(target=_read, args=(child.stdout, inbox), daemon=True)
    reader.start()
    try:
        with contextlib.suppress(BrokenPipeError):
            pickle.dump(request, child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            child.stdin.close()
        while findings.result is None and clock() < deadline:
            try:
                message = inbox.get(timeout=min(POLL_SECONDS, max(0.01, deadline - clock())))
            except queue.Empty:
                continue
            if message is None:
                break
            if message[0] == "progress":
                if progress:
                    progress(message[1][0], message[1][1], clock() - started)
                continue
            findings.take(message)
    finally:
        _stop(child)
        reader.join(1.0)
        for stream in (child.stdin, child.stdout):
            with contextlib.suppress(OSError):
                stream.close()
    return findings.best()


def _die_with_parent() -> None:
    """Linux: the child is killed should the run's process die first (best effort)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def main() -> int:
    from .maxsat import solve_maxsat

    _die_with_parent()
    out = sys.stdout.buffer

    def send(kind: str, value) -> None:
        pickle.dump((kind, value), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    request = pickle.load(sys.stdin.buffer)
    now = time.monotonic()
    first = request["first_seconds"]
    result = solve_maxsat(
        request["problem"],
        # The parent stops this process at the deadline; RC2's own stop comes later and
        # only guards against a parent that no longer listens.
        deadline=now + request["seconds"] + 1.0,
        first_by=None if first is None else now + first,
        progress=lambda breaks, bound, _elapsed: send("progress", (breaks, bound)),
        events=send,
        **request["options"],
    )
    send("done", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
