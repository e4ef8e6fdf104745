"""The outcomes section of a pathway: which questionnaires are due when."""

from __future__ import annotations

from carejourney.pathways.schema_base import Model


class OutcomePlan(Model):
    pass
