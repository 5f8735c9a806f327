"""Forms of the B2B pages. They check the shape of the input; the services decide."""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from bookings.b2b.queries.sessions import DirectoryFilters
from bookings.models import B2BParticipant, MeetingReport
from missions.models import Sector
from primi_site.choices import country_choices, language_choices
from primi_site.text_limits import MESSAGE, NOTE, CountedTextareas


class ProfileForm(CountedTextareas, forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), widget=forms.SelectMultiple(attrs={"size": 6})
    )
    country = forms.ChoiceField(label=_("Country"))
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.order_by("slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = B2BParticipant
        fields = [
            "organisation_name",
            "country",
            "sectors",
            "offer_fr",
            "offer_en",
            "need_fr",
            "need_en",
            "languages",
            "mode",
            "logo",
        ]

    directory_consent = forms.BooleanField(
        label=_(
            "I agree that this profile (organisation, texts, photo or logo, country, sectors, "
            "languages) appears in the directory of this session, seen by its participants and "
            "the cluster's staff. I can withdraw this at any time by unticking the box."
        ),
        required=False,
    )

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directory_consent"].initial = bool(
            self.instance and self.instance.directory_consent_at
        )
        self.fields["languages"].choices = language_choices(
            language, keep=list(getattr(self.instance, "languages", None) or [])
        )
        # No country chosen yet (a guest without an organisation): an empty first choice,
        # so that the form asks rather than showing the first country of the list.
        self.fields["country"].choices = [("", _("Choose a country")), *country_choices(language)]
        self.fields["sectors"].label_from_instance = lambda sector: sector.tr("name", language).text


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    within = forms.ChoiceField(
        label=_("Search in"),
        required=False,
        choices=[
            ("all", _("Everything")),
            ("offer", _("What they offer")),
            ("need", _("What they look for")),
        ],
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    mode = forms.ChoiceField(
        label=_("Meetings"),
        required=False,
        choices=[("", _("In person or online")), *B2BParticipant.Mode.choices[:2]],
    )

    def __init__(self, *args, language: str, sectors, countries: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(country_choices(language))
        self.fields["sector"].choices = [("", _("All sectors"))] + [
            (s.slug, s.tr("name", language).text) for s in sectors
        ]
        self.fields["country"].choices = [("", _("All countries"))] + [
            (c, names.get(c, c)) for c in countries
        ]
        self.fields["language"].choices = [("", _("All languages")), *language_choices(language)]

    def filters(self) -> DirectoryFilters:
        if not self.is_bound or not self.is_valid():
            return DirectoryFilters()
        data = self.cleaned_data
        return DirectoryFilters(
            text=data["q"],
            within=data["within"] or "all",
            sectors=[data["sector"]] if data["sector"] else [],
            countries=[data["country"]] if data["country"] else [],
            languages=[data["language"]] if data["language"] else [],
            mode=data["mode"],
        )


class RequestForm(CountedTextareas, forms.Form):
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AnswerForm(CountedTextareas, forms.Form):
    answer = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=MESSAGE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SlotForm(forms.Form):
    slot = forms.IntegerField(label=_("Slot"), min_value=1)
    online = forms.BooleanField(label=_("Online meeting"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=300)


class ReportForm(CountedTextareas, forms.Form):
    took_place = forms.TypedChoiceField(
        label=_("Did the meeting take place?"),
        choices=[("yes", _("Yes")), ("no", _("No, the other side did not come"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=MeetingReport.Outcome.choices, required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScheduleForm(forms.Form):
    time_limit = forms.IntegerField(
        label=_("Time limit (seconds)"),
        initial=60,
        help_text=_("The scheduler stops with its best schedule after this time."),
    )
    allow_moves = forms.BooleanField(
        label=_("Published meetings may move"),
        required=False,
        help_text=_(
            "Unticked, meetings already published keep their slots and only new ones are "
            "placed. Ticked, the fewest possible meetings are moved; meetings booked by hand "
            "never move."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit = self.fields["time_limit"]
        limit.min_value, limit.max_value = settings.SOLVER_MIN_SECONDS, settings.SOLVER_MAX_SECONDS
        limit.validators += [
            MinValueValidator(limit.min_value),
            MaxValueValidator(limit.max_value),
        ]
        limit.widget.attrs.update(min=limit.min_value, max=limit.max_value)
