from django.core.management.base import BaseCommand

from primi_site.catalogs import compile_catalogs


class Command(BaseCommand):
    help = "Compile the .po catalogs to .mo files with Babel (no system gettext needed)."

    def handle(self, *args, **options) -> None:
        for path in compile_catalogs():
            self.stdout.write(f"compiled {path}")
