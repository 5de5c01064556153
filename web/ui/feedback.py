"""What a page tells the user about what they did: a refusal in the reader's words, field
errors beside the fields, and the flash message a finished action leaves."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash

from engine import KlageflowError

from .. import auth
from ..inputs import unreadable_form_fields
from .i18n import error_message, field_messages, t

CITIZENS = ("complainant", "permit_holder")


def unreadable_fields(names: tuple[str, ...] | None = None) -> dict[str, list[str]]:
    """Posted fields (all, or `names`) whose text is not valid UTF-8, with the message.

    Such text is refused beside the field instead of being stored changed.
    """
    return {
        name: [t("error_unreadable")]
        for name in sorted(unreadable_form_fields())
        if names is None or name in names
    }


def refusal(exc: KlageflowError) -> str:
    """A refusal as the user reads it: always in their language for citizens and visitors;
    staff see an unknown refusal's own detail."""
    principal = auth.current()
    citizen = principal is None or principal.role in CITIZENS
    return error_message(exc.message, exc.status, general=citizen)


def flash_outcome(action: Callable[[], object], done: str, about: str = "") -> bool:
    """Run `action`; flash its refusal (and its field problems) as an error, or `done`.

    `about` names what the refusal concerns when the page lists several (an authority).
    """
    try:
        action()
    except KlageflowError as exc:
        message = refusal(exc)
        fields = field_messages(getattr(exc, "fields", None) or {})
        problems = "; ".join(
            f"{name}: {', '.join(map(str, texts))}" for name, texts in fields.items()
        )
        message = f"{message}: {problems}" if problems else message
        flash(f"{about}: {message}" if about else message, "error")
        return False
    flash(t(done), "success")
    return True
