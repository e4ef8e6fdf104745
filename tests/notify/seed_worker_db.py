"""Run as a script (in its own process, against the database the environment names): enrol patients
whose procedure is booked, so that at NOW each has its day-before reminders due. Prints the ids due."""

import datetime as dt
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carejourney.settings")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import django  # noqa: E402

django.setup()

from carejourney.clinic import pathway_store, records  # noqa: E402
from carejourney.clinic.models import Clinic  # noqa: E402
from carejourney.notify.models import OutboxMessage  # noqa: E402
from carejourney.pathways.events import Actor  # noqa: E402
from helpers import EVALUATION, IMAGING  # noqa: E402

NOW = dt.datetime(2026, 8, 2, 13, 0, tzinfo=dt.timezone.utc)  # 09:00 in New York, the day before
STAFF, DOCTOR = Actor("coordinator", None, "seed"), Actor("clinician", None, "seed")


def main(patients: int) -> None:
    clinic = Clinic.objects.create(slug="north", name="North Spine", timezone="America/New_York", phone="+1 555 0100")
    for i in range(patients):
        t0 = dt.datetime(2026, 7, 15, 15, tzinfo=dt.timezone.utc)
        _, journey, _ = records.enrol(clinic, full_name=f"Test Patient {i}", birth_date=dt.date(1950, 1, 1), email=f"p{i}@example.com",
                                      pathway_version=pathway_store.current(), actor=STAFF, enrolled_at=dt.datetime(2026, 1, 5, 9), now=t0)
        steps = [
            ("evaluation-completed", EVALUATION, STAFF, dt.datetime(2026, 1, 5, 10)),
            ("imaging-reviewed", IMAGING, DOCTOR, dt.datetime(2026, 1, 6, 10)),
            ("conservative-care-recorded", {"kind": "medication", "started": "2026-01-07", "ended": "2026-07-08", "relief": "none"},
             STAFF, dt.datetime(2026, 7, 10, 10)),
            ("candidacy-assessed", {"decision": "candidate"}, DOCTOR, dt.datetime(2026, 7, 15, 10)),
            ("procedure-scheduled", {"at": f"2026-08-03T08:{i % 60:02d}"}, STAFF, dt.datetime(2026, 7, 15, 11)),
        ]
        for kind, data, actor, at in steps:
            records.record(journey, kind, data, actor=actor, at=at, now=t0)
    due = OutboxMessage.objects.filter(status="pending", send_after__lte=NOW, expires_at__gt=NOW)
    print(json.dumps(sorted(due.values_list("pk", flat=True))))


if __name__ == "__main__":
    main(int(sys.argv[1]))
