import pytest
from django.contrib.auth import get_user_model

from tests.factories import EventFactory, MissionFactory, PartnerFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    person = PersonFactory(role="staff", language="fr")
    person.user.is_staff = person.user.is_superuser = True
    person.user.save()
    client.force_login(person.user)
    return client, person


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/events/event/",
        "/admin/events/event/add/",
        "/admin/missions/mission/",
        "/admin/missions/mission/add/",
        "/admin/missions/organisation/",
        "/admin/missions/person/",
        "/admin/missions/sector/",
        "/admin/auth/user/",
    ],
)
def test_staff_pages_open(staff_client, url):
    client, _ = staff_client
    mission = MissionFactory()
    EventFactory(mission=mission)
    PartnerFactory()
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="fr"' in response.content.decode()


def test_mission_change_page_shows_its_events_inline(staff_client):
    client, _ = staff_client
    mission = MissionFactory()
    event = EventFactory(mission=mission, title_fr="Atelier coproduction")
    page = client.get(f"/admin/missions/mission/{mission.pk}/change/").content.decode()
    assert "Atelier coproduction" in page
    assert f'value="{event.slug}"' in page


def test_staff_validation_errors_are_in_the_staff_members_language(staff_client):
    client, person = staff_client
    data = {
        "kind": "conference",
        "status": "draft",
        "slug": "gap-talk",
        "title_fr": "Conférence",
        "time_zone": "Europe/Paris",
        "local_start_0": "2027-03-28",
        "local_start_1": "02:15",
        "local_end_0": "2027-03-28",
        "local_end_1": "04:00",
        "country": "FR",
    }
    page = client.post("/admin/events/event/add/", data).content.decode()
    assert "n’existe pas dans le fuseau Europe/Paris" in page
    person.language = "en"
    person.save()
    page = client.post("/admin/events/event/add/", data).content.decode()
    assert "does not exist in Europe/Paris" in page


def test_members_cannot_open_the_staff_pages(client):
    member = PersonFactory()
    client.force_login(member.user)
    assert client.get("/admin/events/event/")["Location"].startswith("/admin/login/")
    assert get_user_model().objects.filter(is_staff=True).count() == 0
