from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from primi_site.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent snapshot of the database (SQLite backup API or pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="file to write (default var/backups/…)")

    def handle(self, *args, output=None, **options):
        try:
            path = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {path}")
