"""Patient-facing text from the pathway, in the patient's language (English when not translated)."""

from __future__ import annotations

from typing import Any


def tr(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text["en"]


def blocks(body: str) -> list[dict[str, Any]]:
    """Split a body into paragraphs and bullet lists ("- " lines) for the template."""
    out: list[dict[str, Any]] = []
    for chunk in body.split("\n\n"):
        lines = [ln.strip() for ln in chunk.strip().splitlines() if ln.strip()]
        if not lines:
            continue
        para = [ln for ln in lines if not ln.startswith("- ")]
        items = [ln[2:] for ln in lines if ln.startswith("- ")]
        if para:
            out.append({"kind": "p", "text": " ".join(para)})
        if items:
            out.append({"kind": "ul", "items": items})
    return out
