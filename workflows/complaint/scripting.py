"""The complaint domain as BPMN script helpers: plain values in, plain values out.

Process data is JSON, so these take ISO 8601 text and return ISO text (instants in UTC,
the form timer values are stored in), numbers, booleans and dicts. `script_helpers()` is
the mapping web/bootstrap.py registers on the engine as the namespace `complaint`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any

from . import deadlines, fees, references, standing
from .deadlines import parse_day, parse_instant, to_utc_iso


def complaint_deadline_utc(sent_on: str, via: str = "digital", published: bool = False) -> str:
    """The klagefrist for a decision sent (or announced) on `sent_on`, as UTC ISO text.

    `via` comes from process data: anything but "post" is Digital Post, as in
    `deadlines.notification_date`.
    """
    channel: deadlines.Via = "post" if via == "post" else "digital"
    return to_utc_iso(deadlines.complaint_deadline(parse_day(sent_on), channel, published))


def deadline_passed_utc(deadline: str) -> str:
    """The timer value for "the deadline has passed": one second after its last moment."""
    return to_utc_iso(deadlines.expired_at(parse_instant(deadline)))


def filed_in_time(filed_at: str, deadline: str) -> bool:
    """True if a complaint filed at `filed_at` meets `deadline` (both ISO text with offset)."""
    return deadlines.is_filed_in_time(parse_instant(filed_at), parse_instant(deadline))


def forwarding_deadline_utc(complaint_deadline: str, filed_at: str | None = None) -> str:
    """The authority's forwarding guideline as UTC ISO text: 3 weeks after the klagefrist,
    or after the filing day for a complaint filed late."""
    filed = parse_instant(filed_at) if filed_at else None
    return to_utc_iso(
        deadlines.forwarding_deadline(parse_instant(complaint_deadline), filed_at=filed)
    )


def comment_deadline_utc(received_on: str) -> str:
    """The parties' deadline to comment on the statement, 3 weeks from receipt, UTC ISO."""
    return to_utc_iso(deadlines.comment_deadline(parse_day(received_on)))


def payment_deadline_utc(requested_at: str, days: int = deadlines.DEFAULT_PAYMENT_DAYS) -> str:
    """The deadline to pay the gebyr requested at `requested_at`, as UTC ISO text."""
    return to_utc_iso(deadlines.payment_deadline(parse_day(requested_at), int(days)))


def lawsuit_deadline_utc(received_on: str) -> str:
    """The 6-month deadline for a lawsuit from receipt of the decision, as UTC ISO text."""
    return to_utc_iso(deadlines.lawsuit_deadline(parse_day(received_on)))


def fee(
    complainant_type: str, co_complainant_types: Iterable[str] | None, on: str
) -> dict[str, Any]:
    """The fee for one complaint letter charged on day `on`: {amount_dkk, rate, year}."""
    result = fees.fee_for(complainant_type, list(co_complainant_types or ()), parse_day(on))
    return {"amount_dkk": result.amount_dkk, "rate": result.rate, "year": result.year}


def refund(outcome: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Whether the paid fee is refunded after `outcome`: {refund, reason}.

    The other arguments are those of `fees.refund_due`, in its order.
    """
    return asdict(fees.refund_due(outcome, *args, **kwargs))


def board_for(legal_basis: str) -> str:
    """The board (PKN or MFKN) that hears complaints about decisions on `legal_basis`."""
    return standing.legal_basis(legal_basis).board


def suspensive_by_default(legal_basis: str) -> bool:
    """True if a timely complaint on `legal_basis` suspends the permit unless the board says no."""
    return standing.legal_basis(legal_basis).suspensive_by_default


def permit_state(
    legal_basis: str,
    at: str,
    complaint_deadline: str,
    timely_complaint: bool,
    suspension: bool | None = None,
) -> str:
    """Whether the permit may be used at `at` (see `standing.permit_state`)."""
    return standing.permit_state(
        legal_basis,
        parse_instant(at),
        parse_instant(complaint_deadline),
        timely_complaint=bool(timely_complaint),
        suspension=suspension,
    )


def valid_reference(text: str) -> bool:
    """True if `text` is a case reference like KP-2025-000123."""
    return references.is_valid_reference(text)


def script_helpers() -> dict[str, Callable[..., Any]]:
    """The helpers BPMN scripts may call, by the names scripts use."""
    return {
        helper.__name__: helper
        for helper in (
            complaint_deadline_utc,
            deadline_passed_utc,
            filed_in_time,
            forwarding_deadline_utc,
            comment_deadline_utc,
            payment_deadline_utc,
            lawsuit_deadline_utc,
            fee,
            refund,
            board_for,
            suspensive_by_default,
            permit_state,
            valid_reference,
        )
    }
