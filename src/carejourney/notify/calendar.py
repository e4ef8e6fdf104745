"""Calendar invitations (RFC 5545 / iTIP RFC 5546) for booked visits.

One UID per visit for the life of the journey; each reschedule is a higher SEQUENCE with
METHOD:REQUEST, a cancellation METHOD:CANCEL with STATUS:CANCELLED. No VALARM: many calendar apps
ignore it, so reminders are sent as messages instead.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, vCalAddress, vText

from carejourney.notify.plan import CalendarEntry


def invitation_ics(entry: CalendarEntry, organizer: str, attendee: str, stamp: dt.datetime) -> str:
    cal = Calendar()
    cal.add("prodid", "-//carejourney//reminders//EN")
    cal.add("version", "2.0")
    cal.add("method", entry.method)
    ev = Event()
    ev.add("uid", entry.uid)
    ev.add("sequence", entry.sequence)
    ev.add("dtstamp", stamp.astimezone(dt.timezone.utc))
    ev.add("dtstart", entry.start)
    ev.add("dtend", entry.end)
    ev.add("summary", entry.summary)
    ev.add("description", entry.description)
    ev.add("location", entry.location)
    ev.add("status", "CANCELLED" if entry.method == "CANCEL" else "CONFIRMED")
    ev.add("transp", "OPAQUE")
    org = vCalAddress(f"mailto:{organizer}")
    org.params["cn"] = vText(entry.location)
    ev["organizer"] = org
    if attendee:
        att = vCalAddress(f"mailto:{attendee}")
        att.params["role"] = vText("REQ-PARTICIPANT")
        att.params["partstat"] = vText("NEEDS-ACTION")
        att.params["rsvp"] = vText("FALSE")
        ev.add("attendee", att, encode=0)
    cal.add_component(ev)
    # A VTIMEZONE covering the visit's year and the next keeps the file small and exact.
    cal.add_missing_timezones(first_date=dt.date(entry.start.year, 1, 1), last_date=dt.date(entry.start.year + 2, 1, 1))
    return cal.to_ical().decode("utf-8")
