"""The question box's section of a pathway: red flags and answer matching."""

from __future__ import annotations

from carejourney.pathways.schema_base import Model


class QuestionBox(Model):
    pass
