"""Storage for outcomes. Scores are derived from questionnaire-submitted events and rebuilt with the
journey (`carejourney journey rebuild`); imported wording is the clinic's own data."""

from __future__ import annotations

from django.db import models

from carejourney.clinic.models import Clinic, Journey


class Score(models.Model):
    """One measure of one instrument at one timepoint of a journey (the latest submission counts),
    with its change from the reference timepoint and responder status, so the clinic report is one scan."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="outcome_scores")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    timepoint = models.CharField(max_length=64)
    instrument = models.CharField(max_length=64)
    measure = models.CharField(max_length=64)
    value = models.FloatField()
    band = models.CharField(max_length=32, blank=True)
    on = models.DateField()
    event_seq = models.PositiveIntegerField()
    reference_timepoint = models.CharField(max_length=64, blank=True)
    change = models.FloatField(null=True, blank=True)
    responder = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["journey", "timepoint", "instrument", "measure"], name="score_measure_unique"),
        ]
        # Covering indexes: the report groups by (timepoint, instrument, measure) and reads only these columns.
        indexes = [
            models.Index(fields=["timepoint", "instrument", "measure", "value", "change", "responder"], name="score_report"),
            models.Index(fields=["clinic", "timepoint", "instrument", "measure", "value", "change", "responder"],
                         name="score_report_clinic"),
        ]


class InstrumentWording(models.Model):
    """A clinic's licensed wording for an instrument, as a FHIR R4 Questionnaire checked against its structure.
    The newest import for an instrument, clinic (or every clinic) and language is the one in use."""

    instrument = models.CharField(max_length=64)
    clinic = models.ForeignKey(Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8, default="en")
    #: Recorded in each submission's `wording`, so answers say which words the patient saw.
    label = models.CharField(max_length=200)
    questionnaire = models.JSONField()
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["instrument", "clinic", "language", "imported_at"])]
