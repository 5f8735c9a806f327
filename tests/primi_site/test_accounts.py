import re

import pytest
from django.core import mail

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


def test_password_reset_by_email_end_to_end(client):
    person = PersonFactory()
    response = client.post("/en/account/password-reset/", {"email": person.user.email})
    assert response["Location"] == "/en/account/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.user.email]
    link = re.search(r"http://testserver(/en/account/password-reset/\S+/)", message.body).group(1)
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


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
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
