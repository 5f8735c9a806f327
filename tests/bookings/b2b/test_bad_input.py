"""Issue 4's bad input, each case through the pages (in French) and the API (in English):
the refusal says why in the user's language, and nothing is written.

Booking: a slot taken, outside the session, in the other's unavailable slot, with
oneself, with someone the session's rules exclude, beyond the meeting limit, on a closed
session. Requests: beyond the request limit, to someone the rules exclude, to oneself, on
a closed session; accepting a withdrawn request. (Another person's meeting or request is
a 404: tests/primi_site/test_api_object_access.py and b2b/test_pages.py.)
"""

import re

import pytest

from bookings.b2b import services
from bookings.models import (
    B2BLogEntry,
    B2BNotification,
    B2BSession,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Slot,
)
from tests.bookings.conftest import add_participant

pytestmark = pytest.mark.django_db


def _direct(session):
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])


def taken(session, member, delegate):
    _direct(session)
    services.book_meeting(
        add_participant(session), delegate, Slot.objects.get(session=session, index=1)
    )
    return "book", delegate, 1


def outside(session, member, delegate):
    _direct(session)
    return "book", delegate, 99


def unavailable(session, member, delegate):
    _direct(session)
    services.set_unavailable(delegate, {2}, delegate.person)
    return "book", delegate, 2


def oneself(session, member, delegate):
    _direct(session)
    return "book", member, 1


def excluded(session, member, delegate):
    _direct(session)
    session.pairing = B2BSession.Pairing.DELEGATES_WITH_MEMBERS
    session.save(update_fields=["pairing"])
    return "book", add_participant(session), 1


def meeting_limit(session, member, delegate):
    _direct(session)
    session.max_meetings = 1
    session.save(update_fields=["max_meetings"])
    services.book_meeting(
        member, add_participant(session), Slot.objects.get(session=session, index=1)
    )
    return "book", delegate, 2


def closed(session, member, delegate):
    _direct(session)
    session.status = B2BSession.Status.CLOSED
    session.save(update_fields=["status"])
    return "book", delegate, 1


def request_limit(session, member, delegate):
    session.max_requests_sent = 1
    session.save(update_fields=["max_requests_sent"])
    services.send_request(member, add_participant(session), "Hello")
    return "request", delegate, None


def request_excluded(session, member, delegate):
    session.pairing = B2BSession.Pairing.DELEGATES_WITH_MEMBERS
    session.save(update_fields=["pairing"])
    return "request", add_participant(session), None


def request_oneself(session, member, delegate):
    return "request", member, None


def request_closed(session, member, delegate):
    session.status = B2BSession.Status.CLOSED
    session.save(update_fields=["status"])
    return "request", delegate, None


def withdrawn(session, member, delegate):
    request = services.send_request(delegate, member, "Hello")
    services.withdraw_request(request, delegate)
    return "accept", request, None


CASES = {  # case: (API status, code, the page's French, the API's English)
    taken: (
        409,
        "slot_taken",
        "Demo partner B a déjà un rendez-vous sur ce créneau.",
        "Demo partner B already has a meeting in this slot.",
    ),
    outside: (
        422,
        "slot_outside_session",
        "Ce créneau n’appartient pas à cette session.",
        "This slot is not in this session.",
    ),
    unavailable: (
        409,
        "slot_unavailable",
        "Demo partner B n’est pas disponible sur ce créneau.",
        "Demo partner B is not available in this slot.",
    ),
    oneself: (
        422,
        "oneself",
        "Vous ne pouvez pas prendre rendez-vous avec vous-même.",
        "You cannot meet yourself.",
    ),
    excluded: (
        422,
        "pairing_not_allowed",
        "Dans cette session, les délégués ne rencontrent que des adhérents.",
        "In this session delegates meet members only.",
    ),
    meeting_limit: (
        422,
        "meeting_limit",
        "Demo studio A a déjà le seul rendez-vous que permet cette session.",
        "Demo studio A already has the one meeting this session allows.",
    ),
    closed: (
        422,
        "session_closed",
        "Les rendez-vous d’affaires de cet événement ne sont pas ouverts aux réservations.",
        "The B2B meetings of this event are not open for booking.",
    ),
    request_limit: (
        422,
        "request_limit",
        "Vous avez envoyé la seule demande que permet cette session.",
        "You have sent the one request this session allows.",
    ),
    request_excluded: (
        422,
        "pairing_not_allowed",
        "Dans cette session, les délégués ne rencontrent que des adhérents.",
        "In this session delegates meet members only.",
    ),
    request_oneself: (
        422,
        "oneself",
        "Vous ne pouvez pas prendre rendez-vous avec vous-même.",
        "You cannot meet yourself.",
    ),
    request_closed: (
        422,
        "session_closed",
        "Les rendez-vous d’affaires de cet événement ne sont pas ouverts aux réservations.",
        "The B2B meetings of this event are not open for booking.",
    ),
    withdrawn: (
        409,
        "request_withdrawn",
        "Cette demande a été retirée.",
        "This request was withdrawn.",
    ),
}


def written() -> tuple[int, ...]:
    return (
        Meeting.objects.count(),
        MeetingSeat.objects.count(),
        MeetingRequest.objects.exclude(state="withdrawn").count(),
        MeetingRequest.objects.filter(state="accepted").count(),
        B2BNotification.objects.count(),
        B2BLogEntry.objects.count(),
    )


def words_of(response) -> str:
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"[\s\u202f\xa0]+", " ", text)


def attempt(client, session, kind, target, index, language):
    """The refused action through the page (`language` "fr") or the API ("en")."""
    slug = session.event.slug
    if language == "fr":
        url = {
            "book": f"/fr/b2b/{slug}/participants/{getattr(target, 'pk', None)}/book/",
            "request": f"/fr/b2b/{slug}/participants/{getattr(target, 'pk', None)}/request/",
            "accept": f"/fr/b2b/requests/{target.pk}/accept/",
        }[kind]
        data = {"book": {"slot": index}, "request": {"message": "Hello"}, "accept": {}}[kind]
        return client.post(url, data, follow=True)
    url, body = {
        "book": (
            f"/api/v1/b2b/sessions/{slug}/meetings",
            {"participant": target.pk, "slot": index},
        ),
        "request": (
            f"/api/v1/b2b/sessions/{slug}/requests",
            {"recipient": target.pk, "message": "Hello"},
        ),
        "accept": (f"/api/v1/b2b/requests/{target.pk}/accept", {}),
    }[kind]
    return client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("case", list(CASES), ids=lambda case: case.__name__)
def test_refused_with_a_clear_message_and_nothing_written(client, session, member, delegate, case):
    status, code, french, english = CASES[case]
    kind, target, index = case(session, member, delegate)
    before = written()
    client.force_login(member.person.user)

    page = attempt(client, session, kind, target, index, "fr")
    assert page.status_code == 200
    assert [str(message) for message in page.context["messages"]] == [french]
    assert french in words_of(page)
    assert written() == before

    api = attempt(client, session, kind, target, index, "en")
    assert api.status_code == status
    assert api.json() == {"status": status, "code": code, "message": english, "errors": []}
    assert written() == before
