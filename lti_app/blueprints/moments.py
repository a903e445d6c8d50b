"""Times on pages: sent in UTC, readable without JavaScript, and shown in the viewer's time zone by
static/js/local-times.js, which names the zone."""
from datetime import timezone

from markupsafe import Markup


def when(moment, seconds=False):
    """A <time> element: its datetime in UTC for the script, its text in UTC for a page without it.
    `seconds` where several events share a minute (an attempt's timeline)."""
    if moment is None:
        return "–"
    utc = moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    if seconds:
        return Markup('<time datetime="{}" data-seconds="true">{}</time>').format(
            utc.strftime("%Y-%m-%dT%H:%M:%SZ"), utc.strftime("%Y-%m-%d %H:%M:%S UTC"))
    return Markup('<time datetime="{}">{}</time>').format(utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                          utc.strftime("%Y-%m-%d %H:%M UTC"))
