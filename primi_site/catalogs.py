"""Message catalogs with Babel: extraction, update, completeness check, compilation.

Babel does what GNU gettext's tools do for Django (`makemessages`, `compilemessages`),
so a fresh machine needs no system gettext. Django templates are turned into
Python-like source by Django's own `templatize` (as `makemessages` does) and then
read by Babel's Python extractor.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.utils.translation.template import templatize

DOMAIN = "django"
TARGET_LANGUAGES = ("fr",)
SOURCE_DIRS = ("primi_site", "missions", "events", "bookings")
TEMPLATE_SUFFIXES = (".html", ".txt", ".ics", ".eml")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
COMMENT_TAGS = ("Translators:",)


def base_dir() -> Path:
    return Path(settings.BASE_DIR)


def catalog_path(language: str, suffix: str = ".po") -> Path:
    return base_dir() / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def _source_files() -> Iterator[Path]:
    for top in SOURCE_DIRS:
        for path in sorted((base_dir() / top).rglob("*")):
            if not path.is_file() or "migrations" in path.parts:
                continue
            if path.suffix == ".py" or (
                "templates" in path.parts and path.suffix in TEMPLATE_SUFFIXES
            ):
                yield path


def _messages_of(path: Path) -> Iterator[tuple]:
    source = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        source = templatize(source, origin=str(path))
    yield from extract(
        "python",
        BytesIO(source.encode("utf-8")),
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        options={"encoding": "utf-8"},
    )


def extract_catalog() -> Catalog:
    """Every translatable string of the Python code and templates, as a template catalog."""
    catalog = Catalog(project="primi-international", charset="utf-8", fuzzy=False)
    for path in _source_files():
        relative = path.relative_to(base_dir()).as_posix()
        for lineno, message, comments, context in _messages_of(path):
            if not message or (isinstance(message, tuple) and not message[0]):
                continue
            catalog.add(
                message,
                None,
                [(relative, lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def read_catalog(language: str) -> Catalog:
    path = catalog_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, charset="utf-8", fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def update_catalog(language: str) -> Catalog:
    """Bring the language's .po file in line with the code, keeping its translations."""
    catalog = read_catalog(language)
    catalog.update(extract_catalog(), update_header_comment=False, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    path = catalog_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False)
    return catalog


@dataclass(frozen=True)
class CatalogProblem:
    kind: str  # "missing", "untranslated" or "fuzzy"
    msgid: str
    context: str | None
    locations: tuple[str, ...]

    def __str__(self) -> str:
        where = ", ".join(self.locations[:3])
        context = f" [{self.context}]" if self.context else ""
        return f"{self.kind}: {self.msgid!r}{context} ({where})"


def check_catalog(language: str) -> list[CatalogProblem]:
    """The strings of the code that the language's catalog lacks, leaves empty or marks fuzzy."""
    catalog = read_catalog(language)
    problems = []
    for message in extract_catalog():
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        locations = tuple(f"{file}:{line}" for file, line in message.locations)
        found = catalog.get(message.id, context=message.context)
        if found is None:
            problems.append(CatalogProblem("missing", msgid, message.context, locations))
            continue
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        if not all(strings) or len(strings) < (catalog.num_plurals if found.pluralizable else 1):
            problems.append(CatalogProblem("untranslated", msgid, message.context, locations))
        elif found.fuzzy:
            problems.append(CatalogProblem("fuzzy", msgid, message.context, locations))
    return problems


def compile_catalogs() -> list[Path]:
    """Write the .mo file of each target language from its .po file."""
    written = []
    for language in TARGET_LANGUAGES:
        catalog = read_catalog(language)
        target = catalog_path(language, ".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(target)
    return written
