"""The reminders section of a pathway: what reaches patients and staff, and when."""

from __future__ import annotations

from carejourney.pathways.schema_base import Model


class ReminderRules(Model):
    pass
