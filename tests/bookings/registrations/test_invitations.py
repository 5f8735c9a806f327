from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.exceptions import (
    ExpiredInvitation,
    InvalidInvitation,
    RegistrationClosed,
    UsedInvitation,
)
from bookings.models import Invitation, Registration
from bookings.registrations.services.invitations import (
    NewAccount,
    accept_invitation,
    create_invitation,
    find_invitation,
    hash_token,
)
from missions.models import Person
from tests.factories import EventFactory, PartnerFactory, StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNT = NewAccount("Demo", "Delegate", "a long pass phrase 42", "en", "America/Toronto")


def invite(event=None, **kwargs):
    return create_invitation(
        email="Guest@Example.org",
        target=event or EventFactory(members_only=True, capacity=10),
        language="en",
        by=StaffUserFactory(),
        **kwargs,
    )


def test_the_token_is_long_random_and_only_its_hash_is_stored():
    invitation, token = invite()
    assert len(token) >= 43  # 256 bits in URL-safe base64
    assert invitation.token_hash == hash_token(token)
    assert token not in str(Invitation.objects.values_list().get())


def test_a_guest_creates_an_account_and_registers_for_a_members_only_event():
    partner = PartnerFactory()
    invitation, token = invite(organisation=partner)
    registration = accept_invitation(token, account=ACCOUNT)
    person = Person.objects.get(user__email="guest@example.org")
    assert (person.role, person.language, person.organisation) == ("delegate", "en", partner)
    assert registration.person == person and registration.state == "confirmed"
    assert registration.invitation == invitation
    invitation.refresh_from_db()
    assert invitation.used_at is not None


def test_a_used_tampered_or_expired_link_is_refused():
    invitation, token = invite()
    with pytest.raises(InvalidInvitation) as error:
        find_invitation(token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert error.value.code == "invalid_invitation"
    with pytest.raises(ExpiredInvitation):
        find_invitation(token, now=invitation.expires_at + timedelta(seconds=1))
    accept_invitation(token, account=ACCOUNT)
    with pytest.raises(UsedInvitation):
        find_invitation(token)


def test_a_failed_registration_creates_no_account():
    past = timezone.now() - timedelta(days=1)
    event = EventFactory(starts_at=past, ends_at=past + timedelta(hours=1))
    _, token = invite(event)
    with pytest.raises(RegistrationClosed) as error:
        accept_invitation(token, account=ACCOUNT)
    assert error.value.code == "registration_closed"
    assert not Person.objects.exists()
    assert not Registration.objects.exists()
    assert Invitation.objects.get().used_at is None
