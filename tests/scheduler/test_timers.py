"""Each timer kind fires at its instant and not before, driven by the scheduler and the clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from engine import clock
from engine.scheduler import Scheduler
from tests.conftest import APPROVAL_BUNDLE

HERE = "tests/scheduler/bpmn"
pytestmark = pytest.mark.both_databases


def fired(engine, instance_id) -> list[str]:
    return [e.element_id for e in engine.show(instance_id).history if e.kind == "timer_fired"]


def at(moment, scheduler: Scheduler) -> int:
    clock.set(moment, frozen=True)
    return scheduler.tick()["fired"]


def test_a_time_date_from_a_variable_fires_at_that_instant_and_not_before(engine, frozen_now):
    engine.deploy_paths(["tests/engine/bpmn/deadline.bpmn"])
    due = frozen_now + timedelta(days=28)
    instance_id = engine.start("deadline", {"deadline_at": due.isoformat()})
    scheduler = Scheduler(engine)
    assert at(due - timedelta(seconds=1), scheduler) == 0
    assert at(due, scheduler) == 0  # due means "has passed": it fires just after the instant
    assert at(due + timedelta(milliseconds=1), scheduler) == 1
    assert fired(engine, instance_id) == ["wait_deadline"]
    assert engine.show(instance_id).status == "completed"


def test_duration_cycle_and_boundary_timers(engine, frozen_now):
    engine.deploy_paths(APPROVAL_BUNDLE)
    instance_id = engine.start("approval", {"applicant_type": "private"})
    scheduler = Scheduler(engine)
    assert at(frozen_now + timedelta(days=6, hours=23), scheduler) == 0
    for week in (1, 2, 3):  # the non-interrupting cycle R3/P7D
        assert at(frozen_now + timedelta(days=7 * week, seconds=1), scheduler) == 1
    assert engine.show(instance_id).open_tasks, "a non-interrupting timer keeps the task"
    assert at(frozen_now + timedelta(days=29), scheduler) == 0  # the cycle fired exactly 3 times
    assert at(frozen_now + timedelta(days=30, seconds=1), scheduler) == 1  # the interrupting one
    assert fired(engine, instance_id) == ["review_reminder"] * 3 + ["review_deadline"]
    view = engine.show(instance_id)
    assert view.status == "completed" and view.open_tasks == []


def test_an_event_based_gateway_takes_the_timer_when_no_message_comes(engine, frozen_now):
    engine.deploy_paths([f"{HERE}/race.bpmn"])
    slow = engine.start("race", {})
    quick = engine.start("race", {})
    engine.send_message(quick, "answer", {})
    scheduler = Scheduler(engine)
    assert at(frozen_now + timedelta(minutes=59), scheduler) == 0
    assert at(frozen_now + timedelta(hours=1, seconds=1), scheduler) == 1
    assert "end_timed_out" in engine.show(slow).completed_elements
    assert "end_answered" in engine.show(quick).completed_elements
    assert fired(engine, quick) == []


def test_deadlines_that_passed_while_no_scheduler_ran_fire_at_start_up_in_due_order(
    engine, frozen_now
):
    engine.deploy_paths(["tests/engine/bpmn/deadline.bpmn"])
    ids = {}
    for hours in (5, 1, 3):
        ids[hours] = engine.start(
            "deadline", {"deadline_at": (frozen_now + timedelta(hours=hours)).isoformat()}
        )
    clock.set(frozen_now + timedelta(days=2), frozen=True)  # the scheduler was down meanwhile
    assert Scheduler(engine, batch_size=2).tick()["fired"] == 3
    with engine.db.read() as session:
        from sqlalchemy import select

        from engine.models import AuditEvent

        order = list(
            session.scalars(
                select(AuditEvent.instance_id)
                .where(AuditEvent.kind == "timer_fired")
                .order_by(AuditEvent.id)
            )
        )
    assert order == [ids[1], ids[3], ids[5]]


def test_a_timer_value_that_does_not_work_becomes_an_incident_and_others_go_on(engine, frozen_now):
    engine.deploy_paths([f"{HERE}/notify.bpmn"])
    good = engine.start(
        "notify",
        {
            "send_at": (frozen_now + timedelta(hours=1)).isoformat(),
            "recipients": [],
            "language": "da",
            "reference": "KP-1",
        },
    )
    # A value that cannot fire (a naive instant) put in the data later by an operator's fix-up
    # is caught when the timer is checked: the instance goes to incident, the scheduler goes on.
    from sqlalchemy import update

    from engine.models import ProcessInstance

    bad = engine.start(
        "notify",
        {
            "send_at": (frozen_now + timedelta(minutes=30)).isoformat(),
            "recipients": [],
            "language": "da",
            "reference": "KP-2",
        },
    )
    from engine.spiff import dump_state, load_state

    with engine.db.write() as session:
        row = session.get(ProcessInstance, bad)
        parsed = engine.runtime.parsed(
            session, engine.runtime.definition_ref(session, row.definition_id)
        )
        workflow = load_state(row.state, parsed.spec, parsed.subprocess_specs, None)
        for task in workflow.event_manager.tasks.values():
            task._set_internal_data(event_value="14 days")
        session.execute(
            update(ProcessInstance)
            .where(ProcessInstance.id == bad)
            .values(state=dump_state(workflow))
        )
    scheduler = Scheduler(engine)
    assert at(frozen_now + timedelta(hours=2), scheduler) == 1
    assert engine.show(good).status == "completed"
    broken = engine.show(bad)
    assert broken.status == "incident"
    [incident] = broken.incidents
    assert incident.element_id == "wait" and "14 days" in incident.message
    assert at(frozen_now + timedelta(hours=3), scheduler) == 0  # skipped until an operator retries


def test_a_timer_armed_in_this_process_wakes_the_scheduler_before_its_next_poll(engine):
    engine.deploy_paths(["tests/engine/bpmn/deadline.bpmn"])
    scheduler = Scheduler(engine, poll_seconds=30.0)
    scheduler.start()
    try:
        time.sleep(0.2)  # the start-up round has run and found nothing
        due = datetime.now(UTC) + timedelta(seconds=0.5)
        instance = engine.start("deadline", {"deadline_at": due.isoformat()})
        deadline = time.monotonic() + 5
        while engine.show(instance).status != "completed" and time.monotonic() < deadline:
            time.sleep(0.02)
        fired_at = datetime.now(UTC)
    finally:
        scheduler.stop()
    assert engine.show(instance).status == "completed", "fired long before the 30 s poll"
    [event] = [e for e in engine.show(instance).history if e.kind == "timer_fired"]
    assert 0 <= event.details["late_by_seconds"] < 1.0
    assert fired_at - due < timedelta(seconds=1.5)


def test_a_timer_already_due_when_reached_fires_at_once_and_is_on_record(engine, frozen_now):
    engine.deploy_paths(["tests/engine/bpmn/deadline.bpmn"])
    past = (frozen_now - timedelta(minutes=5)).isoformat()
    instance = engine.start("deadline", {"deadline_at": past})
    assert engine.show(instance).status == "completed"
    [event] = [e for e in engine.show(instance).history if e.kind == "timer_fired"]
    assert event.element_id == "wait_deadline"
    assert event.details["late_by_seconds"] == 300


def test_a_cycle_whose_start_has_passed_fires_once_on_catch_up_then_on_its_schedule(
    engine, frozen_now
):
    engine.deploy_paths([f"{HERE}/weekly.bpmn"])
    start = frozen_now - timedelta(days=10)  # occurrences at -10, -3, +4, +11 and +18 days
    instance_id = engine.start("weekly", {"repetitions": 5, "first_reminder_at": start.isoformat()})
    scheduler = Scheduler(engine)
    at(frozen_now + timedelta(seconds=1), scheduler)
    assert fired(engine, instance_id) == ["reminder"], "the two missed occurrences fire once"
    assert engine.show(instance_id).next_timer_due_at == frozen_now + timedelta(days=4)
    assert at(frozen_now + timedelta(days=4), scheduler) == 0
    for days in (4, 11, 18):
        assert at(frozen_now + timedelta(days=days, seconds=1), scheduler) == 1
    assert at(frozen_now + timedelta(days=60), scheduler) == 0
    assert fired(engine, instance_id) == ["reminder"] * 4
    assert engine.show(instance_id).next_timer_due_at is None
    assert engine.show(instance_id).open_tasks, "the reminders leave the task open"


def test_a_cycle_entirely_in_the_past_fires_once_and_is_done(engine, frozen_now):
    engine.deploy_paths([f"{HERE}/weekly.bpmn"])
    start = frozen_now - timedelta(days=30)
    instance_id = engine.start("weekly", {"repetitions": 3, "first_reminder_at": start.isoformat()})
    scheduler = Scheduler(engine)
    at(frozen_now + timedelta(seconds=1), scheduler)
    at(frozen_now + timedelta(days=60), scheduler)
    assert fired(engine, instance_id) == ["reminder"]
    assert engine.show(instance_id).next_timer_due_at is None
