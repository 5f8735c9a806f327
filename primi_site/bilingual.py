"""Bilingual content: both languages are stored, one is shown, the other fills in.

A model holds `title_fr` and `title_en`; a page asks for `title` in its language.
When staff left that language empty, the other one is shown and marked with its
own `lang`, so screen readers and browsers pronounce and hyphenate it right.
"""

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

BILINGUAL = ("fr", "en")


def page_language(language: str | None = None) -> str:
    language = (language or get_language() or "fr")[:2]
    return language if language in BILINGUAL else "fr"


@dataclass(frozen=True)
class LocalizedText:
    text: str
    lang: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __html__(self) -> SafeString:
        if self.is_fallback:
            return format_html('<span lang="{}">{}</span>', self.lang, self.text)
        return format_html("{}", self.text)


def localized(obj: object, field: str, language: str | None = None) -> LocalizedText:
    """The text of `field` in `language`, falling back to the other language."""
    wanted = page_language(language)
    other = "en" if wanted == "fr" else "fr"
    text = getattr(obj, f"{field}_{wanted}", "") or ""
    if text.strip():
        return LocalizedText(text, wanted, False)
    fallback = getattr(obj, f"{field}_{other}", "") or ""
    if fallback.strip():
        return LocalizedText(fallback, other, True)
    return LocalizedText("", wanted, False)


class BilingualMixin:
    """Gives models `obj.tr("title")` for the active language."""

    def tr(self, field: str, language: str | None = None) -> LocalizedText:
        return localized(self, field, language)
