"""City names in the reader's language, without a second field per language.

A city is stored once, as staff typed it ("London", "Bruxelles"). Where French and
English name it differently, the page shows the reader's name: from CLDR, through Babel,
for the cities that name a time zone (Londres, Bruxelles, Vienne, Varsovie…), and from a
short list for the others the cluster travels to (Montréal, Anvers, Genève…). The country
must match, so a homonym abroad keeps its own name; any other city is shown as typed.
"""

from functools import lru_cache

from babel.dates import get_timezone_location

from primi_site.bilingual import page_language
from primi_site.choices import sort_key, zone_countries
from primi_site.formatting import babel_locale

# (country, English, French) of cities that name no time zone but differ between the two.
OTHER_CITIES = (
    ("BE", "Antwerp", "Anvers"),
    ("BE", "Ghent", "Gand"),
    ("BE", "Bruges", "Bruges"),
    ("CA", "Montreal", "Montréal"),
    ("CA", "Quebec City", "Québec"),
    ("CH", "Geneva", "Genève"),
    ("CH", "Basel", "Bâle"),
    ("CN", "Beijing", "Pékin"),
    ("DE", "Aachen", "Aix-la-Chapelle"),
    ("DE", "Mainz", "Mayence"),
    ("ES", "Barcelona", "Barcelone"),
    ("ES", "Seville", "Séville"),
    ("GB", "Edinburgh", "Édimbourg"),
    ("GB", "Dover", "Douvres"),
    ("IT", "Genoa", "Gênes"),
    ("IT", "Venice", "Venise"),
    ("IT", "Florence", "Florence"),
    ("IT", "Naples", "Naples"),
    ("IT", "Turin", "Turin"),
    ("NL", "The Hague", "La Haye"),
    ("US", "New Orleans", "La Nouvelle-Orléans"),
    ("US", "Philadelphia", "Philadelphie"),
)


@lru_cache(maxsize=1)
def _names() -> dict[tuple[str, str], dict[str, str]]:
    """(country, any known name folded) → {"fr": …, "en": …}."""
    table: dict[tuple[str, str], dict[str, str]] = {}
    rows = [
        (
            country,
            get_timezone_location(name, locale=babel_locale("en"), return_city=True),
            get_timezone_location(name, locale=babel_locale("fr"), return_city=True),
        )
        for country, name in zone_countries()
    ]
    for country, english, french in [*rows, *OTHER_CITIES]:
        if "/" in english or "/" in french:
            continue  # CLDR has no city for it
        names = {"en": english, "fr": french}
        for known in (english, french):
            table.setdefault((country, sort_key(known)), names)
    return table


def city_name(city: str, country: str = "", language: str | None = None) -> str:
    """`city` (of `country`) as a reader of `language` names it ("London" → "Londres")."""
    if not city:
        return ""
    names = _names().get((country or "", sort_key(city.strip())))
    return names[page_language(language)] if names else city
