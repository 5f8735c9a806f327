"""Email backends for tests: a mail server that is down."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """Every send fails, as when the mail server does not answer."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("mail server down")
