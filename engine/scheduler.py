"""The scheduler: fires due timers exactly once, starts instances of timer start events,
delivers signals left pending and delivers the outbox.

It polls for instances whose `next_timer_due_at` has come (an indexed range query), runs
one timer step for each (the step re-checks under its lock, so several schedulers never
fire a timer twice), and also wakes exactly at the earliest due time it knows of, so a
timer fires within a second of falling due even between polls. Built on APScheduler.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import signal
import threading
import time
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from .api import Engine
from .attempts import not_leased
from .clock import clock
from .errors import IncidentRaised
from .models import ProcessInstance

log = logging.getLogger("klageflow.scheduler")
STOP_GRACE_SECONDS = 30


def _wall_clock_in(seconds: float) -> datetime:
    """A real instant `seconds` from now, for APScheduler (which sleeps in real time).

    The engine clock decides what is due; this only says when to look again.
    """
    return datetime.fromtimestamp(time.time() + seconds, tz=UTC)


class Scheduler:
    """Fires due timers and sends mail for one engine; start() runs it in the background."""

    def __init__(
        self,
        engine: Engine,
        *,
        poll_seconds: float | None = None,
        batch_size: int | None = None,
        sync_clock=None,
    ):
        self.engine = engine
        self.poll_seconds = poll_seconds or engine.settings.scheduler_poll_seconds
        self.batch_size = batch_size or engine.settings.scheduler_batch_size
        self.sync_clock = sync_clock  # test mode: read the shared test clock before work
        self._lock = threading.Lock()
        self._wake_lock = threading.Lock()
        self._stopping = threading.Event()
        self._aps = BackgroundScheduler(
            timezone="UTC",
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self.fired = 0

    # -- one round -----------------------------------------------------------------------

    def fire_due(self, limit: int | None = None) -> int:
        """Fire timers due now, one claimed instance per step; return how many fired.

        Each step claims the earliest due instance inside its own transaction, so
        several schedulers share the work without firing anything twice, and a step
        interrupted by a crash leaves its instance due for the next claim. Stops when
        nothing is due, or after `limit` claims.
        """
        fired = claims = 0
        idle: set[str] = set()  # claimed but nothing was due after all
        while not self._stopping.is_set() and (limit is None or claims < limit):
            claims += 1
            try:
                claimed = self.engine.claim_due_timer()
            except IncidentRaised as incident:
                log.error(
                    "timer failed on instance %s at %s: %s",
                    incident.instance_id,
                    incident.element_id,
                    incident.message,
                )
                continue
            if claimed is None:
                break
            instance_id, events = claimed
            if not events:
                if instance_id in idle:
                    break  # the same row again: leave it to the next round
                idle.add(instance_id)
            for event in events:
                details = event.details
                log.info(
                    "timer fired: instance %s element %s due %s late by %.3f s",
                    instance_id,
                    event.element_id,
                    details.get("due"),
                    details.get("late_by_seconds") or 0,
                )
            fired += len(events)
        self.fired += fired
        return fired

    def start_due(self, limit: int | None = None) -> int:
        """Start an instance for each due occurrence of a timer start event; return how many.

        Each claim is leased and the start commits with the timer's next occurrence (see
        `Engine.claim_start_timer`): several schedulers never start one occurrence twice.
        """
        started = claims = 0
        while not self._stopping.is_set() and (limit is None or claims < limit):
            claims += 1
            claimed = self.engine.claim_start_timer()
            if claimed is None:
                break
            started += claimed[1] is not None
        return started

    def deliver_signals(self, limit: int | None = None) -> int:
        """Deliver signal deliveries left pending (a thrower that died, or many of them)."""
        if self._stopping.is_set():
            return 0
        return self.engine.deliver_signals(limit=limit)

    def next_due(self) -> datetime | None:
        """The earliest due time of any running instance's timer that no step holds, or of
        a timer start event."""
        dues = [self._next_instance_due(), self.engine.next_start_due()]
        known = [due for due in dues if due is not None]
        return min(known) if known else None

    def _next_instance_due(self) -> datetime | None:
        with self.engine.db.read() as session:
            return session.scalar(
                select(ProcessInstance.next_timer_due_at)
                .where(
                    ProcessInstance.status == "running",
                    ProcessInstance.next_timer_due_at.is_not(None),
                    not_leased(),  # stepped elsewhere now: looked at again at the next poll
                )
                .order_by(ProcessInstance.next_timer_due_at)
                .limit(1)
            )

    def tick(self) -> dict[str, Any]:
        """One round: fire due timers, deliver due mail, plan the next wake-up."""
        with self._lock:
            if self.sync_clock is not None:
                self.sync_clock()
            fired = started = signals = 0
            mail = {"sent": 0, "deferred": 0, "failed": 0}
            while True:
                # Mail goes out between batches, so a backlog of timers never holds it up.
                batch = self.fire_due(limit=self.batch_size)
                fired += batch
                starts = self.start_due(limit=self.batch_size)
                started += starts
                deliveries = self.deliver_signals(limit=self.batch_size)
                signals += deliveries
                for outcome, count in self.engine.outbox.deliver_due(stop=self._stopping).items():
                    mail[outcome] += count
                full = max(batch, starts, deliveries) >= self.batch_size
                if not full or self._stopping.is_set():
                    break
            self._plan_wake_up()
            return {"fired": fired, "started": started, "signals": signals, **mail}

    # -- running in the background -------------------------------------------------------

    def _plan_wake_up(self) -> None:
        due = self.next_due()
        if due is not None:
            self._wake_for(due)

    def _wake_for(self, due: datetime) -> None:
        """Run a round just after `due` unless a poll or an earlier wake-up comes first."""
        if not self._aps.running:
            return
        # The engine clock may run ahead of the system clock (test mode): convert.
        delay = max((due - clock.now()).total_seconds(), 0.0)
        if delay >= self.poll_seconds:
            return  # a poll comes first
        run_at = _wall_clock_in(delay + 0.001)  # SpiffWorkflow fires once the instant has passed
        with self._wake_lock:
            planned = self._aps.get_job("wake")
            if planned is not None and planned.next_run_time <= run_at:
                return
            self._aps.add_job(self.tick, "date", run_date=run_at, id="wake", replace_existing=True)

    def _on_timer_armed(self, due: datetime) -> None:
        """A step in this process committed a timer: wake for it if it is sooner than a poll."""
        self._wake_for(due)

    def start(self) -> None:
        """Start polling in a background thread (and fire what fell due while stopped)."""
        self._aps.add_job(
            self.tick,
            "interval",
            seconds=self.poll_seconds,
            id="poll",
            next_run_time=datetime.now(clock.now().tzinfo),
        )
        self._aps.start()
        clock.on_change(self._on_clock_change)
        self.engine.runtime.timer_listeners.append(self._on_timer_armed)
        log.info(
            "scheduler started: poll every %.2f s, batches of %d",
            self.poll_seconds,
            self.batch_size,
        )

    def _on_clock_change(self) -> None:
        if self._aps.running:
            self._aps.add_job(
                self.tick,
                "date",
                run_date=datetime.now(clock.now().tzinfo),
                id="wake",
                replace_existing=True,
            )

    def stop(self) -> None:
        """Stop after the step in progress has committed."""
        self._stopping.set()
        if self._on_timer_armed in self.engine.runtime.timer_listeners:
            self.engine.runtime.timer_listeners.remove(self._on_timer_armed)
        if self._aps.running:
            self._aps.shutdown(wait=True)
        log.info("scheduler stopped after firing %d timer(s)", self.fired)

    def run_forever(self) -> None:
        """Run until SIGTERM or SIGINT, then stop cleanly (the current step commits first)."""
        done = threading.Event()

        def _stop(signum, _frame):
            log.info("signal %s: stopping", signal.Signals(signum).name)
            done.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.start()
        done.wait()
        stopped = threading.Event()

        def stop_and_signal() -> None:
            self.stop()
            stopped.set()

        threading.Thread(target=stop_and_signal, daemon=True).start()
        if not stopped.wait(STOP_GRACE_SECONDS):
            # A step that hangs (a database or mail server that stopped answering) must not
            # keep the process alive: its transaction rolls back and the next scheduler
            # takes the instance. Show where it hung, then go.
            log.error("the step in progress did not finish in %d s; exiting", STOP_GRACE_SECONDS)
            faulthandler.dump_traceback(all_threads=True)
            os._exit(1)
