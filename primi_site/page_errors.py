"""Refusals of the domain on the pages, in one place.

A view calls the service and hands any `DomainError` to `show_refusal`: the message goes
on the form's field the refusal concerns (or on the form as a whole) when the view shows
a form, else it is a message on the next page. Admin forms turn it into a
`ValidationError` with `validation_error`. Either way the text is the error's own, in the
page's language.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from primi_site.errors import DomainError


def show_refusal(request: HttpRequest, error: DomainError, form: forms.BaseForm | None = None):
    """Show `error` on `form` (on its field when the form has it), else as a message."""
    if form is None:
        messages.error(request, str(error))
        return
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def validation_error(error: DomainError) -> ValidationError:
    """`error` as a form's ValidationError, keeping its code."""
    return ValidationError(str(error), code=error.code)
