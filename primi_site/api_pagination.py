"""Bounded pagination: `limit` (1–100, default 20) and `offset` (0–10 000).

A list endpoint takes `page: PageParams = Query(...)` and returns `paginate(...)`
into a schema that subclasses `PageOut` and declares its `items`. Two queries per
page whatever its size: the count and the slice.
"""

from typing import Any

from django.db.models import QuerySet
from ninja import Schema
from pydantic import ConfigDict, Field

from primi_site.api_errors import UnknownParameter

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_OFFSET = 10_000


class PageParams(Schema):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page, at most 100."
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


class PageOut(Schema):
    count: int = Field(description="Items matching, over all pages.", examples=[42])
    limit: int = Field(examples=[20])
    offset: int = Field(examples=[0])
    next_offset: int | None = Field(description="Offset of the next page; null on the last.")


def paginate(queryset: QuerySet, page: PageParams, render: Any = None) -> dict[str, Any]:
    count = queryset.count()
    rows = list(queryset[page.offset : page.offset + page.limit]) if page.offset < count else []
    following = page.offset + page.limit
    return {
        "count": count,
        "limit": page.limit,
        "offset": page.offset,
        "next_offset": following if following < count else None,
        "items": [render(row) for row in rows] if render else rows,
    }


def reject_unknown_params(request: Any, *schemas: type[Schema]) -> None:
    allowed: set[str] = set()
    for schema in schemas:
        for name, info in schema.model_fields.items():
            allowed.add(info.alias or name)
    unknown = sorted(set(request.GET.keys()) - allowed)
    if unknown:
        raise UnknownParameter(unknown)
