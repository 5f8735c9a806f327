"""Email backends for tests: a mail server that is down."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """Every send fails, as when the mail server does not answer."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("mail server down")


class PausingBackend(BaseEmailBackend):
    """The file backend with a pause, before or after the mail server accepts the message
    (`MAIL_PAUSE=before|after`), so that a test can kill the worker at that point; the
    file MAIL_PAUSE_MARKER is written when the pause starts."""

    def send_messages(self, email_messages):
        import os
        import time

        from django.core.mail.backends.filebased import EmailBackend

        where = os.environ.get("MAIL_PAUSE", "")
        marker = os.environ.get("MAIL_PAUSE_MARKER", "")
        seconds = float(os.environ.get("MAIL_PAUSE_SECONDS", "30"))

        def pause():
            if marker and not os.path.exists(marker):
                with open(marker, "w", encoding="utf-8") as handle:
                    handle.write(where)
                time.sleep(seconds)

        if where == "before":
            pause()
        sent = EmailBackend(fail_silently=self.fail_silently).send_messages(email_messages)
        if where == "after":
            pause()
        return sent
