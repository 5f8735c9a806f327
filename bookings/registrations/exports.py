"""Participants' lists for staff, as CSV and as a spreadsheet (XLSX).

One query for the rows however many there are: the caller passes a queryset from
`bookings.registrations.queries.for_review`, which selects the person, user, organisation and
target with it and annotates the waitlist positions.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from bookings.models import Registration
from primi_site.bilingual import localized

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def headers() -> list[str]:
    return [
        _("Last name"),
        _("First name"),
        _("Email"),
        _("Organisation"),
        _("Department"),
        _("Country"),
        _("Role"),
        _("Language"),
        _("Event or mission"),
        _("State"),
        _("Waitlist position"),
        _("Registered at (UTC)"),
        _("Company pitch"),
        _("Goals for the trip"),
        _("Markets targeted"),
    ]


def safe(value: object) -> object:
    """Keep spreadsheet programs from running a cell as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows(registrations: QuerySet[Registration], language: str) -> Iterator[list]:
    for registration in registrations.iterator(chunk_size=500):
        person = registration.person
        user = person.user
        organisation = person.organisation
        yield [
            safe(value)
            for value in (
                user.last_name,
                user.first_name,
                user.email,
                organisation.name if organisation else "",
                organisation.department if organisation else "",
                organisation.country if organisation else "",
                person.get_role_display(),
                person.language,
                localized(registration.target, "title", language).text,
                registration.get_state_display(),
                registration.waitlist_position or "",
                registration.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
                registration.company_pitch,
                registration.trip_goals,
                registration.target_markets,
            )
        ]


def as_csv(lines: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    writer.writerows(lines)
    # The byte order mark makes spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(lines: Iterable[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Participants"))
    sheet.append(headers())
    for line in lines:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
