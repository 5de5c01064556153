"""The one clock: the only source of "now" for the engine, SpiffWorkflow's timers and the domain.

In production it follows the system clock. Tests (and an explicitly enabled test mode)
may set or advance it; every other module asks `clock.now()`.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """A clock that follows the system time unless it has been set."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen: datetime | None = None
        self._listeners: list = []

    def now(self) -> datetime:
        """Return the current instant as a timezone-aware UTC datetime."""
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return datetime.now(UTC) + self._offset

    def set(self, instant: datetime, *, frozen: bool = False) -> None:
        """Move the clock to `instant`; when `frozen`, time stands still there until moved again."""
        if instant.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware datetime")
        instant = instant.astimezone(UTC)
        with self._lock:
            if frozen:
                self._frozen = instant
            else:
                self._frozen = None
                self._offset = instant - datetime.now(UTC)
        self._notify()

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward (or back, with a negative delta)."""
        with self._lock:
            if self._frozen is not None:
                self._frozen += delta
            else:
                self._offset += delta
        self._notify()

    def reset(self) -> None:
        """Follow the system clock again."""
        with self._lock:
            self._frozen = None
            self._offset = timedelta(0)
        self._notify()

    def on_change(self, listener) -> None:
        """Call `listener()` whenever the clock is set or advanced (the scheduler re-plans)."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()


clock = Clock()


def now() -> datetime:
    """Return the current instant of the one clock (timezone-aware, UTC)."""
    return clock.now()
