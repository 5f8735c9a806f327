"""Validators for codes whose lists come from Babel's CLDR data."""

from functools import lru_cache

from babel import Locale
from babel.numbers import list_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ISO 3166-1 keeps these two-letter codes out of the officially assigned ones: user-assigned
# (AA, QM–QZ, XA–XZ, ZZ: CLDR's pseudo-locales and "Kosovo" XK among them) and
# exceptionally reserved (the EU, the euro area, the UN, the UK alias, Ascension…).
USER_ASSIGNED_PREFIXES = ("X",)
USER_ASSIGNED = {"AA", "ZZ", *(f"Q{letter}" for letter in "MNOPQRSTUVWXYZ")}
EXCEPTIONALLY_RESERVED = {
    "AC",
    "CP",
    "CQ",
    "DG",
    "EA",
    "EU",
    "EZ",
    "FX",
    "IC",
    "SU",
    "TA",
    "UK",
    "UN",
}


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """The officially assigned ISO 3166-1 alpha-2 codes that Babel names (249)."""
    return frozenset(
        code
        for code in Locale("en").territories
        if len(code) == 2
        and code.isalpha()
        and code in Locale("fr").territories
        and code not in USER_ASSIGNED | EXCEPTIONALLY_RESERVED
        and not code.startswith(USER_ASSIGNED_PREFIXES)
    )


@lru_cache(maxsize=1)
def language_codes() -> frozenset[str]:
    """ISO 639-1 codes (two letters) that Babel names in both languages."""
    french = Locale("fr").languages
    return frozenset(code for code in Locale("en").languages if len(code) == 2 and code in french)


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
    """The countries named in `language`, sorted for its readers (`primi_site.choices`)."""
    from primi_site.choices import country_choices as named

    return named(language)
