"""Photos and logos: checked by content and size when uploaded, served inert and privately."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bookings.b2b import services
from tests.api_support import ApiClient, assert_error
from tests.bookings.conftest import add_participant
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def picture(image_format: str, size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 111, 139)).save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload_through_api(participant, name: str, content: bytes, content_type="image/png"):
    api = ApiClient(participant.person.user)
    return api.client.post(
        f"/api/v1/b2b/sessions/{participant.session.event.slug}/me/logo",
        {"logo": SimpleUploadedFile(name, content, content_type)},
        headers=api.headers(None),
    )


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("logo.png", picture("GIF"), "not_a_picture"),  # a GIF named as a PNG
        ("logo.jpg", picture("PNG"), "not_a_picture"),  # a PNG named as a JPEG
        ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not_a_picture"),
        ("logo.png", picture("PNG", size=(4001, 2)), "logo_too_large"),
        ("logo.png", picture("PNG") + b"\0" * (2 * 1024 * 1024), "logo_too_large"),
    ],
)
def test_the_api_refuses_what_is_not_a_png_jpeg_or_webp_of_a_sensible_size(
    member, name, content, code
):
    response = upload_through_api(member, name, content)
    assert_error(response, 422, code)
    member.refresh_from_db()
    assert member.logo.name == ""


@pytest.mark.parametrize(("name", "image_format"), [("a.jpg", "JPEG"), ("b.webp", "WEBP")])
def test_the_api_takes_jpeg_and_webp(member, name, image_format):
    response = upload_through_api(member, name, picture(image_format), "image/jpeg")
    assert response.status_code == 200
    assert response.json()["logo_url"] == f"/fr/b2b/logos/{member.pk}/"


def test_the_profile_page_refuses_a_gif_named_as_a_png(client, member):
    client.force_login(member.person.user)
    response = client.post(
        f"/en/b2b/{member.session.event.slug}/profile/",
        {
            "organisation_name": member.organisation_name,
            "country": "FR",
            "offer_en": "Stop-motion",
            "languages": ["fr"],
            "mode": "both",
            "directory_consent": "on",
            "logo": SimpleUploadedFile("logo.png", picture("GIF"), "image/png"),
        },
    )
    assert response.status_code == 400
    assert "must be a PNG, JPEG or WebP picture" in response.content.decode()
    member.refresh_from_db()
    assert member.logo.name == ""


def with_logo(participant):
    services.update_profile(
        participant,
        participant.person,
        logo=SimpleUploadedFile("logo.png", picture("PNG"), "image/png"),
    )
    participant.refresh_from_db()
    return participant


def test_a_logo_is_served_inert_and_privately_to_those_who_see_the_profile(
    client, member, delegate
):
    with_logo(delegate)
    client.force_login(member.person.user)
    response = client.get(f"/en/b2b/logos/{delegate.pk}/")
    assert response.status_code == 200
    # Reading a served file to its end closes it, as a WSGI server does (the test client
    # closes it then; closing it again would end the test's database connection).
    assert b"".join(response.streaming_content) == picture("PNG")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"] == 'inline; filename="logo.png"'
    assert "private" in response["Cache-Control"]
    # The profile page points at it.
    page = client.get(f"/en/b2b/{delegate.session.event.slug}/participants/{delegate.pk}/")
    assert f'src="/en/b2b/logos/{delegate.pk}/"' in page.content.decode()


def status_of(client, url: str) -> int:
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end: the file is closed
    return response.status_code


def test_a_logo_is_hidden_from_strangers_and_from_unlisted_profiles(client, session, member):
    with_logo(member)
    client.logout()
    assert status_of(client, f"/en/b2b/logos/{member.pk}/") == 302  # sign in first
    client.force_login(PersonFactory().user)  # not in the session
    assert status_of(client, f"/en/b2b/logos/{member.pk}/") == 404
    member.directory_consent_at = None
    member.save(update_fields=["directory_consent_at"])
    someone = add_participant(session)
    client.force_login(someone.person.user)
    assert status_of(client, f"/en/b2b/logos/{member.pk}/") == 404
    # Once they asked one another, each sees the other's picture.
    services.send_request(member, someone, "Hello")
    assert status_of(client, f"/en/b2b/logos/{member.pk}/") == 200
    client.force_login(member.person.user)
    assert status_of(client, f"/en/b2b/logos/{member.pk}/") == 200  # one's own


def test_no_logo_is_a_404(client, member, delegate):
    client.force_login(member.person.user)
    assert client.get(f"/en/b2b/logos/{delegate.pk}/").status_code == 404
    assert client.get("/en/b2b/logos/999999/").status_code == 404


# One participant, one file: replaced and erased logos leave nothing behind ---------------


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def post_profile(client, participant, **extra):
    return client.post(
        f"/en/b2b/{participant.session.event.slug}/profile/",
        {
            "organisation_name": participant.organisation_name,
            "country": "FR",
            "offer_en": "Stop-motion",
            "languages": ["fr"],
            "mode": "both",
            "directory_consent": "on",
            **extra,
        },
    )


def test_a_logo_replaced_on_the_profile_page_leaves_one_file_and_cleared_none(
    client, member, media, django_capture_on_commit_callbacks
):
    client.force_login(member.person.user)
    for colour_size in (8, 9, 10, 11):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_profile(
                client,
                member,
                logo=SimpleUploadedFile(
                    "logo.png", picture("PNG", size=(colour_size, 8)), "image/png"
                ),
            )
        assert response.status_code == 302
    member.refresh_from_db()
    assert stored_files(media) == [member.logo.name]
    assert member.logo.name.startswith(f"b2b/logos/{member.pk}/")
    with member.logo.open("rb") as handle:  # the last one uploaded
        assert handle.read() == picture("PNG", size=(11, 8))

    with django_capture_on_commit_callbacks(execute=True):
        assert post_profile(client, member, **{"logo-clear": "on"}).status_code == 302
    member.refresh_from_db()
    assert member.logo.name == ""
    assert stored_files(media) == []


def test_a_logo_replaced_through_the_api_leaves_one_file(
    member, media, django_capture_on_commit_callbacks
):
    for image_format, name in (("PNG", "a.png"), ("JPEG", "b.jpg"), ("WEBP", "c.webp")):
        with django_capture_on_commit_callbacks(execute=True):
            response = upload_through_api(member, name, picture(image_format))
        assert response.status_code == 200
    member.refresh_from_db()
    assert stored_files(media) == [f"b2b/logos/{member.pk}/c.webp"] == [member.logo.name]


def test_a_replacement_rolled_back_keeps_the_earlier_logo(
    member, media, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with_logo(member)
    first = member.logo.name
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.update_profile(
            member,
            member.person,
            logo=SimpleUploadedFile("new.png", picture("PNG", (9, 9)), "image/png"),
        )
        raise RuntimeError("a later step of the same change fails")
    member.refresh_from_db()
    assert member.logo.name == first
    assert first in stored_files(media)


def test_erasing_a_person_deletes_every_file_of_their_participations_only(
    member, delegate, media, django_capture_on_commit_callbacks
):
    from primi_site.services import personal_data
    from tests.factories import b2b_session

    with django_capture_on_commit_callbacks(execute=True):
        with_logo(member)
        with_logo(delegate)
        elsewhere = with_logo(add_participant(b2b_session(), person=member.person))
    # An earlier version left in the member's folder (a crash between commit and deletion).
    stray = media / "b2b" / "logos" / str(member.pk) / "logo_earlier.png"
    stray.write_bytes(picture("PNG"))
    assert len(stored_files(media)) == 4

    with django_capture_on_commit_callbacks(execute=True):
        personal_data.anonymise(member.person)

    assert stored_files(media) == [delegate.logo.name]
    assert not (media / "b2b" / "logos" / str(member.pk)).exists()
    assert not (media / "b2b" / "logos" / str(elsewhere.pk)).exists()
