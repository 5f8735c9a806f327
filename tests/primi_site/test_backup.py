"""A backup restored gives back every row; tested on SQLite and on PostgreSQL."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from events.models import Event
from missions.models import Mission
from tests.factories import EventFactory, MissionFactory, PersonFactory


def snapshot_of_every_table() -> dict[str, list]:
    rows = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            rows[model._meta.label] = sorted(model.objects.values_list("pk", flat=True))
    return rows


@pytest.mark.django_db(transaction=True)
def test_restoring_a_backup_brings_back_every_row(tmp_path):
    if connection.vendor == "postgresql":
        import shutil

        if not shutil.which("pg_dump"):
            pytest.skip("pg_dump is not installed")
    mission = MissionFactory()
    EventFactory.create_batch(3, mission=mission)
    PersonFactory.create_batch(2)
    before = snapshot_of_every_table()
    path = tmp_path / "primi.backup"
    call_command("backup", output=path)
    assert path.stat().st_size > 0

    Event.objects.all().delete()
    Mission.objects.all().delete()
    MissionFactory(slug="made-after-the-backup")
    assert snapshot_of_every_table() != before

    call_command("restore", str(path), yes=True)
    assert snapshot_of_every_table() == before
    assert Mission.objects.get().slug == mission.slug
    assert Event.objects.filter(mission=mission).count() == 3


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nope.sqlite3"), yes=True)
