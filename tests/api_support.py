"""Helpers for API tests, shared by every app's `tests/<app>/test_api.py`.

def test_another_persons_thing_is_a_404_everywhere(two_people):
    thing = ThingFactory(owner=two_people.owner.person)
    assert_private_everywhere(
        two_people,
        [("get", f"/things/{thing.pk}", None), ("delete", f"/things/{thing.pk}", None)],
    )
"""

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from primi_site.services import tokens

API = "/api/v1"


class ApiClient:
    """A test client of /api/v1 that sends a Bearer token (or a session, see `client`)."""

    def __init__(self, user=None, scope: str = "write", client: Client | None = None) -> None:
        self.user = user
        self.client = client or Client()
        self.token = None
        if user is not None and client is None:
            _record, self.token = tokens.create_token(user, name="test", scope=scope)

    def headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ):
        kwargs: dict[str, Any] = {"headers": self.headers(headers)}
        if body is not None:
            kwargs["data"] = body if isinstance(body, str | bytes) else json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method.lower())(API + path, **kwargs)

    def get(self, path: str, **kwargs: Any):
        return self.request("get", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any):
        return self.request("post", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any):
        return self.request("patch", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        return self.request("delete", path, **kwargs)


def assert_error(response, status: int, code: str) -> dict:
    """The response is the documented error with this status and code; returns its body."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status", "code", "message", "errors"}, body
    assert body["status"] == status
    assert body["code"] == code, body
    assert body["message"]
    return body


@dataclass
class TwoPeople:
    """Two people with read-write tokens: `owner` owns the objects, `other` must not see them."""

    owner: ApiClient
    other: ApiClient


def assert_private_everywhere(
    people: TwoPeople, routes: list[tuple[str, str, Any]], owner_status: int | None = None
) -> None:
    """Every route answers 404 not_found to the other person, and not 404 to the owner.

    Call it BEFORE any route that changes the object (the owner's calls run after the
    other's, in order, so a final DELETE may be listed last).
    """
    for method, path, body in routes:
        response = people.other.request(method, path, body)
        assert_error(response, 404, "not_found")
    for method, path, body in routes:
        response = people.owner.request(method, path, body)
        assert response.status_code != 404, (method, path, response.content[:300])
        if owner_status is not None:
            assert response.status_code == owner_status
