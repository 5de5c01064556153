"""Timers of a workflow: which are armed, when they fall due, and which fired in a refresh."""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from .errors import ProcessError


def own_timer_refresh(workflow: BpmnWorkflow) -> None:
    """Leave timer refreshing to the step (it refreshes, fires and audits them itself)."""
    # do_engine_steps() ends with its own refresh_timers(); the step refreshes timers
    # itself (_advance) so that every firing is seen and audited.
    workflow.refresh_timers = lambda: None


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
    if value is None:
        return None, type(definition).__name__
    if isinstance(definition, CycleTimerEventDefinition):
        if value.get("cycles") == 0:
            return None, "cycle"
        return datetime.fromisoformat(value["next"]), "cycle"
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
    """The armed timers by task id: (task, due, kind, cycles left), to compare after a refresh."""
    armed = {}
    for task in waiting_timer_tasks(workflow):
        due, kind = timer_due(task)
        cycles = (task._get_internal_data("event_value") or {}) if kind == "cycle" else {}
        armed[task.id] = (
            task,
            due,
            kind,
            cycles.get("cycles") if isinstance(cycles, dict) else None,
        )
    return armed


def fired_timers(
    workflow: BpmnWorkflow, before: dict
) -> list[tuple[object, str, datetime | None, str]]:
    """Which of the timers armed `before` a refresh fired in it: (task id, element, due, kind)."""
    fired = []
    for task, due, kind, cycles in before.values():
        if kind == "cycle":
            # A cycle fires when its count goes down; at zero it only ends.
            value = task._get_internal_data("event_value") or {}
            now_cycles = value.get("cycles") if isinstance(value, dict) else None
            if cycles and now_cycles is not None and now_cycles < cycles:
                fired.append((task.id, task.task_spec.bpmn_id, due, kind))
        elif task.state not in (TaskState.WAITING, TaskState.CANCELLED):
            fired.append((task.id, task.task_spec.bpmn_id, due, kind))
    return fired


def next_timer_due(workflow: BpmnWorkflow) -> datetime | None:
    """The earliest due instant of the workflow's armed timers (None when none is armed)."""
    dues = [
        due for task in waiting_timer_tasks(workflow) if (due := timer_due(task)[0]) is not None
    ]
    return min(dues) if dues else None
