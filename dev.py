#!/usr/bin/env python3
"""The two commands of a fresh machine (Python and git only).

    python3 dev.py start   set everything up and run the site with demo data
                           (SQLite, web server and a django-q2 worker)
    python3 dev.py test    run the whole test suite and the checks, on SQLite and,
                           where it answers, on PostgreSQL

Everything is installed into ./.venv from requirements*.txt; nothing else is needed.
"""

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
POSTGRES_URL = os.environ.get("POSTGRES_TEST_URL", "postgres://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*args: str | Path, env: dict | None = None, check: bool = True) -> int:
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if check and completed.returncode != 0:
        sys.exit(completed.returncode)
    return completed.returncode


def ensure_venv(requirements: str) -> None:
    """Create .venv and install the pinned requirements when they changed."""
    if not PYTHON.exists():
        say(f"creating {VENV.relative_to(ROOT)}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"installing {requirements}")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-r", ROOT / requirements)
    stamp.write_text(digest)


def manage(*args: str, env: dict | None = None, check: bool = True) -> int:
    return run(PYTHON, ROOT / "manage.py", *args, env=env, check=check)


def site_url(host: str, port: str) -> str:
    """The address links in emails, invitations, feeds and the API point to."""
    if host in ("", "0.0.0.0", "::"):  # every interface: this machine answers as localhost
        host = "localhost"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


def start_env(host: str, port: str, environ: dict | None = None) -> dict:
    """The environment of the web server and the worker of `dev.py start`.

    SITE_URL follows --host and --port, so that the links the site writes reach the
    server it starts, unless SITE_URL is set in the environment (a proxy, a public name).
    """
    environ = dict(os.environ if environ is None else environ)
    env = {**environ, "DJANGO_SETTINGS_MODULE": "primi_site.settings"}
    if not environ.get("SITE_URL", "").strip():
        env["SITE_URL"] = site_url(host, port)
    return env


def start(options: argparse.Namespace) -> None:
    ensure_venv("requirements.txt")
    env = start_env(options.host, options.port)
    manage("compile_catalogs", env=env)
    manage("migrate", "--no-input", env=env)
    manage("seed_demo", env=env)
    manage("setup_schedules", env=env)
    say("starting the job workers (django-q2 qcluster: one for mail and jobs, one for the solver)")
    workers = [
        subprocess.Popen([str(PYTHON), str(ROOT / "manage.py"), "qcluster"], cwd=ROOT, env=env),
        subprocess.Popen(
            [str(PYTHON), str(ROOT / "manage.py"), "qcluster"],
            cwd=ROOT,
            env={**env, "Q_CLUSTER_NAME": "solver"},
        ),
    ]
    address = f"{options.host}:{options.port}"
    say(f"the site is at http://{address}/ (demo accounts: see README.md); Ctrl-C stops it")
    say(f"links in emails, invitations, calendars and the API use SITE_URL={env['SITE_URL']}")
    try:
        run(PYTHON, ROOT / "manage.py", "runserver", address, env=env, check=False)
    except KeyboardInterrupt:
        pass
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()


def postgres_answers() -> str | None:
    """None when PostgreSQL answers at POSTGRES_URL, else the reason it does not."""
    # The server must answer; the database itself may not exist yet (Django's test
    # runner creates test_<name> through the server's maintenance database).
    server = POSTGRES_URL.rsplit("/", 1)[0] + "/postgres"
    probe = (
        "import sys, psycopg\n"
        "try:\n"
        f"    psycopg.connect({server!r}, connect_timeout=3).close()\n"
        "except Exception as exc:\n"
        "    print(str(exc).strip().splitlines()[0]); sys.exit(1)\n"
    )
    result = subprocess.run([str(PYTHON), "-c", probe], capture_output=True, text=True)
    return None if result.returncode == 0 else (result.stdout.strip() or "no answer")


def pytest_pass(label: str, extra_env: dict, args: list[str]) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        results = Path(handle.name)
    env = {**os.environ, **extra_env, "PRIMI_RESULTS_FILE": str(results)}
    say(f"tests on {label}")
    code = run(PYTHON, "-m", "pytest", *args, env=env, check=False)
    counts = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}
    if results.exists() and results.stat().st_size:
        counts.update(json.loads(results.read_text()))
    results.unlink(missing_ok=True)
    counts["exit"] = code
    return counts


# What the skipped tests of each kind need, and how a newcomer turns them on.
ENABLE = {
    "browser": (
        "a browser (Chromium, driven by Playwright)",
        "apt-get install chromium (Debian's build at /usr/bin/chromium; nothing is downloaded)",
    ),
    "postgres": (
        "PostgreSQL",
        "start it on 127.0.0.1:5432 (pg_ctlcluster <version> main start, or apt-get install "
        "postgresql postgresql-client), or point POSTGRES_TEST_URL=postgres://user@host:port/db "
        "at one",
    ),
    "redis": (
        "Redis",
        "start it on 127.0.0.1:6379 (redis-server --daemonize yes, or apt-get install "
        "redis-server)",
    ),
    "other": ("something else", "see each reason"),
}


def tests_word(count: int) -> str:
    return f"{count} test" if count == 1 else f"{count} tests"


def skip_summary(passes: dict, postgres_reason: str | None) -> list[str]:
    """Plain lines: which tests were skipped, grouped by what they need, and how to run them."""
    groups: dict[str, dict[str, list[str]]] = {}
    for label, counts in passes.items():
        for skip in counts.get("skips", []):
            reasons = groups.setdefault(skip["needs"], {})
            reasons.setdefault(skip["reason"], []).append(f"{skip['test']} ({label})")
    lines = []
    if postgres_reason is not None:
        lines.append(
            f"- the PostgreSQL pass did not run (nothing answers at {POSTGRES_URL}: "
            f"{postgres_reason}); the tests that touch the database ran on SQLite only and "
            "the PostgreSQL-only ones (concurrency, locks) not at all."
        )
        lines.append(f"  To run it: {ENABLE['postgres'][1]}.")
    for need in ("browser", "postgres", "redis", "other"):
        reasons = groups.get(need)
        if not reasons:
            continue
        total = sum(len(tests) for tests in reasons.values())
        verb = "it needs" if total == 1 else "they need"
        lines.append(f"- {tests_word(total)} skipped: {verb} {ENABLE[need][0]}.")
        for reason, tests in sorted(reasons.items()):
            lines.append(f"    {tests_word(len(tests))}: {reason} (e.g. {tests[0]})")
        lines.append(f"  To run {'it' if total == 1 else 'them'}: {ENABLE[need][1]}.")
    if lines:
        lines.insert(0, "Skipped, and how to run them:")
    return lines


def test(options: argparse.Namespace) -> None:
    ensure_venv("requirements-dev.txt")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primi_site.test_settings",
        "SQLITE_PATH": str(ROOT / "var" / "check.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    say("ruff (lint and format)")
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    say("import rules (import-linter: which part may import which)")
    run(BIN / "lint-imports", "--no-cache")
    say("Django checks, migrations and catalogs")
    manage("check", "--fail-level", "WARNING", env=env)
    manage("makemigrations", "--check", "--dry-run", env=env)
    manage("compile_catalogs", env=env)
    manage("check_catalogs", env=env)

    passes = {
        "SQLite": pytest_pass(
            "SQLite", {"DATABASE_URL": "", "PRIMI_DB_PASS": "sqlite"}, options.pytest_args
        )
    }
    reason = postgres_answers()
    if reason is None:
        passes["PostgreSQL"] = pytest_pass(
            "PostgreSQL (the tests that touch the database)",
            {"DATABASE_URL": POSTGRES_URL, "PRIMI_DB_PASS": "postgres"},
            ["--create-db", *options.pytest_args],
        )
    else:
        say(f"PostgreSQL pass SKIPPED: nothing answers at {POSTGRES_URL} ({reason})")

    print()
    summary = skip_summary(passes, reason)
    if summary:
        print("\n".join(summary))
        print()
    for label, counts in passes.items():
        print(
            f"{label}: {counts['passed']} passed, {counts['failed']} failed, "
            f"{counts['skipped']} skipped, {counts['errors']} errors"
        )
    failed = sum(c["failed"] + c["errors"] for c in passes.values())
    passed = sum(c["passed"] for c in passes.values())
    skipped = sum(c["skipped"] for c in passes.values())
    ok = all(c["exit"] == 0 for c in passes.values())
    if reason is not None and IN_CI:
        print("CI=true: the PostgreSQL pass (and its PostgreSQL-only tests) may not be skipped.")
        failed += 1
        ok = False
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped")
    sys.exit(0 if ok and failed == 0 else 1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    start_parser = commands.add_parser("start", help="set up and run the site with demo data")
    start_parser.add_argument("--host", default="127.0.0.1")
    start_parser.add_argument("--port", default="8000")
    test_parser = commands.add_parser("test", help="run the checks and the whole test suite")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest")
    options = parser.parse_args()
    {"start": start, "test": test}[options.command](options)


if __name__ == "__main__":
    main()
