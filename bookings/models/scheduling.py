"""A run of the automatic scheduler on a B2B session, from the staff's request to publishing.

The solver runs in a django-q2 job; its progress and its proposed solution are kept
here until the staff publish it (meetings are written then) or discard it. One active
run per session (queued, running or done waiting for a decision) is a database fact.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bookings.models.b2b import B2BSession
from missions.models import Person


class ScheduleRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready for review")
        FAILED = "failed", _("Failed")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    ACTIVE_STATES = (State.QUEUED, State.RUNNING, State.DONE)

    session = models.ForeignKey(
        B2BSession,
        on_delete=models.CASCADE,
        related_name="schedule_runs",
        verbose_name=_("session"),
    )
    requested_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    time_limit = models.PositiveIntegerField(
        _("time limit (seconds)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(3600)],
    )
    allow_moves = models.BooleanField(_("published meetings may move"), default=False)
    best_breaks = models.PositiveIntegerField(_("best breaks so far"), null=True, blank=True)
    bound = models.PositiveIntegerField(_("lower bound of breaks"), null=True, blank=True)
    elapsed = models.FloatField(_("elapsed seconds"), default=0)
    placed = models.PositiveIntegerField(_("meetings placed"), default=0)
    total = models.PositiveIntegerField(_("meetings to place"), default=0)
    solver_status = models.CharField(_("solver status"), max_length=12, blank=True)
    instance = models.JSONField(_("instance"), null=True, blank=True)
    solution = models.JSONField(_("solution"), null=True, blank=True)
    unscheduled = models.JSONField(_("unscheduled meetings"), default=list, blank=True)
    moved = models.PositiveIntegerField(_("meetings moved"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    decided_at = models.DateTimeField(_("published or discarded"), null=True, blank=True)
    decided_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("scheduler run")
        verbose_name_plural = _("scheduler runs")
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(state__in=["queued", "running", "done"]),
                name="b2b_schedule_one_active_run",
                violation_error_message=_("This session already has a scheduler run in progress."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} #{self.pk} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
