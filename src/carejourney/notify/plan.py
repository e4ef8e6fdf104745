"""What to send, to whom and when: the pathway's reminder rules applied to a journey's view.

Pure: no Django, no I/O. Given the journey as it stands, `plan` returns every message the journey
calls for, each with a stable idempotency key. The outbox stores them; when the journey changes the
plan is made again and compared by key, so a reschedule moves reminders (the key carries the date)
and an exit drops them. Moments are computed in the clinic's time zone, kept out of quiet hours, and
carry an expiry so a reminder whose moment passed long ago is never sent late as if fresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from carejourney.journey import JourneyView
from carejourney.outcomes.due import DUE, OVERDUE, UPCOMING, QuestionnaireDue
from carejourney.pathways.reminder_rules import MessageText, Paragraph, QuietHours, ReminderRules
from carejourney.pathways.schedule import CANCELLED, COMPLETED, Appointment, review_date
from carejourney.pathways.schema import Pathway
from carejourney.pathways.schema_base import DEFAULT_LANGUAGE

PATIENT, STAFF = "patient", "staff"
EMAIL, SMS, NO_CHANNEL = "email", "sms", "none"


@dataclass(frozen=True)
class Contact:
    """How the patient wants to hear from the clinic."""

    channel: str  # email | sms | none
    language: str = DEFAULT_LANGUAGE
    #: The address for the channel is on file (an email address, a phone number).
    reachable: bool = True


@dataclass(frozen=True)
class ClinicInfo:
    name: str
    phone: str
    tz: ZoneInfo
    #: Where the patient fills in questionnaires (the portal home), as written in an email.
    portal_url: str = "/portal/"


@dataclass(frozen=True)
class CalendarEntry:
    """An RFC 5545 event: the UID is the same for every version of the visit; SEQUENCE goes up."""

    uid: str
    sequence: int
    method: str  # REQUEST | CANCEL
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str
    location: str


@dataclass(frozen=True)
class Planned:
    key: str
    kind: str  # preparation | reminder | invitation | cancellation | questionnaire | staff-alert
    audience: str  # patient | staff
    channel: str
    language: str
    send_at: dt.datetime
    expires_at: dt.datetime
    subject: str
    paragraphs: tuple[str, ...]
    #: Staff alerts go to these roles at the clinic.
    roles: tuple[str, ...] = ()
    calendar: CalendarEntry | None = None
    visit: str = ""
    #: Frame text (greeting, sign-off ...) in the message's language.
    frame: dict[str, str] = field(default_factory=dict)


def text_in(text: dict[str, str], language: str) -> str:
    return text.get(language) or text.get(language.split("-")[0]) or text[DEFAULT_LANGUAGE]


def _minutes(hhmm: str) -> int:
    t = dt.time.fromisoformat(hhmm)
    return t.hour * 60 + t.minute


def in_quiet_hours(moment: dt.datetime, tz: ZoneInfo, quiet: QuietHours | tuple[int, int] | None) -> bool:
    if quiet is None:
        return False
    start, end = (quiet if isinstance(quiet, tuple) else (_minutes(quiet.start), _minutes(quiet.end)))
    local = moment.astimezone(tz)
    m = local.hour * 60 + local.minute
    if start == end:
        return False
    return start <= m or m < end if start > end else start <= m < end


def out_of_quiet_hours(moment: dt.datetime, tz: ZoneInfo, quiet: QuietHours | tuple[int, int] | None) -> dt.datetime:
    """`moment`, or the end of the quiet hours it falls in (clinic time)."""
    if not in_quiet_hours(moment, tz, quiet):
        return moment
    end = quiet[1] if isinstance(quiet, tuple) else _minutes(quiet.end)  # type: ignore[union-attr]
    local = moment.astimezone(tz)
    candidate = dt.datetime.combine(local.date(), dt.time(end // 60, end % 60), tzinfo=tz)
    if candidate <= local:
        candidate = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(end // 60, end % 60), tzinfo=tz)
    return candidate.astimezone(dt.timezone.utc)


def quiet_minutes(rules: ReminderRules) -> tuple[int, int]:
    return _minutes(rules.quiet_hours.start), _minutes(rules.quiet_hours.end)


def _at_send_time(day: dt.date, rules: ReminderRules, tz: ZoneInfo) -> dt.datetime:
    t = dt.time.fromisoformat(rules.send_time)
    return dt.datetime.combine(day, t, tzinfo=tz).astimezone(dt.timezone.utc)


class _Writer:
    """Fills in text for one journey in one language."""

    def __init__(self, rules: ReminderRules, clinic: ClinicInfo, language: str):
        self.rules, self.clinic, self.language = rules, clinic, language

    def fill(self, text: dict[str, str], **values: str) -> str:
        out = text_in(text, self.language)
        for name, value in {"clinic": self.clinic.name, "phone": self.clinic.phone or "", **values}.items():
            out = out.replace("{" + name + "}", value)
        return out

    def body(self, paragraphs: list[Paragraph], ticked: set[str], **values: str) -> tuple[str, ...]:
        return tuple(self.fill(p.text, **values) for p in paragraphs if not (p.unless_ticked and p.unless_ticked in ticked))

    def frame(self) -> dict[str, str]:
        r = self.rules
        return {name: self.fill(getattr(r, name)) for name in ("greeting", "sign_off", "call_us", "automatic_note")}


def _visit_values(appt: Appointment, tz: ZoneInfo, title: str) -> dict[str, str]:
    values = {"visit": title, "date": _long_date(appt.due)}
    values["time"] = _clock_time(appt.at.astimezone(tz)) if appt.at else ""
    return values


def _long_date(day: dt.date) -> str:
    # Written out in full (e.g. "Monday, August 3, 2026") so nobody misreads 03/08. English month names
    # are used for every language until the pathway carries its own.
    return f"{day.strftime('%A')}, {day.strftime('%B')} {day.day}, {day.year}"


def _clock_time(moment: dt.datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def plan(
    pathway: Pathway,
    view: JourneyView,
    now: dt.datetime,
    *,
    journey_id: int,
    contact: Contact,
    clinic: ClinicInfo,
    invited: dict[str, int] | None = None,
) -> list[Planned]:
    """Every message this journey calls for, sent or not yet.

    `invited` maps a visit to the highest calendar SEQUENCE already sent for it: an exit after an
    invitation went out calls for a cancellation; nothing else needs to know what was sent.
    """
    rules = pathway.reminders
    if rules is None:
        return []
    invited = invited or {}
    tz = clinic.tz
    quiet = rules.quiet_hours
    stale = dt.timedelta(hours=rules.stale_after_hours)
    state = view.state
    ticked = set(state.ticked_items())
    out: list[Planned] = []
    patient_ok = contact.channel != NO_CHANNEL and contact.reachable
    lang = contact.language
    w = _Writer(rules, clinic, lang)
    frame = w.frame()
    appts = {a.visit: a for a in view.appointments}

    def patient_msg(key: str, kind: str, moment: dt.datetime, deadline: dt.datetime | None, subject: str,
                    paragraphs: tuple[str, ...], visit: str = "", calendar: CalendarEntry | None = None,
                    staleness: dt.timedelta = stale) -> None:
        send_at = out_of_quiet_hours(moment, tz, quiet)
        expires = send_at + staleness
        if deadline is not None:
            expires = min(expires, deadline)
        if expires <= send_at:
            return
        out.append(Planned(key, kind, PATIENT, contact.channel, lang, send_at, expires, subject, paragraphs,
                           calendar=calendar, visit=visit, frame=frame))

    if patient_ok and state.active:
        prep_visit = pathway.preparation.visit
        appt = appts.get(prep_visit) if prep_visit else None
        if appt is not None and appt.status not in (COMPLETED, CANCELLED):
            values = _visit_values(appt, tz, text_in(pathway.visit(appt.visit).title, lang))
            start = appt.at or _at_send_time(appt.due, rules, tz)
            for rule in rules.preparation:
                day = appt.due - dt.timedelta(days=rule.days_before)
                filled = {**values, "days": str(rule.days_before)}
                patient_msg(f"j{journey_id}:prep:{rule.id}:{appt.due.isoformat()}", "preparation", _at_send_time(day, rules, tz),
                            start, w.fill(rule.subject, **filled), w.body(rule.body, ticked, **filled), appt.visit)

    for appt_rule in rules.appointments:
        appt = appts.get(appt_rule.visit)
        if appt is None or not patient_ok:
            continue
        title = text_in(pathway.visit(appt.visit).title, lang)
        values = _visit_values(appt, tz, title)
        entry = _calendar(pathway, appt_rule.visit, appt, journey_id, clinic, view, appt_rule.duration_minutes, lang, invited)
        if appt.status not in (COMPLETED, CANCELLED) and state.active:
            deadline = appt.at or dt.datetime.combine(appt.due + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
            for days in sorted(set(appt_rule.days_before), reverse=True):
                day = appt.due - dt.timedelta(days=days)
                filled = {**values, "days": str(days)}
                patient_msg(f"j{journey_id}:remind:{appt.visit}:{days}d:{appt.due.isoformat()}", "reminder",
                            _at_send_time(day, rules, tz), deadline, w.fill(appt_rule.reminder.subject, **filled),
                            w.body(appt_rule.reminder.body, ticked, **filled), appt.visit, entry)
            if appt_rule.invitation and entry is not None:
                booked = state.latest(pathway.visit(appt.visit).anchor.event)
                assert booked is not None
                patient_msg(f"j{journey_id}:invite:{appt.visit}:{entry.sequence}", "invitation", booked.at, appt.at,
                            *_texts(w, appt_rule.invitation, ticked, values), appt.visit, entry,
                            dt.timedelta(hours=rules.invitation_stale_after_hours))
        elif appt.status == CANCELLED and appt_rule.cancellation and appt.visit in invited and entry is not None:
            ended = state.ended_at or now
            patient_msg(f"j{journey_id}:cancel:{appt.visit}:{entry.sequence}", "cancellation", ended, appt.at,
                        *_texts(w, appt_rule.cancellation, ticked, values), appt.visit, entry,
                        dt.timedelta(hours=rules.invitation_stale_after_hours))

    if patient_ok and state.active and rules.questionnaires is not None:
        for q in view.questionnaires:
            for key, moment, deadline, text, values in _questionnaire_messages(pathway, rules, view, q, journey_id, clinic, lang):
                patient_msg(key, "questionnaire", moment, deadline, *_texts(w, text, ticked, values))

    if state.active:
        out.extend(_staff_alerts(pathway, rules, view, journey_id, clinic))
    return out


def _texts(w: _Writer, text: MessageText, ticked: set[str], values: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    return w.fill(text.subject, **values), w.body(text.body, ticked, **values)


def _questionnaire_messages(pathway: Pathway, rules: ReminderRules, view: JourneyView, q: QuestionnaireDue, journey_id: int,
                            clinic: ClinicInfo, lang: str) -> list[tuple[str, dt.datetime, dt.datetime, MessageText, dict[str, str]]]:
    """(key, moment, deadline, text, values) for one timepoint: when its window opens, and the nudge.

    Only while answers are still wanted (upcoming with known dates, due, overdue): a completed, missed
    or cancelled timepoint calls for nothing, so its pending messages are cancelled. A window that was
    already open when its anchor was recorded (e.g. a procedure booked two weeks out) is announced at
    the next send time after that, not on a day already gone. The key carries the window's dates, so a
    moved anchor moves the messages.
    """
    q_rules = rules.questionnaires
    if q_rules is None or q.status not in (UPCOMING, DUE, OVERDUE) or q.window_start is None or q.window_end is None:
        return []
    tz = clinic.tz
    closes = dt.datetime.combine(q.window_end + dt.timedelta(days=1), dt.time(0), tzinfo=tz).astimezone(dt.timezone.utc)
    values = {"questionnaire": text_in(q.title, lang), "closes": _long_date(q.window_end), "link": clinic.portal_url}
    opens = _at_send_time(q.window_start, rules, tz)
    anchor = pathway.outcomes.timepoint(q.timepoint).anchor.event if pathway.outcomes else None
    known = view.state.latest(anchor) if anchor else None
    if known is not None and opens < known.at:
        day = known.at.astimezone(tz).date()
        opens = _at_send_time(day, rules, tz)
        if opens < known.at:
            opens = _at_send_time(day + dt.timedelta(days=1), rules, tz)
    base = f"j{journey_id}:questionnaire:{q.timepoint}"

    def days_left(moment: dt.datetime) -> str:
        """{days}: from the day the message goes out (after quiet hours) to the last day to answer."""
        return str(max(0, (q.window_end - out_of_quiet_hours(moment, tz, rules.quiet_hours).astimezone(tz).date()).days))

    out = [(f"{base}:open:{q.window_start.isoformat()}", opens, closes, q_rules.opened, {**values, "days": days_left(opens)})]
    nudge = q_rules.nudge
    if nudge is not None:
        day = q.window_end - dt.timedelta(days=nudge.days_before_close)
        moment = _at_send_time(day, rules, tz)
        if day > q.window_start and moment > opens:
            out.append((f"{base}:nudge:{nudge.days_before_close}d:{q.window_end.isoformat()}", moment, closes, nudge,
                        {**values, "days": days_left(moment)}))
    return out


def _calendar(pathway: Pathway, visit_id: str, appt: Appointment, journey_id: int, clinic: ClinicInfo, view: JourneyView,
              minutes: int, lang: str, invited: dict[str, int]) -> CalendarEntry | None:
    """The visit as a calendar entry, for visits with a booked time.

    SEQUENCE counts the bookings (each reschedule is a new anchor event), so it only goes up; a
    cancellation is one more than the last invitation the patient was sent.
    """
    if appt.at is None:
        return None
    visit = pathway.visit(visit_id)
    bookings = sum(1 for e in view.state.events if e.type == visit.anchor.event)
    cancelled = appt.status == CANCELLED
    sequence = max(bookings, invited.get(visit_id, 0) + 1) if cancelled else bookings
    start = appt.at.astimezone(clinic.tz)
    return CalendarEntry(
        # The same UID as the portal's calendar download, so both refer to one calendar event.
        uid=f"journey-{journey_id}-{visit_id}@carejourney",
        sequence=sequence,
        method="CANCEL" if cancelled else "REQUEST",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        summary=f"{text_in(visit.title, lang)} — {clinic.name}",
        description=text_in(visit.purpose, lang),
        location=clinic.name,
    )


def _staff_alerts(pathway: Pathway, rules: ReminderRules, view: JourneyView, journey_id: int, clinic: ClinicInfo) -> list[Planned]:
    out = []
    tz = clinic.tz
    stale = dt.timedelta(hours=rules.stale_after_hours)
    w = _Writer(rules, clinic, DEFAULT_LANGUAGE)
    for alert in rules.staff_alerts:
        days: list[tuple[dt.date, str]] = []
        if alert.when == "review-date-reached":
            step = pathway.step(view.state.step)
            if step.advance_when and step.advance_when.conservative_care_complete:
                on = review_date(pathway, view.state)
                if on is not None:
                    days.append((on, ""))
        else:
            for appt in view.appointments:
                if appt.visit in alert.visits and appt.status not in (COMPLETED, CANCELLED):
                    days.append((appt.window_end + dt.timedelta(days=1), appt.visit))
        for day, visit in days:
            send_at = out_of_quiet_hours(_at_send_time(day, rules, tz), tz, rules.quiet_hours)
            key = f"j{journey_id}:alert:{alert.id}:{visit + ':' if visit else ''}{day.isoformat()}"
            paragraphs = (w.fill(alert.body), f"Journey {journey_id}.")
            # Staff alerts stay useful for days: the care team still needs to act.
            out.append(Planned(key, "staff-alert", STAFF, EMAIL, DEFAULT_LANGUAGE, send_at, send_at + max(stale, dt.timedelta(days=3)),
                               w.fill(alert.subject), paragraphs, roles=tuple(alert.to), visit=visit))
    return out


def retry_delay(attempts: int, base_seconds: float, cap_seconds: float) -> dt.timedelta:
    """Exponential backoff after the `attempts`-th failed try: base, 2x base, 4x base ... up to cap."""
    return dt.timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))
