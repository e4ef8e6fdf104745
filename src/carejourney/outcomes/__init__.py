"""Outcome questionnaires: instruments as data, scoring, responders, due dates, charts (pure core)."""
