"""UI pages through the Flask test client: login with CSRF, pagination, no CSRF no change."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime
from pathlib import Path

from engine import clock
from engine.config import PROJECT_ROOT, load_settings
from tests.web.conftest import PASSWORD
from tests.web.test_complaints_api import GAMMELDAM
from web.app import create_app


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


def test_the_permit_holder_and_the_authority_each_read_their_own_permit_holder_hint(app, client):
    services = app.extensions["klageflow"]
    services.engine.deploy_paths(sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")))
    decision = services.complaints.register_decision(
        services.accounts.by_username("sonja"), {**GAMMELDAM, "published_at": clock.now().date()}
    )
    klara = services.accounts.by_username("klara")
    reference = services.complaints.create_draft(
        klara, {"decision": decision["id"], "legal_basis": "planloven-35",
                "complainant_type": "private", "text": "Huset skæmmer landskabet."},
    )["reference"]  # fmt: skip
    services.complaints.submit(klara, reference)
    log_in(client, "hans")
    case = client.get(f"/sager/{reference}").get_data(as_text=True)
    assert "Du er part i sagen, fordi klagen gælder din tilladelse." in case
    assert "Får besked om klager." not in case
    authority = app.test_client()
    log_in(authority, "sonja")
    form = authority.get("/afgoerelser/ny").get_data(as_text=True)
    assert "Den, der har fået tilladelsen eller dispensationen (ofte adressaten)." in form


def test_a_form_post_without_the_csrf_token_changes_nothing(app, client):
    log_in(client, "adam")
    response = client.post(
        "/admin/organisationer/soenderborg", data={"notification_email": "x@evil.example"}
    )
    assert response.status_code == 403
    org = app.extensions["klageflow"].accounts.organisation("soenderborg")
    assert org.notification_email == "plan@sonderborg.dk"


def test_the_operator_named_in_the_settings_is_the_sender_and_the_contact(engine, tmp_path):
    settings = dataclasses.replace(
        load_settings(), data_dir=tmp_path, database_url=str(engine.db.url),
        operator_name="Planklagenævnet", operator_email="pkn@naevneneshus.example",
        operator_phone="72 40 56 00",
    )  # fmt: skip
    client = create_app(settings, engine, local=True).test_client()
    page = client.get("/login").get_data(as_text=True)
    assert 'class="authority-name">Planklagenævnet<' in page
    assert 'href="mailto:pkn@naevneneshus.example"' in page and "72 40 56 00" in page
    privacy = client.get("/om/privatlivspolitik").get_data(as_text=True)
    assert "<strong>Planklagenævnet</strong> er dataansvarlig" in privacy
    assert "<title>Privatlivspolitik – Klageflow</title>" in privacy


def test_an_operator_replaces_a_page_text_through_a_templates_folder(engine, tmp_path):
    pages = tmp_path / "texts/ui/pages"
    pages.mkdir(parents=True)
    (pages / "cookies.da.html").write_text(
        '{% extends "ui/pages/_page.html" %}{% block body %}<p>Vores egen cookietekst.</p>'
        "{% endblock %}"
    )
    settings = dataclasses.replace(
        load_settings(), data_dir=tmp_path, database_url=str(engine.db.url),
        ui_templates_dir=str(tmp_path / "texts"),
    )  # fmt: skip
    client = create_app(settings, engine, local=True).test_client()
    assert "Vores egen cookietekst." in client.get("/om/cookies").get_data(as_text=True)
    english = client.get("/om/cookies", headers={"Cookie": ""})
    assert "Vores egen" in english.get_data(as_text=True)  # Danish is the default language
    client.get("/sprog/en")
    assert "uses a single cookie" in client.get("/om/cookies").get_data(as_text=True)


def test_the_info_pages_exist_in_both_languages_and_others_are_not_found(client):
    for slug, title in (
        ("privatlivspolitik", "Privatlivspolitik"),
        ("cookies", "Cookies"),
        ("tilgaengelighedserklaering", "Tilgængelighedserklæring"),
    ):
        assert f"<h1>{title}</h1>" in client.get(f"/om/{slug}").get_data(as_text=True)
    client.get("/sprog/en")
    statement = client.get("/om/tilgaengelighedserklaering").get_data(as_text=True)
    assert "<h1>Accessibility statement</h1>" in statement and "WCAG 2.1" in statement
    assert client.get("/om/noget-andet").status_code == 404


def test_a_field_left_empty_on_a_new_complaint_is_linked_from_the_error_summary(app, client):
    log_in(client, "klara")
    page = client.get("/sager/ny").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/sager/ny", data={"csrf_token": token, "complainant_type": "private", "text": "Kort"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-module="error-summary"' in html
    assert '<a href="#decision" class="function-link">Vælg den afgørelse' in html
    assert '<a href="#text" class="function-link">Skriv klagen' in html
    assert 'aria-describedby="text-hint text-error"' in html
    assert "<title>Fejl: Ny klage – Klageflow</title>" in html


def test_no_template_carries_an_inline_script_or_style():
    """A strict Content-Security-Policy forbids them; JS and CSS live in static files."""
    folder = Path(__file__).resolve().parents[2] / "web/ui/templates"
    offenders = []
    for template in folder.rglob("*.html"):
        text = template.read_text()
        inline_scripts = [m for m in re.findall(r"<script[^>]*>", text) if "src=" not in m]
        if inline_scripts or re.search(r"\sstyle=|<style|\son[a-z]+=", text):
            offenders.append(template.name)
    assert offenders == []


def test_the_designer_sees_when_a_timer_start_event_starts_its_next_instance(app, client, engine):
    clock.set(datetime(2026, 1, 5, 6, 0, tzinfo=UTC), frozen=True)
    engine.deploy_paths([PROJECT_ROOT / "tests/engine/bpmn/timer_start.bpmn"])
    log_in(client, "dorte")
    page = client.get("/processer").get_data(as_text=True)
    assert '<th scope="col">Næste start</th>' in page
    row = page[page.index("Weekly overdue report") :]
    assert 'data-title="Næste start">12.01.2026' in row


def test_the_process_page_counts_one_running_case_in_the_singular(app, client, deployed):
    deployed.start("approval", {"applicant_type": "private"}, business_key="KP-2025-000001")
    log_in(client, "dorte")
    page = client.get("/processer/approval").get_data(as_text=True)
    assert "(1 kørende sag)" in page
    deployed.start("approval", {"applicant_type": "private"}, business_key="KP-2025-000002")
    assert "(2 kørende sager)" in client.get("/processer/approval").get_data(as_text=True)
