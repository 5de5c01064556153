"""The shared test clock: set once, seen by every process on the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine import testclock
from engine.clock import clock


def test_sync_takes_the_shared_offset_and_wakes_listeners_only_when_it_changed(db):
    calls = []

    def listener():
        calls.append(clock.now())

    clock.on_change(listener)
    try:
        moment = datetime(2025, 8, 9, 12, tzinfo=UTC)
        testclock.set_shared(db, moment)
        clock.reset()  # another process: its own clock still follows the system
        calls.clear()

        testclock.sync(db)
        assert abs(clock.now() - moment) < timedelta(seconds=5)
        assert len(calls) == 1
        testclock.sync(db)
        testclock.sync(db)
        assert len(calls) == 1, "an unchanged offset must not wake the scheduler again"
    finally:
        clock._listeners.remove(listener)
