"""The reminders section of a pathway: what reaches patients and staff, and when.

Times of day are in the clinic's time zone. Patient text is keyed by language like the rest of the
pathway; `{placeholders}` in it are filled when the message is written (see `notify/plan.py`):
{visit}, {date}, {time}, {days}, {clinic}, {phone}; questionnaire reminders have their own set
(`QUESTIONNAIRE_PLACEHOLDERS`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator, Literal

from pydantic import Field, field_validator, model_validator

from carejourney.pathways.schema_base import Model, Role, Slug, Text

Loc = tuple[str | int, ...]


def _hhmm(value: str) -> str:
    try:
        dt.time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a time of day like 09:00") from None
    return value


class QuietHours(Model):
    """No message goes out between `start` and `end` (clinic time); it waits until `end`."""

    start: str = "20:00"
    end: str = "08:00"

    _check = field_validator("start", "end")(_hhmm)


class Paragraph(Model):
    text: Text
    #: Leave this paragraph out once this checklist item is ticked (e.g. the ride home is arranged).
    unless_ticked: Slug | None = None


class PreparationReminder(Model):
    id: Slug
    days_before: int = Field(ge=0, le=60)
    subject: Text
    body: list[Paragraph] = Field(min_length=1)


class MessageText(Model):
    subject: Text
    body: list[Paragraph] = Field(min_length=1)


class AppointmentReminders(Model):
    """Reminders for one visit; a visit with a booked time also gets a calendar invitation."""

    visit: Slug
    days_before: list[int] = Field(default=[1], max_length=5)
    reminder: MessageText
    #: Sent when the visit is booked or moved (METHOD:REQUEST), with the same calendar UID each time.
    invitation: MessageText | None = None
    #: Sent when a booked visit the patient was invited to will not happen (METHOD:CANCEL).
    cancellation: MessageText | None = None
    #: Length of the calendar entry for a booked visit.
    duration_minutes: int = Field(default=120, ge=15, le=720)

    @field_validator("days_before")
    @classmethod
    def _days(cls, value: list[int]) -> list[int]:
        if any(d < 0 or d > 60 for d in value):
            raise ValueError("days_before: each must be 0 to 60")
        return value


#: What questionnaire reminder text may name: the timepoint's title, the last day to answer, the days
#: from the message to that day, the portal address, and the clinic.
QUESTIONNAIRE_PLACEHOLDERS = ("questionnaire", "closes", "days", "link", "clinic", "phone")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _known_placeholders(text: dict[str, str]) -> dict[str, str]:
    """Refuse `{names}` a questionnaire message could never fill in (a typo would reach the patient)."""
    for lang, words in text.items():
        for name in _PLACEHOLDER.findall(words):
            if name not in QUESTIONNAIRE_PLACEHOLDERS:
                raise ValueError(f"{lang}: '{{{name}}}' is not a placeholder here "
                                 f"(placeholders: {', '.join('{' + n + '}' for n in QUESTIONNAIRE_PLACEHOLDERS)})")
    return text


class QuestionnaireParagraph(Paragraph):
    _check = field_validator("text")(_known_placeholders)


class QuestionnaireText(MessageText):
    body: list[QuestionnaireParagraph] = Field(min_length=1)

    _check = field_validator("subject")(_known_placeholders)


class QuestionnaireNudge(QuestionnaireText):
    """One more reminder while answers are still missing, this many days before the window closes."""

    days_before_close: int = Field(ge=1, le=60)


class QuestionnaireReminders(Model):
    """Reminders for every enabled timepoint of the outcomes section. None is sent once the timepoint
    is completed, missed or cancelled, or the journey has ended."""

    #: Sent on the day a timepoint's window opens, at `send_time`.
    opened: QuestionnaireText
    nudge: QuestionnaireNudge | None = None


class StaffAlert(Model):
    id: Slug
    #: review-date-reached: the conservative-care clock is complete;
    #: visit-missed: a visit's window closed without it being completed.
    when: Literal["review-date-reached", "visit-missed"]
    visits: list[Slug] = []
    to: list[Role] = Field(default=["coordinator"], min_length=1)
    subject: Text
    body: Text

    @model_validator(mode="after")
    def _visits(self) -> StaffAlert:
        if self.when == "visit-missed" and not self.visits:
            raise ValueError("visits: list the visits whose missed window raises this alert")
        return self


class ReminderRules(Model):
    #: Dated reminders go out at this time of day (clinic time).
    send_time: str = "09:00"
    quiet_hours: QuietHours = QuietHours()
    #: A message not sent within this many hours of its moment is dropped, not sent late as if fresh.
    stale_after_hours: int = Field(default=12, ge=1, le=24 * 14)
    #: Invitations and cancellations stay useful for longer (until the visit itself).
    invitation_stale_after_hours: int = Field(default=72, ge=1, le=24 * 30)
    #: The frame around every patient email.
    greeting: Text
    sign_off: Text
    call_us: Text
    automatic_note: Text
    preparation: list[PreparationReminder] = []
    appointments: list[AppointmentReminders] = []
    staff_alerts: list[StaffAlert] = []
    #: Questionnaires due (needs an outcomes section).
    questionnaires: QuestionnaireReminders | None = None

    _check = field_validator("send_time")(_hhmm)

    def problems(self, visit_ids: list[str], checklist_ids: list[str]) -> Iterator[tuple[Loc, str]]:
        """Cross-references to the rest of the pathway (visits, checklist items)."""
        base: Loc = ("reminders",)
        for i, rule in enumerate(self.preparation):
            for j, para in enumerate(rule.body):
                if para.unless_ticked and para.unless_ticked not in checklist_ids:
                    yield base + ("preparation", i, "body", j, "unless_ticked"), f"'{para.unless_ticked}' is not a checklist item"
        for i, appt in enumerate(self.appointments):
            if appt.visit not in visit_ids:
                yield base + ("appointments", i, "visit"), f"'{appt.visit}' is not a visit (visits: {', '.join(visit_ids)})"
        for i, alert in enumerate(self.staff_alerts):
            for j, visit in enumerate(alert.visits):
                if visit not in visit_ids:
                    yield base + ("staff_alerts", i, "visits", j), f"'{visit}' is not a visit (visits: {', '.join(visit_ids)})"
