"""How long the free texts people write may be, in characters (docs/limits.md).

One table for the models (a validator, so that `full_clean` and the services refuse more),
the forms (`max_length`: the browser's `maxlength` and a counter in the page, see
`CountedTextareas`) and the API schemas (`max_length`, shown in the OpenAPI document).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy, ngettext

from primi_site.errors import InvalidInput
from primi_site.formatting import format_number

APPLICATION_ANSWER = 2000  # a mission application: the company pitch, the goals for the trip
PROFILE_TEXT = 1000  # a B2B profile: what we offer, what we look for (each language)
MESSAGE = 1000  # a meeting request's message, and the answer to it
REASON = 2000  # why: a staff decision, a cancellation
NOTE = 2000  # a meeting report's note
DESCRIPTION = 10000  # staff texts: a mission's or an event's description, eligibility


class TextLimit(MaxLengthValidator):
    """At most `limit_value` characters, said with both numbers written in the reader's
    language and the plural the limit needs."""

    def __call__(self, value) -> None:
        count = len(value)
        if count > self.limit_value:
            raise ValidationError(
                ngettext(
                    "At most %(limit)s character (this text has %(count)s).",
                    "At most %(limit)s characters (this text has %(count)s).",
                    self.limit_value,
                )
                % {"limit": format_number(self.limit_value), "count": format_number(count)},
                code="max_length",
            )


def limited(limit: int) -> dict:
    """Keyword arguments of a `TextField` of at most `limit` characters: `max_length` for
    its form field, and the validator that the model (`full_clean`) applies."""
    return {"max_length": limit, "validators": [TextLimit(limit)]}


class TooLong(InvalidInput):
    """A text longer than its field allows, refused by a service (422, naming the field)."""

    code = "too_long"
    message = gettext_lazy("%(label)s: %(detail)s")


def check_lengths(model, values: dict[str, str]) -> None:
    """Refuse the first of `values` longer than its field of `model` allows."""
    for name, value in values.items():
        field = model._meta.get_field(name)
        for validator in field.validators:
            if isinstance(validator, MaxLengthValidator):
                try:
                    validator(value)
                except ValidationError as error:
                    raise TooLong(
                        field=name,
                        label=capfirst(field.verbose_name),
                        detail=" ".join(error.messages),
                    ) from error


def counter_texts() -> dict[str, str]:
    """The counter's two plural forms in the active language, for the page's script
    (`primi/char_count.js` picks one with the language's plural rules)."""
    singular = "%(count)s character of %(max)s"
    plural = "%(count)s characters of %(max)s"
    return {
        "data-count-one": ngettext(singular, plural, 1),
        "data-count-other": ngettext(singular, plural, 2),
    }


class CountedTextareas:
    """A form mixin: each text area with a `max_length` shows, as one types, how many
    characters it holds of how many it may (the browser's `maxlength` stops at the limit;
    without the script, that alone). The form's media bring the script to its page only."""

    @property
    def media(self) -> forms.Media:
        return super().media + forms.Media(js=[forms.Script("primi/char_count.js", defer=True)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        counted = [
            name
            for name, field in self.fields.items()
            if isinstance(field.widget, forms.Textarea) and getattr(field, "max_length", None)
        ]
        for name in counted:
            field = self.fields[name]
            field.widget.attrs.update({"data-count": "", **counter_texts()})
            # The model's message (numbers in the reader's language) rather than Django's.
            field.validators = [
                v for v in field.validators if not isinstance(v, MaxLengthValidator)
            ] + [TextLimit(field.max_length)]
        if self.is_bound and counted:
            # Browsers count a line break as one character and send it as two (CR LF):
            # counted as sent, a text the page let through would be refused.
            data = self.data.copy()
            for name in counted:
                key = self.add_prefix(name)
                value = data.get(key)
                if isinstance(value, str) and "\r" in value:
                    data[key] = value.replace("\r\n", "\n").replace("\r", "\n")
            self.data = data
