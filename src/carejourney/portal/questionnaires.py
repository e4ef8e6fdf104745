"""A patient filling in an outcome questionnaire: one section per screen, answers kept in the session
until they submit (so leaving and coming back resumes), a review, then one `questionnaire-submitted` event.

Which questionnaires may be opened comes from the core (`outcomes.due`): only instruments still to answer
at a timepoint that is due or overdue today. The words come from `results.wording` (a clinic's licensed
wording when it has one) shaped into screens by `outcomes.fhir.form`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from carejourney.outcomes import fhir
from carejourney.outcomes.due import QuestionnaireDue, open_now, questionnaires_due
from carejourney.outcomes.instruments import instrument as instrument_def
from carejourney.portal.content import tr
from carejourney.portal.journey_page import PatientJourney
from carejourney.results.wording import questionnaire_for

#: Number scales up to this many answers are shown as radio buttons; longer ones (minutes) as a number box.
RADIO_MAX = 11


def due_now(pj: PatientJourney) -> list[dict[str, Any]]:
    """The questionnaires the patient can fill in today, with the instruments left, for the to-do list."""
    out = []
    for q in open_now(questionnaires_due(pj.pathway, pj.loaded.state, pj.loaded.clock)):
        out.append(_listed(pj, q))
    return out


def all_timepoints(pj: PatientJourney) -> list[dict[str, Any]]:
    return [_listed(pj, q) for q in questionnaires_due(pj.pathway, pj.loaded.state, pj.loaded.clock)]


def _listed(pj: PatientJourney, q: QuestionnaireDue) -> dict[str, Any]:
    return {
        "timepoint": q.timepoint, "title": tr(q.title, pj.lang), "status": q.status, "due": q.due,
        "window_start": q.window_start, "window_end": q.window_end, "completed_on": q.completed_on,
        "open": q.status in ("due", "overdue"),
        "remaining": [{"id": i, "title": instrument_def(i).title} for i in q.remaining],
        "done": [{"id": i, "title": instrument_def(i).title} for i in q.completed],
    }


@dataclass
class OpenForm:
    """One instrument at one timepoint, ready to show."""

    timepoint: str
    timepoint_title: str
    instrument: str
    title: str
    intro: str
    screens: list[dict[str, Any]]
    wording: str
    #: Instruments of this timepoint still to answer, this one included.
    remaining: tuple[str, ...]

    def next_instrument(self) -> str | None:
        rest = [i for i in self.remaining if i != self.instrument]
        return rest[0] if rest else None


def open_form(pj: PatientJourney, timepoint: str, instrument: str) -> OpenForm | None:
    """The form, or None when this instrument is not the patient's to fill in today."""
    q = next((q for q in open_now(questionnaires_due(pj.pathway, pj.loaded.state, pj.loaded.clock))
              if q.timepoint == timepoint), None)
    if q is None or instrument not in q.remaining:
        return None
    questionnaire, wording = questionnaire_for(instrument, pj.patient.clinic, pj.lang)
    ins = instrument_def(instrument)
    screens = fhir.form(instrument, questionnaire, q.after_treatment)
    for n, screen in enumerate(screens):
        screen["n"] = n + 1
        for item in screen["items"]:
            item["radio"] = item["kind"] == "choice" or (item["high"] - item["low"] + 1) <= RADIO_MAX
            if item["kind"] == "number" and item["radio"]:
                item["options"] = [(v, str(v)) for v in range(item["low"], item["high"] + 1)]
    return OpenForm(timepoint, tr(q.title, pj.lang), instrument, questionnaire.get("title") or ins.title,
                    questionnaire.get("description") or ins.intro, screens, wording, q.remaining)


# --- answers kept between screens -----------------------------------------------------------------


def _key(pj: PatientJourney, form: OpenForm) -> str:
    return f"questionnaire:{pj.loaded.journey.pk}:{form.timepoint}:{form.instrument}"


def saved(session, pj: PatientJourney, form: OpenForm) -> dict[str, int | None]:
    """The answers so far; None marks a question the patient saw and left blank (so resuming goes past it)."""
    return dict(session.get(_key(pj, form), {}))


def save(session, pj: PatientJourney, form: OpenForm, answers: dict[str, int | None]) -> None:
    session[_key(pj, form)] = {**saved(session, pj, form), **answers}


def to_send(answers: dict[str, int | None]) -> dict[str, int]:
    """The answers for the event: blank questions are left out (the core decides whether that is allowed)."""
    return {k: v for k, v in answers.items() if v is not None}


def forget(session, pj: PatientJourney, form: OpenForm) -> None:
    session.pop(_key(pj, form), None)


def resume_at(form: OpenForm, answers: dict[str, int | None]) -> int | None:
    """The first screen not yet seen (1-based), or None when every screen was answered or left blank."""
    for screen in form.screens:
        if any(item["id"] not in answers for item in screen["items"]):
            return screen["n"]
    return None


def read_screen(screen: dict[str, Any], post) -> tuple[dict[str, int | None], dict[str, str]]:
    """The answers posted for one screen, and a message per question that was answered wrongly.
    A question left blank is simply unanswered (the review shows it; the core decides if it is required)."""
    answers: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for item in screen["items"]:
        raw = post.get(item["id"], "").strip()
        if raw == "":
            answers[item["id"]] = None
            continue
        try:
            value = int(raw)
        except ValueError:
            value = None
        allowed = [v for v, _w in item["options"]] if item["radio"] else range(item["low"], item["high"] + 1)
        if value is None or value not in allowed:
            if item["radio"]:
                errors[item["id"]] = _("Please pick one of the answers.")
            else:
                errors[item["id"]] = _("Please write a whole number from %(low)d to %(high)d.") % {
                    "low": item["low"], "high": item["high"]}
            continue
        answers[item["id"]] = value
    return answers, errors


def review_rows(form: OpenForm, answers: dict[str, int | None]) -> list[dict[str, Any]]:
    """Every question with the answer in words (None when left blank), and the screen to change it on."""
    rows = []
    for screen in form.screens:
        for item in screen["items"]:
            value = answers.get(item["id"])
            if value is None:
                words = None
            elif item["kind"] == "choice":
                words = dict(item["options"]).get(value, str(value))
            elif item["unit"] == "min":
                words = _("%(n)d minutes") % {"n": value}
            else:
                words = _("%(n)d out of %(high)d") % {"n": value, "high": item["high"]}
            rows.append({"screen": screen["n"], "section": screen["title"], "text": item["text"], "answer": words})
    return rows


def already_sent(pj: PatientJourney, timepoint: str, instrument: str) -> bool:
    """Whether this instrument was answered at this timepoint (e.g. the patient pressed Send twice)."""
    return any(q.timepoint == timepoint and instrument in q.completed
               for q in questionnaires_due(pj.pathway, pj.loaded.state, pj.loaded.clock))
