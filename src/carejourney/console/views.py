"""The care-team console. Every patient page is scoped to the staff member's clinics and audited."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carejourney.accounts.access import staff_patient, staff_required
from carejourney.accounts.roles import clinics_of
from carejourney.audit.log import audit
from carejourney.audit.models import AuditEntry
from carejourney.clinic import pathway_store
from carejourney.console import event_forms, operations, outcomes
from carejourney.console.forms import AuditFilter, EnrolForm, ReplyForm
from carejourney.console.patient_page import events, journey_data, threads
from carejourney.outcomes.report import report_csv
from carejourney.pathways.engine import Refused
from carejourney.pathways.events import InvalidEvent
from carejourney.results.queries import clinic_report

STATUSES = ["active", "completed", "referred-out", "not-a-candidate", "withdrawn"]


def _problems(exc: Exception) -> list[str]:
    if isinstance(exc, Refused):
        return [exc.reason]
    return list(getattr(exc, "problems", [str(exc)]))


@staff_required()
def worklist(request):
    clinic, kind = request.GET.get("clinic", ""), request.GET.get("kind", "")
    try:
        data = operations.work(request.user, clinic or None, kind or None)
        error = None
    except operations.BadInput as exc:
        data, error = {"messages": [], "items": [], "total": 0, "total_capped": False}, exc.problems
    return render(request, "console/worklist.html", {
        "data": data, "error": error, "clinics": clinics_of(request.user), "kinds": operations.work_kinds(),
        "clinic": clinic, "kind": kind,
    })


@staff_required()
def patient_list(request):
    pathway = pathway_store.pathway_of(pathway_store.current())
    q, step, status = request.GET.get("q", ""), request.GET.get("step", ""), request.GET.get("status", "")
    clinic = request.GET.get("clinic", "")
    page = request.GET.get("offset", "0")
    offset = int(page) if page.isdigit() else 0
    try:
        data, error = operations.patients(request.user, q, step, status, clinic or None, offset), None
    except operations.BadInput as exc:
        data, error = {"items": [], "more": False, "offset": 0, "limit": 50}, exc.problems
    return render(request, "console/patients.html", {
        "data": data, "error": error, "q": q, "step": step, "status": status, "clinic": clinic,
        "steps": [s.id for s in pathway.steps], "statuses": STATUSES, "clinics": clinics_of(request.user),
        "next_offset": offset + data["limit"], "prev_offset": max(0, offset - data["limit"]),
    })


def _patient_context(request, patient, **extra):
    found = journey_data(patient)
    ctx = {"patient": patient, "clinic": patient.clinic, "staff": request.staff, **extra}
    if found is None:
        return ctx
    loaded, view, data = found
    pathway = loaded.pathway
    posted_type = extra.get("posted_type")
    forms = []
    for t in event_forms.recordable(pathway):
        post = extra.get("post") if t == posted_type else None
        forms.append({"type": t, "fields": event_forms.form_fields(t, pathway, post),
                      "at_field": t not in ("procedure-performed", "discharged"),
                      "open": t == posted_type, "at_value": post.get(f"{t}--_at", "") if post else ""})
    cand = data["candidacy"]
    ctx.update({
        "journey": data, "events": events(view.state), "threads": threads(view.state), "forms": forms,
        "candidacy": cand, "conflict_hint": cand and cand["result"] != "eligible",
        "is_clinician": request.staff.role == "clinician", "trajectory": outcomes.trajectory(loaded),
    })
    return ctx


@staff_required()
def patient_page(request, patient_id: int):
    patient = staff_patient(request.user, patient_id)
    audit(request, patient, "console:view-patient")
    return render(request, "console/patient.html", _patient_context(request, patient))


@staff_required()
@require_POST
def record_event(request, patient_id: int):
    patient = staff_patient(request.user, patient_id)
    event_type = request.POST.get("event_type", "")
    pathway = pathway_store.pathway_of(pathway_store.current())
    try:
        if event_type not in event_forms.recordable(pathway) and event_type != "candidacy-assessed":
            raise operations.BadInput([f"event_type: '{event_type}' cannot be recorded here"])
        raw, at = event_forms.parse(event_type, pathway, request.POST)
        operations.record(request.user, patient, event_type, raw, at)
    except (operations.BadInput, InvalidEvent, Refused) as exc:
        audit(request, patient, f"console:refused:{event_type}"[:80])
        ctx = _patient_context(request, patient, post=request.POST, posted_type=event_type,
                               errors=_problems(exc))
        return render(request, "console/patient.html", ctx, status=400)
    audit(request, patient, f"console:record:{event_type}"[:80])
    messages.success(request, _("Recorded: %(type)s") % {"type": event_type})
    return redirect("console:patient", patient_id=patient.pk)


@staff_required()
@require_POST
def message_action(request, patient_id: int, seq: int, action: str):
    patient = staff_patient(request.user, patient_id)
    if action == "reply":
        form = ReplyForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write a reply first (up to 4000 characters)."))
            return redirect("console:patient", patient_id=patient.pk)
        event_type, raw = "message-replied", {"message_seq": seq, "text": form.cleaned_data["text"]}
    else:
        event_type, raw = "message-acknowledged", {"message_seq": seq}
    try:
        found = journey_data(patient)
        if found is None or not any(e.seq == seq and e.type == "message-received" for e in found[1].state.events):
            raise operations.BadInput([f"message_seq: there is no message #{seq}"])
        operations.record(request.user, patient, event_type, raw, None)
    except (operations.BadInput, InvalidEvent, Refused) as exc:
        messages.error(request, "; ".join(_problems(exc)))
    else:
        audit(request, patient, f"console:record:{event_type}")
        messages.success(request, _("Reply sent.") if action == "reply" else _("Marked as seen."))
    return redirect(reverse("console:patient", args=[patient.pk]) + "#messages")


@staff_required()
@require_POST
def invite(request, patient_id: int):
    patient = staff_patient(request.user, patient_id)
    try:
        inv, token = operations.invite(request.user, patient)
    except operations.BadInput as exc:
        messages.error(request, "; ".join(exc.problems))
        return redirect("console:patient", patient_id=patient.pk)
    audit(request, patient, "console:invite")
    link = request.build_absolute_uri(reverse("accounts:invitation", args=[token]))
    return render(request, "console/invited.html", {"patient": patient, "link": link, "expires": inv.expires_at})


@staff_required(roles=("coordinator", "clinician", "admin"))
@require_http_methods(["GET", "POST"])
def enrol(request):
    clinics = list(clinics_of(request.user))
    form = EnrolForm(request.POST or None, clinics=clinics)
    errors = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            patient = operations.enrol(request.user, d["clinic"], d["full_name"], d["birth_date"], d["email"] or "",
                                       d["enrolled_at"])
        except (operations.BadInput, InvalidEvent, Refused) as exc:
            errors = _problems(exc)
        else:
            audit(request, patient, "console:enrol")
            messages.success(request, _("Enrolled."))
            return redirect("console:patient", patient_id=patient.pk)
    return render(request, "console/enrol.html", {"form": form, "errors": errors}, status=400 if errors or form.errors else 200)


def _audit_rows(request):
    form = AuditFilter(request.GET or None)
    clinic_ids = [c.pk for c in clinics_of(request.user)]
    qs = AuditEntry.objects.filter(clinic_id__in=clinic_ids)
    if form.is_valid():
        d = form.cleaned_data
        if d["patient"]:
            qs = qs.filter(patient_id=d["patient"])
        if d["user"]:
            qs = qs.filter(username__icontains=d["user"])
        if d["action"]:
            qs = qs.filter(action__icontains=d["action"])
        if d["since"]:
            qs = qs.filter(at__date__gte=d["since"])
        if d["until"]:
            qs = qs.filter(at__date__lte=d["until"])
    return form, qs.order_by("-at", "-id")


@staff_required(roles=("admin",))
def audit_log(request):
    form, qs = _audit_rows(request)
    return render(request, "console/audit.html", {"form": form, "rows": qs[:200], "query": request.GET.urlencode()})


class _Echo:
    def write(self, value):
        return value


@staff_required(roles=("admin",))
def audit_csv(request):
    form, qs = _audit_rows(request)
    writer = csv.writer(_Echo())
    header = ["at", "username", "role", "patient_id", "clinic_id", "action", "path", "client_address"]

    def rows():
        yield writer.writerow(header)
        for e in qs.iterator(chunk_size=2000):
            yield writer.writerow([e.at.isoformat(), e.username, e.role, e.patient_id, e.clinic_id, e.action, e.path,
                                   e.client_address or ""])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response


def _report_clinic(request):
    """(clinic, clinics, error): the clinic asked for, which must be one of the staff member's own."""
    clinics = list(clinics_of(request.user))
    slug = request.GET.get("clinic", "").strip()
    if not slug:
        return (clinics[0] if clinics else None), clinics, None
    found = next((c for c in clinics if c.slug == slug), None)
    if found is None:
        yours = ", ".join(c.slug for c in clinics) or _("none")
        return None, clinics, _("clinic: '%(slug)s' is not one of your clinics (yours: %(yours)s)") % {
            "slug": slug[:60], "yours": yours}
    return found, clinics, None


@staff_required()
def outcomes_report(request):
    clinic, clinics, error = _report_clinic(request)
    data = clinic_report(clinic) if clinic is not None else None
    return render(request, "console/outcomes.html", {"data": data, "clinic": clinic, "clinics": clinics, "error": error},
                  status=400 if error else 200)


@staff_required()
def outcomes_csv(request):
    clinic, _clinics, error = _report_clinic(request)
    if error or clinic is None:
        return HttpResponse(error or _("You work at no clinic."), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(report_csv(clinic_report(clinic)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="outcomes-{clinic.slug}.csv"'
    return response
