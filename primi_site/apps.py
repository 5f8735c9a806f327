from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrimiSiteConfig(AppConfig):
    name = "primi_site"
    verbose_name = _("Site")
