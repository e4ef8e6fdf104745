import datetime as dt
import re

import pytest
from django.db import DatabaseError, connection, transaction

from carejourney.clinic import pathway_store, records
from carejourney.clinic.models import Appointment, Clinic, JourneyEvent, JourneyProjection, PathwayVersion, WorklistItem
from carejourney.pathways.engine import Refused
from carejourney.pathways.events import Actor, InvalidEvent
from carejourney.pathways.loader import BUILTIN_DIR, PathwayError
from helpers import EVALUATION, IMAGING

pytestmark = pytest.mark.django_db
STAFF = Actor("coordinator", None, "test")
DOCTOR = Actor("clinician", None, "test doctor")
NOW = dt.datetime(2026, 9, 1, 15, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def clinic():
    return Clinic.objects.create(slug="north", name="North Clinic", timezone="America/New_York")


@pytest.fixture
def journey(clinic):
    _, journey, _ = records.enrol(
        clinic, full_name="Test Patient", birth_date=dt.date(1950, 1, 1), email="", pathway_version=pathway_store.current(),
        actor=STAFF, enrolled_at=dt.datetime(2026, 1, 5, 9, 0), now=NOW,
    )
    return journey


def _record(journey, kind, data, actor=STAFF, at=None):
    return records.record(journey, kind, data, actor=actor, at=at, now=NOW)


def _snapshot(journey):
    proj = JourneyProjection.objects.get(journey=journey)
    return (
        (proj.step, proj.status, proj.next_due_on, proj.next_due_kind, proj.event_count),
        sorted(Appointment.objects.filter(journey=journey).values_list("visit", "due", "window_start", "window_end", "status")),
        sorted(WorklistItem.objects.filter(journey=journey).values_list("kind", "starts_on", "due_on", "overdue_after")),
    )


def _to_procedure(journey):
    _record(journey, "evaluation-completed", EVALUATION, at=dt.datetime(2026, 1, 5, 10))
    _record(journey, "imaging-reviewed", IMAGING, DOCTOR, at=dt.datetime(2026, 1, 6, 10))
    _record(journey, "conservative-care-recorded", {"kind": "physical-therapy", "started": "2026-01-07", "relief": "little"},
            at=dt.datetime(2026, 1, 7, 10))
    _record(journey, "conservative-care-recorded",
            {"kind": "physical-therapy", "started": "2026-01-07", "ended": "2026-07-08", "relief": "little"}, at=dt.datetime(2026, 7, 10, 10))
    _record(journey, "candidacy-assessed", {"decision": "candidate"}, DOCTOR, at=dt.datetime(2026, 7, 15, 10))
    _record(journey, "procedure-scheduled", {"at": "2026-08-03T08:30"}, at=dt.datetime(2026, 7, 15, 11))


def test_event_and_projection_are_written_together(journey):
    _to_procedure(journey)
    view = _record(journey, "procedure-performed", {"at": "2026-08-03T23:30", "duration_min": 70, "levels": ["L4-L5"]}, DOCTOR)
    assert view.state.step == "procedure"
    proj = JourneyProjection.objects.get(journey=journey)
    assert (proj.step, proj.status, proj.event_count) == ("procedure", "active", 8)
    dues = dict(Appointment.objects.filter(journey=journey).values_list("visit", "due"))
    # 23:30 in New York is 2026-08-04 in UTC: the follow-ups still count from the local day.
    assert dues == {"procedure": dt.date(2026, 8, 3), "follow-up-2w": dt.date(2026, 8, 17), "follow-up-3m": dt.date(2026, 11, 1)}
    stored = JourneyEvent.objects.get(journey=journey, seq=8)
    assert stored.type == "procedure-performed" and stored.at == dt.datetime(2026, 8, 4, 3, 30, tzinfo=dt.timezone.utc)


def test_a_refused_event_writes_nothing(journey):
    before = _snapshot(journey), JourneyEvent.objects.count()
    with pytest.raises(Refused, match="needs candidacy-assessed"):
        _record(journey, "procedure-performed", {"at": "2026-02-01T09:00", "duration_min": 70, "levels": ["L4-L5"]}, DOCTOR)
    with pytest.raises(InvalidEvent, match=r"data.modality: must be one of MRI, CT"):
        _record(journey, "imaging-reviewed", {**IMAGING, "modality": "X-ray"}, DOCTOR)
    assert (_snapshot(journey), JourneyEvent.objects.count()) == before


def test_rebuild_gives_the_same_projection(journey):
    _to_procedure(journey)
    before = _snapshot(journey)
    WorklistItem.objects.filter(journey=journey).delete()
    JourneyProjection.objects.filter(journey=journey).update(step="evaluation", status="broken")
    assert records.rebuild([journey], now=NOW) == {"rebuilt": 1, "failed": 0}
    assert _snapshot(journey) == before


def test_events_are_append_only_in_the_database(journey):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE clinic_journeyevent SET type = 'withdrawn'")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM clinic_journeyevent")
    event = JourneyEvent.objects.get(journey=journey)
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert JourneyEvent.objects.filter(journey=journey, type="enrolled").count() == 1


def test_a_journey_stays_on_the_pathway_version_it_started_on(journey):
    text = (BUILTIN_DIR / "mild.yaml").read_text()
    with pytest.raises(PathwayError, match="already in use with different content"):
        pathway_store.register(text.replace("offset_days: 14", "offset_days: 21"), "mild.yaml")
    started_on = journey.pathway.version
    newer = re.sub(r"^version: \d+$", f"version: {started_on + 1}", text, count=1, flags=re.M)
    v2 = pathway_store.register(newer.replace("offset_days: 14", "offset_days: 21"), "mild.yaml")
    assert pathway_store.current("mild") == v2
    assert journey.pathway.version == started_on
    _to_procedure(journey)
    _record(journey, "procedure-performed", {"at": "2026-08-03T09:00", "duration_min": 70, "levels": ["L4-L5"]}, DOCTOR)
    assert Appointment.objects.get(journey=journey, visit="follow-up-2w").due == dt.date(2026, 8, 17)  # the first version's 14 days
    assert PathwayVersion.objects.count() == 2
