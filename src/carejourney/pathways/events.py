"""The event vocabulary: every kind of thing that can happen to a journey, and the data it carries.

Data is checked here, at the door, so the engine only ever folds well-formed events. Date-times
without an offset are taken to be in the clinic's time zone (passed as validation context).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

LEVELS = ("L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1")
Level = Literal["L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]
Note = Annotated[str, Field(max_length=2000)]


class EventData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _localise(cls, value: Any, info: ValidationInfo) -> Any:
        """Give offset-less date-times the clinic's zone."""
        field = cls.model_fields.get(info.field_name or "")
        if field is None or field.annotation not in (dt.datetime, dt.datetime | None):
            return value
        tz = (info.context or {}).get("tz")
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                return value  # pydantic reports it
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            if tz is None:
                raise ValueError("needs a time zone offset, e.g. 2026-03-01T09:00:00-05:00")
            value = value.replace(tzinfo=tz)
        return value


class Enrolled(EventData):
    referral_source: Note = ""
    note: Note = ""


class EvaluationCompleted(EventData):
    pain_worse_standing_walking: bool
    relief_sitting_bending: bool
    prior_surgery_levels: list[Level] = []
    bleeding_disorder: bool
    anticoagulants: list[Annotated[str, Field(min_length=1, max_length=100)]] = []
    #: None: not asked yet.
    active_infection: bool | None = None
    severe_neurological_deficit: bool | None = None
    symptom_months: int | None = Field(default=None, ge=0, le=1200)
    note: Note = ""


class ImagingReviewed(EventData):
    modality: Literal["MRI", "CT"]
    date: dt.date
    stenosis_confirmed: bool
    lf_thickness_mm: float | None = Field(default=None, ge=0, le=30)
    levels: list[Level] = []
    instability: Literal["none", "mild", "severe"]
    spondylolisthesis_grade: int = Field(ge=0, le=4)
    #: Severe foraminal stenosis, a large disc protrusion or an osteophyte thought to cause the symptoms.
    other_compressive_cause: bool | None = None
    note: Note = ""

    @model_validator(mode="after")
    def _levels_when_confirmed(self) -> ImagingReviewed:
        if self.stenosis_confirmed and not self.levels:
            raise ValueError("levels: list the stenotic levels (e.g. [\"L4-L5\"]) when stenosis is confirmed")
        return self


class ConservativeCareRecorded(EventData):
    kind: Literal["physical-therapy", "medication", "injection", "other"]
    started: dt.date
    ended: dt.date | None = None
    relief: Literal["none", "little", "partial", "good"]
    note: Note = ""

    @model_validator(mode="after")
    def _ended_after_started(self) -> ConservativeCareRecorded:
        if self.ended is not None and self.ended < self.started:
            raise ValueError(f"ended ({self.ended}) is before started ({self.started})")
        return self


class CandidacyAssessed(EventData):
    decision: Literal["candidate", "not-a-candidate", "refer"]
    reason: Note = ""


class ProcedureScheduled(EventData):
    at: dt.datetime
    levels: list[Level] = []
    location: Note = ""


class PrepConfirmed(EventData):
    item: Annotated[str, Field(min_length=1, max_length=64)]
    note: Note = ""


class ProcedurePerformed(EventData):
    at: dt.datetime
    duration_min: int = Field(ge=1, le=600)
    levels: list[Level] = Field(min_length=1)
    note: Note = ""


class Discharged(EventData):
    at: dt.datetime
    note: Note = ""


class FollowUpCompleted(EventData):
    visit: Annotated[str, Field(min_length=1, max_length=64)]
    note: Note = ""


class ReferredOut(EventData):
    reason: Reason


class Withdrawn(EventData):
    reason: Reason


#: The longest message (and reply) kept, in characters: the portal, the console and `carejourney ask` hold to it.
MESSAGE_MAX_LENGTH = 4000
#: The longest note of what raised a red flag that a message keeps.
RED_FLAG_EVIDENCE_MAX_LENGTH = 300


class MessageReceived(EventData):
    """A patient's message to the care team, with what the question box made of it."""

    text: Annotated[str, Field(min_length=1, max_length=MESSAGE_MAX_LENGTH)]
    channel: Literal["portal", "phone", "email", "sms"] = "portal"
    faq_id: str | None = None
    urgent: bool = False
    red_flag: str | None = None
    #: For the care team: what raised the red flag (a sign of the pathway, a temperature, or the closest example).
    red_flag_evidence: Annotated[str, Field(max_length=RED_FLAG_EVIDENCE_MAX_LENGTH)] | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)


class MessageAcknowledged(EventData):
    """Staff have seen message `message_seq` (the seq of its message-received event)."""

    message_seq: int = Field(ge=1)
    note: Note = ""


class MessageReplied(EventData):
    message_seq: int = Field(ge=1)
    text: Annotated[str, Field(min_length=1, max_length=MESSAGE_MAX_LENGTH)]


class QuestionnaireSubmitted(EventData):
    """Answers to one outcome instrument at one timepoint; scores are derived from the answers."""

    instrument: Annotated[str, Field(min_length=1, max_length=64)]
    timepoint: Annotated[str, Field(min_length=1, max_length=64)]
    answers: dict[str, int | float | None]
    wording: Annotated[str, Field(max_length=200)] = "carejourney"


EVENT_TYPES: dict[str, type[EventData]] = {
    "enrolled": Enrolled,
    "evaluation-completed": EvaluationCompleted,
    "imaging-reviewed": ImagingReviewed,
    "conservative-care-recorded": ConservativeCareRecorded,
    "candidacy-assessed": CandidacyAssessed,
    "procedure-scheduled": ProcedureScheduled,
    "prep-confirmed": PrepConfirmed,
    "procedure-performed": ProcedurePerformed,
    "discharged": Discharged,
    "follow-up-completed": FollowUpCompleted,
    "referred-out": ReferredOut,
    "withdrawn": Withdrawn,
    "message-received": MessageReceived,
    "message-acknowledged": MessageAcknowledged,
    "message-replied": MessageReplied,
    "questionnaire-submitted": QuestionnaireSubmitted,
}

#: Events whose data `at` is the moment the event happened (so it is also the event's time).
HAPPENED_AT_FIELD = frozenset({"procedure-performed", "discharged"})


class InvalidEvent(ValueError):
    """Event data that does not fit its type; `problems` lists each as 'path: message'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Actor:
    role: str
    id: int | None = None
    label: str = ""


@dataclass(frozen=True)
class Event:
    """One accepted fact about a journey. `data` is the validated data model."""

    type: str
    at: dt.datetime
    data: EventData
    actor: Actor
    seq: int = 0

    def data_dict(self) -> dict[str, Any]:
        return self.data.model_dump(mode="json")


def _format_error(err: dict[str, Any]) -> str:
    loc = "data"
    for part in err["loc"]:
        loc += f"[{part}]" if isinstance(part, int) else f".{part}"
    kind = err["type"]
    if kind == "missing":
        msg = "is required"
    elif kind == "extra_forbidden":
        msg = "is not a field of this event"
    elif kind == "literal_error":
        msg = "must be one of " + err["ctx"]["expected"].replace("'", "").replace(" or ", ", ")
    else:
        msg = err["msg"]
        msg = msg.removeprefix("Value error, ")
        msg = msg[0].lower() + msg[1:]
    return f"{loc}: {msg}"


def parse_data(event_type: str, raw: Any, tz: ZoneInfo | None) -> EventData:
    """Validate raw event data (e.g. parsed JSON); raises InvalidEvent with every problem."""
    model = EVENT_TYPES.get(event_type)
    if model is None:
        raise InvalidEvent([f"'{event_type}' is not an event type (known: {', '.join(EVENT_TYPES)})"])
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InvalidEvent(["data: must be a JSON object"])
    try:
        return model.model_validate(raw, context={"tz": tz})
    except ValidationError as exc:
        raise InvalidEvent([_format_error(e) for e in exc.errors()]) from None
