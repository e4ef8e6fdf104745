"""Outcomes for the care team: one patient's trajectory (scores per timepoint with responder status) and
the clinic report beside the trial figures. Everything is computed by the core (`outcomes`, `results`)."""

from __future__ import annotations

from typing import Any

from carejourney.outcomes.due import questionnaires_due
from carejourney.outcomes.report import LABELS
from carejourney.outcomes.trajectory import measurements

STATUS_WORDS = {"upcoming": "upcoming", "due": "due", "overdue": "overdue", "completed": "completed",
                "missed": "missed", "cancelled": "cancelled"}


def trajectory(loaded) -> dict[str, Any] | None:
    """A table for the patient page: one row per measure, one column per timepoint with an answer; each cell
    holds the score, its change from the reference timepoint and responder status. None without outcomes."""
    plan = loaded.pathway.outcomes
    if plan is None:
        return None
    measured = [m.as_dict() | {"key": m.key} for m in measurements(plan, loaded.state, loaded.clock)]
    due = questionnaires_due(loaded.pathway, loaded.state, loaded.clock)
    titles = {t.id: t.title["en"] for t in plan.timepoints}
    columns = [t.id for t in plan.timepoints if any(m["timepoint"] == t.id for m in measured)]
    order = list(LABELS)
    keys = sorted({m["key"] for m in measured}, key=lambda k: order.index(k) if k in order else 99)
    by = {(m["key"], m["timepoint"]): m for m in measured}
    rows = [{"key": k, "label": LABELS.get(k, k), "cells": [by.get((k, t)) for t in columns]} for k in keys]
    return {
        "columns": [{"id": t, "title": titles[t]} for t in columns],
        "rows": rows,
        "questionnaires": [{"timepoint": q.timepoint, "title": q.title["en"], "status": STATUS_WORDS[q.status],
                            "window_start": q.window_start, "window_end": q.window_end,
                            "completed": list(q.completed), "remaining": list(q.remaining)} for q in due],
    }
