"""Test mode: the settable clock shared by every process on one database.

Setting the clock stores its offset from the system time; each process (web workers,
schedulers) applies the stored offset before it works, so all of them agree on "now".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .clock import clock as shared_clock
from .db import Database
from .models import ClockSetting

ROW_ID = 1
SAME_INSTANT_SECONDS = 0.01


def set_shared(db: Database, instant: datetime) -> datetime:
    """Set the clock here and for every process on `db`; return the new now."""
    shared_clock.set(instant)
    offset = (shared_clock.now() - datetime.now(UTC)).total_seconds()
    with db.write() as session:
        row = session.get(ClockSetting, ROW_ID)
        if row is None:
            row = ClockSetting(id=ROW_ID)
            session.add(row)
        row.offset_seconds = offset
        row.updated_at = datetime.now(UTC)
    return shared_clock.now()


def sync(db: Database) -> None:
    """Apply the shared offset to this process's clock (no row: the system clock)."""
    with db.read() as session:
        row = session.get(ClockSetting, ROW_ID)
    if row is None:
        return
    target = datetime.now(UTC) + timedelta(seconds=row.offset_seconds)
    if abs((shared_clock.now() - target).total_seconds()) < SAME_INSTANT_SECONDS:
        return  # unchanged: setting it would wake every listener (the scheduler) for nothing
    shared_clock.set(target)


def system_now() -> datetime:
    """The machine's own time, whatever the clock is set to (a demo shows how far it moved)."""
    return datetime.now(UTC)
