"""Back up and restore the database, SQLite or PostgreSQL, with each engine's own tools.

SQLite: the online backup API copies a consistent snapshot while the site runs, and
restores by copying the snapshot back page by page. PostgreSQL: `pg_dump` in custom
format and `pg_restore --clean`, which need the PostgreSQL client programs.
"""

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection


class BackupError(Exception):
    pass


def default_backup_path(vendor: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = "sqlite3" if vendor == "sqlite" else "dump"
    return Path(settings.BASE_DIR) / "var" / "backups" / f"primi-{stamp}.{suffix}"


def backup(target: Path | None = None) -> Path:
    """Write a consistent snapshot of the default database to `target` and return it."""
    target = target or default_backup_path(connection.vendor)
    target.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    elif connection.vendor == "postgresql":
        _run_pg("pg_dump", "--format=custom", "--no-owner", f"--file={target}")
    else:  # pragma: no cover - only the two supported engines
        raise BackupError(f"No backup method for {connection.vendor}.")
    return target


def restore(source: Path) -> None:
    """Replace the default database's content with the snapshot at `source`."""
    if not source.exists():
        raise BackupError(f"{source} does not exist.")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as snapshot:
            snapshot.backup(connection.connection)
        snapshot.close()
    elif connection.vendor == "postgresql":
        connection.close()
        _run_pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            str(source),
        )
    else:  # pragma: no cover
        raise BackupError(f"No restore method for {connection.vendor}.")


def _run_pg(program: str, *args: str) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed (Debian: apt-get install postgresql-client)."
        )
    params = connection.settings_dict
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    target = ["--dbname", params["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            target += [flag, str(params[key])]
    result = subprocess.run(
        [executable, *target, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")
