"""Timers of a workflow: which are armed, when they fall due, and which fired in a refresh."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from .clock import clock
from .errors import ProcessError


def own_timer_refresh(workflow: BpmnWorkflow) -> None:
    """Leave timer refreshing to the step (it refreshes, fires and audits them itself)."""
    # do_engine_steps() ends with its own refresh_timers(); the step refreshes timers
    # itself (_advance) so that every firing is seen and audited.
    workflow.refresh_timers = lambda: None


# The cycle firings of the step running in this context: (task id, element, due, "cycle").
# A cycle fires without completing its task, in a refresh or inside the engine steps that
# arm it, so the firing itself is recorded where it happens and the step audits the list.
_cycle_firings: ContextVar[list[tuple[object, str, datetime | None, str]] | None] = ContextVar(
    "cycle_firings", default=None
)


@contextmanager
def recording_cycle_firings() -> Iterator[None]:
    """Record the cycle firings of one step (the step drains them to audit each)."""
    token = _cycle_firings.set([])
    try:
        yield
    finally:
        _cycle_firings.reset(token)


def drain_cycle_firings() -> list[tuple[object, str, datetime | None, str]]:
    """The cycle firings recorded since the last drain, in the order they fired."""
    firings = _cycle_firings.get()
    if not firings:
        return []
    drained = list(firings)
    firings.clear()
    return drained


def _record_cycle_firing(my_task, due: datetime) -> None:
    firings = _cycle_firings.get()
    if firings is not None:
        firings.append((my_task.id, my_task.task_spec.bpmn_id, due, "cycle"))


def coalesced_cycle_complete(definition: CycleTimerEventDefinition, my_task) -> bool:
    """One occurrence of a cycle timer, however many have passed: True when it fires now.

    Replaces SpiffWorkflow's `CycleTimerEventDefinition.cycle_complete`, which fires one
    occurrence per refresh, so a cycle whose start lies in the past (`R3/<past>/P7D`) would
    fire every missed occurrence at the same instant. Here the occurrences due before now
    are coalesced into one firing; they count against the repetitions, and the next one is
    the first occurrence of the schedule after now. An unbounded cycle (`R/...`) never ends.
    """
    value = my_task._get_internal_data("event_value")
    if value is None:
        expression = my_task.workflow.script_engine.evaluate(my_task, definition.expression)
        cycles, start, duration = TimerEventDefinition.parse_iso_recurring_interval(expression)
        value = {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}
    fired = False
    if value["cycles"] == 0:
        my_task.internal_data.pop("event_value", None)
        my_task.internal_data["event_fired"] = True
        return False
    due = datetime.fromisoformat(value["next"])
    now = clock.now()
    if due < now:
        passed = _occurrences_before(due, timedelta(seconds=value["duration"]), now)
        if value["cycles"] > 0:
            passed = min(passed, value["cycles"])
            value["cycles"] -= passed
        period = timedelta(seconds=value["duration"])
        value["next"] = (due + passed * period).isoformat()
        _record_cycle_firing(my_task, due + (passed - 1) * period)
        fired = True
    my_task._set_internal_data(event_value=value)
    return fired


def _occurrences_before(first: datetime, period: timedelta, now: datetime) -> int:
    """How many of the instants first, first + period, ... lie before `now` (first does)."""
    if period <= timedelta(0):
        return 1
    whole, rest = divmod(now - first, period)
    return whole + (1 if rest else 0)


def timer_definition(task) -> TimerEventDefinition | None:
    """The timer a waiting task listens for: its own, or one of an event-based gateway's."""
    definition = task.task_spec.event_definition
    if isinstance(definition, TimerEventDefinition):
        return definition
    if isinstance(definition, MultipleEventDefinition):
        return next(
            (d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)), None
        )
    return None


def timer_due(task) -> tuple[datetime | None, str]:
    """When a waiting timer task falls due, and its kind (date, duration or cycle)."""
    definition = timer_definition(task)
    value = task._get_internal_data("event_value")
    if isinstance(definition, CycleTimerEventDefinition):
        if value is None or value.get("cycles") == 0:
            return None, "cycle"  # not armed yet, or ended
        return datetime.fromisoformat(value["next"]), "cycle"
    if value is None:
        return None, type(definition).__name__
    try:
        due = value if isinstance(value, datetime) else TimerEventDefinition.get_datetime(value)
    except (ValueError, TypeError) as exc:
        raise ProcessError.caused_by(
            task.task_spec.bpmn_id, exc, f"timer value {value!r} does not work"
        ) from exc
    return due, "duration" if "Duration" in type(definition).__name__ else "date"


def waiting_timer_tasks(workflow: BpmnWorkflow):
    """The tasks of `workflow` that wait for a timer."""
    for task in workflow.event_manager.tasks.values():
        if task.state == TaskState.WAITING and timer_definition(task) is not None:
            yield task


def armed_timers(workflow: BpmnWorkflow) -> dict:
    """The armed timers by task id: (task, due, kind), to compare after a refresh."""
    armed = {}
    for task in waiting_timer_tasks(workflow):
        due, kind = timer_due(task)
        armed[task.id] = (task, due, kind)
    return armed


def fired_timers(
    workflow: BpmnWorkflow, before: dict
) -> list[tuple[object, str, datetime | None, str]]:
    """Which of the timers armed `before` a refresh fired in it: (task id, element, due, kind).

    Cycles are not among them: they are recorded as they fire (`collect_cycle_firings`).
    """
    fired = []
    for task, due, kind in before.values():
        if kind == "cycle":
            continue
        if task.state not in (TaskState.WAITING, TaskState.CANCELLED):
            fired.append((task.id, task.task_spec.bpmn_id, due, kind))
    return fired


def next_timer_due(workflow: BpmnWorkflow) -> datetime | None:
    """The earliest due instant of the workflow's armed timers (None when none is armed)."""
    dues = [
        due for task in waiting_timer_tasks(workflow) if (due := timer_due(task)[0]) is not None
    ]
    return min(dues) if dues else None
