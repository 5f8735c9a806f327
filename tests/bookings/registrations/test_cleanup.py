from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Success

from bookings import tasks
from bookings.models import Invitation
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def invitation(expires_at, **kwargs):
    return Invitation.objects.create(
        token_hash=f"{Invitation.objects.count():064d}",
        email="guest@example.org",
        event=EventFactory(),
        expires_at=expires_at,
        **kwargs,
    )


def test_clean_up_removes_long_expired_invitations_and_old_job_results(settings):
    settings.CLEANUP_AFTER_DAYS = 30
    now = timezone.now()
    old = invitation(now - timedelta(days=40))
    recent = invitation(now - timedelta(days=5))
    used = invitation(now - timedelta(days=40), used_at=now - timedelta(days=45))
    for age, name in ((40, "old"), (1, "new")):
        Success.objects.create(
            id=name * 4,
            name=name,
            func="f",
            started=now - timedelta(days=age),
            stopped=now - timedelta(days=age),
            success=True,
        )

    assert tasks.clean_up() == {"invitations": 1, "job_results": 1, "account_emails": 0}
    assert set(Invitation.objects.values_list("pk", flat=True)) == {recent.pk, used.pk}
    assert not Invitation.objects.filter(pk=old.pk).exists()
    assert list(Success.objects.values_list("name", flat=True)) == ["new"]


def test_clean_up_removes_account_emails_a_day_old_whether_sent_or_not():
    from primi_site.models import AccountEmail

    now = timezone.now()
    rows = {
        age: AccountEmail.objects.create(kind="password-reset", email=f"{age}@example.org")
        for age in (0, 2)
    }
    AccountEmail.objects.filter(pk=rows[2].pk).update(created_at=now - timedelta(days=2))
    assert tasks.clean_up()["account_emails"] == 1
    assert list(AccountEmail.objects.values_list("email", flat=True)) == ["0@example.org"]
