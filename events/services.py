"""State changes of events, and of the calendar feeds they feed.

Every save or deletion that a calendar can see goes through here (the admin
included; missions in `missions.services`), so that:
- SEQUENCE rises when title, description, time, place or status changes (RFC 5546
  counts them significant; calendar clients ignore an update whose SEQUENCE did not
  rise, and accepted invitations would keep the old title);
- `cancelled_at` dates a cancellation (cancelled items stay in feeds 30 days);
- the feeds' version is bumped, deletions included; a deletion of anything a calendar
  showed also dates `DELETIONS_SCOPE`, which every feed folds into its validators (no
  row is left to say which feeds held it). Other changes reach a feed's ETag through
  its own rows (`events.feeds`).
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, FeedToken, FeedVersion
from events.signals import event_revised
from missions.models import Person
from primi_site.errors import DomainError

logger = logging.getLogger(__name__)

CALENDAR_SCOPE = "calendar"
DELETIONS_SCOPE = "calendar-deletions"
SHOWN_STATUSES = ("published", "closed", "cancelled")  # what calendars show, when deleted

EVENT_TRACKED = (
    "status",
    "title_fr",
    "title_en",
    "description_fr",
    "description_en",
    "time_zone",
    "all_day",
    "starts_at",
    "ends_at",
    "start_date",
    "end_date",
    "venue_name",
    "venue_address",
    "city",
    "country",
    "online_url",
)


def touch_feeds(scope: str = CALENDAR_SCOPE) -> None:
    """Record that what the feeds of `scope` show has changed."""
    now = timezone.now()
    updated = FeedVersion.objects.filter(scope=scope).update(
        counter=F("counter") + 1, changed_at=now
    )
    if not updated:
        FeedVersion.objects.get_or_create(scope=scope, defaults={"counter": 1, "changed_at": now})


def track_revision(instance: Model, tracked: tuple[str, ...]) -> list[str]:
    """Raise `sequence` when a tracked field changed; date a cancellation. Returns the
    fields that changed."""
    model = type(instance)
    previous = (
        model.objects.filter(pk=instance.pk).values(*tracked, "sequence").first()
        if instance.pk
        else None
    )
    if previous is None:
        changed = []
    else:
        changed = [name for name in tracked if getattr(instance, name) != previous[name]]
        instance.sequence = max(instance.sequence, previous["sequence"])
        if changed:
            instance.sequence += 1
    was_cancelled = previous is not None and previous["status"] == "cancelled"
    if instance.status == "cancelled" and (not was_cancelled or instance.cancelled_at is None):
        instance.cancelled_at = timezone.now()
    elif instance.status != "cancelled":
        instance.cancelled_at = None
    return changed


@transaction.atomic
def save_event(event: Event) -> Event:
    """Create or update an event as calendars must see it; a change of title,
    description, time, place or status is announced (`events.signals.event_revised`:
    the registrants' invitations), and so is a published event joining a mission's
    programme (its applicants')."""
    previous_mission = (
        Event.objects.filter(pk=event.pk).values_list("mission_id", flat=True).first()
        if event.pk
        else None
    )
    created = event.pk is None
    changed = track_revision(event, EVENT_TRACKED)
    event.save()
    touch_feeds()
    if changed:
        logger.info(
            "event %s changed (%s), sequence %s", event.pk, ", ".join(changed), event.sequence
        )
    elif event.mission_id and event.status == Event.Status.PUBLISHED:
        # New in a mission's programme (created published there, or moved into it):
        # the mission's confirmed applicants are invited to it.
        if created:
            changed = ["created"]
        elif event.mission_id != previous_mission:
            changed = ["mission"]
    # Moved out of a mission's programme: that mission's applicants take it back.
    left_mission = previous_mission if previous_mission != event.mission_id else None
    if left_mission and "mission" not in changed:
        changed = [*changed, "mission"]
    if changed:
        event_revised.send(sender=Event, event=event, changed=changed, left_mission=left_mission)
    return event


@transaction.atomic
def delete_event(event: Event) -> None:
    """Delete an event: it leaves every feed, whose ETag changes."""
    pk, shown = event.pk, event.status in SHOWN_STATUSES
    event.delete()
    touch_feeds()
    if shown:
        touch_feeds(DELETIONS_SCOPE)
    logger.info("event %s deleted", pk)


@transaction.atomic
def delete_events(events) -> None:
    pks = list(events.values_list("pk", flat=True))
    shown = Event.objects.filter(pk__in=pks, status__in=SHOWN_STATUSES).exists()
    Event.objects.filter(pk__in=pks).delete()
    touch_feeds()
    if shown:
        touch_feeds(DELETIONS_SCOPE)
    logger.info("events %s deleted", pks)


# Private feed tokens ------------------------------------------------------------

TOKEN_BYTES = 32  # 256 random bits
MAX_ACTIVE_TOKENS = 20


def hash_feed_secret(secret: str) -> str:
    """SHA-256 of a secret: enough for 256 random bits, which nobody can guess."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> tuple[str, str]:
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    return secret, hash_feed_secret(secret)


class SubscriptionRefused(DomainError):
    """A name already used by another of the person's subscriptions, or the most of them
    reached: the name is fine, the current state refuses it."""

    status = 409
    code = "conflict"
    field = "name"


@transaction.atomic
def create_feed_token(person: Person, name: str) -> tuple[FeedToken, str]:
    """A new named token for `person`; the secret is returned once and never stored."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the subscription a name.")}, code="required")
    active = FeedToken.objects.select_for_update().filter(person=person, revoked_at__isnull=True)
    if active.filter(name=name).exists():
        raise SubscriptionRefused(_("You already have a subscription with this name."))
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise SubscriptionRefused(
            _("You have %(count)s subscriptions, the most allowed; revoke one first."),
            count=MAX_ACTIVE_TOKENS,
        )
    secret, digest = _new_secret()
    token = FeedToken.objects.create(person=person, name=name, token_hash=digest)
    logger.info("feed token %s created for person %s", token.pk, person.pk)
    return token, secret


@transaction.atomic
def rotate_feed_token(token: FeedToken) -> str:
    """A new secret for the same subscription: the old address answers 404 at once."""
    secret, digest = _new_secret()
    token.token_hash = digest
    token.rotated_at = timezone.now()
    token.save(update_fields=["token_hash", "rotated_at"])
    logger.info("feed token %s rotated", token.pk)
    return secret


@transaction.atomic
def revoke_feed_token(token: FeedToken) -> None:
    """End the subscription: its address answers 404 from now on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        # The hash is replaced too, so the secret cannot match a row any more.
        token.token_hash = hash_feed_secret(secrets.token_urlsafe(TOKEN_BYTES))
        token.save(update_fields=["revoked_at", "token_hash"])
        logger.info("feed token %s revoked", token.pk)


def record_feed_use(token: FeedToken, now) -> None:
    """Note when a token was last used, at most once an hour (feeds are polled often)."""
    if token.last_used_at is None or now - token.last_used_at > timedelta(hours=1):
        FeedToken.objects.filter(pk=token.pk).update(last_used_at=now)
