from django.core.management.base import BaseCommand, CommandError

from primi_site.catalogs import TARGET_LANGUAGES, check_catalog


class Command(BaseCommand):
    help = "Fail when a string of the code is missing, empty or fuzzy in a catalog."

    def handle(self, *args, **options) -> None:
        problems = [(lang, p) for lang in TARGET_LANGUAGES for p in check_catalog(lang)]
        for language, problem in problems:
            self.stderr.write(f"{language}: {problem}")
        if problems:
            raise CommandError(f"{len(problems)} strings need a translation.")
        self.stdout.write("Catalogs complete.")
