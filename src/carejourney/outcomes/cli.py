"""Command-line commands for outcomes: `score`, `instruments ...`, `outcomes ...`."""

from __future__ import annotations

import argparse
import json
import sys

from carejourney.cli import CliError, _clinic, _out, _patient


def _load_json(text: str, what: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"{what}: not valid JSON ({exc.msg} at character {exc.pos})") from None


def cmd_score(args: argparse.Namespace) -> int:
    from carejourney.outcomes.instruments import UnknownInstrument
    from carejourney.outcomes.scoring import display_value, score
    from carejourney.pathways.events import InvalidEvent

    answers = _load_json(args.answers, "--answers")
    after = {None: None, "yes": True, "no": False}[args.after_treatment]
    try:
        result = score(args.instrument, answers, after, where="--answers")
    except UnknownInstrument as exc:
        raise CliError(f"INSTRUMENT: {exc}") from None
    except InvalidEvent as exc:
        raise CliError("; ".join(exc.problems)) from None
    d = result.as_dict()
    if result.subscales:
        text = f"{args.instrument}: " + ", ".join(f"{k} {display_value(args.instrument, v)}" for k, v in result.subscales.items())
    else:
        unit = " %" if args.instrument == "odi" else ""
        text = f"{args.instrument}: {display_value(args.instrument, result.score)}{unit}" + (f" ({result.band})" if result.band else "")
    _out(args, d, text + f"; {result.answered} answered")
    return 0


def cmd_instruments_show(args: argparse.Namespace) -> int:
    from carejourney.outcomes.instruments import UnknownInstrument, questionnaire

    try:
        q = questionnaire(args.instrument)
    except UnknownInstrument as exc:
        raise CliError(f"INSTRUMENT: {exc}") from None
    print(json.dumps(q, indent=2, ensure_ascii=False))
    return 0


def cmd_instruments_list(args: argparse.Namespace) -> int:
    from carejourney.outcomes.instruments import INSTRUMENTS
    from carejourney.results.models import InstrumentWording

    imported = [
        {"instrument": w.instrument, "label": w.label, "clinic": w.clinic.slug if w.clinic else None, "language": w.language,
         "imported_at": w.imported_at.isoformat(), "sha256": w.sha256}
        for w in InstrumentWording.objects.select_related("clinic").order_by("instrument", "-imported_at")
    ]
    rows = [{"instrument": i.id, "title": i.title, "items": len(i.items), "source": i.source} for i in INSTRUMENTS.values()]
    _out(args, {"instruments": rows, "imported_wording": imported}, lambda: "\n".join(
        [f"{r['instrument']:<20} {r['items']:>2} items  {r['title']}" for r in rows]
        + ([""] + [f"imported: {w['instrument']:<18} {w['label']} ({w['clinic'] or 'every clinic'}, {w['language']})" for w in imported]
           if imported else [])))
    return 0


def cmd_instruments_import(args: argparse.Namespace) -> int:
    from carejourney.outcomes.fhir import WordingMismatch
    from carejourney.results.wording import import_wording

    try:
        text = open(args.file, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{args.file}: cannot read the file ({getattr(exc, 'strerror', None) or exc})") from None
    data = _load_json(text, args.file)
    clinic = _clinic(args.clinic) if args.clinic else None
    try:
        wording = import_wording(data, instrument=args.instrument, clinic=clinic, label=args.label, source=args.file)
    except WordingMismatch as exc:
        raise CliError(f"{args.file}: refused, it does not match the instrument:\n  " + "\n  ".join(exc.problems)) from None
    d = {"instrument": wording.instrument, "label": wording.label, "clinic": clinic.slug if clinic else None,
         "language": wording.language, "sha256": wording.sha256}
    _out(args, d, f"Imported wording '{wording.label}' for {wording.instrument} ({clinic.slug if clinic else 'every clinic'}).")
    return 0


def cmd_outcomes_report(args: argparse.Namespace) -> int:
    from carejourney.outcomes.report import report_csv
    from carejourney.results.queries import clinic_report

    clinic = _clinic(args.clinic) if args.clinic else None
    data = clinic_report(clinic)
    if args.csv:
        sys.stdout.write(report_csv(data))
        return 0
    _out(args, data, lambda: _report_text(data))
    return 0


def _report_text(data: dict) -> str:
    lines = [f"Outcomes{' at ' + data['clinic'] if data['clinic'] else ', all clinics'} ({data['reference']})"]
    for r in data["rows"]:
        change = "" if r["mean_change"] is None else f"  change {r['mean_change'] + 0.0:+g}"
        if r["ci95_low"] is not None:
            change += f" (95% CI {r['ci95_low']:g} to {r['ci95_high']:g}, n={r['n_paired']})"
        resp = f"  responders {r['responder_pct']:g}% of {r['n_judged']}" if r["responder_pct"] is not None else ""
        trials = "".join(f"  [{t['study']} {t['follow_up']}: {t['mean_change']:+g}]" for t in r["trials"])
        lines.append(f"  {r['timepoint']:<14} {r['label']:<30} n={r['n']:<6} mean {r['mean']:g}{change}{resp}{trials}")
    if not data["rows"]:
        lines.append("  No questionnaire answers yet.")
    lines.append(data["population_note"])
    return "\n".join(lines)


def cmd_outcomes_show(args: argparse.Namespace) -> int:
    from carejourney.results.queries import patient_outcomes

    patient, journey = _patient(args.patient_id)
    po = patient_outcomes(journey)
    d = po.as_dict()
    _out(args, d, lambda: "\n".join(
        [f"Questionnaires for patient {patient.pk}:"]
        + [f"  {q['timepoint']:<14} {q['status']:<10} window {q['window_start'] or '-'} to {q['window_end'] or '-'}"
           f"  remaining: {', '.join(q['remaining']) or 'none'}" for q in d["questionnaires"]]
        + ["Results:"]
        + [f"  {m['timepoint']:<14} {m['instrument']:<20} {m['measure']:<18} {m['value']}"
           + (f"  change {m['change']:+g} from {m['reference_timepoint']}" if m["change"] is not None else "")
           + ("" if m["responder"] is None else ("  responder" if m["responder"] else "  not a responder"))
           for m in d["measurements"]]
        + ["Summary:"] + [f"  {s}" for s in d["summary"]]))
    return 0


def cmd_outcomes_export(args: argparse.Namespace) -> int:
    from carejourney.results.queries import fhir_bundle

    patient, journey = _patient(args.patient_id)
    bundle = fhir_bundle(journey)
    if args.json:
        print(json.dumps(bundle, indent=2, ensure_ascii=False))
    else:
        kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
        print(f"FHIR R4 Bundle for patient {patient.pk}: {kinds.count('QuestionnaireResponse')} QuestionnaireResponse, "
              f"{kinds.count('Observation')} Observation resources (use --json for the Bundle itself)")
    return 0


def register(subparsers, add) -> None:
    p = add(subparsers, "score", cmd_score, "score one instrument's answers (no database needed)", needs_db=False)
    p.add_argument("instrument", metavar="INSTRUMENT", help="nrs-back, nrs-leg, odi, zcq, walking-tolerance, standing-tolerance")
    p.add_argument("--answers", required=True, metavar="JSON",
                   help="an object keyed by question id, or a list in question order (ODI: ten values 0-5 or null)")
    p.add_argument("--after-treatment", choices=["yes", "no"], help="ZCQ: satisfaction is asked after treatment only")

    ins = subparsers.add_parser("instruments", help="outcome instruments and their wording").add_subparsers(
        dest="sub", required=True, metavar="ACTION")
    add(ins, "list", cmd_instruments_list, "list the instruments and any imported wording")
    p = add(ins, "show", cmd_instruments_show, "print an instrument as a FHIR R4 Questionnaire (a template for licensed wording)",
            needs_db=False)
    p.add_argument("instrument", metavar="INSTRUMENT")
    p = add(ins, "import", cmd_instruments_import, "import a clinic's licensed wording from a FHIR R4 Questionnaire JSON file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--instrument", metavar="ID", help="which instrument (default: from the Questionnaire's url, id or name)")
    p.add_argument("--clinic", metavar="SLUG", help="only for this clinic (default: every clinic)")
    p.add_argument("--label", help="how submissions name this wording (default: the Questionnaire's title)")

    out = subparsers.add_parser("outcomes", help="outcome results").add_subparsers(dest="sub", required=True, metavar="ACTION")
    p = add(out, "report", cmd_outcomes_report, "the clinic outcomes report: n, mean change (95% CI), % responders, beside the trials")
    p.add_argument("--clinic", metavar="SLUG")
    p.add_argument("--csv", action="store_true", help="print CSV")
    p = add(out, "show", cmd_outcomes_show, "a patient's questionnaires, scores, responder status and summary")
    p.add_argument("patient_id", metavar="PATIENT_ID")
    p = add(out, "export", cmd_outcomes_export, "a patient's answers and scores as a FHIR R4 Bundle")
    p.add_argument("patient_id", metavar="PATIENT_ID")
