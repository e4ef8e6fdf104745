"""Patient portal: the patient's own journey only (the patient comes from the login, never from the URL)."""

from __future__ import annotations

from functools import lru_cache, wraps

import segno
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from carejourney.accounts.access import patient_required
from carejourney.accounts.roles import actor_for
from carejourney.audit.log import audit
from carejourney.clinic import records
from carejourney.pathways.engine import Refused
from carejourney.pathways.events import InvalidEvent
from carejourney.portal import journey_page as jp
from carejourney.portal import messaging
from carejourney.portal import questionnaires as qn
from carejourney.portal.calendar import appointment_ics
from carejourney.portal.content import blocks, tr
from carejourney.portal.svg import presentation_attributes
from carejourney.results.queries import patient_outcomes


def _journey(request) -> jp.PatientJourney:
    pj = jp.load(request.patient)
    if pj is None:
        raise Http404(_("You are not on a care journey yet."))
    return pj


NAV = [
    ("portal:home", _lazy("My journey")),
    ("portal:checklist", _lazy("To do")),
    ("portal:questionnaires", _lazy("My questionnaires")),
    ("portal:progress", _lazy("My progress")),
    ("portal:appointments", _lazy("Appointments")),
    ("portal:learn", _lazy("Learn")),
    ("portal:faq", _lazy("Questions")),
    ("portal:video", _lazy("Video")),
    ("portal:plan", _lazy("Print my plan")),
    ("portal:messages", _lazy("Message my care team")),
]


@lru_cache(maxsize=1)
def _nav_urls() -> list[str]:
    return [reverse(name) for name, _label in NAV]


def _page(request, template: str, pj: jp.PatientJourney, action: str, **context) -> HttpResponse:
    audit(request, request.patient, action)
    nav = [{"url": url, "label": label, "current": url == request.path} for url, (_n, label) in zip(_nav_urls(), NAV)]
    base = {"patient": request.patient, "clinic": request.patient.clinic, "pathway_title": tr(pj.pathway.title, pj.lang),
            "portal_nav": nav}
    return render(request, template, {**base, **context})


@patient_required
def home(request):
    pj = _journey(request)
    steps = jp.steps(pj)
    todo = [c for c in jp.checklist(pj) if not c["done"]]
    return _page(request, "portal/home.html", pj, "portal:view-journey", steps=steps, current=jp.current_step(pj),
                 next_appointment=jp.next_appointment(pj), todo=todo, active=pj.view.state.active,
                 status=pj.view.state.status, questionnaires=qn.due_now(pj), svg_width=len(steps) * jp.SVG_STEP, state_key=pj.state_key)


@patient_required
@require_http_methods(["GET", "POST"])
def checklist(request):
    pj = _journey(request)
    if request.method == "POST":
        item = request.POST.get("item", "")
        allowed = {c["id"] for c in jp.checklist(pj)}
        if item not in allowed:
            messages.error(request, _("That item is not on your list right now."))
        else:
            try:
                records.record(pj.loaded.journey, "prep-confirmed", {"item": item}, actor=actor_for(request.user))
                audit(request, request.patient, "portal:tick-checklist")
                messages.success(request, _("Done. Your care team can see it."))
            except (Refused, InvalidEvent) as exc:
                messages.error(request, _("We could not save that: %(why)s") % {"why": getattr(exc, "reason", str(exc))})
        return redirect("portal:checklist")
    return _page(request, "portal/checklist.html", pj, "portal:view-checklist", items=jp.checklist(pj),
                 step=jp.current_step(pj))


@patient_required
def appointments(request):
    pj = _journey(request)
    return _page(request, "portal/appointments.html", pj, "portal:view-appointments", appointments=jp.appointments(pj))


@patient_required
def appointment_calendar(request, visit: str):
    pj = _journey(request)
    appt = next((a for a in jp.appointments(pj) if a["visit"] == visit and a["open"]), None)
    if appt is None:
        raise Http404(_("There is no such appointment."))
    audit(request, request.patient, "portal:download-ics")
    body = appointment_ics(appt, pj.loaded.journey.pk, request.patient.clinic)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{visit}.ics"'
    return response


@patient_required
def learn(request):
    pj = _journey(request)
    sections = [{"id": s.id, "title": tr(s.title, pj.lang)} for s in pj.pathway.education]
    return _page(request, "portal/learn.html", pj, "portal:view-education", sections=sections)


@patient_required
def learn_section(request, section: str):
    pj = _journey(request)
    found = next((s for s in pj.pathway.education if s.id == section), None)
    if found is None:
        raise Http404(_("There is no such page."))
    return _page(request, "portal/learn_section.html", pj, "portal:view-education",
                 title=tr(found.title, pj.lang), body=blocks(tr(found.body, pj.lang)))


@patient_required
def faq(request):
    pj = _journey(request)
    entries = [{"id": f.id, "question": tr(f.question, pj.lang), "answer": tr(f.answer, pj.lang)} for f in pj.pathway.faq]
    return _page(request, "portal/faq.html", pj, "portal:view-faq", entries=entries)


@patient_required
def video(request):
    pj = _journey(request)
    v = pj.pathway.video
    if v is None:
        raise Http404(_("There is no video for this journey."))
    qr = segno.make(v.url, error="m").svg_inline(scale=6, dark="#000", light="#fff", omitsize=True)
    return _page(request, "portal/video.html", pj, "portal:view-video", url=v.url, title=tr(v.title, pj.lang),
                 description=tr(v.description, pj.lang), qr=qr)


@patient_required
def plan(request):
    pj = _journey(request)
    return _page(request, "portal/plan.html", pj, "portal:view-plan", steps=jp.steps(pj),
                 appointments=jp.appointments(pj), items=jp.checklist(pj))


@patient_required
@require_http_methods(["GET", "POST"])
def messages_page(request):
    pj = _journey(request)
    error = ""
    text = ""
    if request.method == "POST":
        text = request.POST.get("text", "").strip()
        if not text:
            error = _("Please write your message first.")
        elif len(text) > messaging.MAX_LENGTH:
            error = _("Your message is too long: please keep it under %(n)d characters.") % {"n": messaging.MAX_LENGTH}
        else:
            try:
                seq, _t = messaging.send(pj.loaded.journey, pj.pathway, text, actor_for(request.user))
            except (Refused, InvalidEvent) as exc:
                error = _("We could not send that: %(why)s") % {"why": getattr(exc, "reason", str(exc))}
            else:
                audit(request, request.patient, "portal:send-message")
                return redirect(f"{request.path}?sent={seq}#sent")
    threads = messaging.threads(pj.view.state)
    sent = None
    if request.GET.get("sent", "").isdigit():
        sent = next((t for t in threads if t["seq"] == int(request.GET["sent"])), None)
    answer = None
    if sent and sent["faq_id"] and not sent["urgent"]:
        entry = next(f for f in pj.pathway.faq if f.id == sent["faq_id"])
        answer = {"id": entry.id, "question": tr(entry.question, pj.lang), "answer": tr(entry.answer, pj.lang)}
    return _page(request, "portal/messages.html", pj, "portal:view-messages", threads=threads, sent=sent,
                 answer=answer, error=error, text=text, max_length=messaging.MAX_LENGTH)


# --- outcome questionnaires and progress ----------------------------------------------------------

NOTICE = "portal-questionnaire-notice"
#: What matplotlib's <style> element says for every shape (the element itself is dropped: see portal.svg).
CHART_DEFAULTS = {"stroke-linejoin": "round", "stroke-linecap": "butt"}


def _notice(request, text: str) -> None:
    """A one-time note for the next questionnaire page (shown by portal/_notice.html, in a live region)."""
    request.session[NOTICE] = str(text)


def _take_notice(request) -> str | None:
    return request.session.pop(NOTICE, None)


@patient_required
def questionnaires(request):
    pj = _journey(request)
    return _page(request, "portal/questionnaires.html", pj, "portal:view-questionnaires",
                 due=qn.due_now(pj), timepoints=qn.all_timepoints(pj), notice=_take_notice(request))


class _AlreadySent(Exception):
    pass


def _open(request, timepoint: str, instrument: str) -> tuple[jp.PatientJourney, qn.OpenForm]:
    pj = _journey(request)
    form = qn.open_form(pj, timepoint, instrument)
    if form is None:
        if qn.already_sent(pj, timepoint, instrument):
            raise _AlreadySent
        raise Http404(_("This questionnaire is not open for you right now."))
    return pj, form


def _questionnaire_view(view):
    """A questionnaire already sent (a second click on Send, an old bookmark) goes back to the list, saying so."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _AlreadySent:
            _notice(request, _("You already sent these answers. Thank you."))
            return redirect("portal:questionnaires")
    return wrapper


@patient_required
@_questionnaire_view
def questionnaire_start(request, timepoint: str, instrument: str):
    """Resume where the patient left off: the first screen with a question left, else the review."""
    pj, form = _open(request, timepoint, instrument)
    at = qn.resume_at(form, qn.saved(request.session, pj, form))
    if at is None:
        return redirect("portal:questionnaire-review", timepoint=timepoint, instrument=instrument)
    return redirect("portal:questionnaire-screen", timepoint=timepoint, instrument=instrument, screen=at)


@patient_required
@require_http_methods(["GET", "POST"])
@_questionnaire_view
def questionnaire_screen(request, timepoint: str, instrument: str, screen: int):
    pj, form = _open(request, timepoint, instrument)
    if not 1 <= screen <= len(form.screens):
        raise Http404(_("There is no such page in this questionnaire."))
    section = form.screens[screen - 1]
    answers = qn.saved(request.session, pj, form)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        posted, errors = qn.read_screen(section, request.POST)
        if not errors:
            qn.save(request.session, pj, form, posted)
            audit(request, request.patient, "portal:save-questionnaire")
            if request.POST.get("go") == "later":
                _notice(request, _("Your answers are saved. Come back to finish when you are ready."))
                return redirect("portal:questionnaires")
            to_review = request.POST.get("go") == "review" or screen == len(form.screens)
            if request.POST.get("go") == "back" and screen > 1:
                return redirect("portal:questionnaire-screen", timepoint=timepoint, instrument=instrument, screen=screen - 1)
            if to_review:
                return redirect("portal:questionnaire-review", timepoint=timepoint, instrument=instrument)
            return redirect("portal:questionnaire-screen", timepoint=timepoint, instrument=instrument, screen=screen + 1)
        status = 400
        answers = {**answers, **{k: v for k, v in posted.items() if v is not None}}
        shown = {k: request.POST.get(k, "") for k in errors}
    else:
        shown = {}
    items = [{**item, "value": shown.get(item["id"], answers.get(item["id"])), "error": errors.get(item["id"])}
             for item in section["items"]]
    response = _page(request, "portal/questionnaire_screen.html", pj, "portal:view-questionnaire", form=form,
                     section={**section, "items": items}, total=len(form.screens), errors=errors,
                     last=screen == len(form.screens), complete=qn.resume_at(form, answers) is None,
                     notice=_take_notice(request))
    response.status_code = status
    return response


@patient_required
@require_http_methods(["GET", "POST"])
@_questionnaire_view
def questionnaire_review(request, timepoint: str, instrument: str):
    pj, form = _open(request, timepoint, instrument)
    answers = qn.saved(request.session, pj, form)
    problems: list[str] = []
    if request.method == "POST":
        data = {"instrument": instrument, "timepoint": timepoint, "answers": qn.to_send(answers),
                "wording": form.wording}
        try:
            records.record(pj.loaded.journey, "questionnaire-submitted", data, actor=actor_for(request.user))
        except InvalidEvent as exc:
            problems = list(exc.problems)
        except Refused as exc:
            problems = [exc.reason]
        else:
            qn.forget(request.session, pj, form)
            audit(request, request.patient, "portal:submit-questionnaire")
            following = form.next_instrument()
            _notice(request, _("Thank you. Your answers were sent to your care team."))
            if following:
                return redirect("portal:questionnaire", timepoint=timepoint, instrument=following)
            return redirect("portal:progress")
    response = _page(request, "portal/questionnaire_review.html", pj, "portal:view-questionnaire", form=form,
                     rows=qn.review_rows(form, answers), problems=problems)
    if problems:
        response.status_code = 400
    return response


@patient_required
def progress(request):
    pj = _journey(request)
    outcomes = patient_outcomes(pj.loaded.journey, pj.lang)
    charts = [{"title": c.title, "text": c.text, "svg": presentation_attributes(c.svg, CHART_DEFAULTS)}
              for c in (outcomes.chart(k, pj.lang) for k in outcomes.keys()) if c is not None]
    return _page(request, "portal/progress.html", pj, "portal:view-progress", summary=outcomes.summary,
                 charts=charts, due=qn.due_now(pj), notice=_take_notice(request))
