"""Moving a running instance to another version of its process, with SpiffWorkflow's diff.

`SpiffWorkflow.bpmn.util.diff` aligns the task specs of the instance's version with the
new version's by BPMN id and compares their serialized form (a DMN table a business rule
task calls is part of its spec). An instance may move when every element it has
completed, is waiting at or was cancelled at still exists, and every element it has
completed or is waiting at is unchanged; elements it has not reached may change freely.
Its tasks then get the aligned specs of the new version, and what it predicted beyond the
elements it waits at is predicted again from the new version. Its tasks keep their ids,
data and timers (a waiting deadline keeps its due instant), so its work items stay.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.diff import WorkflowDiff, diff_workflow
from SpiffWorkflow.util.task import TaskState

from .spiff import ParsedDefinition, registry

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
UNREACHED = TaskState.FUTURE | TaskState.PREDICTED_MASK
# Attributes whose change leaves a completed or waiting element as it was.
COSMETIC = {"bpmn_name", "documentation"}


@dataclass(frozen=True)
class Obstacle:
    """Why an instance cannot move: an element it reached that changed or vanished."""

    element_id: str
    state: str  # "completed", "waiting" or "cancelled"
    change: str  # "changed" or "removed"
    attributes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "attributes": list(self.attributes)}

    def __str__(self) -> str:
        what = {"completed": "it has completed", "waiting": "it is waiting at"}.get(
            self.state, "it has passed"
        )
        if self.change == "removed":
            return f"{self.element_id}, which {what}, is not in the new version"
        return f"{self.element_id}, which {what}, changed ({', '.join(self.attributes)})"


def _element(spec) -> str:
    """The BPMN id of a task spec; SpiffWorkflow's helper specs name the element they serve."""
    if spec.bpmn_id:
        return spec.bpmn_id
    return spec.name.split(".")[0]


def _pruned(workflow) -> set:
    """Tasks predicted beyond the live ones: migration predicts them again from the new spec."""
    pruned: set = set()
    for task in workflow.get_tasks(skip_subprocesses=True):
        parent = task.parent
        if task.state & TaskState.PREDICTED_MASK or (
            task.state & UNREACHED
            and parent is not None
            and (parent.state & LIVE or parent.id in pruned)
        ):
            pruned.add(task.id)
    return pruned


def _obstacles(workflow, diff: WorkflowDiff | None) -> list[Obstacle]:
    found: dict[tuple[str, str], Obstacle] = {}
    pruned = _pruned(workflow)
    changed = {task.id for task in diff.changed} if diff else set()
    for task in workflow.get_tasks(skip_subprocesses=True):
        if task.id in pruned:
            continue
        state = (
            "completed"
            if task.state & (TaskState.COMPLETED | TaskState.ERROR)
            else "cancelled"
            if task.state == TaskState.CANCELLED
            else "waiting"
        )
        element = _element(task.task_spec)
        if diff is None or diff.alignment.get(task) is None:
            found.setdefault((element, "removed"), Obstacle(element, state, "removed"))
            continue
        if task.id in changed and state != "cancelled":
            new_spec = diff.alignment[task]
            old, new = registry.convert(task.task_spec), registry.convert(new_spec)
            attributes = tuple(
                sorted(
                    key
                    for key in set(old) | set(new)
                    if old.get(key) != new.get(key) and key not in COSMETIC
                )
            )
            if attributes:
                found.setdefault(
                    (element, "changed"), Obstacle(element, state, "changed", attributes)
                )
    return list(found.values())


def _diffs(workflow: BpmnWorkflow, new: ParsedDefinition):
    return diff_workflow(registry, workflow, new.spec, new.subprocess_specs)


def obstacles(workflow: BpmnWorkflow, new: ParsedDefinition) -> list[Obstacle]:
    """Why `workflow` cannot move to the version `new` (empty: it can)."""
    top, subprocesses = _diffs(workflow, new)
    found = _obstacles(workflow, top)
    for sp_id, diff in subprocesses.items():
        found.extend(_obstacles(workflow.subprocesses[sp_id], diff))
    return found


def migrate(workflow: BpmnWorkflow, new: ParsedDefinition) -> None:
    """Move `workflow` to the version `new`; the caller has checked `obstacles` is empty."""
    top, subprocesses = _diffs(workflow, new)
    _move(workflow, top, new.spec)
    for sp_id, diff in subprocesses.items():
        sub = workflow.subprocesses[sp_id]
        _move(sub, diff, new.subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = new.subprocess_specs


def _move(workflow, diff: WorkflowDiff | None, spec) -> None:
    assert diff is not None  # obstacles() refuses a subprocess whose spec vanished
    pruned = _pruned(workflow)
    for task_id in pruned:
        if task_id in workflow.tasks and workflow.tasks[task_id].parent.id not in pruned:
            workflow._remove_task(task_id)
    workflow.spec = spec
    for task in list(workflow.tasks.values()):
        aligned = diff.alignment.get(task)
        if aligned is not None:
            task.task_spec = aligned
    for task in workflow.get_tasks(state=LIVE, skip_subprocesses=True):
        task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)
