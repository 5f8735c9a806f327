"""Real journeys in headless Chromium, in both languages, on a phone and a desktop."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from bookings.models import Registration, RegistrationState
from missions.models import WaitlistMode
from tests.factories import ApplicationFactory, MissionFactory, PersonFactory, StaffUserFactory
from tests.live import sessions_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

LANGUAGES = ["en", "fr"]
SIZES = ["phone", "desktop"]
PASSWORD = "correct horse battery"
ANSWERS = {
    "company_pitch": "Demo studio: 2D animation for children's series.",
    "trip_goals": "Meet co-producers and distributors in Toronto.",
    "target_markets": "Canada, USA",
}


def say(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def sign_in(journey, username: str) -> None:
    page = journey.page
    journey.goto("/account/login/", "sign-in")
    page.locator("input[name=username]").fill(username)
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def fill_application(page) -> None:
    for name, value in ANSWERS.items():
        page.locator(f"[name={name}]").fill(value)


def staff_decides(open_journey, language, size, registration, decision, name):
    (session,) = sessions_for([StaffUserFactory()])
    staff = open_journey(name, language, size, session.session_key)
    staff.goto(f"/staff/registrations/{registration.pk}/", "staff-review")
    staff.page.locator("select[name=decision]").select_option(decision)
    staff.page.locator("form:has(select[name=decision]) button[type=submit]").click()
    staff.page.wait_for_load_state()
    staff.check(f"staff-{decision}")
    return staff


COMBINATIONS = [(language, size) for language in LANGUAGES for size in SIZES]


def test_member_applies_is_confirmed_and_subscribes(open_journey, mailbox):
    """Both languages × both sizes in one live server (one database set-up)."""
    for language, size in COMBINATIONS:
        member_journey(open_journey, mailbox, language, size)


def test_full_mission_waitlist_promotion_and_email(open_journey, mailbox):
    for language, size in COMBINATIONS:
        waitlist_journey(open_journey, mailbox, language, size)


def member_journey(open_journey, mailbox, language, size):
    mission = MissionFactory(
        slug=f"toronto-{language}-{size}",
        capacity=3,
        title_en="Toronto mission",
        title_fr="Mission à Toronto",
    )
    member = PersonFactory(language=language)
    journey = open_journey("member-applies", language, size)
    page = journey.page

    sign_in(journey, member.user.username)
    journey.goto("/calendar/", "calendar")
    journey.goto("/missions/", "missions")
    page.locator(f"a[href$='/missions/{mission.slug}/']").first.click()
    page.wait_for_load_state()
    journey.check("mission")
    page.locator(f"a[href$='/missions/{mission.slug}/apply/']").click()
    page.wait_for_load_state()
    journey.check("apply-form")
    fill_application(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    journey.check("applied")
    registration = Registration.objects.get(person=member, mission=mission)
    assert registration.state == RegistrationState.APPLIED
    journey.goto(f"/missions/{mission.slug}/", "mission-applied")
    assert (
        say(language, "Your application is being reviewed.")
        in page.locator(".state-applied").inner_text()
    )

    staff_decides(open_journey, language, size, registration, "accept", "member-applies")
    journey.goto(f"/missions/{mission.slug}/", "mission-confirmed")
    assert say(language, "You are registered.") in page.locator(".state-confirmed").inner_text()
    assert mailbox.to(member.user.email), "the member got no email"

    journey.goto("/account/", "account")
    page.locator("form[action$='/account/calendar/new/'] input[type=text]").first.fill("Phone")
    page.locator("form[action$='/account/calendar/new/'] button[type=submit]").click()
    page.wait_for_load_state()
    journey.check("subscribed")
    feed_url = page.locator("input.token-url").input_value()
    assert re.search(r"/feeds/me/[^/]+\.ics", feed_url)
    feed = page.request.get(feed_url)
    assert feed.status == 200 and "BEGIN:VCALENDAR" in feed.text()
    assert "Toronto" in feed.text()


def waitlist_journey(open_journey, mailbox, language, size):
    mission = MissionFactory(
        slug=f"full-{language}-{size}", capacity=1, waitlist_mode=WaitlistMode.CONFIRM
    )
    first = ApplicationFactory(mission=mission, state=RegistrationState.CONFIRMED,
                               person=PersonFactory(language=language))  # fmt: skip
    second = PersonFactory(language=language)
    first_session, second_session = sessions_for([first.person.user, second.user])

    waiting = open_journey("waitlist", language, size, second_session.session_key)
    waiting.goto(f"/missions/{mission.slug}/apply/", "apply-form")
    fill_application(waiting.page)
    waiting.page.locator("main form button[type=submit]").click()
    waiting.page.wait_for_load_state()
    application = Registration.objects.get(person=second, mission=mission)
    staff_decides(open_journey, language, size, application, "waitlist", "waitlist")
    waiting.goto(f"/missions/{mission.slug}/", "waitlisted")
    position = waiting.page.locator(".state-waitlisted").inner_text()
    with translation.override(language):
        expected = gettext("You are on the waitlist, in position %(position)s.") % {"position": 1}
    assert expected in position

    leaving = open_journey("waitlist", language, size, first_session.session_key)
    leaving.goto(f"/account/registrations/{first.pk}/cancel/", "cancel-form")
    leaving.page.locator("[name=reason]").fill("Another trip that week.")
    leaving.page.locator("main form button[type=submit]").click()
    leaving.page.wait_for_load_state()
    leaving.check("cancelled")
    first.refresh_from_db()
    assert first.state == RegistrationState.CANCELLED

    waiting.goto(f"/missions/{mission.slug}/", "promoted")
    assert waiting.page.locator(".state-confirmed").count() == 1
    application.refresh_from_db()
    assert application.state == RegistrationState.CONFIRMED
    letters = mailbox.to(second.user.email)
    assert letters, "the promoted member got no email"


def test_bad_input_shows_clear_messages_and_keeps_what_was_typed(open_journey):
    for language, size in [("en", "phone"), ("fr", "desktop")]:
        bad_input_journey(open_journey, language, size)


def bad_input_journey(open_journey, language, size):
    mission = MissionFactory(slug=f"bad-{language}", capacity=3)
    member = PersonFactory(language=language)
    (session,) = sessions_for([member.user])
    journey = open_journey("bad-input", language, size, session.session_key)
    page = journey.page
    journey.goto(f"/missions/{mission.slug}/apply/", "apply-form")
    page.locator("[name=company_pitch]").fill("Demo studio: games.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    journey.check("apply-errors")
    assert page.locator("[name=company_pitch]").input_value() == "Demo studio: games."
    for name in ("trip_goals", "target_markets"):
        field = page.locator(f"[name={name}]")
        assert field.get_attribute("aria-invalid") == "true"
        described = field.get_attribute("aria-describedby") or ""
        error_id = f"id_{name}_error"
        assert error_id in described.split()
        assert say(language, "This field is required.") in page.locator(f"#{error_id}").inner_text()
    assert not Registration.objects.filter(mission=mission).exists()

    page.context.clear_cookies()
    journey.goto("/account/login/", "sign-in")
    page.locator("input[name=username]").fill(member.user.username)
    page.locator("input[type=password]").fill("wrong password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    journey.check("sign-in-error")
    assert page.locator("input[name=username]").input_value() == member.user.username
    assert page.locator("main .errors, main .error").count() >= 1


def test_keyboard_only_with_visible_focus_and_without_javascript(open_journey):
    for language in LANGUAGES:
        keyboard_journey(open_journey, language)


def keyboard_journey(open_journey, language):
    mission = MissionFactory(slug=f"keys-{language}", capacity=3)
    member = PersonFactory(language=language)
    (session,) = sessions_for([member.user])
    journey = open_journey("keyboard", language, "desktop", session.session_key,
                           javascript=False)  # fmt: skip
    page = journey.page
    journey.goto(f"/missions/{mission.slug}/", "mission")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    # Tab to the Apply link, follow it with Enter, fill the form with the keyboard.
    for _ in range(40):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.endswith(f"/missions/{mission.slug}/apply/"):
            break
    else:
        pytest.fail("the Apply link is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    journey.check("apply-form")
    for value in ANSWERS.values():
        page.keyboard.press("Tab")
        while page.evaluate("document.activeElement.tagName") not in ("INPUT", "TEXTAREA"):
            page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    journey.check("applied")
    registration = Registration.objects.get(person=member, mission=mission)
    assert registration.state == RegistrationState.APPLIED
    assert registration.trip_goals == ANSWERS["trip_goals"]


def test_staff_dashboard_is_accessible_and_matches_the_rows(open_journey):
    mission = MissionFactory(slug="toronto", capacity=3)
    for state in ("confirmed", "confirmed", "applied"):
        ApplicationFactory(mission=mission, state=state)
    (session,) = sessions_for([StaffUserFactory()])
    for language, size in COMBINATIONS:
        journey = open_journey("dashboard", language, size, session.session_key)
        journey.goto(f"/staff/dashboard/{mission.start_date.year}/", "season")
        row = journey.page.locator("tbody tr", has_text=mission.tr("title", language).text)
        cells = row.first.locator("td").all_inner_texts()
        assert cells[:2] == ["3", "2"]
        journey.goto(f"/staff/dashboard/missions/{mission.slug}/", "mission")
        assert journey.page.locator("svg.chart title").count() >= 2


def test_public_pages_fit_a_320_px_screen(open_journey):
    """No sideways scrolling at 320 px, in both languages, on the pages anyone reaches
    first (the calendar's filters held a select wider than the screen)."""
    mission = MissionFactory(
        slug="narrow-mission",
        title_en="Trade mission to Toronto and Montréal: animation and games studios meet "
        "Canadian co-producers",
        title_fr="Mission à Toronto et Montréal : les studios d’animation et de jeu vidéo "
        "rencontrent des coproducteurs canadiens",
    )
    for language in LANGUAGES:
        journey = open_journey("narrow", language, "narrow")
        for path, step in (
            ("/", "home"),
            ("/calendar/", "calendar"),
            ("/missions/", "missions"),
            (f"/missions/{mission.slug}/", "mission"),
            ("/account/login/", "sign-in"),
            ("/account/password-reset/", "password-reset"),
        ):
            journey.goto(path, step)
