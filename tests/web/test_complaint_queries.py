"""Listing cases reads a fixed number of rows sets, however many cases there are."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from tests.web.test_complaints_api import GAMMELDAM


@pytest.fixture
def filing(app, engine):
    from engine.config import PROJECT_ROOT

    engine.deploy_paths(sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")))
    services = app.extensions["klageflow"]
    principal = services.accounts.by_username
    decision = services.complaints.register_decision(
        principal("sonja"), {**GAMMELDAM, "published_at": date(2025, 7, 11)}
    )

    def file(count: int) -> None:
        for _ in range(count):
            draft = services.complaints.create_draft(
                principal("klara"),
                {"decision": decision["id"], "legal_basis": "planloven-35",
                 "complainant_type": "private", "text": "Huset skæmmer landskabet."},
            )  # fmt: skip
            services.complaints.submit(principal("klara"), draft["reference"])

    return services, principal, file


@contextmanager
def counted(services):
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    target = services.engine.db.engine
    event.listen(target, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(target, "before_cursor_execute", record)


@pytest.mark.parametrize("who", ["klara", "sonja"])
def test_listing_my_cases_costs_the_same_queries_for_two_cases_as_for_six(filing, who):
    services, principal, file = filing
    reader = principal(who)
    file(2)
    with counted(services) as few:
        assert len(services.complaints.mine(reader)) == 2
    file(4)
    with counted(services) as many:
        listed = services.complaints.mine(reader)
    assert len(listed) == 6
    assert all(case["status"] == "filed" for case in listed)
    queries = [s for s in many if s.split()[0].upper() == "SELECT"]
    assert len(many) == len(few)
    assert len(queries) == 3, "complaints, their decisions, their cases' data"
