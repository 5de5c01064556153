"""Mail from Jinja templates (Danish by default, English available): subject, text and HTML.

A template `NAME` in language `LANG` is three files in the search path:
`NAME.LANG.subject.txt`, `NAME.LANG.txt` and (optionally) `NAME.LANG.html`. The search
path is the engine's own templates plus every folder a domain package registers through
the `klageflow.mail_templates` entry point.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from . import clock
from .models import OutboxMail

TEMPLATE_ENTRY_POINT_GROUP = "klageflow.mail_templates"
ENGINE_TEMPLATES = Path(__file__).resolve().parent / "templates" / "mail"
LANGUAGES = ("da", "en")
MESSAGE_ID_DOMAIN = "klageflow.local"


class MailTemplateError(ValueError):
    """A template is missing or failed to render."""


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str | None


def template_folders() -> list[Path]:
    """Where templates are looked up, in order: domain packages first, then the engine's."""
    folders = []
    for entry in entry_points(group=TEMPLATE_ENTRY_POINT_GROUP):
        value = entry.load()
        folders.append(Path(value() if callable(value) else value))
    return [*folders, ENGINE_TEMPLATES]


@lru_cache(maxsize=2)
def _environments() -> tuple[Environment, Environment]:
    loader = ChoiceLoader([FileSystemLoader(str(folder)) for folder in template_folders()])
    # Sandboxed: templates are deployable content, not code.
    text = SandboxedEnvironment(
        loader=loader, autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True
    )
    html = SandboxedEnvironment(loader=loader, autoescape=True, undefined=StrictUndefined)
    return text, html


def render(template: str, language: str, context: dict[str, Any]) -> RenderedMail:
    """Render a mail template; falls back to Danish when the language has no version."""
    text_env, html_env = _environments()
    for lang in dict.fromkeys([language if language in LANGUAGES else "da", "da"]):
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


def new_message_id() -> str:
    """A Message-ID fixed when the mail is queued, so a resend is recognisable."""
    return f"<{uuid.uuid4()}@{MESSAGE_ID_DOMAIN}>"


def outbox_mail(
    recipients: list[str], template: str, language: str, context: dict[str, Any]
) -> OutboxMail:
    """Render a template into an outbox row (not yet added to any session)."""
    rendered = render(template, language, context)
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
