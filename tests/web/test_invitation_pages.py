"""The invitation pages through the Flask test client: an account made from the invitation
confirms and files the complaint; a wrong link is 404; declining needs no login; English."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from engine import clock
from engine.config import PROJECT_ROOT
from engine.models import OutboxMail
from tests.web.test_complaints_api import GAMMELDAM

pytestmark = pytest.mark.both_databases
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def invited(app):
    """A complaint by klara waiting for one invitee; returns its reference and the link."""
    services = app.extensions["klageflow"]
    services.engine.deploy_paths(sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")))
    clock.set(datetime(2025, 8, 4, 8, 0, tzinfo=UTC), frozen=True)
    decision = services.complaints.register_decision(
        services.accounts.by_username("sonja"), {**GAMMELDAM, "published_at": date(2025, 7, 11)}
    )
    klara = services.accounts.by_username("klara")
    reference = services.complaints.create_draft(
        klara, {"decision": decision["id"], "legal_basis": "planloven-35",
                "complainant_type": "private", "text": "Huset skæmmer landskabet.",
                "co_complainants": [{"name": "Ole Olsen", "email": "ole@example.dk"}]},
    )["reference"]  # fmt: skip
    services.complaints.submit(klara, reference)
    with services.engine.db.read() as session:
        mail = session.scalar(
            select(OutboxMail).where(OutboxMail.template == "co_complainant_invitation")
        )
        link = re.search(r"http://\S+(/sager/\S+)", mail.body_text).group(1)
    yield reference, link
    clock.reset()


def test_an_account_made_from_the_invitation_confirms_and_files_the_complaint(app, client, invited):
    reference, link = invited
    page = client.get(link).get_data(as_text=True)
    assert "Ole Olsen" in page and "Huset skæmmer landskabet." in page
    assert client.get(link[:-3] + "abc").status_code == 404
    token = CSRF.search(page).group(1)
    short = client.post(
        link + "/konto",
        data={"csrf_token": token, "name": "Ole Olsen", "email": "ole@example.dk",
              "username": "ole", "password": "kort"},
    )  # fmt: skip
    assert short.status_code == 422
    assert "Adgangskoden skal have mindst 10 tegn." in short.get_data(as_text=True)
    made = client.post(
        link + "/konto",
        data={"csrf_token": token, "name": "Ole Olsen", "email": "ole@example.dk",
              "username": "ole", "password": "en lang adgangskode"},
    )  # fmt: skip
    assert made.status_code == 302 and made.headers["Location"].endswith(link)
    page = client.get(link).get_data(as_text=True)
    assert "Bekræft klagen som Ole Olsen" in page
    confirmed = client.post(link + "/bekraeft", data={"csrf_token": CSRF.search(page).group(1)})
    assert confirmed.status_code == 302
    case = client.get(f"/sager/{reference}").get_data(as_text=True)
    assert "Alle har nu bekræftet, og klagen er indsendt." in case
    assert "Medklager har bekræftet klagen: Ole Olsen" in case
    receipt = client.get(f"/sager/{reference}/kvittering").get_data(as_text=True)
    assert "29. august 2025" in receipt


def test_an_invitee_declines_without_logging_in_and_the_page_speaks_english(client, invited):
    _reference, link = invited
    client.get("/sprog/en")
    page = client.get(link).get_data(as_text=True)
    assert "Invitation to complain together" in page and "Decline the invitation" in page
    declined = client.post(link + "/afslaa", data={"csrf_token": CSRF.search(page).group(1)})
    assert "You declined the invitation" in declined.get_data(as_text=True)
    assert client.get(link).status_code == 404
