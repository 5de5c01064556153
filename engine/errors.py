"""The engine's exceptions: one hierarchy the web layer maps to problem+json.

KlageflowError
├── NotFound
├── Conflict
│   ├── TaskNotReady
│   └── AmbiguousTarget
├── InvalidData
├── PermissionDenied
├── DeploymentError
├── ProcessError      (model code failed; the step turns it into an incident)
└── IncidentRaised

BpmnError is not one of them: a service handler raises it to throw a BPMN error that the
model catches with an error boundary event.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class KlageflowError(Exception):
    """Base of every error the engine raises on purpose."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(KlageflowError):
    """The definition, instance or task does not exist."""

    status = 404


class Conflict(KlageflowError):
    """The action clashes with the current state (already done, changed meanwhile)."""

    status = 409


class TaskNotReady(Conflict):
    """The task exists but cannot be completed now (not READY, already completed, cancelled)."""


class AmbiguousTarget(Conflict):
    """A message would reach more than one instance or process; `extra` lists them
    (`instances` or `processes`), for the caller to name one."""

    def __init__(self, message: str, **extra: list[str]):
        super().__init__(message)
        self.extra = extra


class InvalidData(KlageflowError):
    """Submitted data failed validation; `fields` maps field names to messages."""

    status = 422

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.fields = fields or {}


class PermissionDenied(KlageflowError):
    """The actor may not do this (for example, not in the task's candidate group)."""

    status = 403


@dataclass(frozen=True)
class DeployProblem:
    """One reason a deployment was refused, pinned to a file, line and element where known."""

    reason: str
    file: str | None = None
    line: int | None = None
    element_id: str | None = None
    # A failing model test: its name, and where its data differs (ModelTestDifference).
    test: str | None = None
    differences: tuple[Any, ...] = ()

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        element = f" [{self.element_id}]" if self.element_id else ""
        return f"{where}{element}: {self.reason}" if where or element else self.reason

    def as_dict(self) -> dict:
        """The problem as JSON-ready data; `test` and `differences` only for a model test."""
        data = asdict(self)
        if self.test is None:
            del data["test"], data["differences"]
        else:
            data["differences"] = [d.as_dict() for d in self.differences]
        return data


class DeploymentError(KlageflowError):
    """A deployment was refused as a whole; `problems` lists every reason found."""

    status = 422

    def __init__(self, problems: list[DeployProblem]):
        self.problems = problems
        first = str(problems[0]) if problems else "deployment refused"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"Deployment refused: {first}{more}")


class ProcessError(KlageflowError):
    """Model code failed inside a step: a script, condition, timer value, DMN table or service.

    Raised where the failure arises, naming the BPMN element and the root cause. The step
    rolls back and turns it into an incident (`IncidentRaised`); a start refuses with
    `InvalidData`. Any other exception inside a step is a bug in Klageflow and propagates.
    """

    status = 422

    def __init__(self, element_id: str | None, cause: str):
        self.element_id = element_id
        self.cause = cause
        super().__init__(f"{element_id or '?'}: {cause}")

    @classmethod
    def caused_by(cls, element_id: str | None, exc: BaseException, what: str = "") -> ProcessError:
        """Wrap `exc` for `element_id`; `what` says what failed ("timer value '14 days'")."""
        cause = f"{type(exc).__name__}: {exc}"
        text = f"{what}: {cause}" if what else cause
        return cls(element_id, text.splitlines()[0][:2000])


class HelpersNotRegistered(DeploymentError):
    """A deployed version uses script helpers that this engine has not registered.

    Deploy refuses such a bundle outright; this is raised when an instance is to start
    on a version deployed by an engine wired differently (a fault in the wiring, not in
    the request). `problems` name the file, line and element of each use.
    """

    status = 500

    def __init__(self, key: str, version: int, problems: list[DeployProblem]):
        super().__init__(problems)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        self.message = f"process {key} v{version} cannot run on this engine: {problems[0]}{more}"
        self.args = (self.message,)


class IncidentRaised(KlageflowError):
    """A step failed inside the process (a script raised, a timer value did not parse).

    The step was rolled back to the last committed state and an incident was recorded
    on the instance; an operator can see it and retry.
    """

    status = 422

    def __init__(self, instance_id: str, incident_id: int, element_id: str | None, message: str):
        self.instance_id = instance_id
        self.incident_id = incident_id
        self.element_id = element_id
        super().__init__(f"Incident on instance {instance_id} at {element_id or '?'}: {message}")


class BpmnError(Exception):
    """Raised by a service handler to throw a BPMN error with `code` from its service task.

    An error boundary event on the task whose error has this code (or one with no error,
    which catches every code) takes the boundary path; its `spiffworkflow:variableName`
    receives `{"code": ..., "message": ...}`. Uncaught, the step ends in an incident
    naming the code and the element.
    """

    def __init__(self, code: str, message: str = ""):
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
