"""The outcome instruments as data: items, answer values, subscales and measures, in our own words.

The ODI and ZCQ wording here is carejourney's own plain-language wording of each item's meaning (the
published ODI wording is licensed by Mapi Research Trust); a clinic with a licence imports its own
wording as a FHIR Questionnaire (`carejourney instruments import`), which must have the same structure.
`questionnaire(id)` gives the FHIR R4 Questionnaire for an instrument.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carejourney.pathways.outcome_plan import MEASURES

URL = "urn:carejourney:questionnaire:"
MIN_EXT = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_EXT = "http://hl7.org/fhir/StructureDefinition/maxValue"


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    #: choice: one of `options` (value, words); number: a whole number from `low` to `high`.
    kind: str = "choice"
    options: tuple[tuple[int, str], ...] = ()
    low: int = 0
    high: int = 0
    #: Words at the ends of a number scale, e.g. "no pain" / "worst pain you can imagine".
    anchors: tuple[str, str] | None = None
    unit: str = ""

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(v for v, _ in self.options) if self.kind == "choice" else tuple(range(self.low, self.high + 1))


@dataclass(frozen=True)
class Section:
    """A group of items: one screen on a phone, and (for ZCQ) one subscale."""

    id: str
    title: str
    items: tuple[Item, ...]
    #: Only asked after treatment (ZCQ satisfaction).
    after_treatment_only: bool = False


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    #: What the patient is asked to think about ("the past month").
    intro: str
    sections: tuple[Section, ...]
    lower_is_better: bool = True
    unit: str = ""
    source: str = ""
    measures: tuple[str, ...] = field(default=("score",))

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.sections for i in s.items)

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)


def _nrs(instrument_id: str, where: str) -> Instrument:
    return Instrument(
        instrument_id, f"{where.capitalize()} pain (0 to 10)",
        "Think about the past week.",
        (Section("pain", f"{where.capitalize()} pain", (
            Item(f"{where}-pain", f"On average, how bad was your {where} pain in the past week? 0 means no pain, "
                 "10 means the worst pain you can imagine.", "number", low=0, high=10,
                 anchors=("No pain", "Worst pain you can imagine")),
        )),),
        source="Numeric Pain Rating Scale (NRS), 0 to 10",
    )


def _tolerance(instrument_id: str, verb: str, noun: str) -> Instrument:
    return Instrument(
        instrument_id, f"{noun} time", "Think about a usual day in the past week.",
        (Section(verb, noun, (
            Item(f"{verb}-minutes", f"About how many minutes can you {verb} before pain, numbness or weakness makes "
                 "you stop? Write 0 if you cannot at all.", "number", low=0, high=600, unit="min"),
        )),),
        lower_is_better=False, unit="min", source="Walking / standing tolerance in minutes",
    )


def _odi_section(item_id: str, title: str, question: str, answers: list[str]) -> Section:
    assert len(answers) == 6
    return Section(item_id, title, (Item(item_id, question, options=tuple(enumerate(answers))),))


ODI = Instrument(
    "odi", "Back pain and daily life (disability index)",
    "These questions ask how your back or leg pain affects your daily life today. In each part, pick the one "
    "answer that fits you best.",
    (
        _odi_section("pain-intensity", "Pain right now", "How strong is your pain right now?", [
            "I have no pain right now.", "My pain is very mild.", "My pain is moderate.",
            "My pain is fairly strong.", "My pain is very strong.", "My pain is as bad as I can imagine.",
        ]),
        _odi_section("personal-care", "Washing and dressing", "How do you manage washing and dressing yourself?", [
            "I do it as usual, with no extra pain.", "I do it as usual, but it hurts more.",
            "It hurts, so I go slowly and carefully.", "I need a little help, but do most of it myself.",
            "I need help with most of it every day.", "I cannot dress myself; washing is hard and I stay in bed.",
        ]),
        _odi_section("lifting", "Lifting", "How does pain affect lifting things?", [
            "I can lift heavy things with no extra pain.", "I can lift heavy things, but it hurts more.",
            "Pain stops me lifting heavy things from the floor, but I can if they are at table height.",
            "Pain stops me lifting heavy things, but I can lift light or medium things at table height.",
            "I can only lift very light things.", "I cannot lift or carry anything.",
        ]),
        _odi_section("walking", "Walking", "How far can you walk before pain stops you?", [
            "Pain does not stop me walking any distance.", "Pain stops me walking more than about a mile.",
            "Pain stops me walking more than about half a mile.", "Pain stops me walking more than a few hundred yards.",
            "I can only walk with a cane or crutches.", "I am in bed most of the time.",
        ]),
        _odi_section("sitting", "Sitting", "How long can you sit?", [
            "I can sit in any chair as long as I like.", "I can sit in my favorite chair as long as I like.",
            "Pain stops me sitting more than 1 hour.", "Pain stops me sitting more than 30 minutes.",
            "Pain stops me sitting more than 10 minutes.", "Pain stops me sitting at all.",
        ]),
        _odi_section("standing", "Standing", "How long can you stand?", [
            "I can stand as long as I like with no extra pain.", "I can stand as long as I like, but it hurts more.",
            "Pain stops me standing more than 1 hour.", "Pain stops me standing more than 30 minutes.",
            "Pain stops me standing more than 10 minutes.", "Pain stops me standing at all.",
        ]),
        _odi_section("sleeping", "Sleeping", "How does pain affect your sleep?", [
            "Pain never wakes me up.", "Pain wakes me up once in a while.", "I sleep less than 6 hours because of pain.",
            "I sleep less than 4 hours because of pain.", "I sleep less than 2 hours because of pain.",
            "Pain stops me sleeping at all.",
        ]),
        _odi_section("sex-life", "Sex life (skip if it does not apply)", "How does pain affect your sex life?", [
            "My sex life is as usual, with no extra pain.", "My sex life is as usual, but it hurts more.",
            "My sex life is nearly as usual, but it hurts a lot.", "Pain limits my sex life a lot.",
            "I have almost no sex life because of pain.", "Pain stops any sex life.",
        ]),
        _odi_section("social-life", "Social life", "How does pain affect your social life?", [
            "My social life is as usual, with no extra pain.", "My social life is as usual, but it hurts more.",
            "Pain limits only my more active interests, like sports or dancing.",
            "Pain limits my social life and I go out less often.", "Pain keeps my social life to my home.",
            "I have no social life because of pain.",
        ]),
        _odi_section("travelling", "Travel", "How does pain affect travel?", [
            "I can travel anywhere with no pain.", "I can travel anywhere, but it hurts more.",
            "Pain is bad, but I manage trips over 2 hours.", "Pain limits me to trips under 1 hour.",
            "Pain limits me to short trips I must make, under 30 minutes.",
            "Pain stops me travelling except to get medical care.",
        ]),
    ),
    unit="%",
    source="Oswestry Disability Index (ODI) structure and scoring; wording by carejourney",
)

_SEVERITY = ((1, "None"), (2, "Mild"), (3, "Moderate"), (4, "Severe"), (5, "Very severe"))
_ACTIVITY = ((1, "Yes, comfortably"), (2, "Yes, but sometimes with pain"), (3, "Yes, but always with pain"), (4, "No"))
_SATISFIED = ((1, "Very satisfied"), (2, "Somewhat satisfied"), (3, "Somewhat unsatisfied"), (4, "Very unsatisfied"))

ZCQ = Instrument(
    "zcq", "Walking, symptoms and satisfaction (claudication questionnaire)",
    "Think about the past month.",
    (
        Section("symptom-severity", "Your symptoms", (
            Item("symptom-pain", "How much pain have you had overall, in your back, buttocks and legs?", options=_SEVERITY),
            Item("symptom-pain-frequency", "How often have you had back, buttock or leg pain?", options=(
                (1, "Less than once a week"), (2, "At least once a week"), (3, "Every day, for at least a few minutes"),
                (4, "Every day, for most of the day"), (5, "All the time"))),
            Item("symptom-back", "How much pain have you had in your back or buttocks?", options=_SEVERITY),
            Item("symptom-leg", "How much pain have you had in your legs or feet?", options=_SEVERITY),
            Item("symptom-numbness", "How much numbness or tingling have you had in your legs or feet?", options=_SEVERITY),
            Item("symptom-weakness", "How much weakness have you had in your legs or feet?", options=_SEVERITY),
            Item("symptom-balance", "Have you had trouble with your balance?", options=(
                (1, "No, my balance has been fine"), (3, "Yes, sometimes I feel unsteady"), (5, "Yes, I often feel unsteady"))),
        )),
        Section("physical-function", "Walking and daily tasks", (
            Item("function-distance", "How far have you been able to walk?", options=(
                (1, "More than 2 miles"), (2, "More than 3 blocks, but less than 2 miles"),
                (3, "More than 50 feet, but less than 3 blocks"), (4, "Less than 50 feet"))),
            Item("function-walks", "Have you gone for walks outside for fun?", options=_ACTIVITY),
            Item("function-shopping", "Have you gone shopping for things you need?", options=_ACTIVITY),
            Item("function-rooms", "Have you walked around the different rooms of your home?", options=_ACTIVITY),
            Item("function-bathroom", "Have you walked from your bedroom to the bathroom?", options=_ACTIVITY),
        )),
        Section("satisfaction", "How happy are you with the results?", (
            Item("satisfaction-overall", "How satisfied are you with the overall result of your treatment?", options=_SATISFIED),
            Item("satisfaction-pain", "How satisfied are you with the change in your pain?", options=_SATISFIED),
            Item("satisfaction-walking", "How satisfied are you with how far you can walk now?", options=_SATISFIED),
            Item("satisfaction-tasks", "How satisfied are you with your ability to do housework, yard work or your job?",
                 options=_SATISFIED),
            Item("satisfaction-strength", "How satisfied are you with the strength in your legs and feet?", options=_SATISFIED),
            Item("satisfaction-balance", "How satisfied are you with your balance?", options=_SATISFIED),
        ), after_treatment_only=True),
    ),
    measures=MEASURES["zcq"],
    source="Zurich Claudication Questionnaire (Swiss Spinal Stenosis Questionnaire) structure; wording by carejourney",
)

INSTRUMENTS: dict[str, Instrument] = {
    i.id: i for i in (
        _nrs("nrs-back", "back"), _nrs("nrs-leg", "leg"), ODI, ZCQ,
        _tolerance("walking-tolerance", "walk", "Walking"), _tolerance("standing-tolerance", "stand", "Standing"),
    )
}


class UnknownInstrument(ValueError):
    pass


def instrument(instrument_id: str) -> Instrument:
    found = INSTRUMENTS.get(instrument_id)
    if found is None:
        raise UnknownInstrument(f"'{instrument_id}' is not an instrument (instruments: {', '.join(INSTRUMENTS)})")
    return found


def _fhir_item(item: Item) -> dict:
    if item.kind == "choice":
        return {"linkId": item.id, "text": item.text, "type": "choice", "required": True,
                "answerOption": [{"valueCoding": {"code": str(v), "display": words}} for v, words in item.options]}
    out = {"linkId": item.id, "text": item.text, "type": "integer", "required": True,
           "extension": [{"url": MIN_EXT, "valueInteger": item.low}, {"url": MAX_EXT, "valueInteger": item.high}]}
    return out


def questionnaire(instrument_id: str, language: str = "en") -> dict:
    """The built-in wording as a FHIR R4 Questionnaire (one group item per section)."""
    ins = instrument(instrument_id)
    return {
        "resourceType": "Questionnaire",
        "id": ins.id,
        "url": URL + ins.id,
        "name": ins.id.replace("-", "_").upper(),
        "title": ins.title,
        "status": "active",
        "language": language,
        "description": ins.intro,
        "item": [
            {"linkId": s.id, "text": s.title, "type": "group", "required": not s.after_treatment_only,
             "item": [_fhir_item(i) for i in s.items]}
            for s in ins.sections
        ],
    }
