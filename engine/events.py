"""Start events and event subscriptions: what starts an instance, and what an instance waits for.

Timer, message and signal start events are read from a version's parsed specs. A timer
start event's value must be a literal ISO 8601 string (there is no instance data before
the start); its occurrences are kept in `start_timer` rows (`schedule`, `following`).
After each step the messages and signals an instance waits for are written as
`event_subscription` rows, with the correlation values its catch events name
(`spiffworkflow:processVariableCorrelation`), so a message finds its instance by
correlation and a signal finds every instance waiting for it without loading workflows.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.util.task import TaskState

from .spiff import ParsedDefinition

TIMER_KINDS = {
    CycleTimerEventDefinition: "cycle",
    DurationTimerEventDefinition: "duration",
}


@dataclass(frozen=True)
class StartEventInfo:
    """A start event of a process: its element id, its trigger and the trigger's name or value.

    kind: "timer", "message" or "signal". name: the message or signal name, or for a timer
    its kind ("date", "duration", "cycle"). expression: a timer's literal ISO 8601 value.
    """

    element_id: str
    kind: str
    name: str
    expression: str | None = None


def _definitions(event_definition) -> list:
    if isinstance(event_definition, MultipleEventDefinition):
        return list(event_definition.event_definitions)
    return [event_definition]


def start_events(parsed: ParsedDefinition) -> list[StartEventInfo]:
    """The timer, message and signal start events of the process (not of what it calls)."""
    found = []
    for spec in parsed.spec.task_specs.values():
        if not isinstance(spec, StartEvent):
            continue
        for definition in _definitions(spec.event_definition):
            if isinstance(definition, TimerEventDefinition):
                kind = next(
                    (k for cls, k in TIMER_KINDS.items() if isinstance(definition, cls)), "date"
                )
                found.append(
                    StartEventInfo(spec.bpmn_id, "timer", kind, (definition.expression or ""))
                )
            elif isinstance(definition, MessageEventDefinition):
                found.append(StartEventInfo(spec.bpmn_id, "message", definition.name))
            elif isinstance(definition, SignalEventDefinition):
                found.append(StartEventInfo(spec.bpmn_id, "signal", definition.name))
    return sorted(found, key=lambda info: info.element_id)


def literal_timer(expression: str) -> str | None:
    """A timer start event's value as text, or None when it is not a literal string."""
    try:
        value = ast.literal_eval(expression.strip())
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Schedule:
    """The first occurrence of a start timer: when, how many occurrences in all (-1:
    unbounded) and the period of a cycle."""

    due: datetime
    remaining: int
    period_seconds: float | None


def schedule(kind: str, value: str, now: datetime) -> Schedule:
    """The first occurrence of a timer start event with ISO 8601 `value`, deployed at `now`.

    date: that instant (once; at once if it has passed). duration: `now` plus it (once).
    cycle: `R[n]/start/period` from its start (a start in the past fires once at once,
    the passed occurrences counted), `R[n]/period` one period after `now`.
    """
    if kind == "date":
        return Schedule(TimerEventDefinition.get_datetime(value), 1, None)
    if kind == "duration":
        parsed = TimerEventDefinition.parse_iso_duration(value)
        return Schedule(now + TimerEventDefinition.get_timedelta_from_start(parsed, now), 1, None)
    cycles, start, period = TimerEventDefinition.parse_iso_recurring_interval(value)
    if len(value.replace("--", "/").split("/")) == 2:  # no start given: one period from now
        start = now + period
    return Schedule(start, cycles, period.total_seconds())


def following(
    due: datetime, remaining: int, period_seconds: float | None, now: datetime
) -> tuple[datetime | None, int]:
    """After a start for the occurrence `due` at `now`: the next occurrence and what remains.

    Occurrences that passed while no scheduler ran are coalesced into that one start (as
    timer cycles of instances are); they count against a bounded cycle's repetitions.
    """
    if period_seconds is None or period_seconds <= 0:
        return None, 0
    period = timedelta(seconds=period_seconds)
    passed = (now - due) // period + 1 if now > due else 1  # `due` and later ones up to now
    if remaining >= 0:
        passed = min(passed, remaining)
        remaining -= passed
        if remaining == 0:
            return None, 0
    return due + passed * period, remaining


def fire_start_event(
    workflow: BpmnWorkflow, element_id: str, event: BpmnEvent | None = None
) -> None:
    """Let a fresh workflow pass its start event `element_id` (before its first engine steps).

    A timer start event is marked as fired (the scheduler owns its schedule); a message
    or signal start event catches `event`, so its payload reaches the model as a catch
    inside the instance would.
    """
    for task in workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK):
        if task.task_spec.bpmn_id != element_id:
            continue
        if event is None:
            task._set_internal_data(event_fired=True)
            if isinstance(task.task_spec.event_definition, CycleTimerEventDefinition):
                # A cycle makes its outgoing paths only as it fires (it has none predicted):
                # this start is one firing, after which the start event completes.
                for output in task.task_spec.outputs:
                    child = task._add_child(output, TaskState.FUTURE)
                    child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)
        else:
            task.task_spec.event_definition.catch(task, event)
        return
    raise LookupError(f"the process has no start event {element_id!r}")


@dataclass(frozen=True)
class Subscription:
    """A message or signal a waiting task catches, with its correlation values."""

    kind: str
    name: str
    element_id: str
    correlation: str
    task: Any


# The longest name and correlation text a subscription row holds (the column sizes).
MAX_NAME = 200
MAX_CORRELATION = 1000


def correlation_text(values: dict[str, Any]) -> str:
    """Correlation values as canonical JSON (how they are stored and compared); values too
    long for the column are stored and compared as the JSON's SHA-256."""
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    if len(text) > MAX_CORRELATION:
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    return text


def subscriptions(workflow: BpmnWorkflow) -> Iterator[Subscription]:
    """The messages and signals the workflow's waiting tasks catch."""
    for task in list(workflow.event_manager.tasks.values()):
        if task.state != TaskState.WAITING:
            continue
        for definition in _definitions(task.task_spec.event_definition):
            name = getattr(definition, "name", None)
            if not isinstance(name, str) or not name or len(name) > MAX_NAME:
                continue  # nothing can send it by name (a signal without signalRef)
            if isinstance(definition, MessageEventDefinition):
                yield Subscription(
                    "message",
                    definition.name,
                    task.task_spec.bpmn_id,
                    correlation_text(_correlation_values(task, definition)),
                    task,
                )
            elif isinstance(definition, SignalEventDefinition):
                yield Subscription("signal", definition.name, task.task_spec.bpmn_id, "{}", task)


def _correlation_values(task, definition: MessageEventDefinition) -> dict[str, Any]:
    """The correlation properties a catch event names and the instance's values of them.

    Each value is the property's expression evaluated on the waiting task's data (an event
    behind an event-based gateway has not put it among the workflow's correlations).
    """
    values: dict[str, Any] = {}
    for prop in getattr(definition, "process_correlations", None) or []:
        try:
            value = task.workflow.script_engine.evaluate(task, prop.retrieval_expression)
        except Exception:  # a variable not set (yet): no instance correlates on it
            value = None
        values[prop.name] = value
    return values
