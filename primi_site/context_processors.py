from django.contrib import admin
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

from primi_site.bilingual import page_language
from primi_site.permissions import is_staff


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


def staff(request: HttpRequest) -> dict:
    """`is_staff_member`: the staff rule of the pages, for menus and links to staff pages;
    `can_use_admin`: the Django admin's own rule (the staff flag), for the link to it."""
    if not hasattr(request, "user"):  # a page answered before the authentication ran
        return {"is_staff_member": False, "can_use_admin": False}
    return {
        "is_staff_member": is_staff(request.user),
        "can_use_admin": admin.site.has_permission(request),
    }
