"""Who may see and act on a complaint: parties, the authority, the board once forwarded."""

from __future__ import annotations

from sqlalchemy import select

from engine import NotFound, PermissionDenied
from workflows.complaint import parties

from ..accounts import Principal
from .models import Complaint, Decision


def is_party(principal: Principal, complaint: Complaint, decision: Decision) -> bool:
    """The complainant, a co-complainant or the permit holder."""
    if principal.username == complaint.complainant_username:
        return True
    if any(c.get("username") == principal.username for c in complaint.co_complainants or []):
        return True
    return principal.role == "permit_holder" and parties.is_permit_holder(
        decision.permit_holder, username=principal.username, email=principal.email
    )


# A complaint not yet filed: a draft, or one waiting for its co-complainants to confirm
# (the complaint row's status; String(20)).
AWAITING_CO = "awaiting_co"
NOT_FILED = ("draft", AWAITING_CO)


def can_view(principal: Principal, complaint: Complaint, decision: Decision, data: dict) -> bool:
    """Drafts: the complainants only. Filed: the authority too; the board once forwarded."""
    if principal.role == "admin":
        return True
    if is_party(principal, complaint, decision):
        return complaint.status not in NOT_FILED or principal.role == "complainant"
    if complaint.status in NOT_FILED:
        return False
    if principal.role == "authority_caseworker":
        return principal.organisation_id == complaint.authority_id
    if principal.role == "board_caseworker":
        return principal.organisation_id == complaint.board_id and bool(data.get("forwarded_at"))
    return False


def visible(
    principal: Principal, complaint: Complaint | None, decision: Decision | None, data: dict
):
    """Raise NotFound unless the complaint exists and the caller may see it (no leaks)."""
    if complaint is None or decision is None or not can_view(principal, complaint, decision, data):
        raise NotFound("no such complaint")


def owner(principal: Principal, complaint: Complaint) -> None:
    """Only the complainant who created the complaint may change, submit or withdraw it."""
    if principal.username != complaint.complainant_username:
        raise PermissionDenied("only the complainant who filed the complaint may do this")


def instance_rule(services, principal: Principal, instance_id: str) -> bool:
    """Parties and organisations of a case may see its process instance too."""
    with services.engine.db.read() as session:
        complaint = session.scalar(select(Complaint).where(Complaint.instance_id == instance_id))
        if complaint is None:
            return False
        decision = session.get(Decision, complaint.decision_id)
    data = services.engine.instance_data([instance_id]).get(instance_id, {})
    return can_view(principal, complaint, decision, data)
