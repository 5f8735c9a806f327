from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from primi_site.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database's content with a snapshot written by `backup`."

    def add_arguments(self, parser):
        parser.add_argument("snapshot", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="do not ask for confirmation (scripts)"
        )

    def handle(self, *args, snapshot, yes=False, **options):
        if not yes and input(f"Replace the whole database with {snapshot}? [y/N] ") != "y":
            raise CommandError("Nothing restored.")
        try:
            restore(snapshot)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Database restored from {snapshot}")
