"""B2B journeys in headless Chromium: a delegate from Vancouver, the staff's scheduler,
and the keyboard without JavaScript; both languages, a phone and a desktop.

Every page a journey visits gets a screenshot and axe-core (no serious or critical
violation, colour contrast included); what the pages show is checked against the
database, and times against the slots' instants converted here with `zoneinfo`.
The delegate's account takes the journey's language (English in the English journeys,
French in the French ones), always in Vancouver's time zone. Journeys without
JavaScript skip axe (it runs in the page); the same pages are checked in the others.
"""

import email
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from babel.dates import format_date, format_time
from django.utils import translation
from django.utils.translation import gettext, ngettext

from bookings.b2b import services
from bookings.b2b.services import schedule as scheduler
from bookings.models import (
    B2BParticipant,
    Meeting,
    MeetingRequest,
    Registration,
    RegistrationState,
    ScheduleRun,
    Slot,
)
from bookings.registrations.services.invitations import create_invitation
from missions.models import Person
from tests.factories import (
    B2BEventFactory,
    B2BParticipantFactory,
    OrganisationFactory,
    PartnerFactory,
    PersonFactory,
    SectorFactory,
    StaffUserFactory,
    b2b_session,
)
from tests.live import sessions_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a long pass phrase 42 for the trip"
VANCOUVER = "America/Vancouver"
PARIS = "Europe/Paris"
COMBINATIONS = [("en", "phone"), ("en", "desktop"), ("fr", "phone"), ("fr", "desktop")]
# 08:00–09:15 in Paris: three slots of 20 minutes, 23:00–00:10 the evening before in Vancouver.
MORNING = (("08:00", "09:15"),)


def say(language: str, text: str, **values) -> str:
    with translation.override(language):
        said = gettext(text)
    return said % values if values else said


def participants(language: str, count: int) -> str:
    with translation.override(language):
        text = ngettext("%(count)s participant", "%(count)s participants", count)
    return text % {"count": count}


def plain(text: str) -> str:
    """Every kind of space made one plain space (Babel uses narrow no-break spaces)."""
    return re.sub(r"[\s\u202f\xa0]+", " ", text).strip()


# English pages read British English: day before month, a 24-hour clock.
LOCALES = {"fr": "fr", "en": "en_GB"}


def clock(instant, zone_name: str, language: str) -> str:
    """The wall clock of `instant` in a zone, converted here, formatted as the locale writes it."""
    return plain(
        format_time(
            instant.astimezone(ZoneInfo(zone_name)).time(), "short", locale=LOCALES[language]
        )
    )


def day_in(instant, zone_name: str, language: str) -> str:
    return plain(
        format_date(
            instant.astimezone(ZoneInfo(zone_name)).date(), "full", locale=LOCALES[language]
        )
    )


def event_day() -> date:
    return date.today() + timedelta(days=40)  # noqa: DTZ011 - a day in the future, as the factories


def new_session(slug: str, **kwargs):
    """An open session of one morning in Paris, with its event open to registrations."""
    starts = datetime.combine(event_day(), time(8), ZoneInfo(PARIS))
    event = B2BEventFactory(
        slug=slug,
        capacity=30,
        time_zone=PARIS,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1, minutes=15),
    )
    return b2b_session(day=event_day(), blocks=MORNING, event=event, tables=2, **kwargs)


def member_of(session, language: str, name: str, country: str = "FR") -> B2BParticipant:
    organisation = OrganisationFactory() if country == "FR" else PartnerFactory(country=country)
    person = PersonFactory(language=language, organisation=organisation)
    return B2BParticipantFactory(
        session=session, person=person, organisation_name=name, country=country
    )


def payload(part: email.message.Message) -> str:
    """A text part's content (the file backend keeps 8-bit parts as text, others encoded)."""
    if part["Content-Transfer-Encoding"] in ("base64", "quoted-printable"):
        return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return part.get_payload()


def ics_parts(message: email.message.Message) -> list[icalendar.Calendar]:
    return [
        icalendar.Calendar.from_ical(payload(part))
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]


def text_of(message: email.message.Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return payload(part)
    return ""


def subject_of(message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def assert_focus_visible(page, what: str) -> None:
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert style[0] != "none" and style[1] != "0px", f"{what}: no visible focus ({style})"


def tab_to(page, selector: str, what: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus; its focus is visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            assert_focus_visible(page, what)
            return
    pytest.fail(f"{what} is not reachable with Tab")


# 1. A delegate from Vancouver ------------------------------------------------------------


def test_delegate_from_vancouver_requests_books_and_reads_the_agenda(open_journey, mailbox):
    """Both languages × both sizes, then once more without JavaScript."""
    for language, size in COMBINATIONS:
        delegate_journey(open_journey, mailbox, language, size)
    delegate_journey(open_journey, mailbox, "fr", "phone", javascript=False)


def delegate_journey(open_journey, mailbox, language, size, javascript=True):
    name = f"{language}-{size}" + ("" if javascript else "-nojs")
    session = new_session(f"b2b-vancouver-{name}", direct_booking=False)
    sector = SectorFactory()
    event = session.event
    member = member_of(session, language, "Demo studio Marseille")
    member_of(session, language, "Demo studio Torino", country="IT")
    address = f"delegate-{name}@example.org"
    _invitation, token = create_invitation(
        email=address, target=event, language=language, by=StaffUserFactory()
    )
    journey = open_journey("b2b-delegate", language, size, javascript=javascript)
    page = journey.page

    # The invitation: an account in the delegate's language, in Vancouver's time zone.
    journey.goto(f"/invitations/{token}/", "invitation")
    page.locator("[name=first_name]").fill("Demo")
    page.locator("[name=last_name]").fill("Delegate")
    page.locator("[name=language]").select_option(language)
    page.locator("[name=time_zone]").select_option(VANCOUVER)
    page.locator("[name=password1]").fill(NEW_PASSWORD)
    page.locator("[name=password2]").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    journey.check("registered")
    person = Person.objects.select_related("user").get(user__email=address)
    assert (person.role, person.language, person.time_zone) == ("delegate", language, VANCOUVER)
    assert Registration.objects.get(person=person, event=event).state == RegistrationState.CONFIRMED

    # The B2B profile, sent for review; the staff approve it.
    journey.goto(f"/b2b/{event.slug}/", "session")
    page.locator(f"form[action$='/b2b/{event.slug}/join/'] button").click()
    page.wait_for_load_state()
    journey.check("profile-new")
    page.locator("[name=organisation_name]").fill("Demo studio Vancouver")
    assert page.locator("[name=country]").input_value() == ""  # asked, not guessed
    page.locator("[name=country]").select_option("CA")
    page.locator(f"input[name=sectors][value='{sector.pk}']").check()
    page.locator("[name=offer_en]").fill("Demo: visual effects for animated features.")
    page.locator("[name=need_en]").fill("Demo: co-production partners in France.")
    page.locator("[name=languages]").select_option(["en", "fr"])
    page.locator("[name=directory_consent]").check()  # to be listed in the directory
    page.locator("main form button[name=submit]").click()
    page.wait_for_load_state()
    journey.check("profile-sent")
    mine = B2BParticipant.objects.get(session=session, person=person)
    assert (mine.status, mine.side, mine.country) == ("submitted", "delegate", "CA")
    assert mine.directory_consent_at is not None
    assert mine.offer_en == "Demo: visual effects for animated features."
    assert list(mine.sectors.all()) == [sector]
    services.review_profile(mine, PersonFactory(role="staff"), approve=True)

    # The directory, filtered by country (the script filters as the choice changes).
    journey.goto(f"/b2b/{event.slug}/directory/", "directory")
    count = page.locator("#directory-count")
    assert plain(count.inner_text()) == participants(language, 2)
    page.locator("[name=country]").select_option("FR")
    if not javascript:  # the Search button does what the script does as the choice changes
        page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url(re.compile(r"country=FR"))
    assert plain(count.inner_text()) == participants(language, 1)
    journey.check("directory-filtered")
    cards = page.locator("#directory-results .card-title a")
    assert cards.all_inner_texts() == ["Demo studio Marseille"]

    # The request, and the member's answer in a browser of their own.
    cards.first.click()
    page.wait_for_load_state()
    journey.check("member-profile")
    page.locator("[name=message]").fill("Demo: could we meet about a co-production?")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    journey.check("request-sent")
    request = MeetingRequest.objects.get(sender=mine, recipient=member)
    assert request.state == "pending"
    (member_session,) = sessions_for([member.person.user])
    answering = open_journey(
        "b2b-delegate", language, size, member_session.session_key, javascript=javascript
    )
    answering.goto(f"/b2b/{event.slug}/requests/", "member-requests")
    answering.page.locator(f"form[action$='/requests/{request.pk}/accept/'] [name=answer]").fill(
        "With pleasure."
    )
    answering.page.locator(f"form[action$='/requests/{request.pk}/accept/'] button").first.click()
    answering.page.wait_for_load_state()
    answering.check("member-accepted")
    request.refresh_from_db()
    assert request.state == "accepted"

    # Self-service booking of the second slot where both are free.
    journey.goto(f"/b2b/{event.slug}/participants/{member.pk}/", "book-form")
    second = Slot.objects.get(session=session, index=2)
    page.locator("#slot-2").check()
    page.locator(f"form[action$='/participants/{member.pk}/book/'] button[type=submit]").click()
    page.wait_for_load_state()
    journey.check("booked")
    meeting = Meeting.objects.select_related("slot", "table").get(session=session, state="booked")
    assert {meeting.participant_a_id, meeting.participant_b_id} == {mine.pk, member.pk}
    assert meeting.slot == second and meeting.table is not None

    # The agenda: the event's time (Paris) and the delegate's (Vancouver, the evening before).
    journey.goto(f"/b2b/{event.slug}/agenda/", "agenda")
    row = page.locator("table.agenda tbody tr")
    assert row.count() == 1
    when = row.first.locator(".when")
    assert when.locator("time").get_attribute("datetime") == meeting.slot.starts_at.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    local = plain(when.locator("time").inner_text())
    start, end = meeting.slot.starts_at, meeting.slot.ends_at
    assert f"{clock(start, PARIS, language)}–{clock(end, PARIS, language)}" in local
    assert day_in(start, PARIS, language) in local
    assert "Paris" in local
    viewer = plain(when.locator(".viewer-time").inner_text())
    assert f"{clock(start, VANCOUVER, language)}–{clock(end, VANCOUVER, language)}" in viewer
    assert day_in(start, VANCOUVER, language) in viewer  # the day before, shown
    assert day_in(start, VANCOUVER, language) != day_in(start, PARIS, language)
    assert "Vancouver" in viewer
    # Whose time it is, said to screen readers (a visually hidden label).
    named = when.locator(".viewer-time .visually-hidden")
    assert plain(named.inner_text()) == plain(say(language, "Your time:"))
    table_text = say(language, "Table %(number)s", number=meeting.table.number)
    assert plain(row.first.locator("td").nth(2).inner_text()) == table_text
    journey.goto(f"/b2b/{event.slug}/agenda/print/", "agenda-print")
    assert "Demo studio Marseille" in page.locator("table.agenda").inner_text()

    # The booking email with its .ics, in the delegate's language, at the slot's instant.
    letters = [
        m
        for m in mailbox.to(address)
        if subject_of(m)
        == say(language, "Meeting booked with %(name)s", name=member.organisation_name)
    ]
    assert len(letters) == 1, [subject_of(m) for m in mailbox.to(address)]
    (calendar,) = ics_parts(letters[0])
    (vevent,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST"
    assert vevent.decoded("DTSTART") == start and vevent.decoded("DTEND") == end
    body = plain(text_of(letters[0]))
    assert clock(start, VANCOUVER, language) in body and clock(start, PARIS, language) in body
    assert mailbox.to(member.person.user.email), "the member got no email"


# 2. The staff's scheduler ------------------------------------------------------------------

PAIRS = [(0, 1), (0, 2), (1, 3), (2, 3), (0, 3)]


def scheduling_session(slug: str, language: str):
    """Four participants, five accepted requests, three slots and two tables."""
    session = new_session(slug)
    people = [
        member_of(session, "fr" if i % 2 else "en", f"Demo studio {i}", country="FR" if i else "CA")
        for i in range(4)
    ]
    for a, b in PAIRS:
        services.answer_request(services.send_request(people[a], people[b]), people[b], accept=True)
    return session, people


def staff_journey_for(open_journey, language, size, name, javascript=True):
    (staff_session,) = sessions_for([StaffUserFactory()])
    return open_journey(name, language, size, staff_session.session_key, javascript=javascript)


def test_staff_run_the_scheduler_preview_and_publish(open_journey, mailbox):
    """Both languages × both sizes, then once more without JavaScript."""
    for language, size in COMBINATIONS:
        scheduler_journey(open_journey, mailbox, language, size)
    scheduler_journey(open_journey, mailbox, "en", "desktop", javascript=False)


def scheduler_journey(open_journey, mailbox, language, size, javascript=True):
    name = f"{language}-{size}" + ("" if javascript else "-nojs")
    session, people = scheduling_session(f"b2b-schedule-{name}", language)
    slug = session.event.slug
    journey = staff_journey_for(open_journey, language, size, "b2b-scheduler", javascript)
    page = journey.page
    journey.goto(f"/b2b/{slug}/staff/schedule/", "schedule-form")
    page.locator("[name=time_limit]").fill("5")
    page.locator("main form button[type=submit]").click()  # the job runs in the request (Q_SYNC)
    page.wait_for_load_state()
    journey.check("run")
    run = ScheduleRun.objects.get(session=session)
    assert run.state == "done" and run.placed == run.total == len(PAIRS)
    progress = page.locator("#run-progress")
    assert plain(progress.locator("[data-field=state_label]").inner_text()) == say(
        language, "Ready for review"
    )
    assert progress.locator("[data-field=best_breaks]").inner_text() == str(run.best_breaks)
    assert progress.locator("[data-field=bound]").inner_text() == str(run.bound)

    # The preview: the grid as a picture and a table, and each person's agenda.
    assert page.locator("section.grid-day svg[role=img]").count() == 1
    proposed = {a["meeting"] for a in run.solution["assignments"]}
    shown = set(
        page.locator("[data-meeting]").evaluate_all("els => els.map(e => e.dataset.meeting)")
    )
    assert shown == proposed
    agendas = page.locator("section.agenda-preview")
    assert agendas.count() == len(people)
    for participant in people:
        box = agendas.filter(has=page.locator("h3", has_text=participant.organisation_name))
        expected = sum(people.index(participant) in pair for pair in PAIRS)
        assert box.locator("li[data-meeting]").count() == expected
    assert not Meeting.objects.filter(session=session).exists(), "the preview wrote meetings"

    # Publish: the meetings are written as the run proposed, and everyone gets an agenda.
    page.locator("form[action$='/publish/'] button").click()
    page.wait_for_load_state()
    journey.check("published")
    run.refresh_from_db()
    assert run.state == "published"
    booked = Meeting.objects.filter(session=session, state="booked").select_related("slot", "table")
    by_pair = {
        frozenset((m.participant_a_id, m.participant_b_id)): (
            m.slot.index,
            m.table.number if m.table else None,
        )
        for m in booked
    }
    pairs = {m["id"]: frozenset(m["participants"]) for m in run.instance["meetings"]}
    assert by_pair == {
        pairs[a["meeting"]]: (a["slot"], a["table"]) for a in run.solution["assignments"]
    }
    for participant in people:
        person = participant.person
        subject = say(
            person.language,
            "Your B2B meetings at %(event)s",
            event=session.event.tr("title", person.language).text,
        )
        letters = [m for m in mailbox.to(person.user.email) if subject_of(m) == subject]
        assert len(letters) == 1, [subject_of(m) for m in mailbox.to(person.user.email)]
        mine = booked.filter(participant_a=participant) | booked.filter(participant_b=participant)
        starts = sorted(
            v.decoded("DTSTART") for c in ics_parts(letters[0]) for v in c.walk("VEVENT")
        )
        assert starts == sorted(m.slot.starts_at for m in mine)


def test_scheduler_progress_is_followed_with_and_without_javascript(open_journey):
    for language, size, javascript in [("en", "desktop", True), ("fr", "phone", False)]:
        progress_journey(open_journey, language, size, javascript)


def progress_journey(open_journey, language, size, javascript):
    session, _people = scheduling_session(f"b2b-progress-{language}-{size}", language)
    run = ScheduleRun.objects.create(session=session, time_limit=5)  # queued; no worker runs it
    journey = staff_journey_for(open_journey, language, size, "b2b-progress", javascript)
    page = journey.page
    journey.goto(f"/b2b/{session.event.slug}/staff/schedule/{run.pk}/", "queued")
    progress = page.locator("#run-progress")
    assert plain(progress.locator("[data-field=state_label]").inner_text()) == say(
        language, "Waiting to start"
    )
    refresh = page.locator('meta[http-equiv="refresh"]')
    # With the script, the page polls its progress and the self-refresh is gone.
    assert refresh.count() == (0 if javascript else 1)
    # The job starts and writes its progress, as `run_schedule` does while solving.
    ScheduleRun.objects.filter(pk=run.pk).update(state="running")
    scheduler._write_progress(run.pk, (7, 2, 1.5))
    page.wait_for_function(
        "document.querySelector('[data-field=best_breaks]').textContent.trim() === '7'",
        timeout=30_000,
    )
    assert plain(progress.locator("[data-field=state_label]").inner_text()) == say(
        language, "Running"
    )
    assert progress.locator("[data-field=bound]").inner_text() == "2"
    journey.check("running")
    # The job ends: the page shows the result and the publish button by itself.
    ScheduleRun.objects.filter(pk=run.pk).update(state="queued")
    run = scheduler.run_schedule(run.pk)
    assert run.state == "done"
    page.locator("form[action$='/publish/'] button").wait_for(timeout=30_000)
    journey.check("done")
    assert page.locator("[data-field=best_breaks]").inner_text() == str(run.best_breaks)
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    page.locator("form[action$='/publish/'] button").click()
    page.wait_for_load_state()
    journey.check("published")
    run.refresh_from_db()
    assert run.state == "published"
    assert Meeting.objects.filter(session=session, state="booked").count() == run.placed == 5


# 3. The keyboard, without JavaScript -------------------------------------------------------


def test_b2b_keyboard_only_with_visible_focus_and_without_javascript(open_journey, mailbox):
    for language, size in [("en", "desktop"), ("fr", "phone")]:
        keyboard_journey(open_journey, mailbox, language, size)


def keyboard_journey(open_journey, mailbox, language, size):
    session = new_session(f"b2b-keys-{language}-{size}")
    event = session.event
    member = member_of(session, language, "Demo studio Marseille")
    member_of(session, language, "Demo studio Torino", country="IT")
    delegate_person = PersonFactory(
        role="delegate",
        language=language,
        time_zone=VANCOUVER,
        organisation=PartnerFactory(),
    )
    mine = B2BParticipantFactory(
        session=session,
        person=delegate_person,
        side="delegate",
        organisation_name="Demo studio Vancouver",
        country="CA",
    )
    (signed_in,) = sessions_for([delegate_person.user])
    journey = open_journey("b2b-keyboard", language, size, signed_in.session_key, javascript=False)
    page = journey.page

    # Directory: choose a country with the keyboard, search with Enter.
    journey.goto(f"/b2b/{event.slug}/directory/", "directory")
    page.keyboard.press("Tab")
    assert "skip-link" in page.evaluate("document.activeElement.className")
    assert_focus_visible(page, "the skip link")
    tab_to(page, "select[name=country]", "the country filter")
    countries = page.locator("select[name=country] option").evaluate_all(
        "os => os.map(o => o.value)"
    )
    for _ in range(countries.index("FR")):
        page.keyboard.press("ArrowDown")
    assert page.locator("select[name=country]").input_value() == "FR"
    tab_to(page, "form[role=search] button[type=submit]", "the search button")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    journey.check("directory-filtered")
    assert "country=FR" in page.url
    assert page.locator("#directory-results .card-title a").all_inner_texts() == [
        "Demo studio Marseille"
    ]

    # The profile, then the request: type a message, send with Enter.
    tab_to(page, f"a[href$='/participants/{member.pk}/']", "the profile link")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    journey.check("member-profile")
    tab_to(page, "textarea[name=message]", "the message")
    page.keyboard.type("Demo: a meeting about co-production?")
    tab_to(page, "main form button[type=submit]", "the request button")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    journey.check("request-sent")
    request = MeetingRequest.objects.get(sender=mine, recipient=member)
    assert request.message == "Demo: a meeting about co-production?"
    services.answer_request(request, member, accept=True)

    # Booking: the radio buttons with the arrow keys, the button with Enter.
    journey.goto(f"/b2b/{event.slug}/participants/{member.pk}/", "book-form")
    tab_to(page, "input[type=radio][name=slot]", "the slot choice")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.activeElement.value")
    assert page.locator(f"input[name=slot][value='{chosen}']").is_checked()
    assert_focus_visible(page, "the chosen slot")
    tab_to(page, "form[action$='/book/'] button[type=submit]", "the booking button")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    journey.check("booked")
    meeting = Meeting.objects.select_related("slot").get(session=session, state="booked")
    assert meeting.slot.index == int(chosen) == 3
    assert say(language, "The meeting is booked.") in page.locator(".messages").inner_text()
    assert mailbox.to(delegate_person.user.email), "no booking email"
