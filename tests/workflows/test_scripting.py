"""The helpers BPMN scripts call: text in, text out, same rules as the Python API."""

from workflows.complaint.scripting import (
    board_for,
    comment_deadline_utc,
    complaint_deadline_utc,
    deadline_passed_utc,
    fee,
    filed_in_time,
    forwarding_deadline_utc,
    lawsuit_deadline_utc,
    payment_deadline_utc,
    permit_state,
    refund,
    script_helpers,
    suspensive_by_default,
    valid_reference,
)

GAMMELDAM = "2025-08-08T21:59:59+00:00"


def test_a_script_gets_the_gammeldam_deadline_as_a_utc_timer_value():
    assert complaint_deadline_utc("2025-07-11", "digital", True) == GAMMELDAM


def test_a_script_gets_a_posted_decisions_deadline_from_the_letter_date():
    assert complaint_deadline_utc("2025-07-11", "post") == "2025-08-18T21:59:59+00:00"


def test_the_timer_for_a_passed_deadline_fires_at_danish_midnight():
    assert deadline_passed_utc(GAMMELDAM) == "2025-08-08T22:00:00+00:00"


def test_a_script_checks_a_filing_time_against_the_deadline():
    assert filed_in_time("2025-08-08T23:59:30+02:00", GAMMELDAM)
    assert not filed_in_time("2025-08-09T00:00:00+02:00", GAMMELDAM)


def test_a_script_gets_the_follow_up_deadlines_in_utc():
    assert forwarding_deadline_utc(GAMMELDAM) == "2025-08-29T21:59:59+00:00"
    assert comment_deadline_utc("2025-09-01") == "2025-09-22T21:59:59+00:00"
    assert payment_deadline_utc("2025-08-20T08:00:00+00:00") == "2025-09-03T21:59:59+00:00"
    assert payment_deadline_utc("2025-08-20", 30) == "2025-09-19T21:59:59+00:00"
    assert lawsuit_deadline_utc("2025-08-31") == "2026-02-28T22:59:59+00:00"


def test_a_script_gets_the_fee_and_the_refund_as_plain_dicts():
    assert fee("private", ["company"], "2025-08-20") == {
        "amount_dkk": 1800,
        "rate": "higher",
        "year": 2025,
    }
    assert fee("private", None, "2025-08-20")["amount_dkk"] == 900
    assert refund("afvisning", "late", "MFKN")["refund"] is True
    assert refund("aendring", only_change_is_longer_compliance_deadline=True)["refund"] is False


def test_a_script_looks_up_the_board_and_suspensive_effect_of_a_legal_basis():
    assert board_for("naturbeskyttelsesloven-65") == "MFKN"
    assert suspensive_by_default("planloven-35") is True
    assert suspensive_by_default("planloven-19") is False


def test_a_script_asks_whether_the_permit_may_be_used():
    assert permit_state("planloven-35", "2025-08-20T10:00:00+02:00", GAMMELDAM, True) == "suspended"


def test_a_script_validates_a_reference():
    assert valid_reference("KP-2025-000123")
    assert not valid_reference("KP-2025-123")


def test_every_helper_is_registered_under_its_own_name():
    helpers = script_helpers()
    assert helpers["complaint_deadline_utc"] is complaint_deadline_utc
    assert len(helpers) == 13
    assert all(callable(helper) for helper in helpers.values())
