"""The staff's event form: times typed in the event's own zone, stored in UTC."""

from datetime import datetime

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.timing import all_day_bounds, timed_bounds
from primi_site.timezones import zone


class LocalSplitDateTimeField(forms.SplitDateTimeField):
    """A date and a time kept naive: they are read in the event's zone, not the viewer's."""

    def compress(self, data_list):
        if not data_list:
            return None
        day, clock = data_list
        if day in self.empty_values:
            raise ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if clock in self.empty_values:
            raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return datetime.combine(day, clock)


class EventAdminForm(forms.ModelForm):
    local_start = LocalSplitDateTimeField(
        label=_("Starts (local time)"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=_("In the event's time zone. Leave empty for an all-day event."),
    )
    local_end = LocalSplitDateTimeField(
        label=_("Ends (local time)"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=_("In the event's time zone."),
    )

    class Meta:
        model = Event
        fields = [
            "kind", "status", "slug", "mission", "title_fr", "title_en",
            "description_fr", "description_en", "time_zone", "all_day",
            "start_date", "end_date", "venue_name", "venue_address", "city", "country",
            "online_url", "capacity", "members_only", "registration_opens_at",
            "registration_closes_at", "cancellation_deadline", "waitlist_enabled",
            "waitlist_mode", "offer_hours",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.instance
        if event.pk and not event.all_day and event.time_zone:
            tz = zone(event.time_zone)
            self.initial["local_start"] = event.starts_at.astimezone(tz).replace(tzinfo=None)
            self.initial["local_end"] = event.ends_at.astimezone(tz).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        if not zone_name:
            return cleaned  # the time zone field carries its own error
        try:
            if cleaned.get("all_day"):
                self._clean_all_day(cleaned, zone_name)
            else:
                self._clean_timed(cleaned, zone_name)
        except ValidationError as exc:
            self._add_errors(exc)
        return cleaned

    def _clean_all_day(self, cleaned: dict, zone_name: str) -> None:
        first, last = cleaned.get("start_date"), cleaned.get("end_date")
        missing = {}
        if not first:
            missing["start_date"] = _("An all-day event needs its first day.")
        if not last:
            missing["end_date"] = _("An all-day event needs its last day.")
        if missing:
            raise ValidationError(missing)
        self.instance.starts_at, self.instance.ends_at = all_day_bounds(first, last, zone_name)
        cleaned["local_start"] = cleaned["local_end"] = None

    def _clean_timed(self, cleaned: dict, zone_name: str) -> None:
        start, end = cleaned.get("local_start"), cleaned.get("local_end")
        missing = {}
        if not start and "local_start" not in self.errors:
            missing["local_start"] = _("Give the start, or tick “all day”.")
        if not end and "local_end" not in self.errors:
            missing["local_end"] = _("Give the end, or tick “all day”.")
        if missing:
            raise ValidationError(missing)
        if not start or not end:
            return
        try:
            self.instance.starts_at, self.instance.ends_at = timed_bounds(start, end, zone_name)
        except ValidationError as exc:
            renamed = {
                {"start": "local_start", "end": "local_end"}[key]: value
                for key, value in exc.error_dict.items()
            }
            raise ValidationError(renamed) from exc
        cleaned["start_date"] = cleaned["end_date"] = None

    def _add_errors(self, exc: ValidationError) -> None:
        for field, errors in exc.error_dict.items():
            for error in errors:
                self.add_error(field, error)
