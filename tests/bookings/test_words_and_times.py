"""Registration and B2B pages and emails: times with their zone, counts in plural forms,
names of people and places in the reader's language."""

import re
from datetime import UTC, date, datetime, time

import pytest
from django.utils import translation

from bookings.exceptions import Invalid
from bookings.models import Slot
from bookings.services import b2b as services
from bookings.services.b2b.grid import check_block
from tests.factories import B2BEventFactory

pytestmark = pytest.mark.django_db


def words_of(response) -> str:
    """The visible text: tags removed, every kind of space made one plain space."""
    assert response.status_code == 200, response.content[:300]
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"[\s\u202f\xa0\u2009]+", " ", text)


def plain(text: str) -> str:
    return re.sub(r"[\s\u202f\xa0\u2009]+", " ", text)


# 12.22: the span of a multi-day event, and the zone of a move's choices -------------------


def test_outside_a_three_day_event_the_message_reads_its_span_once():
    event = B2BEventFactory.build(
        time_zone="Europe/Paris",
        starts_at=datetime(2027, 11, 8, 8, tzinfo=UTC),  # Monday 09:00 Paris
        ends_at=datetime(2027, 11, 10, 17, tzinfo=UTC),  # Wednesday 18:00 Paris
    )
    with translation.override("en"), pytest.raises(Invalid) as english:
        check_block(date(2027, 11, 11), time(9), time(10), event)
    assert plain(english.value.message) == (
        "Thursday, 11 November 2027, 09:00–10:00 (Paris) lies outside the event, "
        "which runs Monday, 8 November 2027, 09:00 – Wed 10 Nov, 18:00 (Paris)."
    )
    with translation.override("fr"), pytest.raises(Invalid) as french:
        check_block(date(2027, 11, 11), time(9), time(10), event)
    assert plain(french.value.message) == (
        "jeudi 11 novembre 2027, 09:00–10:00 (Paris) : en dehors de l’événement, "
        "qui a lieu lundi 8 novembre 2027, 09:00 – mer. 10 nov., 18:00 (Paris)."
    )


@pytest.mark.parametrize(("language", "your_time"), [("en", "Your time"), ("fr", "Chez vous")])
def test_the_move_choices_name_the_zone_and_the_viewers_time(
    client, session, member, delegate, language, your_time
):
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    meeting = services.book_meeting(member, delegate, Slot.objects.get(session=session, index=1))
    delegate.person.time_zone = "America/Toronto"
    delegate.person.save(update_fields=["time_zone"])
    client.force_login(delegate.person.user)
    html = client.get(f"/{language}/b2b/meetings/{meeting.pk}/").content.decode()
    choices = [plain(o) for o in re.findall(r"<option value=\"\d+\">([^<]*)</option>", html)]
    assert len(choices) == 2
    zoned = r"\d\d:\d\d–\d\d:\d\d Paris · \d\d:\d\d–\d\d:\d\d Toronto$"
    assert all(re.search(zoned, choice) for choice in choices)
    assert choices[-1].endswith("09:50–10:10 Paris · 03:50–04:10 Toronto")
    assert your_time not in " ".join(choices)
