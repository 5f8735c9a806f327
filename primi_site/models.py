"""Models of the site's infrastructure: the outbox's delivery fields, account emails,
personal tokens, idempotency keys and webhooks.

State changes live in `primi_site/services/`; these classes hold data and the
invariants the database can enforce.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Deliverable(models.Model):
    """The delivery fields of everything the outbox sends (`primi_site.outbox`).

    A row is owed until `sent_at` is set (sent, or settled with nothing left to say);
    `claimed_at` is the lease of the run sending it; a failure counts an attempt and puts
    the next one off to `next_attempt_at`, until `failed_at` after the last allowed one.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(
        _("being sent since"),
        null=True,
        blank=True,
        help_text=_("Set while one run sends it, so that a second run does not."),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    failed_at = models.DateTimeField(
        _("given up at"),
        null=True,
        blank=True,
        help_text=_("Set after the last allowed attempt failed; staff may try again."),
    )

    class Meta:
        abstract = True


class AccountEmail(Deliverable):
    """An email about an account (a password reset link), owed to an address.

    The row is written whether or not an account has that address, so the page answers
    alike in both cases; the link is minted when the email is written, never stored.
    """

    class Kind(models.TextChoices):
        PASSWORD_RESET = "password-reset", _("Password reset")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=2, default="fr")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("account email")
        verbose_name_plural = _("account emails")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="account_email_unsent",
                condition=Q(sent_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.email}"


class ApiToken(models.Model):
    """A personal token for an integration, sent as `Authorization: Bearer <token>`.

    Only a SHA-256 digest of the token is stored: the token itself is shown once,
    when it is created. `prefix` (the first characters) lets its owner recognise it.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16)
    token_hash = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["read", "write"]), name="apitoken_scope_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotencyKey(models.Model):
    """The first answer given to a request sent with an `Idempotency-Key` header.

    A retry with the same key and the same request gets this answer again instead of
    a second creation; the same key with another request is refused.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("In progress")
        COMPLETED = "completed", _("Completed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="idempotency_keys",
        verbose_name=_("owner"),
    )
    key = models.CharField(_("key"), max_length=255)
    request_hash = models.CharField(_("request digest"), max_length=64)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.JSONField(_("response body"), null=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user"),
        ]

    def __str__(self) -> str:
        return self.key


class WebhookEvent(models.TextChoices):
    """What a partner's system can subscribe to."""

    REGISTRATION_CREATED = "registration.created", _("Registration created")
    REGISTRATION_CHANGED = "registration.changed", _("Registration changed")
    REGISTRATION_CANCELLED = "registration.cancelled", _("Registration cancelled")
    MEETING_CREATED = "meeting.created", _("Meeting created")
    MEETING_CHANGED = "meeting.changed", _("Meeting changed")
    MEETING_CANCELLED = "meeting.cancelled", _("Meeting cancelled")
    SCHEDULE_PUBLISHED = "schedule.published", _("Schedule published")


class WebhookEndpoint(models.Model):
    """A partner's HTTPS address that receives signed notifications."""

    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        help_text=_("Shared with the partner, who checks the signature of each delivery."),
    )
    event_types = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["url", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One notification to one endpoint, with its attempts: the delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, db_index=True)
    event_type = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    last_error = models.TextField(_("last error"), blank=True)
    replay_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replays",
        verbose_name=_("replay of"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id}"


class ContentGeneration(models.Model):
    """A counter raised by every change of public content (events, missions).

    Rendered API lists are cached under the current generation, so a change made by
    any process invalidates the cache of every process.
    """

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("content generation")
        verbose_name_plural = _("content generations")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
