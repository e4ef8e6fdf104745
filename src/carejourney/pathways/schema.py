"""The pathway schema: what a care pathway YAML file may say, checked by pydantic on load.

A pathway is data: steps with their checklists, the events that may be recorded and what they do,
the visits they schedule, the candidacy criteria, and the patient-facing content. Code only knows
the vocabulary (event types, candidacy checks); which of them a pathway uses, in what order and
with what timings, is up to the file. Each feature's own section lives in a module beside this one.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from carejourney.pathways.question_box import QuestionBox
from carejourney.pathways.outcome_plan import OutcomePlan
from carejourney.pathways.reminder_rules import ReminderRules
from carejourney.pathways.schema_base import (  # noqa: F401  (re-exported)
    DEFAULT_LANGUAGE,
    STAFF_ROLES,
    EventType,
    Model,
    Role,
    Scalar,
    Slug,
    Text,
    _check_phrasings,
)


class EventMatch(Model):
    """An event of this type whose data has (at least) these values."""

    event: EventType
    data: dict[str, Scalar] = {}

    def matches(self, event_type: str, data: dict[str, Any]) -> bool:
        return event_type == self.event and all(data.get(k) == v for k, v in self.data.items())

    def describe(self) -> str:
        if not self.data:
            return self.event
        return self.event + " (" + ", ".join(f"{k}: {v}" for k, v in self.data.items()) + ")"


class ChecklistItem(Model):
    id: Slug
    who: Literal["patient", "staff"]
    text: Text
    done_when: EventMatch
    #: Only these roles may tick it (e.g. blood thinners reviewed by a clinician).
    roles: list[Role] = []


class Condition(Model):
    """When a step is finished. Every listed event must have been recorded."""

    all_of: list[EventMatch] = []
    #: The recorded conservative care covers the pathway's minimum duration.
    conservative_care_complete: bool = False


class StepWorklist(Model):
    """While a journey waits in this step, it appears on the care team's worklist."""

    kind: Slug
    #: on-entry: from the day the step began; conservative-care-reviewable: from the day the
    #: conservative-care clock is complete.
    starts: Literal["on-entry", "conservative-care-reviewable"] = "on-entry"


class Step(Model):
    id: Slug
    title: Text
    summary: Text
    details: list[Text] = []
    checklist: list[ChecklistItem] = []
    #: Absent: the step is only left by an exit.
    advance_when: Condition | None = None
    worklist: StepWorklist | None = None


class EventRule(Model):
    """When an event may be recorded, by whom, and what it does."""

    event: EventType
    #: Only applies to events whose data has these values.
    when: dict[str, Scalar] = {}
    #: Steps in which the event may be recorded; empty means any step.
    steps: list[Slug] = []
    roles: list[Role] = list(STAFF_ROLES)
    requires: list[EventMatch] = []
    exit: Slug | None = None
    #: The event must tick one of the checklist items (e.g. prep-confirmed).
    ticks_checklist: bool = False
    #: The event must complete one of the visits (e.g. follow-up-completed).
    completes_visit: bool = False
    allowed_after_exit: bool = False


class Window(Model):
    before_days: int = Field(ge=0, le=365)
    after_days: int = Field(ge=0, le=365)


class Anchor(Model):
    """The visit is dated from this data field (a date-time) of the latest such event."""

    event: EventType
    field: str = "at"


class Visit(Model):
    id: Slug
    title: Text
    purpose: Text
    #: Worklist items read "<kind>-due" and "<kind>-overdue".
    worklist_kind: Slug = "follow-up"
    anchor: Anchor
    offset_days: int = Field(ge=0, le=3650)
    window: Window
    done_when: EventMatch


class Preparation(Model):
    #: The step whose checklist gets the patient ready, and the visit it counts down to.
    step: Slug | None = None
    visit: Slug | None = None
    #: Days before the procedure at which the patient is reminded to prepare.
    reminder_days_before: list[int] = Field(default=[], max_length=10)
    #: From this many days before the procedure, unfinished checklist items go on the worklist.
    checklist_due_days_before: int = Field(default=2, ge=0, le=90)
    #: Fasting rule shown to patients; the clinic's own instruction wins.
    fasting_food_hours: float = Field(default=6, ge=0, le=24)
    fasting_clear_liquids_hours: float = Field(default=2, ge=0, le=24)


class ConservativeCare(Model):
    min_months: int = Field(ge=0, le=60)
    #: Relief levels that count as "tried without enough relief".
    insufficient_relief: list[Literal["none", "little", "partial", "good"]]
    #: Relief levels that mean conservative care is working.
    sufficient_relief: list[Literal["none", "little", "partial", "good"]]


CheckName = Literal[
    "stenosis-confirmed",
    "neurogenic-claudication",
    "conservative-care-failed",
    "no-severe-instability",
    "ligamentum-flavum-thickness",
    "spondylolisthesis-grade",
    "no-prior-surgery-at-level",
    "no-bleeding-disorder",
    "anticoagulants-manageable",
    "no-active-infection",
    "no-severe-neurological-deficit",
    "no-other-compressive-cause",
    "minimum-age",
]


class Criterion(Model):
    id: Slug
    check: CheckName
    #: required: must be met. exclude: not met rules the patient out. warn: shown, result unchanged.
    #: info: shown for context only.
    effect: Literal["required", "exclude", "warn", "info"]
    source: str
    label: Text
    params: dict[str, Scalar | list[Scalar]] = {}


class Candidacy(Model):
    criteria: list[Criterion] = Field(min_length=1)


class EducationSection(Model):
    id: Slug
    title: Text
    body: Text


class Video(Model):
    url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    title: Text
    description: Text


class FaqEntry(Model):
    id: Slug
    question: Text
    answer: Text
    phrasings: Annotated[dict[str, list[str]], AfterValidator(_check_phrasings)] = {}


class Pathway(Model):
    id: Slug
    version: int = Field(ge=1)
    title: Text
    description: Text
    start_event: EventType = "enrolled"
    exits: list[Slug] = Field(min_length=1)
    #: The exit reached when the last step is finished.
    completion_exit: Slug
    steps: list[Step] = Field(min_length=1)
    events: list[EventRule] = Field(min_length=1)
    visits: list[Visit] = []
    preparation: Preparation = Preparation()
    conservative_care: ConservativeCare | None = None
    candidacy: Candidacy | None = None
    education: list[EducationSection] = []
    video: Video | None = None
    faq: list[FaqEntry] = []
    #: The patient question box: red flags and answer matching (issue: question box).
    question_box: QuestionBox | None = None
    #: Outcome questionnaires and when they are due (issue: outcomes).
    outcomes: OutcomePlan | None = None
    #: Reminder and staff-alert rules (issue: reminders).
    reminders: ReminderRules | None = None

    # Look-ups used by the engine; cheap enough to compute on demand for pathways this size.
    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def step_index(self, step_id: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.id == step_id)

    def checklist_items(self) -> list[tuple[Step, ChecklistItem]]:
        return [(s, item) for s in self.steps for item in s.checklist]

    def rules_for(self, event_type: str) -> list[EventRule]:
        return [r for r in self.events if r.event == event_type]

    def visit(self, visit_id: str) -> Visit:
        return next(v for v in self.visits if v.id == visit_id)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"
