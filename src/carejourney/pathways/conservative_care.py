"""The conservative-care clock: how long physical therapy, medication or injections have been tried.

Episodes are `conservative-care-recorded` events; a later event for the same kind and start date
corrects an earlier one (e.g. to add its end date and how much it helped). Overlapping episodes
count once.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from carejourney.pathways.events import ConservativeCareRecorded, Event


@dataclass(frozen=True)
class Episode:
    kind: str
    started: dt.date
    ended: dt.date | None
    relief: str
    seq: int


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def episodes(events: Iterable[Event]) -> list[Episode]:
    latest: dict[tuple[str, dt.date], Episode] = {}
    for e in events:
        if e.type == "conservative-care-recorded":
            d: ConservativeCareRecorded = e.data  # type: ignore[assignment]
            latest[(d.kind, d.started)] = Episode(d.kind, d.started, d.ended, d.relief, e.seq)
    return sorted(latest.values(), key=lambda ep: (ep.started, ep.seq))


def reviewable_on(eps: list[Episode], min_months: int) -> dt.date | None:
    """The day the episodes add up to `min_months` of care, if they continue as recorded.

    None when nothing is recorded, or when every episode has ended short of the minimum.
    """
    if not eps:
        return None
    first = eps[0].started
    needed = (add_months(first, min_months) - first).days
    covered = 0
    cursor: dt.date | None = None  # end of the merged coverage so far
    for ep in eps:
        start = ep.started if cursor is None else max(ep.started, cursor)
        if ep.ended is None:
            return start + dt.timedelta(days=needed - covered)
        if ep.ended > start:
            if covered + (ep.ended - start).days >= needed:
                return start + dt.timedelta(days=needed - covered)
            covered += (ep.ended - start).days
            cursor = ep.ended
    return None


def latest_relief(eps: list[Episode]) -> Episode | None:
    """The most recently recorded episode: its relief is the current answer to "did it help?"."""
    return max(eps, key=lambda ep: ep.seq, default=None)
