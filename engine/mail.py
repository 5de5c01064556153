"""Mail from Jinja templates (Danish by default, English available): subject, text and HTML.

A template `NAME` in language `LANG` is three files in the search path:
`NAME.LANG.subject.txt`, `NAME.LANG.txt` and (optionally) `NAME.LANG.html`. The search
path is every folder registered on the engine (the shipped domain's by the composition
root, other packages' through the `klageflow.mail_templates` entry point), then the
engine's own templates.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    pass_context,
)
from jinja2.sandbox import SandboxedEnvironment

from . import clock
from .models import OutboxMail

TEMPLATE_ENTRY_POINT_GROUP = "klageflow.mail_templates"
ENGINE_TEMPLATES = Path(__file__).resolve().parent / "templates" / "mail"
LANGUAGES = ("da", "en")
MESSAGE_ID_DOMAIN = "klageflow.local"
# The language being rendered, as the date filters find it in the template context.
LANGUAGE_KEY = "_mail_language"


class MailTemplateError(ValueError):
    """A template is missing or failed to render."""


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str | None


def installed_template_folders() -> list[Path]:
    """Folders installed packages offer through the `klageflow.mail_templates` entry point."""
    folders = []
    for entry in entry_points(group=TEMPLATE_ENTRY_POINT_GROUP):
        value = entry.load()
        folders.append(Path(value() if callable(value) else value))
    return folders


class MailTemplates:
    """The mail templates of one engine: its registered folders, then the engine's own.

    Instants in templates are shown in `zone` (the `local_time` and `local_date` filters).
    """

    def __init__(self, zone: ZoneInfo):
        self.zone = zone
        self._folders: list[Path] = []
        self._lock = threading.Lock()
        self._environments: tuple[Environment, Environment] | None = None

    @property
    def folders(self) -> list[Path]:
        """Where templates are looked up, in order."""
        return [*self._folders, ENGINE_TEMPLATES]

    def add_folder(self, folder: Path | str) -> None:
        """Look templates up in `folder` too, before the engine's own (again: a no-op)."""
        folder = Path(folder).resolve()
        with self._lock:
            if folder not in self._folders:
                self._folders.append(folder)
                self._environments = None

    def local_time(
        self, value: str | datetime | None, with_time: bool = True, language: str = "da"
    ) -> str:
        """An ISO instant in the local zone as readers of `language` write it:
        `8. august 2025 kl. 23.59` (Danish), `8 August 2025 at 23:59` (English)."""
        if not value:
            return ""
        instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        if instant.tzinfo is None:
            raise MailTemplateError(f"a naive instant cannot be shown in a mail: {value!r}")
        local = instant.astimezone(self.zone)
        if language == "en":
            day = format_date(local, "d MMMM y", locale="en_GB")
            return f"{day} at {local:%H:%M}" if with_time else day
        day = format_date(local, "d. MMMM y", locale="da_DK")
        return f"{day} kl. {local:%H.%M}" if with_time else day

    def local_date(self, value: str | datetime | None, language: str = "da") -> str:
        """The local calendar day of an ISO instant: `8. august 2025` (`8 August 2025`)."""
        return self.local_time(value, with_time=False, language=language)

    @pass_context
    def _local_time_filter(self, ctx, value: str | datetime | None, with_time: bool = True) -> str:
        return self.local_time(value, with_time, ctx.get(LANGUAGE_KEY, "da"))

    @pass_context
    def _local_date_filter(self, ctx, value: str | datetime | None) -> str:
        return self.local_date(value, ctx.get(LANGUAGE_KEY, "da"))

    def render(self, template: str, language: str, context: dict[str, Any]) -> RenderedMail:
        """Render a mail template; falls back to Danish when the language has no version."""
        text_env, html_env = self._environment_pair()
        for lang in dict.fromkeys([language if language in LANGUAGES else "da", "da"]):
            context = {**context, LANGUAGE_KEY: lang}  # the date filters write this language
            try:
                subject = text_env.get_template(f"{template}.{lang}.subject.txt").render(context)
                body = text_env.get_template(f"{template}.{lang}.txt").render(context)
            except TemplateNotFound:
                continue
            except Exception as exc:
                raise MailTemplateError(f"mail template {template}.{lang} failed: {exc}") from exc
            try:
                html = html_env.get_template(f"{template}.{lang}.html").render(context)
            except TemplateNotFound:
                html = None
            return RenderedMail(" ".join(subject.split()), body, html)
        raise MailTemplateError(f"no mail template named {template!r}")

    def outbox_mail(
        self, recipients: list[str], template: str, language: str, context: dict[str, Any]
    ) -> OutboxMail:
        """Render a template into an outbox row (not yet added to any session)."""
        rendered = self.render(template, language, context)
        return OutboxMail(
            message_id=new_message_id(),
            recipients=recipients,
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            template=template,
            language=language,
            status="pending",
            attempts=0,
            next_attempt_at=clock.now(),
            created_at=clock.now(),
        )

    def _environment_pair(self) -> tuple[Environment, Environment]:
        with self._lock:
            if self._environments is None:
                loader = ChoiceLoader([FileSystemLoader(str(f)) for f in self.folders])
                # Sandboxed: templates are deployable content, not code.
                text = SandboxedEnvironment(
                    loader=loader,
                    autoescape=False,
                    undefined=StrictUndefined,
                    keep_trailing_newline=True,
                )
                html = SandboxedEnvironment(
                    loader=loader, autoescape=True, undefined=StrictUndefined
                )
                for env in (text, html):
                    env.filters["local_time"] = self._local_time_filter
                    env.filters["local_date"] = self._local_date_filter
                self._environments = text, html
            return self._environments


def new_message_id() -> str:
    """A Message-ID fixed when the mail is queued, so a resend is recognisable."""
    return f"<{uuid.uuid4()}@{MESSAGE_ID_DOMAIN}>"
