"""The account page's form: language and time zone of the signed-in person."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from missions.models import Person
from primi_site.choices import time_zone_choices


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"))

    class Meta:
        model = Person
        fields = ["language", "time_zone"]
        labels = {"language": _("Preferred language")}
        help_texts = {
            "language": _("The language of the site, the emails and your calendar feed."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(
            get_language(), keep=self.instance.time_zone if self.instance else ""
        )
        self.fields["time_zone"].help_text = _(
            "Times on the site are shown in each event's local time and in this zone."
        )


class ApiTokenForm(forms.Form):
    """A personal API token, created by its owner on the account page."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What it is for, for example “Partner CRM sync”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=[("read", _("Read only")), ("write", _("Read and write"))],
        initial="read",
    )
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=730, initial=365
    )


class EraseAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: my personal data is removed and my account closed, for good."),
        required=True,
    )
