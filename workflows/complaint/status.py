"""Track and trace: where a complaint case stands, who it waits for, and what comes next.

`track_and_trace(facts, events)` derives everything from plain facts (`facts.CaseFacts`,
or a mapping of the same keys) and the case's audit events (see `timeline`), so an
engine-side adapter can fill both from process data and the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from dateutil.relativedelta import relativedelta

from .calendar import DEFAULT_POLICY, CalendarPolicy
from .deadlines import (
    DEFAULT_PAYMENT_DAYS,
    comment_deadline,
    expired_at,
    forwarding_deadline,
    lawsuit_deadline,
    local_date,
    payment_deadline,
    require_aware,
    to_local_iso,
)
from .facts import CaseFacts
from .fees import refund_due
from .standing import LEGAL_BASES
from .timeline import entry, sort_entries, timeline

Status = Literal[
    "draft",
    "filed",
    "with_authority",
    "forwarded",
    "awaiting_fee",
    "under_consideration",
    "decided",
    "closed",
    "withdrawn",
]
WaitingFor = Literal["complainant", "authority", "board"]


@dataclass(frozen=True)
class StatusInfo:
    """A status in plain words, and whose move it is (None: nobody's, the case is done)."""

    code: Status
    label_da: str
    label_en: str
    waiting_for: WaitingFor | None


# A rejection (afvisning) is the status `decided` with that outcome, not a status of its own.
STATUSES: dict[str, StatusInfo] = {
    info.code: info
    for info in (
        StatusInfo("draft", "Kladde", "Draft", "complainant"),
        StatusInfo("filed", "Indsendt", "Filed", "authority"),
        StatusInfo("with_authority", "Hos myndigheden", "With the authority", "authority"),
        StatusInfo("forwarded", "Videresendt til nævnet", "Forwarded to the board", "board"),
        StatusInfo("awaiting_fee", "Afventer gebyr", "Awaiting the fee", "complainant"),
        StatusInfo("under_consideration", "Under behandling", "Under consideration", "board"),
        StatusInfo("decided", "Afgjort", "Decided", None),
        StatusInfo("closed", "Afsluttet", "Closed", None),
        StatusInfo("withdrawn", "Trukket tilbage", "Withdrawn", None),
    )
}

WAITING_LABELS: dict[str, tuple[str, str]] = {
    "complainant": ("Afventer klager", "Waiting for the complainant"),
    "authority": ("Afventer myndigheden", "Waiting for the authority"),
    "board": ("Afventer nævnet", "Waiting for the board"),
}

OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    "stadfaestelse": ("Stadfæstet", "Confirmed"),
    "aendring": ("Ændret", "Changed"),
    "ophaevelse": ("Ophævet", "Annulled"),
    "ophaevelse_hjemvisning": ("Ophævet og hjemvist", "Annulled and sent back"),
    "afvisning": ("Afvist", "Rejected"),
    "tilbagetraekning": ("Trukket tilbage", "Withdrawn"),
}

# Rejections whose reason is part of the outcome the parties see (`rejection_reason` of an
# afvisning); any other reason shows as the plain "Afvist".
REJECTION_LABELS: dict[str, tuple[str, str]] = {
    "late": ("Afvist som for sent indgivet", "Rejected as filed too late"),
}


def outcome_labels(outcome: str | None, rejection_reason: str | None) -> tuple[str, str] | None:
    """The Danish and English label of an outcome, naming a late filing as the reason."""
    if outcome == "afvisning" and rejection_reason in REJECTION_LABELS:
        return REJECTION_LABELS[rejection_reason]
    return OUTCOME_LABELS.get(outcome or "")


@dataclass(frozen=True)
class ProcessingTimes:
    """Expected durations at the board: estimates for the citizen, not deadlines.

    Screening (visitation) takes about 8 weeks at PKN and 1-2 months at MFKN; PKN's target
    is an average of at most 6 months per case. 2025 averages were NOT FOUND.
    """

    screening_weeks_pkn: int = 8
    screening_months_mfkn: int = 2
    decision_months: int = 6


DEFAULT_TIMES = ProcessingTimes()


def derive_status(facts: CaseFacts) -> Status:
    """The status the facts add up to; later stages win over earlier ones."""
    if facts.withdrawn_at and not facts.decided_at:
        return "withdrawn"
    if facts.closed_at or facts.authority_changed_at:
        return "closed"
    if facts.decided_at or facts.outcome:
        return "decided"
    if facts.fee_requested_at and not facts.fee_paid_at:
        return "awaiting_fee"
    if facts.fee_paid_at or facts.board_started_at:
        return "under_consideration"
    if facts.forwarded_at:
        return "forwarded"
    if facts.authority_started_at:
        return "with_authority"
    if facts.filed_at or facts.status == "filed":
        return "filed"
    return "draft"


def _deadline(
    kind: str, at: datetime, label: tuple[str, str], party: str, now: datetime | None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "at": to_local_iso(at),
        "label": label[0],
        "label_en": label[1],
        "party": party,
        "overdue": None if now is None else now >= expired_at(at),
    }


def _comments_due(facts: CaseFacts, policy: CalendarPolicy) -> datetime | None:
    if facts.comments_due_at:
        return facts.comments_due_at
    return comment_deadline(facts.statement_sent_at, policy) if facts.statement_sent_at else None


def _fee_due(facts: CaseFacts, policy: CalendarPolicy) -> datetime | None:
    if facts.fee_due_at or not facts.fee_requested_at:
        return facts.fee_due_at
    days = facts.payment_days or DEFAULT_PAYMENT_DAYS
    return payment_deadline(facts.fee_requested_at, days, policy)


def _lawsuit_due(facts: CaseFacts) -> datetime | None:
    # The decision counts as received the day it is placed in the portal.
    return lawsuit_deadline(facts.decided_at) if facts.decided_at else None


def next_deadline(
    facts: CaseFacts,
    status: Status,
    now: datetime | None = None,
    policy: CalendarPolicy = DEFAULT_POLICY,
) -> dict[str, Any] | None:
    """The deadline that matters next in `status`, with labels and the party who must act.

    `overdue` is None without `now`. A comment deadline while the board considers the case
    is shown only when `now` says it has not passed yet.
    """
    if status == "draft" and facts.complaint_deadline:
        label = ("Klagefrist", "Complaint deadline")
        return _deadline("complaint", facts.complaint_deadline, label, "complainant", now)
    if status in ("filed", "with_authority") and facts.complaint_deadline:
        due = forwarding_deadline(facts.complaint_deadline, policy)
        label = ("Videresendes til nævnet senest (vejledende)", "Forward to the board by (guide)")
        return _deadline("forwarding", due, label, "authority", now)
    comments = _comments_due(facts, policy)
    comments_label = ("Frist for bemærkninger til udtalelsen", "Comments on the statement due")
    if status == "forwarded" and comments:
        return _deadline("comments", comments, comments_label, "parties", now)
    if status == "awaiting_fee" and (fee_due := _fee_due(facts, policy)):
        label = ("Frist for betaling af gebyr", "Fee payment deadline")
        return _deadline("payment", fee_due, label, "complainant", now)
    if status == "under_consideration" and comments and now and now < expired_at(comments):
        return _deadline("comments", comments, comments_label, "parties", now)
    if status == "decided" and (lawsuit := _lawsuit_due(facts)):
        label = ("Frist for at anlægge retssag", "Deadline to bring a lawsuit")
        return _deadline("lawsuit", lawsuit, label, "parties", now)
    return None


def expected(
    facts: CaseFacts,
    status: Status,
    times: ProcessingTimes = DEFAULT_TIMES,
    policy: CalendarPolicy = DEFAULT_POLICY,
) -> dict[str, Any] | None:
    """What the citizen can expect next and by when, from average processing times.

    Forwarded or awaiting the fee: the board's screening (8 weeks PKN, 2 months MFKN
    from arrival). Under consideration: the decision (6 months from arrival). With the
    authority: the forwarding guideline. These are estimates, not promises.
    """
    if status in ("filed", "with_authority") and facts.complaint_deadline:
        day = local_date(forwarding_deadline(facts.complaint_deadline, policy))
        label = ("Forventes videresendt til nævnet", "Expected to reach the board")
        return {"date": day.isoformat(), "label": label[0], "label_en": label[1]}
    arrived = facts.arrived_at_board
    if arrived is None:
        return None
    if status in ("forwarded", "awaiting_fee"):
        if facts.board_code == "MFKN":
            span = relativedelta(months=times.screening_months_mfkn)
        else:
            span = relativedelta(weeks=times.screening_weeks_pkn)
        label = ("Forventet visitation i nævnet", "Expected screening by the board")
    elif status == "under_consideration":
        span = relativedelta(months=times.decision_months)
        label = ("Forventet afgørelse (gennemsnitlig sagsbehandlingstid)", "Expected decision")
    else:
        return None
    day = local_date(arrived) + span
    return {"date": day.isoformat(), "label": label[0], "label_en": label[1]}


def _fee(facts: CaseFacts, status: Status, policy: CalendarPolicy) -> dict[str, Any] | None:
    if facts.fee_amount_dkk is None and facts.fee_requested_at is None:
        return None
    due = _fee_due(facts, policy)
    refund = None
    outcome = "tilbagetraekning" if status == "withdrawn" else facts.outcome
    if facts.fee_paid_at and outcome and status in ("decided", "closed", "withdrawn"):
        try:
            decision = refund_due(
                outcome,
                rejection_reason=facts.rejection_reason,
                board=facts.board_code or "PKN",
                complainant_won=facts.complainant_won,
                only_change_is_longer_compliance_deadline=(
                    facts.only_change_is_longer_compliance_deadline
                ),
            )
            refund = {"refund": decision.refund, "reason": decision.reason}
        except ValueError:
            refund = None  # incomplete facts: the board decides the refund without this aid
    return {
        "amount_dkk": facts.fee_amount_dkk,
        "requested_at": _iso(facts.fee_requested_at),
        "due_at": _iso(due),
        "paid_at": _iso(facts.fee_paid_at),
        "refunded_at": _iso(facts.fee_refunded_at),
        "refund": refund,
    }


def _suspensive(facts: CaseFacts) -> dict[str, Any] | None:
    """Opsættende virkning: the board's ruling, else what the process found the law gives.

    The legal basis's default holds only for a timely complaint; a late one suspends nothing.
    """
    if facts.suspensive_effect is not None:
        return {"in_effect": facts.suspensive_effect, "decided_by_board": True}
    if facts.suspensive_by_law is not None:
        return {"in_effect": facts.suspensive_by_law, "decided_by_board": False}
    basis = LEGAL_BASES.get(facts.legal_basis or "")
    if basis is None:
        return None
    in_effect = basis.suspensive_by_default and facts.in_time is not False
    return {"in_effect": in_effect, "decided_by_board": False}


def _iso(value: datetime | None) -> str | None:
    return to_local_iso(value) if value else None


_MILESTONES = (
    ("created_at", "drafted"), ("filed_at", "filed"), ("authority_started_at", "authority_started"),
    ("authority_changed_at", "authority_changed_decision"), ("forwarded_at", "forwarded"),
    ("statement_sent_at", "statement_sent"), ("fee_requested_at", "fee_requested"),
    ("fee_paid_at", "fee_paid"), ("decided_at", "decided"), ("fee_refunded_at", "fee_refunded"),
    ("withdrawn_at", "withdrawn"), ("closed_at", "closed"),
)  # fmt: skip


def case_timeline(
    facts: CaseFacts,
    events: Iterable[Mapping[str, Any]] = (),
    aliases: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The timeline of events, completed from the facts for milestones no event reported."""
    entries = timeline(events, aliases)
    reported = {item["kind"] for item in entries}
    outcome = outcome_labels(facts.outcome, facts.rejection_reason)
    for name, kind in _MILESTONES:
        at = getattr(facts, name)
        if at is not None and kind not in reported:
            entries.append(entry(at, kind, note=outcome if kind == "decided" else None))
    return sort_entries(entries)


def track_and_trace(
    facts: CaseFacts | Mapping[str, Any],
    events: Iterable[Mapping[str, Any]] = (),
    *,
    now: datetime | None = None,
    aliases: Mapping[str, str] | None = None,
    policy: CalendarPolicy = DEFAULT_POLICY,
    times: ProcessingTimes = DEFAULT_TIMES,
) -> dict[str, Any]:
    """Where the case stands, as JSON-ready data for the citizen and the caseworker.

    Keys: status, status_label (Danish), status_label_en, waiting_for (complainant,
    authority, board or None), waiting_for_label(_en), next_deadline, expected_date,
    expected, suspensive_effect, fee, outcome, rejection_reason, outcome_label(_en) ("Afvist
    som for sent indgivet" for a complaint rejected as late), lawsuit_deadline and timeline. Instants are ISO 8601 in Copenhagen time; dates are ISO dates. `now` only
    marks deadlines overdue; without it nothing depends on the time of the call.
    """
    if not isinstance(facts, CaseFacts):
        facts = CaseFacts.from_mapping(facts)
    if now is not None:
        require_aware(now, "now")
    status = derive_status(facts)
    info = STATUSES[status]
    waiting = WAITING_LABELS.get(info.waiting_for or "", (None, None))
    outcome = "tilbagetraekning" if status == "withdrawn" else facts.outcome
    labels = outcome_labels(outcome, facts.rejection_reason) or (None, None)
    hope = expected(facts, status, times, policy)
    return {
        "status": status,
        "status_label": info.label_da,
        "status_label_en": info.label_en,
        "waiting_for": info.waiting_for,
        "waiting_for_label": waiting[0],
        "waiting_for_label_en": waiting[1],
        "next_deadline": next_deadline(facts, status, now, policy),
        "expected_date": hope["date"] if hope else None,
        "expected": hope,
        "suspensive_effect": _suspensive(facts),
        "fee": _fee(facts, status, policy),
        "outcome": outcome,
        "rejection_reason": facts.rejection_reason if outcome == "afvisning" else None,
        "outcome_label": labels[0],
        "outcome_label_en": labels[1],
        "lawsuit_deadline": _iso(_lawsuit_due(facts)),
        "timeline": case_timeline(facts, events, aliases),
    }
