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
    is_filed_in_time,
    lawsuit_deadline,
    local_date,
    payment_deadline,
    require_aware,
    to_local_iso,
)
from .facts import CaseFacts
from .fees import refund_due
from .outcomes import outcome_code, outcome_text
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


# Where the six months to bring a decision before the courts are laid down, by act.
LAWSUIT_PROVISIONS: dict[str, str] = {
    "planloven": "planloven § 62, stk. 1",
    "naturbeskyttelsesloven": "naturbeskyttelsesloven § 88, stk. 1",
}


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
        due = forwarding_deadline(facts.complaint_deadline, policy, filed_at=facts.filed_at)
        label = (
            "Myndigheden bør videresende klagen til nævnet senest",
            "The authority should forward the complaint to the board by",
        )
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
    # The process closes a case in the step that decides it: a decided case keeps its
    # lawsuit deadline until that has passed, whether or not it is closed yet.
    lawsuit = _lawsuit_due(facts) if status in ("decided", "closed") else None
    if lawsuit and not (now and now >= expired_at(lawsuit)):
        label = ("Frist for at anlægge retssag", "Deadline to bring a lawsuit")
        return _deadline("lawsuit", lawsuit, label, "parties", now)
    return None


def comments_deadline(
    facts: CaseFacts,
    status: Status,
    now: datetime | None = None,
    policy: CalendarPolicy = DEFAULT_POLICY,
) -> dict[str, Any] | None:
    """The parties' comment deadline while it is open (it runs beside the fee deadline)."""
    comments = _comments_due(facts, policy)
    if status not in ("forwarded", "awaiting_fee", "under_consideration") or comments is None:
        return None
    if now is not None and now >= expired_at(comments):
        return None
    label = ("Frist for bemærkninger til udtalelsen", "Comments on the statement due")
    return _deadline("comments", comments, label, "parties", now)


def expected_decision(
    facts: CaseFacts, status: Status, times: ProcessingTimes = DEFAULT_TIMES
) -> str | None:
    """The day the board's decision can be expected (average time), once the board has it."""
    arrived = facts.arrived_at_board
    if arrived is None or status not in ("forwarded", "awaiting_fee", "under_consideration"):
        return None
    return (local_date(arrived) + relativedelta(months=times.decision_months)).isoformat()


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
        day = local_date(
            forwarding_deadline(facts.complaint_deadline, policy, filed_at=facts.filed_at)
        )
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
    """The fee as the citizen should read it: what, why that rate, and where it stands.

    `state`: `due` (asked for, not paid), `paid`, or `not_due` (the case ended before it
    was paid: nothing is asked for any more).
    """
    if facts.fee_amount_dkk is None and facts.fee_requested_at is None:
        return None
    due = _fee_due(facts, policy)
    refund = None
    outcome = "tilbagetraekning" if status == "withdrawn" else facts.outcome
    ended = status in ("decided", "closed", "withdrawn")
    if facts.fee_paid_at and outcome and ended:
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
            refund.update(_refund_words(facts, outcome, decision.refund))
        except ValueError:
            refund = None  # incomplete facts: the board decides the refund without this aid
    state = "paid" if facts.fee_paid_at else "not_due" if ended else "due"
    return {
        "amount_dkk": facts.fee_amount_dkk,
        "requested_at": _iso(facts.fee_requested_at),
        "due_at": _iso(due),
        "paid_at": _iso(facts.fee_paid_at),
        "refunded_at": _iso(facts.fee_refunded_at),
        "refund": refund,
        "state": state,
        **_rate_words(facts),
    }


def _rate_words(facts: CaseFacts) -> dict[str, str]:
    """Why the fee has the amount it has (the rate), in words (da/en)."""
    own = facts.complainant_type or "private"
    others = [kind for kind in facts.co_complainant_types if kind != "private"]
    if own == "private" and not others:
        words = ("takst for privatpersoner", "rate for private persons")
    elif own != "private":
        words = (
            "takst for virksomheder, organisationer og myndigheder",
            "rate for companies, organisations and public authorities",
        )
    else:
        words = (
            "fælles klage med en virksomhed, organisation eller myndighed som medklager: "
            "den højere takst",
            "joint complaint with a company, organisation or public authority: the higher rate",
        )
    return {"rate_reason": words[0], "rate_reason_en": words[1]}


def _refund_words(facts: CaseFacts, outcome: str, refunded: bool) -> dict[str, str]:
    """The refund rule that applies, in words (da/en)."""
    if refunded and outcome == "afvisning":
        words = (
            "Gebyret betales tilbage, fordi klagen er afvist uden at blive realitetsbehandlet.",
            "The fee is refunded because the complaint was rejected without a review on the "
            "merits.",
        )
    elif refunded and facts.complainant_won and outcome == "stadfaestelse":
        words = (
            "Gebyret betales tilbage, fordi du har fået helt eller delvist medhold.",
            "The fee is refunded because you won fully or in part.",
        )
    elif refunded:
        words = (
            "Gebyret betales tilbage, fordi afgørelsen er ændret eller ophævet.",
            "The fee is refunded because the decision was changed or annulled.",
        )
    elif outcome == "tilbagetraekning":
        words = (
            "Gebyret betales ikke tilbage, når klagen trækkes tilbage.",
            "The fee is not refunded when the complaint is withdrawn.",
        )
    elif facts.only_change_is_longer_compliance_deadline:
        words = (
            "Gebyret betales ikke tilbage, fordi den eneste ændring er en længere frist for "
            "at efterkomme afgørelsen.",
            "The fee is not refunded because the only change is a longer deadline to "
            "comply with the decision.",
        )
    elif outcome == "stadfaestelse":
        words = (
            "Gebyret betales ikke tilbage, fordi afgørelsen er stadfæstet.",
            "The fee is not refunded because the decision was upheld.",
        )
    else:
        words = ("Gebyret betales ikke tilbage.", "The fee is not refunded.")
    return {"text": words[0], "text_en": words[1]}


def _suspensive(facts: CaseFacts, status: Status, now: datetime | None) -> dict[str, Any] | None:
    """Opsættende virkning as the facts give it: the board's ruling, else the law's rule.

    `reason`: `board` (the board ruled), `late` (a complaint filed after the klagefrist
    has none by law), `ended` (the case has ended, and with it any suspensive effect), or
    `law` (the legal basis's rule for a timely complaint).
    """
    basis = LEGAL_BASES.get(facts.legal_basis or "")
    if facts.suspensive_effect is not None:
        return {"in_effect": facts.suspensive_effect, "decided_by_board": True, "reason": "board"}
    if _late(facts, status, now):
        return {"in_effect": False, "decided_by_board": False, "reason": "late"}
    if status in ("decided", "closed", "withdrawn"):
        return {"in_effect": False, "decided_by_board": False, "reason": "ended"}
    if facts.suspensive_by_law is not None:
        return {"in_effect": facts.suspensive_by_law, "decided_by_board": False, "reason": "law"}
    if basis is None:
        return None
    return {"in_effect": basis.suspensive_by_default, "decided_by_board": False, "reason": "law"}


def _late(facts: CaseFacts, status: Status, now: datetime | None) -> bool | None:
    """Whether the complaint is (or, filed now, would be) late; None when unknown."""
    if facts.in_time is not None:
        return not facts.in_time
    if facts.complaint_deadline is None:
        return None
    filed = facts.filed_at or (now if status == "draft" else None)
    return None if filed is None else not is_filed_in_time(filed, facts.complaint_deadline)


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
    words = outcome_text(facts.outcome, facts.rejection_reason)
    outcome = (words.label_da, words.label_en) if words else None
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
    authority, board or None), waiting_for_label(_en), next_deadline, comments_deadline,
    expected_date, expected, expected_decision, suspensive_effect, late, lateness_ruling
    (the board's `accept` or `reject` of a late complaint), fee, outcome,
    rejection_reason, outcome_code, outcome_label(_en) ("Afvist som for sent indgivet" for a
    complaint rejected as late), outcome_meaning(_en), decision_summary,
    lawsuit_deadline, lawsuit_basis and timeline. Instants are ISO 8601 in Copenhagen time; dates are ISO dates. `now` only
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
    if outcome is None and facts.authority_changed_at:
        outcome = facts.outcome_note or "authority_changed"
    reason = facts.rejection_reason if outcome == "afvisning" else None
    words = outcome_text(outcome, reason)
    outcome_labels = (words.label_da, words.label_en) if words else (None, None)
    hope = expected(facts, status, times, policy)
    lawsuit = _lawsuit_due(facts)
    basis = LEGAL_BASES.get(facts.legal_basis or "")
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
        "comments_deadline": comments_deadline(facts, status, now, policy),
        "expected_decision": expected_decision(facts, status, times),
        "suspensive_effect": _suspensive(facts, status, now),
        "late": _late(facts, status, now),
        "lateness_ruling": facts.lateness_ruling,
        "fee": _fee(facts, status, policy),
        "outcome": outcome,
        "rejection_reason": reason,
        "outcome_code": outcome_code(outcome, reason),
        "outcome_label": outcome_labels[0],
        "outcome_label_en": outcome_labels[1],
        "outcome_meaning": words.meaning_da if words else None,
        "outcome_meaning_en": words.meaning_en if words else None,
        "decision_summary": facts.decision_summary if facts.decided_at else None,
        "lawsuit_deadline": _iso(lawsuit),
        "lawsuit_basis": (LAWSUIT_PROVISIONS.get(basis.act) if basis and lawsuit else None),
        "timeline": case_timeline(facts, events, aliases),
    }
