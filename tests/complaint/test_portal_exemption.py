"""Exemption from filing through the portal: its own small process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import Engine, TaskFilter, clock
from engine.scheduler import Scheduler
from tests.complaint.conftest import BOARD_GROUP, BUNDLE

pytestmark = pytest.mark.both_databases
NOW = datetime(2025, 7, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def request_exemption(engine: Engine):
    engine.deploy_paths(sorted(BUNDLE.glob("*.*")), deployed_by="test")
    clock.set(NOW, frozen=True)

    def start(reason: str) -> str:
        return engine.start(
            "portal_exemption",
            {
                "reason": reason,
                "requester_name": "Ole Olsen",
                "requester_email": "ole@example.dk",
                "board_id": "pkn",
                "decision_id": 1,
            },
        )

    return start


def mails(engine: Engine, instance_id: str) -> list[dict]:
    return [m for m in engine.outbox.mails() if m["instance_id"] == instance_id]


def decide(engine: Engine, instance_id: str, **data) -> None:
    [task] = engine.tasks(TaskFilter(instance_id=instance_id))
    assert task.element_id == "decide" and task.candidate_group == BOARD_GROUP
    engine.complete_task(task.id, data, actor="chair", actor_groups=[BOARD_GROUP])


def test_someone_exempt_from_digital_post_is_exempt_at_once(engine, request_exemption):
    instance = request_exemption("no_digital_post")
    assert engine.show(instance).status == "completed"
    assert engine.show(instance).data["exemption_granted"] is True
    [mail] = mails(engine, instance)
    assert mail["recipients"] == ["ole@example.dk"]


def test_the_board_may_grant_an_exemption(engine, request_exemption):
    instance = request_exemption("special_circumstances")
    decide(engine, instance, grant_exemption=True, exemption_reason="Klageren er blind.",
           filing_days=14)  # fmt: skip
    show = engine.show(instance)
    assert show.status == "completed" and show.data["exemption_granted"] is True


def test_a_refusal_sets_a_deadline_to_file_through_the_portal(engine, request_exemption):
    filed = request_exemption("economic_advantage")
    lapsed = request_exemption("economic_advantage")
    for instance in (filed, lapsed):
        decide(engine, instance, grant_exemption=False,
               exemption_reason="Portalen kan bruges i denne sag.", filing_days=14)  # fmt: skip
    deadline = engine.show(lapsed).data["filing_deadline"]
    assert datetime.fromisoformat(deadline) == NOW + timedelta(days=14)
    [refusal] = mails(engine, lapsed)
    assert refusal["subject"] == "Afgørelse om fritagelse fra Klageportalen"

    engine.send_message(filed, "filed_via_portal", {"reference": "KP-2025-000124"})
    assert "filed" in engine.show(filed).completed_elements

    clock.set(NOW + timedelta(days=14, seconds=1), frozen=True)
    assert Scheduler(engine).tick()["fired"] == 1
    assert "lapsed" in engine.show(lapsed).completed_elements
