"""The parties to a complaint case and who is told of what.

Parties (parter): the complainant (klager), co-complainants who sign the same complaint
letter, the permit holder (the addressee of the decision), the authority that made the
decision, and the board (klagenævn) once the case reaches it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, get_args

PartyRole = Literal["complainant", "co_complainant", "permit_holder", "authority", "board"]

Event = Literal[
    "complaint_filed",
    "complaint_forwarded",
    "statement_sent",
    "fee_requested",
    "fee_paid",
    "authority_changed_decision",
    "board_decision",
    "complaint_withdrawn",
]
EVENTS: tuple[str, ...] = get_args(Event)

# Who is told of each event, in the order they are listed. Sources: the permit holder is
# told at once when a complaint arrives (seed 001); the statement goes to the parties with
# a copy to the board; the board's decision goes to every party.
NOTIFIED: dict[str, tuple[PartyRole, ...]] = {
    "complaint_filed": ("complainant", "co_complainant", "authority", "permit_holder"),
    "complaint_forwarded": ("complainant", "co_complainant", "permit_holder", "board"),
    "statement_sent": ("complainant", "co_complainant", "permit_holder", "board"),
    "fee_requested": ("complainant",),
    "fee_paid": ("complainant",),
    "authority_changed_decision": ("complainant", "co_complainant", "permit_holder", "board"),
    "board_decision": ("complainant", "co_complainant", "permit_holder", "authority"),
    "complaint_withdrawn": (
        "complainant",
        "co_complainant",
        "permit_holder",
        "authority",
        "board",
    ),
}


@dataclass(frozen=True)
class _Party:
    """What every party has: a name, and an e-mail address when it is told by mail."""

    role: ClassVar[PartyRole]
    name: str
    email: str | None = None


@dataclass(frozen=True)
class Complainant(_Party):
    """The person or body who files the complaint and pays the fee."""

    role: ClassVar[PartyRole] = "complainant"
    type: str | None = None


@dataclass(frozen=True)
class CoComplainant(_Party):
    """Someone who joins the complaint letter; the letter is filed once all have confirmed."""

    role: ClassVar[PartyRole] = "co_complainant"
    type: str | None = None
    confirmed: bool = False


@dataclass(frozen=True)
class PermitHolder(_Party):
    """The addressee of the decision complained about (applicant, permit holder)."""

    role: ClassVar[PartyRole] = "permit_holder"


@dataclass(frozen=True)
class Authority(_Party):
    """The authority that made the decision (førsteinstans), usually a municipality."""

    role: ClassVar[PartyRole] = "authority"


@dataclass(frozen=True)
class Board(_Party):
    """The board that decides the complaint: `code` is PKN or MFKN."""

    role: ClassVar[PartyRole] = "board"
    code: str | None = None


Party = Complainant | CoComplainant | PermitHolder | Authority | Board


@dataclass(frozen=True)
class Parties:
    """Everyone in one complaint case."""

    complainant: Complainant
    authority: Authority
    permit_holder: PermitHolder | None = None
    co_complainants: tuple[CoComplainant, ...] = field(default_factory=tuple)
    board: Board | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Parties:
        """Build the parties from process data as the complaint's start data carries them.

        Keys read: `complainant` {name, email, type}; `co_complainants` [{name, email,
        type, confirmed or confirmed_at}]; `permit_holder` {name, email}; `authority_name`,
        `authority_email`; `board_code`, `board_name`, `board_email`. Missing optional
        parties are None.
        """
        main = data["complainant"]
        holder = data.get("permit_holder") or {}
        board_code = data.get("board_code")
        return cls(
            complainant=Complainant(
                name=main.get("name") or "",
                email=main.get("email"),
                type=main.get("type") or data.get("complainant_type"),
            ),
            authority=Authority(
                name=data.get("authority_name") or "", email=data.get("authority_email")
            ),
            permit_holder=(
                PermitHolder(name=holder.get("name") or "", email=holder.get("email"))
                if holder.get("name") or holder.get("email")
                else None
            ),
            co_complainants=tuple(
                CoComplainant(
                    name=entry.get("name") or "",
                    email=entry.get("email"),
                    type=entry.get("type"),
                    confirmed=bool(entry.get("confirmed") or entry.get("confirmed_at")),
                )
                for entry in data.get("co_complainants") or ()
            ),
            board=(
                Board(
                    name=data.get("board_name") or board_code or "",
                    email=data.get("board_email"),
                    code=board_code,
                )
                if board_code or data.get("board_email")
                else None
            ),
        )


def all_confirmed(parties: Parties) -> bool:
    """True when every co-complainant has confirmed (trivially so without co-complainants).

    A complaint letter with co-complainants is filed only when all have confirmed it.
    """
    return all(co.confirmed for co in parties.co_complainants)


def unconfirmed(parties: Parties) -> list[CoComplainant]:
    """The co-complainants who have not confirmed yet, in the order they were added."""
    return [co for co in parties.co_complainants if not co.confirmed]


def complainant_types(parties: Parties) -> tuple[str | None, list[str | None]]:
    """The complainant's type and the co-complainants' types: the arguments of `fee_for`.

    A type that is not known is None, which `fee_for` refuses rather than guess a rate.
    """
    return parties.complainant.type, [co.type for co in parties.co_complainants]


def _by_role(parties: Parties, role: PartyRole) -> list[Party]:
    if role == "co_complainant":
        return list(parties.co_complainants)
    found = getattr(parties, role)
    return [found] if found is not None else []


def recipients(parties: Parties, event: str) -> list[Party]:
    """The parties to notify of `event`, in the order of `NOTIFIED`; absent parties skipped."""
    if event not in NOTIFIED:
        raise ValueError(f"event must be one of {', '.join(EVENTS)}, got {event!r}")
    return [party for role in NOTIFIED[event] for party in _by_role(parties, role)]


def recipient_emails(parties: Parties, event: str) -> list[str]:
    """The e-mail addresses to notify of `event`: without blanks, each address once."""
    return _unique(party.email for party in recipients(parties, event) if party.email)


def _unique(addresses: Iterable[str]) -> list[str]:
    # E-mail addresses compare case-insensitively in practice; keep the first spelling.
    seen: dict[str, str] = {}
    for address in addresses:
        seen.setdefault(address.strip().lower(), address.strip())
    return list(seen.values())


# -- joint complaints: inviting co-complainants --------------------------------------------

_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
InvitationProblem = Literal["missing_name", "bad_email", "self", "duplicate"]


def normal_email(address: str | None) -> str:
    """An e-mail address as compared: trimmed and lower-case ('' for none)."""
    return (address or "").strip().lower()


def invitation_problems(
    invitees: Iterable[Mapping[str, Any]],
    *,
    own_email: str | None,
    already: Iterable[str] = (),
) -> list[tuple[InvitationProblem, str]]:
    """Why invitees ({name, email}) cannot be invited, as (problem, name or address) pairs.

    A co-complainant is invited by name and e-mail address: both are needed, the address
    must look like one, the complainant cannot invite themself (their own address), and
    no address may be invited twice (among `invitees` or those `already` invited).
    """
    problems: list[tuple[InvitationProblem, str]] = []
    seen = {normal_email(address) for address in already}
    for invitee in invitees:
        name = (invitee.get("name") or "").strip()
        address = normal_email(invitee.get("email"))
        if not name:
            problems.append(("missing_name", address))
        elif not _ADDRESS.match(address):
            problems.append(("bad_email", name))
        elif own_email and address == normal_email(own_email):
            problems.append(("self", name))
        elif address in seen:
            problems.append(("duplicate", address))
        seen.add(address)
    return problems


def active_co_complainants(entries: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The co-complainants still part of the complaint (those who declined are not)."""
    return [entry for entry in entries if not entry.get("declined_at")]


def is_permit_holder(holder: Mapping[str, Any] | None, *, username: str, email: str | None) -> bool:
    """Whether an account is the permit holder recorded on a decision.

    The rule: when the decision names the holder's account (`username`), that account and
    no other; else the account whose e-mail address is the holder's address on the
    decision (compared trimmed and case-insensitively). Permit holders' accounts are made
    by an administrator, who sets the address, so nobody can claim a decision by typing
    an address of their own.
    """
    holder = holder or {}
    if holder.get("username"):
        return holder["username"] == username
    recorded = normal_email(holder.get("email"))
    return bool(recorded) and recorded == normal_email(email)
