"""Dated activities, each stored in UTC with the IANA zone where it happens."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from missions.models import DEFAULT_OFFER_HOURS, Mission, Person, WaitlistMode
from primi_site.bilingual import BilingualMixin
from primi_site.fields import WebAddressField
from primi_site.text_limits import DESCRIPTION, limited
from primi_site.timezones import validate_time_zone
from primi_site.validators import validate_country


class Event(BilingualMixin, models.Model):
    """A conference, workshop, festival, B2B session… with its own time zone.

    `starts_at` and `ends_at` are UTC instants. An all-day event (a festival over
    several days) also keeps its local `start_date` and inclusive `end_date`; its
    instants are the local midnights that bound those days.
    """

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        WORKSHOP = "workshop", _("Workshop")
        NETWORKING = "networking", _("Networking")
        B2B_SESSION = "b2b-session", _("B2B session")
        FESTIVAL = "festival", _("Festival")
        MARKET = "market", _("Market")
        SCREENING = "screening", _("Screening")
        COMPANY_VISIT = "company-visit", _("Company visit")
        INFO_SESSION = "info-session", _("Information session")
        MASTERCLASS = "masterclass", _("Masterclass")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("The same in both languages; used in addresses and feeds."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True, **limited(DESCRIPTION))
    description_en = models.TextField(
        _("description (English)"), blank=True, **limited(DESCRIPTION)
    )
    mission = models.ForeignKey(
        Mission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("mission"),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name of the zone where it happens, for example Europe/Paris."),
    )
    all_day = models.BooleanField(_("all day"), default=False)
    starts_at = models.DateTimeField(_("starts at (UTC)"), db_index=True)
    ends_at = models.DateTimeField(_("ends at (UTC)"))
    start_date = models.DateField(_("first day"), null=True, blank=True)
    end_date = models.DateField(_("last day"), null=True, blank=True)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, validators=[validate_country]
    )
    online_url = WebAddressField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Number of seats; empty for no limit."),
    )
    members_only = models.BooleanField(_("members only"), default=False)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    cancellation_deadline = models.DateTimeField(
        _("cancellation deadline"),
        null=True,
        blank=True,
        help_text=_("Participants may cancel until then; staff may cancel at any time."),
    )
    waitlist_enabled = models.BooleanField(
        _("waitlist"),
        default=True,
        help_text=_("When the event is full, later registrations join a waitlist."),
    )
    waitlist_mode = models.CharField(
        _("when a seat frees up"),
        max_length=10,
        choices=WaitlistMode.choices,
        default=WaitlistMode.CONFIRM,
    )
    offer_hours = models.PositiveIntegerField(
        _("offer valid for (hours)"),
        default=DEFAULT_OFFER_HOURS,
        validators=[MinValueValidator(1)],
        help_text=_("How long the next person has to accept an offered seat."),
    )
    sequence = models.PositiveIntegerField(
        _("revision"),
        default=0,
        editable=False,
        help_text=_(
            "Rises with every change calendars show: title, description, time, place or "
            "status (calendar SEQUENCE)."
        ),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "slug"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["status", "starts_at"], name="event_status_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_it_starts",
                violation_error_message=_("The end must come after the start."),
            ),
            models.CheckConstraint(
                condition=~Q(title_fr="") | ~Q(title_en=""),
                name="event_has_a_title",
                violation_error_message=_("Give the event a title in at least one language."),
            ),
            models.CheckConstraint(
                condition=Q(
                    all_day=True,
                    start_date__isnull=False,
                    end_date__isnull=False,
                    end_date__gte=F("start_date"),
                )
                | Q(all_day=False, start_date__isnull=True, end_date__isnull=True),
                name="event_all_day_has_dates",
                violation_error_message=_(
                    "An all-day event has a first and a last day; a timed event has neither."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(country="") | ~Q(online_url=""),
                name="event_has_a_place",
                violation_error_message=_("Give a venue country or an online link."),
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__lte=F("starts_at")),
                name="event_registration_closes_before_start",
                violation_error_message=_("Registration must close before the event starts."),
            ),
            models.CheckConstraint(
                condition=Q(offer_hours__gte=1),
                name="event_offer_hours_positive",
                violation_error_message=_("An offer lasts at least one hour."),
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__lt=F("registration_closes_at")),
                name="event_registration_opens_before_it_closes",
                violation_error_message=_("Registration must open before it closes."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.tr("title"))

    def get_absolute_url(self) -> str:
        return reverse("event_detail", kwargs={"slug": self.slug})

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.country

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = ValidationError(
                _("The end must come after the start."), code="end_before_start"
            )
        closes = self.registration_closes_at
        if closes and self.starts_at and closes > self.starts_at:
            errors["registration_closes_at"] = ValidationError(
                _("Registration must close before the event starts."),
                code="deadline_after_start",
            )
        opens = self.registration_opens_at
        if opens and closes and opens >= closes:
            errors["registration_opens_at"] = ValidationError(
                _("Registration must open before it closes."), code="opens_after_closes"
            )
        if not self.country and not self.online_url:
            errors["country"] = ValidationError(
                _("Give a venue country or an online link."), code="no_place"
            )
        if errors:
            raise ValidationError(errors)

    def is_past(self, now: datetime) -> bool:
        return self.ends_at <= now


class FeedVersion(models.Model):
    """A counter bumped by every change of what a calendar feed shows, deletions included.

    Feeds fold it into their ETag, so a deleted event changes the ETag although no
    row is left to carry an `updated_at`.
    """

    scope = models.CharField(_("scope"), max_length=60, unique=True)
    counter = models.PositiveBigIntegerField(_("counter"), default=0)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("feed version")
        verbose_name_plural = _("feed versions")

    def __str__(self) -> str:
        return f"{self.scope} #{self.counter}"


class FeedToken(models.Model):
    """A capability for one person's private calendar feed (one per device).

    Only the SHA-256 of the secret is kept: the secret is shown once, when it is
    created or rotated, and cannot be read back.
    """

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="feed_tokens",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("rotated"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "name"],
                condition=Q(revoked_at__isnull=True),
                name="feed_token_name_unique_per_person",
                violation_error_message=_("You already have a subscription with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
