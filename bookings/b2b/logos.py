"""Where B2B participants' photos and logos are stored, and how their files go.

Each participant's files live in a folder of their own, `b2b/logos/<participant id>/`, so
that every file of a participant can be found: a replaced or cleared logo is deleted once
the change is committed, and erasing a person's data deletes the whole folder (with any
earlier version a crash between the commit and the deletion may have left behind).
"""

from __future__ import annotations

import contextlib
import os

from django.db import transaction

ROOT = "b2b/logos"


def logo_path(participant, filename: str) -> str:
    """`upload_to` of the logo field: the participant's own folder."""
    if participant.pk is None:  # not saved yet: no folder to file it under
        return f"{ROOT}/{filename}"
    return f"{ROOT}/{participant.pk}/{filename}"


def files_of(participant) -> list[str]:
    """Every stored file of `participant`: the current logo (wherever an older layout put
    it) and whatever is in the participant's folder."""
    storage = participant.logo.storage
    names = {participant.logo.name} if participant.logo.name else set()
    folder = f"{ROOT}/{participant.pk}"
    try:
        _folders, files = storage.listdir(folder)
    except FileNotFoundError:
        files = []
    names.update(f"{folder}/{name}" for name in files)
    return sorted(names)


def delete_on_commit(storage, names, *, folder: str | None = None) -> None:
    """Delete the files `names` once the transaction commits (a rollback keeps them, as it
    keeps the rows that point at them), then `folder` if it is left empty."""
    names = [name for name in names if name]
    if not names and folder is None:
        return

    def delete() -> None:
        for name in names:
            storage.delete(name)
        if folder is not None and hasattr(storage, "path"):
            with contextlib.suppress(OSError):  # absent, or not empty (a new upload since)
                os.rmdir(storage.path(folder))

    transaction.on_commit(delete)


def folder_of(participant) -> str:
    return f"{ROOT}/{participant.pk}"
