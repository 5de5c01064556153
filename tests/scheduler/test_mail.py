"""The outbox against a real SMTP server (aiosmtpd on localhost).

Mail is queued by the step that causes it, delivered by the scheduler after commit,
retried with backoff while the server is down, failed for good on a 5xx refusal, and
never delivered twice except after a crash between send and mark, where the repeat
carries the same Message-ID.
"""

from __future__ import annotations

import email
import socket
from dataclasses import replace
from datetime import timedelta
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from engine import Engine, clock
from engine.config import load_settings
from engine.scheduler import Scheduler
from web.bootstrap import build_engine

HERE = "tests/scheduler/bpmn"
REFUSED = "nobody@refused.example"
pytestmark = pytest.mark.both_databases


class Inbox:
    """An aiosmtpd handler that keeps what it receives and refuses one address with 550."""

    def __init__(self):
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def inbox():
    return Inbox()


@pytest.fixture
def smtp_server(inbox, smtp_port):
    """A function that starts the SMTP server (tests begin with it down); stopped after."""
    controllers: list[Controller] = []

    def start() -> Controller:
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        return controller

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def mail_engine(db, smtp_port) -> Engine:
    settings = replace(
        load_settings(),
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_timeout=5.0,
        mail_backoff_seconds=60.0,
        mail_max_attempts=3,
    )
    engine = build_engine(settings, db=db)
    engine.deploy_paths([f"{HERE}/notify.bpmn"])
    return engine


def notify(engine: Engine, now, recipients, reference: str | None, language: str = "da") -> str:
    return engine.start(
        "notify",
        {
            "send_at": (now + timedelta(minutes=10)).isoformat(),
            "recipients": recipients,
            "language": language,
            "reference": reference,
        },
    )


def deliver(engine: Engine, at) -> dict[str, int]:
    clock.set(at, frozen=True)
    return Scheduler(engine).tick()


def body(message: Message, subtype: str) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == f"text/{subtype}")
    return part.get_payload(decode=True).decode(part.get_content_charset())


def test_mail_is_queued_by_the_step_and_arrives_with_recipients_subject_and_bodies(
    mail_engine, smtp_server, inbox, frozen_now
):
    smtp_server()
    instance = notify(mail_engine, frozen_now, ["klager@example.dk", "kommune@example.dk"], "KP-7")
    assert mail_engine.outbox.mails() == [], "nothing is queued before the timer's step"

    result = deliver(mail_engine, frozen_now + timedelta(minutes=11))

    assert result["fired"] == 1 and result["sent"] == 1
    [message] = inbox.messages
    assert inbox.envelopes[0][1] == ["klager@example.dk", "kommune@example.dk"]
    assert message["Subject"] == "Din klage KP-7"
    assert "Fristen er udløbet." in body(message, "plain")
    assert "Sagsnummer: KP-7" in body(message, "plain")
    assert "Fristen er udløbet." in body(message, "html")
    [row] = mail_engine.outbox.mails()
    assert row["status"] == "sent" and row["instance_id"] == instance
    assert message["Message-ID"] == row["message_id"]


def test_mail_waits_while_the_server_is_down_and_goes_out_once_when_it_returns(
    mail_engine, smtp_server, inbox, frozen_now
):
    notify(mail_engine, frozen_now, ["klager@example.dk"], "KP-8")
    down = deliver(mail_engine, frozen_now + timedelta(minutes=11))
    assert down == {"fired": 1, "started": 0, "signals": 0, "sent": 0, "deferred": 1, "failed": 0}
    [row] = mail_engine.outbox.mails()
    assert row["status"] == "pending" and row["attempts"] == 1 and row["last_error"]

    smtp_server()
    early = deliver(mail_engine, frozen_now + timedelta(minutes=11, seconds=30))
    assert early["sent"] == 0, "the backoff is respected"
    back = deliver(mail_engine, frozen_now + timedelta(minutes=12, seconds=1))
    assert back["sent"] == 1
    again = deliver(mail_engine, frozen_now + timedelta(hours=1))
    assert again["sent"] == 0
    assert len(inbox.messages) == 1
    assert mail_engine.outbox.mails()[0]["status"] == "sent"


def test_a_refused_address_fails_that_mail_only_and_an_operator_can_retry_it(
    mail_engine, smtp_server, inbox, frozen_now
):
    smtp_server()
    notify(mail_engine, frozen_now, [REFUSED], "KP-9")
    notify(mail_engine, frozen_now, ["klager@example.dk"], "KP-10")

    result = deliver(mail_engine, frozen_now + timedelta(minutes=11))

    assert result["fired"] == 2 and result["sent"] == 1 and result["failed"] == 1
    [failed] = mail_engine.outbox.mails(status="failed")
    assert failed["recipients"] == [REFUSED]
    assert "550" in failed["last_error"]
    assert [m["Subject"] for m in inbox.messages] == ["Din klage KP-10"]

    retried = mail_engine.outbox.retry(failed["id"])
    assert retried["status"] == "pending" and retried["attempts"] == 0
    deliver(mail_engine, frozen_now + timedelta(minutes=12))
    assert mail_engine.outbox.mails(status="failed")[0]["id"] == failed["id"], "still refused"


def test_after_the_attempt_limit_a_mail_is_failed_with_its_error(
    mail_engine, smtp_server, inbox, frozen_now
):
    notify(mail_engine, frozen_now, ["klager@example.dk"], "KP-11")
    moment = frozen_now + timedelta(minutes=11)
    outcomes = []
    for _ in range(3):  # mail_max_attempts, with the server down each time
        outcomes.append(deliver(mail_engine, moment))
        moment += timedelta(hours=1)
    assert [o["deferred"] for o in outcomes] == [1, 1, 0]
    assert outcomes[-1]["failed"] == 1
    [row] = mail_engine.outbox.mails(status="failed")
    assert row["attempts"] == 3 and "Connect" in row["last_error"]

    smtp_server()
    mail_engine.outbox.retry(row["id"])
    assert deliver(mail_engine, moment)["sent"] == 1
    assert len(inbox.messages) == 1


def test_a_crash_between_send_and_mark_resends_with_the_same_message_id(
    mail_engine, smtp_server, inbox, frozen_now
):
    import asyncio

    from sqlalchemy import select

    from engine.models import OutboxMail
    from engine.outbox import SEND_LEASE

    smtp_server()
    notify(mail_engine, frozen_now, ["klager@example.dk"], "KP-12")
    clock.set(frozen_now + timedelta(minutes=11), frozen=True)
    Scheduler(mail_engine).fire_due()
    # The sender claims and sends, then dies before it marks the row sent.
    ids = mail_engine.outbox.claim()
    with mail_engine.db.read() as session:
        mails = session.scalars(select(OutboxMail).where(OutboxMail.id.in_(ids))).all()
    assert asyncio.run(mail_engine.outbox._send_all(mails)) == [None]

    during_lease = deliver(mail_engine, frozen_now + timedelta(minutes=12))
    assert during_lease["sent"] == 0, "a leased mail is not sent by another sender"
    after_lease = deliver(mail_engine, frozen_now + timedelta(minutes=11) + SEND_LEASE * 2)
    assert after_lease["sent"] == 1
    first, second = inbox.messages
    assert first["Message-ID"] == second["Message-ID"], "the repeat is recognisable"


def test_a_step_that_fails_queues_no_mail(mail_engine, smtp_server, inbox, frozen_now):
    smtp_server()
    # The mail's subject expression fails ('Din klage ' + None): the step rolls back.
    instance = notify(mail_engine, frozen_now, ["klager@example.dk"], None)
    result = deliver(mail_engine, frozen_now + timedelta(minutes=11))
    assert result["fired"] == 0
    assert mail_engine.show(instance).status == "incident"
    assert mail_engine.outbox.mails() == [] and inbox.messages == []


def test_english_is_available(mail_engine, smtp_server, inbox, frozen_now):
    smtp_server()
    notify(mail_engine, frozen_now, ["complainant@example.com"], "KP-14", language="en")
    deliver(mail_engine, frozen_now + timedelta(minutes=11))
    [message] = inbox.messages
    assert "Case reference: KP-14" in body(message, "plain")


def test_a_stopping_scheduler_hands_back_mail_it_has_not_tried(
    mail_engine, smtp_server, inbox, frozen_now
):
    import threading

    smtp_server()
    notify(mail_engine, frozen_now, ["klager@example.dk"], "KP-15")
    clock.set(frozen_now + timedelta(minutes=11), frozen=True)
    Scheduler(mail_engine).fire_due()
    stop = threading.Event()
    stop.set()
    assert mail_engine.outbox.deliver_due(stop=stop) == {"sent": 0, "deferred": 0, "failed": 0}
    [row] = mail_engine.outbox.mails()
    assert (row["status"], row["attempts"]) == ("pending", 0), "free for the next sender now"
    assert mail_engine.outbox.deliver_due()["sent"] == 1
    assert len(inbox.messages) == 1
