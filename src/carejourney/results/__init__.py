"""Outcome results: the per-submission score projection, licensed wording, and the clinic report."""
