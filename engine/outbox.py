"""The e-mail outbox: mails queued with the step that caused them, delivered after commit.

Delivery claims due rows (PostgreSQL: FOR UPDATE SKIP LOCKED), marks them `sending` with
a lease, sends with aiosmtplib and marks them `sent`. A server that is down or answers
4xx is retried with exponential backoff; a 5xx refusal of the recipients or the attempt
limit marks the mail `failed` with the error, for an operator to see and retry (or
cancel: `cancelled` mails are never sent). A crash
between send and mark leaves the row `sending`: when its lease runs out it is sent again
with the same Message-ID, so the duplicate is recognisable.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate
from enum import Enum
from typing import Any, Literal, TypeVar

import aiosmtplib
from sqlalchemy import and_, func, or_, select

from . import clock
from .config import Settings
from .db import Database, get_by_id
from .documents import DocumentStore
from .errors import Conflict, NotFound
from .mail import MailTemplates
from .models import OutboxMail

log = logging.getLogger(__name__)
SEND_LEASE = timedelta(minutes=5)
T = TypeVar("T")


class _NotTried(Enum):
    """A one-member enum, so that the type checker tells the marker apart from an error."""

    NOT_TRIED = "not tried"


NOT_TRIED = _NotTried.NOT_TRIED  # a claimed mail left unsent because the scheduler is stopping


def _run_to_completion(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` on an event loop of its own and return its result.

    `asyncio.run` refuses a thread whose event loop is running (a caller inside async
    code, or a browser-test driver's loop in the main thread); there it runs in a worker
    thread of its own, so delivery never fails for where it was called from.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="klageflow-outbox") as worker:
        return worker.submit(asyncio.run, coroutine).result()


class PermanentFailure(Exception):
    """The server refused the mail for good (5xx): retrying will not help."""


def build_message(
    mail: OutboxMail, sender: str, documents: DocumentStore | None = None
) -> EmailMessage:
    """The MIME message of an outbox row: plain text, plus HTML when there is one, and the
    stored documents it names as attachments (read from `documents`)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(mail.recipients)
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    message["Date"] = formatdate(clock.now().timestamp(), localtime=False)
    message.set_content(mail.body_text)
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
    for attachment in mail.attachments or []:
        if documents is None:
            raise ValueError("the mail has attachments but no document store to read them")
        maintype, _, subtype = attachment["content_type"].partition("/")
        message.add_attachment(
            documents.read(attachment["storage_key"]),
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
        )
    return message


class Outbox:
    """Queries and delivery of the outbox table."""

    def __init__(self, db: Database, settings: Settings, documents: DocumentStore | None = None):
        self.db = db
        self.settings = settings
        self.documents = documents

    def claim(self, limit: int = 20) -> list[int]:
        """Take due mails (pending, or sending with an expired lease) and lease them to us."""
        now = clock.now()
        with self.db.write() as session:
            query = (
                select(OutboxMail)
                .where(
                    or_(OutboxMail.status == "pending", OutboxMail.status == "sending"),
                    OutboxMail.next_attempt_at <= now,
                )
                .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
                .limit(limit)
            )
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            rows = session.scalars(query).all()
            for row in rows:
                row.status = "sending"
                row.attempts += 1
                row.next_attempt_at = now + SEND_LEASE
            return [row.id for row in rows]

    def deliver_due(self, limit: int = 20, stop: threading.Event | None = None) -> dict[str, int]:
        """Send what is due now; return how many were sent, deferred and failed.

        When `stop` is set meanwhile (the scheduler is shutting down), mails not yet tried
        are handed back at once instead of waiting for their lease to run out.
        """
        counts = {"sent": 0, "deferred": 0, "failed": 0}
        ids = self.claim(limit)
        if not ids:
            return counts
        with self.db.read() as session:
            mails = session.scalars(select(OutboxMail).where(OutboxMail.id.in_(ids))).all()
        outcomes = _run_to_completion(self._send_all(mails, stop))
        with self.db.write() as session:
            for mail, error in zip(mails, outcomes, strict=True):
                row = session.get_one(OutboxMail, mail.id)
                if error is NOT_TRIED:
                    row.status, row.next_attempt_at = "pending", clock.now()
                    row.attempts -= 1
                    continue
                counts[self._record(row, error)] += 1
        return counts

    async def _send_all(
        self, mails: Sequence[OutboxMail], stop: threading.Event | None = None
    ) -> list[Exception | Literal[_NotTried.NOT_TRIED] | None]:
        results: list[Exception | Literal[_NotTried.NOT_TRIED] | None] = []
        for mail in mails:
            if stop is not None and stop.is_set():
                results.append(NOT_TRIED)
                continue
            try:
                await self._send(mail)
                results.append(None)
            except (aiosmtplib.SMTPException, OSError, PermanentFailure) as exc:
                results.append(exc)
        return results

    async def _send(self, mail: OutboxMail) -> None:
        settings = self.settings
        message = build_message(mail, settings.mail_from, self.documents)
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_user or None,
                password=settings.smtp_password or None,
                use_tls=settings.smtp_tls == "tls",
                start_tls=settings.smtp_tls == "starttls",
                timeout=settings.smtp_timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            if all(getattr(r, "code", 0) >= 500 for r in exc.recipients):
                raise PermanentFailure(f"recipients refused: {exc}") from exc
            raise
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code >= 500:
                raise PermanentFailure(f"{exc.code} {exc.message}") from exc
            raise

    def _record(self, row: OutboxMail, error: Exception | None) -> str:
        now = clock.now()
        if error is None:
            row.status, row.sent_at, row.next_attempt_at, row.last_error = "sent", now, None, None
            log.info("mail %s sent to %s", row.message_id, ", ".join(row.recipients))
            return "sent"
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        if isinstance(error, PermanentFailure) or row.attempts >= self.settings.mail_max_attempts:
            row.status, row.next_attempt_at = "failed", None
            log.warning("mail %s failed for good: %s", row.message_id, row.last_error)
            return "failed"
        delay = self.settings.mail_backoff_seconds * 2 ** (row.attempts - 1)
        row.status, row.next_attempt_at = "pending", now + timedelta(seconds=delay)
        log.info("mail %s deferred %.0f s: %s", row.message_id, delay, row.last_error)
        return "deferred"

    def next_due(self):
        """When the next mail falls due (None when nothing waits)."""
        with self.db.read() as session:
            return session.scalar(
                select(OutboxMail.next_attempt_at)
                .where(OutboxMail.status.in_(("pending", "sending")))
                .order_by(OutboxMail.next_attempt_at)
                .limit(1)
            )

    def mails(
        self, *, status: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Outbox rows, newest first, optionally of one status or view (see `VIEWS`)."""
        with self.db.read() as session:
            query = select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit).offset(offset)
            if status:
                query = query.where(_status_filter(status))
            return [mail_dict(row) for row in session.scalars(query)]

    def count(self, status: str | None = None) -> int:
        """How many outbox rows there are (of one status or view, see `VIEWS`)."""
        with self.db.read() as session:
            query = select(func.count()).select_from(OutboxMail)
            if status:
                query = query.where(_status_filter(status))
            return session.scalar(query) or 0

    def retry(self, mail_id: int) -> dict[str, Any]:
        """Send a failed or retrying mail again now (same Message-ID), attempts counted afresh."""
        with self.db.write() as session:
            row = get_by_id(session, OutboxMail, mail_id)
            if row is None:
                raise NotFound(f"mail {mail_id} does not exist")
            if row.status == "pending" and row.last_error is None:
                raise Conflict(
                    f"mail {mail_id} is pending and not tried yet; "
                    "only failed and retrying mails are retried"
                )
            if row.status not in ("failed", "pending"):
                raise Conflict(
                    f"mail {mail_id} is {row.status}; only failed and retrying mails are retried"
                )
            row.status, row.attempts, row.next_attempt_at = "pending", 0, clock.now()
            return mail_dict(row)

    def cancel(self, mail_id: int) -> dict[str, Any]:
        """Never send a mail that has not been sent (pending, retrying or failed)."""
        with self.db.write() as session:
            row = get_by_id(session, OutboxMail, mail_id)
            if row is None:
                raise NotFound(f"mail {mail_id} does not exist")
            if row.status not in ("failed", "pending"):
                raise Conflict(
                    f"mail {mail_id} is {row.status}; only failed and waiting mails are cancelled"
                )
            row.status, row.next_attempt_at = "cancelled", None
            return mail_dict(row)


# The operator's views of the outbox: a status, or `waiting` (never tried yet) and
# `retrying` (tried, failed for now, and to be tried again at `next_attempt_at`).
VIEWS = ("waiting", "retrying", "sending", "failed", "cancelled", "sent")


def _status_filter(view: str):
    if view == "waiting":
        return and_(OutboxMail.status == "pending", OutboxMail.last_error.is_(None))
    if view == "retrying":
        return and_(OutboxMail.status == "pending", OutboxMail.last_error.is_not(None))
    return OutboxMail.status == view


def mail_dict(row: OutboxMail) -> dict[str, Any]:
    """An outbox row as plain data."""
    return {
        "id": row.id,
        "message_id": row.message_id,
        "instance_id": row.instance_id,
        "recipients": row.recipients,
        "subject": row.subject,
        "template": row.template,
        "language": row.language,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at.isoformat() if row.next_attempt_at else None,
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        "last_error": row.last_error,
        "created_at": row.created_at.isoformat(),
        "attachments": [a["filename"] for a in row.attachments or []],
    }


def send_mail_service(
    ctx, task, params: dict[str, Any], *, templates: MailTemplates
) -> dict[str, Any]:
    """The `send_mail` service task: queue a mail from `templates` to recipients named by data.

    Parameters: `to` (an address or a list), `template`, optional `language` (da/en),
    `context` (a dict added to the task data the template sees) and `attachments` (stored
    documents, such as `make_letter` results: dicts with `filename`, `content_type` and
    `storage_key`, or a dict holding them under `attachment`). Empty addresses are skipped
    and recorded; the mail goes out only when the step commits.
    """
    recipients = params.get("to")
    recipients = [recipients] if isinstance(recipients, str) else list(recipients or [])
    recipients = [r for r in recipients if isinstance(r, str) and "@" in r]
    template = params["template"]
    language = params.get("language") or "da"
    if not recipients:
        ctx.audit(
            "mail_skipped", task.task_spec.bpmn_id, template=template, reason="no recipient address"
        )
        return {"queued": False, "reason": "no recipient address"}
    context = {**task.data, **(params.get("context") or {})}
    mail = templates.outbox_mail(recipients, template, language, context)
    mail.attachments = _attachments(params.get("attachments")) or None
    ctx.queue_mail(mail)
    return {"queued": True, "message_id": mail.message_id, "to": recipients}


def _attachments(value: Any) -> list[dict[str, str]]:
    """The stored documents a `send_mail` task names (None and skipped letters: nothing)."""
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("attachment"), dict):
            item = item["attachment"]
        if not item:
            continue
        if not isinstance(item, dict) or not {"filename", "content_type", "storage_key"} <= set(
            item
        ):
            raise ValueError(
                f"an attachment needs filename, content_type and storage_key: {item!r}"
            )
        found.append({k: str(item[k]) for k in ("filename", "content_type", "storage_key")})
    return found
