"""Load a pathway YAML file, reporting every problem with its file, line and path.

    mild.yaml:42: steps[3].checklist[1].who: must be one of patient, staff
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import yaml
from pydantic import ValidationError

from carejourney.pathways.events import EVENT_TYPES
from carejourney.pathways.question_box import NO_ANSWER
from carejourney.pathways.schema import Pathway

BUILTIN_DIR = Path(__file__).parent
#: libyaml's loader when present (several times faster); both keep line marks.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Loc = tuple[str | int, ...]


class PathwayError(ValueError):
    """A pathway file that cannot be used; `problems` are 'file:line: path: message' strings."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _line_map(node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[tuple[Loc, str]]) -> None:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value
            if name in seen:
                lines[loc + (name,)] = key.start_mark.line + 1
                problems.append((loc + (name,), "appears twice in the same mapping"))
            seen.add(name)
            _line_map(value, loc + (name,), lines, problems)
            lines[loc + (name,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, loc + (i,), lines, problems)


def format_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "literal_error":
        return "must be one of " + err["ctx"]["expected"].replace("'", "").replace(" or ", ", ")
    if kind == "string_pattern_mismatch":
        return f"'{err['input']}' has the wrong form (expected pattern {err['ctx']['pattern']})"
    msg = err["msg"].removeprefix("Value error, ")
    return msg[0].lower() + msg[1:]


def _pydantic_loc(loc: tuple[Any, ...]) -> Loc:
    """Drop pydantic's union/function tags so the path is the file's own path."""
    return tuple(p for p in loc if isinstance(p, int) or not (isinstance(p, str) and ("[" in p or p in ("function-after",))))


def semantic_problems(p: Pathway) -> Iterator[tuple[Loc, str]]:
    """Cross-references the schema alone cannot check."""
    step_ids = [s.id for s in p.steps]
    criteria = p.candidacy.criteria if p.candidacy else []
    for kind, located in (
        ("step", [(("steps", i, "id"), s.id) for i, s in enumerate(p.steps)]),
        ("visit", [(("visits", i, "id"), v.id) for i, v in enumerate(p.visits)]),
        ("FAQ entry", [(("faq", i, "id"), f.id) for i, f in enumerate(p.faq)]),
        ("education section", [(("education", i, "id"), e.id) for i, e in enumerate(p.education)]),
        ("criterion", [(("candidacy", "criteria", i, "id"), c.id) for i, c in enumerate(criteria)]),
        (
            "checklist item",
            [(("steps", i, "checklist", j, "id"), c.id) for i, s in enumerate(p.steps) for j, c in enumerate(s.checklist)],
        ),
    ):
        seen: set[str] = set()
        for loc, ident in located:
            if ident in seen:
                yield loc, f"the {kind} id '{ident}' is used twice"
            seen.add(ident)
    if p.completion_exit not in p.exits:
        yield ("completion_exit",), f"'{p.completion_exit}' is not one of the exits ({', '.join(p.exits)})"
    if not p.rules_for(p.start_event):
        yield ("start_event",), f"no rule in events says how '{p.start_event}' may be recorded"
    recordable = {r.event for r in p.events}
    reached = {r.exit for r in p.events} | {p.completion_exit}
    for i, name in enumerate(p.exits):
        if name not in reached:
            yield ("exits", i), f"the exit '{name}' is never reached: no rule in events has exit: {name}"

    def check_match(loc: Loc, event: str) -> Iterator[tuple[Loc, str]]:
        if event not in recordable:
            yield loc + ("event",), f"'{event}' is never recordable in this pathway (no rule in events)"

    for i, rule in enumerate(p.events):
        for j, step in enumerate(rule.steps):
            if step not in step_ids:
                yield ("events", i, "steps", j), f"'{step}' is not a step (steps: {', '.join(step_ids)})"
        if rule.exit and rule.exit not in p.exits:
            yield ("events", i, "exit"), f"'{rule.exit}' is not one of the exits ({', '.join(p.exits)})"
        for j, req in enumerate(rule.requires):
            yield from check_match(("events", i, "requires", j), req.event)
        fields = EVENT_TYPES[rule.event].model_fields
        for key in rule.when:
            if key not in fields:
                yield ("events", i, "when", key), f"'{key}' is not a field of {rule.event}"
    for i, step in enumerate(p.steps):
        for j, item in enumerate(step.checklist):
            yield from check_match(("steps", i, "checklist", j, "done_when"), item.done_when.event)
        if step.advance_when:
            for j, m in enumerate(step.advance_when.all_of):
                yield from check_match(("steps", i, "advance_when", "all_of", j), m.event)
            if step.advance_when.conservative_care_complete and p.conservative_care is None:
                yield ("steps", i, "advance_when", "conservative_care_complete"), "needs a conservative_care section"
    if p.question_box:
        answers = [f.id for f in p.faq]
        for lang, labelled in p.question_box.labelled_messages.items():
            for key in labelled:
                if key != NO_ANSWER and key not in answers:
                    yield (("question_box", "labelled_messages", lang, key),
                           f"'{key}' is neither an FAQ entry id nor {NO_ANSWER} (FAQ: {', '.join(answers) or 'none'})")
    if p.outcomes:
        yield from p.outcomes.problems(recordable)
    if p.reminders:
        yield from p.reminders.problems([v.id for v in p.visits], [c.id for _, c in p.checklist_items()])
        if p.reminders.questionnaires and p.outcomes is None:
            yield ("reminders", "questionnaires"), "needs an outcomes section"
    visit_ids = [v.id for v in p.visits]
    if p.preparation.step and p.preparation.step not in step_ids:
        yield ("preparation", "step"), f"'{p.preparation.step}' is not a step (steps: {', '.join(step_ids)})"
    if p.preparation.visit and p.preparation.visit not in visit_ids:
        yield ("preparation", "visit"), f"'{p.preparation.visit}' is not a visit (visits: {', '.join(visit_ids)})"
    for i, step in enumerate(p.steps):
        if step.worklist and step.worklist.starts == "conservative-care-reviewable" and p.conservative_care is None:
            yield ("steps", i, "worklist", "starts"), "needs a conservative_care section"
    for i, visit in enumerate(p.visits):
        yield from check_match(("visits", i, "anchor"), visit.anchor.event)
        yield from check_match(("visits", i, "done_when"), visit.done_when.event)
        if visit.anchor.field not in EVENT_TYPES[visit.anchor.event].model_fields:
            yield ("visits", i, "anchor", "field"), f"'{visit.anchor.field}' is not a field of {visit.anchor.event}"


def parse_pathway(text: str, source: str) -> Pathway:
    """Parse and validate pathway YAML text; raises PathwayError listing every problem."""
    name = Path(source).name
    try:
        loader = YamlLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise PathwayError([f"{name}:{line}: not valid YAML: {problem}"]) from None
    if root is None or not isinstance(data, dict):
        raise PathwayError([f"{name}:1: the file must be a YAML mapping (id:, version:, steps:, ...)"])
    lines: dict[Loc, int] = {}
    found: list[tuple[Loc, str]] = []
    _line_map(root, (), lines, found)

    def line_of(loc: Loc) -> int:
        while loc not in lines and loc:
            loc = loc[:-1]
        return lines.get(loc, 1)

    pathway = None
    try:
        pathway = Pathway.model_validate(data)
    except ValidationError as exc:
        found += [(_pydantic_loc(e["loc"]), _message(e)) for e in exc.errors()]
    if pathway is not None:
        found += list(semantic_problems(pathway))
    if found:
        found.sort(key=lambda f: line_of(f[0]))
        raise PathwayError([f"{name}:{line_of(loc)}: {format_loc(loc)}: {msg}" for loc, msg in found])
    assert pathway is not None
    return pathway


def load_pathway(path: str | Path) -> Pathway:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PathwayError([f"{path}: cannot read the file ({exc.__class__.__name__}: {exc})"]) from None
    return parse_pathway(text, str(path))


@lru_cache(maxsize=None)
def builtin_pathway(pathway_id: str = "mild") -> Pathway:
    """A pathway shipped with carejourney (pathways/<id>.yaml)."""
    return load_pathway(BUILTIN_DIR / f"{pathway_id}.yaml")
