from django.core.management.base import BaseCommand

from primi_site.catalogs import TARGET_LANGUAGES, check_catalog, update_catalog


class Command(BaseCommand):
    help = "Extract the strings of the code and templates into locale/<lang>/LC_MESSAGES/django.po."

    def handle(self, *args, **options) -> None:
        for language in TARGET_LANGUAGES:
            catalog = update_catalog(language)
            todo = check_catalog(language)
            self.stdout.write(f"{language}: {len(catalog)} messages, {len(todo)} to translate")
            for problem in todo:
                self.stdout.write(f"  {problem}")
