"""Timer, message and signal start events, messages by correlation and signals to every
waiting instance, run on real processes (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from engine import (
    AmbiguousTarget,
    Conflict,
    DeploymentError,
    NotFound,
    clock,
)
from engine.attempts import wall_now
from engine.models import SignalDelivery, StartTimer
from engine.scheduler import Scheduler
from tests.conftest import ROOT

pytestmark = pytest.mark.both_databases
BPMN = ROOT / "tests" / "engine" / "bpmn"
TIMER_START = BPMN / "timer_start.bpmn"


def timer_model(element: str = "timeCycle", value: str = "R/P7D") -> dict[str, str]:
    """The weekly report model with its timer start event set to `element` `value`."""
    text = TIMER_START.read_text().replace(
        '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">"R/P7D"</bpmn:timeCycle>',
        f'<bpmn:{element} xsi:type="bpmn:tFormalExpression">"{value}"</bpmn:{element}>',
    )
    return {"timer_start.bpmn": text}


def started(engine) -> list:
    """The weekly report instances, oldest first, each with its instance_started event."""
    rows = sorted(engine.instances(key="weekly_report", limit=500), key=lambda row: row.created_at)
    return [(row, engine.history(row.id, kinds=["instance_started"])[0].details) for row in rows]


def start_all_due(engine) -> list[str | None]:
    """Claim due start timers until none is due; the instances each claim started."""
    results = []
    while (claimed := engine.claim_start_timer()) is not None:
        results.append(claimed[1])
    return results


# -- timer start events ---------------------------------------------------------------------


def test_a_weekly_cycle_starts_one_instance_per_week_from_one_week_after_deploy(engine, frozen_now):
    engine.deploy(timer_model())
    [info] = engine.definitions()
    assert info.next_start_at == frozen_now + timedelta(days=7)
    assert start_all_due(engine) == [], "nothing is due before the first week has passed"

    clock.set(frozen_now + timedelta(days=7, seconds=1), frozen=True)
    [instance_id] = start_all_due(engine)
    assert start_all_due(engine) == [], "one occurrence, one instance"

    view = engine.show(instance_id)
    assert view.status == "completed" and view.data["report"] == "overdue cases"
    [(_, details)] = started(engine)
    assert details["trigger"] == "timer" and details["timer"] == "cycle"
    assert details["due"] == (frozen_now + timedelta(days=7)).isoformat()
    assert engine.definitions()[0].next_start_at == frozen_now + timedelta(days=14)


def test_a_bounded_cycle_starting_in_the_past_coalesces_missed_weeks_and_then_ends(
    engine, frozen_now
):
    first = frozen_now - timedelta(days=10)  # two occurrences (10 and 3 days ago) passed
    engine.deploy(timer_model(value=f"R3/{first.isoformat()}/P7D"))

    assert len(start_all_due(engine)) == 1, "the passed occurrences start one instance"
    [timer] = engine.start_timers()
    assert timer.next_start_at == first + timedelta(days=14) and timer.started == 1

    clock.set(first + timedelta(days=14, seconds=1), frozen=True)
    assert len(start_all_due(engine)) == 1
    clock.set(first + timedelta(days=60), frozen=True)
    assert start_all_due(engine) == [], "three occurrences in all, two of them coalesced"
    assert engine.start_timers()[0].next_start_at is None
    assert engine.definitions()[0].next_start_at is None


@pytest.mark.parametrize(
    ("element", "value", "due_after"),
    [
        ("timeDate", "2025-07-12T08:00:00+00:00", timedelta(days=1)),
        ("timeDuration", "PT2H", timedelta(hours=2)),
    ],
)
def test_a_date_or_duration_start_timer_starts_exactly_one_instance(
    engine, frozen_now, element, value, due_after
):
    engine.deploy(timer_model(element, value))
    assert engine.definitions()[0].next_start_at == frozen_now + due_after
    clock.set(frozen_now + due_after + timedelta(seconds=1), frozen=True)
    assert len(start_all_due(engine)) == 1
    clock.set(frozen_now + timedelta(days=400), frozen=True)
    assert start_all_due(engine) == []
    assert len(started(engine)) == 1


def test_a_new_version_replaces_the_start_timers_of_the_old_one(engine, frozen_now):
    engine.deploy(timer_model(value="R/P7D"))
    engine.deploy(timer_model(value="R/P1D"))

    [timer] = engine.start_timers()
    assert (timer.version, timer.expression) == (2, "R/P1D")
    versions = {
        info.version: info.next_start_at for info in engine.definition_versions("weekly_report")
    }
    assert versions == {2: frozen_now + timedelta(days=1), 1: None}

    clock.set(frozen_now + timedelta(days=7, seconds=1), frozen=True)
    assert len(start_all_due(engine)) == 1, "the daily timer's missed days coalesce"
    [(row, _)] = started(engine)
    assert engine.show(row.id).version == 2


def test_an_occurrence_taken_over_after_the_claim_starts_nothing_the_second_time(
    engine, frozen_now
):
    """A start whose claim was replaced meanwhile (its process was presumed dead and another
    took the occurrence) rolls back: the occurrence starts one instance, not two."""
    engine.deploy(timer_model(value="R/P7D"))
    clock.set(frozen_now + timedelta(days=7, seconds=1), frozen=True)
    original = engine.runtime.start_instance

    def start_after_takeover(*args, **kwargs):
        with engine.db.write() as session:  # another scheduler claims it meanwhile
            session.execute(update(StartTimer).values(claimed_by="another process"))
        return original(*args, **kwargs)

    engine.runtime.start_instance = start_after_takeover
    try:
        assert engine.claim_start_timer()[1] is None
    finally:
        engine.runtime.start_instance = original
    assert started(engine) == []
    with engine.db.write() as session:
        session.execute(update(StartTimer).values(lease_until=None))
    assert len(start_all_due(engine)) == 1


def test_a_timer_start_event_needs_a_literal_iso_value(engine):
    files = timer_model()
    files["timer_start.bpmn"] = files["timer_start.bpmn"].replace('"R/P7D"', "report_cycle")
    with pytest.raises(DeploymentError) as refused:
        engine.deploy(files)
    [problem] = refused.value.problems
    assert problem.element_id == "every_week" and "quoted ISO 8601" in problem.reason


def test_the_scheduler_starts_due_timer_start_events(engine, frozen_now):
    engine.deploy(timer_model())
    clock.set(frozen_now + timedelta(days=7, seconds=1), frozen=True)
    assert Scheduler(engine).tick()["started"] == 1
    assert Scheduler(engine).tick()["started"] == 0


# -- messages -------------------------------------------------------------------------------


def test_a_message_without_an_instance_starts_the_process_whose_message_start_event_catches_it(
    engine,
):
    engine.deploy_paths([BPMN / "message_start.bpmn", BPMN / "correlation.bpmn"])
    summary = engine.correlate_message("form_submitted", data={"name": "Ada"}, actor="web")

    assert summary.process_key == "public_form" and summary.active_elements == ["review_form"]
    assert engine.show(summary.id).data["form"] == {"name": "Ada"}
    [event] = engine.history(summary.id, kinds=["instance_started"])
    assert event.element_id == "form_received" and event.details["trigger"] == "message"


def test_a_correlated_message_reaches_the_one_instance_waiting_with_that_value(engine):
    engine.deploy_paths([BPMN / "correlation.bpmn"])
    first = engine.start("fee_case", {"reference": "KP-2026-000001"})
    second = engine.start("fee_case", {"reference": "KP-2026-000002"})

    summary = engine.correlate_message(
        "fee_paid", {"reference": "KP-2026-000002"}, {"amount": 1800}, actor="payments"
    )

    assert summary.id == second and summary.status == "completed"
    assert engine.show(second).data["booked"] == 1800
    assert engine.show(first).active_elements == ["wait_fee"]
    with pytest.raises(NotFound, match="no running instance waits for message 'fee_paid'"):
        engine.correlate_message("fee_paid", {"reference": "KP-2026-000002"}, {"amount": 1})


def test_a_message_matching_two_instances_is_a_conflict_listing_both(engine):
    engine.deploy_paths([BPMN / "correlation.bpmn"])
    ids = sorted(engine.start("fee_case", {"reference": "KP-2026-000003"}) for _ in range(2))
    with pytest.raises(AmbiguousTarget) as ambiguous:
        engine.correlate_message("fee_paid", {"reference": "KP-2026-000003"}, {"amount": 1})
    assert isinstance(ambiguous.value, Conflict)
    assert ambiguous.value.extra == {"instances": ids}
    assert all(engine.show(i).status == "running" for i in ids), "neither got it"


def test_a_message_nothing_starts_on_is_not_found(engine):
    engine.deploy_paths([BPMN / "correlation.bpmn"])
    with pytest.raises(NotFound, match="no deployed process starts on message 'fee_paid'"):
        engine.correlate_message("fee_paid", data={"amount": 1})


# -- signals --------------------------------------------------------------------------------


def deliveries(engine) -> list[SignalDelivery]:
    with engine.db.read() as session:
        return list(session.scalars(select(SignalDelivery).order_by(SignalDelivery.id)))


def test_a_signal_reaches_every_waiting_instance_once_and_starts_signal_start_processes(engine):
    engine.deploy_paths([BPMN / "signal_wait.bpmn", BPMN / "signal_start.bpmn"])
    waiting = [engine.start("law_watch") for _ in range(3)]

    report = engine.signal("law_changed", {"rule": "§ 12"}, actor="admin")

    assert [row["status"] for row in report.deliveries] == ["delivered"] * 4
    for instance_id in waiting:
        assert engine.show(instance_id).data["applied"] is True
        assert len(engine.history(instance_id, kinds=["signal_received"])) == 1
    [review] = engine.instances(key="law_review")
    assert review.status == "running"
    assert engine.show(review.id).data["rule"] == "§ 12"

    again = engine.signal("law_changed")
    assert [row["element_id"] for row in again.deliveries] == ["law_changed"], (
        "the finished instances wait for nothing; only the start event takes it"
    )


def test_a_signal_left_pending_is_delivered_by_the_scheduler_exactly_once(engine):
    engine.deploy_paths([BPMN / "signal_wait.bpmn"])
    waiting = [engine.start("law_watch") for _ in range(4)]
    report = engine.signal("law_changed", deliver=False)
    assert {row["status"] for row in report.deliveries} == {"pending"}

    # A process claimed the first delivery and died before its step committed: the lease
    # keeps others off it until it runs out.
    first = deliveries(engine)[0]
    assert engine._claim_delivery(None)[0] == first.id
    assert Scheduler(engine).tick()["signals"] == 3
    assert engine.show(first.instance_id).status == "running"
    with engine.db.write() as session:
        session.execute(
            update(SignalDelivery).values(lease_until=wall_now() - timedelta(seconds=1))
        )
    assert Scheduler(engine).tick()["signals"] == 1

    assert all(engine.show(i).status == "completed" for i in waiting)
    assert {row.status for row in deliveries(engine)} == {"delivered"}
    assert Scheduler(engine).tick()["signals"] == 0
    for instance_id in waiting:
        assert len(engine.history(instance_id, kinds=["signal_received"])) == 1


def test_a_delivery_already_made_is_not_made_again(engine):
    """Two processes delivering the same row: the second step's write finds it delivered and
    rolls back, so the instance takes the signal once."""
    engine.deploy_paths([BPMN / "signal_wait.bpmn"])
    instance_id = engine.start("law_watch")
    engine.signal("law_changed", deliver=False)
    claimed = engine._claim_delivery(None)
    with engine.db.write() as session:
        session.execute(update(SignalDelivery).values(status="delivered"))
    engine._deliver(*claimed)
    assert engine.show(instance_id).status == "running"
    assert engine.history(instance_id, kinds=["signal_received"]) == []


def test_a_timer_start_whose_model_fails_records_why_and_moves_to_the_next_occurrence(
    engine, frozen_now
):
    files = timer_model()
    files["timer_start.bpmn"] = files["timer_start.bpmn"].replace(
        'report = "overdue cases"', "report = 1 / 0"
    )
    engine.deploy(files)
    clock.set(frozen_now + timedelta(days=7, seconds=1), frozen=True)

    assert start_all_due(engine) == [None]
    [timer] = engine.start_timers()
    assert "compile_report" in timer.last_error and "division by zero" in timer.last_error
    assert timer.next_start_at == frozen_now + timedelta(days=14) and timer.started == 0
    assert started(engine) == []


def test_a_signal_whose_step_fails_is_an_incident_on_that_instance_only(engine):
    files = {"signal_wait.bpmn": (BPMN / "signal_wait.bpmn").read_text()}
    files["signal_wait.bpmn"] = files["signal_wait.bpmn"].replace(
        "applied = True", "applied = 10 / divisor"
    )
    engine.deploy(files)
    failing = engine.start("law_watch", {"divisor": 0})
    fine = engine.start("law_watch", {"divisor": 5})

    report = engine.signal("law_changed")

    statuses = {row["instance_id"]: row["status"] for row in report.deliveries}
    assert statuses == {failing: "incident", fine: "delivered"}
    assert engine.show(failing).status == "incident"
    assert engine.show(fine).data["applied"] == 2
