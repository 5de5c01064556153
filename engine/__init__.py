"""Klageflow's BPMN runtime over SpiffWorkflow; it knows nothing of complaints."""

from .api import Engine
from .clock import clock, now
from .errors import (
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
from .worklist import TaskFilter

__all__ = [
    "Conflict",
    "DeployProblem",
    "DeploymentError",
    "Engine",
    "HelpersNotRegistered",
    "IncidentRaised",
    "InvalidData",
    "KlageflowError",
    "NotFound",
    "PermissionDenied",
    "TaskFilter",
    "TaskNotReady",
    "clock",
    "now",
]
