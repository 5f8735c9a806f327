"""Staff pages of the site itself: the outbox's deliveries in trouble, and their retry."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from primi_site import outbox
from primi_site.permissions import staff_required

PAGE_SIZE = 50


def _rows(chan: outbox.Channel) -> dict:
    troubles = outbox.troubles(chan)
    return {
        "channel": chan,
        "count": troubles.count(),
        "failed": troubles.filter(failed_at__isnull=False).count(),
        "rows": [
            {
                "pk": row.pk,
                "what": str(row),
                "to": outbox.recipient_of(chan, row),
                "attempts": row.attempts,
                "error": row.last_error,
                "created": row.created_at,
                "next": row.next_attempt_at,
                "failed": row.failed_at,
            }
            for row in troubles[:PAGE_SIZE]
        ],
    }


@staff_required
def staff_outbox(request: HttpRequest) -> HttpResponse:
    """Every email that failed at least once and is not sent yet, by kind."""
    sections = [_rows(chan) for chan in outbox.channels()]
    return render(
        request,
        "primi_site/staff_outbox.html",
        {"sections": sections, "total": sum(s["count"] for s in sections)},
    )


@staff_required
@require_POST
def staff_outbox_retry(request: HttpRequest, channel: str, pk: int) -> HttpResponse:
    try:
        chan = outbox.channel(channel)
    except KeyError:
        raise Http404 from None
    if outbox.retry(chan.name, pk):
        messages.success(request, gettext("The email will be sent again in a moment."))
    else:
        messages.info(request, gettext("This email was sent meanwhile."))
    return redirect("staff_outbox")
