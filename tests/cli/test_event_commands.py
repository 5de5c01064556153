"""`klageflow message NAME [--correlate]`, `klageflow signal` and the next timer start in
`klageflow definitions`, as text and as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from engine import clock
from tests.conftest import ROOT

BPMN = ROOT / "tests" / "engine" / "bpmn"


def test_definitions_show_the_next_timer_start_as_text_and_json(cli):
    clock.set(datetime(2026, 1, 5, 6, 0, tzinfo=UTC), frozen=True)
    cli("deploy", BPMN / "timer_start.bpmn", BPMN / "correlation.bpmn")

    text = cli("definitions").lines
    assert text[0].split() == [
        "KEY", "VERSION", "NAME", "RUNNING_INSTANCES", "NEXT_START_AT", "DEPLOYED_AT"
    ]  # fmt: skip
    weekly = next(line for line in text if line.startswith("weekly_report"))
    assert "2026-01-12T06:00:00+00:00" in weekly
    listed = {row["key"]: row["next_start_at"] for row in cli("definitions", "--json").json}
    assert listed == {"fee_case": None, "weekly_report": "2026-01-12T06:00:00+00:00"}


def test_message_by_name_starts_a_process_and_by_correlation_reaches_its_instance(cli):
    cli("deploy", BPMN / "message_start.bpmn", BPMN / "correlation.bpmn")
    started = cli("message", "form_submitted", "--data", '{"name": "Ada"}', "--json").json
    assert started["process_key"] == "public_form"
    assert started["active_elements"] == ["review_form"]

    data = json.dumps({"reference": "KP-2026-000002"})
    waiting = cli("start", "fee_case", "--data", data, "--json").json
    ran = cli(
        "message", "fee_paid", "--correlate", "reference=KP-2026-000002",
        "--data", '{"amount": 1800}',
    )  # fmt: skip
    assert ran.lines[0] == f"instance   {waiting['id']}"
    assert "status     completed" in ran.lines

    missing = cli("message", "fee_paid", "--correlate", "reference=KP-2026-000009", status=1)
    assert missing.err == (
        "error: no running instance waits for message 'fee_paid' with reference=KP-2026-000009\n"
    )


def test_a_message_two_instances_would_take_is_refused_listing_them_in_json(cli):
    cli("deploy", BPMN / "correlation.bpmn")
    data = json.dumps({"reference": "KP-2026-000003"})
    ids = sorted(cli("start", "fee_case", "--data", data, "--json").json["id"] for _ in range(2))

    refused = cli(
        "message", "fee_paid", "--correlate", "reference=KP-2026-000003", "--json", status=1
    )
    assert refused.err.startswith("error: 2 instances wait for message 'fee_paid'")
    assert refused.json["instances"] == ids
    bad = cli("message", "fee_paid", "--correlate", "reference", status=2)
    assert "'reference' is not PROPERTY=VALUE" in bad.err


def test_signal_reaches_every_waiting_instance_and_prints_each_delivery(cli):
    cli("deploy", BPMN / "signal_wait.bpmn", BPMN / "signal_start.bpmn")
    ids = [cli("start", "law_watch", "--json").json["id"] for _ in range(2)]

    text = cli("signal", "law_changed", "--data", '{"rule": "x"}').lines
    assert text[0] == "signal law_changed (#1): 3 delivery(ies)"
    assert sorted(line.split()[1] for line in text[1:3]) == sorted(ids)
    assert all(line.split()[0] == "delivered" for line in text[1:])
    assert text[3].endswith("(started at law_changed)")

    again = cli("signal", "law_changed", "--json").json
    assert [row["element_id"] for row in again["deliveries"]] == ["law_changed"]
    assert all(cli("show", i, "--json").json["status"] == "completed" for i in ids)
