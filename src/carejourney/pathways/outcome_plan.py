"""The outcomes section of a pathway: which questionnaires are due when, and what counts as a response.

Each timepoint is dated like a visit: `offset_days` after (or, negative, before) its anchor event, open
from `before_days` ahead of that day until `after_days` after it. `closes_when` ends a timepoint early
(a pre-procedure questionnaire cannot be answered once the procedure is done). Responder thresholds
are clinic settings, not facts: the defaults follow CLINICAL.md and carry their source.
"""

from __future__ import annotations

from typing import Iterator, Literal

from pydantic import Field, model_validator

from carejourney.pathways.events import EVENT_TYPES
from carejourney.pathways.schema_base import EventType, Model, Slug, Text

Loc = tuple[str | int, ...]

#: The outcome instruments carejourney can score, and the measures each one yields
#: (the vocabulary; their questions and scoring live in carejourney.outcomes).
MEASURES: dict[str, tuple[str, ...]] = {
    "nrs-back": ("score",),
    "nrs-leg": ("score",),
    "odi": ("score",),
    "zcq": ("symptom-severity", "physical-function", "satisfaction"),
    "walking-tolerance": ("score",),
    "standing-tolerance": ("score",),
}
InstrumentId = Literal["nrs-back", "nrs-leg", "odi", "zcq", "walking-tolerance", "standing-tolerance"]


class TimepointAnchor(Model):
    """Dated from the latest event of this type: its data `field` (a date-time), or when it happened."""

    event: EventType
    field: str | None = None

    @model_validator(mode="after")
    def _field(self) -> TimepointAnchor:
        fields = EVENT_TYPES[self.event].model_fields
        if self.field is not None and self.field not in fields:
            raise ValueError(f"field: '{self.field}' is not a field of {self.event}")
        return self


class OpenWindow(Model):
    before_days: int = Field(ge=0, le=365)
    after_days: int = Field(ge=0, le=365)


class Timepoint(Model):
    id: Slug
    #: Patient-facing name, e.g. "3 months after your procedure".
    title: Text
    #: Switched off timepoints are never due (e.g. 6 and 12 months, when the clinic does not follow up that long).
    enabled: bool = True
    anchor: TimepointAnchor
    offset_days: int = Field(ge=-365, le=3650)
    window: OpenWindow
    #: After this event the timepoint can no longer be answered.
    closes_when: EventType | None = None
    #: After the procedure: change from the reference timepoint counts towards response, and
    #: after-treatment questions (ZCQ satisfaction) are asked.
    after_treatment: bool = False
    instruments: list[InstrumentId] = Field(min_length=1)


class ResponderRule(Model):
    """A response: improvement of at least `points` OR at least `percent` % of the reference value;
    or, for a measure with no reference (ZCQ satisfaction), a value of at most `at_most`."""

    instrument: InstrumentId
    measure: str = "score"
    points: float | None = Field(default=None, gt=0)
    percent: float | None = Field(default=None, gt=0, le=100)
    at_most: float | None = None
    source: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> ResponderRule:
        if self.measure not in MEASURES[self.instrument]:
            raise ValueError(f"measure: '{self.measure}' is not a measure of {self.instrument} "
                             f"(measures: {', '.join(MEASURES[self.instrument])})")
        if self.at_most is None and self.points is None and self.percent is None:
            raise ValueError("give points, percent or at_most")
        if self.at_most is not None and (self.points is not None or self.percent is not None):
            raise ValueError("at_most is a threshold on the value itself: do not combine it with points or percent")
        return self


ChangeKind = Literal["large-improvement", "improvement", "small-improvement", "no-change", "small-worsening", "worsening"]
CHANGE_KINDS: tuple[str, ...] = ChangeKind.__args__


class SummaryWords(Model):
    """Plain words for the patient's summary. {measure}, {before}, {after} and {unit} are filled in."""

    #: How each measure is called, per instrument-measure key (e.g. odi, zcq.symptom-severity).
    measure_names: dict[str, Text]
    #: Units, where the number needs one ("minutes", "out of 10").
    units: dict[str, Text] = {}
    #: One sentence per kind of change: large-improvement, improvement, small-improvement, no-change,
    #: small-worsening, worsening.
    change: dict[ChangeKind, Text]
    #: Shown when there is only one answer so far.
    first: Text
    #: The chart's title and text alternative, per measure ({measure} is filled in).
    chart_title: Text
    #: Shown on the chart's axis, so the direction of "better" is never a guess.
    lower_is_better: Text
    higher_is_better: Text

    @model_validator(mode="after")
    def _every_change(self) -> SummaryWords:
        missing = [k for k in CHANGE_KINDS if k not in self.change]
        if missing:
            raise ValueError(f"change: needs a sentence for {', '.join(missing)}")
        return self


class OutcomePlan(Model):
    #: Worklist items read "<kind>-due" and "<kind>-overdue".
    worklist_kind: Slug = "questionnaire"
    timepoints: list[Timepoint] = Field(min_length=1)
    #: Change after treatment is measured from the first of these timepoints that has an answer.
    compare_with: list[Slug] = Field(min_length=1)
    responders: list[ResponderRule] = []
    summary: SummaryWords | None = None
    #: A timepoint still unanswered this many days after its window closed counts as missed: it leaves the
    #: patient's to-do list and the worklist (a late answer is still accepted). None: it stays overdue.
    missed_after_days: int | None = Field(default=None, ge=0, le=3650)

    @model_validator(mode="after")
    def _references(self) -> OutcomePlan:
        problems = []
        ids = [t.id for t in self.timepoints]
        for i, tp in enumerate(self.timepoints):
            if tp.id in ids[:i]:
                problems.append(f"timepoints[{i}].id: the timepoint id '{tp.id}' is used twice")
            if len(set(tp.instruments)) != len(tp.instruments):
                problems.append(f"timepoints[{i}].instruments: an instrument is listed twice")
        for i, ref in enumerate(self.compare_with):
            if ref not in ids:
                problems.append(f"compare_with[{i}]: '{ref}' is not a timepoint (timepoints: {', '.join(ids)})")
            elif self.timepoint(ref).after_treatment:
                problems.append(f"compare_with[{i}]: '{ref}' is after treatment: compare with a timepoint before it")
        seen = set()
        for i, rule in enumerate(self.responders):
            key = (rule.instrument, rule.measure)
            if key in seen:
                problems.append(f"responders[{i}]: {rule.instrument} {rule.measure} has two rules")
            seen.add(key)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def timepoint(self, timepoint_id: str) -> Timepoint:
        return next(t for t in self.timepoints if t.id == timepoint_id)

    def enabled(self) -> list[Timepoint]:
        return [t for t in self.timepoints if t.enabled]

    def rule(self, instrument: str, measure: str) -> ResponderRule | None:
        return next((r for r in self.responders if r.instrument == instrument and r.measure == measure), None)

    def problems(self, recordable_events: set[str]) -> Iterator[tuple[Loc, str]]:
        """Cross-references to the rest of the pathway (for the loader's semantic checks)."""
        for i, tp in enumerate(self.timepoints):
            if tp.anchor.event not in recordable_events:
                yield ("outcomes", "timepoints", i, "anchor", "event"), f"'{tp.anchor.event}' is never recordable in this pathway"
            if tp.closes_when and tp.closes_when not in recordable_events:
                yield ("outcomes", "timepoints", i, "closes_when"), f"'{tp.closes_when}' is never recordable in this pathway"
        if "questionnaire-submitted" not in recordable_events:
            yield ("outcomes",), "questionnaire-submitted is never recordable in this pathway (add a rule in events)"
