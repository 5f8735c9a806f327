"""Registrations for events and missions, their history, invitations, quotas and emails.

The models hold data and the invariants the database can enforce: exactly one
target per registration, one active registration per person and target, a
waitlisted row has its place in the queue, an offered row its expiry. Every state
change goes through `bookings.services`, which locks, recounts and logs.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Event
from missions.models import Department, Language, Mission, Organisation, Person
from primi_site.models import Deliverable
from primi_site.text_limits import APPLICATION_ANSWER, REASON, limited


class RegistrationState(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("registration state", "Applied")
    OFFERED = "offered", pgettext_lazy("registration state", "Seat offered")
    CONFIRMED = "confirmed", pgettext_lazy("registration state", "Confirmed")
    WAITLISTED = "waitlisted", pgettext_lazy("registration state", "Waitlisted")
    REJECTED = "rejected", pgettext_lazy("registration state", "Rejected")
    CANCELLED = "cancelled", pgettext_lazy("registration state", "Cancelled")


# A person holds at most one registration in these states per event or mission.
ACTIVE_STATES = (
    RegistrationState.APPLIED,
    RegistrationState.OFFERED,
    RegistrationState.CONFIRMED,
    RegistrationState.WAITLISTED,
)
# These hold a seat: an offered seat is kept for its person until the offer expires.
SEAT_STATES = (RegistrationState.CONFIRMED, RegistrationState.OFFERED)


class Registration(models.Model):
    """A person's registration for an event, or application for a mission."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("person")
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("event"),
    )
    mission = models.ForeignKey(
        Mission,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("mission"),
    )
    state = models.CharField(_("state"), max_length=12, choices=RegistrationState.choices)
    waitlisted_at = models.DateTimeField(
        _("waitlisted at"),
        null=True,
        blank=True,
        help_text=_("Place in the queue: the earliest comes first."),
    )
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    # A mission application's answers.
    company_pitch = models.TextField(_("company pitch"), blank=True, **limited(APPLICATION_ANSWER))
    trip_goals = models.TextField(
        _("goals for the trip"), blank=True, **limited(APPLICATION_ANSWER)
    )
    target_markets = models.CharField(_("markets targeted"), max_length=300, blank=True)
    decision_reason = models.TextField(
        _("reason of the last decision"), blank=True, **limited(REASON)
    )
    invitation = models.ForeignKey(
        "Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("invitation"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [
            models.Index(fields=["event", "state", "waitlisted_at"], name="registration_event_q"),
            models.Index(
                fields=["mission", "state", "waitlisted_at"], name="registration_mission_q"
            ),
            models.Index(
                fields=["state", "offer_expires_at"],
                name="registration_offer_expiry",
                condition=Q(state="offered"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, mission__isnull=True)
                | Q(event__isnull=True, mission__isnull=False),
                name="registration_exactly_one_target",
                violation_error_message=_("A registration is for one event or one mission."),
            ),
            models.UniqueConstraint(
                fields=["person", "event"],
                condition=Q(state__in=ACTIVE_STATES),
                name="registration_one_active_per_event",
                violation_error_message=_("This person is already registered for this event."),
            ),
            models.UniqueConstraint(
                fields=["person", "mission"],
                condition=Q(state__in=ACTIVE_STATES),
                name="registration_one_active_per_mission",
                violation_error_message=_("This person has already applied for this mission."),
            ),
            models.CheckConstraint(
                condition=~Q(state="waitlisted") | Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_place",
            ),
            models.CheckConstraint(
                condition=~Q(state="offered") | Q(offer_expires_at__isnull=False),
                name="registration_offer_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.target} ({self.get_state_display()})"

    @property
    def target(self) -> Event | Mission:
        return self.event if self.event_id else self.mission

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class RegistrationLog(models.Model):
    """One state change of a registration: who, when, from, to and why."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="log", verbose_name=_("registration")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the system made the change (an offer expiring, a promotion)."),
    )
    from_state = models.CharField(
        _("from"), max_length=12, choices=RegistrationState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=12, choices=RegistrationState.choices)
    reason = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("state change")
        verbose_name_plural = _("history")

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state}"


class Invitation(Deliverable):
    """A staff invitation for a guest from abroad to an event or a mission.

    The link carries a random token; only its SHA-256 is stored. The email is sent by a
    job that mints the token as it sends, and is retried until it goes out.
    """

    email = models.EmailField(_("email"))
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("event"),
    )
    mission = models.ForeignKey(
        Mission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("mission"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("organisation"),
        help_text=_("The guest's organisation, when it is known."),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, mission__isnull=True)
                | Q(event__isnull=True, mission__isnull=False),
                name="invitation_exactly_one_target",
                violation_error_message=_("An invitation is for one event or one mission."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.event or self.mission}"

    @property
    def target(self) -> Event | Mission:
        return self.event if self.event_id else self.mission


class MissionQuota(models.Model):
    """Seats of a mission kept for one department, so every part of the region goes."""

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("mission")
    )
    department = models.CharField(_("department"), max_length=2, choices=Department.choices)
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["department"]
        verbose_name = _("department quota")
        verbose_name_plural = _("department quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "department"],
                name="mission_quota_one_per_department",
                violation_error_message=_("This department already has a quota."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_department_display()}: {self.seats}"


class EmailOutbox(Deliverable):
    """An email owed for one state change; `sent_at` makes sending it idempotent."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Application received")
        CONFIRMED = "confirmed", _("Registration confirmed")
        WAITLISTED = "waitlisted", _("Waitlisted")
        OFFERED = "offered", _("Seat offered")
        PROMOTED = "promoted", _("Promoted from the waitlist")
        REJECTED = "rejected", _("Application rejected")
        CANCELLED = "cancelled", _("Registration cancelled")
        UPDATED = "updated", _("Event changed")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="emails",
        verbose_name=_("registration"),
    )
    change = models.ForeignKey(
        RegistrationLog,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("change"),
        help_text=_("The registration's change; empty for an event's update."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    programme_event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme event"),
        help_text=_(
            "For an update of an event in the programme of the registration's mission "
            "(or its removal when the registration is cancelled); empty when the email "
            "is about the registration's own event or mission."
        ),
    )
    sequence = models.PositiveIntegerField(
        _("event revision"),
        null=True,
        blank=True,
        help_text=_("For an event's update: the SEQUENCE it announces (one email each)."),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "change"],
                condition=Q(programme_event__isnull=True),
                name="email_once_per_change",
            ),
            models.UniqueConstraint(
                fields=["registration", "kind", "change", "programme_event"],
                condition=Q(programme_event__isnull=False),
                name="email_once_per_change_and_programme_event",
            ),
            models.UniqueConstraint(
                fields=["registration", "sequence"],
                condition=Q(kind="updated", programme_event__isnull=True),
                name="email_once_per_revision",
            ),
            models.UniqueConstraint(
                fields=["registration", "programme_event", "sequence"],
                condition=Q(kind="updated", programme_event__isnull=False),
                name="email_once_per_programme_revision",
            ),
            models.CheckConstraint(
                condition=Q(kind="updated", change__isnull=True, sequence__isnull=False)
                | (
                    ~Q(kind="updated")
                    & Q(change__isnull=False)
                    & (Q(programme_event__isnull=True) | Q(kind="cancelled"))
                ),
                name="email_change_or_revision",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], name="email_unsent", condition=Q(sent_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.registration_id}"
