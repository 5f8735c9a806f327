"""Organisations, people and missions.

Models hold data and the invariants the database can enforce; state changes live
in service modules, reads shared by several callers in query modules.
"""

from datetime import datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from primi_site.bilingual import BilingualMixin
from primi_site.fields import WebAddressField
from primi_site.text_limits import DESCRIPTION, limited
from primi_site.timezones import validate_time_zone, zone
from primi_site.validators import validate_country, validate_currency, validate_language_list


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class Department(models.TextChoices):
    BOUCHES_DU_RHONE = "13", "13 — Bouches-du-Rhône"
    ALPES_MARITIMES = "06", "06 — Alpes-Maritimes"
    VAR = "83", "83 — Var"
    VAUCLUSE = "84", "84 — Vaucluse"
    ALPES_DE_HAUTE_PROVENCE = "04", "04 — Alpes-de-Haute-Provence"
    HAUTES_ALPES = "05", "05 — Hautes-Alpes"


class WaitlistMode(models.TextChoices):
    """What happens to the first person waiting when a seat frees up."""

    CONFIRM = "confirm", _("Confirm the next person at once")
    OFFER = "offer", _("Offer the seat to the next person, with an expiry")


DEFAULT_OFFER_HOURS = 48


class Sector(BilingualMixin, models.Model):
    """A creative-industry sector (animation, video games…)."""

    slug = models.SlugField(_("slug"), unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return str(self.tr("name"))


class Organisation(BilingualMixin, models.Model):
    """A member company of the cluster or a partner abroad."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member company")
        CLUSTER = "cluster", _("Cluster")
        LAB = "lab", _("Lab")
        INSTITUTION = "institution", _("Institution")
        COMPANY = "company", _("Partner company")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    city = models.CharField(_("city"), max_length=100, blank=True)
    department = models.CharField(
        _("department"),
        max_length=2,
        choices=Department.choices,
        blank=True,
        help_text=_("Required for member companies, empty for partners abroad."),
    )
    website = WebAddressField(_("website"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True, **limited(DESCRIPTION))
    description_en = models.TextField(
        _("description (English)"), blank=True, **limited(DESCRIPTION)
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="member", country="FR") & ~Q(department="")
                | ~Q(kind="member") & Q(department=""),
                name="organisation_member_has_department",
                violation_error_message=_(
                    "A member company is in France with a department of the region; "
                    "a partner abroad has no department."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_member(self) -> bool:
        return self.kind == self.Kind.MEMBER


class Person(models.Model):
    """The profile of a user: organisation, role, language and time zone."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        DELEGATE = "delegate", _("Delegate")
        STAFF = "staff", pgettext_lazy("role", "Staff")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="person",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validate_time_zone]
    )
    languages_spoken = models.JSONField(
        _("languages spoken"),
        default=list,
        blank=True,
        validators=[validate_language_list],
        help_text=_("Two-letter codes, for example [“fr”, “en”]."),
    )
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Personal data removed; the registrations stay for the figures."),
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=["fr", "en"]),
                name="person_language_fr_or_en",
            ),
        ]

    def __str__(self) -> str:
        full_name = self.user.get_full_name()
        return full_name or self.user.get_username()


class Mission(BilingualMixin, models.Model):
    """A trade mission abroad (outbound) or a delegation visiting the region (inbound)."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("Trade mission abroad")
        INBOUND = "inbound", _("Delegation visiting the region")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("The same in both languages; used in addresses and feeds."),
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_fr = models.CharField(_("summary (French)"), max_length=300, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True, **limited(DESCRIPTION))
    description_en = models.TextField(
        _("description (English)"), blank=True, **limited(DESCRIPTION)
    )
    eligibility_fr = models.TextField(_("eligibility (French)"), blank=True, **limited(DESCRIPTION))
    eligibility_en = models.TextField(
        _("eligibility (English)"), blank=True, **limited(DESCRIPTION)
    )
    destination_city = models.CharField(_("destination city"), max_length=100)
    destination_country = models.CharField(
        _("destination country"), max_length=2, validators=[validate_country]
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name of the destination's zone, for example America/Toronto."),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("partners"),
        blank=True,
        related_name="partner_missions",
        limit_choices_to=~Q(kind=Organisation.Kind.MEMBER),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Number of member companies taken; empty for no limit."),
    )
    application_deadline = models.DateTimeField(_("application deadline"), null=True, blank=True)
    cancellation_deadline = models.DateTimeField(
        _("cancellation deadline"),
        null=True,
        blank=True,
        help_text=_("Participants may cancel until then; staff may cancel at any time."),
    )
    seats_per_organisation = models.PositiveIntegerField(
        _("seats per organisation"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Most people one organisation may send; empty for no limit."),
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
    fee_amount = models.DecimalField(
        _("fee"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    fee_currency = models.CharField(
        _("fee currency"), max_length=3, default="EUR", validators=[validate_currency]
    )
    sequence = models.PositiveIntegerField(
        _("revision"),
        default=0,
        editable=False,
        help_text=_(
            "Rises with every change calendars show: title, summary, description, dates, "
            "place or status (calendar SEQUENCE)."
        ),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["start_date", "slug"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="mission_ends_after_it_starts",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(fee_amount__isnull=True) | Q(fee_amount__gte=0),
                name="mission_fee_not_negative",
                violation_error_message=_("The fee cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(offer_hours__gte=1),
                name="mission_offer_hours_positive",
                violation_error_message=_("An offer lasts at least one hour."),
            ),
            models.CheckConstraint(
                condition=~Q(title_fr="") | ~Q(title_en=""),
                name="mission_has_a_title",
                violation_error_message=_("Give the mission a title in at least one language."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.tr("title"))

    def get_absolute_url(self) -> str:
        return reverse("mission_detail", kwargs={"slug": self.slug})

    @property
    def starts_at(self) -> datetime:
        """The first instant of the first day, in the destination's zone."""
        return datetime.combine(self.start_date, time.min, tzinfo=zone(self.time_zone))

    def clean(self) -> None:
        super().clean()
        if self.application_deadline and self.start_date and self.time_zone:
            try:
                starts_at = self.starts_at
            except ValidationError:
                return  # the time zone field reports its own error
            if self.application_deadline >= starts_at:
                raise ValidationError(
                    {
                        "application_deadline": _(
                            "The application deadline must come before the mission starts."
                        )
                    },
                    code="deadline_after_start",
                )
