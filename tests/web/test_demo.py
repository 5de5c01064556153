"""The demo `klageflow run` seeds and its own pages: decisions dated from the engine clock's
today, seeding that adds nothing twice, the mail catcher, and the time control."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import aiosmtplib
import pytest
from markupsafe import Markup

from engine import clock
from engine.config import PROJECT_ROOT, load_settings
from tests.web.test_ui_pages import log_in
from web import demo
from web.accounts import Accounts
from web.app import create_app
from web.complaints.service import ComplaintService
from web.mailcatcher import MailCatcher, MailFolder, folder_of
from web.ui.demo import linkify

CPH = ZoneInfo("Europe/Copenhagen")


def at(year: int, month: int, day: int) -> datetime:
    instant = datetime(year, month, day, 10, 15, tzinfo=CPH)
    clock.set(instant, frozen=True)
    return instant


def deadline(decision: dict) -> datetime:
    return datetime.fromisoformat(decision["complaint_deadline"])


@pytest.fixture
def services(engine):
    accounts = Accounts(engine.db)
    return accounts, ComplaintService(engine, accounts)


@pytest.mark.parametrize("today", [(2026, 11, 30), (2031, 2, 28), (2027, 3, 29)])
def test_the_seed_on_any_day_opens_a_landzone_permit_and_has_one_whose_klagefrist_passed(
    services, today
):
    now = at(*today)
    seeded = demo.seed(*services)

    assert seeded.users_created and len(seeded.decisions_created) == 3
    start = seeded.start_decision
    assert start["legal_bases"] == ["planloven-35"] and "Landzonetilladelse" in start["title"]
    assert "Gammeldam" in start["title"]
    assert deadline(start) > now
    published = datetime.fromisoformat(start["notified_on"]).date()
    assert timedelta(days=3) <= now.date() - published <= timedelta(days=5)  # a working day
    by_basis = {d["legal_bases"][0]: d for d in seeded.decisions_created}
    assert deadline(by_basis["planloven-19"]) > now  # the lokalplan dispensation is open
    assert by_basis["planloven-19"]["notified_on"] <= now.date().isoformat()
    assert deadline(by_basis["naturbeskyttelsesloven-65"]) < now  # its klagefrist has passed
    # The permit to start with is listed first where a complainant chooses the decision.
    assert services[1].decisions()[0]["id"] == start["id"]


def test_seeding_twice_adds_nothing(services):
    accounts, complaints = services
    at(2026, 11, 30)
    first = demo.seed(accounts, complaints)
    again = demo.seed(accounts, complaints)

    assert (again.users_created, again.decisions_created) == (False, [])
    assert again.start_decision["id"] == first.start_decision["id"]
    assert len(complaints.decisions()) == 3
    assert {o.id for o in accounts.organisations()} == {"soenderborg", "pkn", "mfkn"}
    assert accounts.authenticate("kommune", demo.DEMO_PASSWORD).organisation_id == "soenderborg"


def test_a_demo_database_from_an_earlier_day_gets_a_permit_open_today_once(services):
    accounts, complaints = services
    at(2026, 11, 30)
    demo.seed(accounts, complaints)
    later = at(2027, 6, 14)  # every klagefrist of November has passed
    assert complaints.decisions(open_only=True) == []

    seeded = demo.seed(accounts, complaints)

    [added] = seeded.decisions_created
    assert added["legal_bases"] == ["planloven-35"] and deadline(added) > later
    assert seeded.start_decision["id"] == added["id"]
    assert demo.seed(accounts, complaints).decisions_created == []
    assert len(complaints.decisions()) == 4


def test_the_catcher_keeps_each_mail_as_the_recipient_sees_it(tmp_path):
    folder = MailFolder(tmp_path / "mail")
    catcher = MailCatcher(folder).start()
    try:
        message = EmailMessage()
        message["From"] = "Klageflow <noreply@klageflow.local>"
        message["To"] = "klager@example.dk"
        message["Subject"] = "Klagen er modtaget"
        message["Date"] = "Mon, 30 Nov 2026 09:15:00 -0000"
        message.set_content("Følg sagen på http://127.0.0.1:8000/sager/KP-2026-000001.")
        aiosmtplib_send(message, catcher.port)
    finally:
        catcher.stop()

    [mail] = folder.mails()
    assert (mail.sender, mail.to, mail.subject) == (
        "Klageflow <noreply@klageflow.local>", "klager@example.dk", "Klagen er modtaget"
    )  # fmt: skip
    assert mail.date == datetime(2026, 11, 30, 9, 15, tzinfo=ZoneInfo("UTC"))
    assert mail.body.startswith("Følg sagen på http://")
    folder.clear()
    assert folder.mails() == []


def aiosmtplib_send(message: EmailMessage, port: int) -> None:
    """Send on an event loop of its own thread: the main thread may have one running (the
    browser tests' driver, when they ran first in the same session)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    sending = aiosmtplib.send(message, hostname="127.0.0.1", port=port, timeout=60)
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, sending).result()


def test_links_in_a_mail_body_become_links_and_nothing_else_becomes_markup():
    html = linkify('Se http://127.0.0.1:8000/sager/KP-2026-000001. <b>"fed"</b>')
    assert isinstance(html, Markup)
    assert html == (
        'Se <a href="http://127.0.0.1:8000/sager/KP-2026-000001">'
        "http://127.0.0.1:8000/sager/KP-2026-000001</a>. &lt;b&gt;&#34;fed&#34;&lt;/b&gt;"
    )


def test_the_demo_pages_do_not_exist_outside_demo_mode(app, client):
    log_in(client, "adam")
    for path in ("/demo/e-mails", "/demo/tid"):
        assert client.get(path).status_code == 404
    assert client.post("/demo/tid", data={"step": "day"}).status_code == 404
    page = client.get("/admin").get_data(as_text=True)
    assert "Sendte e-mails" not in page and "spol tiden frem" not in page


@pytest.fixture
def demo_app(engine, tmp_path):
    settings = dataclasses.replace(
        load_settings(), data_dir=tmp_path, database_url=str(engine.db.url), demo=True,
        insecure_cookies=True,
    )  # fmt: skip
    engine.deploy_paths(sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")))
    return create_app(settings, engine, local=True)


def demo_log_in(client, username: str) -> str:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"csrf_token": token, "username": username, "password": demo.DEMO_PASSWORD}
    )
    page = client.get("/demo/tid").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_spol_tiden_frem_moves_the_shared_clock_and_fires_what_fell_due(demo_app):
    services = demo_app.extensions["klageflow"]
    at(2026, 11, 30)
    decision = demo.seed(services.accounts, services.complaints).start_decision
    klager = services.accounts.by_username("klager")
    draft = services.complaints.create_draft(
        klager, {"decision": decision["id"], "legal_basis": "planloven-35",
                 "complainant_type": "private", "text": "Bassinet skæmmer landskabet."},
    )  # fmt: skip
    services.complaints.submit(klager, draft["reference"])
    client = demo_app.test_client()
    token = demo_log_in(client, "klager")
    page = client.get("/demo/tid").get_data(as_text=True)
    assert "Demo: spol tiden frem" in page and "Til næste frist" in page
    before = clock.now()

    moved = client.post("/demo/tid", data={"csrf_token": token, "step": "day"})
    assert moved.status_code == 302
    assert abs(clock.now() - before - timedelta(days=1)) < timedelta(seconds=30)
    assert "Demoens dato er" in client.get("/sager").get_data(as_text=True)

    # The next deadline: three weeks after the klagefrist the authority is reminded.
    page = client.post(
        "/demo/tid", data={"csrf_token": token, "step": "deadline"}, follow_redirects=True
    ).get_data(as_text=True)
    assert re.search(
        r"Tiden er spolet frem til \d+\. januar 2027 kl\. 00\.00\. 1 frist eller påmindelse udløb",
        page,
    )
    reminders = [
        m for m in services.engine.outbox.mails() if m["template"] == "forwarding_reminder"
    ]
    assert len(reminders) == 1 and reminders[0]["recipients"] == ["plan@soenderborg.example"]
    assert clock.now() > deadline(decision) + timedelta(weeks=3)


def test_the_sent_mails_page_is_in_every_demo_users_menu(demo_app):
    services = demo_app.extensions["klageflow"]
    demo.seed(services.accounts, services.complaints)
    client = demo_app.test_client()
    for username in ("klager", "ansoeger", "kommune", "naevn", "designer", "admin"):
        demo_log_in(client, username)
        home = client.get("/", follow_redirects=True).get_data(as_text=True)
        assert 'href="/demo/e-mails"' in home, username
    folder = MailFolder(folder_of(demo_app.extensions["klageflow"].settings))
    folder.deliver(
        b"From: Klageflow <noreply@klageflow.local>\r\nTo: klager@example.dk\r\n"
        b"Subject: Klagen er modtaget\r\nDate: Mon, 30 Nov 2026 09:15:00 -0000\r\n\r\n"
        b"Se https://example.dk/sag.\r\n"
    )
    page = client.get("/demo/e-mails").get_data(as_text=True)
    assert "Klagen er modtaget" in page and "30. november 2026 kl. 10.15" in page
    assert '<a href="https://example.dk/sag">https://example.dk/sag</a>.' in page
