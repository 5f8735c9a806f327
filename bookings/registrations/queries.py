"""Reads of registrations shared by the pages, the exports, the services and the API."""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from bookings.models import (
    ACTIVE_STATES,
    SEAT_STATES,
    MissionQuota,
    Registration,
    RegistrationLog,
    RegistrationState,
)
from bookings.registrations.targets import Target, kind_of
from events.models import Event
from missions.models import Mission, Person


def target_kwargs(target: Target) -> dict:
    return kind_of(target).fields(target)


def of_target(target: Target) -> QuerySet[Registration]:
    return Registration.objects.filter(**target_kwargs(target))


def seats_taken(target: Target) -> int:
    return of_target(target).filter(state__in=SEAT_STATES).count()


def waiting_count(target: Target) -> int:
    return of_target(target).filter(state=RegistrationState.WAITLISTED).count()


@dataclass(frozen=True)
class SeatCounts:
    taken: int  # confirmed or offered
    waiting: int
    mine: int  # the person's active registrations (0 or 1)


def seat_counts(target: Target, person: Person) -> SeatCounts:
    """Seats taken, people waiting and the person's active rows, in one query."""
    counts = of_target(target).aggregate(
        taken=Count("pk", filter=Q(state__in=SEAT_STATES)),
        waiting=Count("pk", filter=Q(state=RegistrationState.WAITLISTED)),
        mine=Count("pk", filter=Q(person=person, state__in=ACTIVE_STATES)),
    )
    return SeatCounts(**counts)


def waitlist(target: Target) -> QuerySet[Registration]:
    """The queue, first come first: by the stored `waitlisted_at`, then by id."""
    return (
        of_target(target)
        .filter(state=RegistrationState.WAITLISTED)
        .select_related("person__organisation")
        .order_by("waitlisted_at", "pk")
    )


def _ahead(target_field: str) -> Coalesce:
    """How many wait before the outer row in the queue of its event (or mission) and could
    take the next seat: those a full quota holds back do not count, since the seat freed
    goes past them (`seats.fill_free_seats`)."""
    rows = (
        _with_quota_holds(
            Registration.objects.filter(
                state=RegistrationState.WAITLISTED, **{target_field: OuterRef(target_field)}
            )
        )
        .filter(held_by_organisation=False, held_by_department=False)
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values(target_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _seats_held_alike(field: str):
    """Seats of the row's mission held by people whose organisation has the same `field`."""
    rows = (
        Registration.objects.filter(
            mission=OuterRef("mission"),
            state__in=SEAT_STATES,
            **{f"person__organisation__{field}": OuterRef(f"person__organisation__{field}")},
        )
        .order_by()
        .values("mission")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class QuotaWait:
    """Why a person waits beyond the queue: a quota of the mission is full for them
    (`seats.quota_problem` in SQL). The seat freed next is not theirs, so no position."""

    ORGANISATION = "organisation"
    DEPARTMENT = "department"


def _with_quota_holds(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Alias `held_by_organisation` and `held_by_department`: a waiting row of a mission
    whose organisation (or department) already holds all the seats its quota allows."""
    department_quota = Subquery(
        MissionQuota.objects.filter(
            mission=OuterRef("mission"), department=OuterRef("person__organisation__department")
        ).values("seats")[:1],
        output_field=IntegerField(),
    )
    waiting_mission = Q(state=RegistrationState.WAITLISTED, mission__isnull=False)
    by_organisation = (
        waiting_mission
        & Q(person__organisation__isnull=False, mission__seats_per_organisation__isnull=False)
        & Q(organisation_held__gte=F("mission__seats_per_organisation"))
    )
    by_department = (
        waiting_mission
        & ~Q(person__organisation__department="")
        & Q(department_quota__isnull=False, department_held__gte=F("department_quota"))
    )
    flag = {"default": Value(False), "output_field": BooleanField()}
    return registrations.alias(
        organisation_held=_seats_held_alike("id"),
        department_held=_seats_held_alike("department"),
        department_quota=department_quota,
    ).alias(
        held_by_organisation=Case(When(by_organisation, then=Value(True)), **flag),
        held_by_department=Case(When(by_department, then=Value(True)), **flag),
    )


def with_positions(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Annotate `waitlist_position` (1 for the first in the queue who could take the next
    seat, None when not waiting) and `waitlist_quota`: "organisation" or "department" when
    a full quota of the mission holds the person back, who then has no position (the next
    seat cannot be theirs)."""
    return _with_quota_holds(registrations).annotate(
        waitlist_quota=Case(
            When(held_by_organisation=True, then=Value(QuotaWait.ORGANISATION)),
            When(held_by_department=True, then=Value(QuotaWait.DEPARTMENT)),
            default=None,
            output_field=CharField(),
        ),
        waitlist_position=Case(
            When(Q(held_by_organisation=True) | Q(held_by_department=True), then=None),
            When(
                state=RegistrationState.WAITLISTED,
                event__isnull=False,
                then=_ahead("event") + 1,
            ),
            When(
                state=RegistrationState.WAITLISTED,
                mission__isnull=False,
                then=_ahead("mission") + 1,
            ),
            default=None,
            output_field=IntegerField(),
        ),
    )


def position_of(registration: Registration) -> int | None:
    """The registration's place in its waitlist; None when not waiting, or when a quota
    holds it back (`quota_wait_of` then says which)."""
    return waiting_of(registration)[0]


def quota_wait_of(registration: Registration) -> str | None:
    """ "organisation" or "department" when a full quota of the mission holds it back."""
    return waiting_of(registration)[1]


def waiting_of(registration: Registration) -> tuple[int | None, str | None]:
    """(position, quota) of `with_positions` for one registration, in one query."""
    if registration.state != RegistrationState.WAITLISTED:
        return None, None
    row = (
        with_positions(Registration.objects.filter(pk=registration.pk))
        .values_list("waitlist_position", "waitlist_quota")
        .first()
    )
    return row or (None, None)


def active_registration(person: Person | None, target: Target) -> Registration | None:
    if person is None:
        return None
    return with_positions(of_target(target).filter(person=person, state__in=ACTIVE_STATES)).first()


def registrations_of(person: Person) -> QuerySet[Registration]:
    """A person's registrations, the active ones first, with their waitlist positions."""
    active_first = Case(
        When(state__in=ACTIVE_STATES, then=0), default=1, output_field=IntegerField()
    )
    return with_positions(
        Registration.objects.filter(person=person).select_related("event", "mission")
    ).order_by(active_first, "-created_at", "-pk")


@dataclass(frozen=True)
class ReviewFilters:
    event: Event | None = None
    mission: Mission | None = None
    states: tuple[str, ...] = ()
    department: str = ""
    sector: str = ""
    organisation: int | None = None


def for_review(filters: ReviewFilters) -> QuerySet[Registration]:
    """Registrations for the staff's review list and exports, filtered."""
    rows = Registration.objects.select_related(
        "person__user", "person__organisation", "event", "mission"
    )
    if filters.event:
        rows = rows.filter(event=filters.event)
    if filters.mission:
        rows = rows.filter(mission=filters.mission)
    if filters.states:
        rows = rows.filter(state__in=filters.states)
    if filters.department:
        rows = rows.filter(person__organisation__department=filters.department)
    if filters.sector:
        rows = rows.filter(person__organisation__sectors__slug=filters.sector)
    if filters.organisation:
        rows = rows.filter(person__organisation_id=filters.organisation)
    return with_positions(rows).order_by(
        F("waitlisted_at").asc(nulls_last=True), "created_at", "pk"
    )


def history(registration: Registration) -> QuerySet[RegistrationLog]:
    return registration.log.select_related("by").order_by("at", "pk")


def quotas_of(mission: Mission) -> dict[str, int]:
    return dict(MissionQuota.objects.filter(mission=mission).values_list("department", "seats"))


def seats_taken_by_department(mission: Mission, department: str) -> int:
    return (
        of_target(mission)
        .filter(state__in=SEAT_STATES, person__organisation__department=department)
        .count()
    )


def seats_taken_by_organisation(target: Target, organisation_id: int) -> int:
    return (
        of_target(target)
        .filter(state__in=SEAT_STATES, person__organisation_id=organisation_id)
        .count()
    )


def counts_by_state(target: Target) -> dict[str, int]:
    rows = of_target(target).order_by().values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


def invariant_violations(target: Target, *, settled: bool = False) -> list[str]:
    """What is wrong with a target's registrations; empty when the rules hold.

    Used by the concurrency tests, the benchmark and anyone auditing a live event.
    `settled`: no promotion job is pending, so no seat may stay free while people wait.
    """
    problems = []
    taken = seats_taken(target)
    if target.capacity is not None and taken > target.capacity:
        problems.append(f"overbooked: {taken} seats taken for a capacity of {target.capacity}")
    duplicates = (
        of_target(target)
        .filter(state__in=ACTIVE_STATES)
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    if duplicates:
        problems.append(f"{duplicates} people hold more than one active registration")
    waiting = with_positions(of_target(target).filter(state=RegistrationState.WAITLISTED))
    # Those a full quota holds back have no position and cannot take a free seat.
    positions = sorted(
        position
        for position in waiting.values_list("waitlist_position", flat=True)
        if position is not None
    )
    if positions != list(range(1, len(positions) + 1)):
        problems.append("waitlist positions are not 1 to n")
    if settled and positions and target.capacity is not None and taken < target.capacity:
        problems.append(f"{target.capacity - taken} seats free while {len(positions)} wait")
    return problems


# The person's calendar: what their private feed and their invitations show ---------

ENDED_STATES = (RegistrationState.CANCELLED, RegistrationState.REJECTED)


def _earlier_ended(target_field: str) -> Coalesce:
    """How many of the outer row's person's registrations for its target ended before it."""
    rows = (
        Registration.objects.filter(
            person=OuterRef("person"),
            state__in=ENDED_STATES,
            pk__lt=OuterRef("pk"),
            **{target_field: OuterRef(target_field)},
        )
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def with_calendar_offsets(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Annotate `earlier_ended` (see `personal_sequence`) and `was_confirmed`."""
    confirmed_once = RegistrationLog.objects.filter(
        registration=OuterRef("pk"), to_state=RegistrationState.CONFIRMED
    )
    return registrations.annotate(
        earlier_ended=Case(
            When(event__isnull=False, then=_earlier_ended("event")),
            default=_earlier_ended("mission"),
            output_field=IntegerField(),
        ),
        was_confirmed=Exists(confirmed_once),
    )


def personal_sequence(target_sequence: int, earlier_ended: int, *, ended: bool) -> int:
    """The SEQUENCE of a target in one person's calendar.

    The target's own SEQUENCE rises with its time, place and status; the person's
    part rises with their registrations: each registration that ended adds one for
    its CANCEL, and a new registration after it one more for its REQUEST. So a
    cancellation always outranks the confirmation before it, and a registration made
    again outranks the cancellation (calendar clients ignore an update whose
    SEQUENCE did not rise).
    """
    return target_sequence + 2 * earlier_ended + (1 if ended else 0)


def earlier_ended_count(registration: Registration) -> int:
    return (
        Registration.objects.filter(
            person_id=registration.person_id,
            state__in=ENDED_STATES,
            pk__lt=registration.pk,
            **target_kwargs(registration.target),
        )
        .order_by()
        .count()
    )


def sequence_of(registration: Registration) -> int:
    """The SEQUENCE of the registration's target in its person's calendar, now."""
    return personal_sequence(
        registration.target.sequence,
        earlier_ended_count(registration),
        ended=registration.state in ENDED_STATES,
    )


def calendar_registrations(person: Person, cutoff) -> QuerySet[Registration]:
    """The person's confirmed registrations, and those cancelled after having been
    confirmed since `cutoff`, with what their calendar items need."""
    recent_end = Q(state__in=ENDED_STATES, updated_at__gte=cutoff, was_confirmed=True)
    return (
        with_calendar_offsets(
            Registration.objects.filter(person=person).select_related("event__mission", "mission")
        )
        .filter(Q(state=RegistrationState.CONFIRMED) | recent_end)
        .order_by("-pk")  # the latest first: it wins over older ones of the same target
    )
