"""The complaint service: decisions, drafts, filing, track and trace, payments, withdrawal.

Drafts are rows only; filing starts the `complaint` process in the same transaction that
marks the row filed. Everything after filing is the process: this module sends it
messages and reads its data (never its internal state) to tell each party where the
case stands.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import Conflict, Engine, InvalidData, NotFound, PermissionDenied, clock
from engine.db import get_by_id
from workflows.complaint import deadlines, parties, references, standing, status, timeline
from workflows.complaint.timeline import SOURCE_KINDS

from .. import case_access, formats
from ..accounts import Accounts, Principal
from ..models import Organisation
from . import access, decisions
from .models import Complaint, Decision, ReferenceCounter

PROCESS_KEY = "complaint"
DEFAULT_BASE_URL = "http://localhost:8000"
AWAITING_CO = access.AWAITING_CO
NOT_FILED = access.NOT_FILED
# How the case page names that status (the process has no case yet, so no status of its own).
AWAITING_CO_VIEW = {
    "status": "awaiting_co_complainant",
    "status_label": "Afventer medklager",
    "status_label_en": "Awaiting co-complainants",
    "waiting_for": "co_complainant",
    "waiting_for_label": "Afventer medklager",
    "waiting_for_label_en": "Waiting for co-complainants",
}


class ComplaintService:
    """Complaint operations for the API and the web UI; every method checks access."""

    def __init__(
        self,
        engine: Engine,
        accounts: Accounts,
        payment_days: int | None = None,
        base_url: str | None = None,
    ):
        self.engine = engine
        self.db = engine.db
        self.accounts = accounts
        # KLAGEFLOW_BASE_URL: where mails' links to a case and invitations point.
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
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
        decisions.check(body)
        day, via, published = decisions.notice(body)
        deadline = decisions.deadline_of(body)
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
                decision_type=body.get("decision_type"),
                addressee=body.get("addressee"),
                created_by=principal.username,
                created_at=clock.now(),
            )
            session.add(decision)
            session.flush()
            return decisions.public_view(decision, authority)

    def decision(self, decision_id: int) -> dict[str, Any]:
        """A registered decision (public facts: anyone logged in may look it up to complain)."""
        with self.db.read() as session:
            decision = get_by_id(session, Decision, decision_id)
            if decision is None:
                raise NotFound(f"decision {decision_id} does not exist")
            return decisions.public_view(decision, session.get(Organisation, decision.authority_id))

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
            return [decisions.public_view(d, orgs.get(d.authority_id)) for d in rows]

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
            co = body.get("co_complainants") or []
            _check_invitees(co, body.get("complainant_email") or principal.email)
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
                _check_invitees(body["co_complainants"], complaint.complainant.get("email"))
                complaint.co_complainants = [_co(c) for c in body["co_complainants"]]
            else:  # a changed letter is confirmed anew, after a new invitation
                complaint.co_complainants = [
                    {**c, "confirmed_at": None, "invited_at": None, "token_sha256": None}
                    for c in complaint.co_complainants
                ]
            complaint.updated_at = clock.now()
            return self._view(principal, complaint, decision)

    def confirm(
        self, principal: Principal, reference: str, token: str | None = None
    ) -> dict[str, Any]:
        """A co-complainant confirms the complaint letter.

        With `token` (from the invitation mail) the caller's account becomes that
        invitee's; without it the caller must be named on the complaint by username. When
        the complaint waits for its co-complainants and this was the last confirmation,
        it is filed at once.
        """
        if principal.role != "complainant":
            raise PermissionDenied("only complainants confirm complaints")
        with self.db.write() as session:
            complaint = _unfiled(session, reference, "no such complaint")
            if token is not None:
                mine = _invitee(complaint, token)
                if principal.username == complaint.complainant_username:
                    raise InvalidData(
                        "you cannot confirm your own complaint as a co-complainant",
                        {"co_complainants": ["self"]},
                    )
                taken = [
                    c for c in parties.active_co_complainants(complaint.co_complainants)
                    if c.get("username") == principal.username and c.get("id") != mine["id"]
                ]  # fmt: skip
                if taken or mine.get("username") not in (None, principal.username):
                    raise Conflict("this invitation has been accepted by another account")
            else:
                decision = session.get(Decision, complaint.decision_id)
                access.visible(principal, complaint, decision, {})
                found = [
                    c for c in parties.active_co_complainants(complaint.co_complainants)
                    if c.get("username") == principal.username
                ]  # fmt: skip
                if not found:
                    raise PermissionDenied("you are not a co-complainant of this complaint")
                mine = found[0]
            now = clock.now()
            # The account that confirms says what kind of complainant joins (an organisation
            # joining makes the fee the higher rate); the invitation knew only a name.
            kind = principal.complainant_type or mine.get("type") or "private"
            complaint.co_complainants = [
                {**c, "username": principal.username, "type": kind, "confirmed_at":
                 c.get("confirmed_at") or now.isoformat()} if c is mine else c
                for c in complaint.co_complainants
            ]  # fmt: skip
            complaint.updated_at = now
            ready = complaint.status == AWAITING_CO and not _pending(complaint)
        if ready:
            self._file(reference, principal.username)
        return self.track(principal, reference)

    def invitation(self, reference: str, token: str) -> dict[str, Any]:
        """What an invitation's page shows before the invitee logs in (NotFound if invalid)."""
        with self.db.read() as session:
            complaint = session.get(Complaint, reference)
            if complaint is None:
                raise NotFound("no such invitation")
            invitee = _invitee(complaint, token)
            decision = session.get(Decision, complaint.decision_id)
            return {
                "reference": reference,
                "decision_title": decision.title,
                "complainant_name": complaint.complainant.get("name"),
                "name": invitee["name"],
                "email": invitee.get("email"),
                "text": complaint.text,
                "status": complaint.status,
                "confirmed": bool(invitee.get("confirmed_at")),
                "username": invitee.get("username"),
            }

    def decline(self, reference: str, token: str) -> dict[str, Any]:
        """An invitee declines: they leave the complaint, which goes back to its author as
        a draft (to file without them or invite someone else), and the author is told."""
        with self.db.write() as session:
            complaint = _unfiled(session, reference, "no such invitation")
            invitee = _invitee(complaint, token)
            now = clock.now()
            complaint.co_complainants = [
                {**c, "declined_at": now.isoformat(), "confirmed_at": None} if c is invitee else c
                for c in complaint.co_complainants
            ]
            complaint.status = "draft"
            complaint.updated_at = now
            decision = session.get(Decision, complaint.decision_id)
            self.engine.queue_mail(
                session,
                [complaint.complainant.get("email")],
                "co_complainant_declined",
                {
                    "reference": reference,
                    "name": invitee["name"],
                    "complainant_name": complaint.complainant.get("name"),
                    "decision_title": decision.title,
                    "case_url": self.case_url(reference),
                },
                language=_language(complaint),
            )
            return {"reference": reference, "name": invitee["name"]}

    def submit(
        self, principal: Principal, reference: str, language: str | None = None
    ) -> dict[str, Any]:
        """File the complaint, or first ask its co-complainants to confirm it.

        `language` (da/en) is the complainant's choice for the case's letters and mails.

        With co-complainants who have not confirmed, each is sent an invitation (a mail
        with a link of their own) and the complaint waits for them: it is filed by itself
        when the last one confirms.
        """
        with self.db.write() as session:
            complaint = _locked(session, reference)
            decision = session.get(Decision, complaint.decision_id) if complaint else None
            access.visible(principal, complaint, decision, {})
            access.owner(principal, complaint)
            if complaint.status not in NOT_FILED:
                raise Conflict(f"complaint {reference} is already filed")
            if language in ("da", "en"):
                complaint.complainant = {**complaint.complainant, "language": language}
            waiting = _pending(complaint)
            if waiting:
                self._invite(session, complaint, decision)
        if not waiting:
            self._file(reference, principal.username)
        return self.track(principal, reference)

    def resend_invitation(
        self, principal: Principal, reference: str, invitee_id: str
    ) -> dict[str, Any]:
        """The author sends a co-complainant's invitation again, with a new link: the old
        link no longer opens the invitation. Only while the complaint waits for them."""
        with self.db.write() as session:
            complaint = _locked(session, reference)
            decision = session.get(Decision, complaint.decision_id) if complaint else None
            access.visible(principal, complaint, decision, {})
            access.owner(principal, complaint)
            if complaint.status != AWAITING_CO:
                raise Conflict(f"complaint {reference} is not waiting for its co-complainants")
            entry = next((c for c in _pending(complaint) if c.get("id") == invitee_id), None)
            if entry is None or not entry.get("invited_at"):
                raise NotFound("no such invitation")
            complaint.co_complainants = [
                {**c, "invited_at": None, "token_sha256": None} if c is entry else c
                for c in complaint.co_complainants
            ]
            self._invite(session, complaint, decision)
            return {"reference": reference, "name": entry["name"]}

    def case_url(self, reference: str) -> str:
        """The absolute address of a case's page (for links in mails)."""
        return f"{self.base_url}/sager/{reference}"

    def invitation_url(self, reference: str, token: str) -> str:
        return f"{self.base_url}/sager/{reference}/invitation/{token}"

    def _invite(self, session: Session, complaint: Complaint, decision: Decision) -> None:
        """Mail an invitation to each co-complainant not yet invited; the complaint waits."""
        now = clock.now()
        entries = []
        for entry in complaint.co_complainants:
            if entry.get("declined_at") or entry.get("confirmed_at") or entry.get("invited_at"):
                entries.append(entry)
                continue
            token = secrets.token_urlsafe(24)
            entry = {
                **entry,
                "id": entry.get("id") or uuid.uuid4().hex,
                "invited_at": now.isoformat(),
                "token_sha256": _digest(token),
            }
            self.engine.queue_mail(
                session,
                [entry.get("email")],
                "co_complainant_invitation",
                {
                    "reference": complaint.reference,
                    "name": entry["name"],
                    "complainant_name": complaint.complainant.get("name"),
                    "decision_title": decision.title,
                    "complaint_deadline_text": _when(decision.complaint_deadline),
                    "invitation_url": self.invitation_url(complaint.reference, token),
                },
                language=_language(complaint),
            )
            entries.append(entry)
        complaint.co_complainants = entries
        complaint.status = AWAITING_CO
        complaint.updated_at = now

    def _file(self, reference: str, actor: str) -> None:
        """Start the complaint's case (its first step writes the receipt and mails it)."""
        with self.db.read() as session:
            complaint = session.get(Complaint, reference)
            decision = session.get(Decision, complaint.decision_id)
            if complaint.status not in NOT_FILED:
                raise Conflict(f"complaint {reference} is already filed")
            waiting = [c["name"] for c in _pending(complaint)]
            if waiting:
                raise Conflict(f"waiting for confirmation from {', '.join(waiting)}")
            authority = session.get(Organisation, complaint.authority_id)
            board = session.get(Organisation, complaint.board_id) if complaint.board_id else None
            if board is None:
                raise Conflict("no board is registered for this legal basis; ask an administrator")
            start = self._start_data(complaint, decision, authority, board)
        expected_updated = complaint.updated_at

        def mark_filed(tx: Session, instance_id: str) -> None:
            result = tx.execute(
                update(Complaint)
                .where(
                    Complaint.reference == reference,
                    Complaint.status.in_(NOT_FILED),
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
            actor=actor,
            in_transaction=mark_filed,
        )

    def receipt(self, principal: Principal, reference: str) -> dict[str, Any]:
        """The receipt of a filed complaint, for its complainants: reference, when it was
        filed, and by when the authority should forward it to the board."""
        view = self.track(principal, reference)
        with self.db.read() as session:
            complaint = session.get(Complaint, reference)
            decision = session.get(Decision, complaint.decision_id)
            if complaint.filed_at is None:
                raise NotFound("the complaint is not filed")
            complainants = [complaint.complainant_username] + [
                c.get("username") for c in parties.active_co_complainants(complaint.co_complainants)
            ]
            if principal.username not in complainants:
                raise NotFound("no receipt for you here")
            authority = session.get(Organisation, complaint.authority_id)
            return {
                "reference": reference,
                "decision_title": decision.title,
                "authority_name": authority.name if authority else complaint.authority_id,
                "filed_at": complaint.filed_at.isoformat(),
                "forwarding_due_at": deadlines.to_local_iso(
                    deadlines.forwarding_deadline(decision.complaint_deadline)
                ),
                "co_complainants": [
                    c["name"] for c in parties.active_co_complainants(complaint.co_complainants)
                ],
                "status": view["status"],
            }

    def owner(self, reference: str) -> str | None:
        """The username of the complainant who created the complaint (None: no such complaint)."""
        with self.engine.db.read() as session:
            row = session.get(Complaint, reference)
            return row.complainant_username if row else None

    def co_complainant_usernames(self, reference: str) -> list[str]:
        """The co-complainants of a complaint who have an account, by username (the party view
        shows names only)."""
        with self.engine.db.read() as session:
            row = session.get(Complaint, reference)
            invited = row.co_complainants if row else []
            return [c["username"] for c in invited if c.get("username")]

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
                    Complaint.authority_id == principal.organisation_id,
                    Complaint.status.not_in(NOT_FILED),
                )
            elif principal.role == "board_caseworker":
                query = query.where(
                    Complaint.board_id == principal.organisation_id,
                    Complaint.status.not_in(NOT_FILED),
                )
            elif principal.role == "permit_holder":
                # The cases about the holder's own decisions (access.is_party has the rule);
                # narrowed here by the name or address in the decision's JSON.
                holder = cast(Decision.permit_holder, String)
                named = [func.lower(holder).like(f'%"{principal.username.lower()}"%')]
                if principal.email:
                    named.append(func.lower(holder).like(f"%{principal.email.strip().lower()}%"))
                query = query.join(Decision, Decision.id == Complaint.decision_id).where(
                    Complaint.status.not_in(NOT_FILED), or_(*named)
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
        try:
            # The provider knows the case reference: the message finds the case waiting for
            # it by the reference its catch event correlates on.
            self.engine.correlate_message(
                "fee_paid",
                {"reference": reference},
                message,
                actor=principal.username,
                in_transaction=in_transaction,
            )
        except NotFound:
            # A case started on a version without the correlation (or before it was kept)
            # is reached by its instance id; one not waiting for the fee is refused there.
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
        if complaint.status in NOT_FILED:
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
                for c in parties.active_co_complainants(complaint.co_complainants)
            ],
            "case_url": self.case_url(complaint.reference),
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
            # A draft has no process data yet: its own row gives what the rules need.
            "complaint_deadline": decision.complaint_deadline.isoformat(),
            "legal_basis": complaint.legal_basis,
            "complainant_type": complaint.complainant_type,
            "co_complainants": complaint.co_complainants,
            **data,
        }
        trace = status.track_and_trace(facts, events, now=clock.now())
        invitations = _invitation_timeline(complaint.co_complainants)
        if invitations and with_timeline:
            trace["timeline"] = timeline.sort_entries([*trace["timeline"], *invitations])
        if complaint.status == AWAITING_CO:
            trace.update(AWAITING_CO_VIEW)
        view = {
            "reference": complaint.reference,
            "decision": decision.id,
            "decision_title": decision.title,
            "authority": complaint.authority_id,
            "board": complaint.board_id,
            "legal_basis": complaint.legal_basis,
            "complainant_type": complaint.complainant_type,
            "co_complainants": [
                {k: v for k, v in c.items() if k != "token_sha256"}
                for c in complaint.co_complainants
            ],
            "text": complaint.text,
            "suspensive_effect_requested": complaint.suspensive_effect_requested,
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
        "id": entry.get("id") or uuid.uuid4().hex,
        "name": entry["name"].strip(),
        "email": (entry.get("email") or "").strip() or None,
        "type": entry.get("type") or "private",
        "username": entry.get("username"),
        "invited_at": None,
        "confirmed_at": None,
        "declined_at": None,
        "token_sha256": None,
    }


def _check_invitees(invitees: list[dict[str, Any]], own_email: str | None) -> None:
    """Refuse co-complainants without a name, with a bad or the complainant's own address,
    or twice the same address (the UI says the same in the reader's language)."""
    by_mail = [c for c in invitees if c.get("email") or not c.get("username")]
    problems = parties.invitation_problems(by_mail, own_email=own_email)
    if problems:
        raise InvalidData(
            "the co-complainants cannot be invited",
            {"co_complainants": [f"{who}: {problem}" for problem, who in problems]},
        )


def _when(value: str | datetime, with_time: bool = True) -> dict[str, str]:
    """An instant as mails write it, in Danish and English (8. august 2025 kl. 23.59)."""
    if with_time:
        return {lang: formats.date_time(value, lang) for lang in ("da", "en")}
    return {lang: formats.long_date(value, lang) for lang in ("da", "en")}


def _language(complaint: Complaint) -> str:
    """The language the complainant chose for the case's mails (Danish until they choose)."""
    return "en" if complaint.complainant.get("language") == "en" else "da"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invitee(complaint: Complaint, token: str) -> dict[str, Any]:
    """The co-complainant entry an invitation token belongs to (NotFound if none still open)."""
    digest = _digest(token)
    for entry in complaint.co_complainants or []:
        recorded = entry.get("token_sha256")
        if recorded and hmac.compare_digest(recorded, digest) and not entry.get("declined_at"):
            return entry
    raise NotFound("no such invitation")


def _pending(complaint: Complaint) -> list[dict[str, Any]]:
    """The co-complainants still part of the complaint who have not confirmed it."""
    return [
        c for c in parties.active_co_complainants(complaint.co_complainants)
        if not c.get("confirmed_at")
    ]  # fmt: skip


def _locked(session: Session, reference: str) -> Complaint | None:
    """The complaint row, locked for this transaction (PostgreSQL; SQLite writes serialise)."""
    return session.scalar(
        select(Complaint).where(Complaint.reference == reference).with_for_update()
    )


def _unfiled(session: Session, reference: str, missing: str) -> Complaint:
    """The complaint, locked, while it is not yet filed: NotFound (`missing`) if there is
    none, Conflict once it is filed."""
    complaint = _locked(session, reference)
    if complaint is None:
        raise NotFound(missing)
    if complaint.status not in NOT_FILED:
        raise Conflict(f"complaint {reference} is already filed")
    return complaint


def _invitation_timeline(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Timeline entries of a joint complaint: each invitation, confirmation and refusal."""
    found = []
    for entry in entries or []:
        for key, kind in (
            ("invited_at", "co_complainant_invited"),
            ("confirmed_at", "co_complainant_confirmed"),
            ("declined_at", "co_complainant_declined"),
        ):
            if entry.get(key):
                name = entry.get("name") or ""
                found.append(timeline.entry(entry[key], kind, None, (name, name)))
    return found
