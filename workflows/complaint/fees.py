"""The gebyr (complaint fee): how much a complaint costs, and when the fee is refunded.

Amounts are set per calendar year in `FEE_TABLE`, the one place to update when the boards
publish the indexed amounts. Refund rules follow the MFKN fee order § 2 and lov om
Planklagenævnet § 8.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

ComplainantType = Literal["private", "company", "organisation", "authority"]
COMPLAINANT_TYPES: tuple[str, ...] = get_args(ComplainantType)

Rate = Literal["private", "higher"]

Board = Literal["PKN", "MFKN"]
BOARDS: tuple[str, ...] = get_args(Board)

# How a case ends. The first five are the board's decisions: stadfæstelse (the decision is
# confirmed), ændring (changed), ophævelse (annulled), ophævelse med hjemvisning (annulled
# and sent back to the authority), afvisning (rejected without a review on the merits).
# Tilbagetrækning is the complainant withdrawing the complaint.
Outcome = Literal[
    "stadfaestelse",
    "aendring",
    "ophaevelse",
    "ophaevelse_hjemvisning",
    "afvisning",
    "tilbagetraekning",
]
OUTCOMES: tuple[str, ...] = get_args(Outcome)

# Why a complaint was rejected (afvist).
RejectionReason = Literal[
    "late",  # klagefristen overskredet
    "no_standing",  # manglende klageberettigelse
    "outside_competence",  # uden for nævnets kompetence
    "non_payment",  # gebyret er ikke betalt
    "not_via_portal",  # indgivet uden om Klageportalen
    "other",  # e.g. no usable complaint, a preliminary complaint never elaborated
]
REJECTION_REASONS: tuple[str, ...] = get_args(RejectionReason)

# Fee per year as (private persons, everyone else), in whole DKK. The 2016 amounts are
# indexed each 1 January and rounded to the nearest 100 DKK (lov om Planklagenævnet § 8).
# The indexed amounts for the years after 2016 were NOT FOUND: every page consulted still
# says 900/1,800, so they stand here until the boards' published amounts replace them.
FEE_TABLE: dict[int, tuple[int, int]] = {
    2016: (900, 1800),
    2017: (900, 1800),
    2018: (900, 1800),
    2019: (900, 1800),
    2020: (900, 1800),
    2021: (900, 1800),
    2022: (900, 1800),
    2023: (900, 1800),
    2024: (900, 1800),
    2025: (900, 1800),
    2026: (900, 1800),
}

# Since this day the fee is paid when the authority forwards the complaint to the board;
# before it, the fee was paid when the complaint was filed.
FEE_AT_FORWARDING_SINCE = date(2024, 6, 4)


@dataclass(frozen=True)
class Fee:
    """A fee to pay: the amount, the rate it was charged at, and the year of the amount."""

    amount_dkk: int
    rate: Rate
    year: int


@dataclass(frozen=True)
class RefundDecision:
    """Whether the fee is refunded, and the rule that says so."""

    refund: bool
    reason: str


def fee_amounts(year: int) -> tuple[int, int]:
    """The (private, higher) amounts in DKK for `year`.

    A year after the table uses its latest year, since amounts only change when someone
    updates the table. A year before the table is refused: those fees were different
    (500 DKK in 2012).
    """
    first, last = min(FEE_TABLE), max(FEE_TABLE)
    if year < first:
        raise ValueError(f"no fee amounts are known before {first}, got {year}")
    return FEE_TABLE[min(year, last)]


def _check_type(complainant_type: str) -> None:
    if complainant_type not in COMPLAINANT_TYPES:
        raise ValueError(
            f"complainant type must be one of {', '.join(COMPLAINANT_TYPES)}, "
            f"got {complainant_type!r}"
        )


def fee_for(complainant_type: str, co_complainant_types: Iterable[str], on: date) -> Fee:
    """The fee for one complaint letter, charged on the day `on`.

    Private persons pay the lower rate; companies, organisations and public authorities
    pay the higher one. A joint complaint pays a single fee, at the higher rate if the
    complainant or any co-complainant is not a private person (MFKN fee order § 1).
    Separate complaint letters each pay their own fee: call this once per letter.
    """
    types = [complainant_type, *co_complainant_types]
    for kind in types:
        _check_type(kind)
    private, higher = fee_amounts(on.year)
    if all(kind == "private" for kind in types):
        return Fee(amount_dkk=private, rate="private", year=on.year)
    return Fee(amount_dkk=higher, rate="higher", year=on.year)


def fee_charged_at_forwarding(filed_on: date) -> bool:
    """True if the fee is requested when the complaint is forwarded (filed from 4 June 2024).

    Complaints filed earlier paid at filing, and were rejected if they did not.
    """
    return filed_on >= FEE_AT_FORWARDING_SINCE


def _refund_for_rejection(reason: str | None, board: str) -> RefundDecision:
    if reason is None:
        raise ValueError("a rejection (afvisning) needs a rejection_reason")
    if reason not in REJECTION_REASONS:
        raise ValueError(
            f"rejection_reason must be one of {', '.join(REJECTION_REASONS)}, got {reason!r}"
        )
    if reason == "non_payment":
        return RefundDecision(False, "rejected for non-payment: no fee was paid, none to refund")
    if reason in ("late", "no_standing", "outside_competence"):
        return RefundDecision(
            True, f"rejected ({reason.replace('_', ' ')}): refunded (MFKN fee order § 2)"
        )
    if board == "PKN":
        return RefundDecision(
            True,
            "rejected without a review on the merits: refunded (lov om Planklagenævnet § 8)",
        )
    return RefundDecision(
        False,
        "MFKN refunds a rejection only for lateness, lack of standing or lack of "
        "competence (MFKN fee order § 2)",
    )


def refund_due(
    outcome: str,
    rejection_reason: str | None = None,
    board: str = "PKN",
    complainant_won: bool | None = None,
    only_change_is_longer_compliance_deadline: bool = False,
    refund_on_withdrawal: bool = False,
) -> RefundDecision:
    """Decide whether a paid fee is refunded when a case ends with `outcome`.

    Refunded (MFKN fee order § 2, stk. 2–3; the same list in the complaint guides):
    - the decision is changed or annulled (ændring, ophævelse, also with hjemvisning);
    - the complainant wins fully or partly (`complainant_won`);
    - the complaint is rejected as late, for lack of standing, or as outside the board's
      competence.
    Exception: not refunded if the only change is a longer deadline to comply with the
    decision, caused by the board's processing time.

    PKN refunds for any rejection without a review on the merits (lov om Planklagenævnet
    § 8, stk. 4). A complaint rejected for non-payment paid no fee, so nothing is refunded.
    On withdrawal (tilbagetrækning) PKN § 8, stk. 3 only allows rules for a refund; none
    was found, so there is no refund unless `refund_on_withdrawal` says so.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
    if board not in BOARDS:
        raise ValueError(f"board must be one of {', '.join(BOARDS)}, got {board!r}")
    if only_change_is_longer_compliance_deadline and outcome != "aendring":
        raise ValueError("only_change_is_longer_compliance_deadline applies to ændring only")

    if outcome == "tilbagetraekning":
        if refund_on_withdrawal:
            return RefundDecision(True, "withdrawn: refunded under the board's refund rules")
        return RefundDecision(False, "withdrawn: no refund rule for withdrawal was found")
    if outcome == "afvisning":
        return _refund_for_rejection(rejection_reason, board)
    if only_change_is_longer_compliance_deadline:
        return RefundDecision(
            False,
            "the only change is a longer compliance deadline due to processing time: "
            "not refunded (MFKN fee order § 2)",
        )
    if outcome in ("aendring", "ophaevelse", "ophaevelse_hjemvisning"):
        return RefundDecision(True, "the decision was changed or annulled: refunded")
    if complainant_won:
        return RefundDecision(True, "the complainant won fully or partly: refunded")
    return RefundDecision(False, "the decision was confirmed (stadfæstelse): not refunded")
