"""The complaint service: decisions, drafts, filing, track and trace, payments, withdrawal.

Drafts are rows only; filing starts the `complaint` process in the same transaction that
marks the row filed. Everything after filing is the process: this module sends it
messages and reads its data (never its internal state) to tell each party where the
case stands.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import String, cast, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import Conflict, Engine, InvalidData, NotFound, PermissionDenied, clock
from engine.db import get_by_id
from workflows.complaint import deadlines, references, standing, status
from workflows.complaint.timeline import SOURCE_KINDS

from .. import case_access
from ..accounts import Accounts, Principal
from ..models import Organisation
from . import access
from .models import Complaint, Decision, ReferenceCounter

PROCESS_KEY = "complaint"


class ComplaintService:
    """Complaint operations for the API and the web UI; every method checks access."""

    def __init__(self, engine: Engine, accounts: Accounts, payment_days: int | None = None):
        self.engine = engine
        self.db = engine.db
        self.accounts = accounts
        # KLAGEFLOW_PAYMENT_DAYS, or the domain's default when it is not set.
        self.payment_days = deadlines.DEFAULT_PAYMENT_DAYS if payment_days is None else payment_days

    # -- decisions ---------------------------------------------------------------------------

    def register_decision(self, principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
        """An authority registers a decision; the complaint deadline is computed from it."""
        authority_id = body["authority"]
        if principal.role == "authority_caseworker" and principal.organisation_id != authority_id:
            raise PermissionDenied("you may register decisions of your own authority only")
        authority = self.accounts.organisation(authority_id)
        if authority.kind != "authority":
            raise InvalidData("not an authority", {"authority": [f"{authority_id} is a board"]})
        unknown = [code for code in body["legal_bases"] if code not in standing.LEGAL_BASES]
        if unknown:
            raise InvalidData(
                "unknown legal basis", {"legal_bases": [f"unknown code(s): {', '.join(unknown)}"]}
            )
        published = body.get("published_at") is not None
        day: date = body["published_at"] if published else body["notified_at"]
        via = "digital" if published else body["notified_by"]
        deadline = deadlines.complaint_deadline(day, via=via, published=published)
        with self.db.write() as session:
            decision = Decision(
                authority_id=authority_id,
                title=body["title"],
                legal_bases=list(body["legal_bases"]),
                published=published,
                notified_on=day.isoformat(),
                notified_by=via,
                complaint_deadline=deadline,
                permit_holder=body.get("permit_holder") or {},
                created_by=principal.username,
                created_at=clock.now(),
            )
            session.add(decision)
            session.flush()
            return decision_dict(decision, authority)

    def decision(self, decision_id: int) -> dict[str, Any]:
        """A registered decision (public facts: anyone logged in may look it up to complain)."""
        with self.db.read() as session:
            decision = get_by_id(session, Decision, decision_id)
            if decision is None:
                raise NotFound(f"decision {decision_id} does not exist")
            return decision_dict(decision, session.get(Organisation, decision.authority_id))

    def decisions(self, *, authority_id: str | None = None, open_only: bool = False) -> list[dict]:
        """Registered decisions, newest first; `open_only` keeps those still open to complaints."""
        with self.db.read() as session:
            query = select(Decision).order_by(Decision.id.desc())
            if authority_id:
                query = query.where(Decision.authority_id == authority_id)
            if open_only:
                query = query.where(Decision.complaint_deadline >= clock.now())
            rows = session.scalars(query.limit(200)).all()
            orgs = {o.id: o for o in session.scalars(select(Organisation))}
            return [decision_dict(d, orgs.get(d.authority_id)) for d in rows]

    # -- drafts ------------------------------------------------------------------------------

    def create_draft(self, principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
        """A complainant starts a complaint as a draft (not filed: only they see it)."""
        if principal.role != "complainant":
            raise PermissionDenied("only complainants file complaints")
        with self.db.write() as session:
            decision = get_by_id(session, Decision, body["decision"])
            if decision is None:
                raise InvalidData("unknown decision", {"decision": ["no such decision"]})
            if body["legal_basis"] not in decision.legal_bases:
                raise InvalidData(
                    "the legal basis is not one of the decision's",
                    {"legal_basis": [f"one of {', '.join(decision.legal_bases)}"]},
                )
            now = clock.now()
            complaint = Complaint(
                reference=self._next_reference(session),
                decision_id=decision.id,
                authority_id=decision.authority_id,
                board_id=self._board_for(session, body["legal_basis"]),
                legal_basis=body["legal_basis"],
                complainant_username=principal.username,
                complainant={
                    "username": principal.username,
                    "name": body.get("complainant_name") or principal.display_name,
                    "email": body.get("complainant_email") or principal.email,
                    "type": body["complainant_type"],
                },
                complainant_type=body["complainant_type"],
                co_complainants=[_co(c) for c in body.get("co_complainants") or []],
                text=body["text"],
                suspensive_effect_requested=bool(body.get("suspensive_effect_requested")),
                status="draft",
                created_at=now,
                updated_at=now,
            )
            session.add(complaint)
            session.flush()
            return self._view(principal, complaint, decision)

    def update_draft(
        self, principal: Principal, reference: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        """Change a draft; co-complainants must confirm again after a change."""
        with self.db.write() as session:
            complaint, decision = self._load(session, principal, reference)
            access.owner(principal, complaint)
            if complaint.status != "draft":
                raise Conflict(f"complaint {reference} is filed and can no longer be changed")
            if "legal_basis" in body and body["legal_basis"] not in decision.legal_bases:
                raise InvalidData(
                    "the legal basis is not one of the decision's",
                    {"legal_basis": [f"one of {', '.join(decision.legal_bases)}"]},
                )
            for field in ("legal_basis", "text", "complainant_type", "suspensive_effect_requested"):
                if field in body:
                    setattr(complaint, field, body[field])
            if "legal_basis" in body:
                complaint.board_id = self._board_for(session, body["legal_basis"])
            if "complainant_type" in body:
                complaint.complainant = {**complaint.complainant, "type": body["complainant_type"]}
            if "co_complainants" in body:
                complaint.co_complainants = [_co(c) for c in body["co_complainants"]]
            else:
                complaint.co_complainants = [
                    {**c, "confirmed_at": None} for c in complaint.co_complainants
                ]
            complaint.updated_at = clock.now()
            return self._view(principal, complaint, decision)

    def confirm(self, principal: Principal, reference: str) -> dict[str, Any]:
        """A co-complainant confirms the draft; it can be filed when all have confirmed."""
        with self.db.write() as session:
            complaint, decision = self._load(session, principal, reference)
            if complaint.status != "draft":
                raise Conflict(f"complaint {reference} is already filed")
            mine = [c for c in complaint.co_complainants if c.get("username") == principal.username]
            if not mine:
                raise PermissionDenied("you are not a co-complainant of this complaint")
            now = clock.now().isoformat()
            complaint.co_complainants = [
                {**c, "confirmed_at": c.get("confirmed_at") or now}
                if c.get("username") == principal.username
                else c
                for c in complaint.co_complainants
            ]
            return self._view(principal, complaint, decision)

    def submit(
        self, principal: Principal, reference: str, language: str | None = None
    ) -> dict[str, Any]:
        """File the complaint: it becomes available to the authority and its case starts.

        `language` (da/en) is the complainant's choice for the case's letters and mails.
        """
        with self.db.read() as session:
            complaint, decision = self._load(session, principal, reference)
            access.owner(principal, complaint)
            if complaint.status != "draft":
                raise Conflict(f"complaint {reference} is already filed")
            waiting = [c["name"] for c in complaint.co_complainants if not c.get("confirmed_at")]
            if waiting:
                raise Conflict(f"waiting for confirmation from {', '.join(waiting)}")
            authority = session.get(Organisation, complaint.authority_id)
            board = session.get(Organisation, complaint.board_id) if complaint.board_id else None
            if board is None:
                raise Conflict("no board is registered for this legal basis; ask an administrator")
            start = self._start_data(complaint, decision, authority, board)
            if language in ("da", "en"):
                start["complainant"] = {**start["complainant"], "language": language}
        expected_updated = complaint.updated_at

        def mark_filed(tx: Session, instance_id: str) -> None:
            result = tx.execute(
                update(Complaint)
                .where(
                    Complaint.reference == reference,
                    Complaint.status == "draft",
                    Complaint.updated_at == expected_updated,
                )
                .values(
                    status="filed",
                    instance_id=instance_id,
                    filed_at=start_time,
                    updated_at=start_time,
                )
            )
            if result.rowcount != 1:
                raise Conflict(f"complaint {reference} changed while it was being filed; try again")

        start_time = datetime.fromisoformat(start["filed_at"])
        self.engine.start_summary(
            PROCESS_KEY,
            start,
            business_key=reference,
            actor=principal.username,
            in_transaction=mark_filed,
        )
        return self.track(principal, reference)

    # -- after filing ------------------------------------------------------------------------

    def track(self, principal: Principal, reference: str) -> dict[str, Any]:
        """Track and trace: status, who the case waits for, the next deadline, the timeline."""
        with self.db.read() as session:
            complaint, decision = self._load(session, principal, reference)
            return self._view(principal, complaint, decision)

    def mine(self, principal: Principal) -> list[dict[str, Any]]:
        """My complaints (complainants), my authority's or my board's cases (caseworkers)."""
        with self.db.read() as session:
            query = select(Complaint).order_by(Complaint.created_at.desc())
            if principal.role == "complainant":
                as_co = cast(Complaint.co_complainants, String).like(f'%"{principal.username}"%')
                query = query.where(
                    or_(Complaint.complainant_username == principal.username, as_co)
                )
            elif principal.role == "authority_caseworker":
                query = query.where(
                    Complaint.authority_id == principal.organisation_id, Complaint.status != "draft"
                )
            elif principal.role == "board_caseworker":
                query = query.where(
                    Complaint.board_id == principal.organisation_id, Complaint.status != "draft"
                )
            elif principal.role != "admin":
                query = query.where(Complaint.reference.is_(None))
            complaints = session.scalars(query.limit(500)).all()
            decision_ids = {complaint.decision_id for complaint in complaints}
            decisions = {
                decision.id: decision
                for decision in session.scalars(
                    select(Decision).where(Decision.id.in_(decision_ids))
                )
            }
        # One query each for the complaints, their decisions and their cases' data.
        data = self.engine.instance_data(c.instance_id for c in complaints if c.instance_id)
        result = []
        for complaint in complaints:
            decision = decisions[complaint.decision_id]
            facts = data.get(complaint.instance_id, {}) if complaint.instance_id else {}
            if access.can_view(principal, complaint, decision, facts):
                result.append(
                    self._view(principal, complaint, decision, facts, with_timeline=False)
                )
        return result

    def pay(
        self,
        principal: Principal,
        reference: str,
        payment: dict[str, Any],
        *,
        in_transaction=None,
    ) -> dict[str, Any]:
        """The payment provider confirms the fee; the case goes on (409 if no fee is due).

        Callers check the provider's signature first (`web.payments`); `in_transaction`
        records the confirmation in the same step as the message.
        """
        if principal.role != "payment_provider":
            raise PermissionDenied("only the payment provider confirms payments")
        with self.db.read() as session:
            complaint = session.get(Complaint, reference)
            if complaint is None or complaint.instance_id is None:
                raise NotFound("no such complaint")
        data = self._data(complaint)
        due = data.get("fee_amount_dkk")
        if due is None or data.get("fee_paid_at"):
            raise Conflict(f"no fee is due on {reference}")
        if payment["amount_dkk"] != due:
            raise InvalidData(
                "the amount is not the fee due", {"amount_dkk": [f"the fee is {due} DKK"]}
            )
        message = {
            "amount_dkk": payment["amount_dkk"],
            "paid_at": (payment.get("paid_at") or clock.now()).isoformat(),
            "provider": payment.get("provider") or principal.username,
            "provider_ref": payment.get("provider_ref"),
        }
        self.engine.send_message(
            complaint.instance_id,
            "fee_paid",
            message,
            actor=principal.username,
            in_transaction=in_transaction,
        )
        return self.track_as_system(reference)

    def withdraw(self, principal: Principal, reference: str) -> dict[str, Any]:
        """The complainant withdraws the complaint (possible until the board has decided)."""
        with self.db.read() as session:
            complaint, _ = self._load(session, principal, reference)
            access.owner(principal, complaint)
        if complaint.status == "draft":
            raise Conflict("a draft is not filed; delete it instead of withdrawing it")
        self.engine.send_message(
            complaint.instance_id,
            "withdrawn",
            {"at": clock.now().isoformat(), "by": principal.username},
            actor=principal.username,
        )
        return self.track(principal, reference)

    def track_as_system(self, reference: str) -> dict[str, Any]:
        """Track and trace without a caller's access check (integrations that just acted)."""
        with self.db.read() as session:
            complaint = session.get(Complaint, reference)
            decision = session.get(Decision, complaint.decision_id)
            return self._view(None, complaint, decision)

    # -- helpers -----------------------------------------------------------------------------

    def _load(self, session: Session, principal: Principal, reference: str):
        complaint = session.get(Complaint, reference)
        decision = session.get(Decision, complaint.decision_id) if complaint else None
        access.visible(principal, complaint, decision, self._data(complaint))
        return complaint, decision

    def _next_reference(self, session: Session) -> str:
        year = clock.now().astimezone(deadlines.COPENHAGEN).year
        if session.get(ReferenceCounter, year) is None:
            try:
                with session.begin_nested():
                    session.add(ReferenceCounter(year=year, last=0))
            except IntegrityError:
                pass  # another process created this year's counter first
        number = session.execute(
            update(ReferenceCounter)
            .where(ReferenceCounter.year == year)
            .values(last=ReferenceCounter.last + 1)
            .returning(ReferenceCounter.last)
        ).scalar_one()
        return references.format_reference(year, number)

    def _board_for(self, session: Session, legal_basis: str) -> str | None:
        code = standing.LEGAL_BASES[legal_basis].board
        board = session.scalar(select(Organisation).where(Organisation.board_code == code))
        return board.id if board else None

    def _start_data(
        self, complaint: Complaint, decision: Decision, authority, board
    ) -> dict[str, Any]:
        return {
            "reference": complaint.reference,
            "filed_at": clock.now().isoformat(),
            "legal_basis": complaint.legal_basis,
            "complaint_text": complaint.text,
            "complainant": complaint.complainant,
            "complainant_type": complaint.complainant_type,
            "co_complainants": [
                {"name": c["name"], "email": c.get("email"), "type": c["type"]}
                for c in complaint.co_complainants
            ],
            "authority_id": authority.id,
            "authority_name": authority.name,
            "authority_email": authority.notification_email,
            "board_id": board.id,
            "board_code": board.board_code,
            "board_name": board.name,
            "board_email": board.notification_email,
            "decision_id": decision.id,
            "decision_title": decision.title,
            "complaint_deadline": decision.complaint_deadline.isoformat(),
            "published": decision.published,
            "permit_holder": {k: decision.permit_holder.get(k) for k in ("name", "email")},
            "payment_days": self.payment_days,
            "suspensive_effect_requested": complaint.suspensive_effect_requested,
        }

    def _data(self, complaint: Complaint | None) -> dict[str, Any]:
        """The process data of a filed complaint's case ({} for a draft or no complaint)."""
        if complaint is None or complaint.instance_id is None:
            return {}
        return self.engine.instance_data([complaint.instance_id]).get(complaint.instance_id, {})

    def _view(
        self,
        principal: Principal | None,
        complaint: Complaint,
        decision: Decision,
        data: dict[str, Any] | None = None,
        with_timeline: bool = True,
    ) -> dict[str, Any]:
        if data is None:
            data = self._data(complaint)
        events = []
        if complaint.instance_id and with_timeline:
            events = [
                entry.as_dict()
                for entry in self.engine.history(complaint.instance_id, kinds=SOURCE_KINDS)
            ]
        facts = {
            "status": complaint.status,
            "created_at": complaint.created_at.isoformat(),
            **data,
        }
        trace = status.track_and_trace(facts, events, now=clock.now())
        view = {
            "reference": complaint.reference,
            "decision": decision.id,
            "decision_title": decision.title,
            "authority": complaint.authority_id,
            "board": complaint.board_id,
            "legal_basis": complaint.legal_basis,
            "complainant_type": complaint.complainant_type,
            "co_complainants": complaint.co_complainants,
            "text": complaint.text,
            "filed_at": complaint.filed_at.isoformat() if complaint.filed_at else None,
            "complaint_deadline": decision.complaint_deadline.isoformat(),
            "instance_id": complaint.instance_id,
            **trace,
        }
        # Staff see the case's parties; parties and integrations only its public view.
        return (
            view if case_access.is_staff(principal) else case_access.public_track(principal, view)
        )


def _co(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": entry["name"],
        "email": entry.get("email"),
        "type": entry["type"],
        "username": entry.get("username"),
        "confirmed_at": None,
    }


def decision_dict(decision: Decision, authority: Organisation | None) -> dict[str, Any]:
    """A decision as the API shows it."""
    return {
        "id": decision.id,
        "authority": decision.authority_id,
        "authority_name": authority.name if authority else None,
        "title": decision.title,
        "legal_bases": decision.legal_bases,
        "published": decision.published,
        "notified_on": decision.notified_on,
        "notified_by": decision.notified_by,
        "complaint_deadline": decision.complaint_deadline.astimezone(
            deadlines.COPENHAGEN
        ).isoformat(),
        "permit_holder": decision.permit_holder,
        "created_at": decision.created_at.isoformat(),
    }
