"""`carejourney ask`: triage a patient message, or a file of them, against the question box."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from carejourney.pathways.events import MESSAGE_MAX_LENGTH


def _pathway(args: argparse.Namespace):
    from carejourney.cli import CliError
    from carejourney.pathways.loader import PathwayError, builtin_pathway, load_pathway

    try:
        pathway = load_pathway(args.pathway) if args.pathway else builtin_pathway("mild")
    except PathwayError as exc:
        raise CliError("--pathway: " + "; ".join(exc.problems)) from None
    if pathway.question_box is None:
        raise CliError(f"--pathway: {args.pathway or pathway.key} has no question_box section")
    return pathway


def _check_text(text, where: str) -> str:
    from carejourney.cli import CliError

    if not isinstance(text, str) or not text.strip():
        raise CliError(f"{where}: give the message text (a non-empty string)")
    if len(text) > MESSAGE_MAX_LENGTH:
        raise CliError(f"{where}: the message is {len(text)} characters long; at most {MESSAGE_MAX_LENGTH} are accepted")
    return text


def _read_batch(path: str) -> list[dict]:
    """Every line checked before anything is written: bad input changes nothing."""
    from carejourney.cli import CliError

    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise CliError(f"--batch: there is no file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"--batch: cannot read {path} ({getattr(exc, 'strerror', None) or exc})") from None
    items = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CliError(f"{where}: not valid JSON ({exc.msg} at character {exc.pos + 1})") from None
        if not isinstance(row, dict):
            raise CliError(f'{where}: expected an object like {{"id": "m1", "text": "..."}}')
        if "id" not in row or not isinstance(row["id"], (str, int)) or isinstance(row["id"], bool):
            raise CliError(f"{where}: needs an \"id\" (a string or a number)")
        if row.get("language") is not None and not isinstance(row["language"], str):
            raise CliError(f"{where}: \"language\" must be a language code like \"en\"")
        items.append({"id": row["id"], "text": _check_text(row.get("text"), f"{where}: text"),
                      "language": row.get("language")})
    return items


def _check_language(pathway, language: str, where: str) -> str:
    """Only a language the question box has rules for: another would be read with the wrong words."""
    from carejourney.cli import CliError

    known = sorted(pathway.question_box.languages)
    if language not in known:
        raise CliError(f"{where}: the question box has no rules for '{language}' (it has: {', '.join(known)})")
    return language


def cmd_ask(args: argparse.Namespace) -> int:
    from carejourney.cli import CliError
    from carejourney.questions.box import engine_for

    if args.batch and args.text is not None:
        raise CliError("give either a message or --batch FILE, not both")
    if not args.batch and args.text is None:
        raise CliError('give the message to triage: carejourney ask "TEXT" (or --batch FILE.jsonl)')
    pathway = _pathway(args)
    items = _read_batch(args.batch) if args.batch else [{"id": None, "text": _check_text(args.text, "TEXT"), "language": None}]
    _check_language(pathway, args.language, "--language")
    for item in items:
        if item["language"] is not None:
            _check_language(pathway, item["language"], f"{args.batch}: message {item['id']!r}")
    engine = engine_for(pathway)
    if args.batch:
        for item in items:
            result = engine.triage(item["text"], item["language"] or args.language)
            print(json.dumps({"id": item["id"], **result.as_dict()}))
        return 0
    result = engine.triage(items[0]["text"], args.language)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    elif result.urgent:
        print(f"URGENT ({result.red_flag}): {result.instruction}")
    elif result.faq_id:
        print(f"{result.faq_id} (confidence {result.confidence:.2f}):\n{result.answer or '(no approved answer in this language)'}")
    else:
        print(f"No approved answer matches (confidence {result.confidence:.2f}): the care team will reply.")
    sys.stdout.flush()
    return 0


def register(subparsers, add) -> None:
    p = add(subparsers, "ask", cmd_ask, "triage a patient message: red flag, approved FAQ answer, or none", needs_db=False)
    p.add_argument("text", nargs="?", metavar="TEXT", help="the patient's message")
    p.add_argument("--batch", metavar="FILE.jsonl", help='one {"id": ..., "text": ...} per line; writes one JSON line per input')
    p.add_argument("--language", default="en", help="the message's language (default: en)")
    p.add_argument("--pathway", metavar="FILE", help="a pathway YAML file (default: the built-in MILD pathway)")
