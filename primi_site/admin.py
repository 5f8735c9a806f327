from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("PRIMI international — staff")
admin.site.site_title = _("PRIMI international")
admin.site.index_title = _("Missions, events and registrations")
