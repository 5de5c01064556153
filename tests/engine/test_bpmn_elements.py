"""Small conformance models run through the engine: call activities, multi-instance,
escalation, event subprocesses, data objects and conditional events (tests/engine/bpmn/).

Each model is deployed, started and driven with the engine's public API only, on SQLite
and PostgreSQL, so a state is saved and restored between every step.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from engine import clock

pytestmark = pytest.mark.both_databases

MODELS = Path(__file__).parent / "bpmn"


def deploy(engine, *names: str) -> None:
    engine.deploy_paths([MODELS / name for name in names], deployed_by="designer")


def open_tasks(engine, instance_id: str) -> dict[str, list[str]]:
    """The instance's open tasks: element id -> task ids (in the order the engine lists them)."""
    tasks: dict[str, list[str]] = {}
    for task in engine.show(instance_id).open_tasks:
        tasks.setdefault(task.element_id, []).append(task.id)
    return tasks


def complete(engine, instance_id: str, element_id: str, data: dict | None = None):
    [task_id, *_] = open_tasks(engine, instance_id)[element_id]
    return engine.complete_task(task_id, data or {}, actor="anna")


def test_a_call_activity_runs_the_called_process_with_the_callers_data_and_returns_its_own(
    engine,
):
    deploy(engine, "call_parent.bpmn", "call_child.bpmn")
    instance = engine.start("call_parent", {"net": 400})
    view = engine.show(instance)
    assert view.active_elements == ["call_vat", "approve_vat"]
    assert list(open_tasks(engine, instance)) == ["approve_vat"]
    complete(engine, instance, "approve_vat", {"approved_by": "anna"})
    view = engine.show(instance)
    assert view.status == "completed"
    assert {k: view.data[k] for k in ("amount", "vat", "approved_by", "gross")} == {
        "amount": 800,
        "vat": 200,
        "approved_by": "anna",
        "gross": 1000,
    }
    assert {"compute_vat", "approve_vat", "call_vat", "book"} <= set(view.completed_elements)


def test_a_parallel_multi_instance_task_opens_one_task_per_item_at_once_and_collects_outputs(
    engine,
):
    deploy(engine, "multi_instance.bpmn")
    instance = engine.start(
        "multi_instance", {"reviewers": ["anna", "bo", "carl"], "signers": ["dorte", "emil"]}
    )
    reviews = open_tasks(engine, instance)["review"]
    assert len(reviews) == 3, "every reviewer's task is open at once"
    for task_id, vote in zip(reviews, ["yes", "no", "yes"], strict=True):
        engine.complete_task(task_id, {"vote": vote}, actor="anna")
    assert engine.show(instance).data["votes"] == ["yes", "no", "yes"]


def test_a_sequential_multi_instance_task_opens_one_task_at_a_time_in_order(engine):
    deploy(engine, "multi_instance.bpmn")
    instance = engine.start("multi_instance", {"reviewers": ["anna"], "signers": ["dorte", "emil"]})
    complete(engine, instance, "review", {"vote": "yes"})
    for turn in ("first", "second"):
        [task_id] = open_tasks(engine, instance)["sign"]  # one signer's task at a time
        engine.complete_task(task_id, {"signature": f"{turn} signature"}, actor="anna")
    view = engine.show(instance)
    assert view.status == "completed"
    assert view.data["signatures"] == ["first signature", "second signature"]
    assert view.data["yes_votes"] == 1


def test_a_non_interrupting_escalation_alerts_the_manager_while_the_work_goes_on(engine):
    deploy(engine, "escalation.bpmn")
    instance = engine.start("escalation", {"amount": 5000, "limit": 1000, "hard_limit": 10000})
    assert sorted(open_tasks(engine, instance)) == ["alert_manager", "handle"]
    complete(engine, instance, "alert_manager")
    complete(engine, instance, "handle")
    view = engine.show(instance)
    assert view.status == "completed"
    assert {"raise_large", "large_caught", "alerted", "done"} <= set(view.completed_elements)


def test_an_escalation_end_event_caught_by_an_interrupting_boundary_ends_the_subprocess(engine):
    deploy(engine, "escalation.bpmn")
    instance = engine.start("escalation", {"amount": 50000, "limit": 1000, "hard_limit": 10000})
    view = engine.show(instance)
    assert view.status == "completed"
    assert {"refuse", "stop_caught", "rejected"} <= set(view.completed_elements)
    assert "done" not in view.completed_elements and "handle" not in view.completed_elements


def test_a_small_amount_raises_no_escalation(engine):
    deploy(engine, "escalation.bpmn")
    instance = engine.start("escalation", {"amount": 10, "limit": 1000, "hard_limit": 10000})
    assert list(open_tasks(engine, instance)) == ["handle"]
    complete(engine, instance, "handle")
    view = engine.show(instance)
    assert view.status == "completed"
    assert "large_caught" not in view.completed_elements


def test_a_non_interrupting_event_subprocess_runs_beside_the_work(engine):
    deploy(engine, "event_subprocess.bpmn")
    instance = engine.start("event_subprocess", {})
    engine.send_message(instance, "note", {"text": "Ring til klageren"})
    assert sorted(open_tasks(engine, instance)) == ["answer_note", "work"]
    complete(engine, instance, "answer_note")
    assert list(open_tasks(engine, instance)) == ["work"]
    complete(engine, instance, "work")
    view = engine.show(instance)
    assert view.status == "completed"
    assert {"noted", "done"} <= set(view.completed_elements)


def test_an_interrupting_event_subprocess_cancels_the_work_and_ends_the_process(engine):
    deploy(engine, "event_subprocess.bpmn")
    instance = engine.start("event_subprocess", {})
    view = engine.send_message(instance, "cancel", {"reason": "withdrawn"})
    assert view.status == "completed"
    view = engine.show(instance)
    assert view.data["cancelled_because"] == "withdrawn"
    assert "done" not in view.completed_elements
    assert not open_tasks(engine, instance)


def test_an_interrupting_timer_event_subprocess_waits_for_its_timer_then_ends_the_work(
    engine, frozen_now
):
    deploy(engine, "event_subprocess.bpmn")
    instance = engine.start("event_subprocess", {})
    clock.set(frozen_now + timedelta(days=30) - timedelta(seconds=1), frozen=True)
    engine.advance(instance)
    assert engine.show(instance).status == "running"
    assert list(open_tasks(engine, instance)) == ["work"]
    clock.set(frozen_now + timedelta(days=30, seconds=1), frozen=True)
    engine.advance(instance)
    view = engine.show(instance)
    assert view.status == "completed"
    assert view.data["timed_out"] is True
    assert not open_tasks(engine, instance)


def test_a_data_object_is_process_data_that_tasks_reach_through_their_associations(engine):
    deploy(engine, "data_objects.bpmn")
    instance = engine.start("data_objects", {"opening": 10})
    assert engine.show(instance).data["total"] == 10
    complete(engine, instance, "review", {"extra": 5})
    view = engine.show(instance)
    assert view.status == "completed"
    assert view.data["total"] == 15


def test_a_conditional_event_waits_until_its_condition_holds_then_fires_in_the_same_step(
    engine,
):
    deploy(engine, "conditional.bpmn")
    instance = engine.start("conditional", {})
    view = engine.show(instance)
    assert set(view.active_elements) >= {"prepare", "wait_ready"}
    assert "send_out" not in view.completed_elements
    view = complete(engine, instance, "prepare", {"pages": 3})
    assert view.status == "completed"
    view = engine.show(instance)
    assert view.data["sent"] is True
    assert {"mark_ready", "wait_ready", "send_out"} <= set(view.completed_elements)


def test_a_conditional_event_whose_condition_stays_false_keeps_waiting(engine):
    deploy(engine, "conditional.bpmn")
    instance = engine.start("conditional", {})
    complete(engine, instance, "prepare", {"pages": 0})
    view = engine.show(instance)
    assert view.status == "running"
    assert "wait_ready" in view.active_elements
    assert "send_out" not in view.completed_elements
