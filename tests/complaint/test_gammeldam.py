"""The Gammeldam complaint walked through every branch of the complaint process.

Sønderborg Kommune published the landzone permit on Friday 11 July 2025; the klagefrist
ended Friday 8 August 2025 23:59. The authority's forwarding guideline is 3 weeks later
(29 August 23:59); the fee is due 14 days after it is requested.
"""

from __future__ import annotations

import pytest

from engine import Conflict, InvalidData, clock
from tests.complaint.conftest import AUTHORITY_GROUP, BOARD_GROUP

pytestmark = pytest.mark.both_databases


def forwarded_and_paid(file_complaint, **overrides):
    case = file_complaint(**overrides)
    case.at("2025-08-12T09:00:00+02:00")
    case.forward()
    case.at("2025-08-14T12:00:00+02:00")
    case.pay()
    return case


# -- filing ------------------------------------------------------------------------------------


def test_a_complaint_filed_in_time_reaches_the_authority_which_is_told_at_once(file_complaint):
    case = file_complaint()
    data = case.data
    assert data["in_time"] is True
    assert data["forwarding_due_at"] == "2025-08-29T21:59:59+00:00"
    assert set(case.open_tasks()) == {"reconsider"}
    task = case.open_tasks()["reconsider"]
    assert task.candidate_group == AUTHORITY_GROUP
    assert task.due_at.isoformat().startswith("2025-08-29T21:59:59")
    [mail] = case.mails("complaint_filed_authority")
    assert mail["recipients"] == ["plan@soenderborg.example"]
    assert "KP-2025-000123" in mail["subject"]
    assert case.tracking()["status"] == "filed"  # "with_authority" once it is taken up
    assert case.tracking()["waiting_for"] == "authority"


def late_complaint_at_the_board(file_complaint):
    case = file_complaint(filed_at="2025-08-09T00:00:30+02:00")  # 31 seconds late
    case.at("2025-08-12T09:00:00+02:00")
    case.forward()
    return case


def test_a_late_complaint_has_no_suspensive_effect_in_the_data_and_in_track_and_trace(
    file_complaint,
):
    case = file_complaint(filed_at="2025-08-09T00:00:30+02:00")  # a landzone permit
    data = case.data
    assert data["in_time"] is False
    assert (data["suspensive_by_law"], data["suspensive_rule"]) == (False, "late complaint")
    assert data["permit_usable"] is True
    assert case.tracking()["suspensive_effect"] == {
        "in_effect": False,
        "decided_by_board": False,
        "reason": "late",
    }
    [mail] = case.mails("complaint_filed_permit_holder")
    assert "ikke opsættende virkning" in _body(case, mail)


def test_a_late_complaint_forwarded_by_the_authority_waits_for_the_board_before_any_fee(
    file_complaint,
):
    case = late_complaint_at_the_board(file_complaint)
    assert case.status == "running"
    task = case.open_tasks()["assess_lateness"]
    assert (task.name, task.candidate_group) == ("Vurder fristoverskridelse", BOARD_GROUP)
    assert task.documentation.startswith("Klagen er indgivet efter klagefristen.")
    assert case.mails("fee_request") == [], "the lateness is assessed before the fee"
    assert case.data.get("fee_requested_at") is None
    assert case.data["outcome"] is None
    tracking = case.tracking()
    assert (tracking["status"], tracking["waiting_for"]) == ("forwarded", "board")


def test_a_late_complaint_the_board_excuses_goes_on_to_the_fee_and_the_decision(file_complaint):
    case = late_complaint_at_the_board(file_complaint)
    case.at("2025-08-13T10:00:00+02:00")
    case.complete(
        "assess_lateness",
        BOARD_GROUP,
        lateness_ruling="accept",
        lateness_reasons="Klagen blev ved en fejl sendt til Miljøstyrelsen i tide.",
    )
    data = case.data
    assert data["lateness_ruling"] == "accept"
    assert data["suspensive_by_law"] is False, "an excused late complaint still suspends nothing"
    assert data["fee_requested_at"].startswith("2025-08-13")
    [fee] = case.mails("fee_request")
    assert fee["recipients"] == ["klager@example.dk"]
    assert case.tracking()["status"] == "awaiting_fee"
    case.pay()
    case.at("2025-09-03T00:00:01+02:00")
    case.screen()
    case.decide("aendring")
    data = case.data
    assert case.status == "completed"
    assert (data["outcome"], data["rejection_reason"]) == ("aendring", None)
    assert data["refund"] is True and data["fee_refunded_at"] is not None
    assert case.tracking()["outcome_label"] == "Ændret"


def test_a_late_complaint_the_board_rejects_is_closed_with_its_reasons_sent_to_the_parties(
    file_complaint,
):
    case = late_complaint_at_the_board(file_complaint)
    case.at("2025-08-20T10:00:00+02:00")
    reasons = "Klagen er indgivet efter fristen, og der er ingen undskyldelige omstændigheder."
    case.complete(
        "assess_lateness", BOARD_GROUP, lateness_ruling="reject", lateness_reasons=reasons
    )
    data = case.data
    assert case.status == "completed"
    assert (data["outcome"], data["rejection_reason"]) == ("afvisning", "late")
    assert data["decided_at"].startswith("2025-08-20T08:00:00")
    assert data["lateness_reasons"] == reasons
    assert case.mails("fee_request") == []
    assert data["refund"] is False and data["fee_refunded_at"] is None  # no fee was paid
    [decision] = case.mails("board_decision")
    assert set(decision["recipients"]) == {"klager@example.dk", "ansoeger@example.dk",
                                           "plan@soenderborg.example"}  # fmt: skip
    body = _body(case, decision)
    assert "klagen er indgivet efter klagefristen" in body
    assert reasons in body
    tracking = case.tracking()
    assert tracking["status"] == "closed"
    assert (tracking["outcome"], tracking["rejection_reason"]) == ("afvisning", "late")
    assert tracking["outcome_label"] == "Afvist som for sent indgivet"
    assert tracking["outcome_label_en"] == "Rejected as filed too late"
    assert tracking["suspensive_effect"]["in_effect"] is False


def test_a_rejection_as_late_needs_the_boards_reasons(file_complaint):
    case = late_complaint_at_the_board(file_complaint)
    with pytest.raises(InvalidData) as refused:
        case.complete("assess_lateness", BOARD_GROUP, lateness_ruling="reject")
    assert "lateness_reasons" in refused.value.fields
    assert set(case.open_tasks()) == {"assess_lateness"}


def test_a_late_complaint_may_be_withdrawn_while_the_board_assesses_the_lateness(file_complaint):
    case = late_complaint_at_the_board(file_complaint)
    case.message("withdrawn", at=clock.now().isoformat(), by="klager")
    assert case.status == "completed"
    assert case.data["outcome"] == "tilbagetraekning"
    assert case.open_tasks() == {}


# -- suspensive effect ---------------------------------------------------------------------------


def test_a_landzone_permit_is_suspended_by_law_and_the_holder_is_told_at_once(file_complaint):
    case = file_complaint()
    assert case.data["suspensive_by_law"] is True
    assert case.data["permit_usable"] is False
    [mail] = case.mails("complaint_filed_permit_holder")
    assert mail["recipients"] == ["ansoeger@example.dk"]
    body = _body(case, mail)
    assert "har opsættende virkning" in body
    assert case.tracking()["suspensive_effect"] == {
        "in_effect": True,
        "decided_by_board": False,
        "reason": "law",
    }


def test_a_lokalplan_dispensation_is_not_suspended_but_the_holder_is_still_told(file_complaint):
    case = file_complaint(legal_basis="planloven-19")
    assert case.data["suspensive_by_law"] is False
    assert case.data["permit_usable"] is True
    [mail] = case.mails("complaint_filed_permit_holder")
    assert "ikke opsættende virkning" in _body(case, mail)


def test_a_request_for_suspensive_effect_is_a_board_task_and_the_ruling_is_sent(file_complaint):
    case = file_complaint(legal_basis="planloven-19", suspensive_effect_requested=True)
    case.at("2025-08-12T09:00:00+02:00")
    case.forward()
    task = case.open_tasks()["rule_suspension"]
    assert task.candidate_group == BOARD_GROUP
    case.complete(
        "rule_suspension",
        BOARD_GROUP,
        grant_suspension=True,
        suspension_reason="Byggeriet kan ikke gøres om.",
    )
    assert case.data["suspensive_effect"] is True
    [ruling] = case.mails("suspension_ruling")
    assert "ansoeger@example.dk" in ruling["recipients"]
    assert case.tracking()["suspensive_effect"] == {
        "in_effect": True,
        "decided_by_board": True,
        "reason": "board",
    }
    assert case.mails("fee_request"), "the case goes on to the fee"


# -- the authority -----------------------------------------------------------------------------


def test_the_authority_changing_its_decision_ends_the_case(file_complaint):
    case = file_complaint()
    case.at("2025-08-15T09:00:00+02:00")
    case.complete(
        "reconsider",
        AUTHORITY_GROUP,
        authority_action="change",
        statement="Kommunen genoptager sagen og ændrer afgørelsen.",
    )
    assert case.status == "completed"
    assert case.data["authority_changed_at"].startswith("2025-08-15T07:00:00")
    assert case.data["forwarded_at"] is None
    [mail] = case.mails("decision_changed_by_authority")
    assert set(mail["recipients"]) == {"klager@example.dk", "ansoeger@example.dk"}
    assert case.tracking()["status"] == "closed"
    assert case.open_tasks() == {}


def test_forwarding_late_sends_three_weekly_reminders_to_the_authority(file_complaint):
    case = file_complaint()
    assert case.at("2025-08-29T23:59:59+02:00") == 0, "not before the guideline has passed"
    assert case.at("2025-08-30T00:00:01+02:00") == 1
    assert case.at("2025-09-05T23:59:00+02:00") == 0
    assert case.at("2025-09-06T00:00:01+02:00") == 1
    case.at("2025-09-13T00:00:01+02:00")
    case.at("2025-10-31T12:00:00+02:00")
    reminders = case.mails("forwarding_reminder")
    assert len(reminders) == 3
    assert all(m["recipients"] == ["plan@soenderborg.example"] for m in reminders)
    assert case.data["reminders_sent"] == 3
    assert sorted("påmindelse nr. 3" in _body(case, m) for m in reminders) == [False, False, True]
    assert set(case.open_tasks()) == {"reconsider"}, "reminders do not take the task away"
    case.forward()
    assert "fee_request" in {m["template"] for m in case.mails()}


def test_a_late_complaint_gives_the_authority_three_weeks_from_its_filing_day_then_reminders(
    file_complaint,
):
    # Filed on 10 September, after the klagefrist (8 August) and after the guideline counted
    # from it (29 August): the authority cannot forward what it has not received, so its
    # three weeks run from the filing day to 1 October, and no reminder goes out at filing.
    case = file_complaint(filed_at="2025-09-10T09:00:00+02:00")
    assert case.data["in_time"] is False
    assert case.data["forwarding_due_at"] == "2025-10-01T21:59:59+00:00"
    assert case.mails("forwarding_reminder") == []
    assert case.at("2025-10-01T23:59:59+02:00") == 0, "not before the guideline has passed"
    assert case.at("2025-10-02T00:00:01+02:00") == 1
    [reminder] = case.mails("forwarding_reminder")
    assert "påmindelse nr. 1" in _body(case, reminder)
    assert case.at("2025-10-09T00:00:01+02:00") == 1
    assert case.data["reminders_sent"] == 2


# -- the fee ---------------------------------------------------------------------------------


def test_forwarding_sends_the_statement_for_comments_and_requests_the_fee(file_complaint):
    case = file_complaint()
    case.at("2025-08-12T09:00:00+02:00")
    case.forward("Kommunen fastholder afgørelsen; landskabet er vurderet.")
    data = case.data
    assert data["forwarded_at"].startswith("2025-08-12T07:00:00")
    assert data["comments_due_at"] == "2025-09-02T21:59:59+00:00"  # 3 weeks from receipt
    assert (data["fee_amount_dkk"], data["fee_rate"]) == (900, "private")
    assert data["fee_due_at"] == "2025-08-26T21:59:59+00:00"  # 14 days
    [hearing] = case.mails("complaint_forwarded")
    assert "pkn@naevneneshus.example" in hearing["recipients"]
    [fee] = case.mails("fee_request")
    assert fee["recipients"] == ["klager@example.dk"]
    assert "900 kr." in _body(case, fee)
    assert case.tracking()["status"] == "awaiting_fee"
    assert case.tracking()["waiting_for"] == "complainant"


def test_a_joint_complaint_with_an_organisation_pays_the_higher_fee(file_complaint):
    case = file_complaint(
        co_complainants=[{"name": "Als Naturforening", "email": "post@forening.example",
                          "type": "organisation"}]
    )  # fmt: skip
    case.at("2025-08-12T09:00:00+02:00")
    case.forward()
    assert (case.data["fee_amount_dkk"], case.data["fee_rate"]) == (1800, "higher")
    [fee] = case.mails("fee_request")
    assert set(fee["recipients"]) == {"klager@example.dk", "post@forening.example"}


def test_a_fee_paid_in_time_lets_the_board_screen_after_the_hearing(file_complaint):
    case = forwarded_and_paid(file_complaint)
    assert case.data["fee_paid_at"].startswith("2025-08-14")
    assert case.open_tasks() == {}, "the hearing runs until 2 September"
    case.at("2025-09-02T23:59:59+02:00")
    assert case.open_tasks() == {}
    case.at("2025-09-03T00:00:01+02:00")
    assert set(case.open_tasks()) == {"screening"}
    assert case.tracking()["status"] == "under_consideration"


@pytest.mark.parametrize("pays_at", [None, "2025-09-01T10:00:00+02:00"])
def test_a_fee_never_paid_or_paid_late_gets_the_complaint_rejected(file_complaint, pays_at):
    case = file_complaint()
    case.at("2025-08-12T09:00:00+02:00")
    case.forward()
    assert case.at("2025-08-26T23:59:59+02:00") == 0
    assert case.at("2025-08-27T00:00:01+02:00") == 1
    data = case.data
    assert case.status == "completed"
    assert (data["outcome"], data["rejection_reason"]) == ("afvisning", "non_payment")
    assert data["refund"] is False
    if pays_at:
        case.at(pays_at)
        with pytest.raises(Conflict):
            case.pay(amount=900)


# -- the board -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "refunded"),
    [
        ({"outcome": "stadfaestelse"}, False),
        ({"outcome": "stadfaestelse", "complainant_won": True}, True),
        ({"outcome": "aendring"}, True),
        ({"outcome": "aendring", "only_change_is_longer_compliance_deadline": True}, False),
        ({"outcome": "ophaevelse"}, True),
        ({"outcome": "ophaevelse_hjemvisning"}, True),
    ],
)
def test_each_board_outcome_refunds_the_fee_as_the_rules_say(file_complaint, decision, refunded):
    case = forwarded_and_paid(file_complaint)
    case.at("2025-09-03T00:00:01+02:00")
    case.screen()
    case.at("2025-11-20T14:00:00+01:00")
    case.decide(**decision)
    data = case.data
    assert case.status == "completed"
    assert data["outcome"] == decision["outcome"]
    assert data["decided_at"].startswith("2025-11-20T13:00:00")
    assert data["refund"] is refunded
    assert (data["fee_refunded_at"] is not None) is refunded
    assert data["lawsuit_deadline"] == "2026-05-20T21:59:59+00:00"  # 6 months
    [mail] = case.mails("board_decision")
    assert set(mail["recipients"]) >= {"klager@example.dk", "ansoeger@example.dk",
                                       "plan@soenderborg.example"}  # fmt: skip
    assert ("tilbagebetales ikke" in _body(case, mail)) is not refunded
    tracking = case.tracking()
    assert tracking["status"] == "closed"
    assert (tracking["fee"]["refunded_at"] is not None) is refunded


@pytest.mark.parametrize(
    ("screening", "reason"),
    [({"standing": False}, "no_standing"), ({"competent": False}, "outside_competence")],
)
def test_a_complaint_without_standing_or_competence_is_rejected_and_refunded(
    file_complaint, screening, reason
):
    case = forwarded_and_paid(file_complaint)
    case.at("2025-09-03T00:00:01+02:00")
    case.screen(**screening)
    data = case.data
    assert (data["outcome"], data["rejection_reason"]) == ("afvisning", reason)
    assert data["refund"] is True and data["fee_refunded_at"] is not None
    assert "decide" not in case.open_tasks()


# -- withdrawal --------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["authority", "fee", "board"])
def test_the_complainant_may_withdraw_at_any_point_before_the_decision(file_complaint, stage):
    case = file_complaint()
    if stage != "authority":
        case.at("2025-08-12T09:00:00+02:00")
        case.forward()
    if stage == "board":
        case.pay()
        case.at("2025-09-03T00:00:01+02:00")
        assert set(case.open_tasks()) == {"screening"}
    case.message("withdrawn", at=clock.now().isoformat(), by="klager")
    data = case.data
    assert case.status == "completed"
    assert data["outcome"] == "tilbagetraekning" and data["withdrawn_at"]
    assert case.open_tasks() == {}
    [mail] = case.mails("complaint_withdrawn")
    assert "plan@soenderborg.example" in mail["recipients"]
    assert case.show().next_timer_due_at is None, "no timer of the case fires afterwards"


def test_after_the_decision_a_withdrawal_is_refused(file_complaint):
    case = forwarded_and_paid(file_complaint)
    case.at("2025-09-03T00:00:01+02:00")
    case.screen()
    case.decide("stadfaestelse")
    with pytest.raises(Conflict):
        case.message("withdrawn", at=clock.now().isoformat(), by="klager")


def _body(case, mail) -> str:
    from engine.models import OutboxMail

    with case.engine.db.read() as session:
        return session.get(OutboxMail, mail["id"]).body_text


def test_the_payment_deadline_follows_the_configured_number_of_days(file_complaint):
    case = file_complaint(payment_days=7)
    case.at("2025-08-12T09:00:00+02:00")
    case.forward()
    assert case.data["fee_due_at"] == "2025-08-19T21:59:59+00:00"
