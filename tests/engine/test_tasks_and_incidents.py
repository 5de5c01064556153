"""Completing tasks safely: readiness, ownership, forms, concurrency, and incidents with retry."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine import (
    Conflict,
    Engine,
    IncidentRaised,
    InvalidData,
    NotFound,
    PermissionDenied,
    TaskFilter,
    TaskNotReady,
    clock,
)
from engine.models import ProcessInstance

pytestmark = pytest.mark.both_databases

DIVIDE = ["tests/engine/bpmn/divide.bpmn"]


def state_of(engine, instance_id):
    with engine.db.read() as session:
        row = session.get(ProcessInstance, instance_id)
        return row.state, row.version, row.status


def test_completing_a_task_twice_is_a_conflict_and_changes_nothing(approval):
    approval.start("approval", {"applicant_type": "private"})
    [task] = approval.tasks()
    approval.complete_task(task.id, {"approved": False, "reason": "Not in order"})
    with pytest.raises(TaskNotReady, match="is completed"):
        approval.complete_task(task.id, {"approved": True, "reason": "In order"})
    assert issubclass(TaskNotReady, Conflict)


def test_a_task_of_another_instance_or_an_unknown_task_is_refused(approval):
    first = approval.start("approval", {"applicant_type": "private"})
    second = approval.start("approval", {"applicant_type": "company"})
    task = approval.show(first).open_tasks[0]
    before = state_of(approval, first)
    with pytest.raises(NotFound, match="does not belong"):
        approval.complete_task(task.id, {"approved": True, "reason": "fine"}, instance_id=second)
    with pytest.raises(NotFound):
        approval.complete_task("00000000-0000-0000-0000-000000000000", {})
    assert state_of(approval, first) == before


def test_invalid_form_data_gets_field_errors_and_the_task_stays_open(approval):
    instance_id = approval.start("approval", {"applicant_type": "private"})
    [task] = approval.tasks()
    before = state_of(approval, instance_id)
    with pytest.raises(InvalidData) as caught:
        approval.complete_task(task.id, {"approved": "maybe", "reason": "", "score": 11})
    assert set(caught.value.fields) == {"approved", "reason", "score"}
    assert state_of(approval, instance_id) == before
    assert approval.tasks()[0].id == task.id


def test_only_the_candidate_group_may_complete_and_claims_are_respected(approval):
    approval.start("approval", {"applicant_type": "private"})
    [task] = approval.tasks()
    with pytest.raises(PermissionDenied):
        approval.complete_task(
            task.id, {"approved": True, "reason": "fine"}, actor="x", actor_groups=["board"]
        )
    approval.claim(task.id, "anna", actor_groups=["caseworkers"])
    with pytest.raises(Conflict, match="already claimed by anna"):
        approval.claim(task.id, "bo")
    assert approval.tasks(TaskFilter(assignee="anna"))[0].id == task.id
    with pytest.raises(Conflict, match="claimed by anna"):
        approval.complete_task(task.id, {"approved": True, "reason": "fine"}, actor="bo")
    with pytest.raises(Conflict):
        approval.unclaim(task.id, "bo")
    approval.unclaim(task.id, "anna")
    view = approval.complete_task(task.id, {"approved": False, "reason": "fine"}, actor="bo")
    assert view.status == "completed"
    kinds = [e.kind for e in approval.show(view.id).history]
    assert kinds.count("task_claimed") == 1 and kinds.count("task_unclaimed") == 1


def test_two_concurrent_completions_of_one_task_one_succeeds_one_conflicts(approval):
    approval.start("approval", {"applicant_type": "private"})
    [task] = approval.tasks()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def complete(actor):
        barrier.wait()
        try:
            approval.complete_task(
                task.id, {"approved": False, "reason": f"by {actor}"}, actor=actor
            )
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=complete, args=(name,)) for name in ("anna", "bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    view = approval.show(approval.instances()[0].id)
    assert [e.kind for e in view.history].count("task_completed") == 1


def test_the_task_list_puts_overdue_first_and_filters_by_group(engine, frozen_now):
    engine.deploy_paths(DIVIDE)
    for region, days in (("north", 5), ("south", -2), ("north", -1)):
        due = (frozen_now + timedelta(days=days)).isoformat()
        engine.start("divide", {"region": region, "total": 10, "due": due})
    north = engine.tasks(TaskFilter(groups=("clerks-north",)))
    assert [t.overdue for t in north] == [True, False]
    everyone = engine.tasks(TaskFilter(groups=("clerks-north", "clerks-south")))
    assert [t.candidate_group for t in everyone] == [
        "clerks-south",
        "clerks-north",
        "clerks-north",
    ]
    assert engine.count_tasks(TaskFilter(overdue=True)) == 2


def test_the_task_count_counts_exactly_the_tasks_the_same_filter_lists(engine, frozen_now):
    engine.deploy_paths(DIVIDE)
    for number, days in ((1, -2), (2, 5), (3, -1)):
        due = (frozen_now + timedelta(days=days)).isoformat()
        engine.start(
            "divide",
            {"region": "north", "total": 10, "due": due},
            business_key=f"KP-2025-00000{number}",
        )
    filters = [
        TaskFilter(),
        TaskFilter(search="KP-2025-000001"),
        TaskFilter(search="kp-2025-00000"),
        TaskFilter(search="enter divisor"),
        TaskFilter(search="no such case"),
        TaskFilter(business_key="KP-2025-000002"),
        TaskFilter(overdue=True),
        TaskFilter(overdue=False),
        TaskFilter(overdue=False, search="KP-2025-000003"),
        TaskFilter(groups=("clerks-north",), search="KP-2025-000001"),
    ]
    counts = {flt: engine.count_tasks(flt) for flt in filters}
    assert counts == {flt: len(engine.tasks(flt)) for flt in filters}
    assert counts[TaskFilter(search="KP-2025-000001")] == 1
    assert counts[TaskFilter(overdue=False)] == 1
    assert counts[TaskFilter(search="no such case")] == 0


def test_a_script_that_raises_rolls_back_and_records_an_incident_that_can_be_retried(
    engine, frozen_now
):
    engine.deploy_paths(DIVIDE)
    broken = engine.start("divide", {"region": "north", "total": 10, "due": None})
    healthy = engine.start("divide", {"region": "north", "total": 10, "due": None})
    task = engine.show(broken).open_tasks[0]
    before_state, _, _ = state_of(engine, broken)

    with pytest.raises(IncidentRaised) as caught:
        engine.complete_task(task.id, {"divisor": 0}, actor="anna")
    assert caught.value.element_id == "compute"
    assert "ZeroDivisionError" in caught.value.message

    state, _, status = state_of(engine, broken)
    assert (state, status) == (before_state, "incident")  # the step was rolled back
    assert engine.show(broken).open_tasks[0].id == task.id
    [incident] = engine.incidents()
    assert incident.element_id == "compute"

    # Other instances are unaffected.
    other = engine.show(healthy).open_tasks[0]
    assert engine.complete_task(other.id, {"divisor": 2}).data["share"] == 5

    # The operator retries with corrected data.
    view = engine.retry_incident(incident.id, actor="operator", data={"divisor": 5})
    assert view.status == "completed"
    assert view.data["share"] == 2
    assert engine.incidents() == []
    with pytest.raises(Conflict):
        engine.retry_incident(incident.id)


def test_dates_and_decimals_in_task_data_survive_the_round_trip(engine):
    engine.deploy_paths(DIVIDE)
    instance_id = engine.start("divide", {"region": "x", "total": 9, "due": None})
    task = engine.show(instance_id).open_tasks[0]
    view = engine.complete_task(task.id, {"divisor": 3})
    assert view.data["received_on"] == "2025-07-11"
    assert view.data["exact"] == "1800.50"


def test_a_naive_timer_value_puts_the_instance_in_an_incident(engine, frozen_now):
    engine.deploy_paths(["tests/engine/bpmn/deadline.bpmn"])
    ok = engine.start("deadline", {"deadline_at": "2025-08-08T21:59:00+00:00"})
    assert engine.show(ok).next_timer_due_at == datetime(2025, 8, 8, 21, 59, tzinfo=UTC)
    with pytest.raises(InvalidData, match="wait_deadline"):
        engine.start("deadline", {"deadline_at": "2025-08-08T23:59:00"})
    with pytest.raises(InvalidData, match="wait_deadline"):
        engine.start("deadline", {"deadline_at": "14 days"})
    clock.set(frozen_now + timedelta(days=40), frozen=True)
    assert engine.advance(ok).status == "completed"


@pytest.mark.parametrize(
    "script, error",
    [
        ("import os", "import"),
        ("x = open('/etc/passwd').read()", "open"),
        ("x = getattr(total, '__class__')", "getattr"),
        ("x = (1).__class__", "_"),
        ("x = eval('1')", "eval"),
    ],
)
def test_scripts_cannot_reach_outside_the_restricted_environment(engine, script, error):
    from engine import DeploymentError
    from engine.scripting import ScriptEngine

    text = Path(DIVIDE[0]).read_text().replace("share = total / divisor", script)
    try:
        engine.deploy({"divide.bpmn": text.encode()})
    except DeploymentError as refused:
        assert "compute" in {p.element_id for p in refused.problems}
        return
    # Compiles, but must fail when run: the name is simply not there.
    instance_id = engine.start("divide", {"region": "x", "total": 1, "due": None})
    task = engine.show(instance_id).open_tasks[0]
    with pytest.raises(IncidentRaised) as caught:
        engine.complete_task(task.id, {"divisor": 1})
    assert error in caught.value.message
    assert ScriptEngine  # the engine used is the restricted one


def test_today_in_scripts_is_the_danish_date_not_the_utc_one(engine):
    from datetime import UTC, datetime

    clock.set(
        datetime(2025, 12, 31, 23, 30, tzinfo=UTC), frozen=True
    )  # 00:30 on 1 January in Denmark
    assert engine.runtime.helpers["today"]() == "2026-01-01"


def test_today_in_scripts_follows_the_configured_time_zone(db):
    from dataclasses import replace
    from datetime import UTC, datetime

    from engine.config import load_settings

    clock.set(datetime(2025, 12, 31, 23, 30, tzinfo=UTC), frozen=True)
    new_york = Engine(db, replace(load_settings(), timezone="America/New_York"))
    assert new_york.runtime.helpers["today"]() == "2025-12-31"


def test_domain_helpers_live_in_their_own_namespace_and_never_clash_with_data(engine):
    from engine.scripting import RestrictedEnvironment

    environment = RestrictedEnvironment(engine.runtime.helpers)
    # A process variable named like a domain helper is just a variable.
    assert environment.evaluate("fee + 1", {"fee": 899}) == 900
    amount = environment.evaluate('complaint.fee("company", [], "2025-08-01")["amount_dkk"]', {})
    assert amount == 1800
