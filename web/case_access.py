"""Who sees how much of a case, and the log of staff who opened one.

Parties (complainants, co-complainants, permit holders) see a case's public view: what
the case page shows. Staff (caseworkers, designers, administrators) see everything, and
each time one of them opens a case through the API or the web UI a row records who,
when, which case and what (`case_access`). Administrators read the log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from engine import InstanceSummary, clock

from .accounts import Principal
from .complaints.models import Complaint
from .models import CaseAccess

STAFF_ROLES = ("authority_caseworker", "board_caseworker", "designer", "admin")

# What was opened: action -> (Danish, English) label for the admin page.
ACTIONS = {
    "view_case": ("Sagsside / sporing", "Case page / tracking"),
    "view_instance": (
        "Procesinstans med data og historik",
        "Process instance with data and history",
    ),
    "view_task": ("Opgave med sagens akter", "Task with the case file"),
    "download_document": ("Dokument hentet", "Document downloaded"),
}


def is_staff(principal: Principal | None) -> bool:
    """Staff see a case's full data (and are logged when they open one)."""
    return principal is not None and principal.role in STAFF_ROLES


def record(
    db,
    principal: Principal | None,
    action: str,
    channel: str,
    *,
    reference: str | None = None,
    instance_id: str | None = None,
) -> None:
    """Log that a member of staff opened a case (nothing for parties or integrations)."""
    if not is_staff(principal):
        return
    with db.write() as session:
        if reference is None and instance_id is not None:
            reference = session.scalar(
                select(Complaint.reference).where(Complaint.instance_id == instance_id)
            )
        elif instance_id is None and reference is not None:
            instance_id = session.scalar(
                select(Complaint.instance_id).where(Complaint.reference == reference)
            )
        session.add(
            CaseAccess(
                at=clock.now(),
                username=principal.username,
                role=principal.role,
                instance_id=instance_id,
                reference=reference,
                action=action,
                channel=channel,
            )
        )


def entries(
    db,
    *,
    page: int = 1,
    page_size: int = 50,
    username: str | None = None,
    reference: str | None = None,
) -> dict[str, Any]:
    """One page of the log, newest first, optionally of one user or one case."""
    query = select(CaseAccess)
    count = select(func.count()).select_from(CaseAccess)
    for column, value in ((CaseAccess.username, username), (CaseAccess.reference, reference)):
        if value:
            query = query.where(column == value)
            count = count.where(column == value)
    with db.read() as session:
        rows = session.scalars(
            query.order_by(CaseAccess.id.desc()).limit(page_size).offset((page - 1) * page_size)
        ).all()
        total = session.scalar(count)
        return {
            "items": [
                {
                    "id": row.id,
                    "at": row.at.isoformat(),
                    "username": row.username,
                    "role": row.role,
                    "reference": row.reference,
                    "instance_id": row.instance_id,
                    "action": row.action,
                    "channel": row.channel,
                }
                for row in rows
            ],
            "page": page,
            "page_size": page_size,
            "total": total,
        }


def public_track(principal: Principal | None, view: dict[str, Any]) -> dict[str, Any]:
    """A case's track view as a party may see it: no other party's e-mail or username,
    no caseworker names in the timeline."""
    me = principal.username if principal is not None else None
    return {
        **view,
        "co_complainants": [
            {
                "id": entry.get("id"),  # random: names the entry (to resend its invitation)
                "name": entry.get("name"),
                "type": entry.get("type"),
                "invited_at": entry.get("invited_at"),
                "confirmed_at": entry.get("confirmed_at"),
                "declined_at": entry.get("declined_at"),
                **(
                    {"username": entry.get("username"), "email": entry.get("email")}
                    if me is not None and entry.get("username") == me
                    else {}
                ),
            }
            for entry in view.get("co_complainants") or []
        ],
        "timeline": [
            {key: value for key, value in item.items() if key != "actor"}
            for item in view.get("timeline") or []
        ],
    }


def public_decision(principal: Principal | None, decision: dict[str, Any]) -> dict[str, Any]:
    """A decision as a party or the public may see it: whom it concerns by name only.

    The permit holder's and the addressee's e-mail addresses and accounts stay with staff
    (a permit holder still sees their own entry).
    """
    if is_staff(principal):
        return decision
    me = principal.username if principal is not None else None

    def named(entry: dict[str, Any] | None) -> dict[str, Any]:
        entry = entry or {}
        if me is not None and entry.get("username") == me:
            return entry
        return {"name": entry["name"]} if entry.get("name") else {}

    return {
        **decision,
        "permit_holder": named(decision.get("permit_holder")),
        "addressee": named(decision.get("addressee")),
    }


def public_instance(summary: InstanceSummary, track: dict[str, Any] | None) -> dict[str, Any]:
    """A process instance as a party may see it: where it stands and the case's public view."""
    keep = ("id", "process_key", "version", "business_key", "status", "active_elements")
    return {**{key: getattr(summary, key) for key in keep}, "case": track}
