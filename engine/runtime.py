"""The step: the only way a process instance changes, computed outside any write lock.

`run_step` first counts the step in a small commit of its own (`engine.attempts`: the
poison-instance rule), then reads the instance (version v) and, under the step budget
(`engine.budget`) and holding no lock, restores the workflow, fires due timers and runs
engine steps first (a deadline that passed wins over late input), applies the caller's
action and runs engine steps again. Only then does it open the write transaction, check
the instance is still at version v (else it computes again from the new state, a bounded
number of times) and write the state, `next_timer_due_at`, work items, audit events and
outbox rows in one commit; a discarded computation has no effect. A failure of the model
(`ProcessError`: a script, expression, DMN table or service handler failed, the budget ran
out, call activities nested too deep) writes nothing but an incident; any other exception
is a bug in Klageflow and propagates.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .attempts import begin_attempt, end_attempt
from .budget import BudgetExceeded, step_budget
from .clock import clock
from .db import Database
from .errors import Conflict, IncidentRaised, InvalidData, KlageflowError, NotFound, ProcessError
from .events import fire_start_event, subscriptions
from .models import (
    AuditEvent,
    EventSubscription,
    Incident,
    OutboxMail,
    ProcessDefinition,
    ProcessInstance,
    WorkItem,
    add_audit,
    audit_row,
    new_id,
)
from .records import Definition, InstanceSummary
from .scripting import ErrorThrown, ScriptEngine
from .spiff import (
    ParsedDefinition,
    SpecCache,
    dump_state,
    load_state,
    process_error,
    settle_event_subprocesses,
    to_plain,
)
from .timers import (
    armed_timers,
    drain_cycle_firings,
    fired_timers,
    next_timer_due,
    own_timer_refresh,
    recording_cycle_firings,
    timer_definition,
    timer_due,
)
from .worklist import task_info, work_item_for

MAX_TIMER_ROUNDS = 1000
# Computations of one step discarded because another step wrote the instance meanwhile.
MAX_STEP_ROUNDS = 3
# Call activities nested deeper than this at run time (a process that ends up calling itself).
MAX_CALL_DEPTH = 10
# BPMN errors caught in one step (a boundary path looping back to a task that throws again).
MAX_ERRORS_THROWN = 100

current_step: contextvars.ContextVar[StepContext] = contextvars.ContextVar("klageflow_step")
# The incident (id, operator) that the step run in this context resolves when it succeeds.
resolving_incident: contextvars.ContextVar[tuple[int, str | None] | None] = contextvars.ContextVar(
    "klageflow_resolving_incident", default=None
)


@dataclass(frozen=True)
class DefinitionRef:
    """The identity of an immutable definition version."""

    id: int
    key: str
    version: int
    content_hash: str


@dataclass(frozen=True)
class StepResult:
    """What a step returned: the action's own result and the instance's summary after it."""

    value: Any
    summary: InstanceSummary | None


@dataclass
class StepContext:
    """What an action sees during a step.

    `session` reads (the step computes outside any write lock); what the step writes is
    collected here and written in its one write transaction: audit events, outbox mail
    (`queue_mail`) and the caller's own rows (`on_write`).
    """

    session: Session
    instance: ProcessInstance
    definition: DefinitionRef
    parsed: ParsedDefinition
    workflow: BpmnWorkflow
    actor: str | None
    now: datetime
    current_element: str | None = None
    completed_task_id: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    summary: InstanceSummary | None = None
    fired_timer_tasks: set = field(default_factory=set)  # timers whose firing was audited
    is_new: bool = False
    mails: list[OutboxMail] = field(default_factory=list)
    writes: list[Callable[[Session], None]] = field(default_factory=list)
    # Computed before the write: the state, a scan of the tree, the work items to open.
    result: Any = None
    refused: KlageflowError | None = None
    state: bytes = b""
    scan: _Scan | None = None
    new_items: list[WorkItem] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)

    def audit(self, kind: str, element_id: str | None = None, **details: Any) -> None:
        """Record an audit event for this instance, committed with the step."""
        self.events.append(
            audit_row(
                self.instance.id,
                kind,
                at=self.now,
                actor=self.actor,
                element_id=element_id,
                details=to_plain(details),
            )
        )

    def definition_files(self) -> dict[str, str]:
        """The files deployed with this instance's version (letter templates, forms, ...)."""
        return dict(self.session.get_one(ProcessDefinition, self.definition.id).files)

    def queue_mail(self, mail: OutboxMail) -> None:
        """Add a mail to the outbox in this step's transaction; it is sent after commit."""
        mail.instance_id = self.instance.id
        self.mails.append(mail)
        self.audit("mail_queued", self.current_element, to=mail.recipients, subject=mail.subject)

    def move_to(self, definition: DefinitionRef, parsed: ParsedDefinition) -> None:
        """Run the instance on another version of its process from here on (a migration
        that has already realigned `workflow`): the write stores that version."""
        self.definition = definition
        self.parsed = parsed

    def on_write(self, write: Callable[[Session], None]) -> None:
        """Run `write(session)` in the step's write transaction, once the instance is written."""
        self.writes.append(write)


ServiceHandler = Callable[[StepContext, Any, dict[str, Any]], Any]


@dataclass(frozen=True)
class StartTrigger:
    """The start event an instance starts by: a timer (`event` None), message or signal;
    `details` go on record with the start (the trigger, the timer's occurrence)."""

    element_id: str
    event: Any
    details: dict[str, Any]


class _Stale(Exception):
    """The instance changed between the step's read and its write: compute again."""


class Runtime:
    """Runs steps against one database with a shared spec cache and the registries of
    service handlers and script helpers (names scripts see: the engine's own and the
    registered namespaces). Each step runs under a budget of `step_seconds`; an instance
    whose steps ended the process `step_attempts` times is put in an incident."""

    def __init__(
        self,
        db: Database,
        helpers: dict[str, Any],
        specs: SpecCache | None = None,
        *,
        step_seconds: float = 5.0,
        step_attempts: int = 3,
    ):
        self.db = db
        self.specs = specs or SpecCache()
        self.services: dict[str, ServiceHandler] = {}
        self.helpers = helpers
        self.step_seconds = step_seconds
        self.step_attempts = step_attempts
        self._definitions: dict[int, DefinitionRef] = {}
        # Called after a commit that left an instance with a timer (its due instant), so
        # a scheduler in the same process can wake for a timer armed sooner than its poll.
        self.timer_listeners: list[Callable[[datetime], None]] = []

    def _announce(self, due: datetime | None) -> None:
        if due is None:
            return
        for listener in list(self.timer_listeners):
            listener(due)

    # -- loading ----------------------------------------------------------------------------

    def definition_ref(self, session: Session, definition_id: int) -> DefinitionRef:
        """The identity of a definition version; versions are immutable, so this is cached."""
        ref = self._definitions.get(definition_id)
        if ref is None:
            row = session.get_one(ProcessDefinition, definition_id)
            ref = DefinitionRef(row.id, row.key, row.version, row.content_hash)
            self._definitions[definition_id] = ref
        return ref

    def parsed(self, session: Session, ref: DefinitionRef) -> ParsedDefinition:
        """The parsed specs of a definition version (cached by content hash)."""
        return self.specs.get(
            ref.content_hash, ref.key, lambda: session.get_one(ProcessDefinition, ref.id).files
        )

    def script_engine(self) -> ScriptEngine:
        """A script engine whose service calls reach the registered handlers for this step."""

        def bind(handler: ServiceHandler):
            return lambda task, params: handler(current_step.get(), task, params)

        services = {name: bind(handler) for name, handler in self.services.items()}
        return ScriptEngine(services, self.helpers)

    def _lock_instance(
        self, session: Session, instance_id: str, *, skip_locked: bool = False
    ) -> ProcessInstance | None:
        query = select(ProcessInstance).where(ProcessInstance.id == instance_id)
        if not self.db.is_sqlite:
            query = query.with_for_update(skip_locked=skip_locked)
        instance = session.scalars(query).first()
        if instance is None and not skip_locked:
            raise NotFound(f"process instance {instance_id} does not exist")
        return instance

    # -- the step ---------------------------------------------------------------------------

    def run_step(
        self,
        target: str | Callable[[Session], str | None],
        action: Callable[[StepContext], Any] | None,
        *,
        actor: str | None,
        action_record: dict[str, Any] | None = None,
        expected_version: int | None = None,
        timers_only: bool = False,
    ) -> StepResult | None:
        """Run one step on an instance; see the module docstring for the order of things.

        `target` is the instance id, or a function of the session that finds it (and checks
        access). With `timers_only` (the scheduler), an instance another process holds is
        skipped (None), as is one that is not running or has no timer due any more; a step
        that fired nothing writes nothing. A `ProcessError` is recorded as an incident
        (IncidentRaised), as is an instance whose steps keep ending its process; any other
        exception is a bug and propagates as it is.
        """
        instance_id = self._begin(target, actor, action_record, timers_only)
        if instance_id is None:
            return None
        try:
            ctx = self._step(instance_id, action, actor, expected_version, timers_only)
        except ProcessError as exc:
            raise self._record_incident(instance_id, exc, actor, action_record) from exc
        except BaseException:
            self._end(instance_id)
            raise
        if ctx is None:
            return StepResult(None, None)
        self._announce(ctx.summary.next_timer_due_at if ctx.summary else None)
        if ctx.refused is not None:
            raise ctx.refused
        result = ctx.result
        if timers_only:
            result = [event for event in ctx.events if event["kind"] == "timer_fired"]
        return StepResult(result, ctx.summary)

    def _begin(
        self,
        target: str | Callable[[Session], str | None],
        actor: str | None,
        action_record: dict[str, Any] | None,
        timers_only: bool,
    ) -> str | None:
        """Find the step's instance and count the attempt in a commit of its own.

        None when a timer step has nothing to do; IncidentRaised when the instance's
        earlier attempts ended their processes too often (it is put in an incident now).
        """
        with self.db.write() as session:
            instance_id = target(session) if callable(target) else target
            if instance_id is None:
                if timers_only:
                    return None  # nothing left to claim
                raise NotFound("no process instance to step")
            instance = self._lock_instance(session, instance_id, skip_locked=timers_only)
            if instance is None or (timers_only and not _timer_due_now(instance)):
                return None  # only a timer step skips a locked instance
            begun = begin_attempt(
                session,
                instance_id,
                budget_seconds=self.step_seconds,
                max_attempts=self.step_attempts,
            )
            if not begun.poisoned:
                return instance_id
            active = instance.active_elements or []
            waiting = ", ".join(active) or "its start"
            error = ProcessError(
                active[0] if active else None,
                f"the step did not finish in {begun.attempts} attempts: the process running "
                f"it ended each time (killed, or out of memory); waiting at {waiting}",
            )
            poisoned = self._add_incident(session, instance, error, actor, action_record)
        raise poisoned

    def _end(self, instance_id: str) -> None:
        """A step that wrote nothing ended: forget its attempt."""
        with self.db.write() as session:
            end_attempt(session, instance_id)

    def _step(
        self,
        instance_id: str,
        action: Callable[[StepContext], Any] | None,
        actor: str | None,
        expected_version: int | None,
        timers_only: bool,
    ) -> StepContext | None:
        """Compute the step on the committed state and write it; again if another step wrote
        the instance meanwhile. None when a timer step found nothing to fire."""
        deadline = time.monotonic() + self.step_seconds
        for _ in range(MAX_STEP_ROUNDS):
            with self.db.read() as session:
                instance = session.get(ProcessInstance, instance_id)
                if instance is None:
                    raise NotFound(f"process instance {instance_id} does not exist")
                if expected_version is not None and instance.version != expected_version:
                    raise Conflict(f"instance {instance_id} changed meanwhile; reload and retry")
                if timers_only and not _timer_due_now(instance):
                    self._end(instance_id)
                    return None
                ctx = self._compute(
                    deadline, partial(self._context, session, instance, actor), action
                )
            try:
                with self.db.write() as session:
                    if timers_only and not ctx.events:
                        _correct_due_time(ctx, self._lock_instance(session, instance_id))
                        end_attempt(session, instance_id)
                        return None
                    self._write_back(ctx, session)
            except _Stale:
                if expected_version is not None:
                    break
                continue
            except StaleDataError:
                break  # written meanwhile despite the lock: never expected, refused all the same
            return ctx
        raise Conflict(f"instance {instance_id} changed meanwhile; reload and retry")

    def _compute(
        self,
        deadline: float,
        load: Callable[[], StepContext],
        action: Callable[[StepContext], Any] | None,
    ) -> StepContext:
        """Load the workflow, run the step on it and prepare its write, under the budget left
        until `deadline`; past it, a ProcessError naming the element being run."""
        loaded: list[StepContext] = []
        try:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BudgetExceeded
            with step_budget(remaining):
                ctx = load()
                loaded.append(ctx)
                self._apply(ctx, action)
                self._prepare_write(ctx)
        except BudgetExceeded:
            element = loaded[0].current_element if loaded else None
            raise ProcessError(
                element, f"ran longer than {self.step_seconds:g} s (the step budget)"
            ) from None
        return ctx

    def _context(
        self, session: Session, instance: ProcessInstance, actor: str | None
    ) -> StepContext:
        """Restore the instance's workflow on the specs of its version, with a script engine."""
        definition = self.definition_ref(session, instance.definition_id)
        parsed = self.parsed(session, definition)
        workflow = load_state(
            instance.state, parsed.spec, parsed.subprocess_specs, self.script_engine()
        )
        own_timer_refresh(workflow)
        return StepContext(session, instance, definition, parsed, workflow, actor, clock.now())

    def _apply(self, ctx: StepContext, action: Callable[[StepContext], Any] | None) -> None:
        """Fire due timers, apply the action, run engine steps; keep its result or refusal.

        Actions check before they change anything, so a refusal leaves only what the first
        advance did (a deadline that passed) to commit; when that did nothing, the refusal
        is raised at once.
        """
        token = current_step.set(ctx)
        try:
            with _model_errors(ctx), recording_cycle_firings():
                self._advance(ctx, run_engine_steps=False)
                ctx.result, ctx.refused = _act(ctx, action)
                self._advance(ctx)
        finally:
            current_step.reset(token)

    def _prepare_write(self, ctx: StepContext) -> None:
        """What the write needs from the workflow, computed before it: the state, a scan of
        the task tree and the work items to open (their groups and due dates are model code)."""
        ctx.scan = _scan(ctx.workflow)
        ctx.state = dump_state(ctx.workflow)
        ctx.subscriptions = [
            {
                "kind": sub.kind,
                "name": sub.name,
                "element_id": sub.element_id,
                "correlation": sub.correlation,
            }
            for sub in ({} if ctx.workflow.is_completed() else subscriptions(ctx.workflow))
        ]
        open_ids: set[str] = set()
        if not ctx.is_new:
            open_ids = set(
                ctx.session.scalars(
                    select(WorkItem.id).where(
                        WorkItem.instance_id == ctx.instance.id, WorkItem.state == "open"
                    )
                )
            )
        ctx.new_items = [
            work_item_for(task, ctx)
            for task_id, task in ctx.scan.ready_manual.items()
            if task_id not in open_ids
        ]

    def start_instance(
        self,
        definition: Definition,
        data: dict[str, Any],
        business_key: str | None,
        actor: str | None,
        in_transaction: Callable[[Session, str], None] | None = None,
        start_event: StartTrigger | None = None,
    ) -> InstanceSummary:
        """Create an instance, run it to its first wait state and commit it; return its summary.

        `in_transaction(session, instance_id)` runs inside the same transaction (a domain
        row that must be written together with the start, such as a filed complaint). A
        model that fails before its first wait state (or runs past the step budget) refuses
        the start (InvalidData). `start_event` passes a timer, message or signal start
        event (the instance starts because it fired), put on record with the start.
        """
        deadline = time.monotonic() + self.step_seconds
        with self.db.read() as session:
            try:
                ctx = self._compute(
                    deadline,
                    lambda: self._new_instance(
                        session, definition.id, data, business_key, actor, start_event
                    ),
                    None,
                )
            except ProcessError as exc:
                raise InvalidData(
                    f"the process failed at start in {exc.element_id or '?'}: {exc.cause}"
                ) from exc
        with self.db.write() as session:
            self._write_back(ctx, session)
            if in_transaction is not None:
                in_transaction(session, ctx.instance.id)
            due = ctx.instance.next_timer_due_at
        self._announce(due)
        assert ctx.summary is not None  # written back above
        return ctx.summary

    def _new_instance(
        self,
        session: Session,
        definition_id: int,
        data: dict[str, Any],
        business_key: str | None,
        actor: str | None,
        start_event: StartTrigger | None = None,
    ) -> StepContext:
        """A new instance row (not yet added) and its workflow at the start event, holding `data`."""
        definition = self.definition_ref(session, definition_id)
        parsed = self.parsed(session, definition)
        now = clock.now()
        workflow = BpmnWorkflow(
            parsed.spec, parsed.subprocess_specs, script_engine=self.script_engine()
        )
        workflow.task_tree.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        own_timer_refresh(workflow)
        if start_event is not None:
            fire_start_event(workflow, start_event.element_id, start_event.event)
        instance = ProcessInstance(
            id=new_id(),
            definition_id=definition.id,
            process_key=definition.key,
            business_key=business_key,
            status="running",
            state=b"",
            data={},
            started_by=actor,
            created_at=now,
            updated_at=now,
        )
        ctx = StepContext(session, instance, definition, parsed, workflow, actor, now, is_new=True)
        trigger = start_event.details if start_event is not None else {}
        ctx.audit(
            "instance_started",
            start_event.element_id if start_event is not None else None,
            version=definition.version,
            business_key=business_key,
            **trigger,
        )
        return ctx

    @contextmanager
    def resolving(self, incident_id: int, actor: str | None) -> Iterator[None]:
        """Steps run inside resolve incident `incident_id` (as `actor`) in their own commit."""
        token = resolving_incident.set((incident_id, actor))
        try:
            yield
        finally:
            resolving_incident.reset(token)

    # -- inside the step --------------------------------------------------------------------

    def _advance(self, ctx: StepContext, *, run_engine_steps: bool = True) -> None:
        """Fire due timers and run engine steps until nothing more happens.

        Engine steps run when a timer fired or when asked (after an action): a state
        just loaded from a commit has already been stepped as far as it goes.
        """
        workflow = ctx.workflow
        _audit_fired(ctx, drain_cycle_firings())  # cycles the action's own steps armed
        for _ in range(MAX_TIMER_ROUNDS):
            before = armed_timers(workflow)
            self._refresh_timers(ctx)
            fired = fired_timers(workflow, before) + drain_cycle_firings()
            _audit_fired(ctx, fired)
            if fired or run_engine_steps:
                _engine_steps(ctx)
                _audit_fired(ctx, drain_cycle_firings())  # cycles armed with a passed start
            run_engine_steps = False
            if not fired:
                return

    def _refresh_timers(self, ctx: StepContext) -> None:
        for task in list(ctx.workflow.event_manager.tasks.values()):
            if timer_definition(task) is not None:
                ctx.current_element = task.task_spec.bpmn_id
                task.task_spec._update(task)

    def _write_back(self, ctx: StepContext, session: Session) -> None:
        """Write the computed step in `session`: the instance (checked to be at the version
        the step read, else `_Stale`), work items, the caller's rows, mail and audit events."""
        if ctx.is_new:
            instance = ctx.instance
            session.add(instance)
        else:
            locked = self._lock_instance(session, ctx.instance.id)
            assert locked is not None  # _lock_instance raises NotFound otherwise
            if locked.version != ctx.instance.version:
                raise _Stale()
            instance = locked
        workflow, now, scan = ctx.workflow, ctx.now, ctx.scan
        assert scan is not None  # prepared by _prepare_write
        instance.state = ctx.state
        instance.definition_id = ctx.definition.id  # another one only after a migration
        instance.data = to_plain(scan.data)
        instance.active_elements = [] if workflow.is_completed() else list(scan.active)
        instance.next_timer_due_at = next_timer_due(workflow)
        instance.updated_at = now
        if workflow.is_completed():
            if instance.status != "completed":
                ctx.audit("instance_completed", None)
            instance.status = "completed"
            instance.completed_at = instance.completed_at or now
            instance.next_timer_due_at = None
        elif instance.status == "incident":
            instance.status = "running"
        session.flush()
        if ctx.refused is None:
            _resolve_incident(ctx, session)
        open_items = self._sync_work_items(ctx, session, scan.ready_manual)
        self._sync_subscriptions(ctx, session)
        session.add_all(ctx.mails)
        for write in ctx.writes:
            write(session)
        if not ctx.is_new:
            end_attempt(session, instance.id)
        session.flush()
        if ctx.events:
            session.execute(insert(AuditEvent), ctx.events)
        ctx.instance = instance
        ctx.summary = _summary(ctx, scan, open_items)

    def _sync_subscriptions(self, ctx: StepContext, session: Session) -> None:
        """Make the instance's event_subscription rows the messages and signals it waits for."""
        if not ctx.is_new:
            session.execute(
                delete(EventSubscription).where(EventSubscription.instance_id == ctx.instance.id)
            )
        if ctx.subscriptions:
            session.execute(
                insert(EventSubscription),
                [{"instance_id": ctx.instance.id, **row} for row in ctx.subscriptions],
            )

    def _sync_work_items(
        self, ctx: StepContext, session: Session, ready: dict[str, Any]
    ) -> list[WorkItem]:
        """Make the work_item rows match the READY manual tasks; return the open ones."""
        open_items = {
            item.id: item
            for item in session.scalars(
                select(WorkItem).where(
                    WorkItem.instance_id == ctx.instance.id, WorkItem.state == "open"
                )
            )
        }
        still_open = []
        for task_id, item in open_items.items():
            if task_id in ready:
                still_open.append(item)
                continue
            task = ctx.workflow.get_task_from_id(UUID(task_id))
            completed = task is not None and task.state == TaskState.COMPLETED
            item.state = "completed" if completed else "cancelled"
            item.completed_at = ctx.now
            if completed and task_id == ctx.completed_task_id:
                item.completed_by = ctx.actor
            if not completed:
                ctx.audit("task_cancelled", item.element_id, task_id=task_id, name=item.name)
        for item in ctx.new_items:
            if item.id in open_items:
                continue
            session.add(item)
            still_open.append(item)
            ctx.audit(
                "task_created",
                item.element_id,
                task_id=item.id,
                name=item.name,
                candidate_group=item.candidate_group,
                due_at=item.due_at,
            )
        return still_open

    def _record_incident(
        self,
        instance_id: str,
        error: ProcessError,
        actor: str | None,
        action_record: dict[str, Any] | None,
    ) -> IncidentRaised:
        """Put the instance in an incident for a failed step (in a transaction of its own)."""
        with self.db.write() as session:
            instance = session.get_one(ProcessInstance, instance_id)
            return self._add_incident(session, instance, error, actor, action_record)

    def _add_incident(
        self,
        session: Session,
        instance: ProcessInstance,
        error: ProcessError,
        actor: str | None,
        action_record: dict[str, Any] | None,
    ) -> IncidentRaised:
        """Record the incident in `session`; its step has ended, so its attempts are forgotten
        (a retry starts counting again)."""
        now = clock.now()
        incident = Incident(
            instance_id=instance.id,
            element_id=error.element_id,
            message=error.cause,
            action=action_record or {"kind": "advance"},
            created_at=now,
        )
        session.add(incident)
        instance.status = "incident"
        instance.updated_at = now
        add_audit(
            session,
            instance.id,
            "incident",
            at=now,
            actor=actor,
            element_id=error.element_id,
            details={"message": error.cause},
        )
        end_attempt(session, instance.id)
        session.flush()
        return IncidentRaised(instance.id, incident.id, error.element_id, error.cause)


def _timer_due_now(instance: ProcessInstance | None) -> bool:
    """Whether a timer step has work on this instance (None: another process holds it)."""
    return (
        instance is not None
        and instance.status == "running"
        and instance.next_timer_due_at is not None
        and instance.next_timer_due_at <= clock.now()
    )


def _correct_due_time(ctx: StepContext, instance: ProcessInstance | None) -> None:
    """A timer step that fired nothing (equal instants fire on the next tick) keeps the row
    as it is; only its due time is corrected if it drifted (and nothing else wrote it)."""
    if instance is None or instance.version != ctx.instance.version:
        return
    due = next_timer_due(ctx.workflow)
    if due != instance.next_timer_due_at:
        instance.next_timer_due_at = due


def _act(
    ctx: StepContext, action: Callable[[StepContext], Any] | None
) -> tuple[Any, KlageflowError | None]:
    """Run the caller's action: its result, or the refusal to report after committing."""
    if action is None:
        return None, None
    try:
        return action(ctx), None
    except ProcessError:
        raise
    except KlageflowError as exc:
        if not ctx.events:
            raise
        return None, exc


def _resolve_incident(ctx: StepContext, session: Session) -> None:
    """Resolve the incident being retried (if any) in this step's own write."""
    pending = resolving_incident.get()
    if pending is None:
        return
    incident_id, actor = pending
    incident = session.get(Incident, incident_id)
    if incident is None or incident.instance_id != ctx.instance.id:
        raise NotFound(f"incident {incident_id} is not on instance {ctx.instance.id}")
    if incident.resolved_at is not None:
        raise Conflict(f"incident {incident_id} is already resolved")
    incident.resolved_at, incident.resolved_by = ctx.now, actor
    ctx.events.append(
        audit_row(
            ctx.instance.id,
            "incident_resolved",
            at=ctx.now,
            actor=actor,
            element_id=incident.element_id,
            details={"incident_id": incident_id},
        )
    )


@contextmanager
def _model_errors(ctx: StepContext) -> Iterator[None]:
    """Errors SpiffWorkflow raises while running the model become ProcessError."""
    try:
        yield
    except SpiffWorkflowException as exc:
        raise process_error(exc, ctx.current_element) from exc


def _engine_steps(ctx: StepContext) -> None:
    """SpiffWorkflow's engine steps; what it raises on the model's data is the model's fault.

    SpiffWorkflow does not wrap every failure a model causes (a multi-instance task whose
    collection is missing raises a bare TypeError), so those are wrapped here for the
    element being run, with the root cause. A BPMN error a service task threw and a
    boundary event caught (`ErrorThrown`: the task is in ERROR) is audited, and the engine
    steps go on along the boundary path.
    """
    for _ in range(MAX_ERRORS_THROWN):
        try:
            _run_engine_steps(ctx)
            if settle_event_subprocesses(ctx.workflow, ctx.parsed.event_subprocesses):
                _run_engine_steps(ctx)
            return
        except ErrorThrown as thrown:
            ctx.audit(
                "bpmn_error",
                thrown.element_id,
                code=thrown.code,
                message=thrown.message,
                caught_by=thrown.caught_by,
            )
        except ProcessError:
            raise
        except SpiffWorkflowException as exc:
            raise process_error(exc, ctx.current_element) from exc
        except (TypeError, ValueError, LookupError, ArithmeticError, MemoryError) as exc:
            raise ProcessError.caused_by(ctx.current_element, exc) from exc
    raise ProcessError(
        ctx.current_element, f"more than {MAX_ERRORS_THROWN} BPMN errors were thrown in one step"
    )


def _run_engine_steps(ctx: StepContext) -> None:
    ctx.workflow.do_engine_steps(
        will_complete_task=lambda task: _enter(ctx, task),
        did_complete_task=lambda task: _completed(ctx, task),
    )


def _audit_fired(ctx: StepContext, fired) -> None:
    """Put timers that fired on record."""
    for task_id, element_id, due, kind in fired:
        ctx.fired_timer_tasks.add(task_id)
        late = (ctx.now - due).total_seconds() if due else None
        ctx.audit("timer_fired", element_id, due=due, late_by_seconds=late, timer=kind)


def _enter(ctx: StepContext, task) -> None:
    ctx.current_element = task.task_spec.bpmn_id
    workflow = task.workflow
    if workflow.depth > MAX_CALL_DEPTH:
        # Deploy refuses a process that calls itself; this holds for what it cannot see.
        caller = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
        raise ProcessError(
            caller.task_spec.bpmn_id,
            f"call activities and subprocesses nest deeper than {MAX_CALL_DEPTH} levels "
            f"(calling {workflow.spec.name!r} again)",
        )


def _completed(ctx: StepContext, task) -> None:
    spec = task.task_spec
    if spec.bpmn_id is None or spec.manual:
        return
    definition = getattr(spec, "event_definition", None)
    # A cycle fires without completing its task; its task completes when the cycle ends.
    own_timer = isinstance(definition, TimerEventDefinition) and not isinstance(
        definition, CycleTimerEventDefinition
    )
    if own_timer and task.id not in ctx.fired_timer_tasks:
        # A timer already due when the path reached it fires inside the engine steps,
        # not in a refresh: audit it all the same, so every firing is on record.
        ctx.fired_timer_tasks.add(task.id)
        try:
            due, kind = timer_due(task)
        except ProcessError:
            due, kind = None, "date"
        late = (ctx.now - due).total_seconds() if due else None
        ctx.audit("timer_fired", spec.bpmn_id, due=due, late_by_seconds=late, timer=kind)
    ctx.audit("element_completed", spec.bpmn_id, name=spec.bpmn_name, type=type(spec).__name__)


@dataclass
class _Scan:
    data: dict[str, Any]
    ready_manual: dict[str, Any]
    active: list[str]
    completed: list[str]


def _scan(workflow: BpmnWorkflow) -> _Scan:
    """One pass over the task tree: process data, READY manual tasks, active/completed ids."""
    ready_manual: dict[str, Any] = {}
    data: dict[str, Any] = {}
    active: dict[str, None] = {}
    completed: dict[str, None] = {}
    live = TaskState.READY | TaskState.WAITING | TaskState.STARTED
    for task in workflow.get_tasks():
        state = task.state
        if state & live:
            data.update(task.data)
            if state == TaskState.READY and task.task_spec.manual:
                ready_manual[str(task.id)] = task
        bpmn_id = task.task_spec.bpmn_id
        if bpmn_id is None:
            continue
        if state & live:
            active[bpmn_id] = None
        elif state == TaskState.COMPLETED:
            completed[bpmn_id] = None
    if (workflow.is_completed() or not data) and workflow.last_task is not None:
        data = dict(workflow.last_task.data)
    # Data objects are process data every branch shares (a counter a side branch keeps).
    data.update(workflow.data_objects)
    return _Scan(data, ready_manual, list(active), list(completed))


def _summary(ctx: StepContext, scan: _Scan, open_items: list[WorkItem]) -> InstanceSummary:
    """The instance as it stands after the step, built from memory (no second read)."""
    return InstanceSummary.from_row(
        ctx.instance,
        version=ctx.definition.version,
        active_elements=scan.active,
        completed_elements=scan.completed,
        open_tasks=[task_info(item, ctx.now) for item in open_items],
    )


def workflow_elements(workflow: BpmnWorkflow) -> tuple[list[str], list[str]]:
    """BPMN ids of the active (ready, waiting, started) and completed elements, in order."""
    scan = _scan(workflow)
    return scan.active, scan.completed
