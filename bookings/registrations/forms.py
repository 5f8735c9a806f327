"""Forms of the registration pages and of the staff's review."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bookings.models import Registration, RegistrationState
from bookings.registrations.services.applications import Decision
from bookings.registrations.services.invitations import NewAccount, email_taken
from events.models import Event
from missions.models import Department, Language, Mission, Organisation, Sector
from primi_site.bilingual import localized
from primi_site.choices import time_zone_choices
from primi_site.text_limits import REASON, CountedTextareas


class ApplicationForm(CountedTextareas, forms.ModelForm):
    class Meta:
        model = Registration
        fields = ["company_pitch", "trip_goals", "target_markets"]
        widgets = {
            "company_pitch": forms.Textarea(attrs={"rows": 5}),
            "trip_goals": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "company_pitch": _("Your company in a few lines: what you make, for whom."),
            "trip_goals": _("Whom you want to meet and what you hope to bring back."),
            "target_markets": _("The countries or regions you target, for example Canada, USA."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReasonForm(CountedTextareas, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(CountedTextareas, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.ACCEPT, pgettext_lazy("decision", "Accept")),
            (Decision.WAITLIST, pgettext_lazy("decision", "Waitlist")),
            (Decision.REJECT, pgettext_lazy("decision", "Reject")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject; shown in the history and in the email."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.REJECT and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for this decision."))
        return cleaned


class BulkDecisionForm(DecisionForm):
    registrations = forms.ModelMultipleChoiceField(
        label=_("Registrations"),
        queryset=Registration.objects.all(),
        error_messages={"required": _("Tick at least one registration.")},
    )

    field_order = ["decision", "reason"]


def target_label(target: Event | Mission, language: str) -> str:
    return localized(target, "title", language).text


class ReviewFilterForm(forms.Form):
    mission = forms.ModelChoiceField(
        label=_("Mission"), queryset=Mission.objects.none(), required=False
    )
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.none(), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = Mission.objects.order_by("-start_date", "slug")
        self.fields["mission"].label_from_instance = lambda m: target_label(m, language)
        self.fields["event"].queryset = Event.objects.order_by("-starts_at", "slug")
        self.fields["event"].label_from_instance = lambda e: target_label(e, language)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        every = [("", _("All"))]
        self.fields["state"].choices = every + list(RegistrationState.choices)
        self.fields["department"].choices = every + list(Department.choices)
        self.fields["sector"].choices = every + [
            (sector.slug, localized(sector, "name", language).text)
            for sector in Sector.objects.order_by("slug")
        ]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Guest's email"))
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=Language.choices, initial="en"
    )
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.none(), required=False)
    mission = forms.ModelChoiceField(
        label=_("Mission"), queryset=Mission.objects.none(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("The guest's organisation abroad, when it is known."),
    )

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = Event.objects.filter(
            status=Event.Status.PUBLISHED
        ).order_by("starts_at", "slug")
        self.fields["event"].label_from_instance = lambda e: target_label(e, language)
        self.fields["mission"].queryset = Mission.objects.filter(
            status=Mission.Status.PUBLISHED
        ).order_by("start_date", "slug")
        self.fields["mission"].label_from_instance = lambda m: target_label(m, language)
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            kind=Organisation.Kind.MEMBER
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("event")) == bool(cleaned.get("mission")):
            raise forms.ValidationError(_("Choose one event or one mission."))
        return cleaned

    @property
    def target(self) -> Event | Mission:
        return self.cleaned_data["event"] or self.cleaned_data["mission"]


class GuestAccountForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        # The page's script sets the browser's zone here when nothing was chosen yet.
        widget=forms.Select(attrs={"data-browser-zone": "1"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["time_zone"].choices = time_zone_choices(get_language())
        if self.is_bound:  # what the guest chose stays, whatever the browser says
            self.fields["time_zone"].widget.attrs.pop("data-browser-zone", None)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        if email_taken(self.email):
            raise forms.ValidationError(
                _("An account already uses this email: sign in, then open the link again.")
            )
        return cleaned

    def account(self) -> NewAccount:
        data = self.cleaned_data
        return NewAccount(
            first_name=data["first_name"],
            last_name=data["last_name"],
            password=data["password1"],
            language=data["language"],
            time_zone=data["time_zone"],
        )
