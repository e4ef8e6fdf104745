"""Candidacy for the procedure: criteria evaluated against the recorded evidence (decision support)."""
