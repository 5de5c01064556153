"""Steps under a budget: endless and huge model code ends in an incident (or a refused
start) naming its element, other writers never wait for it, and call activities that keep
calling their own process stop at ten levels."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine import DeploymentError, IncidentRaised, InvalidData, clock
from engine import deploy as _deploy
from engine.config import load_settings
from engine.runtime import MAX_CALL_DEPTH
from web.bootstrap import build_engine

pytestmark = pytest.mark.both_databases

BUDGET = ["tests/engine/bpmn/budget.bpmn"]
NESTED = Path("tests/engine/bpmn/nested.bpmn")
STEP_SECONDS = 1.0


@pytest.fixture
def engine(db):
    """An engine whose steps may run one second."""
    engine = build_engine(dataclasses.replace(load_settings(), step_seconds=STEP_SECONDS), db=db)
    engine.deploy_paths(BUDGET)
    return engine


def waiting(engine, behaviour: str, *, minutes: int = 5) -> str:
    """An instance whose script task runs `behaviour` once its timer fires in `minutes`."""
    due = (clock.now() + timedelta(minutes=minutes)).isoformat()
    return engine.start("budget", {"behaviour": behaviour, "deadline_at": due})


def timed(call):
    started = time.monotonic()
    try:
        call()
    except (IncidentRaised, InvalidData) as exc:
        return exc, time.monotonic() - started
    raise AssertionError("the step did not fail")


def test_an_endless_script_at_start_refuses_the_start_within_the_budget_naming_the_element(engine):
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()

    refusal, took = timed(
        lambda: engine.start("budget", {"behaviour": "loop", "deadline_at": past})
    )

    assert isinstance(refusal, InvalidData)
    assert "work" in refusal.message and "ran longer than 1 s" in refusal.message
    assert took < STEP_SECONDS + 1.5
    assert engine.instances() == [], "nothing of the discarded start is stored"


def test_an_endless_script_reached_by_a_timer_becomes_an_incident_and_the_step_is_discarded(
    engine, frozen_now
):
    instance_id = waiting(engine, "loop")
    before = engine.show(instance_id)
    clock.advance(timedelta(minutes=6))

    incident, took = timed(lambda: engine.advance(instance_id))

    assert isinstance(incident, IncidentRaised) and incident.element_id == "work"
    assert took < STEP_SECONDS + 1.5
    after = engine.show(instance_id)
    assert after.status == "incident"
    assert after.active_elements == before.active_elements == ["wait"]
    assert after.row_version == before.row_version + 1  # only the incident was written
    assert "ran longer than 1 s" in after.incidents[0].message
    assert [e.kind for e in after.history if e.kind == "timer_fired"] == []


def test_a_script_that_catches_every_exception_it_may_name_still_stops_at_the_budget(
    engine, frozen_now
):
    instance_id = waiting(engine, "swallow")
    clock.advance(timedelta(minutes=6))

    incident, took = timed(lambda: engine.advance(instance_id))

    assert incident.element_id == "work" and took < STEP_SECONDS + 1.5


@pytest.mark.parametrize(
    ("behaviour", "bound"),
    [
        ("power", "bits"),
        ("repeat", "items"),
        ("range", "items"),
        ("padding", "items"),
        ("shift", "bits"),
    ],
)
def test_a_script_building_a_huge_value_becomes_an_incident_at_once(
    engine, frozen_now, behaviour, bound
):
    instance_id = waiting(engine, behaviour)
    clock.advance(timedelta(minutes=6))

    incident, took = timed(lambda: engine.advance(instance_id))

    assert incident.element_id == "work"
    assert "at most" in incident.message and bound in incident.message
    assert took < STEP_SECONDS, "refused before it computed, not stopped by the budget"


def test_other_writers_go_on_while_a_step_runs_its_whole_budget(engine, db, frozen_now):
    endless = waiting(engine, "loop")
    clock.advance(timedelta(minutes=6))
    patient = build_engine(dataclasses.replace(load_settings(), step_seconds=5.0), db=db)
    outcome: list[BaseException] = []

    def run_the_endless_step() -> None:
        outcome.append(timed(lambda: patient.advance(endless))[0])

    step = threading.Thread(target=run_the_endless_step)
    step.start()
    time.sleep(0.2)  # the step is computing now
    writes = []  # seconds each write took, for those done while the step ran
    while step.is_alive():
        started = time.monotonic()
        other = waiting(engine, "none")
        if step.is_alive():
            writes.append(time.monotonic() - started)
        assert engine.show(other).status == "running"
    step.join()

    assert isinstance(outcome[0], IncidentRaised)
    # The step's thread holds the interpreter most of the time, so each write is slower
    # than alone; none waits for the step's end (five seconds).
    assert len(writes) >= 2, "writes went on during the step"
    assert max(writes) < 2.5, f"a write waited {max(writes):.2f} s for the step"


def test_the_sandbox_refuses_handlers_that_could_swallow_the_budget_at_deploy(engine):
    source = Path(BUDGET[0]).read_text()
    for handler, reason in [
        ("except:", "bare except"),
        ("finally:", "finally: is not allowed"),
    ]:
        changed = source.replace("except Exception:", handler).replace(
            'id="budget"', f'id="budget_{len(handler)}"'
        )
        with pytest.raises(DeploymentError) as refused:
            engine.deploy({"swallowing.bpmn": changed})
        problem = refused.value.problems[0]
        assert problem.element_id == "work" and reason in problem.reason


def store_without_deploy_checks(engine, path: Path) -> None:
    """Store a version as an earlier Klageflow did, before deploy refused recursion."""
    texts = {path.name: path.read_text()}
    with engine.db.write() as session:
        _deploy.store(session, texts, _deploy.parse_bundle(texts), "designer")


def test_a_process_calling_itself_runs_while_its_data_ends_the_recursion(engine):
    store_without_deploy_checks(engine, NESTED)

    summary = engine.start_summary("nested", {"levels": 3, "reached": 0})

    assert summary.status == "completed" and summary.data["reached"] == 3


def test_a_process_calling_itself_past_ten_levels_is_refused_at_start_naming_the_call(engine):
    store_without_deploy_checks(engine, NESTED)

    with pytest.raises(InvalidData) as refused:
        engine.start("nested", {"levels": 50, "reached": 0})

    assert "again" in refused.value.message
    assert f"nest deeper than {MAX_CALL_DEPTH} levels" in refused.value.message
    assert engine.instances() == []


def test_a_process_calling_itself_past_ten_levels_in_a_later_step_becomes_an_incident(engine):
    store_without_deploy_checks(engine, NESTED)
    instance_id = engine.start("descend", {"reached": 0})
    task = engine.show(instance_id).open_tasks[0]

    with pytest.raises(IncidentRaised) as incident:
        engine.complete_task(task.id, {"levels": 50}, actor="anna")

    assert incident.value.element_id == "again"
    view = engine.show(instance_id)
    assert view.status == "incident" and [t.id for t in view.open_tasks] == [task.id]
    assert f"nest deeper than {MAX_CALL_DEPTH} levels" in view.incidents[0].message
