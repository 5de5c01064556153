"""Legal bases, screening of standing, and whether a permit may be used."""

import re
from datetime import date, datetime

import pytest

from workflows.complaint.deadlines import COPENHAGEN, complaint_deadline
from workflows.complaint.standing import (
    LEGAL_BASES,
    LEGAL_BASES_FILE,
    legal_basis,
    may_complain,
    permit_state,
    read_legal_bases,
)

GAMMELDAM_DEADLINE = complaint_deadline(date(2025, 7, 11), "digital", published=True)


def cph(year, month, day, hour=12, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=COPENHAGEN)


# -- the registry -------------------------------------------------------------------------


def test_the_three_legal_bases_of_the_gammeldam_permit_are_registered():
    assert set(LEGAL_BASES) == {"planloven-35", "planloven-19", "naturbeskyttelsesloven-65"}


def test_a_landzone_permit_goes_to_pkn_is_suspended_by_a_complaint_and_lasts_five_years():
    basis = legal_basis("planloven-35")
    assert basis.board == "PKN"
    assert basis.complaint_provision == "planloven § 58, stk. 1, nr. 1"
    assert basis.suspensive_by_default
    assert "130/2017 § 5" in basis.suspensive_basis
    assert basis.permit_validity_years == 5
    assert not basis.legal_questions_only
    assert basis.label_da.startswith("Landzonetilladelse")


def test_a_lokalplan_dispensation_allows_legal_questions_only_and_is_not_suspended():
    basis = legal_basis("planloven-19")
    assert basis.board == "PKN"
    assert basis.complaint_provision == "planloven § 58, stk. 1, nr. 3"
    assert basis.legal_questions_only
    assert not basis.suspensive_by_default
    assert basis.permit_validity_years == 3


def test_a_protection_line_dispensation_goes_to_mfkn_and_notes_the_missing_basis():
    basis = legal_basis("naturbeskyttelsesloven-65")
    assert basis.board == "MFKN"
    assert basis.act == "naturbeskyttelsesloven"
    assert basis.suspensive_by_default
    assert "NOT FOUND" in basis.suspensive_basis
    assert basis.permit_validity_years == 3


def test_no_permit_may_be_used_before_the_complaint_deadline():
    assert not any(basis.usable_before_deadline for basis in LEGAL_BASES.values())


def test_an_unknown_legal_basis_is_refused_with_the_known_codes():
    with pytest.raises(ValueError, match="planloven-35"):
        legal_basis("byggeloven-16")


# -- the legal bases file -----------------------------------------------------------------

SHIPPED = LEGAL_BASES_FILE.read_text(encoding="utf-8")
BYGGELOVEN = """
[byggeloven-16]
act = "planloven"
provision = "byggeloven § 16"
complaint_provision = "byggeloven § 23"
label_da = "Byggetilladelse (byggeloven § 16)"
label_en = "Building permit (Building Act s. 16)"
board = "PKN"
legal_questions_only = true
national_associations_may_complain = false
usable_before_deadline = true
suspensive_by_default = false
suspensive_basis = "byggeloven § 23: test entry"
permit_validity_years = 1
"""


def test_a_legal_basis_added_to_the_file_is_read_with_every_field(tmp_path):
    path = tmp_path / "legal_bases.toml"
    path.write_text(SHIPPED + BYGGELOVEN, encoding="utf-8")
    bases = read_legal_bases(path)
    assert list(bases) == [*LEGAL_BASES, "byggeloven-16"]
    added = bases["byggeloven-16"]
    assert added.code == "byggeloven-16"
    assert added.provision == "byggeloven § 16"
    assert added.usable_before_deadline
    assert added.permit_validity_years == 1
    assert {code: bases[code] for code in LEGAL_BASES} == LEGAL_BASES


@pytest.mark.parametrize(
    ("written", "instead", "message"),
    [
        ("permit_validity_years = 1\n", "", "lacks field\\(s\\) permit_validity_years"),
        ("board = ", "boards = ", "lacks field\\(s\\) board"),
        (
            'suspensive_basis = "',
            'source = "x"\nsuspensive_basis = "',
            "unknown field\\(s\\) source",
        ),
        ('board = "PKN"', 'board = "Planklagenævnet"', "board must be PKN or MFKN, got 'Plan"),
        (
            'act = "planloven"',
            'act = "byggeloven"',
            "act must be planloven or naturbeskyttelsesloven",
        ),
        (
            "legal_questions_only = true",
            'legal_questions_only = "yes"',
            "legal_questions_only must be true or false, got 'yes'",
        ),
        (
            "permit_validity_years = 1",
            "permit_validity_years = true",
            "permit_validity_years must be a whole number, got True",
        ),
        (
            "permit_validity_years = 1",
            'permit_validity_years = "1"',
            "permit_validity_years must be a whole number, got '1'",
        ),
        (
            'label_en = "Building permit (Building Act s. 16)"',
            "label_en = 16",
            "label_en must be text, got 16",
        ),
    ],
)
def test_a_field_missing_unknown_or_of_the_wrong_kind_is_refused_naming_file_and_code(
    tmp_path, written, instead, message
):
    path = tmp_path / "legal_bases.toml"
    path.write_text(SHIPPED + BYGGELOVEN.replace(written, instead), encoding="utf-8")
    with pytest.raises(ValueError, match=message) as refused:
        read_legal_bases(path)
    assert str(refused.value).startswith(f"{path}: legal basis 'byggeloven-16'")


def test_a_malformed_or_empty_file_is_refused_naming_the_file(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(SHIPPED.replace('board = "PKN"', "board = PKN", 1), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(f"{broken}: not valid TOML")):
        read_legal_bases(broken)
    loose = tmp_path / "loose.toml"
    loose.write_text('board = "PKN"\n' + SHIPPED, encoding="utf-8")
    with pytest.raises(
        ValueError, match=re.escape(f"{loose}: legal basis 'board' must be a table")
    ):
        read_legal_bases(loose)
    empty = tmp_path / "empty.toml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(f"{empty} holds no legal basis")):
        read_legal_bases(empty)


# -- standing under the Planning Act ------------------------------------------------------


@pytest.mark.parametrize("role", ["addressee", "owner", "minister", "national_park_fund"])
def test_the_addressee_owner_minister_and_national_park_funds_may_complain_to_pkn(role):
    assert may_complain(role, "planloven-35").entitled is True


@pytest.mark.parametrize("role", ["neighbour", "authority", "other"])
def test_others_may_complain_to_pkn_with_a_legal_interest(role):
    assert may_complain(role, "planloven-35", legal_interest=True).entitled is True
    assert may_complain(role, "planloven-35", legal_interest=False).entitled is False


def test_a_neighbours_legal_interest_is_for_the_board_to_assess():
    result = may_complain("neighbour", "planloven-35")
    assert result.entitled is None
    assert "board" in result.reason


@pytest.mark.parametrize("code", ["planloven-35", "planloven-19"])
def test_a_national_association_with_statutes_and_100_members_may_complain(code):
    result = may_complain(
        "association",
        code,
        national=True,
        members=100,
        has_statutes=True,
        relevant_purpose=True,
    )
    assert result.entitled is True
    assert "§ 59, stk. 2" in result.reason


def test_a_national_association_with_99_members_needs_a_legal_interest_of_its_own():
    facts = {"national": True, "members": 99, "has_statutes": True, "relevant_purpose": True}
    assert may_complain("association", "planloven-35", **facts).entitled is None
    assert (
        may_complain("association", "planloven-35", legal_interest=False, **facts).entitled is False
    )
    assert (
        may_complain("association", "planloven-35", legal_interest=True, **facts).entitled is True
    )


def test_a_national_association_without_statutes_does_not_meet_the_conditions():
    result = may_complain(
        "association",
        "planloven-35",
        national=True,
        members=5000,
        has_statutes=False,
        relevant_purpose=True,
        legal_interest=False,
    )
    assert result.entitled is False


def test_a_national_association_with_unknown_facts_is_for_the_board():
    assert may_complain("association", "planloven-35", national=True).entitled is None


def test_a_local_association_needs_a_legal_interest_under_the_planning_act():
    assert may_complain("association", "planloven-35", national=False).entitled is None
    assert (
        may_complain("association", "planloven-35", national=False, legal_interest=True).entitled
        is True
    )
    assert may_complain("association", "planloven-35").entitled is None


# -- standing under the Nature Protection Act ---------------------------------------------


@pytest.mark.parametrize("role", ["addressee", "owner", "authority", "minister"])
def test_those_named_in_section_86_may_complain_to_mfkn(role):
    result = may_complain(role, "naturbeskyttelsesloven-65")
    assert result.entitled is True
    assert result.act == "naturbeskyttelsesloven"


def test_neighbours_may_not_complain_to_mfkn_even_with_a_legal_interest():
    result = may_complain("neighbour", "naturbeskyttelsesloven-65", legal_interest=True)
    assert result.entitled is False
    assert "MFKN" in result.reason


def test_a_national_association_needs_no_member_count_under_section_86():
    result = may_complain(
        "association",
        "naturbeskyttelsesloven-65",
        national=True,
        members=10,
        relevant_purpose=True,
    )
    assert result.entitled is True


def test_a_national_association_with_another_purpose_may_not_complain_to_mfkn():
    assert (
        may_complain(
            "association", "naturbeskyttelsesloven-65", national=True, relevant_purpose=False
        ).entitled
        is False
    )


def test_a_local_association_needs_a_significant_interest_under_section_86():
    code = "naturbeskyttelsesloven-65"
    assert may_complain("association", code, national=False).entitled is None
    assert may_complain("association", code, national=False, legal_interest=True).entitled
    assert may_complain("association", code, national=False, legal_interest=False).entitled is False


def test_a_national_park_fund_may_complain_to_mfkn_if_affected():
    code = "naturbeskyttelsesloven-65"
    assert may_complain("national_park_fund", code).entitled is None
    assert may_complain("national_park_fund", code, legal_interest=True).entitled is True


def test_anyone_else_is_not_among_those_section_86_entitles():
    assert may_complain("other", "naturbeskyttelsesloven-65", legal_interest=True).entitled is False


def test_an_unknown_role_is_refused():
    with pytest.raises(ValueError):
        may_complain("journalist", "planloven-35")


# -- using the permit ---------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(LEGAL_BASES))
def test_the_gammeldam_permit_is_blocked_until_the_deadline_at_2359(code):
    assert (
        permit_state(code, cph(2025, 8, 8, 23, 59, 30), GAMMELDAM_DEADLINE, timely_complaint=False)
        == "blocked_until_deadline"
    )
    assert (
        permit_state(code, cph(2025, 8, 9, 0, 0, 0), GAMMELDAM_DEADLINE, timely_complaint=False)
        == "usable"
    )


def test_a_timely_complaint_suspends_a_landzone_permit():
    state = permit_state(
        "planloven-35", cph(2025, 8, 20), GAMMELDAM_DEADLINE, timely_complaint=True
    )
    assert state == "suspended"


def test_a_timely_complaint_suspends_a_protection_line_dispensation_as_seed_001_says():
    state = permit_state(
        "naturbeskyttelsesloven-65", cph(2025, 8, 20), GAMMELDAM_DEADLINE, timely_complaint=True
    )
    assert state == "suspended"


def test_a_lokalplan_dispensation_may_be_used_at_own_risk_while_a_complaint_runs():
    state = permit_state(
        "planloven-19", cph(2025, 8, 20), GAMMELDAM_DEADLINE, timely_complaint=True
    )
    assert state == "usable_at_risk"


def test_the_board_can_lift_or_grant_suspensive_effect():
    at = cph(2025, 8, 20)
    lifted = permit_state(
        "planloven-35", at, GAMMELDAM_DEADLINE, timely_complaint=True, suspension=False
    )
    granted = permit_state(
        "planloven-19", at, GAMMELDAM_DEADLINE, timely_complaint=True, suspension=True
    )
    assert (lifted, granted) == ("usable_at_risk", "suspended")


def test_permit_state_refuses_a_naive_time():
    with pytest.raises(ValueError):
        permit_state(
            "planloven-35", datetime(2025, 8, 20, 12), GAMMELDAM_DEADLINE, timely_complaint=False
        )
