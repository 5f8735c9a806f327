"""Registration and B2B pages and emails: times with their zone, counts in plural forms,
names of people and places in the reader's language."""

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from bookings.b2b import services
from bookings.b2b.services.grid import check_block
from bookings.exceptions import Invalid
from bookings.models import Slot
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


# 12.6 and 12.24: counts in plural forms; bulk decisions name the person -------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "{person}: {org} already has its seat on this mission (one per organisation)."),
        ("fr", "{person} : {org} a déjà sa place sur cette mission (une par organisation)."),
    ],
)
def test_a_bulk_decision_names_the_person_and_counts_one_seat_in_the_singular(
    client, language, expected
):
    from tests.factories import (
        ApplicationFactory,
        MissionFactory,
        OrganisationFactory,
        PersonFactory,
        StaffUserFactory,
    )

    mission = MissionFactory(capacity=5, seats_per_organisation=1)
    studio = OrganisationFactory(name="Demo studio, Marseille")
    first, second = (
        ApplicationFactory(mission=mission, person=PersonFactory(organisation=studio))
        for _ in range(2)
    )
    client.force_login(StaffUserFactory())
    response = client.post(
        f"/{language}/staff/registrations/",
        {"registrations": [first.pk, second.pk], "decision": "accept", "reason": ""},
        follow=True,
    )
    page = words_of(response)
    assert expected.format(person=second.person, org="Demo studio, Marseille") in page
    assert f"Registration {second.pk}" not in page and f"Inscription {second.pk}" not in page


@pytest.mark.parametrize(
    ("seats", "language", "expected"),
    [
        (1, "en", "The only seat kept for the department 13 is taken."),
        (2, "en", "The 2 seats kept for the department 13 are taken."),
        (1, "fr", "La seule place réservée au département 13 est prise."),
        (2, "fr", "Les 2 places réservées au département 13 sont prises."),
    ],
)
def test_quota_refusals_count_their_seats_in_plural_forms(seats, language, expected):
    from bookings.exceptions import DepartmentQuotaFull, NoSeatLeft

    with translation.override(language):
        assert str(DepartmentQuotaFull(seats=seats, department="13")) == expected
        taken = str(NoSeatLeft(capacity=seats))
    assert (
        taken
        == {
            ("en", 1): "The only seat is taken.",
            ("en", 2): "All 2 seats are taken.",
            ("fr", 1): "La seule place est prise.",
            ("fr", 2): "Les 2 places sont toutes prises.",
        }[(language, seats)]
    )


def test_the_admin_counts_one_reviewed_profile_in_the_singular(client, session, member):
    from tests.factories import StaffUserFactory

    client.force_login(StaffUserFactory(is_superuser=True))
    response = client.post(
        "/admin/bookings/b2bparticipant/",
        {"action": "approve", "_selected_action": [member.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    page = words_of(response)
    assert "1 profil examiné." in page or "1 profile reviewed." in page
    assert "1 profils" not in page and "1 profiles" not in page


# 12.24: British dates, Babel dates in the invitation, the application's own words --------


def test_the_english_review_list_reads_day_month_year(client):
    from bookings.models import Registration
    from tests.factories import ApplicationFactory, StaffUserFactory

    application = ApplicationFactory()
    Registration.objects.filter(pk=application.pk).update(
        created_at=datetime(2027, 3, 4, 9, 30, tzinfo=UTC)
    )
    client.force_login(StaffUserFactory())
    english = words_of(client.get("/en/staff/registrations/"))
    assert "4 Mar 2027, 10:30" in english  # Paris time, day before month
    assert "3/4/27" not in english and "March 4" not in english
    assert "4 mars 2027, 10:30" in words_of(client.get("/fr/staff/registrations/"))


FRENCH_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
FRENCH_MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_invitation_email_gives_its_expiry_through_babel_with_its_zone(
    language, django_capture_on_commit_callbacks
):
    from django.core import mail

    from bookings.models import Invitation
    from bookings.registrations.services.invitations import invite_guest
    from tests.factories import EventFactory, StaffUserFactory

    with django_capture_on_commit_callbacks(execute=True):
        invite_guest(
            email="guest@example.org",
            target=EventFactory(time_zone="Europe/Paris"),
            language=language,
            by=StaffUserFactory(),
        )
    local = Invitation.objects.get().expires_at.astimezone(ZoneInfo("Europe/Paris"))
    (message,) = mail.outbox
    if language == "en":
        expected = (
            f"The link is personal and valid until {local:%A}, {local.day} "
            f"{local:%B %Y, %H:%M} Paris."
        )
    else:
        expected = (
            f"Ce lien est personnel et valable jusqu’au {FRENCH_DAYS[local.weekday()]} "
            f"{local.day} {FRENCH_MONTHS[local.month - 1]} {local.year}, {local:%H:%M} Paris."
        )
    assert expected in plain(message.body)


@pytest.mark.parametrize(
    ("language", "withdraw", "cancel"),
    [
        ("en", "Withdraw my application", "Cancel my registration"),
        ("fr", "Retirer ma candidature", "Annuler mon inscription"),
    ],
)
def test_an_application_is_withdrawn_and_a_registration_cancelled(
    client, language, withdraw, cancel
):
    from bookings.registrations.services.registrations import register_for_event
    from tests.factories import ApplicationFactory, EventFactory, PersonFactory

    person = PersonFactory()
    application = ApplicationFactory(person=person)
    event = EventFactory(capacity=5)
    register_for_event(person, event)
    client.force_login(person.user)
    mission_page = words_of(client.get(f"/{language}/missions/{application.mission.slug}/"))
    assert withdraw in mission_page and cancel not in mission_page
    event_page = words_of(client.get(f"/{language}/events/{event.slug}/"))
    assert cancel in event_page and withdraw not in event_page
    form = words_of(client.get(f"/{language}/account/registrations/{application.pk}/cancel/"))
    assert withdraw in form and cancel not in form
    done = client.post(
        f"/{language}/account/registrations/{application.pk}/cancel/", {"reason": ""}, follow=True
    )
    title = application.mission.title_en if language == "en" else application.mission.title_fr
    assert {
        "en": f"Your application for “{title}” is withdrawn.",
        "fr": f"Votre candidature pour « {title} » est retirée.",
    }[language] in words_of(done)


@pytest.mark.parametrize(
    ("language", "month", "country"),
    [("en", "January 2031", "Canada"), ("fr", "janvier 2031", "Canada")],
)
def test_the_dashboard_names_months_and_countries(client, language, month, country):
    from bookings.models import Registration
    from tests.factories import (
        ApplicationFactory,
        DelegateFactory,
        MissionFactory,
        PersonFactory,
        StaffUserFactory,
    )

    mission = MissionFactory(start_date=date(2031, 3, 1), end_date=date(2031, 3, 5))
    ApplicationFactory(mission=mission, person=DelegateFactory(), state="confirmed")
    ApplicationFactory(mission=mission, person=PersonFactory(), state="confirmed")
    Registration.objects.update(created_at=datetime(2031, 1, 20, 12, tzinfo=UTC))
    client.force_login(StaffUserFactory())
    page = words_of(client.get(f"/{language}/staff/dashboard/2031/"))
    assert month in page and "2031-01" not in page
    assert country in page and "France" in page
    assert not re.search(r"\bCA\b|\bFR\b", page)


# 12.25: a person held back by a quota has no waitlist position ------------------------


def quota_held(django_capture_on_commit_callbacks, language: str = "en"):
    """A mission of one seat per organisation: a studio's first person confirmed, its second
    waitlisted (held back by the quota), then a person of another studio waitlisted."""
    from bookings.registrations.services.applications import Decision, decide
    from tests.factories import (
        ApplicationFactory,
        MissionFactory,
        OrganisationFactory,
        PersonFactory,
        StaffUserFactory,
    )

    mission = MissionFactory(capacity=5, seats_per_organisation=1)
    studio = OrganisationFactory(name="Demo studio, Marseille")
    staff = StaffUserFactory()
    first, held = (
        ApplicationFactory(
            mission=mission, person=PersonFactory(organisation=studio, language=language)
        )
        for _ in range(2)
    )
    other = ApplicationFactory(mission=mission, person=PersonFactory(language=language))
    with django_capture_on_commit_callbacks(execute=True):
        decide(first, Decision.ACCEPT, by=staff)
        decide(held, Decision.WAITLIST, by=staff, reason="Quota")
        decide(other, Decision.WAITLIST, by=staff, reason="Later")
    return mission, held, other


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "your organisation already holds every seat it may take on this mission"),
        (
            "fr",
            "votre organisation a déjà toutes les places qu’elle peut prendre sur cette mission",
        ),
    ],
)
def test_the_pages_show_the_quota_instead_of_a_waitlist_position(
    client, django_capture_on_commit_callbacks, language, expected
):
    mission, held, _other = quota_held(django_capture_on_commit_callbacks)
    client.force_login(held.person.user)
    box = words_of(client.get(f"/{language}/missions/{mission.slug}/"))
    assert expected in box
    assert "position 1" not in box and "in position" not in box and "en position" not in box
    mine = words_of(client.get(f"/{language}/account/registrations/"))
    assert {
        "en": "Waitlisted — waiting for a seat of the organisation’s quota",
        "fr": "En liste d’attente — en attente d’une place du quota de l’organisation",
    }[language] in mine
    assert "position" not in mine


def test_the_email_and_the_api_say_the_same(client, django_capture_on_commit_callbacks):
    from django.core import mail

    from bookings.registrations import queries
    from tests.api_support import ApiClient

    mission, held, other = quota_held(django_capture_on_commit_callbacks)
    assert queries.invariant_violations(mission) == []  # positions 1…n among those who can
    (email,) = [m for m in mail.outbox if m.to == [held.person.user.email]][-1:]
    assert email.subject.startswith("On the waitlist: ")
    assert "your organisation already holds every seat it may take" in plain(email.body)
    assert "position" not in email.body
    (others,) = [m for m in mail.outbox if m.to == [other.person.user.email]][-1:]
    assert "(position 1)" in others.subject  # the next seat can be theirs, not the held one's
    api = ApiClient(held.person.user)
    (item,) = api.get("/registrations").json()["items"]
    assert (item["waitlist_position"], item["waitlist_quota"]) == (None, "organisation")
    one = api.get(f"/registrations/{held.pk}").json()
    assert (one["waitlist_position"], one["waitlist_quota"]) == (None, "organisation")
    (theirs,) = ApiClient(other.person.user).get("/registrations").json()["items"]
    assert (theirs["waitlist_position"], theirs["waitlist_quota"]) == (1, None)


def test_a_full_department_quota_is_named_on_the_staff_list(
    client, django_capture_on_commit_callbacks
):
    from bookings.models import MissionQuota
    from bookings.registrations.services.applications import Decision, decide
    from tests.factories import ApplicationFactory, MissionFactory, StaffUserFactory

    mission = MissionFactory(capacity=5)
    MissionQuota.objects.create(mission=mission, department="13", seats=1)
    staff = StaffUserFactory()
    first, second = (
        ApplicationFactory(mission=mission, person__organisation__department="13") for _ in range(2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide(first, Decision.ACCEPT, by=staff)
        decide(second, Decision.WAITLIST, by=staff, reason="Quota")
    client.force_login(staff)
    page = words_of(client.get(f"/en/staff/registrations/?mission={mission.pk}"))
    assert "Waitlisted — waiting for a seat of the department’s quota" in page
    assert "#1" not in page


# 12.23: the country, language and time-zone boxes ------------------------------------


def options_of(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


@pytest.mark.parametrize(
    ("language", "germany", "before", "after"),
    [("fr", "allemand", "Égypte", "Espagne"), ("en", "German", "Egypt", "Estonia")],
)
def test_the_profile_offers_iso_countries_and_business_languages_in_the_readers_words(
    client, session, language, germany, before, after
):
    from tests.bookings.conftest import registered_person

    person = registered_person(session)
    services.join_session(person, session)
    client.force_login(person.user)
    html = client.get(f"/{language}/b2b/{session.event.slug}/profile/").content.decode()
    countries = options_of(html, "country")[1:]  # after "Choose a country"
    codes = [code for code, _name in countries]
    assert len(codes) == 249
    assert not {"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ", "UK"} & set(codes)
    names = [name for _code, name in countries]
    emirates = "Émirats arabes unis" if language == "fr" else "United Arab Emirates"
    assert names.index(before) < names.index(after)
    if language == "fr":  # accented names sort with their letter, not after "Z"
        assert names.index("Égypte") < names.index(emirates) < names.index("Espagne")
    languages = options_of(html, "languages")
    assert 30 < len(languages) < 60
    assert ("de", germany) in languages
    assert ("oc", "occitan" if language == "fr" else "Occitan") in languages
    assert [name for _c, name in languages] == sorted(
        (name for _c, name in languages), key=lambda n: n.casefold().replace("é", "e")
    )


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "1,234 registrations"), ("fr", "1 234 inscriptions")]
)
def test_counts_on_the_review_list_are_numbers_of_the_readers_language(client, language, expected):
    from unittest import mock

    from django.core.paginator import Paginator

    from tests.factories import ApplicationFactory, StaffUserFactory

    ApplicationFactory()
    client.force_login(StaffUserFactory())
    with mock.patch.object(Paginator, "count", new_callable=mock.PropertyMock) as count:
        count.return_value = 1234
        page = words_of(client.get(f"/{language}/staff/registrations/"))
    assert expected in page
