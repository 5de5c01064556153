"""Deploy rules that look across a bundle's files or at the engine it is deployed to.

Both refuse at deploy what could only fail at run time: a call activity that leads back
to its own process (SpiffWorkflow would build ever deeper subprocesses and never return),
and a service task whose operator no handler is registered for.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from dataclasses import dataclass

from lxml import etree

from .errors import DeployProblem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"


@dataclass(frozen=True)
class _Call:
    file: str
    caller: str
    callee: str
    element: etree._Element


def recursive_calls(bpmn_roots: dict[str, etree._Element]) -> list[DeployProblem]:
    """Refuse every call activity from which a chain of calls leads back to its own process.

    Calls resolve inside the bundle (the called process is deployed with its caller), so
    every static cycle is visible here.
    """
    calls = [
        _Call(name, process.get("id", ""), callee, call)
        for name, root in sorted(bpmn_roots.items())
        for process in root.iter(f"{{{BPMN_NS}}}process")
        for call in process.iter(f"{{{BPMN_NS}}}callActivity")
        if (callee := call.get("calledElement"))
    ]
    graph: dict[str, list[str]] = {}
    for call in calls:
        graph.setdefault(call.caller, []).append(call.callee)
    problems = []
    for call in calls:
        path = _path(graph, call.callee, call.caller)
        if path is None:
            continue
        chain = " → ".join([call.caller, *path])
        problems.append(
            DeployProblem(
                f"call activity calls process {call.callee!r}, which leads back to "
                f"{call.caller!r} ({chain}): recursion through call activities is refused",
                call.file,
                call.element.sourceline,
                call.element.get("id"),
            )
        )
    return problems


def _path(graph: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """The shortest chain of calls from `start` to `goal` (both included), or None."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            chain = [node]
            while (parent := previous[chain[-1]]) is not None:
                chain.append(parent)
            return list(reversed(chain))
        for nxt in graph.get(node, ()):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


def unknown_operators(
    bpmn_roots: dict[str, etree._Element], services: Collection[str]
) -> list[DeployProblem]:
    """Refuse service tasks whose operator is not registered on the engine."""
    known = ", ".join(sorted(services)) or "none"
    problems = []
    for name, root in sorted(bpmn_roots.items()):
        for operator in root.iter(f"{{{SPIFF_NS}}}serviceTaskOperator"):
            operation = operator.get("id")
            if operation and operation not in services:
                problems.append(
                    DeployProblem(
                        f"service task calls operator {operation!r}, which is not registered "
                        f"on the engine (registered: {known})",
                        name,
                        operator.sourceline,
                        next((a.get("id") for a in operator.iterancestors() if a.get("id")), None),
                    )
                )
    return problems
