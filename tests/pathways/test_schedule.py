import datetime as dt
from zoneinfo import ZoneInfo

from carejourney.pathways.engine import Clock, fold
from carejourney.pathways.schedule import appointments, preparation_reminders, review_date
from helpers import at, clock, ev, history_to_candidacy, history_to_completion

UTC = dt.timezone.utc


def _follow_ups(mild, procedure_at, tz, today="2026-08-10"):
    state = fold(mild, history_to_completion(procedure_at)[:13], Clock(dt.datetime(2027, 1, 1, tzinfo=UTC), tz))
    return {a.visit: a for a in appointments(mild, state, clock(today, tz=tz))}


def test_follow_ups_are_14_and_90_days_after_the_procedure_with_windows(mild):
    appts = _follow_ups(mild, at("2026-08-03", "09:00"), ZoneInfo("America/New_York"))
    two, three = appts["follow-up-2w"], appts["follow-up-3m"]
    assert (two.due, two.window_start, two.window_end) == (dt.date(2026, 8, 17), dt.date(2026, 8, 14), dt.date(2026, 8, 24))
    assert (three.due, three.window_start, three.window_end) == (dt.date(2026, 11, 1), dt.date(2026, 10, 18), dt.date(2026, 11, 22))


def test_a_procedure_near_midnight_keeps_its_local_day():
    # 23:40 in New York is already the next day in UTC; the follow-up must still count from the local day.
    from carejourney.pathways.loader import builtin_pathway

    mild = builtin_pathway()
    ny = ZoneInfo("America/New_York")
    late = dt.datetime(2026, 8, 3, 23, 40, tzinfo=ny)
    assert late.astimezone(UTC).date() == dt.date(2026, 8, 4)
    appts = _follow_ups(mild, late, ny)
    assert appts["follow-up-2w"].due == dt.date(2026, 8, 17)
    early = dt.datetime(2026, 8, 3, 0, 20, tzinfo=ZoneInfo("Asia/Tokyo"))  # still 2 August in UTC
    appts = _follow_ups(mild, early, ZoneInfo("Asia/Tokyo"))
    assert appts["follow-up-2w"].due == dt.date(2026, 8, 17)


def test_overdue_detection_follows_the_window(mild):
    procedure_at = at("2026-08-03", "09:00")
    state = fold(mild, history_to_completion(procedure_at)[:13], clock())
    status = lambda day: {a.visit: a.status for a in appointments(mild, state, clock(day))}["follow-up-2w"]  # noqa: E731
    assert status("2026-08-13") == "upcoming"
    assert status("2026-08-14") == "due"
    assert status("2026-08-24") == "due"
    assert status("2026-08-25") == "overdue"


def test_preparation_reminders_count_down_to_the_procedure(mild):
    state = fold(mild, history_to_completion()[:7], clock())
    reminders = preparation_reminders(mild, state, clock("2026-07-16"))
    assert [(r.days_before, r.on) for r in reminders] == [
        (7, dt.date(2026, 7, 27)), (2, dt.date(2026, 8, 1)), (1, dt.date(2026, 8, 2)),
    ]


def test_rescheduling_moves_the_procedure_and_its_reminders(mild):
    events = history_to_completion()[:7] + [
        ev("procedure-scheduled", at("2026-07-16"), {"at": at("2026-08-10", "08:00").isoformat()}),
    ]
    state = fold(mild, events, clock())
    (proc,) = appointments(mild, state, clock("2026-07-16"))
    assert proc.due == dt.date(2026, 8, 10) and proc.at == at("2026-08-10", "08:00")
    assert preparation_reminders(mild, state, clock("2026-07-16"))[-1].on == dt.date(2026, 8, 9)


def test_conservative_care_review_date(mild):
    state = fold(mild, history_to_candidacy()[:4], clock())
    assert review_date(mild, state) == dt.date(2026, 7, 7)  # started 2026-01-07, six months on
