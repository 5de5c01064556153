"""The complaint process driven through the engine: the Gammeldam case and its branches.

Gammeldam is Sønderborg Kommune's landzone permit published on Friday 11 July 2025, with
the klagefrist Friday 8 August 2025 23:59 (Copenhagen). Time is the settable clock; the
scheduler's step fires the timers exactly as the scheduler process does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine import Engine, InstanceSummary, InstanceView, TaskFilter, TaskInfo, clock
from engine.config import PROJECT_ROOT
from engine.scheduler import Scheduler
from workflows.complaint import status as track
from workflows.complaint.facts import CaseFacts

BUNDLE = PROJECT_ROOT / "bpmn/complaint"
DEADLINE = "2025-08-08T23:59:59+02:00"
AUTHORITY_GROUP = "authority:soenderborg"
BOARD_GROUP = "board:pkn"


def start_data(**overrides: Any) -> dict[str, Any]:
    """What the complaint service starts the process with, for the Gammeldam permit."""
    data = {
        "reference": "KP-2025-000123",
        "filed_at": "2025-08-04T10:15:00+02:00",
        "legal_basis": "planloven-35",
        "complaint_text": "Huset skæmmer landskabet ved Gammeldam.",
        "complainant": {"name": "Karen Klager", "email": "klager@example.dk"},
        "complainant_type": "private",
        "co_complainants": [],
        "authority_id": "soenderborg",
        "authority_name": "Sønderborg Kommune",
        "authority_email": "plan@soenderborg.example",
        "board_id": "pkn",
        "board_code": "PKN",
        "board_name": "Planklagenævnet",
        "board_email": "pkn@naevneneshus.example",
        "decision_id": 1,
        "decision_title": "Landzonetilladelse, Gammeldam",
        "complaint_deadline": DEADLINE,
        "published": True,
        "permit_holder": {"name": "Gammeldam ApS", "email": "ansoeger@example.dk"},
        "payment_days": 14,
        "suspensive_effect_requested": False,
    }
    data.update(overrides)
    return data


@dataclass
class Case:
    """One complaint instance and the moves the parties make in it."""

    engine: Engine
    instance_id: str
    scheduler: Scheduler = field(repr=False)

    # -- time ------------------------------------------------------------------------------

    def at(self, instant: str | datetime) -> int:
        """Move the clock to `instant` and let the scheduler fire what is due; return how many."""
        moment = datetime.fromisoformat(instant) if isinstance(instant, str) else instant
        clock.set(moment, frozen=True)
        return self.scheduler.tick()["fired"]

    def later(self, **delta: float) -> int:
        return self.at(clock.now() + timedelta(**delta))

    # -- state -----------------------------------------------------------------------------

    def show(self) -> InstanceView:
        return self.engine.show(self.instance_id)

    @property
    def data(self) -> dict[str, Any]:
        return self.show().data

    @property
    def status(self) -> str:
        return self.show().status

    def open_tasks(self) -> dict[str, TaskInfo]:
        tasks = self.engine.tasks(TaskFilter(instance_id=self.instance_id))
        return {task.element_id: task for task in tasks}

    def complete(self, element_id: str, group: str, **data: Any) -> InstanceSummary:
        task = self.open_tasks()[element_id]
        return self.engine.complete_task(task.id, data, actor="caseworker", actor_groups=[group])

    def message(self, name: str, **payload: Any) -> InstanceSummary:
        return self.engine.send_message(self.instance_id, name, payload, actor="portal")

    def mails(self, template: str | None = None) -> list[dict[str, Any]]:
        rows = [
            m for m in self.engine.outbox.mails(limit=1000) if m["instance_id"] == self.instance_id
        ]
        return [m for m in rows if template is None or m["template"] == template]

    def tracking(self) -> dict[str, Any]:
        """What the complainant sees (track and trace) from the process data."""
        data = self.data
        facts = CaseFacts.from_mapping({**data, "status": "filed", "created_at": data["filed_at"]})
        return track.track_and_trace(facts, [], now=clock.now())

    # -- the usual moves -----------------------------------------------------------------------

    def forward(self, statement: str = "Kommunen fastholder afgørelsen.") -> None:
        self.complete(
            "reconsider", AUTHORITY_GROUP, authority_action="forward", statement=statement
        )

    def pay(self, amount: int | None = None, paid_at: str | None = None) -> None:
        self.message(
            "fee_paid",
            amount_dkk=amount or self.data["fee_amount_dkk"],
            paid_at=paid_at or clock.now().isoformat(),
            provider="test",
        )

    def screen(self, standing: bool = True, competent: bool = True) -> None:
        self.complete("screening", BOARD_GROUP, has_standing=standing, within_competence=competent)

    def decide(self, outcome: str, **extra: Any) -> None:
        self.complete(
            "decide",
            BOARD_GROUP,
            outcome=outcome,
            decision_summary="Nævnet har behandlet klagen.",
            **extra,
        )


@pytest.fixture
def file_complaint(engine: Engine):
    """Start complaint instances; the clock stands at each complaint's filing time."""
    engine.deploy_paths(sorted(BUNDLE.glob("*.*")), deployed_by="test")
    scheduler = Scheduler(engine)

    def file(**overrides: Any) -> Case:
        data = start_data(**overrides)
        clock.set(datetime.fromisoformat(data["filed_at"]).astimezone(UTC), frozen=True)
        instance_id = engine.start("complaint", data, business_key=data["reference"])
        return Case(engine, instance_id, scheduler)

    return file
