"""A cache of rendered public lists, invalidated by every change of their content.

Each namespace ("public": events and missions) has a generation counter in the
database, raised in the same transaction as any save or delete of the models it
covers. A rendered list is cached under (generation, language, zone, query, minute):
a change seen by the database is seen by every process at once, whatever the cache
backend, and "upcoming" moves on with the clock within a minute.
"""

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from ninja import Schema

from primi_site.models import ContentGeneration

PUBLIC = "public"


def generation(name: str = PUBLIC) -> int:
    value = ContentGeneration.objects.filter(name=name).values_list("value", flat=True).first()
    return value or 0


def bump(name: str = PUBLIC) -> None:
    """Invalidate every cached list of `name` (call it after a bulk `update()`)."""
    if not ContentGeneration.objects.filter(name=name).update(value=F("value") + 1):
        ContentGeneration.objects.get_or_create(name=name, defaults={"value": 1})


def _on_change(sender: type[Model], **kwargs: Any) -> None:
    bump(PUBLIC)


def connect(*models: type[Model]) -> None:
    for model in models:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"api-cache-save-{model}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"api-cache-del-{model}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _on_change, sender=field.remote_field.through, dispatch_uid=f"api-cache-{field}"
            )


def cached_list(
    request: HttpRequest,
    *,
    namespace: str,
    language: str,
    schema: type[Schema],
    build: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """The rendered JSON of `build()` validated by `schema`, from the cache when fresh."""
    from primi_site.api import api

    seconds = settings.API_LIST_CACHE_SECONDS
    body = None
    key = None
    if seconds > 0:
        query = sorted(request.GET.lists())
        fingerprint = hashlib.sha256(repr(query).encode()).hexdigest()[:32]
        zone_name = getattr(request, "viewer_time_zone", settings.VISITOR_TIME_ZONE)
        minute = int(time.time() // 60)
        key = (
            f"api:{namespace}:{generation(PUBLIC)}:{request.path}:{language}:{zone_name}:"
            f"{minute}:{fingerprint}"
        )
        body = cache.get(key)
    if body is None:
        data = schema.model_validate(build()).model_dump(mode="json")
        body = api.renderer.render(request, data, response_status=200)
        if key is not None:
            cache.set(key, body, timeout=min(seconds, 120))
    response = HttpResponse(body, content_type=api.get_content_type())
    response["Content-Language"] = language
    return response
