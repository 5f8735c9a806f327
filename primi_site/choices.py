"""The lists that forms offer: countries, languages and time zones, named in the reader's
language and sorted as a reader of that language expects. One source for every form.

- Countries: the officially assigned ISO 3166-1 alpha-2 codes (`validators.country_codes`),
  never CLDR's groupings or pseudo-territories (EU, EZ, UN, QO, XA, XB…).
- Languages: ISO 639-1 codes with a Babel name (validation); the forms offer the business
  languages the cluster's members and partners actually speak (`BUSINESS_LANGUAGES`), plus
  any a profile already holds.
- Time zones: the canonical IANA zones of tzdata's `zone.tab` (one or more per country;
  no links or backward names such as Asia/Calcutta or US/Pacific), plus UTC, labelled
  "Canada — Vancouver (UTC−08:00)" in the reader's language.
"""

import unicodedata
import zoneinfo
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

from babel import Locale
from babel.dates import get_timezone_gmt
from django.utils import timezone

from primi_site.formatting import babel_locale, zone_label
from primi_site.validators import country_codes, language_codes

# The languages of business among the cluster's members and partners (ISO 639-1); the
# regional ones of Provence and Corsica among them.
BUSINESS_LANGUAGES = (
    "ar", "bg", "ca", "co", "cs", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi",
    "fr", "ga", "he", "hi", "hr", "hu", "hy", "id", "it", "ja", "ko", "lb", "lt", "lv",
    "ms", "mt", "nb", "nl", "oc", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sv",
    "sw", "th", "tr", "uk", "vi", "wo", "zh",
)  # fmt: skip

# Where a country spans several zones, the one most of its people live in, for a default.
PRIMARY_ZONES = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MX": "America/Mexico_City",
    "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
}


def sort_key(text: str) -> str:
    """Alphabetical order as a French or English reader expects it: accents and case do not
    come after "z" ("Émirats arabes unis" sorts with the E's)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    names = Locale.parse(babel_locale(language)).territories
    return sorted(
        ((code, names.get(code, code)) for code in country_codes()),
        key=lambda item: sort_key(item[1]),
    )


def language_choices(
    language: str | None = None, *, keep: tuple[str, ...] | list[str] = ()
) -> list[tuple[str, str]]:
    """The business languages, and those of `keep` (a profile's own), named and sorted."""
    names = Locale.parse(babel_locale(language)).languages
    codes = {code for code in (*BUSINESS_LANGUAGES, *keep) if code in language_codes()}
    return sorted(((c, names.get(c, c)) for c in codes), key=lambda item: sort_key(item[1]))


@lru_cache(maxsize=1)
def _zone_tab() -> tuple[tuple[str, str], ...]:
    """(country, zone) of tzdata's zone.tab: the canonical zones, at least one per country."""
    text = None
    try:
        text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - system tzdata
        for folder in zoneinfo.TZPATH:
            path = Path(folder) / "zone.tab"
            if path.exists():
                text = path.read_text("utf-8")
                break
    rows = []
    available = zoneinfo.available_timezones()
    for line in (text or "").splitlines():
        if line and not line.startswith("#"):
            country, _coordinates, name, *_comment = line.split("\t")
            if name in available:
                rows.append((country, name))
    return tuple(rows)


def zone_countries() -> tuple[tuple[str, str], ...]:
    """(country, zone) of every canonical zone."""
    return _zone_tab()


@lru_cache(maxsize=1)
def canonical_zones() -> frozenset[str]:
    """Every canonical zone, and UTC."""
    return frozenset(name for _country, name in _zone_tab()) | {"UTC"}


def zones_of_country(code: str) -> list[str]:
    return [name for country, name in _zone_tab() if country == code]


def zone_for_country(code: str | None) -> str | None:
    """The zone to offer first to someone from that country (None when it is unknown)."""
    if not code:
        return None
    zones = zones_of_country(code)
    if code in PRIMARY_ZONES and PRIMARY_ZONES[code] in zones:
        return PRIMARY_ZONES[code]
    return zones[0] if zones else None


def time_zone_choices(
    language: str | None = None, *, keep: str = "", now: datetime | None = None
) -> list[tuple[str, str]]:
    """The canonical zones as "Canada — Vancouver (UTC−08:00)", by country then city; a
    zone already chosen (`keep`) stays offered even when it is an older name."""
    locale = babel_locale(language)
    now = now or timezone.now()
    countries = Locale.parse(locale).territories
    rows = []
    for country, name in _zone_tab():
        offset = get_timezone_gmt(now.astimezone(zoneinfo.ZoneInfo(name)), locale=locale)
        label = f"{countries.get(country, country)} — {zone_label(name, language)} ({offset})"
        rows.append((name, label))
    rows.sort(key=lambda item: sort_key(item[1]))
    rows.append(("UTC", "UTC"))
    if keep and keep not in canonical_zones() and keep in zoneinfo.available_timezones():
        rows.insert(0, (keep, keep.replace("_", " ")))
    return rows
