"""The typed records the engine's public API returns: instances, tasks, incidents, history.

Every record is a frozen dataclass read from committed rows (or, for a step's summary,
from the step's own memory); none is attached to a database session. Instants are aware
UTC datetimes. `as_dict()` gives JSON-ready data (instants as ISO 8601 text).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Self


class _Record:
    """What every record can do besides holding its fields."""

    @classmethod
    def from_row(cls, row: object, **values: Any) -> Self:
        """The record of a database row: each field not in `values` is the row's attribute.

        A field the row has no attribute for keeps its default (a task's `form`).
        """
        names = [f.name for f in fields(cls) if f.name not in values]  # type: ignore[arg-type]
        taken = {name: getattr(row, name) for name in names if hasattr(row, name)}
        return cls(**taken, **values)

    def as_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data: instants as ISO 8601 text, nested records as dicts."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]


def _plain(value: Any) -> Any:
    if isinstance(value, _Record):
        return value.as_dict()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class TaskInfo(_Record):
    """A user task as a work item: READY in the process (open), or done.

    id: the SpiffWorkflow task id (a UUID as text).
    instance_id, process_key, business_key: the instance the task belongs to.
    element_id, name, documentation, lane: from the BPMN user task.
    candidate_group: the group whose members may claim and complete it.
    assignee: who claimed it, or None.
    form_key: the form-js file the task names, or None.
    due_at: when it is due, or None.
    overdue: open and past its due instant when the record was read.
    state: "open", "completed" or "cancelled".
    created_at, completed_at, completed_by: its life as a work item.
    form: the form definition `form_key` names (only from `Engine.task`), else None.
    """

    id: str
    instance_id: str
    process_key: str
    business_key: str | None
    element_id: str
    name: str | None
    documentation: str | None
    lane: str | None
    candidate_group: str | None
    assignee: str | None
    form_key: str | None
    due_at: datetime | None
    overdue: bool
    state: str
    created_at: datetime
    completed_at: datetime | None
    completed_by: str | None
    form: dict[str, Any] | None = None


@dataclass(frozen=True)
class InstanceSummary(_Record):
    """An instance as it stands after a step (what start, complete, message and advance return).

    id: the instance id.
    process_key, version: the process definition version it runs.
    business_key: the caller's key for the case (a complaint reference), or None.
    status: "running", "incident" or "completed".
    active_elements: BPMN ids of ready, waiting and started elements, in tree order.
    completed_elements: BPMN ids of completed elements.
    data: the process data (JSON-ready).
    next_timer_due_at: the earliest armed timer's instant, or None.
    open_tasks: the instance's open work items.
    """

    id: str
    process_key: str
    version: int
    business_key: str | None
    status: str
    active_elements: list[str]
    completed_elements: list[str]
    data: dict[str, Any]
    next_timer_due_at: datetime | None
    open_tasks: list[TaskInfo]


@dataclass(frozen=True)
class IncidentInfo(_Record):
    """A step that failed inside a process, kept until a retry succeeds.

    id: the incident number (what `Engine.retry_incident` takes).
    instance_id, element_id: where it happened (element None when it is not known).
    message: the error, one line.
    created_at: when the step failed.
    resolved_at, resolved_by: when and by whom a retry resolved it, or None.
    """

    id: int
    instance_id: str
    element_id: str | None
    message: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None


@dataclass(frozen=True)
class HistoryEntry(_Record):
    """One audit event of an instance.

    at: when it happened (the step's clock).
    actor: who caused it ("scheduler" for timers), or None.
    kind: what happened: instance_started, task_created, task_completed, message_received,
        timer_fired, element_completed, mail_queued, incident, incident_resolved, ...
    element_id: the BPMN element it concerns, or None.
    details: kind-specific JSON-ready data (task id, message name and data, due instant...).
    """

    at: datetime
    actor: str | None
    kind: str
    element_id: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class InstanceView(InstanceSummary):
    """An instance in full (`Engine.show`): its summary plus incidents, history and times.

    definition_id: the id of the definition version it runs.
    incidents: every incident of the instance, oldest first (resolved ones too).
    history: its audit events, oldest first.
    created_at, updated_at, completed_at: its life (completed_at None until it completes).
    row_version: the optimistic-lock version of its row (changes with every step).
    """

    definition_id: int
    incidents: list[IncidentInfo]
    history: list[HistoryEntry]
    created_at: datetime
    updated_at: datetime | None
    completed_at: datetime | None
    row_version: int


@dataclass(frozen=True)
class InstanceListItem(_Record):
    """One row of the instance list (`Engine.instances`).

    id, process_key, business_key, status: as in InstanceSummary.
    created_at: when it started.
    next_timer_due_at: the earliest armed timer's instant, or None.
    """

    id: str
    process_key: str
    business_key: str | None
    status: str
    created_at: datetime
    next_timer_due_at: datetime | None


@dataclass(frozen=True)
class DefinitionInfo(_Record):
    """A deployed definition version as listed (`Engine.definitions`, `definition_versions`).

    id: the definition version's id.
    key, version, name: the process key, its version number and the process name.
    content_hash: the hash of the deployed bundle (identical content deploys as a no-op).
    files: the names of the bundle's files, sorted.
    deployed_by, deployed_at: who deployed it, and when.
    running_instances: how many of its instances have not completed.
    next_start_at: when a timer start event of it starts the next instance (None: no timer
    start event, no occurrence left, or not the latest version).
    """

    id: int
    key: str
    version: int
    name: str | None
    content_hash: str
    files: list[str]
    deployed_by: str | None
    deployed_at: datetime
    running_instances: int
    next_start_at: datetime | None = None


@dataclass(frozen=True)
class Definition(_Record):
    """A deployed definition version with its files (`Engine.definition`).

    id, key, version, name, content_hash, deployed_by, deployed_at: as in DefinitionInfo.
    files: file name -> text of every deployed file (BPMN, DMN, forms).
    """

    id: int
    key: str
    version: int
    name: str | None
    content_hash: str
    files: dict[str, str] = field(repr=False)
    deployed_by: str | None
    deployed_at: datetime


@dataclass(frozen=True)
class DeployResult(_Record):
    """What a deployment did for one process key.

    key: the process key.
    version, definition_id: the version the key now runs as new instances' definition.
    created: True when this deployment made that version, False when the content was
        identical to the latest version (a no-op).
    """

    key: str
    version: int
    definition_id: int
    created: bool


@dataclass(frozen=True)
class ModelTestDifference(_Record):
    """One place where a model test's data differs from what it expected.

    path: where in the data (`fee_amount_dkk`, `party.email`, `items[2]`).
    kind: "changed" (both have it, with other values), "missing" (only expected) or
        "unexpected" (only in the data the model left).
    expected, actual: the values (None for the side that lacks it).
    """

    path: str
    kind: str
    expected: Any = None
    actual: Any = None

    def __str__(self) -> str:
        if self.kind == "missing":
            return f"{self.path}: expected {_json(self.expected)}, missing"
        if self.kind == "unexpected":
            return f"{self.path}: not expected, got {_json(self.actual)}"
        return f"{self.path}: expected {_json(self.expected)}, got {_json(self.actual)}"


@dataclass(frozen=True)
class ModelTestResult(_Record):
    """The outcome of one model test (`Engine.test_model`).

    name: the test's name (a script unit test's id, a process test case's key).
    kind: "script" (a script task's unit test) or "process" (a process test case).
    file: the file it is written in (the BPMN file, or the `test_<model>.json` file).
    element_id: the script task, the process, or where a process test failed.
    line: the line of a script unit test in its file (None for process tests).
    passed: True when the data matched and nothing failed.
    error: what failed before any comparison (a script raised, the step budget ran out,
        the process did not complete), else None.
    differences: where the data differs from the expected data.
    """

    name: str
    kind: str
    file: str
    element_id: str | None
    line: int | None
    passed: bool
    error: str | None = None
    differences: tuple[ModelTestDifference, ...] = ()

    @property
    def failure(self) -> str:
        """Why it failed, in one line ("" when it passed)."""
        return self.error or "; ".join(str(d) for d in self.differences)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class MigrationRecord(_Record):
    """One move of an instance to another version of its process (its version history).

    instance_id: the instance moved.
    from_version, to_version: the versions it ran before and after.
    migrated_at, migrated_by: when, and by whom.
    """

    instance_id: str
    from_version: int
    to_version: int
    migrated_at: datetime
    migrated_by: str | None


@dataclass(frozen=True)
class MigrationOutcome(_Record):
    """What a migration (or its dry run) found or did for one instance
    (`Engine.migrate_instances`).

    instance_id, business_key, status: the instance as it was read.
    active_elements: where it waits.
    migratable: whether it can move (every element it completed or waits at is unchanged).
    migrated: whether it moved (False on a dry run and for an instance that cannot).
    reasons: why it cannot move: each element it completed or waits at that changed or
        vanished, or its status; empty when it can.
    obstacles: the elements among the reasons as data: `element_id`, `state` ("completed",
        "waiting" or "cancelled"), `change` ("changed" or "removed") and the changed
        `attributes` of its spec.
    """

    instance_id: str
    business_key: str | None
    status: str
    active_elements: list[str]
    migratable: bool
    migrated: bool
    reasons: list[str]
    obstacles: list[dict[str, Any]] = field(default_factory=list)
