"""Klageflow's BPMN runtime over SpiffWorkflow; it knows nothing of complaints.

The public API is what `__all__` lists: the `Engine`, the typed records its methods
return (`SignalReport` and `StartTimerInfo` among them), the errors they raise,
`TaskFilter` and the clock.
"""

from .api import Engine
from .clock import clock, now
from .errors import (
    AmbiguousTarget,
    BpmnError,
    Conflict,
    DeploymentError,
    DeployProblem,
    HelpersNotRegistered,
    IncidentRaised,
    InvalidData,
    KlageflowError,
    NotFound,
    PermissionDenied,
    TaskNotReady,
)
from .records import (
    Definition,
    DefinitionInfo,
    DeployResult,
    HistoryEntry,
    IncidentInfo,
    InstanceListItem,
    InstanceSummary,
    InstanceView,
    MigrationOutcome,
    MigrationRecord,
    ModelTestDifference,
    ModelTestResult,
    TaskInfo,
)
from .triggers import SignalReport, StartTimerInfo
from .worklist import TaskFilter

__all__ = [
    "AmbiguousTarget",
    "BpmnError",
    "Conflict",
    "Definition",
    "DefinitionInfo",
    "DeployProblem",
    "DeployResult",
    "DeploymentError",
    "Engine",
    "HelpersNotRegistered",
    "HistoryEntry",
    "IncidentInfo",
    "IncidentRaised",
    "InstanceListItem",
    "InstanceSummary",
    "InstanceView",
    "InvalidData",
    "KlageflowError",
    "MigrationOutcome",
    "MigrationRecord",
    "ModelTestDifference",
    "ModelTestResult",
    "NotFound",
    "PermissionDenied",
    "SignalReport",
    "StartTimerInfo",
    "TaskFilter",
    "TaskInfo",
    "TaskNotReady",
    "clock",
    "now",
]
