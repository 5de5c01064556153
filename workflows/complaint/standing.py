"""Legal bases of the decisions complained about, who may complain, and opsættende virkning.

Klageberettigelse (standing) is for the board to decide; `may_complain` is a screening aid
that says what the Act's wording suggests and when only the board can tell. Opsættende
virkning (suspensive effect) means the permit may not be used while the complaint runs.
The legal bases themselves are data a lawyer reviews: `legal_bases.toml` beside this module.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args, get_type_hints

from .deadlines import expired_at, require_aware

Act = Literal["planloven", "naturbeskyttelsesloven"]

Role = Literal[
    "addressee",  # adressat: the applicant / permit holder
    "owner",  # ejer of the property
    "neighbour",  # nabo
    "authority",  # offentlig myndighed
    "minister",
    "national_park_fund",  # nationalparkfond
    "association",  # forening or organisation; `national` says which kind
    "other",  # anyone else
]
ROLES: tuple[str, ...] = get_args(Role)

MIN_MEMBERS_NATIONAL_ASSOCIATION = 100

PermitState = Literal["blocked_until_deadline", "usable", "suspended", "usable_at_risk"]


@dataclass(frozen=True)
class LegalBasis:
    """What a kind of decision is, where a complaint about it goes, and what a complaint does.

    `legal_questions_only`: only legal questions (retlige spørgsmål) may be complained
    about, not the authority's discretion. `national_associations_may_complain`: planloven
    § 59, stk. 2 lets national associations complain about this kind of decision. One
    record per table of `legal_bases.toml`, the table's name being the code.
    """

    code: str
    act: Act
    provision: str
    complaint_provision: str
    label_da: str
    label_en: str
    board: Literal["PKN", "MFKN"]
    legal_questions_only: bool
    national_associations_may_complain: bool
    usable_before_deadline: bool
    suspensive_by_default: bool
    suspensive_basis: str
    permit_validity_years: int


LEGAL_BASES_FILE = Path(__file__).resolve().parent / "legal_bases.toml"


def read_legal_bases(path: Path) -> dict[str, LegalBasis]:
    """The legal bases in a TOML file: one table per code, holding every other field.

    ValueError naming the file and the code for a malformed file, a missing or unknown
    field, or a value of the wrong kind (text for a flag, a board that is not PKN or MFKN).
    """
    try:
        with path.open("rb") as file:
            tables = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML: {error}") from None
    fields = get_type_hints(LegalBasis)
    del fields["code"]  # the table's name
    bases: dict[str, LegalBasis] = {}
    for code, values in tables.items():
        where = f"{path}: legal basis {code!r}"
        if not isinstance(values, dict):
            raise ValueError(f"{where} must be a table of fields")
        if missing := [name for name in fields if name not in values]:
            raise ValueError(f"{where} lacks field(s) {', '.join(missing)}")
        if unknown := [name for name in values if name not in fields]:
            raise ValueError(f"{where} has unknown field(s) {', '.join(unknown)}")
        for name, value in values.items():
            if not _fits(value, fields[name]):
                raise ValueError(f"{where}: {name} must be {_kind(fields[name])}, got {value!r}")
        bases[code] = LegalBasis(code=code, **values)
    if not bases:
        raise ValueError(f"{path} holds no legal basis")
    return bases


def _fits(value: object, field_type: Any) -> bool:
    """Whether a value read from TOML is of the field's type (true is no number, 1 no flag)."""
    choices = get_args(field_type)
    return value in choices if choices else type(value) is field_type


_KINDS = {str: "text", bool: "true or false", int: "a whole number"}


def _kind(field_type: Any) -> str:
    choices = get_args(field_type)
    return " or ".join(choices) if choices else _KINDS[field_type]


LEGAL_BASES: dict[str, LegalBasis] = read_legal_bases(LEGAL_BASES_FILE)


def legal_basis(code: str) -> LegalBasis:
    """The legal basis registered under `code`; ValueError naming the known codes if none."""
    try:
        return LEGAL_BASES[code]
    except KeyError:
        raise ValueError(f"unknown legal basis {code!r}; known: {', '.join(LEGAL_BASES)}") from None


@dataclass(frozen=True)
class StandingAssessment:
    """The screening result: `entitled` is None when only the board can tell."""

    entitled: bool | None
    reason: str
    act: Act


def may_complain(
    complainant_role: str,
    legal_basis_code: str,
    *,
    members: int | None = None,
    has_statutes: bool | None = None,
    national: bool | None = None,
    legal_interest: bool | None = None,
    relevant_purpose: bool | None = None,
) -> StandingAssessment:
    """Screen whether someone in `complainant_role` may complain about this kind of decision.

    Planloven § 59: the minister and anyone with a legal interest (retlig interesse) in the
    outcome; for § 58, stk. 1, nr. 1 and 3 also national associations whose main purpose is
    nature and environment or land-use user interests (`relevant_purpose`), with statutes
    and at least 100 members. Legal interest is read broadly, but complainants 2.6 km and
    3.6 km away have been refused.

    Naturbeskyttelsesloven § 86: the addressee, the owner, public authorities, an affected
    national-park fund, local associations with a significant interest (`legal_interest`),
    national nature, environment and recreational associations (the board may ask for their
    statutes; no member count). Per MFKN guidance neighbours are not entitled.

    The board decides standing; a None answer means the facts given do not settle it.
    """
    if complainant_role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {complainant_role!r}")
    basis = legal_basis(legal_basis_code)
    if basis.act == "planloven":
        entitled, reason = _planloven_59(
            complainant_role,
            basis,
            members=members,
            has_statutes=has_statutes,
            national=national,
            legal_interest=legal_interest,
            relevant_purpose=relevant_purpose,
        )
    else:
        entitled, reason = _naturbeskyttelsesloven_86(
            complainant_role,
            national=national,
            legal_interest=legal_interest,
            relevant_purpose=relevant_purpose,
        )
    return StandingAssessment(entitled=entitled, reason=reason, act=basis.act)


def _by_legal_interest(legal_interest: bool | None, who: str) -> tuple[bool | None, str]:
    if legal_interest is None:
        return None, f"{who}: depends on a legal interest in the outcome, for the board to assess"
    if legal_interest:
        return True, f"{who} with a legal interest in the outcome (planloven § 59, stk. 1)"
    return False, f"{who} without a legal interest in the outcome (planloven § 59, stk. 1)"


def _all_known_true(*facts: bool | None) -> bool | None:
    if any(fact is False for fact in facts):
        return False
    return None if any(fact is None for fact in facts) else True


def _national_association_59(
    members: int | None,
    has_statutes: bool | None,
    relevant_purpose: bool | None,
    legal_interest: bool | None,
) -> tuple[bool | None, str]:
    enough_members = None if members is None else members >= MIN_MEMBERS_NATIONAL_ASSOCIATION
    met = _all_known_true(relevant_purpose, has_statutes, enough_members)
    conditions = "a relevant main purpose, statutes and at least 100 members"
    if met is None:
        return None, f"national association: check {conditions} (planloven § 59, stk. 2)"
    if met:
        return True, f"national association meets {conditions} (planloven § 59, stk. 2)"
    reason = f"national association does not meet {conditions} (planloven § 59, stk. 2)"
    if legal_interest is None:
        return None, f"{reason}; only a legal interest of its own could give standing"
    return False, reason


def _planloven_59(
    role: str,
    basis: LegalBasis,
    *,
    members: int | None,
    has_statutes: bool | None,
    national: bool | None,
    legal_interest: bool | None,
    relevant_purpose: bool | None,
) -> tuple[bool | None, str]:
    if role == "minister":
        return True, "the minister may always complain (planloven § 59, stk. 1)"
    if role in ("addressee", "owner"):
        return True, f"the {role} has a legal interest in the outcome (planloven § 59, stk. 1)"
    if role == "national_park_fund":
        return True, "national-park funds are named in planloven § 59, stk. 1"
    if role == "association" and not legal_interest:
        if national is None:
            return None, "association: national or local? A local one needs a legal interest"
        if national and basis.national_associations_may_complain:
            return _national_association_59(members, has_statutes, relevant_purpose, legal_interest)
        return _by_legal_interest(legal_interest, "local association")
    return _by_legal_interest(legal_interest, role.replace("_", " "))


def _naturbeskyttelsesloven_86(
    role: str,
    *,
    national: bool | None,
    legal_interest: bool | None,
    relevant_purpose: bool | None,
) -> tuple[bool | None, str]:
    if role in ("addressee", "owner", "authority", "minister"):
        return True, f"the {role} is named in naturbeskyttelsesloven § 86"
    if role == "neighbour":
        return False, "per MFKN guidance neighbours may not complain under § 86"
    if role == "national_park_fund":
        if legal_interest is None:
            return None, "a national-park fund may complain if it is affected (§ 86)"
        return legal_interest, "an affected national-park fund may complain (§ 86)"
    if role == "association":
        if national:
            if relevant_purpose is None:
                return None, "national association: the board checks its purpose (§ 86)"
            return relevant_purpose, (
                "national nature, environment or recreational association (§ 86); "
                "the board may ask for its statutes"
            )
        if national is False or legal_interest is not None:
            if legal_interest is None:
                return None, "local association: needs a significant interest (§ 86)"
            return legal_interest, "local association with a significant interest (§ 86)"
        return None, "association: national or local? (§ 86)"
    return False, "not among those naturbeskyttelsesloven § 86 entitles to complain"


def permit_state(
    legal_basis_code: str,
    at: datetime,
    complaint_deadline: datetime,
    *,
    timely_complaint: bool,
    suspension: bool | None = None,
) -> PermitState:
    """Whether the permit holder may use the permit at `at`, until the board decides.

    - blocked_until_deadline: the complaint deadline has not passed (no use before it);
    - usable: the deadline passed without a timely complaint;
    - suspended: a timely complaint has suspensive effect (by default for the legal basis,
      or because the board granted it: `suspension` True);
    - usable_at_risk: a complaint runs without suspensive effect (by default, or because
      the board lifted it: `suspension` False); the holder acts at own risk.
    After the board's decision the permit stands or falls with the outcome.
    """
    basis = legal_basis(legal_basis_code)
    require_aware(at, "at")
    if at < expired_at(complaint_deadline) and not basis.usable_before_deadline:
        return "blocked_until_deadline"
    if not timely_complaint:
        return "usable"
    suspended = basis.suspensive_by_default if suspension is None else suspension
    return "suspended" if suspended else "usable_at_risk"
