"""Invitations for guests from abroad: a link to create an account and register.

The token (256 random bits) is only in the link; the database keeps its SHA-256.
The email goes through the one outbox (`primi_site.outbox`, enqueued on commit), which
takes the invitation's id; a fresh token is minted as it is written, so the raw token
never sits in the job queue's table and a retry needs nothing kept. Each attempt's token
replaces the last: only the link of the email that went out works. An invitation used
or expired is no longer sent.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from bookings.exceptions import ExpiredInvitation, InvalidInvitation, UsedInvitation
from bookings.locking import locked
from bookings.models import Invitation, Registration
from bookings.registrations import targets
from bookings.registrations.queries import Target
from bookings.registrations.services.registrations import join_locked
from missions.models import Organisation, Person
from primi_site import outbox
from primi_site.outbox import Channel


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_invitation(
    *,
    email: str,
    target: Target,
    language: str,
    by,
    organisation: Organisation | None = None,
    now: datetime | None = None,
) -> tuple[Invitation, str]:
    """Create the invitation; returns it with its token, which is not stored."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email.strip().lower(),
        language=language,
        organisation=organisation,
        token_hash=hash_token(token),
        expires_at=now + timedelta(days=settings.PRIMI_INVITATION_DAYS),
        created_by=by,
        **targets.kind_of(target).fields(target),
    )
    return invitation, token


def invitation_url(invitation: Invitation, token: str) -> str:
    with translation.override(invitation.language):
        path = reverse("invitation", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


def invitation_message(invitation: Invitation, token: str) -> EmailMessage:
    """The email with the link, in the guest's language."""
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "target": invitation.target,
            "url": invitation_url(invitation, token),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("bookings/emails/invitation_subject.txt", context).strip()
        body = render_to_string("bookings/emails/invitation.txt", context)
    return EmailMessage(subject, body, to=[invitation.email])


def invite_guest(
    *,
    email: str,
    target: Target,
    language: str,
    by,
    organisation: Organisation | None = None,
) -> Invitation:
    """Save the invitation and send its email by job once the transaction commits."""
    with transaction.atomic():
        invitation, _token = create_invitation(
            email=email, target=target, language=language, by=by, organisation=organisation
        )
        outbox.enqueue(invitation)
    return invitation


def build_owed(invitation: Invitation) -> EmailMessage:
    """Mint this attempt's token (it replaces the last one's) and write the email."""
    token = secrets.token_urlsafe(32)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(token))
    return invitation_message(invitation, token)


CHANNEL = Channel(
    name="guest-invitation",
    model=Invitation,
    build=build_owed,
    related=("event", "mission"),
    owed=lambda now: Q(used_at__isnull=True, expires_at__gt=now),
    label=_("Guest invitations"),
)


def find_invitation(token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation of a link, or the reason it cannot be used."""
    now = now or timezone.now()
    if not token or len(token) > 100:
        raise InvalidInvitation()
    invitation = (
        Invitation.objects.select_related("event", "mission", "organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvalidInvitation()
    if invitation.used_at is not None:
        raise UsedInvitation()
    if invitation.expires_at <= now:
        raise ExpiredInvitation()
    return invitation


@dataclass(frozen=True)
class NewAccount:
    first_name: str
    last_name: str
    password: str
    language: str
    time_zone: str


def email_taken(email: str) -> bool:
    user_model = get_user_model()
    return user_model.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists()


def accept_invitation(
    token: str,
    *,
    person: Person | None = None,
    account: NewAccount | None = None,
    now: datetime | None = None,
) -> Registration:
    """Register the guest, creating their account first when they have none.

    All in one transaction under the target's lock: the account, the used
    invitation and the registration are written together or not at all.
    """
    now = now or timezone.now()
    invitation = find_invitation(token, now=now)
    holder = Registration(event_id=invitation.event_id, mission_id=invitation.mission_id)
    model, pk = targets.model_and_pk(holder)
    with locked(model, pk) as target:
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise UsedInvitation()
        if person is None:
            if account is None:
                raise InvalidInvitation()  # pragma: no cover - the view always gives one
            person = _create_guest(invitation, account)
        registration = join_locked(person, target, now=now, invitation=invitation)
        invitation.used_at = now
        invitation.save(update_fields=["used_at"])
    return registration


def _create_guest(invitation: Invitation, account: NewAccount) -> Person:
    user_model = get_user_model()
    user = user_model(
        username=invitation.email,
        email=invitation.email,
        first_name=account.first_name.strip(),
        last_name=account.last_name.strip(),
    )
    user.set_password(account.password)
    user.save()
    return Person.objects.create(
        user=user,
        organisation=invitation.organisation,
        role=Person.Role.DELEGATE,
        language=account.language,
        time_zone=account.time_zone,
    )
