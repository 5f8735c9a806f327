"""Housekeeping: what is no longer needed goes, on a schedule.

- Invitations never used, expired for more than `CLEANUP_AFTER_DAYS` (they hold a
  guest's email address and nothing else of use).
- django-q2's records of finished jobs older than `CLEANUP_AFTER_DAYS`.
- Account emails (password resets) past the day they may still be sent: they hold an
  address, perhaps of nobody with an account, and nothing else.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_q.models import Failure, Success

from bookings.models import Invitation
from primi_site.models import AccountEmail
from primi_site.services.account_emails import STILL_WANTED


def clean_up(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    before = now - timedelta(days=settings.CLEANUP_AFTER_DAYS)
    invitations, _ = Invitation.objects.filter(
        used_at__isnull=True, expires_at__lt=before, registrations__isnull=True
    ).delete()
    successes, _ = Success.objects.filter(stopped__lt=before).delete()
    failures, _ = Failure.objects.filter(stopped__lt=before).delete()
    account_emails, _ = AccountEmail.objects.filter(created_at__lt=now - STILL_WANTED).delete()
    return {
        "invitations": invitations,
        "job_results": successes + failures,
        "account_emails": account_emails,
    }
