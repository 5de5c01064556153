"""A caseworker reads a task and its form in the chosen language, errors included."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from engine import TaskFilter, clock
from tests.complaint.conftest import BUNDLE, start_data
from tests.web.test_complaints_api import GAMMELDAM
from tests.web.test_ui_pages import log_in


@pytest.fixture(autouse=True)
def _roomy_step_budget(monkeypatch):
    """Filing a complaint renders letters in its first step (about a second alone); on a
    loaded machine that step could pass the 5 s default budget, which is not under test
    here (tests/engine/test_step_budget.py is). Set before the engine fixture reads it."""
    monkeypatch.setenv("KLAGEFLOW_STEP_SECONDS", "60")


def _late_complaint_at_the_board(engine) -> str:
    """A late Gammeldam complaint forwarded to PKN; returns the board's task id."""
    engine.deploy_paths(sorted(BUNDLE.glob("*.*")), deployed_by="test")
    data = start_data(filed_at="2025-08-09T00:00:30+02:00")
    clock.set(datetime.fromisoformat(data["filed_at"]).astimezone(UTC), frozen=True)
    instance_id = engine.start("complaint", data, business_key=data["reference"])
    [reconsider] = engine.tasks(TaskFilter(instance_id=instance_id))
    engine.complete_task(
        reconsider.id, {"authority_action": "forward", "statement": "Kommunen fastholder."},
        actor="sonja",
    )  # fmt: skip
    [assess] = engine.tasks(TaskFilter(instance_id=instance_id))
    return assess.id


def _post(client, path: str, data: dict[str, str], *, token_from: str | None = None):
    page = client.get(token_from or path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(path, data={"csrf_token": token, **data})


def _claim(client, engine, task_id: str, username: str) -> None:
    """Take the task ("Tag opgaven"): its form is completed only by the one who took it."""
    _post(client, f"/opgaver/{task_id}/tag", {}, token_from=f"/opgaver/{task_id}")
    assert engine.task(task_id).assignee == username


def test_the_board_reads_the_lateness_task_in_danish_and_in_english(app, client, engine):
    task_id = _late_complaint_at_the_board(engine)
    log_in(client, "pia")
    danish = client.get(f"/opgaver/{task_id}").get_data(as_text=True)
    assert "<h1>Vurder fristoverskridelse</h1>" in danish
    assert "Klagen er indgivet efter klagefristen." in danish
    assert "Klagen afvises som for sent indgivet" in danish
    client.get("/sprog/en")
    english = client.get(f"/opgaver/{task_id}").get_data(as_text=True)
    assert "<h1>Assess the late filing</h1>" in english
    assert "The complaint was filed after the complaint deadline." in english
    assert "The complaint is rejected as filed too late" in english
    assert "Klagen er indgivet efter" not in english


def test_a_missing_reason_is_reported_in_the_readers_language(app, client, engine):
    task_id = _late_complaint_at_the_board(engine)
    log_in(client, "pia")
    _claim(client, engine, task_id, "pia")
    response = _post(client, f"/opgaver/{task_id}", {"lateness_ruling": "reject"})
    assert response.status_code == 422
    danish = response.get_data(as_text=True)
    assert "Feltet skal udfyldes." in danish and "Missing data" not in danish
    client.get("/sprog/en")
    english = _post(client, f"/opgaver/{task_id}", {"lateness_ruling": "reject"})
    assert "This field is required." in english.get_data(as_text=True)


def test_a_legal_basis_the_decision_does_not_have_is_refused_in_danish(app, client):
    services = app.extensions["klageflow"]
    decision = services.complaints.register_decision(
        services.accounts.by_username("sonja"), {**GAMMELDAM, "published_at": date(2025, 7, 11)}
    )
    log_in(client, "klara")
    form = {"decision": str(decision["id"]), "complainant_type": "private",
            "text": "Huset skæmmer landskabet.", "legal_basis": ""}  # fmt: skip
    html = _post(client, "/sager/ny", form).get_data(as_text=True)
    assert "Vælg en af mulighederne." in html and "one of planloven" not in html
