"""A refusal declared only by its class reaches people the same way on the pages and in
the API: its message in the reader's language, its status and code in the API."""

import pytest
from django.utils.translation import gettext_lazy

from bookings.exceptions import AlreadyRegistered, BookingError, Conflict, RegistrationError
from bookings.models import Registration
from primi_site.errors import DomainError
from tests.api_support import ApiClient, assert_error
from tests.bookings.registrations.test_views import signed_in, text_of
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db


class RegistrationsFrozen(RegistrationError):
    status = 409
    code = "registrations_frozen"
    message = gettext_lazy("You are not allowed to do this.")


@pytest.fixture
def frozen(monkeypatch):
    def refuse(*args, **kwargs):
        raise RegistrationsFrozen()

    monkeypatch.setattr("bookings.registrations.services.registrations.register_for_event", refuse)
    monkeypatch.setattr("bookings.registrations.api.register_for_event", refuse)
    return EventFactory(slug="talk", capacity=5)


@pytest.mark.parametrize(
    "language,text",
    [("fr", "Vous n’êtes pas autorisé à faire cela."), ("en", "You are not allowed to do this.")],
)
def test_a_new_refusal_is_a_message_on_the_page_in_its_language(client, frozen, language, text):
    signed_in(client, language=language)
    response = client.post(f"/{language}/events/talk/register/")
    assert response.status_code == 302
    assert text in text_of(client.get(f"/{language}/events/talk/"))
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "language,text",
    [("fr", "Vous n’êtes pas autorisé à faire cela."), ("en", "You are not allowed to do this.")],
)
def test_a_new_refusal_is_its_status_and_code_in_the_api(frozen, language, text):
    api = ApiClient(PersonFactory().user)
    response = api.post(f"/registrations?lang={language}", {"event": "talk"})
    body = assert_error(response, 409, "registrations_frozen")
    assert body["message"] == text
    assert not Registration.objects.exists()


def test_each_hierarchy_declares_its_status_on_its_classes():
    assert issubclass(RegistrationError, DomainError) and issubclass(BookingError, DomainError)
    assert (AlreadyRegistered.status, AlreadyRegistered.code) == (409, "already_registered")
    assert (RegistrationError.status, BookingError.status, Conflict.status) == (422, 422, 409)
    refusal = Conflict("Ce créneau est pris.", code="slot_taken")
    assert (refusal.status, refusal.code) == (409, "slot_taken")
    assert str(refusal) == "Ce créneau est pris."
