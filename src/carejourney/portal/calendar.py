"""An appointment as an iCalendar file (RFC 5545), dated in the clinic's time zone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event


def appointment_ics(appt: dict, journey_id: int, clinic) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//carejourney//portal//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    ev = Event()
    ev.add("uid", f"journey-{journey_id}-{appt['visit']}@carejourney")
    ev.add("dtstamp", timezone.now())
    ev.add("summary", f"{appt['title']} — {clinic.name}")
    desc = appt["purpose"]
    if appt["at"] is None and appt["window_start"] != appt["window_end"]:
        desc += "\n" + _("Any day from %(start)s to %(end)s works. Call %(phone)s to book a time.") % {
            "start": appt["window_start"].isoformat(), "end": appt["window_end"].isoformat(), "phone": clinic.phone}
    ev.add("description", desc)
    ev.add("location", clinic.name)
    if appt["at"] is not None:
        start = appt["at"].astimezone(clinic.tz)
        ev.add("dtstart", start)
        ev.add("dtend", start + dt.timedelta(minutes=90))
    else:
        ev.add("dtstart", appt["due"])
        ev.add("dtend", appt["due"] + dt.timedelta(days=1))
    cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()
