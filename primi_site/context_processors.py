from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

from primi_site.bilingual import page_language


def site(request: HttpRequest) -> dict:
    current = page_language(get_language())
    return {
        "page_language": current,
        "other_language": "en" if current == "fr" else "fr",
        "other_language_url": translate_url(
            request.get_full_path(), "en" if current == "fr" else "fr"
        ),
        "viewer_time_zone": getattr(request, "viewer_time_zone", "Europe/Paris"),
    }
