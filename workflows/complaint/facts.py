"""The input of track and trace: what has happened in a complaint case, and when.

An engine-side adapter fills `CaseFacts` from process data (or passes the mapping to
`CaseFacts.from_mapping`). Every field is optional; unknown keys are ignored; instants are
aware datetimes or ISO 8601 text with an offset, and naive ones are refused:

- `status`: the complaint row's own status, "draft" or "filed"
- `created_at`, `filed_at`, `complaint_deadline`
- `authority_started_at` (the authority took up the complaint), `authority_changed_at`
  (it changed its own decision, which ends the case)
- `forwarded_at`, `board_received_at` (defaults to `forwarded_at`), `board_started_at`
- `statement_sent_at` (the statement went to the parties), `comments_due_at`
- `fee_amount_dkk`, `fee_requested_at`, `fee_due_at`, `payment_days`, `fee_paid_at`,
  `fee_refunded_at`
- `decided_at`, `outcome` (see `fees.OUTCOMES`), `rejection_reason`, `complainant_won`,
  `only_change_is_longer_compliance_deadline`
- `withdrawn_at`, `closed_at`
- `board_code` (PKN or MFKN), `legal_basis` (a `standing.LEGAL_BASES` code),
  `suspensive_effect` (the board's ruling on opsættende virkning, if any)
- `in_time` (filed within the klagefrist), `suspensive_by_law` and `suspensive_rule` (what
  the law gives this complaint before any ruling: a late complaint suspends nothing),
  `lateness_ruling` (the board's `accept` or `reject` of a late complaint),
  `decision_summary` (the board's summary to the parties),
  `outcome_note` (`authority_changed` when the authority changed its own decision)
- `complainant_type` and `co_complainants` (their `type`s become `co_complainant_types`),
  which give the fee's rate
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from .deadlines import parse_instant, require_aware

_INSTANTS = (
    "created_at", "filed_at", "complaint_deadline", "authority_started_at",
    "authority_changed_at", "forwarded_at", "board_received_at", "board_started_at",
    "statement_sent_at", "comments_due_at", "fee_requested_at", "fee_due_at", "fee_paid_at",
    "fee_refunded_at", "decided_at", "withdrawn_at", "closed_at",
)  # fmt: skip


@dataclass(frozen=True)
class CaseFacts:
    """What has happened in a case, with when; see the module docstring for each field."""

    status: str | None = None
    created_at: datetime | None = None
    filed_at: datetime | None = None
    complaint_deadline: datetime | None = None
    authority_started_at: datetime | None = None
    authority_changed_at: datetime | None = None
    forwarded_at: datetime | None = None
    board_received_at: datetime | None = None
    board_started_at: datetime | None = None
    statement_sent_at: datetime | None = None
    comments_due_at: datetime | None = None
    fee_amount_dkk: int | None = None
    fee_requested_at: datetime | None = None
    fee_due_at: datetime | None = None
    payment_days: int | None = None
    fee_paid_at: datetime | None = None
    fee_refunded_at: datetime | None = None
    decided_at: datetime | None = None
    outcome: str | None = None
    rejection_reason: str | None = None
    complainant_won: bool | None = None
    only_change_is_longer_compliance_deadline: bool = False
    withdrawn_at: datetime | None = None
    closed_at: datetime | None = None
    board_code: str | None = None
    legal_basis: str | None = None
    suspensive_effect: bool | None = None
    in_time: bool | None = None
    suspensive_by_law: bool | None = None
    suspensive_rule: str | None = None
    lateness_ruling: str | None = None
    decision_summary: str | None = None
    outcome_note: str | None = None
    complainant_type: str | None = None
    co_complainant_types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in _INSTANTS:
            value = getattr(self, name)
            if value is not None:
                require_aware(value, name)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CaseFacts:
        """Facts from process data: ISO text becomes aware datetimes, unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known and value is not None}
        for name in _INSTANTS:
            if name in values:
                values[name] = parse_instant(values[name])
        co_complainants = data.get("co_complainants") or ()
        if co_complainants and "co_complainant_types" not in values:
            values["co_complainant_types"] = tuple(
                entry.get("type") or "private" for entry in co_complainants
            )
        return cls(**values)

    @property
    def arrived_at_board(self) -> datetime | None:
        """When the board got the case: its own receipt if known, else the forwarding."""
        return self.board_received_at or self.forwarded_at
