"""Validators for codes whose lists come from Babel's CLDR data."""

from functools import lru_cache

from babel import Locale
from babel.numbers import list_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(
        code
        for code in Locale("en").territories
        if len(code) == 2 and code.isalpha() and code in Locale("fr").territories
    )


@lru_cache(maxsize=1)
def language_codes() -> frozenset[str]:
    return frozenset(code for code in Locale("en").languages if len(code) == 2)


def validate_country(value: str) -> None:
    if value not in country_codes():
        raise ValidationError(
            _("“%(value)s” is not an ISO 3166 country code (two capital letters, such as FR)."),
            code="unknown_country",
            params={"value": value},
        )


def validate_currency(value: str) -> None:
    if value not in list_currencies():
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code (such as EUR or CAD)."),
            code="unknown_currency",
            params={"value": value},
        )


def validate_language_list(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Give a list of language codes."), code="invalid_languages")
    unknown = [code for code in value if code not in language_codes()]
    if unknown:
        raise ValidationError(
            _("Unknown language codes: %(codes)s (use two-letter codes such as fr, en)."),
            code="unknown_language",
            params={"codes": ", ".join(unknown)},
        )


def country_choices(language: str) -> list[tuple[str, str]]:
    names = Locale.parse(language).territories
    return sorted(
        ((code, names.get(code, code)) for code in country_codes()), key=lambda item: item[1]
    )
