"""The demo data `klageflow run` seeds: idempotent, and the Gammeldam decision is open for complaints."""

from __future__ import annotations

from web import demo
from web.accounts import Accounts
from web.complaints.service import ComplaintService


def test_demo_seed_creates_users_boards_and_the_gammeldam_decision_once(engine):
    accounts = Accounts(engine.db)
    complaints = ComplaintService(engine, accounts)

    assert demo.seed(accounts, complaints) is True
    assert demo.seed(accounts, complaints) is False

    assert {o.id for o in accounts.organisations()} == {"soenderborg", "pkn", "mfkn"}
    assert accounts.authenticate("kommune", demo.DEMO_PASSWORD).organisation_id == "soenderborg"
    [decision] = complaints.decisions(authority_id="soenderborg")
    assert decision["complaint_deadline"] == "2025-08-08T23:59:59+02:00"
