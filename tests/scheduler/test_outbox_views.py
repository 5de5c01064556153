"""The operator's view of the outbox: waiting, retrying, failed, sent and cancelled mails."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from engine import Conflict, clock
from engine.config import load_settings
from tests.complaint.conftest import start_data
from tests.conftest import ROOT
from web.bootstrap import build_engine

pytestmark = pytest.mark.both_databases


@pytest.fixture
def queued(engine):
    """A complaint case whose notices wait in the outbox; mail goes to a closed port."""
    clock.set(datetime(2025, 8, 4, 10, 0, tzinfo=UTC), frozen=True)
    engine.deploy_paths(sorted((ROOT / "bpmn/complaint").glob("*.*")))
    engine.start("complaint", start_data())
    settings = dataclasses.replace(
        load_settings(),
        database_url=engine.db.url.render_as_string(hide_password=False),
        smtp_host="127.0.0.1",
        smtp_port=1,
    )
    sender = build_engine(settings)
    yield engine, sender
    sender.db.dispose()


def test_a_mail_the_server_did_not_take_is_retrying_with_its_error(queued):
    engine, sender = queued
    outbox = engine.outbox
    waiting = outbox.count("waiting")
    assert waiting > 0 and outbox.count("retrying") == 0
    sender.outbox.deliver_due(limit=1)
    [retrying] = outbox.mails(status="retrying")
    assert retrying["status"] == "pending" and retrying["attempts"] == 1
    assert (
        "refused" in retrying["last_error"].lower() or "connect" in retrying["last_error"].lower()
    )
    assert outbox.count("waiting") == waiting - 1
    assert outbox.count() == waiting


def test_a_retrying_mail_is_sent_again_now_and_a_waiting_one_is_not_retried(queued):
    engine, sender = queued
    sender.outbox.deliver_due(limit=1)
    [retrying] = engine.outbox.mails(status="retrying")
    clock.set(datetime(2025, 8, 4, 10, 0, 5, tzinfo=UTC), frozen=True)
    again = engine.outbox.retry(retrying["id"])
    assert again["attempts"] == 0
    assert again["next_attempt_at"] == clock.now().isoformat()
    never_tried = engine.outbox.mails(status="waiting")[0]
    with pytest.raises(Conflict):
        engine.outbox.retry(never_tried["id"])


def test_a_cancelled_mail_is_never_sent(queued):
    engine, sender = queued
    first = engine.outbox.mails(status="waiting", limit=100)[0]
    cancelled = engine.outbox.cancel(first["id"])
    assert cancelled["status"] == "cancelled" and cancelled["next_attempt_at"] is None
    assert [m["id"] for m in engine.outbox.mails(status="cancelled")] == [first["id"]]
    assert first["id"] not in sender.outbox.claim(limit=100)
    with pytest.raises(Conflict):
        engine.outbox.cancel(first["id"])


def test_the_outbox_is_paged_newest_first(queued):
    engine, _ = queued
    everything = engine.outbox.mails(limit=100)
    assert [m["id"] for m in everything] == sorted((m["id"] for m in everything), reverse=True)
    assert engine.outbox.mails(limit=1, offset=1) == everything[1:2]
