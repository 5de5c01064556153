"""The BPMN MIWG reference models: what deploys, what runs, what is refused and why.

Each model is deployed twice: as published (most declare isExecutable="false") and with
every process made executable, which shows the next reason, if any, that it is refused.
The table below is the conformance table documented in docs/conformance.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import DeploymentError, Engine
from engine.db import Database
from web import migrate

ROOT = Path(__file__).resolve().parents[2]
# The shared folder sits beside the repository (or beside the folder of its worktrees).
SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared",
)
MIWG = SHARED / "conformance" / "miwg"
DOC = ROOT / "docs" / "conformance.md"

NOT_EXECUTABLE = "process is not executable"
DATA_STORES = "data stores are not supported"
LINK = "link events are not supported"
COMPENSATION_EVENTS = "compensation events are not supported"
COMPENSATION_ACTIVITIES = "compensation activities are not supported"
EMPTY_TIMER = "timer has no expression"
PROSE_CONDITION = "conditionExpression does not compile"
UNQUOTED_TIMER = "is ISO 8601 but not a Python expression"
NO_CONDITION = "Non-default exclusive outgoing sequence flow without condition"
IMPLICIT_SPLIT = "Multiple outgoing flows are not supported"
EMBEDDED_NO_START = "Exactly one start event is required in a SubWorkflow"
DATA_ASSOCIATION = "Cannot resolve dataOutputAssociation"
REMOTE_SCHEMA = "xsi:schemaLocation points outside the file"
REASONS = [
    NOT_EXECUTABLE, DATA_STORES, LINK, COMPENSATION_EVENTS, COMPENSATION_ACTIVITIES, EMPTY_TIMER,
    PROSE_CONDITION, UNQUOTED_TIMER, NO_CONDITION, IMPLICIT_SPLIT, EMBEDDED_NO_START, DATA_ASSOCIATION,
    REMOTE_SCHEMA,
]  # fmt: skip

# file: (reasons it is refused as published, reasons when made executable; empty = deploys and runs)
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "A.1.0.bpmn": ({NOT_EXECUTABLE}, set()),
    "A.2.0.bpmn": ({NOT_EXECUTABLE}, {NO_CONDITION}),
    "A.2.1.bpmn": ({NOT_EXECUTABLE, REMOTE_SCHEMA}, {REMOTE_SCHEMA}),
    "A.3.0.bpmn": ({NOT_EXECUTABLE}, {EMBEDDED_NO_START}),
    "A.4.0.bpmn": ({NOT_EXECUTABLE}, {IMPLICIT_SPLIT}),
    "A.4.1.bpmn": ({NOT_EXECUTABLE, REMOTE_SCHEMA}, {REMOTE_SCHEMA}),
    "B.1.0.bpmn": ({NOT_EXECUTABLE, DATA_STORES, EMPTY_TIMER}, {DATA_STORES, EMPTY_TIMER}),
    "B.2.0.bpmn": (
        {NOT_EXECUTABLE, DATA_STORES, LINK, EMPTY_TIMER},
        {DATA_STORES, LINK, EMPTY_TIMER},
    ),
    "C.1.0.bpmn": ({NOT_EXECUTABLE, PROSE_CONDITION}, {PROSE_CONDITION}),
    "C.1.1.bpmn": ({DATA_STORES, PROSE_CONDITION}, {DATA_STORES, PROSE_CONDITION}),
    "C.2.0.bpmn": ({NOT_EXECUTABLE}, {NO_CONDITION}),
    "C.3.0.bpmn": ({PROSE_CONDITION, UNQUOTED_TIMER}, {PROSE_CONDITION, UNQUOTED_TIMER}),
    "C.4.0.bpmn": ({NOT_EXECUTABLE, DATA_STORES}, {DATA_STORES}),
    "C.5.0.bpmn": ({NOT_EXECUTABLE, DATA_STORES}, {DATA_STORES}),
    "C.6.0.bpmn": (
        {NOT_EXECUTABLE, COMPENSATION_EVENTS, COMPENSATION_ACTIVITIES, EMPTY_TIMER},
        {COMPENSATION_EVENTS, COMPENSATION_ACTIVITIES, EMPTY_TIMER},
    ),
    "C.7.0.bpmn": ({NOT_EXECUTABLE}, {DATA_ASSOCIATION}),
    "C.8.0.bpmn": ({NOT_EXECUTABLE, PROSE_CONDITION}, {PROSE_CONDITION}),
    "C.8.1.bpmn": ({PROSE_CONDITION}, {PROSE_CONDITION}),
    "C.9.0.bpmn": ({PROSE_CONDITION}, {PROSE_CONDITION}),
    "C.9.1.bpmn": ({UNQUOTED_TIMER}, {UNQUOTED_TIMER}),
    "C.9.2.bpmn": ({PROSE_CONDITION, UNQUOTED_TIMER}, {PROSE_CONDITION, UNQUOTED_TIMER}),
}

_PROCESS = re.compile(rb"<((?:\w+:)?process)\b([^>]*)>")


def executable(content: bytes) -> bytes:
    """The model with every process declared executable."""

    def mark(match: re.Match) -> bytes:
        attributes = re.sub(rb'\s*isExecutable="[^"]*"', b"", match.group(2))
        return b"<" + match.group(1) + b' isExecutable="true"' + attributes + b">"

    return _PROCESS.sub(mark, content)


def reasons_for(engine: Engine, name: str, content: bytes) -> set[str]:
    """The kinds of reason a model is refused for; empty when it deploys and runs to its end."""
    try:
        results = engine.deploy({name: content})
    except DeploymentError as refused:
        kinds = set()
        for problem in refused.problems:
            kind = next((r for r in REASONS if r in problem.reason), None)
            assert kind is not None, f"unclassified refusal: {problem}"
            assert problem.element_id, f"a refusal must name its element: {problem}"
            kinds.add(kind)
        return kinds
    for result in results:
        summary = engine.start_summary(result.key, {})
        for _ in range(50):
            if not summary.open_tasks:
                break
            summary = engine.complete_task(summary.open_tasks[0].id, {})
        assert summary.status == "completed", summary.active_elements
    return set()


@pytest.fixture
def fresh_engine(tmp_path):
    counter = iter(range(10_000))

    def make() -> Engine:
        db = Database(f"sqlite:///{tmp_path / f'miwg{next(counter)}.sqlite'}")
        migrate.create_and_stamp(db)
        return Engine(db)

    return make


def test_every_reference_model_is_in_the_table():
    assert sorted(p.name for p in MIWG.glob("*.bpmn")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reference_model(name, fresh_engine):
    as_published, when_executable = EXPECTED[name]
    content = (MIWG / name).read_bytes()
    assert reasons_for(fresh_engine(), name, content) == as_published
    assert reasons_for(fresh_engine(), name, executable(content)) == when_executable


def test_the_documented_table_agrees_with_this_one():
    document = DOC.read_text()
    for name, (as_published, when_executable) in EXPECTED.items():
        row = next(
            (line for line in document.splitlines() if line.startswith(f"| {name[:-5]} ")), None
        )
        assert row is not None, f"{name} is missing from docs/conformance.md"
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert set(filter(None, cells[2].split("; "))) == as_published, row
        assert set(filter(None, cells[3].split("; "))) == (
            when_executable or {"deploys and runs"}
        ), row
