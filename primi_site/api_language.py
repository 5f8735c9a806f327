"""The language of an API answer: `lang` in the query, else Accept-Language, else the
signed-in person's language, else French."""

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import Schema
from pydantic import ConfigDict, Field

from missions.people import person_of
from primi_site.bilingual import BILINGUAL


def _from_header(header: str) -> str | None:
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            continue
        try:
            language = get_supported_language_variant(code)[:2]
        except LookupError:
            continue
        if language in BILINGUAL:
            return language
    return None


def api_language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang", "")
    if wanted in BILINGUAL:
        return wanted
    header = request.headers.get("Accept-Language", "")
    if header:
        language = _from_header(header[:500])
        if language:
            return language
    user = getattr(request, "user", None)
    person = person_of(user) if user is not None else None
    return person.language if person else "fr"


LANG_DESCRIPTION = "fr or en; default: Accept-Language, else the account's language, else fr."


class LangQuery(Schema):
    """The `lang` query parameter of endpoints that answer with bilingual content."""

    model_config = ConfigDict(extra="forbid")

    lang: Literal["fr", "en"] | None = Field(None, description=LANG_DESCRIPTION)
