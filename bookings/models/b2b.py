"""B2B matchmaking: sessions, slots, tables, participants, requests and meetings.

The invariants that matter under concurrency live in the database:
- a person is never in two meetings at once: one active `MeetingSeat` per
  (participant, slot);
- a table never holds two meetings at once: one active in-person `Meeting` per
  (slot, table);
- two participants meet at most once per session, never with themselves.
State changes are in `bookings.b2b.services`; reads in `bookings.b2b.queries.sessions`.
"""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.b2b.logos import logo_path
from events.models import Event
from missions.models import Person, Sector
from primi_site.bilingual import BilingualMixin
from primi_site.fields import WebAddressField
from primi_site.models import Deliverable
from primi_site.text_limits import MESSAGE, NOTE, PROFILE_TEXT, limited
from primi_site.validators import validate_language_list

LOGO_MAX_BYTES = 2 * 1024 * 1024


def validate_logo_size(file) -> None:
    if file and file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The picture is too large (at most %(size)s MB)."),
            code="logo_too_large",
            params={"size": LOGO_MAX_BYTES // (1024 * 1024)},
        )


# The formats a logo may have, by what its content is (not its name), and the file name
# endings that go with each: the logo is served with the type of its format.
LOGO_FORMATS = {"PNG": ("png",), "JPEG": ("jpg", "jpeg"), "WEBP": ("webp",)}
LOGO_MAX_SIDE = 4000  # pixels


def validate_logo_content(file) -> None:
    """The model's validator: a new upload is checked (`check_logo`); a stored one was."""
    if file and not getattr(file, "_committed", True):
        check_logo(file)


def check_logo(file) -> None:
    """A PNG, JPEG or WebP picture by its content, named as such, and of a sensible size
    in pixels (a small file may still decode to a huge image)."""
    from PIL import Image, UnidentifiedImageError

    refused = ValidationError(
        _("The photo or logo must be a PNG, JPEG or WebP picture."), code="not_a_picture"
    )
    try:
        file.seek(0)
        with Image.open(file) as image:
            picture_format, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused from None
    finally:
        file.seek(0)
    ending = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if ending not in LOGO_FORMATS.get(picture_format, ()):
        raise refused
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError(
            _("The picture is too large (at most %(side)s pixels a side)."),
            code="logo_too_large",
            params={"side": LOGO_MAX_SIDE},
        )


class B2BSession(models.Model):
    """The B2B meetings of one event: its slot grid, tables and rules."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        OPEN = "open", _("Open for booking")
        CLOSED = "closed", pgettext_lazy("session", "Closed")

    class Pairing(models.TextChoices):
        ANYONE = "anyone", _("Anyone may meet anyone")
        DELEGATES_WITH_MEMBERS = "delegates-members", _("Delegates meet members only")

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="b2b_session", verbose_name=_("event")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    pause_minutes = models.PositiveSmallIntegerField(
        _("pause between slots (minutes)"),
        default=5,
        validators=[MaxValueValidator(120)],
    )
    tables = models.PositiveSmallIntegerField(
        _("number of tables"),
        default=10,
        validators=[MaxValueValidator(500)],
        help_text=_("Numbered tables or rooms for in-person meetings; 0 for online only."),
    )
    video_base_url = WebAddressField(
        _("video meeting address"),
        blank=True,
        help_text=_(
            "Base address of the video rooms (for example https://meet.jit.si/); each online "
            "meeting gets its own room there. Empty: no online meetings."
        ),
    )
    pairing = models.CharField(
        _("who may meet whom"), max_length=20, choices=Pairing.choices, default=Pairing.ANYONE
    )
    direct_booking = models.BooleanField(
        _("direct booking"),
        default=False,
        help_text=_("Participants may book a slot without an accepted request first."),
    )
    max_requests_sent = models.PositiveSmallIntegerField(
        _("requests one participant may send"), null=True, blank=True
    )
    max_meetings = models.PositiveSmallIntegerField(
        _("meetings per participant"), null=True, blank=True
    )
    directory_open = models.BooleanField(
        _("directory open"),
        default=False,
        help_text=_("Open it once the profiles are reviewed."),
    )
    fairness = models.PositiveSmallIntegerField(
        _("fairness bound for the scheduler"),
        null=True,
        blank=True,
        help_text=_("Largest difference of breaks between two participants; empty for none."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("B2B session")
        verbose_name_plural = _("B2B sessions")

    def __str__(self) -> str:
        return str(self.event)

    @property
    def allows_online(self) -> bool:
        return bool(self.video_base_url)


class B2BBlock(models.Model):
    """A block of slots on one day, typed in the event's local time (9:00–12:30)."""

    session = models.ForeignKey(
        B2BSession, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("session")
    )
    day = models.DateField(_("day"))
    starts = models.TimeField(_("starts (local time)"))
    ends = models.TimeField(_("ends (local time)"))
    name = models.CharField(
        _("name"), max_length=40, blank=True, help_text=_("For example AM or PM; optional.")
    )

    class Meta:
        ordering = ["day", "starts"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")),
                name="b2b_block_ends_after_it_starts",
                violation_error_message=_("A block ends after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.starts:%H:%M}–{self.ends:%H:%M}"


class Slot(models.Model):
    """A generated time slot; `index` counts from 1 in time order across blocks and days."""

    session = models.ForeignKey(
        B2BSession, on_delete=models.CASCADE, related_name="slots", verbose_name=_("session")
    )
    block = models.ForeignKey(
        B2BBlock, on_delete=models.CASCADE, related_name="slots", verbose_name=_("block")
    )
    index = models.PositiveIntegerField(_("number"))
    starts_at = models.DateTimeField(_("starts at (UTC)"))
    ends_at = models.DateTimeField(_("ends at (UTC)"))

    class Meta:
        ordering = ["session", "index"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(fields=["session", "index"], name="b2b_slot_unique_index"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="b2b_slot_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.index}"


class Table(models.Model):
    """A numbered table or room of a session."""

    session = models.ForeignKey(
        B2BSession, on_delete=models.CASCADE, related_name="table_set", verbose_name=_("session")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=60, blank=True)

    class Meta:
        ordering = ["session", "number"]
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="b2b_table_unique_number"),
        ]

    def __str__(self) -> str:
        return self.label or str(self.number)


class B2BParticipant(BilingualMixin, models.Model):
    """A person taking part in a session, with the profile others search."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Profile to fill in")
        SUBMITTED = "submitted", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn (registration cancelled)")

    class Side(models.TextChoices):
        MEMBER = "member", _("Member")
        DELEGATE = "delegate", _("Delegate")

    class Mode(models.TextChoices):
        IN_PERSON = "in-person", _("In person")
        ONLINE = "online", _("Online")
        BOTH = "both", _("In person or online")

    session = models.ForeignKey(
        B2BSession,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("session"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="b2b_participations",
        verbose_name=_("person"),
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    organisation_name = models.CharField(_("organisation"), max_length=200)
    country = models.CharField(_("country"), max_length=2, blank=True)
    department = models.CharField(_("department"), max_length=2, blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    offer_fr = models.TextField(_("what we offer (French)"), blank=True, **limited(PROFILE_TEXT))
    offer_en = models.TextField(_("what we offer (English)"), blank=True, **limited(PROFILE_TEXT))
    need_fr = models.TextField(_("what we look for (French)"), blank=True, **limited(PROFILE_TEXT))
    need_en = models.TextField(_("what we look for (English)"), blank=True, **limited(PROFILE_TEXT))
    languages = models.JSONField(
        _("languages spoken"), default=list, blank=True, validators=[validate_language_list]
    )
    mode = models.CharField(
        _("meetings"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON
    )
    logo = models.ImageField(
        _("photo or logo"),
        upload_to=logo_path,  # b2b/logos/<participant id>/: every file of one participant
        blank=True,
        validators=[
            FileExtensionValidator(["png", "jpg", "jpeg", "webp"]),
            validate_logo_size,
            validate_logo_content,
        ],
    )
    review_note = models.CharField(_("note from the staff"), max_length=300, blank=True)
    directory_consent_at = models.DateTimeField(
        _("agreed to appear in the directory"),
        null=True,
        blank=True,
        help_text=_("When the participant agreed; empty: not listed in the directory."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["session", "organisation_name", "id"]
        verbose_name = _("B2B participant")
        verbose_name_plural = _("B2B participants")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="b2b_participant_once_per_session"
            ),
        ]
        indexes = [models.Index(fields=["session", "status"], name="b2b_participant_status")]

    def __str__(self) -> str:
        return f"{self.organisation_name} ({self.person})"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def meets_in_person(self) -> bool:
        return self.mode in (self.Mode.IN_PERSON, self.Mode.BOTH)

    def meets_online(self) -> bool:
        return self.mode in (self.Mode.ONLINE, self.Mode.BOTH)


class Unavailability(models.Model):
    """A slot in which a participant cannot meet anyone."""

    participant = models.ForeignKey(
        B2BParticipant,
        on_delete=models.CASCADE,
        related_name="unavailabilities",
        verbose_name=_("participant"),
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.CASCADE, related_name="unavailabilities", verbose_name=_("slot")
    )

    class Meta:
        verbose_name = _("unavailable slot")
        verbose_name_plural = _("unavailable slots")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "slot"], name="b2b_unavailability_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} ✕ {self.slot_id}"


class MeetingRequest(models.Model):
    """A asks B for a meeting; B accepts or declines; either may withdraw."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    LIVE_STATES = (State.PENDING, State.ACCEPTED)

    session = models.ForeignKey(
        B2BSession, on_delete=models.CASCADE, related_name="requests", verbose_name=_("session")
    )
    sender = models.ForeignKey(
        B2BParticipant,
        on_delete=models.CASCADE,
        related_name="requests_sent",
        verbose_name=_("from"),
    )
    recipient = models.ForeignKey(
        B2BParticipant,
        on_delete=models.CASCADE,
        related_name="requests_received",
        verbose_name=_("to"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    message = models.TextField(_("message"), blank=True, **limited(MESSAGE))
    answer = models.TextField(_("answer"), blank=True, **limited(MESSAGE))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=F("recipient")), name="b2b_request_not_to_oneself"
            ),
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(state__in=["pending", "accepted"]),
                name="b2b_request_one_live_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient} ({self.state})"


class Meeting(models.Model):
    """Two participants in one slot, at a table or by video.

    `participant_a` has the smaller id, so a pair has one spelling. Cancelling
    changes the state (and frees the seats); nothing is deleted.
    """

    class State(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        BOOKED = "booked", _("Booked by a participant")
        STAFF = "staff", _("Placed by the staff")
        SCHEDULER = "scheduler", _("Placed by the scheduler")

    session = models.ForeignKey(
        B2BSession, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("session")
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("slot")
    )
    table = models.ForeignKey(
        Table,
        on_delete=models.PROTECT,
        related_name="meetings",
        null=True,
        blank=True,
        verbose_name=_("table"),
    )
    participant_a = models.ForeignKey(
        B2BParticipant, on_delete=models.PROTECT, related_name="+", verbose_name=_("participant")
    )
    participant_b = models.ForeignKey(
        B2BParticipant, on_delete=models.PROTECT, related_name="+", verbose_name=_("participant")
    )
    request = models.ForeignKey(
        MeetingRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("request"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.BOOKED)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.BOOKED
    )
    online = models.BooleanField(_("online"), default=False)
    video_url = models.URLField(_("video link"), blank=True)
    sequence = models.PositiveIntegerField(
        _("revision"), default=0, help_text=_("Rises with each change sent to calendars.")
    )
    booked_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    cancelled_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["slot__index", "table__number", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(participant_a__lt=F("participant_b")),
                name="b2b_meeting_pair_ordered",
            ),
            models.CheckConstraint(
                condition=Q(online=True, table__isnull=True)
                | Q(online=False, table__isnull=False)
                | Q(state="cancelled"),
                name="b2b_meeting_table_or_online",
            ),
            models.UniqueConstraint(
                fields=["slot", "table"],
                condition=Q(state="booked", table__isnull=False),
                name="b2b_meeting_one_per_table_and_slot",
            ),
            models.UniqueConstraint(
                fields=["session", "participant_a", "participant_b"],
                condition=Q(state="booked"),
                name="b2b_meeting_once_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_a} × {self.participant_b} #{self.slot_id}"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.BOOKED

    def other(self, participant: B2BParticipant) -> B2BParticipant:
        return self.participant_b if participant.pk == self.participant_a_id else self.participant_a

    def sides(self) -> tuple[B2BParticipant, B2BParticipant]:
        return self.participant_a, self.participant_b


class MeetingSeat(models.Model):
    """One participant's place in one slot: the per-person half of a meeting.

    A partial unique constraint on active seats is what makes "never in two
    meetings at once" a database fact.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="seats", verbose_name=_("meeting")
    )
    participant = models.ForeignKey(
        B2BParticipant,
        on_delete=models.CASCADE,
        related_name="seats",
        verbose_name=_("participant"),
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.CASCADE, related_name="seats", verbose_name=_("slot")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("meeting seat")
        verbose_name_plural = _("meeting seats")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "slot"],
                condition=Q(active=True),
                name="b2b_seat_one_meeting_per_person_and_slot",
            ),
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="b2b_seat_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} @ {self.slot_id}"


class MeetingReport(models.Model):
    """What one side says after the meeting: did it take place, and what came of it."""

    class Outcome(models.TextChoices):
        NONE = "none", _("Nothing for now")
        LEAD = "lead", _("Lead")
        PARTNERSHIP = "partnership", _("Partnership")
        CONTRACT = "contract", _("Contract")
        FOLLOW_UP = "follow-up", _("Follow-up planned")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="reports", verbose_name=_("meeting")
    )
    participant = models.ForeignKey(
        B2BParticipant,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("participant"),
    )
    took_place = models.BooleanField(_("the meeting took place"))

    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.NONE
    )
    note = models.TextField(_("note"), blank=True, **limited(NOTE))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("meeting report")
        verbose_name_plural = _("meeting reports")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="b2b_report_once_per_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.participant_id}: {self.outcome}"


class B2BNotification(Deliverable):
    """An email owed to one person, written in the same transaction as the change.

    The job that sends it claims it first and marks it sent, so running it twice sends
    one email; a failure releases the claim and counts the attempt, and the job is
    run again (django-q2, then the periodic sweep).
    """

    class Kind(models.TextChoices):
        REQUEST_RECEIVED = "request-received", _("Meeting request received")
        REQUEST_ACCEPTED = "request-accepted", _("Meeting request accepted")
        REQUEST_DECLINED = "request-declined", _("Meeting request declined")
        REQUEST_WITHDRAWN = "request-withdrawn", _("Meeting request withdrawn")
        MEETING_BOOKED = "meeting-booked", _("Meeting booked")
        MEETING_MOVED = "meeting-moved", _("Meeting moved")
        MEETING_CANCELLED = "meeting-cancelled", _("Meeting cancelled")
        AGENDA_PUBLISHED = "agenda-published", _("Agenda published")
        MEETING_REMINDER = "meeting-reminder", _("Meeting reminder")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    request = models.ForeignKey(
        MeetingRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    session = models.ForeignKey(
        B2BSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For an agenda: the session whose meetings it lists."),
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="b2b_notification_unsent",
                condition=Q(sent_at__isnull=True),
            ),
        ]
        constraints = [
            # One reminder per person and time of a meeting, whatever runs the job at once.
            models.UniqueConstraint(
                fields=["meeting", "recipient", "sequence"],
                condition=models.Q(kind="meeting-reminder"),
                name="b2b_one_reminder_per_meeting_revision",
            )
        ]
        verbose_name = _("B2B notification")
        verbose_name_plural = _("B2B notifications")

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class B2BLogEntry(models.Model):
    """The audit trail of a session: who changed what, when, and why."""

    session = models.ForeignKey(
        B2BSession, on_delete=models.CASCADE, related_name="log", verbose_name=_("session")
    )
    actor = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=40)
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True)
    request = models.ForeignKey(MeetingRequest, on_delete=models.SET_NULL, null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("B2B log entry")
        verbose_name_plural = _("B2B log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
