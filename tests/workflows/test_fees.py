"""The gebyr: amounts by complainant type and year, joint complaints, and refunds."""

from datetime import date

import pytest

from workflows.complaint.fees import (
    FEE_TABLE,
    Fee,
    RefundDecision,
    fee_amounts,
    fee_charged_at_forwarding,
    fee_for,
    refund_due,
)

ON = date(2025, 8, 20)


# -- amounts ------------------------------------------------------------------------------


def test_a_private_person_pays_900():
    assert fee_for("private", [], ON) == Fee(amount_dkk=900, rate="private", year=2025)


@pytest.mark.parametrize("kind", ["company", "organisation", "authority"])
def test_companies_organisations_and_authorities_pay_1800(kind):
    assert fee_for(kind, [], ON) == Fee(amount_dkk=1800, rate="higher", year=2025)


def test_a_joint_complaint_of_private_persons_pays_one_fee_at_the_private_rate():
    assert fee_for("private", ["private", "private"], ON).amount_dkk == 900


@pytest.mark.parametrize("co", ["company", "organisation", "authority"])
def test_a_joint_complaint_pays_the_higher_rate_if_any_co_complainant_is_not_private(co):
    assert fee_for("private", ["private", co], ON) == Fee(1800, "higher", 2025)


def test_a_company_with_private_co_complainants_pays_the_higher_rate():
    assert fee_for("company", ["private"], ON).rate == "higher"


def test_the_table_holds_900_and_1800_for_every_year_2016_to_2026():
    assert set(FEE_TABLE) == set(range(2016, 2027))
    assert set(FEE_TABLE.values()) == {(900, 1800)}


def test_a_year_beyond_the_table_uses_the_latest_known_amounts():
    assert fee_amounts(2031) == FEE_TABLE[max(FEE_TABLE)]
    assert fee_for("private", [], date(2031, 1, 1)) == Fee(900, "private", 2031)


def test_a_year_before_the_table_is_refused():
    with pytest.raises(ValueError):
        fee_amounts(2015)


@pytest.mark.parametrize("kind", ["person", "", None])
def test_an_unknown_complainant_type_is_refused(kind):
    with pytest.raises(ValueError):
        fee_for(kind, [], ON)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        fee_for("private", [kind], ON)  # type: ignore[list-item]


def test_the_fee_is_charged_at_forwarding_for_complaints_filed_from_4_june_2024():
    assert not fee_charged_at_forwarding(date(2024, 6, 3))
    assert fee_charged_at_forwarding(date(2024, 6, 4))


# -- refunds ------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["aendring", "ophaevelse", "ophaevelse_hjemvisning"])
@pytest.mark.parametrize("board", ["PKN", "MFKN"])
def test_the_fee_is_refunded_when_the_decision_is_changed_or_annulled(outcome, board):
    assert refund_due(outcome, board=board).refund


@pytest.mark.parametrize("board", ["PKN", "MFKN"])
def test_the_fee_is_not_refunded_when_the_decision_is_confirmed(board):
    decision = refund_due("stadfaestelse", board=board)
    assert decision == RefundDecision(False, decision.reason)
    assert "stadfæstelse" in decision.reason


@pytest.mark.parametrize("board", ["PKN", "MFKN"])
def test_the_fee_is_refunded_when_the_complainant_wins_partly(board):
    assert refund_due("stadfaestelse", board=board, complainant_won=True).refund
    assert not refund_due("stadfaestelse", board=board, complainant_won=False).refund


@pytest.mark.parametrize("reason", ["late", "no_standing", "outside_competence"])
@pytest.mark.parametrize("board", ["PKN", "MFKN"])
def test_the_fee_is_refunded_when_rejected_as_late_without_standing_or_competence(reason, board):
    assert refund_due("afvisning", rejection_reason=reason, board=board).refund


@pytest.mark.parametrize("reason", ["not_via_portal", "other"])
def test_pkn_refunds_any_rejection_without_a_review_on_the_merits(reason):
    decision = refund_due("afvisning", rejection_reason=reason, board="PKN")
    assert decision.refund
    assert "§ 8" in decision.reason


@pytest.mark.parametrize("reason", ["not_via_portal", "other"])
def test_mfkn_does_not_refund_other_rejections(reason):
    assert not refund_due("afvisning", rejection_reason=reason, board="MFKN").refund


@pytest.mark.parametrize("board", ["PKN", "MFKN"])
def test_a_complaint_rejected_for_non_payment_has_no_fee_to_refund(board):
    decision = refund_due("afvisning", rejection_reason="non_payment", board=board)
    assert not decision.refund
    assert "no fee was paid" in decision.reason


@pytest.mark.parametrize("board", ["PKN", "MFKN"])
def test_no_refund_when_the_only_change_is_a_longer_compliance_deadline(board):
    decision = refund_due("aendring", board=board, only_change_is_longer_compliance_deadline=True)
    assert not decision.refund
    assert "compliance deadline" in decision.reason


def test_the_compliance_deadline_exception_wins_over_a_claimed_partial_win():
    decision = refund_due(
        "aendring", complainant_won=True, only_change_is_longer_compliance_deadline=True
    )
    assert not decision.refund


@pytest.mark.parametrize("outcome", ["stadfaestelse", "ophaevelse", "afvisning"])
def test_the_compliance_deadline_exception_applies_to_a_change_only(outcome):
    with pytest.raises(ValueError):
        refund_due(outcome, rejection_reason="late", only_change_is_longer_compliance_deadline=True)


def test_a_withdrawn_complaint_gets_no_refund_by_default():
    assert not refund_due("tilbagetraekning").refund


def test_a_withdrawn_complaint_is_refunded_where_the_board_has_made_a_rule():
    assert refund_due("tilbagetraekning", refund_on_withdrawal=True).refund


def test_a_rejection_needs_a_known_reason():
    with pytest.raises(ValueError):
        refund_due("afvisning")
    with pytest.raises(ValueError):
        refund_due("afvisning", rejection_reason="rude")


def test_unknown_outcomes_and_boards_are_refused():
    with pytest.raises(ValueError):
        refund_due("frifindelse")
    with pytest.raises(ValueError):
        refund_due("aendring", board="EKN")
