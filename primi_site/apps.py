from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrimiSiteConfig(AppConfig):
    name = "primi_site"
    verbose_name = _("Site")

    def ready(self) -> None:
        from events.models import Event
        from missions.models import Mission
        from primi_site import api_cache, outbox
        from primi_site.services import account_emails

        # Rendered API lists show events and their missions: any change invalidates them.
        api_cache.connect(Event, Mission)
        outbox.register(account_emails.CHANNEL)
