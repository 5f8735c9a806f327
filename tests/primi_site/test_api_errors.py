"""Each kind of bad input gets the documented error, never a 500."""

import json

import pytest
from django.utils.translation import gettext_lazy

from primi_site.api_errors import handle_error
from primi_site.errors import DomainError
from primi_site.models import ApiToken
from tests.api_support import API, ApiClient, assert_error
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return ApiClient(PersonFactory().user)


def test_malformed_json_is_a_400(api):
    response = api.post("/tokens", '{"name": "x", "scope": ')
    assert_error(response, 400, "malformed")


def test_wrong_types_are_a_422_with_field_messages(api):
    body = assert_error(
        api.post("/tokens", {"name": 12, "scope": "admin", "expires_in_days": "soon"}),
        422,
        "invalid",
    )
    by_field = {error["field"]: error for error in body["errors"]}
    assert set(by_field) == {"name", "scope", "expires_in_days"}
    assert by_field["scope"]["code"] == "literal_error"
    assert by_field["scope"]["loc"] == ["body", "payload", "scope"]
    assert by_field["expires_in_days"]["message"] == "Saisissez un nombre entier."


def test_field_messages_follow_the_requests_language(api):
    english = api.post(
        "/tokens", {"scope": "read"}, headers={"Accept-Language": "en-GB,en;q=0.9"}
    ).json()
    french = api.post("/tokens", {"scope": "read"}).json()
    assert english["errors"][0]["message"] == "This field is required."
    assert french["errors"][0]["message"] == "Ce champ est obligatoire."
    assert english["message"] == "The request is not valid."
    assert french["message"] != english["message"]


def test_unknown_fields_are_refused_not_ignored(api):
    body = assert_error(
        api.post("/tokens", {"name": "x", "scope": "read", "admin": True}), 422, "invalid"
    )
    assert body["errors"] == [
        {
            "field": "admin",
            "loc": ["body", "payload", "admin"],
            "code": "extra_forbidden",
            "message": "Ce champ n’est pas accepté.",
        }
    ]
    assert ApiToken.objects.count() == 1


def test_unknown_query_parameters_are_refused(client):
    body = assert_error(client.get(f"{API}/events?kinds=workshop"), 422, "invalid")
    assert body["errors"][0]["field"] == "kinds"
    assert body["errors"][0]["code"] == "extra_forbidden"


def test_a_huge_body_is_a_413(api, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = api.post("/tokens", {"name": "x" * 2000, "scope": "read"})
    assert_error(response, 413, "too_large")


def test_a_body_over_djangos_own_limit_is_a_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 500
    response = api.post("/tokens", {"name": "x" * 2000, "scope": "read"})
    assert_error(response, 413, "too_large")


@pytest.mark.parametrize("query", ["limit=101", "limit=0", "offset=-1", "offset=10001", "limit=x"])
def test_page_sizes_are_bounded(client, query):
    body = assert_error(client.get(f"{API}/events?{query}"), 422, "invalid")
    assert body["errors"][0]["field"] in {"limit", "offset"}


def test_unknown_ids_are_a_404(api):
    assert_error(api.get("/tokens/999999"), 404, "not_found")
    assert_error(api.delete("/tokens/999999"), 404, "not_found")
    assert_error(api.get("/events/no-such-event"), 404, "not_found")
    assert_error(api.get("/missions/no-such-mission"), 404, "not_found")


def test_a_non_numeric_id_is_a_422(api):
    body = assert_error(api.get("/tokens/abc"), 422, "invalid")
    assert body["errors"][0]["loc"] == ["path", "token_id"]


def test_a_json_list_instead_of_an_object_is_a_422(api):
    assert_error(api.post("/tokens", [1, 2]), 422, "invalid")


class SlotTaken(DomainError):
    status = 409
    code = "slot_taken"


class SeatTaken(DomainError):
    """A refusal declared only by its class: code, status and a message of the catalog."""

    status = 409
    code = "seat_taken"
    message = gettext_lazy("Not found.")


class MissingAnswer(SeatTaken):
    status = 422
    code = "missing_answer"
    field = "answer"
    message = gettext_lazy("This field is required.")


def test_domain_errors_map_to_their_status_and_code(rf):
    from primi_site.api import api as root

    request = rf.get("/api/v1/x")
    request.user = PersonFactory().user
    response = handle_error(root, request, SlotTaken("This slot is already taken."))
    assert response.status_code == 409
    assert json.loads(response.content) == {
        "status": 409,
        "code": "slot_taken",
        "message": "This slot is already taken.",
        "errors": [],
    }


@pytest.mark.parametrize(
    "language,taken_message,missing_message",
    [("fr", "Introuvable.", "Ce champ est obligatoire."), ("en", "Not found.", None)],
)
def test_a_new_subclass_gets_its_answer_in_the_requests_language(
    rf, language, taken_message, missing_message
):
    from primi_site.api import api as root

    request = rf.get(f"/api/v1/x?lang={language}")
    request.user = PersonFactory().user
    taken = json.loads(handle_error(root, request, SeatTaken()).content)
    assert taken == {"status": 409, "code": "seat_taken", "message": taken_message, "errors": []}
    missing = json.loads(handle_error(root, request, MissingAnswer()).content)
    message = missing_message or "This field is required."
    assert missing == {
        "status": 422,
        "code": "missing_answer",
        "message": message,
        "errors": [
            {
                "field": "answer",
                "loc": ["body", "answer"],
                "code": "missing_answer",
                "message": message,
            }
        ],
    }


def test_every_domain_error_of_the_project_declares_a_status_the_api_documents():
    from bookings import exceptions
    from events import services as event_services

    classes = [
        value
        for module in (exceptions, event_services)
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, DomainError)
    ]
    assert len(classes) > 20
    assert {cls.status for cls in classes} == {409, 422}
    conflicts = {cls.code for cls in classes if cls.status == 409 and cls.code}
    assert {"already_registered", "event_full_no_waitlist", "no_seat_left"} <= conflicts
    assert exceptions.ExpiredInvitation.status == 422


def test_an_unknown_address_under_the_api_is_a_404_in_the_api_shape(client):
    assert_error(client.get(f"{API}/no-such-thing"), 404, "not_found")
    body = assert_error(
        client.get("/api/v2/events", headers={"Accept-Language": "en"}), 404, "not_found"
    )
    assert body["message"] == "No such address in the API."


def test_me_answers_each_person_about_themselves(two_people):
    owner = two_people.owner.get("/me").json()
    other = two_people.other.get("/me").json()
    assert owner["username"] == two_people.owner.user.username
    assert other["username"] == two_people.other.user.username
    assert owner["username"] != other["username"]


def test_json_types_are_strict_in_bodies(api):
    body = assert_error(
        api.post("/tokens", {"name": "x", "scope": "read", "expires_in_days": "30"}),
        422,
        "invalid",
    )
    assert [error["field"] for error in body["errors"]] == ["expires_in_days"]
    staff = ApiClient(PersonFactory(role="staff").user)
    endpoint = {
        "url": "https://crm.partner.example/hooks",
        "event_types": ["meeting.created"],
        "is_active": 0,
    }
    body = assert_error(staff.post("/webhooks/endpoints", endpoint), 422, "invalid")
    assert body["errors"][0]["field"] == "is_active"
    assert body["errors"][0]["message"] == "Saisissez true ou false."


def test_an_integral_json_number_is_an_integer_and_a_fraction_is_not(api):
    created = api.post("/tokens", {"name": "x", "scope": "read", "expires_in_days": 30.0})
    assert created.status_code == 201, created.content
    assert created.json()["expires_at"] is not None
    body = assert_error(
        api.post("/tokens", {"name": "y", "scope": "read", "expires_in_days": 30.5}),
        422,
        "invalid",
    )
    assert [error["field"] for error in body["errors"]] == ["expires_in_days"]
    body = assert_error(
        api.post("/tokens", {"name": "z", "scope": "read", "expires_in_days": [1.0]}),
        422,
        "invalid",
    )
    assert [error["field"] for error in body["errors"]] == ["expires_in_days"]


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/tokens/99999999999999999999"),
        ("delete", "/tokens/0"),
        ("get", "/webhooks/deliveries?endpoint=99999999999999999999"),
        ("post", "/webhooks/deliveries/99999999999999999999/replay"),
    ],
)
def test_ids_beyond_a_database_key_are_a_422_not_a_500(method, path):
    staff = ApiClient(PersonFactory(role="staff").user)
    assert_error(staff.request(method, path), 422, "invalid")


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("get", "/events?q=a%00b", None),
        ("get", "/events/a%00b", None),
        ("get", "/missions?q=%00", None),
        ("post", "/tokens", {"name": "a\x00b", "scope": "read"}),
        ("post", "/tokens", {"name": "ab", "scope": "read", "extra\x00": 1}),
    ],
)
def test_the_nul_character_is_a_422_not_a_database_error(api, method, path, body):
    assert_error(api.request(method, path, body), 422, "invalid")
    assert ApiToken.objects.count() == 1


def test_a_rate_limit_counts_its_seconds_in_plural_forms():
    from django.utils import translation

    from primi_site.errors import RateLimited

    with translation.override("en"):
        assert str(RateLimited(1)) == "Too many requests; retry in 1 second."
        assert str(RateLimited(30)) == "Too many requests; retry in 30 seconds."
    with translation.override("fr"):
        assert str(RateLimited(1)).endswith("réessayez dans 1 seconde.")
        assert str(RateLimited(30)).endswith("réessayez dans 30 secondes.")
