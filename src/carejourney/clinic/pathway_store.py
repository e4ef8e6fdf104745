"""Pathway versions in the database: a journey is pinned to the exact text it started on."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from carejourney.clinic.models import PathwayVersion
from carejourney.pathways.loader import BUILTIN_DIR, PathwayError, parse_pathway
from carejourney.pathways.schema import Pathway


@lru_cache(maxsize=64)
def _parse(sha256: str, content: str, name: str) -> Pathway:
    return parse_pathway(content, name)


def pathway_of(version: PathwayVersion) -> Pathway:
    return _parse(version.sha256, version.content, f"{version.pathway_id}@{version.version}.yaml")


_BY_SHA: dict[str, Pathway] = {}


def pathway_by_id(version_id: int) -> Pathway:
    """The parsed pathway of a stored version, fetching its (large) text only the first time it is seen.

    Keyed by the text's hash, so a reused id with other content (e.g. after a rolled-back test) is never confused.
    """
    sha = PathwayVersion.objects.filter(pk=version_id).values_list("sha256", flat=True).get()
    if sha not in _BY_SHA:
        _BY_SHA[sha] = pathway_of(PathwayVersion.objects.get(pk=version_id))
    return _BY_SHA[sha]


def register(content: str, source: str) -> PathwayVersion:
    """Store a pathway's text (validating it first); the same id and version may not change."""
    pathway = parse_pathway(content, source)
    sha = hashlib.sha256(content.encode()).hexdigest()
    existing = PathwayVersion.objects.filter(pathway_id=pathway.id, version=pathway.version).first()
    if existing is not None:
        if existing.sha256 != sha:
            raise PathwayError(
                [f"{source}: {pathway.key} is already in use with different content: raise `version` to publish a change"]
            )
        return existing
    return PathwayVersion.objects.create(pathway_id=pathway.id, version=pathway.version, content=content, sha256=sha)


def current(pathway_id: str = "mild") -> PathwayVersion:
    """The newest registered version of a pathway; the built-in file is registered on first use."""
    found = PathwayVersion.objects.filter(pathway_id=pathway_id).order_by("-version").first()
    builtin = BUILTIN_DIR / f"{pathway_id}.yaml"
    if builtin.exists():
        content = builtin.read_text(encoding="utf-8")
        sha = hashlib.sha256(content.encode()).hexdigest()
        if found is None or (found.sha256 != sha and parse_pathway(content, builtin.name).version > found.version):
            return register(content, builtin.name)
    if found is None:
        raise PathwayError([f"no pathway '{pathway_id}' is loaded: use `carejourney pathway load FILE`"])
    return found
