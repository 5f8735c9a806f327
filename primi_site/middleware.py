"""Per-request preferences: the viewer's time zone and, off the language-prefixed pages,
the signed-in person's language."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from missions.people import person_of


class PersonPreferencesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        person = person_of(request.user)
        zone_name = person.time_zone if person else settings.VISITOR_TIME_ZONE
        request.viewer_time_zone = zone_name
        timezone.activate(zone_name)
        prefixed = translation.get_language_from_path(request.path_info)
        if person and not prefixed:
            translation.activate(person.language)
            request.LANGUAGE_CODE = person.language
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
