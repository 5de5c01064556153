"""The SpiffWorkflow adapter: the clock in timers, state (de)serialization, parsing, script engine.

Known SpiffWorkflow 3.2.0 pitfalls are handled here, once:
- timer evaluation calls `datetime.now()` itself: the timer module's `datetime` is replaced by
  one whose `now()` reads the engine clock;
- a naive datetime in a timer value is read in the server's local zone: we refuse it instead;
- a cycle timer fires one missed occurrence per refresh, so a cycle started in the past
  fires them all at once on catch-up: `timers.coalesced_cycle_complete` fires one;
- `date` and `Decimal` in task data need serializer converters: registered below.
"""

from __future__ import annotations

import json
import posixpath
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from . import clock
from .errors import KlageflowError, ProcessError
from .timers import coalesced_cycle_complete

STATE_FORMAT = 1


class _ClockDatetime(datetime):
    """`datetime` whose `now()` is the engine clock; installed into SpiffWorkflow's timer module."""

    @classmethod
    def now(cls, tz=None):
        instant = clock.now()
        return (
            instant.astimezone(tz) if tz is not None else instant.astimezone().replace(tzinfo=None)
        )


def _aware_datetime(expression: str | datetime) -> datetime:
    # Returned as _ClockDatetime: the timer module's isinstance checks (cycles with a start
    # instant, "R3/2025-08-29T22:00:00+00:00/P7D") test against the class installed there.
    if isinstance(expression, datetime):
        instant = _ClockDatetime.fromisoformat(expression.isoformat())
    elif isinstance(expression, str):
        instant = _ClockDatetime.fromisoformat(expression)
    else:
        raise ValueError(f"timer value must be an ISO 8601 string, got {type(expression).__name__}")
    if instant.tzinfo is None:
        raise ValueError(
            f"timer value {expression!r} has no UTC offset; write e.g. '2025-08-08T23:59:00+02:00'"
        )
    return instant.astimezone(UTC)


def _pinned_to_task(method):
    """Wrap a timer check so a value that fails names its element and the value."""

    def check(self, my_task, *args):
        try:
            return method(self, my_task, *args)
        except KlageflowError:
            raise
        except Exception as exc:
            value = my_task._get_internal_data("event_value") or self.expression
            raise ProcessError.caused_by(
                my_task.task_spec.bpmn_id, exc, f"timer value {value!r} does not work"
            ) from exc

    return check


_timer_module.datetime = _ClockDatetime
TimerEventDefinition.get_datetime = staticmethod(_aware_datetime)
TimeDateEventDefinition.has_fired = _pinned_to_task(TimeDateEventDefinition.has_fired)
DurationTimerEventDefinition.has_fired = _pinned_to_task(DurationTimerEventDefinition.has_fired)
CycleTimerEventDefinition.cycle_complete = _pinned_to_task(coalesced_cycle_complete)


# --- Serialization --------------------------------------------------------------------------


class _InstanceStateConverter(BpmnWorkflowConverter):
    """Converts a workflow without its specs: those are stored once per definition version."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def restore(self, dct: dict, spec, subprocess_specs) -> BpmnWorkflow:
        workflow = BpmnWorkflow(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _build_registry():
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _InstanceStateConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(
        date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"])
    )
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    return registry


registry = _build_registry()
_state_converter = _InstanceStateConverter(BpmnWorkflow, registry)


def to_plain(value: Any) -> Any:
    """Task data as JSON-safe values (dates and instants as ISO text, Decimals as strings)."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items() if not callable(v)}
    if isinstance(value, (list, tuple, set)):
        return [to_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, UUID):
        return str(value)
    return value


def dump_state(workflow: BpmnWorkflow) -> bytes:
    """Serialize a workflow's runtime state (no spec) to compressed JSON."""
    dct = registry.convert(workflow)
    dct.pop("typename", None)
    dct["format"] = STATE_FORMAT
    text = json.dumps(dct, separators=(",", ":"), default=str)
    return zlib.compress(text.encode(), 6)


def load_state(state: bytes, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    """Restore a workflow from `dump_state` output and the (cached) specs of its version."""
    dct = json.loads(zlib.decompress(state))
    dct.pop("format", None)
    workflow = _state_converter.restore(dct, spec, subprocess_specs)
    workflow.script_engine = script_engine
    return workflow


# --- Parsing ---------------------------------------------------------------------------------

SAFE_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=False
)


def new_parser(validate: bool = True) -> SpiffBpmnParser:
    """A SpiffBpmnParser with XSD validation on (unless told otherwise)."""
    return SpiffBpmnParser(validator=VALIDATOR if validate else None)


class ParsedDefinition:
    """The specs of one deployed version, parsed once and shared by every instance of it."""

    def __init__(
        self,
        key: str,
        spec,
        subprocess_specs: dict,
        forms: dict[str, Any],
        event_subprocesses: Mapping[str, bool] | None = None,
    ):
        self.key = key
        self.spec = spec
        self.subprocess_specs = subprocess_specs
        self.forms = forms
        # Event subprocess ids, each with whether it interrupts (see `settle_event_subprocesses`).
        self.event_subprocesses = dict(event_subprocesses or {})

    def task_spec(self, element_id: str):
        """The task spec of a BPMN element, in the process or a called one (None if unknown)."""
        for spec in (self.spec, *self.subprocess_specs.values()):
            found = spec.task_specs.get(element_id)
            if found is not None:
                return found
        return None


BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml")


def is_bpmn_file(name: str) -> bool:
    """Whether a deployed file is BPMN (`.bpmn`, or `.bpmn20.xml` as many modelers write)."""
    return name.endswith(BPMN_SUFFIXES)


_TEST_FILE = re.compile(r"^test_(.+)\.json$")


def process_test_files(names: Collection[str]) -> dict[str, str]:
    """The process test files of a bundle, `test_<model>.json` beside `<model>.bpmn`, each
    with its BPMN file (see `engine.modeltests`); they are neither forms nor deployed code."""
    normal = {name.replace("\\", "/"): name for name in names}
    found = {}
    for name in names:
        folder, base = posixpath.split(name.replace("\\", "/"))
        match = _TEST_FILE.match(base)
        model = match.group(1) if match else None
        for suffix in BPMN_SUFFIXES if model else ():
            bpmn = normal.get(posixpath.join(folder, f"{model}{suffix}"))
            if bpmn is not None:
                found[name] = bpmn
                break
    return found


def parse_files(
    files: dict[str, str], keys: list[str] | None = None
) -> dict[str, ParsedDefinition]:
    """Parse deployed files (already checked) into specs for each executable process key."""
    parser = new_parser(validate=False)
    forms: dict[str, Any] = {}
    event_subprocesses: dict[str, bool] = {}
    tests = process_test_files(list(files))
    for name, text in sorted(files.items()):
        if name in tests:
            continue
        if is_bpmn_file(name):
            root = etree.fromstring(text.encode(), SAFE_XML_PARSER)
            event_subprocesses.update(_event_subprocesses(root))
            parser.add_bpmn_xml(root, name)
        elif name.endswith(".dmn"):
            parser.add_dmn_xml(etree.fromstring(text.encode(), SAFE_XML_PARSER), name)
        elif name.endswith((".form", ".json")):
            forms[name] = json.loads(text)
    result = {}
    for key in keys or parser.get_process_ids():
        result[key] = ParsedDefinition(
            key, parser.get_spec(key), parser.get_subprocess_specs(key), forms,
            event_subprocesses,
        )  # fmt: skip
    return result


_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _event_subprocesses(root) -> dict[str, bool]:
    """The event subprocesses of a BPMN document, each with whether its start event
    interrupts (`isInterrupting` is true by default)."""
    found = {}
    for subprocess in root.iter(f"{_BPMN}subProcess"):
        if subprocess.get("triggeredByEvent") == "true":
            starts = subprocess.findall(f"{_BPMN}startEvent")
            found[subprocess.get("id")] = any(
                start.get("isInterrupting", "true") != "false" for start in starts
            )
    return found


def settle_event_subprocesses(
    workflow: BpmnWorkflow, event_subprocesses: Mapping[str, bool]
) -> bool:
    """Give event subprocesses the BPMN semantics SpiffWorkflow 3.2 lacks; True if a task
    was cancelled (engine steps should run again).

    SpiffWorkflow starts every event subprocess beside the flow of its (sub)process and
    reads none as interrupting. Here a triggered interrupting one cancels that flow (the
    unfinished part of its sibling branches), so the process ends when it ends; and one
    that was never triggered (a timer start still waiting) is cancelled once the flow has
    ended, instead of keeping the process alive.
    """
    if not event_subprocesses:
        return False
    cancelled = False
    unfinished = TaskState.NOT_FINISHED_MASK | TaskState.COMPLETED
    for task in workflow.get_tasks(state=unfinished):
        interrupting = event_subprocesses.get(task.task_spec.bpmn_id)
        if interrupting is None or task.parent is None:
            continue
        siblings = [t for t in task.parent.children if t is not task]
        fronts = [_unfinished_front(workflow, sibling) for sibling in siblings]
        if _triggered(workflow, task):
            if not interrupting:
                continue
            for front in fronts:
                for waiting in front:
                    waiting.cancel()
                    cancelled = True
        elif not task.has_state(TaskState.FINISHED_MASK) and all(
            isinstance(t.task_spec, Join) for front in fronts for t in front
        ):
            task.cancel()  # the flow it listened beside has ended
            cancelled = True
        if cancelled:
            # A join that waited for a cancelled branch (the process's end) looks again.
            for waiting in task.workflow.get_tasks(state=TaskState.WAITING):
                if isinstance(waiting.task_spec, Join):
                    waiting.task_spec._update(waiting)
    return cancelled


def _triggered(workflow: BpmnWorkflow, task) -> bool:
    """Whether an event subprocess task's start event has fired."""
    started = workflow.top_workflow.subprocesses.get(task.id)
    return started is not None and any(
        isinstance(t.task_spec, StartEvent) for t in started.get_tasks(state=TaskState.COMPLETED)
    )


def _unfinished_front(workflow: BpmnWorkflow, branch) -> list:
    """The unfinished tasks of a branch whose parents have finished (what runs or waits)."""
    return [
        t
        for t in workflow.get_tasks(first_task=branch)
        if not t.has_state(TaskState.FINISHED_MASK)
        and (t is branch or t.parent.has_state(TaskState.FINISHED_MASK))
    ]


class SpecCache:
    """Parsed specs by (content hash, key); a small LRU shared by all threads of a process."""

    def __init__(self, size: int = 64):
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, str], ParsedDefinition] = OrderedDict()

    def get(
        self, content_hash: str, key: str, files: Callable[[], dict[str, str]]
    ) -> ParsedDefinition:
        """Return the parsed definition, parsing `files()` on a miss."""
        cache_key = (content_hash, key)
        with self._lock:
            if cache_key in self._items:
                self._items.move_to_end(cache_key)
                return self._items[cache_key]
        parsed = parse_files(files(), [key])[key]
        self.put(content_hash, key, parsed)
        return parsed

    def put(self, content_hash: str, key: str, parsed: ParsedDefinition) -> None:
        """Keep a definition parsed elsewhere (deploy parses every bundle it stores)."""
        with self._lock:
            self._items[(content_hash, key)] = parsed
            self._items.move_to_end((content_hash, key))
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def process_error(exc: SpiffWorkflowException, element_id: str | None) -> ProcessError:
    """The engine's exception for an error SpiffWorkflow raised while running a model.

    SpiffWorkflow wraps what a DMN table or a gateway raises in its own exceptions; where
    a `ProcessError` from our script engine is inside, that one (with its root cause) is
    returned. Otherwise the element is the failing task's (or `element_id`).
    """
    inner: BaseException | None = exc
    while inner is not None:
        if isinstance(inner, ProcessError):
            return inner
        inner = inner.__cause__ or inner.__context__
    task_spec = getattr(getattr(exc, "task", None), "task_spec", None) or getattr(
        exc, "task_spec", None
    )
    return ProcessError.caused_by(getattr(task_spec, "bpmn_id", None) or element_id, exc)
