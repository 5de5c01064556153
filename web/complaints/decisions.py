"""Decisions as the authority keeps them: registered, corrected until complained about, listed.

A decision (afgørelse) has a type, a title, its legal bases, the addressee and the permit
holder, the day it was notified (by Digital Post or letter) or published, and the decision
document (a PDF). Its klagefrist is computed from that day; it can be corrected until a
complaint against it is filed, after which the facts the case was filed on stay as they are.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine import Conflict, InvalidData, NotFound, PermissionDenied, clock
from engine.db import Database, get_by_id
from workflows.complaint import deadlines, standing

from ..accounts import Accounts, Principal
from ..models import Organisation
from .documents import check_size, content_type_of, safe_filename, storage_key, store
from .models import Complaint, Decision

# Kinds of decision an authority registers: code -> (Danish, English).
DECISION_TYPES: dict[str, tuple[str, str]] = {
    "tilladelse": ("Tilladelse", "Permit"),
    "dispensation": ("Dispensation", "Exemption"),
    "afslag": ("Afslag", "Refusal"),
    "paabud": ("Påbud eller forbud", "Order or prohibition"),
    "andet": ("Anden afgørelse", "Other decision"),
}
# How the decision reached its addressee: notified by Digital Post or letter, or published.
NOTICES = ("digital", "post", "published")


def check(body: dict[str, Any]) -> None:
    """Refuse a decision whose type or legal bases are unknown (InvalidData by field)."""
    problems: dict[str, list[str]] = {}
    kind = body.get("decision_type")
    if kind is not None and kind not in DECISION_TYPES:
        problems["decision_type"] = [f"one of {', '.join(DECISION_TYPES)}"]
    unknown = [code for code in body["legal_bases"] if code not in standing.LEGAL_BASES]
    if unknown:
        problems["legal_bases"] = [f"unknown code(s): {', '.join(unknown)}"]
    day, _via, published = notice(body)
    if not deadlines.is_supported_day(day):
        first, last = deadlines.EARLIEST_DAY, deadlines.LATEST_DAY
        field = "published_at" if published else "notified_at"
        problems[field] = [f"a day from {first} to {last}"]
        if len(problems) == 1:
            raise InvalidData("the decision's date is outside the supported range", problems)
    if problems:
        raise InvalidData("the decision is not valid", problems)


def notice(body: dict[str, Any]) -> tuple[date, str, bool]:
    """(day, via, published) of a decision body (`published_at`, or `notified_at` and `_by`)."""
    published = body.get("published_at") is not None
    day: date = body["published_at"] if published else body["notified_at"]
    return day, "digital" if published else body.get("notified_by", "digital"), published


def deadline_of(body: dict[str, Any]) -> datetime:
    """The klagefrist of a decision body (see `workflows.complaint.deadlines`)."""
    day, via, published = notice(body)
    return deadlines.complaint_deadline(day, via=via, published=published)


class Decisions:
    """The authority's decisions: registering, correcting, listing, and their documents."""

    def __init__(self, db: Database, accounts: Accounts, folder: Path):
        self.db = db
        self.accounts = accounts
        self.folder = folder  # the documents folder, files named by their SHA-256

    def register(
        self, principal: Principal, body: dict[str, Any], document: tuple[str, bytes] | None = None
    ) -> dict[str, Any]:
        """Register a decision of the caller's authority (admins: of any authority)."""
        authority = self._authority_of(principal, body["authority"])
        check(body)
        day, via, published = notice(body)
        stored = self._store(*document) if document else None
        with self.db.write() as session:
            now = clock.now()
            decision = Decision(
                authority_id=authority.id, title=body["title"],
                legal_bases=list(body["legal_bases"]), published=published,
                notified_on=day.isoformat(), notified_by=via, complaint_deadline=deadline_of(body),
                permit_holder=body.get("permit_holder") or {},
                decision_type=body.get("decision_type"), addressee=body.get("addressee"),
                document=stored, created_by=principal.username, created_at=now,
            )  # fmt: skip
            session.add(decision)
            session.flush()
            return decision_view(decision, authority)

    def correct(
        self,
        principal: Principal,
        decision_id: int,
        body: dict[str, Any],
        document: tuple[str, bytes] | None = None,
    ) -> dict[str, Any]:
        """Correct a decision; refused (Conflict) once a complaint against it is filed."""
        check(body)
        day, via, published = notice(body)
        stored = self._store(*document) if document else None
        with self.db.write() as session:
            decision = self._own(session, principal, decision_id)
            complaints = _filed_complaints(session, decision_id)
            if complaints:
                raise Conflict(
                    f"decision {decision_id} has a filed complaint ({complaints[0]}); "
                    "the case was filed on these facts, so they cannot be changed"
                )
            decision.title, decision.legal_bases = body["title"], list(body["legal_bases"])
            decision.published, decision.notified_on = published, day.isoformat()
            decision.notified_by, decision.complaint_deadline = via, deadline_of(body)
            decision.permit_holder = body.get("permit_holder") or {}
            decision.decision_type, decision.addressee = (
                body.get("decision_type"),
                body.get("addressee"),
            )
            if stored:
                decision.document = stored
            decision.updated_by, decision.updated_at = principal.username, clock.now()
            return decision_view(decision, session.get(Organisation, decision.authority_id))

    def one(self, principal: Principal, decision_id: int) -> dict[str, Any]:
        """A decision of the caller's authority, with its filed complaints (`complaints`)."""
        with self.db.read() as session:
            decision = self._own(session, principal, decision_id)
            view = decision_view(decision, session.get(Organisation, decision.authority_id))
            view["complaints"] = _complaints_of(session, [decision.id]).get(decision.id, [])
            return view

    def summary(self, decision_id: int) -> dict[str, Any] | None:
        """A decision's facts for the case file of a complaint against it (no access check:
        callers show it only on a case the reader may see)."""
        with self.db.read() as session:
            decision = get_by_id(session, Decision, decision_id)
            if decision is None:
                return None
            return decision_view(decision, session.get(Organisation, decision.authority_id))

    def of_authority(self, principal: Principal) -> list[dict[str, Any]]:
        """The caller's authority's decisions (admins: every authority's), newest first."""
        with self.db.read() as session:
            query = select(Decision).order_by(Decision.id.desc()).limit(500)
            if principal.role != "admin":
                query = query.where(Decision.authority_id == self._authority_id(principal))
            rows = session.scalars(query).all()
            orgs = {o.id: o for o in session.scalars(select(Organisation))}
            complaints = _complaints_of(session, [row.id for row in rows])
            views = []
            for row in rows:
                view = decision_view(row, orgs.get(row.authority_id))
                view["complaints"] = complaints.get(row.id, [])
                views.append(view)
            return views

    def document(self, principal: Principal, decision_id: int) -> tuple[dict[str, Any], bytes]:
        """The decision document: the authority's own staff, boards and admins read it."""
        with self.db.read() as session:
            decision = get_by_id(session, Decision, decision_id)
            if decision is None or not decision.document:
                raise NotFound("no such decision document")
            mine = principal.role == "authority_caseworker" and (
                principal.organisation_id == decision.authority_id
            )
            if not (mine or principal.role in ("board_caseworker", "admin")):
                raise NotFound("no such decision document")
            meta = dict(decision.document)
        return meta, (self.folder / meta["storage_key"]).read_bytes()

    # -- helpers -----------------------------------------------------------------------------

    def _authority_id(self, principal: Principal) -> str:
        if principal.role != "authority_caseworker" or not principal.organisation_id:
            raise PermissionDenied("only an authority's caseworkers keep its decisions")
        return principal.organisation_id

    def _authority_of(self, principal: Principal, authority_id: str) -> Organisation:
        if principal.role != "admin" and self._authority_id(principal) != authority_id:
            raise PermissionDenied("you may register decisions of your own authority only")
        authority = self.accounts.organisation(authority_id)
        if authority.kind != "authority":
            raise InvalidData("not an authority", {"authority": [f"{authority_id} is a board"]})
        return authority

    def _own(self, session, principal: Principal, decision_id: int) -> Decision:
        decision = get_by_id(session, Decision, decision_id)
        if decision is None or (
            principal.role != "admin" and decision.authority_id != self._authority_id(principal)
        ):
            raise NotFound(f"decision {decision_id} does not exist")
        return decision

    def _store(self, filename: str, data: bytes) -> dict[str, Any]:
        """Keep the decision document (a PDF) under its SHA-256; its description to store."""
        check_size(data, "document")
        name = safe_filename(filename)
        try:
            content_type = content_type_of(name, data)
        except InvalidData:
            content_type = None
        if content_type != "application/pdf":
            raise InvalidData("the decision document must be a PDF", {"document": ["a PDF file"]})
        digest = store(self.folder, data)
        return {
            "filename": name, "content_type": content_type, "size": len(data),
            "sha256": digest, "storage_key": storage_key(digest),
            "uploaded_at": clock.now().isoformat(),
        }  # fmt: skip


def _filed_complaints(session, decision_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Complaint.reference)
            .where(Complaint.decision_id == decision_id, Complaint.status != "draft")
            .order_by(Complaint.reference)
        )
    )


def _complaints_of(session, decision_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The filed complaints of each decision (drafts are the complainant's own business)."""
    found: dict[int, list[dict[str, Any]]] = {}
    if not decision_ids:
        return found
    rows = session.execute(
        select(Complaint.decision_id, Complaint.reference, Complaint.filed_at)
        .where(Complaint.decision_id.in_(decision_ids), Complaint.status != "draft")
        .order_by(Complaint.reference)
    )
    for decision_id, reference, filed_at in rows:
        found.setdefault(decision_id, []).append(
            {"reference": reference, "filed_at": filed_at.isoformat() if filed_at else None}
        )
    return found


def public_view(decision: Decision, authority: Organisation | None) -> dict[str, Any]:
    """A decision's public facts: anyone logged in may look them up to complain."""
    return {
        "id": decision.id,
        "authority": decision.authority_id,
        "authority_name": authority.name if authority else None,
        "decision_type": decision.decision_type,
        "title": decision.title,
        "legal_bases": decision.legal_bases,
        "published": decision.published,
        "notified_on": decision.notified_on,
        "notified_by": decision.notified_by,
        "complaint_deadline": decision.complaint_deadline.astimezone(
            deadlines.COPENHAGEN
        ).isoformat(),
        "addressee": decision.addressee or {},
        "permit_holder": decision.permit_holder,
        "created_at": decision.created_at.isoformat(),
    }


def decision_view(decision: Decision, authority: Organisation | None) -> dict[str, Any]:
    """A decision as the authority's pages and the API show it: its public facts, the
    document's description and who registered and last corrected it."""
    document = decision.document or None
    return public_view(decision, authority) | {
        "document": (
            {k: document[k] for k in ("filename", "content_type", "size", "uploaded_at")}
            if document
            else None
        ),
        "created_by": decision.created_by,
        "updated_by": decision.updated_by,
        "updated_at": decision.updated_at.isoformat() if decision.updated_at else None,
    }
