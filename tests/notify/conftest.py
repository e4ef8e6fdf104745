import datetime as dt

import pytest

from carejourney.clinic import pathway_store, records
from carejourney.clinic.models import Clinic, StaffMember
from carejourney.outcomes.instruments import instrument
from carejourney.pathways.events import Actor
from helpers import EVALUATION, IMAGING
from smtp_sink import SmtpServer

STAFF = Actor("coordinator", None, "test")
DOCTOR = Actor("clinician", None, "test doctor")
UTC = dt.timezone.utc


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server.sink


@pytest.fixture
def clinic(db):
    return Clinic.objects.create(slug="north", name="North Spine", timezone="America/New_York", phone="+1 555 0100")


def add_coordinator(clinic, email="coordinator@north.test"):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username=email, email=email)
    member = StaffMember.objects.create(user=user, role="coordinator")
    member.clinics.add(clinic)
    return member


def enrol(clinic, email="ada@example.com", language="en", now=None):
    patient, journey, _ = records.enrol(
        clinic, full_name="Ada Baker", birth_date=dt.date(1950, 4, 2), email=email, pathway_version=pathway_store.current(),
        actor=STAFF, enrolled_at=dt.datetime(2026, 1, 5, 9, 0), now=now or dt.datetime(2026, 1, 5, 15, tzinfo=UTC),
    )
    if language != "en":
        patient.language = language
        patient.save()
    return patient, journey


def record(journey, kind, data, actor=STAFF, at=None, now=None):
    return records.record(journey, kind, data, actor=actor, at=at, now=now or dt.datetime(2026, 7, 15, 15, tzinfo=UTC))


def to_candidate(journey):
    record(journey, "evaluation-completed", EVALUATION, at=dt.datetime(2026, 1, 5, 10), now=dt.datetime(2026, 1, 5, 16, tzinfo=UTC))
    record(journey, "imaging-reviewed", IMAGING, DOCTOR, at=dt.datetime(2026, 1, 6, 10), now=dt.datetime(2026, 1, 6, 16, tzinfo=UTC))
    record(journey, "conservative-care-recorded", {"kind": "physical-therapy", "started": "2026-01-07", "relief": "little"},
           at=dt.datetime(2026, 1, 7, 10), now=dt.datetime(2026, 1, 7, 16, tzinfo=UTC))
    record(journey, "conservative-care-recorded",
           {"kind": "physical-therapy", "started": "2026-01-07", "ended": "2026-07-08", "relief": "little"},
           at=dt.datetime(2026, 7, 10, 10), now=dt.datetime(2026, 7, 10, 16, tzinfo=UTC))
    record(journey, "candidacy-assessed", {"decision": "candidate"}, DOCTOR, at=dt.datetime(2026, 7, 15, 10))


def schedule(journey, when="2026-08-03T08:30", at=dt.datetime(2026, 7, 15, 11), now=None):
    return record(journey, "procedure-scheduled", {"at": when, "levels": ["L4-L5"]}, at=at, now=now)


ANSWERS = {
    "nrs-back": {"back-pain": 3}, "nrs-leg": {"leg-pain": 2}, "walking-tolerance": {"walk-minutes": 30},
    "standing-tolerance": {"stand-minutes": 20},
    "odi": {s: 1 for s in ("pain-intensity", "personal-care", "lifting", "walking", "sitting", "standing", "sleeping",
                           "sex-life", "social-life", "travelling")},
}


def answers(instrument_id):
    """A valid (synthetic) set of answers for one instrument, as a patient would submit it."""
    if instrument_id in ANSWERS:
        return ANSWERS[instrument_id]
    return {item.id: item.values[0] for section in instrument(instrument_id).sections for item in section.items}
