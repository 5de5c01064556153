"""UI pages through the Flask test client: login with CSRF, pagination, no CSRF no change."""

from __future__ import annotations

import re
from datetime import date

from tests.web.conftest import PASSWORD
from tests.web.test_complaints_api import GAMMELDAM


def log_in(client, username: str) -> str:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "username": username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/sager").get_data(as_text=True)
    ).group(1)


def test_my_cases_are_paginated(app, client):
    services = app.extensions["klageflow"]
    decision = services.complaints.register_decision(
        services.accounts.by_username("sonja"), {**GAMMELDAM, "published_at": date(2025, 7, 11)}
    )
    klara = services.accounts.by_username("klara")
    for number in range(30):
        services.complaints.create_draft(
            klara, {"decision": decision["id"], "legal_basis": "planloven-35",
                    "complainant_type": "private", "text": f"Klage nummer {number}."},
        )  # fmt: skip
    log_in(client, "klara")
    first = client.get("/sager").get_data(as_text=True)
    assert "Side 1 / 2 (30)" in first and first.count("/sager/KP-") == 25
    second = client.get("/sager?page=2").get_data(as_text=True)
    assert second.count("/sager/KP-") == 5


def test_the_task_pages_count_only_the_tasks_the_search_finds(app, client, deployed):
    for number in range(1, 27):
        deployed.start(
            "approval", {"applicant_type": "private"}, business_key=f"KP-2025-{number:06d}"
        )
    log_in(client, "adam")
    everything = client.get("/opgaver").get_data(as_text=True)
    assert "Side 1 / 2 (26)" in everything
    found = client.get("/opgaver?q=KP-2025-000001").get_data(as_text=True)
    assert "Side 1 / 1 (1)" in found
    assert "KP-2025-000002" not in found


def test_a_form_post_without_the_csrf_token_changes_nothing(app, client):
    log_in(client, "adam")
    response = client.post(
        "/admin/organisationer/soenderborg", data={"notification_email": "x@evil.example"}
    )
    assert response.status_code == 403
    org = app.extensions["klageflow"].accounts.organisation("soenderborg")
    assert org.notification_email == "plan@sonderborg.dk"
