"""Storage. Events are the truth and are never changed; everything else about a journey
(projection, appointments, worklist items) is derived from them and can be rebuilt."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"'{value}' is not a time zone name (e.g. America/New_York)") from None


class Clinic(models.Model):
    slug = models.SlugField(unique=True, max_length=64)
    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="America/New_York", validators=[validate_timezone])
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class StaffMember(models.Model):
    ROLES = [("coordinator", "Care coordinator"), ("clinician", "Clinician"), ("admin", "Clinic administrator")]
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20, choices=ROLES)
    clinics = models.ManyToManyField(Clinic, related_name="staff")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.role})"


class PathwayVersion(models.Model):
    """The exact pathway text a journey started on, so later edits never change it."""

    pathway_id = models.SlugField(max_length=64)
    version = models.PositiveIntegerField()
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pathway_id", "version"], name="pathway_version_unique")]

    def __str__(self) -> str:
        return f"{self.pathway_id}@{self.version}"


class Patient(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    full_name = models.CharField(max_length=200)
    birth_date = models.DateField()
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=8, default="en")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="patient"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["clinic", "full_name"])]

    def __str__(self) -> str:
        return f"patient {self.pk}"


class Journey(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="journeys")
    pathway = models.ForeignKey(PathwayVersion, on_delete=models.PROTECT, related_name="journeys")
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"journey {self.pk}"


class JourneyEvent(models.Model):
    """Append-only: a database trigger refuses UPDATE and DELETE (see migration 0002)."""

    journey = models.ForeignKey(Journey, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=64)
    at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=20)
    actor_label = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["journey", "seq"], name="journey_event_seq_unique")]
        ordering = ["journey", "seq"]

    def __str__(self) -> str:
        return f"{self.type} #{self.seq}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("journey events are append-only: record a new event instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("journey events are append-only")


class JourneyProjection(models.Model):
    """Where each journey stands, kept in step with its events for fast lists."""

    journey = models.OneToOneField(Journey, primary_key=True, on_delete=models.CASCADE, related_name="projection")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=64)
    status = models.CharField(max_length=32)
    next_due_on = models.DateField(null=True, blank=True)
    next_due_kind = models.CharField(max_length=64, blank=True)
    event_count = models.PositiveIntegerField()
    last_event_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "status", "step"]),
            models.Index(fields=["next_due_on"]),
        ]


class Appointment(models.Model):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="appointments")
    visit = models.CharField(max_length=64)
    due = models.DateField()
    window_start = models.DateField()
    window_end = models.DateField()
    status = models.CharField(max_length=20)
    at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["journey", "visit"], name="appointment_visit_unique")]
        indexes = [models.Index(fields=["due"])]


class WorklistItem(models.Model):
    """Derived: a reason for the care team to look at a journey, from `starts_on`."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="work_items")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    overdue_kind = models.CharField(max_length=64, blank=True)
    starts_on = models.DateField()
    due_on = models.DateField()
    overdue_after = models.DateField(null=True, blank=True)
    subject = models.CharField(max_length=64, blank=True)

    class Meta:
        # The worklist reads items in due order and stops at a page: these indexes give that order
        # (due_on, starts_on, then the row id) so no sort of every open item is needed.
        indexes = [
            models.Index(fields=["due_on", "starts_on"]),
            models.Index(fields=["clinic", "due_on", "starts_on"]),
        ]
