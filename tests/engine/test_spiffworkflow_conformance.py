"""SpiffWorkflow's own test models: each deploys and starts, or is refused with file and element.

Every BPMN file is deployed with the files of its folder it calls (call activities,
business rule tasks), and every DMN file inside a generated one-task process that calls
its first decision. A deployed model is started with no data. Nothing may raise anything
but a Klageflow error, and nothing may take longer than a few seconds. The outcome per
folder is the table in docs/conformance.md.
"""

from __future__ import annotations

import re
import signal
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from lxml import etree

from engine import DeploymentError, Engine, KlageflowError
from engine.db import Database
from web import migrate

ROOT = Path(__file__).resolve().parents[2]
# The shared folder sits beside the repository (or beside the folder of its worktrees).
SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared",
)
DATA = SHARED / "conformance" / "spiffworkflow" / "tests" / "SpiffWorkflow"
DOC = ROOT / "docs" / "conformance.md"
SECONDS_PER_MODEL = 10
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"

WRAPPER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="wrapper_definitions" targetNamespace="http://klageflow.local/conformance">
  <bpmn:process id="{key}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>to_rule</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="to_rule" sourceRef="start" targetRef="rule" />
    <bpmn:businessRuleTask id="rule">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>to_rule</bpmn:incoming><bpmn:outgoing>to_end</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="to_end" sourceRef="rule" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>to_end</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def is_bpmn(path: Path) -> bool:
    return path.name.endswith((".bpmn", ".bpmn20.xml"))


def models() -> list[Path]:
    return sorted(p for p in DATA.rglob("*") if is_bpmn(p) or p.suffix == ".dmn")


def _root(path: Path):
    try:
        return etree.parse(str(path), etree.XMLParser(resolve_entities=False)).getroot()
    except etree.XMLSyntaxError:
        return None


def _defines(path: Path) -> set[str]:
    root = _root(path)
    if root is None:
        return set()
    if path.suffix == ".dmn":
        return {d.get("id") for d in root.iter("{*}decision") if d.get("id")}
    return {p.get("id") for p in root.iter(f"{{{BPMN}}}process") if p.get("id")}


def _needs(path: Path) -> set[str]:
    root = _root(path)
    if root is None or not is_bpmn(path):
        return set()
    called = {c.get("calledElement") for c in root.iter(f"{{{BPMN}}}callActivity")}
    decisions = {(d.text or "").strip() for d in root.iter(f"{{{SPIFF}}}calledDecisionId")}
    return (called | decisions) - {None, ""}


def bundle_for(path: Path) -> dict[str, bytes]:
    """The model with the files of its folder that define what it calls, transitively."""
    folder = [p for p in models() if p.parent == path.parent]
    defined_by = {name: p for p in folder for name in _defines(p)}
    chosen = {path}
    pending = [path]
    while pending:
        for name in _needs(pending.pop()):
            target = defined_by.get(name)
            if target is not None and target not in chosen:
                chosen.add(target)
                pending.append(target)
    return {p.name: p.read_bytes() for p in chosen}


def dmn_bundle(path: Path) -> tuple[dict[str, bytes], str]:
    root = _root(path)
    decision = (
        next((d.get("id") for d in root.iter("{*}decision")), None) if root is not None else None
    )
    key = "dmn_" + re.sub(r"\W", "_", path.stem)
    wrapper = WRAPPER.format(key=key, decision=decision or "no_decision")
    return {path.name: path.read_bytes(), f"{key}.bpmn": wrapper.encode()}, key


class TookTooLong(Exception):
    pass


@contextmanager
def time_bound(seconds: int):
    """Interrupt the block (in the main thread) when it runs longer than `seconds`."""

    def expire(_signum, _frame):
        raise TookTooLong(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def outcome(engine: Engine, path: Path) -> str:
    """'refused', 'started' or 'failed at start'; anything else raises."""
    if path.suffix == ".dmn":
        files, key = dmn_bundle(path)
        own = {key}
    else:
        files, own = bundle_for(path), _defines(path)
    with time_bound(SECONDS_PER_MODEL):
        try:
            results = engine.deploy(files, deployed_by="conformance")
        except DeploymentError as refused:
            for problem in refused.problems:
                assert problem.file in files, f"{path}: refusal names no file: {problem}"
                assert problem.element_id, f"{path}: refusal names no element: {problem}"
                assert not re.search(r"0x[0-9a-f]{6,}|Traceback", problem.reason), problem
                assert not problem.reason.rstrip(". ").endswith("of type"), problem
            if path.suffix == ".dmn":
                assert all(p.file == path.name for p in refused.problems), refused.problems
            return "refused"
        failed = False
        for result in results:
            if result.key not in own:
                continue
            try:
                engine.start_summary(result.key, {})
            except KlageflowError:
                failed = True
    return "failed at start" if failed else "started"


def folder_of(path: Path) -> str:
    return str(path.parent.relative_to(DATA))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[Path, str]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('spiff') / 'conformance.sqlite'}")
    migrate.create_and_stamp(db)
    engine = Engine(db)
    return {path: outcome(engine, path) for path in models()}


def documented_table() -> dict[str, tuple[int, ...]]:
    text = DOC.read_text()
    section = text.split("## SpiffWorkflow's test models", 1)[1]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[1].isdigit():
            rows[cells[0]] = tuple(int(c) for c in cells[1:])
    return rows


def test_the_corpus_holds_all_191_models():
    assert len(models()) == 191


def test_every_model_deploys_and_starts_or_is_refused_naming_file_and_element(outcomes):
    assert set(outcomes.values()) <= {"refused", "started", "failed at start"}
    assert "refused" in outcomes.values() and "started" in outcomes.values()


def test_the_documented_table_agrees_with_the_outcomes(outcomes):
    counts: dict[str, Counter] = {"all": Counter(outcomes.values())}
    for path, result in outcomes.items():
        counts.setdefault(folder_of(path), Counter())[result] += 1
    expected = {
        folder: (
            sum(c.values()),
            c["started"] + c["failed at start"],
            c["started"],
            c["failed at start"],
            c["refused"],
        )
        for folder, c in counts.items()
    }
    assert documented_table() == expected
