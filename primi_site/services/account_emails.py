"""Account emails (a password reset link), through the one outbox.

Asking for a reset writes an `AccountEmail` row for the address given, whether or not an
account has it, and the page answers at once: the mail server's time or failure is never
the page's, and the answer tells nobody whether an account exists. The job writes the
email when it sends it, minting the link then, so no link is ever stored; an address
without an account is settled with nothing sent.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from primi_site import outbox
from primi_site.models import AccountEmail

# A reset asked for longer ago than this is not sent any more (the person has moved on).
STILL_WANTED = timedelta(days=1)


def request_password_reset(email: str, language: str) -> AccountEmail:
    """Owe a reset email to `email`; its job sends it after the commit."""
    with transaction.atomic():
        row = AccountEmail.objects.create(
            kind=AccountEmail.Kind.PASSWORD_RESET, email=email.strip(), language=language
        )
        outbox.enqueue(row)
    return row


def reset_link(user) -> str:
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def build_password_reset(row: AccountEmail) -> EmailMessage | None:
    """The email with one link per active account of the address; None without one."""
    users = list(auth_forms.PasswordResetForm().get_users(row.email))
    if not users:
        return None
    with translation.override(row.language):  # the language of the page it was asked on
        context = {"accounts": [(user.get_username(), reset_link(user)) for user in users]}
        subject = render_to_string("registration/password_reset_subject.txt", context)
        body = render_to_string("registration/password_reset_email.html", context)
    return EmailMessage(" ".join(subject.split()), body, to=[users[0].email])


def _still_wanted(now: datetime) -> Q:
    return Q(created_at__gt=now - STILL_WANTED)


CHANNEL = outbox.Channel(
    name="account-email",
    model=AccountEmail,
    build=build_password_reset,
    owed=_still_wanted,
    label=_("Password reset emails"),
)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, saving through the outbox instead of sending within the request."""

    def save(self, *args, **kwargs) -> None:
        request_password_reset(self.cleaned_data["email"], translation.get_language() or "fr")
