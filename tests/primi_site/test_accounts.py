import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

from missions.models import Person
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def test_sign_in_and_out(client):
    person = PersonFactory()
    response = client.post(
        "/en/account/login/", {"username": person.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/account/"
    assert client.get("/en/account/").context["user"] == person.user
    client.post("/en/account/logout/")
    assert client.get("/en/account/")["Location"].startswith("/en/account/login/")


def test_wrong_password_gets_a_message_in_the_page_language(client):
    person = PersonFactory()
    response = client.post(
        "/fr/account/login/", {"username": person.user.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_password_reset_by_email_end_to_end(client, django_capture_on_commit_callbacks):
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/account/password-reset/", {"email": person.user.email})
    assert response["Location"] == "/en/account/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.user.email]
    site = re.escape(settings.SITE_URL)
    link = re.search(rf"{site}(/en/account/password-reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert done["Location"] == "/en/account/password-reset/done/"
    person.user.refresh_from_db()
    assert person.user.check_password("a new long passphrase")


def test_password_reset_for_an_unknown_address_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/account/password-reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/en/account/password-reset/sent/"
    assert mail.outbox == []


def test_account_page_saves_language_and_time_zone_then_the_site_uses_them(client):
    person = PersonFactory(language="fr", time_zone="Europe/Paris")
    client.force_login(person.user)
    response = client.post("/fr/account/", {"language": "en", "time_zone": "America/Vancouver"})
    assert response["Location"] == "/en/account/"
    person.refresh_from_db()
    assert (person.language, person.time_zone) == ("en", "America/Vancouver")
    assert client.get("/")["Location"] == "/en/"
    EventFactory(time_zone="Europe/Paris")
    page = client.get("/en/calendar/").content.decode()
    assert "Vancouver" in re.sub(r"<[^>]+>", "", page)


def test_account_page_refuses_an_unknown_time_zone(client):
    person = PersonFactory()
    client.force_login(person.user)
    response = client.post("/en/account/", {"language": "en", "time_zone": "Mars/Base"})
    assert response.status_code == 200
    assert "Select a valid choice. Mars/Base is not one of the available choices." in (
        response.content.decode()
    )
    assert Person.objects.get(pk=person.pk).time_zone == "Europe/Paris"
    page = response.content.decode()
    assert 'aria-describedby="id_time_zone_error id_time_zone_helptext"' in page
    assert 'aria-invalid="true"' in page
    assert '<p class="error" id="id_time_zone_error" role="alert">' in page


def test_account_page_needs_sign_in(client):
    assert client.get("/fr/account/")["Location"] == "/fr/account/login/?next=/fr/account/"


def test_sign_out_needs_a_post_with_csrf(client):
    from django.test import Client

    person = PersonFactory()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person.user)
    assert strict.post("/en/account/logout/").status_code == 403
    assert strict.get("/en/account/").status_code == 200


def test_a_signed_in_request_loads_the_user_and_their_person_in_one_query(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = PersonFactory(language="en", time_zone="America/Toronto")
    client.post("/en/account/login/", {"username": person.user.username, "password": PASSWORD})
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/account/")  # no language prefix: the person's language
    assert response.status_code == 302 and response["Location"].startswith("/en/")
    person_table = Person._meta.db_table
    reading_people = [q["sql"] for q in queries if f'FROM "{person_table}"' in q["sql"]]
    assert reading_people == []  # the person came joined to the user
    assert any(f'JOIN "{person_table}"' in q["sql"] for q in queries)


def test_a_signed_in_user_without_a_person_is_served_as_a_visitor_would_be(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("no-profile", password=PASSWORD)
    client.post("/en/account/login/", {"username": user.username, "password": PASSWORD})
    page = client.get("/en/")
    assert page.status_code == 200 and page.context["user"] == user


def test_password_reset_pages_and_email_are_the_sites_own(
    client, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    page = client.get("/fr/account/password-reset/").content.decode()
    assert "Site d’administration de Django" not in page and "PRIMI" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/account/password-reset/", {"email": person.user.email})
    (message,) = mail.outbox
    assert message.subject == "Votre mot de passe PRIMI international"
    assert "L’équipe" not in message.body and "testserver" not in message.body
    assert f"{settings.SITE_URL}/fr/account/password-reset/" in message.body
    client.force_login(person.user)
    change = client.get("/en/account/password/").content.decode()
    assert "Django administration" not in change and "PRIMI" in change


def test_password_reset_with_the_mail_server_down_is_sent_later(
    client, django_capture_on_commit_callbacks
):
    from primi_site.models import AccountEmail
    from tests.outbox_support import sweep_later

    person = PersonFactory()
    with (
        override_settings(EMAIL_BACKEND="tests.mail_backends.FailingBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/en/account/password-reset/", {"email": person.user.email})
    assert response["Location"] == "/en/account/password-reset/sent/"  # no 500, no lie
    owed = AccountEmail.objects.get()
    assert (owed.sent_at, owed.attempts) == (None, 1)
    assert sweep_later() == 1
    (message,) = mail.outbox
    assert message.to == [person.user.email]


def test_password_reset_does_the_same_work_whether_or_not_the_account_exists(client):
    """Nothing is sent or looked up within the request: the answer takes as long for an
    unknown address, so its timing tells nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from primi_site.models import AccountEmail

    person = PersonFactory()
    client.get("/en/account/password-reset/")
    answers, statements = [], []
    for email in (person.user.email, "nobody@example.org"):
        with CaptureQueriesContext(connection) as queries:
            answers.append(client.post("/en/account/password-reset/", {"email": email}))
        statements.append([q["sql"].split(" ")[0] for q in queries.captured_queries])
    assert statements[0] == statements[1]
    assert not any("auth_user" in q["sql"] for q in queries.captured_queries)
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/en/account/password-reset/sent/")
    }
    assert sorted(AccountEmail.objects.values_list("email", flat=True)) == sorted(
        [person.user.email, "nobody@example.org"]
    )
    assert mail.outbox == []
