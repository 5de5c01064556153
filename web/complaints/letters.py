"""The complaint's letters: the `make_letter` service task, which renders a letter deployed
with the process and keeps it as a case document addressed to some of the case's parties.

Runs inside the step that causes the letter, so the document row commits (or rolls back)
with the state change; its result names the stored PDF for the mail that announces it.
"""

from __future__ import annotations

from typing import Any

from engine import Engine

from .documents import safe_filename
from .models import Complaint, ComplaintDocument

# Who a letter may be addressed to, as the service task names them.
ADDRESSEES = ("complainant", "permit_holder", "authority", "board")
SENDERS = ("authority", "board")
LETTER_KIND_PREFIX = "letter_"


def make_letter_service(ctx, task, params: dict[str, Any], *, engine: Engine) -> dict[str, Any]:
    """The `make_letter` service task.

    Parameters: `template` (the letter's name), `to` (the addressees, the first is the
    recipient and the others get a copy: `complainant`, `permit_holder`, `authority`,
    `board`), `sender` (`authority` or `board`), optional `language` (da/en) and `context`
    (a dict added to the task data the template sees). The letter is dated with the step's
    time. A process started without a filed complaint (from the command line) has no case
    to keep documents in: its letter is only stored for the mail.
    """
    data = task.data
    template = params["template"]
    to = [params["to"]] if isinstance(params.get("to"), str) else list(params.get("to") or [])
    unknown = [role for role in to if role not in ADDRESSEES]
    if not to or unknown:
        raise ValueError(f"make_letter: 'to' must name some of {', '.join(ADDRESSEES)}: {to!r}")
    sender = params.get("sender") or "board"
    if sender not in SENDERS:
        raise ValueError(f"make_letter: 'sender' must be one of {', '.join(SENDERS)}: {sender!r}")
    reference = data["reference"]
    context = {
        **data,
        **(params.get("context") or {}),
        "sender": _organisation(data, sender),
        "recipients": [r for role in to for r in _recipients(data, role)],
    }
    letter = engine.letters.render(
        ctx.definition.content_hash,
        ctx.definition_files,
        template,
        params.get("language") or "da",
        context,
        dated=ctx.now,
        key=f"{reference}/{ctx.current_element}/{template}",
    )
    storage_key = engine.documents.put(letter.pdf)
    filename = safe_filename(f"{letter.title} {reference}.pdf")
    if ctx.session.get(Complaint, reference) is not None:
        # The step computes on a read session; the case document is written with the step.
        row = ComplaintDocument(
            reference=reference, kind=LETTER_KIND_PREFIX + template, filename=filename,
            content_type="application/pdf", size=len(letter.pdf), sha256=letter.sha256,
            storage_key=storage_key, uploaded_by=context["sender"]["name"],
            uploaded_at=ctx.now, addressed_to=to,
        )  # fmt: skip
        ctx.on_write(lambda session: session.add(row))
    ctx.audit(
        "letter_made", ctx.current_element, template=template, language=letter.language,
        addressed_to=to, sha256=letter.sha256,
    )  # fmt: skip
    return {
        "template": template,
        "language": letter.language,
        "sha256": letter.sha256,
        "attachment": {
            "filename": filename,
            "content_type": "application/pdf",
            "storage_key": storage_key,
        },
    }


def _organisation(data: dict[str, Any], which: str) -> dict[str, Any]:
    if which == "authority":
        return {"kind": "authority", "name": data.get("authority_name") or data["authority_id"]}
    # Cases filed before boards' names were part of the case data show the board's code.
    return {"kind": "board", "name": data.get("board_name") or data["board_code"]}


def _recipients(data: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """The people or organisations behind an addressee, with their names."""
    if role == "complainant":
        people = [data.get("complainant") or {}, *(data.get("co_complainants") or [])]
        return [{"role": role, "name": p.get("name") or ""} for p in people]
    if role == "permit_holder":
        return [{"role": role, "name": (data.get("permit_holder") or {}).get("name") or ""}]
    return [{"role": role, "name": _organisation(data, role)["name"]}]
