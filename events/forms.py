"""Forms of the public calendar and of the staff's event editing."""

from datetime import date

from babel.dates import format_date
from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event
from primi_site.choices import country_choices, sort_key
from primi_site.formatting import babel_locale, month_starts


class CalendarFilterForm(forms.Form):
    """Filters of the public calendar; every field optional, bad values reported."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    mission = forms.ChoiceField(label=_("Mission"), required=False)
    month = forms.ChoiceField(label=_("Month"), required=False)

    def __init__(self, *args, language: str, today: date, countries: list[str], missions, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(country_choices(language))
        self.fields["kind"].choices = [("", _("All kinds")), *Event.Kind.choices]
        named = sorted(((c, names.get(c, c)) for c in countries), key=lambda c: sort_key(c[1]))
        self.fields["country"].choices = [("", _("All countries")), *named]
        self.fields["mission"].choices = [("", _("All missions"))] + [
            (mission.slug, mission.tr("title", language).text) for mission in missions
        ]
        self.fields["month"].choices = [("", _("All months"))] + [
            (
                first.strftime("%Y-%m"),
                format_date(first, "LLLL y", locale=babel_locale(language)).capitalize(),
            )
            for first in month_starts(today, 13)
        ]

    def cleaned_month(self) -> date | None:
        value = self.cleaned_data.get("month")
        if not value:
            return None
        year, month = value.split("-")
        return date(int(year), int(month), 1)
