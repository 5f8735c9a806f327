"""English pages read British dates (day, month, year; 24-hour clock), as Babel's en_GB
does in `primi_site.formatting`: Django's own formats (the admin, `|date`) follow."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

# The 24-hour clock, as on the rest of the site ("04/03/2027 10:30").
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
