"""The demo's mail catcher: an SMTP server on this machine that keeps every mail it is sent.

`klageflow run` starts one (aiosmtpd, in-process, on a free loopback port) and points the
outbox at it, so the demo's mails go through real SMTP and never leave the machine. Each
mail is kept as it arrived, one `.eml` file per mail in a folder of the data directory;
the "Sendte e-mails" page reads them back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, cast

from aiosmtpd.controller import Controller

from engine.config import Settings

LOOPBACK = "127.0.0.1"
# How long the catcher may take to start answering; a busy machine is slow to start threads.
READY_SECONDS = 30.0


def folder_of(settings: Settings) -> Path:
    """Where the demo keeps the mails it caught (inside the data directory)."""
    return settings.data_dir / "demo-mail"


@dataclass(frozen=True)
class CaughtMail:
    """A mail as its recipient sees it: sender, recipients, subject, date and text."""

    key: str
    sender: str
    to: str
    subject: str
    date: datetime | None
    body: str


class MailFolder:
    """The caught mails on disk: one file per mail, named so they sort in arrival order."""

    def __init__(self, path: Path):
        self.path = path

    def deliver(self, raw: bytes) -> Path:
        """Keep one mail; written aside and renamed, so a reader never sees half a file."""
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}"
        partial = self.path / f".{name}.tmp"
        partial.write_bytes(raw)
        final = self.path / f"{name}.eml"
        os.replace(partial, final)
        return final

    def mails(self, limit: int = 200) -> list[CaughtMail]:
        """The newest `limit` mails, newest first."""
        if not self.path.is_dir():
            return []
        files = sorted(self.path.glob("*.eml"), reverse=True)[:limit]
        return [_parse(path.stem, path.read_bytes()) for path in files]

    def count(self) -> int:
        return len(list(self.path.glob("*.eml"))) if self.path.is_dir() else 0

    def clear(self) -> None:
        """Forget every mail (a fresh demo database starts with an empty mailbox)."""
        shutil.rmtree(self.path, ignore_errors=True)


def _parse(key: str, raw: bytes) -> CaughtMail:
    message = cast(EmailMessage, message_from_bytes(raw, policy=policy.default))
    body = message.get_body(preferencelist=("plain", "html"))
    return CaughtMail(
        key=key,
        sender=str(message.get("From", "")),
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        date=_date(message.get("Date")),
        body=body.get_content() if body is not None else "",
    )


def _date(header: Any) -> datetime | None:
    if not header:
        return None
    try:
        value = parsedate_to_datetime(str(header))
    except (TypeError, ValueError):
        return None
    # "-0000" (a UTC time, as the outbox writes it) parses without a zone.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class _KeepEveryMail:
    """aiosmtpd handler: accept every mail for every recipient and keep it."""

    def __init__(self, folder: MailFolder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope) -> str:
        self.folder.deliver(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class MailCatcher:
    """An SMTP server on a free loopback port that keeps what it receives in `folder`."""

    def __init__(self, folder: MailFolder):
        self.folder = folder
        self.port = 0
        self._controller: Controller | None = None

    def start(self) -> MailCatcher:
        for _ in range(5):  # another program may take the free port before we bind it
            port = _free_port()
            controller = Controller(
                _KeepEveryMail(self.folder), hostname=LOOPBACK, port=port,
                ready_timeout=READY_SECONDS,
            )  # fmt: skip
            try:
                controller.start()
            except (OSError, RuntimeError):
                _stop_quietly(controller)  # a server that started late must not linger
                continue
            self._controller, self.port = controller, port
            return self
        raise OSError("no free loopback port for the demo's mail catcher")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _stop_quietly(controller: Controller) -> None:
    with contextlib.suppress(OSError, RuntimeError):
        controller.stop(no_assert=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]
