"""Domain errors of the bookings app: each class declares its `code`, HTTP `status` and
translated message once (`primi_site.errors.DomainError`); the API and the pages map
them from there.

Registrations: `RegistrationError` and its subclasses, 422 (the input or the rules say
no) unless the class says 409 (the state of the world says no: already registered,
full, a state that cannot change this way).

B2B meetings: `BookingError` carries its message (translated when raised) and its code,
given where it is raised; its class gives the status: `Conflict` is 409 (slot taken,
request withdrawn), `Invalid` and `NotAllowed` are 422 (the input or the session's
rules say no).
"""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from primi_site.errors import DomainError


class RegistrationError(DomainError):
    status = 422
    code = "registration_error"
    message = _("This registration cannot be made.")


class NoProfile(RegistrationError):
    code = "no_profile"
    message = _("Your account has no profile yet; the cluster's staff can create it.")


class AlreadyRegistered(RegistrationError):
    status = 409
    code = "already_registered"
    message = _("You are already registered; your registration is unchanged.")


class AlreadyApplied(AlreadyRegistered):
    message = _("You have already applied for this mission; your application is unchanged.")


class RegistrationClosed(RegistrationError):
    code = "registration_closed"
    message = _("Registration is closed.")


class EventFull(RegistrationError):
    status = 409
    code = "event_full_no_waitlist"
    message = _("The event is full and has no waitlist.")


class MembersOnly(RegistrationError):
    code = "members_only"
    message = _("This event is open to the people of member companies only.")


class InvalidInvitation(RegistrationError):
    code = "invalid_invitation"
    message = _(
        "This invitation link is not valid. Check the link, or ask the staff for a new one."
    )


class ExpiredInvitation(InvalidInvitation):
    code = "invitation_expired"
    message = _("This invitation has expired. Ask the staff for a new one.")


class UsedInvitation(InvalidInvitation):
    code = "invitation_used"
    message = _("This invitation has already been used. Sign in to see your registration.")


class counted:
    """A message in plural forms: `choose(n)` with the error's `key` param as n, read in
    the active language when the error is shown (`message = counted("seats", lambda n:
    ngettext(..., n))`)."""

    def __init__(self, key: str, choose) -> None:
        self.key, self.choose = key, choose

    def __get__(self, error, owner=None):
        if error is None:  # read on the class (documentation): lazily, the plural
            return lazy(self.choose, str)(2)
        return self.choose((getattr(error, "params", None) or {}).get(self.key, 0))


class CapacityBelowConfirmed(RegistrationError):
    status = 409
    code = "capacity_below_confirmed"
    message = counted(
        "count",
        lambda n: ngettext(
            "The capacity cannot be lower than %(count)s: a seat is already confirmed or offered.",
            "The capacity cannot be lower than the %(count)s seats already confirmed or offered.",
            n,
        ),
    )


class CancellationClosed(RegistrationError):
    code = "cancellation_closed"
    message = _("The cancellation deadline has passed; contact the staff to cancel.")


class InvalidTransition(RegistrationError):
    status = 409
    code = "invalid_transition"
    message = _("A registration in the state “%(state)s” cannot be changed this way.")


class NoSeatLeft(RegistrationError):
    status = 409
    code = "no_seat_left"
    message = counted(
        "capacity",
        lambda n: ngettext("The only seat is taken.", "All %(capacity)s seats are taken.", n),
    )


class DepartmentQuotaFull(RegistrationError):
    status = 409
    code = "department_quota_full"
    message = counted(
        "seats",
        lambda n: ngettext(
            "The only seat kept for the department %(department)s is taken.",
            "The %(seats)s seats kept for the department %(department)s are taken.",
            n,
        ),
    )


class OrganisationQuotaFull(RegistrationError):
    status = 409
    code = "organisation_quota_full"
    message = counted(
        "seats",
        lambda n: ngettext(
            "%(organisation)s already has its seat on this mission (one per organisation).",
            "%(organisation)s already has its %(seats)s seats on this mission.",
            n,
        ),
    )


class OfferExpired(RegistrationError):
    code = "offer_expired"
    message = _("This offer has expired.")


class IncompleteApplication(RegistrationError):
    code = "incomplete_application"
    message = _("Answer every question of the application: %(fields)s.")


class ReasonRequired(RegistrationError):
    code = "reason_required"
    message = _("Give a reason for this decision.")


# B2B meetings ------------------------------------------------------------------------


class BookingError(DomainError):
    status = 422
    code = "invalid"
    message = _("This cannot be done in this session.")


class Invalid(BookingError):
    """The input cannot be right, whatever others do (422)."""


class Conflict(BookingError):
    """The input was fine but the current state refuses it (409)."""

    status = 409


class NotAllowed(BookingError):
    """The rules of the session forbid it (422)."""
