"""Every named URL, as every role: the expected answer is written down for each.

`RULES` must name every URL pattern of the URLconf: a new page without a rule fails
`test_every_url_has_a_rule`, so its permissions get reviewed before it ships. The
admin site (its own permission system, staff only) is covered by one rule on its index.

A rule: (method, anonymous, member, delegate, staff). "login" means a redirect to the
sign-in page; a number is the status code. Every answer to a signed-in role, whatever its
status, carries `Cache-Control: private` (or a view's deliberate `public`). The member owns
the objects in the URLs (their registration, tokens); the delegate and staff do not own them.
"""

from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

L = "login"
PUBLIC = ("GET", 200, 200, 200, 200)
SIGNED_IN = ("GET", L, 200, 200, 200)
STAFF_ONLY = ("GET", L, 404, 404, 200)
OWNER_POST = ("POST", L, 302, 404, 404)
API_PUBLIC = ("GET", 200, 200, 200, 200)
API_PERSONAL = ("GET", 401, 200, 200, 200)  # a token, or the signed-in session
API_STAFF = ("GET", 401, 403, 403, 200)
API_OWNER = ("GET", 401, 200, 404, 404)

RULES = {
    "root": ("GET", 302, 302, 302, 302),
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "admin:index": ("GET", 302, 302, 302, 200),
    "api:openapi-json": API_PUBLIC,
    "api:openapi-view": API_PUBLIC,
    "api:health": API_PUBLIC,
    "api:api-root": ("GET", 404, 404, 404, 404),  # nothing at the root: see /api/v1/docs
    "api:me": API_PERSONAL,
    "api:list_tokens": API_PERSONAL,
    "api:create_token": API_PERSONAL,
    "api:get_token": API_OWNER,
    "api:revoke_token": API_OWNER,
    "api:list_events": API_PUBLIC,
    "api:get_event": API_PUBLIC,
    "api:list_missions": API_PUBLIC,
    "api:get_mission": API_PUBLIC,
    "api:list_endpoints": API_STAFF,
    "api:create_endpoint": API_STAFF,
    "api:delete_endpoint": ("DELETE", 401, 403, 403, 404),
    "api:list_deliveries": API_STAFF,
    "api:replay_delivery": ("POST", 401, 403, 403, 404),
    "feed_events": PUBLIC,
    "feed_mission": PUBLIC,
    "feed_event": PUBLIC,
    "feed_private": PUBLIC,  # a capability: whoever holds the token reads the feed
    "home": PUBLIC,
    "calendar": PUBLIC,
    "event_detail": PUBLIC,
    "mission_list": PUBLIC,
    "mission_detail": PUBLIC,
    "account": SIGNED_IN,
    "personal_data_export": SIGNED_IN,
    "account_erase": SIGNED_IN,
    "api_tokens": SIGNED_IN,
    "revoke_api_token": OWNER_POST,
    "feed_token_create": ("POST", L, 302, 302, 302),
    "feed_token_rotate": OWNER_POST,
    "feed_token_revoke": OWNER_POST,
    "login": PUBLIC,
    "logout": ("POST", 302, 302, 302, 302),
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,  # an invalid link says so
    "password_reset_complete": PUBLIC,
    "event_register": ("POST", L, 302, 302, 302),
    "mission_apply": SIGNED_IN,
    "my_registrations": SIGNED_IN,
    "registration_cancel": ("POST", L, 200, 404, 404),  # without a reason: the form again
    "registration_accept_offer": OWNER_POST,
    "registration_decline_offer": OWNER_POST,
    "invitation": PUBLIC,  # a capability sent by email
    "staff_registrations": STAFF_ONLY,
    "staff_registration": STAFF_ONLY,
    "staff_export": STAFF_ONLY,
    "staff_invite": STAFF_ONLY,
    "staff_outbox": STAFF_ONLY,
    "staff_outbox_retry": ("POST", L, 404, 404, 302),  # the row does not exist: back to the list
    "staff_dashboard": ("GET", L, 404, 404, 302),  # to the current season
    "staff_dashboard_season": STAFF_ONLY,
    "staff_dashboard_season_csv": STAFF_ONLY,
    "staff_dashboard_mission": STAFF_ONLY,
    "staff_dashboard_mission_csv": STAFF_ONLY,
    # Registrations API: each person's own; POSTs without a body are refused after the
    # authentication and the staff check.
    "api:create_registration": ("POST", 401, 400, 400, 400),
    "api:create_application": ("POST", 401, 400, 400, 400),
    "api:list_registrations": API_PERSONAL,
    "api:get_registration": API_OWNER,
    "api:cancel_registration": ("POST", 401, 200, 404, 404),  # the member's offer, cancelled
    "api:review_list": API_STAFF,
    "api:review_export": API_STAFF,
    "api:decide_one": ("POST", 401, 403, 403, 400),
    "api:decide_bulk": ("POST", 401, 403, 403, 400),
    "api:list_feed_tokens": API_PERSONAL,
    "api:create_feed_token": ("POST", 401, 400, 400, 400),
    "api:revoke_feed_token": ("DELETE", 401, 204, 404, 404),
    "api:accept_request": ("POST", 401, 400, 400, 400),
    "api:book": ("POST", 401, 400, 400, 400),
    "api:cancel": ("POST", 401, 400, 400, 400),
    "api:decline_request": ("POST", 401, 400, 400, 400),
    "api:directory": ("GET", 401, 200, 200, 200),
    "api:figures": ("GET", 401, 403, 403, 200),
    "api:free_slots": ("GET", 401, 200, 200, 404),
    "api:grid": ("GET", 401, 403, 403, 200),
    "api:instance": ("GET", 401, 403, 403, 200),
    "api:join": ("POST", 401, 422, 422, 422),
    "api:meeting_detail": ("GET", 401, 200, 200, 404),
    "api:my_meetings": ("GET", 401, 200, 200, 404),
    "api:my_profile": ("GET", 401, 200, 200, 404),
    "api:my_requests": ("GET", 401, 200, 200, 404),
    "api:my_unavailable": ("GET", 401, 200, 200, 404),
    "api:participant_detail": ("GET", 401, 200, 200, 200),
    "api:report": ("PUT", 401, 422, 422, 422),
    "api:request_detail": ("GET", 401, 200, 404, 404),
    "api:reschedule": ("POST", 401, 400, 400, 400),
    "api:review": ("POST", 401, 403, 403, 400),
    "api:send_request": ("POST", 401, 400, 400, 400),
    "api:session_detail": ("GET", 401, 200, 200, 200),
    "api:session_slots": ("GET", 401, 200, 200, 200),
    "api:set_my_unavailable": ("PUT", 401, 422, 422, 422),
    "api:solution": ("POST", 401, 403, 403, 400),
    "api:update_my_profile": ("PATCH", 401, 422, 422, 422),
    "api:upload_logo": ("POST", 401, 422, 422, 422),
    "api:withdraw_request": ("POST", 401, 200, 404, 404),
    "api:start_schedule_run": ("POST", 401, 403, 403, 400),  # without a body
    "api:list_schedule_runs": API_STAFF,
    "api:get_schedule_run": API_STAFF,
    "api:preview_schedule_run": ("GET", 401, 403, 403, 409),  # queued: nothing to preview
    "api:publish_schedule_run": ("POST", 401, 403, 403, 409),  # queued: not finished
    "api:discard_schedule_run": ("POST", 401, 403, 403, 200),
    "b2b_agenda": ("GET", L, 200, 200, 404),
    "b2b_agenda_print": ("GET", L, 200, 200, 404),
    "b2b_availability": ("GET", L, 200, 200, 404),
    "b2b_book": ("POST", L, 302, 302, 404),
    "b2b_directory": ("GET", L, 200, 200, 200),
    "b2b_join": ("POST", L, 302, 302, 302),
    "b2b_logo": ("GET", L, 404, 404, 404),  # the member's profile has no logo in the walk
    "b2b_meeting": ("GET", L, 200, 200, 404),
    "b2b_meeting_action": ("POST", L, 302, 302, 404),
    "b2b_mission_figures": ("GET", L, 404, 404, 200),
    "b2b_participant": ("GET", L, 200, 200, 200),
    "b2b_profile": ("GET", L, 200, 200, 404),
    "b2b_request_action": ("POST", L, 302, 404, 404),
    "b2b_requests": ("GET", L, 200, 200, 404),
    "b2b_send_request": ("POST", L, 302, 302, 404),
    "b2b_session": ("GET", 200, 200, 200, 200),
    "b2b_staff_figures": ("GET", L, 404, 404, 200),
    "b2b_staff_grid": ("GET", L, 404, 404, 200),
    "b2b_staff_instance": ("GET", L, 404, 404, 200),
    "b2b_staff_schedule": ("GET", L, 404, 404, 200),
    "b2b_staff_run": ("GET", L, 404, 404, 200),
    "b2b_staff_run_progress": ("GET", L, 404, 404, 200),
    "b2b_staff_run_action": ("POST", L, 404, 404, 302),  # discards the queued run
}
ROLES = ("anonymous", "member", "delegate", "staff")


def named_patterns(patterns=None, namespace: str | None = None):
    """(name, pattern) of every named URL; the admin counts as its index."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:index", pattern
                continue
            inner = pattern.namespace or namespace
            yield from named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def test_every_url_has_a_rule():
    names = {name for name, _pattern in named_patterns()}
    assert names - RULES.keys() == set(), "add these URLs to RULES, with who may use them"
    assert RULES.keys() - names == set(), "these rules name URLs that no longer exist"


def test_every_url_name_is_walked_once():
    """Two patterns under one name (django-ninja names a route after its function) would
    leave one of them out of the walk: each route needs its own `url_name`."""
    names = [name for name, _pattern in named_patterns()]
    assert sorted({name for name in names if names.count(name) > 1}) == []


def b2b_group(name: str) -> str | None:
    """Which B2B objects a URL takes: its session (slug) and participant, a request, a meeting."""
    path = str(dict(named_patterns())[name].pattern)
    if "b2b" not in name and "b2b" not in path:
        return None
    if "requests/<" in path:
        return "b2b_request"
    if "meetings/<" in path:
        return "b2b_meeting"
    if "missions/<" in path:
        return "b2b_mission"
    return "b2b"


def url_for(name: str, pattern, world) -> str:
    if name == "admin:index":
        return reverse(name)
    wanted = list(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else []
    if not wanted:
        import re

        wanted = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
    source = world.kwargs.get(name) or world.kwargs.get(b2b_group(name)) or world.kwargs["default"]
    kwargs = {key: source.get(key, world.kwargs["default"].get(key)) for key in wanted}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_role_gets_the_expected_answer(client, world, name):
    pattern = dict(named_patterns())[name]
    method, *expected = RULES[name]
    url = url_for(name, pattern, world)
    answers = []
    # The owner comes last: a POST of theirs may change the objects of the URL.
    for role in ("anonymous", "delegate", "staff", "member"):
        client.logout()
        person = world.people[role]
        if person is not None:
            client.force_login(person.user)
        response = getattr(client, method.lower())(url)
        if person is not None:  # whatever the answer, no shared cache may keep it
            cache_control = response.get("Cache-Control", "")
            assert "private" in cache_control or "public" in cache_control, (role, url)
        if response.status_code == 302 and "/account/login/" in response["Location"]:
            answers.append((role, L))
        else:
            answers.append((role, response.status_code))
    got = dict(answers)
    assert [got[role] for role in ROLES] == expected, f"{method} {url}"


# The one staff rule (`primi_site.permissions.is_staff`) ------------------------------
# The door of the staff pages (`staff_required`) answers the same everywhere: a visitor
# is sent to sign in, a signed-in person without the right gets 404. The staff API keeps
# the API's own answers (401 without credentials, 403 `staff_only`) on the same rule.


def staff_pages() -> list[str]:
    """Every page behind the staff's door, found from the URL resolver."""
    return sorted(
        name
        for name, pattern in named_patterns()
        if getattr(getattr(pattern, "callback", None), "staff_only", False)
    )


def staff_api_routes() -> list[str]:
    """Every API route of the staff: refused to members and delegates as `staff_only`."""
    return sorted(
        name
        for name, (_method, anonymous, member, delegate, _staff) in RULES.items()
        if name.startswith("api:") and (anonymous, member, delegate) == (401, 403, 403)
    )


def test_every_staff_page_is_behind_the_one_door():
    """A page under `staff/`, or one its rule keeps for the staff, uses `staff_required`;
    and every page behind it answers visitors and the others alike."""
    under_staff = {
        name
        for name, pattern in named_patterns()
        if not name.startswith(("api:", "admin:")) and "staff/" in str(pattern.pattern)
    }
    kept_for_staff = {
        name
        for name, (_method, anonymous, member, delegate, staff) in RULES.items()
        if not name.startswith("api:") and (anonymous, member, delegate) == (L, 404, 404)
        if staff != 404
    }
    pages = staff_pages()
    assert sorted(under_staff | kept_for_staff) == pages
    assert {name: RULES[name][1:4] for name in pages} == dict.fromkeys(pages, (L, 404, 404))


def staff_account(kind: str):
    from missions.models import Person
    from tests.factories import PersonFactory, StaffUserFactory

    if kind == "staff role, no flag":
        return PersonFactory(role=Person.Role.STAFF).user
    return StaffUserFactory()  # the flag alone, no profile, as `createsuperuser` leaves it


def answer_of(response, url: str):
    """ "login" for the sign-in page (that brings back to `url`), else the status code."""
    if response.status_code == 302 and "/account/login/" in response["Location"]:
        assert response["Location"].endswith("?next=" + quote(url, safe="/")), url
        return L
    return response.status_code


@pytest.mark.parametrize(
    "kind,name",
    [
        (kind, name)
        for kind in ("staff role, no flag", "staff flag, no role")
        for name in staff_pages() + staff_api_routes()
    ],
)
def test_every_staff_url_answers_staff_by_role_or_flag_alike(client, world, kind, name):
    """A visitor, a member, then staff by the role alone or by the flag alone: the staff
    get the answer of the world's staff (flag and role), on every staff page and route."""
    method, anonymous, member, _delegate, staff = RULES[name]
    url = url_for(name, dict(named_patterns())[name], world)
    dashboard_link = f'href="{reverse("staff_dashboard")}"'
    got = {}
    for who, user in (
        ("visitor", None),
        ("member", world.people["member"].user),
        (kind, staff_account(kind)),
    ):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = getattr(client, method.lower())(url)
        got[who] = answer_of(response, url)
        if response.status_code == 404 and not name.startswith("api:"):
            assert "404.html" in [template.name for template in response.templates], url
        if response["Content-Type"].startswith("text/html") and response.status_code != 302:
            # The menu's staff links follow the same rule as the door.
            assert (dashboard_link in response.content.decode()) is (who == kind), (who, url)
    assert got == {"visitor": anonymous, "member": member, kind: staff}, f"{method} {url}"
