"""Paths that used to end in a 500 or outside the error shape: the database down, the NUL
character in a query, a multipart body without its boundary, an over-long address."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.utils import InterfaceError, OperationalError
from django.test import Client
from django.utils.translation import gettext_lazy

from primi_site.errors import DomainError
from primi_site.page_errors import show_refusal
from primi_site.request_guard import MAX_URL_LENGTH
from tests.api_support import API, ApiClient, assert_error
from tests.factories import B2BParticipantFactory, PersonFactory, b2b_session

pytestmark = pytest.mark.django_db


def database_down(monkeypatch, error=OperationalError):
    def broken(*args, **kwargs):
        raise error("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", broken)


# The database down --------------------------------------------------------------------


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize(
    "language,words", [("fr", "joindre sa base de données"), ("en", "reach its database")]
)
def test_the_api_answers_503_with_retry_after_when_the_database_is_down(
    monkeypatch, error, language, words
):
    database_down(monkeypatch, error)
    client = Client(raise_request_exception=False)
    response = client.get(f"{API}/events?lang={language}")
    body = assert_error(response, 503, "unavailable")
    assert response["Retry-After"] == "30"
    assert words in body["message"]
    assert body["errors"] == []


def test_a_token_checked_against_a_database_down_is_a_503_not_a_401(monkeypatch):
    api = ApiClient(PersonFactory().user)
    database_down(monkeypatch)
    api.client.raise_request_exception = False
    response = api.get("/me", headers={"Accept-Language": "en"})
    assert assert_error(response, 503, "unavailable")["message"].startswith("The service")
    assert response["Retry-After"] == "30"


def test_a_session_read_before_the_api_with_the_database_down_is_a_503_in_the_shape(
    monkeypatch,
):
    client = Client(raise_request_exception=False)
    client.force_login(PersonFactory().user)
    database_down(monkeypatch)
    response = client.get(f"{API}/me")
    assert_error(response, 503, "unavailable")
    assert response["Retry-After"] == "30"


def test_an_ordinary_crash_under_the_api_is_a_500_in_the_shape(monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("primi_site.middleware.PersonPreferencesMiddleware.__call__", crash)
    response = Client(raise_request_exception=False).get(f"{API}/events")
    body = assert_error(response, 500, "server_error")
    assert "boom" not in str(body)


def test_pages_still_answer_503_with_their_friendly_page(monkeypatch):
    database_down(monkeypatch)
    response = Client(raise_request_exception=False).get("/en/calendar/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "cannot reach its database" in response.content.decode()


# The NUL character in a query ---------------------------------------------------------


@pytest.fixture
def session_member(db):
    session = b2b_session()
    member = B2BParticipantFactory(session=session, organisation_name="Demo studio A")
    return session, member


@pytest.mark.parametrize("name", ["country", "sector", "language", "q"])
def test_a_nul_in_any_query_parameter_is_a_422_naming_it(client, session_member, name):
    session, member = session_member
    client.force_login(member.person.user)
    url = f"{API}/b2b/sessions/{session.event.slug}/participants?{name}=%00&limit=5"
    body = assert_error(client.get(url), 422, "invalid")
    assert body["errors"] == [
        {
            "field": name,
            "loc": ["query", name],
            "code": "nul_character",
            "message": "Les textes ne peuvent pas contenir le caractère NUL.",
        }
    ]
    assert name in body["message"]


def test_a_nul_in_a_query_is_refused_in_the_requests_language(client):
    body = assert_error(client.get(f"{API}/events?lang=en&kind=a%00b"), 422, "invalid")
    assert body["message"] == "The address holds the NUL character, which is not allowed: kind."
    assert body["errors"][0]["message"] == "Texts may not contain the NUL character."


@pytest.mark.parametrize(
    "path",
    ["/fr/calendar/?country=%00", "/fr/missions/?q=a%00", "/fr/b2b/{slug}/directory/?sector=%00"],
)
def test_a_page_filter_with_a_nul_is_refused_with_a_page_not_a_500(client, session_member, path):
    session, member = session_member
    client.force_login(member.person.user)
    response = client.get(path.format(slug=session.event.slug))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Cette adresse ne peut pas être lue" in page
    assert "caractère NUL" in page


# A multipart body without its boundary ------------------------------------------------


def test_a_multipart_logo_without_boundary_is_a_400_in_the_shape(client, session_member):
    session, member = session_member
    client.force_login(member.person.user)
    response = client.generic(
        "POST",
        f"{API}/b2b/sessions/{session.event.slug}/me/logo?lang=en",
        b"--x\r\nContent-Disposition: form-data; name=logo\r\n\r\nabc\r\n--x--\r\n",
        content_type="multipart/form-data",
    )
    body = assert_error(response, 400, "malformed")
    assert body["message"] == "The body is not valid multipart form data."
    member.refresh_from_db()
    assert not member.logo


def test_a_multipart_logo_with_its_boundary_still_works(client, session_member, settings, tmp_path):
    from tests.bookings.b2b.test_logos import picture

    settings.MEDIA_ROOT = tmp_path
    session, member = session_member
    client.force_login(member.person.user)
    response = client.post(
        f"{API}/b2b/sessions/{session.event.slug}/me/logo",
        {"logo": SimpleUploadedFile("logo.png", picture("PNG"), "image/png")},
    )
    assert response.status_code == 200, response.content


# An over-long address -----------------------------------------------------------------


def test_an_address_over_the_limit_is_a_json_414_under_the_api(client):
    long_query = "q=" + "a" * MAX_URL_LENGTH
    body = assert_error(client.get(f"{API}/events?lang=en&{long_query}"), 414, "uri_too_long")
    assert body["message"] == f"The address is too long: at most {MAX_URL_LENGTH} characters."


def test_an_address_at_the_limit_is_read(client):
    path = "/en/calendar/?utm_source="
    response = client.get(path + "a" * (MAX_URL_LENGTH - len(path)))
    assert response.status_code == 200
    assert "too long" not in response.content.decode()


def test_a_page_address_over_the_limit_is_a_414_page(client):
    response = client.get("/en/calendar/?q=" + "a" * MAX_URL_LENGTH)
    assert response.status_code == 414
    assert response["Content-Type"].startswith("text/html")
    assert f"at most {MAX_URL_LENGTH} characters" in response.content.decode()


def test_gunicorn_reads_request_lines_up_to_its_maximum():
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).parents[2] / "gunicorn.conf.py"))
    assert config["limit_request_line"] == 8190 > MAX_URL_LENGTH


# A new refusal on the pages -----------------------------------------------------------


class SeatsFrozen(DomainError):
    status = 409
    code = "seats_frozen"
    message = gettext_lazy("You are not allowed to do this.")
    field = "name"


@pytest.mark.parametrize(
    "language,text",
    [("fr", "Vous n’êtes pas autorisé à faire cela."), ("en", "You are not allowed to do this.")],
)
def test_a_new_refusal_goes_on_its_field_of_the_form_in_the_pages_language(rf, language, text):
    from django import forms
    from django.utils import translation

    class NameForm(forms.Form):
        name = forms.CharField()

    form = NameForm({"name": "Phone"})
    assert form.is_valid()
    with translation.override(language):
        show_refusal(rf.post("/"), SeatsFrozen(), form)
        assert form.errors == {"name": [text]}
