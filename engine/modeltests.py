"""Model tests: the unit tests written in a model, run in the engine's own sandbox.

Two kinds, both in the formats spiff-arena's modeler writes:

- **Script unit tests**: `spiffworkflow:unitTests` on a script task. Each `unitTest` (its
  `id` is the test's name) holds `inputJson`, the task data the script starts from, and
  `expectedOutputJson`, the task data it must leave: the script runs on the input alone
  and the data it leaves must equal the expected object exactly.
- **Process tests**: a file `test_<model>.json` beside `<model>.bpmn`. Each key names a
  test case: `{"data": {...}, "tasks": {"[process:]element": {"data": [{...}, ...]}},
  "expected_output_json": {...}}`. The case starts the file's executable process (or the
  one `"process"` names) with `data` and runs it; each user task and each service task it
  reaches takes the next entry of its `data` list (user tasks as if completed with it;
  service tasks are never called: the entry is merged into the task data and its value
  for the task's result variable, if any, is the result). The process must complete, and
  its data at the end (as the instance would store it) must equal `expected_output_json`.

Scripts, conditions, DMN tables and service parameters run through the same
`ScriptEngine` and helpers as a step does, under the step budget. Values are compared in
their JSON form (dates as ISO text, Decimals as strings).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from types import SimpleNamespace
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from .budget import BudgetExceeded, step_budget
from .errors import DeployProblem, ProcessError
from .records import ModelTestDifference, ModelTestResult
from .scripting import ScriptEngine
from .spiff import (
    ParsedDefinition,
    is_bpmn_file,
    process_error,
    process_test_files,
    settle_event_subprocesses,
    to_plain,
)

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
UNIT_TESTS = "bpmn:extensionElements/spiffworkflow:unitTests/spiffworkflow:unitTest"
# A process test that runs this many user and service tasks without ending is stopped.
MAX_TASKS = 1000


# --- Deploy-time checks ------------------------------------------------------------------------


def unit_test_problems(name: str, root: etree._Element) -> list[DeployProblem]:
    """Script unit tests that could not run: no id, or input or expected data not a JSON object."""
    problems = []
    for task in root.xpath(".//bpmn:scriptTask", namespaces=NS):
        for unit in task.xpath(UNIT_TESTS, namespaces=NS):
            where = (name, unit.sourceline, task.get("id"))
            if not (unit.get("id") or "").strip():
                problems.append(DeployProblem("a script unit test needs an id (its name)", *where))
                continue
            for part in ("inputJson", "expectedOutputJson"):
                _value, reason = _json_object(unit.findtext(f"spiffworkflow:{part}", None, NS))
                if reason:
                    problems.append(
                        DeployProblem(f"unit test {unit.get('id')!r}: {part} {reason}", *where)
                    )
    return problems


def process_test_problems(name: str, text: str) -> list[DeployProblem]:
    """What makes a process test file unreadable, each problem naming the test case."""
    cases, reason = _json_object(text)
    if reason:
        return [DeployProblem(f"process test file {reason}", name)]
    problems = []
    for case_name, case in cases.items():
        for reason in _case_problems(case):
            problems.append(DeployProblem(f"process test {case_name!r}: {reason}", name))
    if not cases:
        problems.append(DeployProblem("process test file holds no test case", name))
    return problems


def _case_problems(case: Any) -> Iterator[str]:
    if not isinstance(case, dict):
        yield "must be a JSON object"
        return
    unknown = sorted(set(case) - {"data", "tasks", "expected_output_json", "process"})
    if unknown:
        yield f"unknown key(s) {', '.join(unknown)} (use data, tasks, expected_output_json, process)"
    if not isinstance(case.get("expected_output_json"), dict):
        yield "expected_output_json must be a JSON object"
    if not isinstance(case.get("data", {}), dict):
        yield "data must be a JSON object (the start data)"
    if not isinstance(case.get("process", ""), str):
        yield "process must be the id of a process"
    tasks = case.get("tasks", {})
    if not isinstance(tasks, dict):
        yield "tasks must be a JSON object of elements"
        return
    for element, given in tasks.items():
        entries = given.get("data") if isinstance(given, dict) else None
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            yield f'tasks {element!r} must be {{"data": [...]}}, a list of JSON objects'


def _json_object(text: str | None) -> tuple[dict[str, Any], str | None]:
    try:
        value = json.loads(text or "")
    except json.JSONDecodeError as exc:
        return {}, f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    except (RecursionError, ValueError):
        return {}, "is not usable JSON (nested too deeply, or a number too long)"
    if not isinstance(value, dict):
        return {}, "must be a JSON object"
    return value, None


# --- Running -----------------------------------------------------------------------------------


def run_model_tests(
    texts: Mapping[str, str],
    parsed: Mapping[str, ParsedDefinition],
    helpers: Mapping[str, Any],
    *,
    step_seconds: float,
    files: Collection[str] | None = None,
) -> list[ModelTestResult]:
    """Run every model test of a checked bundle (of the BPMN files `files` only, if given)."""
    results: list[ModelTestResult] = []
    chosen = [n for n in sorted(texts) if is_bpmn_file(n) and (files is None or n in files)]
    engine = ScriptEngine({}, helpers)
    for name in chosen:
        root = etree.fromstring(texts[name].encode(), _SAFE_PARSER)
        results.extend(_script_tests(name, root, engine, step_seconds))
    for test_file, bpmn in sorted(process_test_files(list(texts)).items()):
        if bpmn in chosen:
            root = etree.fromstring(texts[bpmn].encode(), _SAFE_PARSER)
            cases = json.loads(texts[test_file])
            for case_name, case in cases.items():
                results.append(
                    _process_test(test_file, case_name, case, root, parsed, helpers, step_seconds)
                )
    return results


_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _script_tests(
    name: str, root: etree._Element, engine: ScriptEngine, seconds: float
) -> list[ModelTestResult]:
    results = []
    for task in root.xpath(".//bpmn:scriptTask", namespaces=NS):
        script = task.findtext("bpmn:script", "", NS)
        for unit in task.xpath(UNIT_TESTS, namespaces=NS):
            data, _ = _json_object(unit.findtext("spiffworkflow:inputJson", None, NS))
            expected, _ = _json_object(unit.findtext("spiffworkflow:expectedOutputJson", None, NS))
            script_task = SimpleNamespace(
                data=data, task_spec=SimpleNamespace(bpmn_id=task.get("id"))
            )
            error = None
            try:
                with step_budget(seconds):
                    engine.execute(script_task, script)
            except BudgetExceeded:
                error = _over_budget(seconds)
            except ProcessError as exc:
                error = exc.cause
            results.append(
                _result(
                    unit.get("id"), "script", name, task.get("id"), unit.sourceline,
                    expected, None if error else script_task.data, error,
                )
            )  # fmt: skip
    return results


def _over_budget(seconds: float) -> str:
    return f"ran longer than {seconds:g} s (the step budget)"


def _result(
    name: str,
    kind: str,
    file: str,
    element_id: str | None,
    line: int | None,
    expected: dict[str, Any],
    actual: dict[str, Any] | None,
    error: str | None,
) -> ModelTestResult:
    found = () if actual is None else tuple(differences(expected, to_plain(actual)))
    return ModelTestResult(
        name=name,
        kind=kind,
        file=file,
        element_id=element_id,
        line=line,
        passed=error is None and not found,
        error=error,
        differences=found,
    )


class _TaskData:
    """The test data of a case's tasks, handed out in order, per element."""

    def __init__(self, tasks: Mapping[str, Any]):
        self.tasks = tasks
        self.used: dict[str, int] = {}

    def next(self, task) -> dict[str, Any] | None:
        element = task.task_spec.bpmn_id
        for key in (f"{task.workflow.spec.name}:{element}", element):
            if key in self.tasks:
                entries = self.tasks[key]["data"]
                index = self.used.get(key, 0)
                if index >= len(entries):
                    return None
                self.used[key] = index + 1
                return dict(entries[index])
        return None


class _TestServices(dict):
    """Every service operator answered from the test's data; no handler is ever called."""

    def __init__(self, given: _TaskData):
        super().__init__()
        self.given = given

    def get(self, operator, default=None):
        def answer(task, _params):
            entry = self.given.next(task)
            if entry is None:
                raise ProcessError(
                    task.task_spec.bpmn_id,
                    f"service task ({operator}) has no test data left: model tests never "
                    "call services, so give its outcome under tasks",
                )
            task.data.update(entry)
            return entry.get(task.task_spec.result_variable)

        return answer


def _process_test(
    file: str,
    case_name: str,
    case: dict[str, Any],
    root: etree._Element,
    parsed: Mapping[str, ParsedDefinition],
    helpers: Mapping[str, Any],
    seconds: float,
) -> ModelTestResult:
    executable = [
        p.get("id") for p in root.xpath("bpmn:process[@isExecutable='true']", namespaces=NS)
    ]
    key: str = case.get("process") or (executable[0] if executable else "")
    expected = case["expected_output_json"]
    if key not in parsed:
        reason = f"no executable process {key!r} in this bundle"
        return _result(case_name, "process", file, key or None, None, expected, None, reason)
    given = _TaskData(case.get("tasks", {}))
    definition = parsed[key]
    workflow = BpmnWorkflow(
        definition.spec,
        definition.subprocess_specs,
        script_engine=ScriptEngine(_TestServices(given), helpers),
    )
    start = case.get("data", {})
    workflow.task_tree.data.update(start)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(start)
    element: list[str | None] = [key]  # the element being run, for a failure's report
    try:
        for _round in range(MAX_TASKS):
            with step_budget(seconds):
                _engine_steps(workflow, element, definition.event_subprocesses)
            if workflow.is_completed():
                break
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                waiting = sorted(
                    {
                        t.task_spec.bpmn_id
                        for t in workflow.get_tasks(state=TaskState.WAITING)
                        if t.task_spec.bpmn_id
                    }
                )
                raise ProcessError(
                    ", ".join(waiting) or None,
                    "the process did not complete: it waits at "
                    f"{', '.join(waiting) or 'nothing'} (model tests fire no timers or messages)",
                )
            task = ready[0]
            element[0] = task.task_spec.bpmn_id
            entry = given.next(task)
            if entry is None:
                raise ProcessError(
                    element[0], "user task has no test data left (give it under tasks)"
                )
            task.set_data(**entry)
            with step_budget(seconds):
                task.run()
        else:
            raise ProcessError(element[0], f"ran {MAX_TASKS} user and service tasks without ending")
    except BudgetExceeded:
        over = _over_budget(seconds)
        return _result(case_name, "process", file, element[0], None, expected, None, over)
    except ProcessError as exc:
        detail = f"{exc.element_id}: {exc.cause}" if exc.element_id else exc.cause
        return _result(case_name, "process", file, exc.element_id, None, expected, None, detail)
    return _result(
        case_name, "process", file, key, None, expected, process_data(workflow), None
    )  # fmt: skip


def _engine_steps(
    workflow: BpmnWorkflow, element: list[str | None], event_subprocesses: Mapping[str, bool]
) -> None:
    """SpiffWorkflow's engine steps; what the model makes fail is a ProcessError for the
    element being run (as in a step)."""

    def entering(task) -> None:
        element[0] = task.task_spec.bpmn_id

    try:
        workflow.do_engine_steps(will_complete_task=entering)
        if settle_event_subprocesses(workflow, event_subprocesses):
            workflow.do_engine_steps(will_complete_task=entering)
    except ProcessError:
        raise
    except SpiffWorkflowException as exc:
        raise process_error(exc, element[0]) from exc
    except (TypeError, ValueError, LookupError, ArithmeticError) as exc:
        raise ProcessError.caused_by(element[0], exc) from exc


def process_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The data of a completed workflow as an instance stores it: its last task's data and
    its data objects."""
    data = dict(workflow.last_task.data) if workflow.last_task is not None else {}
    data.update(workflow.data_objects)
    return data


# --- Comparing ---------------------------------------------------------------------------------


def differences(expected: Any, actual: Any, path: str = "") -> list[ModelTestDifference]:
    """Where `actual` differs from `expected`: keys changed, missing or not expected.

    Objects are compared key by key and lists of equal length item by item, so a
    difference names the path to it (`party.email`, `items[2]`); `true` is not `1`.
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key, value in expected.items():
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                found.append(ModelTestDifference(where, "missing", expected=value))
            else:
                found.extend(differences(value, actual[key], where))
        for key, value in actual.items():
            if key not in expected:
                where = f"{path}.{key}" if path else str(key)
                found.append(ModelTestDifference(where, "unexpected", actual=value))
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            difference
            for index, (want, got) in enumerate(zip(expected, actual, strict=True))
            for difference in differences(want, got, f"{path}[{index}]")
        ]
    if _same(expected, actual):
        return []
    return [ModelTestDifference(path or "(data)", "changed", expected=expected, actual=actual)]


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return expected == actual
    return type(expected) is type(actual) and expected == actual


def failure_problems(results: list[ModelTestResult]) -> list[DeployProblem]:
    """The refusal of a deployment whose model tests fail: one problem per failing test."""
    return [
        DeployProblem(
            f"model test {result.name!r} failed: {result.failure}",
            result.file,
            result.line,
            result.element_id,
            test=result.name,
            differences=result.differences,
        )
        for result in results
        if not result.passed
    ]
