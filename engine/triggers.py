"""Instances started and reached by events: timer, message and signal start events, messages
correlated by process data, and signals broadcast to every instance waiting for them.

Every change still happens in a step of the runtime (`Runtime.run_step` on an instance,
`Runtime.start_instance` for a start): the budget, the version check and the audit apply.
What must happen exactly once is written in the step's own transaction: the next
occurrence of a start timer, the delivered mark of a signal delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import (
    MessageEventDefinition,
    SignalEventDefinition,
)
from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.orm import Session

from . import clock
from .attempts import LEASE_MARGIN_SECONDS, OWNER, wall_now
from .deploy import latest_versions
from .errors import AmbiguousTarget, Conflict, IncidentRaised, KlageflowError, NotFound
from .events import correlation_text, following, start_events, subscriptions
from .forms import json_object
from .models import (
    EventSubscription,
    ProcessDefinition,
    ProcessInstance,
    SignalBroadcast,
    SignalDelivery,
    StartTimer,
    new_id,
)
from .records import Definition, InstanceSummary
from .runtime import DefinitionRef, StartTrigger, StepContext
from .spiff import to_plain

if TYPE_CHECKING:
    from .config import Settings
    from .db import Database
    from .runtime import Runtime

log = logging.getLogger("klageflow.triggers")


class _LostClaim(Exception):
    """The start timer or signal delivery was taken over or done meanwhile: roll back."""


@dataclass(frozen=True)
class StartTimerInfo:
    """A timer start event of a latest version and its next occurrence (None: no more).

    key, version, element_id: the process, its version and the start event.
    kind, expression: date, duration or cycle, and its ISO 8601 value.
    next_start_at: the next occurrence; started: instances it started; last_error: why the
    last occurrence started nothing (None when it did).
    """

    key: str
    version: int
    element_id: str
    kind: str
    expression: str
    next_start_at: datetime | None
    started: int
    last_error: str | None


@dataclass(frozen=True)
class SignalReport:
    """What a signal did: its id, name, and per delivery the instance it reached or started.

    deliveries: dicts with instance_id, element_id (a start event) and status
    (pending, delivered, skipped) and a note for those skipped.
    """

    id: int
    name: str
    deliveries: list[dict[str, Any]]


class EventTriggers:
    """The Engine's methods for timer starts, messages by name and correlation, and signals."""

    db: Database
    runtime: Runtime
    settings: Settings

    _require_helpers: Callable[[Definition], None]  # the Engine's check of script helpers

    # -- start events of latest versions ------------------------------------------------------

    def _latest_starts(self, kind: str, name: str) -> list[tuple[Definition, str]]:
        """(latest version, start event id) of every process whose start event catches `name`."""
        found = []
        with self.db.read() as session:
            rows = latest_versions(session)
            for row in rows:
                if not any(name in text for text in row.files.values()):
                    continue
                ref = DefinitionRef(row.id, row.key, row.version, row.content_hash)
                for event in start_events(self.runtime.parsed(session, ref)):
                    if event.kind == kind and event.name == name:
                        found.append(
                            (Definition.from_row(row, files=dict(row.files)), event.element_id)
                        )
        return found

    def _start_by(
        self,
        definition: Definition,
        trigger: StartTrigger,
        data: dict[str, Any],
        actor: str | None,
        in_transaction=None,
    ) -> InstanceSummary:
        self._require_helpers(definition)
        return self.runtime.start_instance(definition, data, None, actor, in_transaction, trigger)

    # -- messages ---------------------------------------------------------------------------

    def correlate_message(
        self,
        name: str,
        correlation: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        *,
        actor: str | None = None,
        in_transaction=None,
    ) -> InstanceSummary:
        """Deliver message `name` without an instance id; return the instance's summary.

        With `correlation` (e.g. {"reference": "KP-2026-000002"}) it reaches the one running
        instance waiting for `name` whose catch event names these correlation properties
        (`spiffworkflow:processVariableCorrelation`) with these values. Without, it starts
        the process whose latest version has a message start event for `name`; `data` is
        then the new instance's data and the message payload. NotFound when nothing takes
        the message; AmbiguousTarget (a Conflict listing them) when more than one would.
        `in_transaction(session, instance_id)` writes domain rows in the step's transaction.
        """
        data = dict(json_object(data, "message data") or {})
        correlation = dict(json_object(correlation, "correlation") or {})
        if not correlation:
            starts = self._latest_starts("message", name)
            if not starts:
                raise NotFound(
                    f"no deployed process starts on message {name!r} "
                    "(give a correlation or an instance to reach a waiting instance)"
                )
            if len(starts) > 1:
                keys = sorted({definition.key for definition, _ in starts})
                raise AmbiguousTarget(
                    f"{len(starts)} processes start on message {name!r}: {', '.join(keys)}",
                    processes=keys,
                )
            definition, element_id = starts[0]
            event = BpmnEvent(MessageEventDefinition(name), deepcopy(data))
            details = {"trigger": "message", "message": name}
            trigger = StartTrigger(element_id, event, details)
            return self._start_by(definition, trigger, data, actor, in_transaction)
        text = correlation_text(correlation)
        with self.db.read() as session:
            ids = _waiting(
                session,
                "message",
                name,
                EventSubscription.correlation == text,
                ProcessInstance.status == "running",
            )
        described = ", ".join(f"{k}={v}" for k, v in sorted(correlation.items()))
        if not ids:
            raise NotFound(f"no running instance waits for message {name!r} with {described}")
        if len(ids) > 1:
            raise AmbiguousTarget(
                f"{len(ids)} instances wait for message {name!r} with {described}", instances=ids
            )
        return self._deliver_correlated(ids[0], name, correlation, data, actor, in_transaction)

    def _deliver_correlated(
        self,
        instance_id: str,
        name: str,
        correlation: dict[str, Any],
        data: dict[str, Any],
        actor: str | None,
        in_transaction,
    ) -> InstanceSummary:
        text = correlation_text(correlation)
        record = {"kind": "message", "name": name, "data": to_plain(data), "actor": actor}

        def action(ctx: StepContext):
            waiting = [
                sub
                for sub in subscriptions(ctx.workflow)
                if sub.kind == "message" and sub.name == name and sub.correlation == text
            ]
            if ctx.instance.status != "running" or not waiting:
                raise Conflict(f"instance {instance_id} no longer waits for message {name!r}")
            correlations = deepcopy(waiting[0].task.workflow.correlations or {})
            event = BpmnEvent(MessageEventDefinition(name), deepcopy(data), correlations)
            _send(ctx, event, f"instance {instance_id} is not waiting for message {name!r}")
            ctx.audit("message_received", None, name=name, data=data, correlation=correlation)
            if in_transaction is not None:
                ctx.on_write(lambda session: in_transaction(session, instance_id))

        return self._step_summary(instance_id, action, actor, record)

    # -- signals ----------------------------------------------------------------------------

    def signal(
        self,
        name: str,
        data: dict[str, Any] | None = None,
        *,
        actor: str | None = None,
        deliver: bool = True,
    ) -> SignalReport:
        """Throw signal `name` to every instance waiting for it and to signal start events.

        The signal and one delivery row per instance waiting now (and per latest version
        with a signal start event for it) are committed first; each delivery then runs in a
        step of its own that marks it delivered in its transaction, so each instance gets
        the signal exactly once. With `deliver` False, or if this process dies meanwhile,
        the scheduler delivers what is left. `data` is the signal's payload (a start
        event's instance starts with it as its data).
        """
        data = dict(json_object(data, "signal data") or {})
        starts = self._latest_starts("signal", name)
        with self.db.write() as session:
            broadcast = SignalBroadcast(name=name, data=data, sent_by=actor, sent_at=clock.now())
            session.add(broadcast)
            session.flush()
            waiting = _waiting(session, "signal", name, ProcessInstance.status != "completed")
            rows = [
                SignalDelivery(signal_id=broadcast.id, instance_id=i, status="pending")
                for i in waiting
            ] + [
                SignalDelivery(
                    signal_id=broadcast.id,
                    definition_id=definition.id,
                    element_id=element_id,
                    status="pending",
                )
                for definition, element_id in starts
            ]
            session.add_all(rows)
            signal_id = broadcast.id
        if deliver:
            self.deliver_signals(signal_id=signal_id)
        return self.signal_report(signal_id)

    def signal_report(self, signal_id: int) -> SignalReport:
        """A signal and the state of each of its deliveries."""
        with self.db.read() as session:
            broadcast = session.get(SignalBroadcast, signal_id)
            if broadcast is None:
                raise NotFound(f"signal {signal_id} does not exist")
            deliveries = session.scalars(
                select(SignalDelivery)
                .where(SignalDelivery.signal_id == signal_id)
                .order_by(SignalDelivery.id)
            ).all()
            return SignalReport(
                broadcast.id,
                broadcast.name,
                [
                    {
                        "instance_id": row.result_instance_id or row.instance_id,
                        "element_id": row.element_id,
                        "status": row.status,
                        "note": row.note,
                    }
                    for row in deliveries
                ],
            )

    def deliver_signals(self, *, signal_id: int | None = None, limit: int | None = None) -> int:
        """Deliver pending signal deliveries, each in a step of its own; return how many ran.

        A delivery is leased while it runs, so a second process skips it; one whose process
        died is taken up again once its lease ran out, and its step's delivered mark makes
        sure it reaches its instance only once.
        """
        done = 0
        while limit is None or done < limit:
            claimed = self._claim_delivery(signal_id)
            if claimed is None:
                break
            self._deliver(*claimed)
            done += 1
        return done

    def _claim_delivery(self, signal_id: int | None) -> tuple[int, str, dict, Any, Any] | None:
        now = wall_now()
        with self.db.write() as session:
            query = (
                select(SignalDelivery)
                .where(
                    SignalDelivery.status == "pending",
                    or_(SignalDelivery.lease_until.is_(None), SignalDelivery.lease_until < now),
                )
                .order_by(SignalDelivery.id)
                .limit(1)
            )
            if signal_id is not None:
                query = query.where(SignalDelivery.signal_id == signal_id)
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            row = session.scalars(query).first()
            if row is None:
                return None
            row.lease_until = now + timedelta(
                seconds=self.settings.step_seconds + LEASE_MARGIN_SECONDS
            )
            broadcast = session.get_one(SignalBroadcast, row.signal_id)
            target = row.instance_id or (row.definition_id, row.element_id)
            return row.id, broadcast.name, dict(broadcast.data or {}), target, broadcast.sent_by

    def _deliver(self, delivery_id: int, name: str, data: dict, target: Any, actor: Any) -> None:
        def mark(session: Session, instance_id: str) -> None:
            result = cast(
                CursorResult[Any],
                session.execute(
                    update(SignalDelivery)
                    .where(SignalDelivery.id == delivery_id, SignalDelivery.status == "pending")
                    .values(
                        status="delivered",
                        delivered_at=clock.now(),
                        result_instance_id=instance_id,
                        lease_until=None,
                    )
                ),
            )
            if not result.rowcount:  # delivered meanwhile: this step rolls back
                raise _LostClaim

        try:
            if isinstance(target, str):
                self._signal_step(target, name, data, actor, mark)
            else:
                definition_id, element_id = target
                with self.db.read() as session:
                    row = session.get_one(ProcessDefinition, definition_id)
                    definition = Definition.from_row(row, files=dict(row.files))
                event = BpmnEvent(SignalEventDefinition(name), deepcopy(data))
                details = {"trigger": "signal", "signal": name}
                trigger = StartTrigger(element_id, event, details)
                self._start_by(definition, trigger, dict(data), actor, mark)
        except _LostClaim:
            return  # delivered meanwhile by another process
        except IncidentRaised as incident:
            self._skip_delivery(
                delivery_id,
                f"incident {incident.incident_id} at {incident.element_id}: {incident.message}",
                status="incident",
                instance_id=incident.instance_id,
            )
        except KlageflowError as exc:  # no longer waiting, a start refused by its model
            self._skip_delivery(delivery_id, exc.message)

    def _signal_step(self, instance_id: str, name: str, data: dict, actor: Any, mark=None):
        """Deliver signal `name` to one instance in a step (`mark` writes in its transaction)."""
        record = {"kind": "signal", "name": name, "data": to_plain(data), "actor": actor}

        def action(ctx: StepContext):
            if ctx.instance.status != "running":
                raise Conflict(f"instance {instance_id} is {ctx.instance.status}")
            event = BpmnEvent(SignalEventDefinition(name), deepcopy(data))
            _send(ctx, event, f"instance {instance_id} no longer waits for signal {name!r}")
            ctx.audit("signal_received", None, name=name, data=data)
            if mark is not None:
                ctx.on_write(lambda session: mark(session, instance_id))

        return self._step_summary(instance_id, action, actor, record)

    def _step_summary(
        self, instance_id: str, action: Callable[[StepContext], None], actor: Any, record: dict
    ) -> InstanceSummary:
        """Run `action` as a step on the instance; its summary afterwards."""
        result = self.runtime.run_step(instance_id, action, actor=actor, action_record=record)
        assert result is not None and result.summary is not None
        return result.summary

    def _skip_delivery(
        self, delivery_id: int, note: str, *, status: str = "skipped", instance_id=None
    ) -> None:
        with self.db.write() as session:
            session.execute(
                update(SignalDelivery)
                .where(SignalDelivery.id == delivery_id, SignalDelivery.status == "pending")
                .values(
                    status=status,
                    note=note,
                    delivered_at=clock.now(),
                    lease_until=None,
                    result_instance_id=instance_id,
                )
            )

    def next_signal_lease(self) -> bool:
        """Whether a signal delivery is pending and free to take (the scheduler's check)."""
        with self.db.read() as session:
            return (
                session.scalar(
                    select(SignalDelivery.id)
                    .where(
                        SignalDelivery.status == "pending",
                        or_(
                            SignalDelivery.lease_until.is_(None),
                            SignalDelivery.lease_until < wall_now(),
                        ),
                    )
                    .limit(1)
                )
                is not None
            )

    # -- timer start events -----------------------------------------------------------------

    def start_timers(self) -> list[StartTimerInfo]:
        """The timer start events of the latest versions, with their next occurrence."""
        with self.db.read() as session:
            rows = session.execute(
                select(StartTimer, ProcessDefinition.version)
                .join(ProcessDefinition, ProcessDefinition.id == StartTimer.definition_id)
                .order_by(StartTimer.process_key, StartTimer.element_id)
            ).all()
            return [
                StartTimerInfo(
                    row.process_key,
                    version,
                    row.element_id,
                    row.kind,
                    row.expression,
                    row.next_due_at,
                    row.started,
                    row.last_error,
                )
                for row, version in rows
            ]

    def next_start_due(self) -> datetime | None:
        """The earliest next occurrence of a start timer no process holds (the scheduler's
        wake-up; one held is looked at again at the next poll)."""
        with self.db.read() as session:
            return session.scalar(
                select(func.min(StartTimer.next_due_at)).where(
                    or_(StartTimer.lease_until.is_(None), StartTimer.lease_until < wall_now())
                )
            )

    def claim_start_timer(self, *, actor: str = "scheduler") -> tuple[int, str | None] | None:
        """Claim the earliest due start timer and start its instance; None when none is due.

        The claim is a short write leasing the row to this call (SKIP LOCKED on
        PostgreSQL). The instance is computed outside any lock and written together with
        the timer's next occurrence in one transaction, which first checks the row is still
        at the claimed occurrence and claim: so each occurrence starts one instance however
        many schedulers run, and one claimed by a process that died is claimed again once
        its lease ran out. Returns (timer id, the started instance id or None when the
        occurrence started nothing: a model failing at its start, or taken meanwhile).
        """
        token = f"{OWNER}:{new_id()}"
        now = clock.now()
        with self.db.write() as session:
            query = (
                select(StartTimer)
                .where(
                    StartTimer.next_due_at < now,
                    or_(StartTimer.lease_until.is_(None), StartTimer.lease_until < wall_now()),
                )
                .order_by(StartTimer.next_due_at)
                .limit(1)
            )
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            row = session.scalars(query).first()
            if row is None:
                return None
            timer_id, due = row.id, row.next_due_at
            assert due is not None
            row.attempts += 1
            if row.attempts > self.settings.step_attempts:
                error = (
                    f"the start did not finish in {row.attempts - 1} attempts: the process "
                    "running it ended each time (killed, or out of memory)"
                )
                _advance_timer(row, due, now, error)
                log.error(
                    "start timer %s of %s skipped: %s", row.element_id, row.process_key, error
                )
                return timer_id, None
            row.lease_until = wall_now() + timedelta(
                seconds=self.settings.step_seconds + LEASE_MARGIN_SECONDS
            )
            row.claimed_by = token
            definition_row = session.get_one(ProcessDefinition, row.definition_id)
            definition = Definition.from_row(definition_row, files=dict(definition_row.files))
            element_id, kind = row.element_id, row.kind

        def advance(session: Session, instance_id: str | None, error: str | None = None) -> None:
            query = select(StartTimer).where(StartTimer.id == timer_id)
            if not self.db.is_sqlite:
                query = query.with_for_update()
            current = session.scalars(query).first()
            if current is None or current.claimed_by != token or current.next_due_at != due:
                raise _LostClaim  # replaced by a deploy, or taken over after the lease ran out
            _advance_timer(current, due, clock.now(), error, started=instance_id is not None)

        details = {"trigger": "timer", "timer": kind, "due": due}
        trigger = StartTrigger(element_id, None, details)
        try:
            summary = self._start_by(definition, trigger, {}, actor, advance)
        except _LostClaim:
            return timer_id, None
        except IncidentRaised:
            raise  # a start raises none; never expected
        except KlageflowError as exc:  # the model failed at its start, helpers missing
            log.error("start timer %s of %s failed: %s", element_id, definition.key, exc.message)
            try:
                with self.db.write() as session:
                    advance(session, None, exc.message)
            except _LostClaim:
                pass
            return timer_id, None
        log.info(
            "timer start: %s %s started instance %s (due %s)",
            definition.key,
            element_id,
            summary.id,
            due.isoformat(),
        )
        return timer_id, summary.id


def _waiting(session: Session, kind: str, name: str, *where: Any) -> list[str]:
    """The ids, sorted, of the instances subscribed to the `kind` event `name` (and meeting
    `where`)."""
    return sorted(
        set(
            session.scalars(
                select(EventSubscription.instance_id)
                .join(ProcessInstance, ProcessInstance.id == EventSubscription.instance_id)
                .where(EventSubscription.kind == kind, EventSubscription.name == name, *where)
            )
        )
    )


def _send(ctx: StepContext, event: BpmnEvent, refusal: str) -> None:
    """Send `event` into the step's workflow; a Conflict saying `refusal` when nothing catches it."""
    try:
        ctx.workflow.send_event(event)
    except WorkflowException:
        raise Conflict(refusal) from None


def _advance_timer(
    row: StartTimer, due: datetime, now: datetime, error: str | None, *, started: bool = False
) -> None:
    """Move a start timer past the occurrence `due` (started or not) and free its claim."""
    row.next_due_at, row.remaining = following(due, row.remaining, row.period_seconds, now)
    row.started += 1 if started else 0
    row.attempts = 0
    row.lease_until = None
    row.claimed_by = None
    row.last_error = error
