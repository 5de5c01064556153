"""Track and trace: the status, who it waits for, the next deadline and the timeline."""

from datetime import datetime, timedelta

import pytest

from workflows.complaint.deadlines import COPENHAGEN
from workflows.complaint.status import (
    STATUSES,
    CaseFacts,
    ProcessingTimes,
    derive_status,
    track_and_trace,
)

DRAFT = {
    "status": "draft",
    "created_at": "2025-07-20T10:00:00+02:00",
    "complaint_deadline": "2025-08-08T23:59:59+02:00",
    "legal_basis": "planloven-35",
    "board_code": "PKN",
}
FILED = {**DRAFT, "status": "filed", "filed_at": "2025-07-21T09:00:00+02:00"}
WITH_AUTHORITY = {**FILED, "authority_started_at": "2025-08-11T09:00:00+02:00"}
FORWARDED = {
    **WITH_AUTHORITY,
    "forwarded_at": "2025-08-25T10:00:00+02:00",
    "statement_sent_at": "2025-08-25T10:00:00+02:00",
}
AWAITING_FEE = {
    **FORWARDED,
    "fee_requested_at": "2025-08-25T10:05:00+02:00",
    "fee_amount_dkk": 900,
    "payment_days": 14,
}
UNDER_CONSIDERATION = {**AWAITING_FEE, "fee_paid_at": "2025-08-27T20:00:00+02:00"}
DECIDED = {
    **UNDER_CONSIDERATION,
    "decided_at": "2026-01-15T10:00:00+01:00",
    "outcome": "stadfaestelse",
}
CLOSED = {**DECIDED, "closed_at": "2026-01-16T08:00:00+01:00"}


def cph(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=COPENHAGEN)


def test_every_status_has_danish_and_english_labels():
    assert {code: info.label_da for code, info in STATUSES.items()} == {
        "draft": "Kladde",
        "filed": "Indsendt",
        "with_authority": "Hos myndigheden",
        "forwarded": "Videresendt til nævnet",
        "awaiting_fee": "Afventer gebyr",
        "under_consideration": "Under behandling",
        "decided": "Afgjort",
        "closed": "Afsluttet",
        "withdrawn": "Trukket tilbage",
    }
    assert all(info.label_en for info in STATUSES.values())


def test_a_draft_waits_for_the_complainant_before_the_complaint_deadline():
    trace = track_and_trace(DRAFT)
    assert (trace["status"], trace["status_label"]) == ("draft", "Kladde")
    assert trace["waiting_for"] == "complainant"
    assert trace["next_deadline"]["kind"] == "complaint"
    assert trace["next_deadline"]["at"] == "2025-08-08T23:59:59+02:00"
    assert trace["expected_date"] is None


def test_a_filed_complaint_waits_for_the_authority_to_forward_it_within_three_weeks():
    trace = track_and_trace(FILED)
    assert (trace["status"], trace["waiting_for"]) == ("filed", "authority")
    assert trace["waiting_for_label"] == "Afventer myndigheden"
    assert trace["next_deadline"]["kind"] == "forwarding"
    assert trace["next_deadline"]["at"] == "2025-08-29T23:59:59+02:00"
    assert trace["expected_date"] == "2025-08-29"


def test_the_row_status_filed_is_enough_to_show_filed():
    assert track_and_trace({"status": "filed"})["status"] == "filed"


def test_a_complaint_the_authority_took_up_is_with_the_authority():
    trace = track_and_trace(WITH_AUTHORITY)
    assert (trace["status"], trace["status_label"]) == ("with_authority", "Hos myndigheden")
    assert trace["waiting_for"] == "authority"


def test_a_forwarded_complaint_shows_the_comment_deadline_and_the_expected_screening():
    trace = track_and_trace(FORWARDED)
    assert (trace["status"], trace["waiting_for"]) == ("forwarded", "board")
    assert trace["next_deadline"]["kind"] == "comments"
    assert trace["next_deadline"]["at"] == "2025-09-15T23:59:59+02:00"
    assert trace["expected_date"] == "2025-10-20"  # 8 weeks at PKN


def test_mfkn_screening_is_expected_within_two_months():
    trace = track_and_trace({**FORWARDED, "board_code": "MFKN"})
    assert trace["expected_date"] == "2025-10-25"


def test_a_requested_fee_waits_for_the_complainant_until_the_payment_deadline():
    trace = track_and_trace(AWAITING_FEE)
    assert (trace["status"], trace["status_label"]) == ("awaiting_fee", "Afventer gebyr")
    assert trace["waiting_for"] == "complainant"
    assert trace["next_deadline"]["kind"] == "payment"
    assert trace["next_deadline"]["at"] == "2025-09-08T23:59:59+02:00"
    assert trace["fee"]["amount_dkk"] == 900
    assert trace["fee"]["due_at"] == "2025-09-08T23:59:59+02:00"


def test_a_fee_due_date_set_by_the_process_wins_over_the_computed_one():
    trace = track_and_trace({**AWAITING_FEE, "fee_due_at": "2025-09-30T23:59:59+02:00"})
    assert trace["next_deadline"]["at"] == "2025-09-30T23:59:59+02:00"


def test_a_payment_deadline_is_overdue_only_after_its_last_moment():
    on_last_day = track_and_trace(AWAITING_FEE, now=cph(2025, 9, 8, 23))
    after = track_and_trace(AWAITING_FEE, now=cph(2025, 9, 9, 0))
    assert on_last_day["next_deadline"]["overdue"] is False
    assert after["next_deadline"]["overdue"] is True
    assert track_and_trace(AWAITING_FEE)["next_deadline"]["overdue"] is None


def test_a_paid_case_is_under_consideration_with_a_decision_expected_in_six_months():
    trace = track_and_trace(UNDER_CONSIDERATION)
    assert (trace["status"], trace["waiting_for"]) == ("under_consideration", "board")
    assert trace["expected_date"] == "2026-02-25"
    assert trace["fee"]["paid_at"] == "2025-08-27T20:00:00+02:00"


def test_the_expected_decision_uses_the_configured_processing_time():
    trace = track_and_trace(UNDER_CONSIDERATION, times=ProcessingTimes(decision_months=9))
    assert trace["expected_date"] == "2026-05-25"


def test_an_open_comment_period_is_shown_while_the_board_considers_the_case():
    during = track_and_trace(UNDER_CONSIDERATION, now=cph(2025, 9, 1))
    after = track_and_trace(UNDER_CONSIDERATION, now=cph(2025, 10, 1))
    assert during["next_deadline"]["kind"] == "comments"
    assert after["next_deadline"] is None
    assert track_and_trace(UNDER_CONSIDERATION)["next_deadline"] is None


def test_a_decided_case_waits_for_nobody_and_shows_the_lawsuit_deadline():
    trace = track_and_trace(DECIDED)
    assert (trace["status"], trace["status_label"]) == ("decided", "Afgjort")
    assert trace["waiting_for"] is None
    assert (trace["outcome"], trace["outcome_label"]) == ("stadfaestelse", "Stadfæstet")
    assert trace["lawsuit_deadline"] == "2026-07-15T23:59:59+02:00"
    assert trace["next_deadline"]["kind"] == "lawsuit"
    assert trace["fee"]["refund"]["refund"] is False


def test_an_annulled_decision_shows_that_the_fee_is_refunded():
    trace = track_and_trace({**DECIDED, "outcome": "ophaevelse"})
    assert trace["fee"]["refund"]["refund"] is True
    assert trace["outcome_label_en"] == "Annulled"


def test_a_complaint_rejected_for_non_payment_is_decided_with_nothing_to_refund():
    facts = {
        **AWAITING_FEE,
        "decided_at": "2025-09-15T10:00:00+02:00",
        "outcome": "afvisning",
        "rejection_reason": "non_payment",
    }
    trace = track_and_trace(facts)
    assert (trace["status"], trace["outcome_label"]) == ("decided", "Afvist for manglende betaling")
    assert trace["fee"]["paid_at"] is None
    assert trace["fee"]["refund"] is None


def test_a_rejection_without_a_reason_gives_no_refund_advice_rather_than_an_error():
    trace = track_and_trace({**DECIDED, "outcome": "afvisning"})
    assert trace["fee"]["refund"] is None


def test_a_closed_case_waits_for_nobody_but_keeps_its_lawsuit_deadline_until_it_passes():
    trace = track_and_trace(CLOSED, now=cph(2026, 2, 1))
    assert (trace["status"], trace["status_label"]) == ("closed", "Afsluttet")
    assert trace["waiting_for"] is None
    assert trace["lawsuit_deadline"] == "2026-07-15T23:59:59+02:00"
    assert trace["next_deadline"]["kind"] == "lawsuit"
    assert trace["next_deadline"]["at"] == trace["lawsuit_deadline"]
    assert trace["lawsuit_basis"] == "planloven § 62, stk. 1"
    assert track_and_trace(CLOSED, now=cph(2026, 7, 16))["next_deadline"] is None


def test_a_case_ends_when_the_authority_changes_its_own_decision():
    trace = track_and_trace({**WITH_AUTHORITY, "authority_changed_at": "2025-08-20T09:00+02:00"})
    assert trace["status"] == "closed"


def test_a_withdrawn_complaint_is_withdrawn_and_keeps_its_fee():
    trace = track_and_trace({**UNDER_CONSIDERATION, "withdrawn_at": "2025-10-01T09:00+02:00"})
    assert (trace["status"], trace["status_label"]) == ("withdrawn", "Trukket tilbage")
    assert trace["waiting_for"] is None
    assert trace["outcome"] == "tilbagetraekning"
    assert trace["fee"]["refund"]["refund"] is False


def test_a_withdrawal_after_the_decision_does_not_undo_the_decision():
    facts = CaseFacts.from_mapping({**DECIDED, "withdrawn_at": "2026-01-20T09:00+01:00"})
    assert derive_status(facts) == "decided"


def test_suspensive_effect_follows_the_legal_basis_until_the_board_rules():
    assert track_and_trace(FILED)["suspensive_effect"] == {
        "in_effect": True,
        "decided_by_board": False,
        "reason": "law",
    }
    lokalplan = track_and_trace({**FILED, "legal_basis": "planloven-19"})
    assert lokalplan["suspensive_effect"]["in_effect"] is False
    lifted = track_and_trace({**FILED, "suspensive_effect": False})
    assert lifted["suspensive_effect"] == {
        "in_effect": False,
        "decided_by_board": True,
        "reason": "board",
    }
    assert track_and_trace({"status": "filed"})["suspensive_effect"] is None


def test_process_data_with_other_keys_is_accepted_as_the_web_layer_passes_it():
    data = {
        **FILED,
        "reference": "KP-2025-000001",
        "complainant": {"name": "Anna"},
        "co_complainants": [],
        "fee_paid_at": None,
    }
    assert track_and_trace(data)["status"] == "filed"


def test_naive_instants_in_the_facts_are_refused():
    with pytest.raises(ValueError):
        track_and_trace({**FILED, "filed_at": "2025-07-21T09:00:00"})
    with pytest.raises(ValueError):
        track_and_trace(FILED, now=datetime(2025, 8, 1, 12))


# -- the timeline -------------------------------------------------------------------------

ENGINE_EVENTS = [
    {"at": "2025-07-21T07:00:00+00:00", "kind": "instance_started", "actor": "anna"},
    {"at": "2025-07-21T07:00:01+00:00", "kind": "mail_queued", "element_id": "Mail_1"},
    {
        "at": "2025-08-08T21:59:59+00:00",
        "kind": "timer_fired",
        "element_id": "complaint_deadline_expired",
        "actor": None,
    },
    {"at": "2025-08-12T08:00:00+00:00", "kind": "element_completed", "element_id": "Gateway_1"},
    {
        "at": "2025-08-25T08:00:00+00:00",
        "kind": "task_completed",
        "element_id": "Task_ForwardToBoard",
        "actor": "caseworker@sonderborg",
    },
    {
        "at": "2025-08-27T18:00:00+00:00",
        "kind": "message_received",
        "details": {"name": "fee_paid", "data": {"amount_dkk": 900}},
        "actor": "payment",
    },
    {
        "at": "2025-09-10T08:00:00+00:00",
        "kind": "comments_received",
        "actor": "anna",
    },
]


def test_engine_events_become_a_labelled_timeline_in_copenhagen_time():
    trace = track_and_trace(DECIDED, ENGINE_EVENTS, aliases={"Task_ForwardToBoard": "forwarded"})
    timeline = trace["timeline"]
    kinds = [item["kind"] for item in timeline]
    assert kinds == [
        "drafted",
        "filed",
        "complaint_deadline_expired",
        "authority_started",
        "forwarded",
        "statement_sent",
        "fee_requested",
        "fee_paid",
        "comments_received",
        "decided",
    ]
    filed = timeline[1]
    assert filed == {
        "at": "2025-07-21T09:00:00+02:00",
        "kind": "filed",
        "label": "Klagen er indsendt",
        "label_en": "Complaint filed",
        "actor": "anna",
    }
    assert timeline[4]["actor"] == "caseworker@sonderborg"
    assert timeline[-1]["label"] == "Nævnet har truffet afgørelse: Stadfæstet"
    assert timeline[-1]["label_en"] == "The board has decided: Upheld"


def test_without_events_the_timeline_is_built_from_the_facts():
    kinds = [item["kind"] for item in track_and_trace(CLOSED)["timeline"]]
    assert kinds == [
        "drafted",
        "filed",
        "authority_started",
        "forwarded",
        "statement_sent",
        "fee_requested",
        "fee_paid",
        "decided",
        "closed",
    ]


def test_an_element_named_after_its_domain_event_needs_no_alias():
    events = [
        {"at": "2025-08-25T08:00:00+00:00", "kind": "element_completed", "element_id": "forwarded"}
    ]
    trace = track_and_trace(FILED, events)
    assert "forwarded" in [item["kind"] for item in trace["timeline"]]


def test_a_withdrawal_message_appears_once_in_the_timeline():
    facts = {**FILED, "withdrawn_at": "2025-07-25T10:00:00+02:00"}
    events = [
        {
            "at": "2025-07-25T08:00:00+00:00",
            "kind": "message_received",
            "details": {"name": "withdrawn"},
            "actor": "anna",
        }
    ]
    timeline = track_and_trace(facts, events)["timeline"]
    assert [item["kind"] for item in timeline].count("withdrawn") == 1
    assert timeline[-1]["label"] == "Klagen er trukket tilbage"


def test_a_late_complaint_suspends_nothing_whatever_its_legal_basis_would_give():
    none_by_law = {"in_effect": False, "decided_by_board": False, "reason": "late"}
    assert track_and_trace({**FILED, "in_time": False})["suspensive_effect"] == none_by_law
    from_process = track_and_trace(
        {**FILED, "in_time": False, "suspensive_by_law": False, "suspensive_rule": "late complaint"}
    )
    assert from_process["suspensive_effect"] == none_by_law
    ruled = track_and_trace({**FILED, "in_time": False, "suspensive_effect": True})
    assert ruled["suspensive_effect"] == {
        "in_effect": True,
        "decided_by_board": True,
        "reason": "board",
    }


def test_a_complaint_rejected_as_late_shows_that_reason_in_its_outcome():
    trace = track_and_trace({**DECIDED, "outcome": "afvisning", "rejection_reason": "late"})
    assert (trace["outcome"], trace["rejection_reason"]) == ("afvisning", "late")
    assert trace["outcome_label"] == "Afvist som for sent indgivet"
    assert trace["outcome_label_en"] == "Rejected as filed too late"
    assert trace["timeline"][-1]["label"].endswith("Afvist som for sent indgivet")


def test_a_late_complaint_has_no_suspensive_effect_by_law():
    late = {**FILED, "in_time": False, "suspensive_by_law": False}
    assert track_and_trace(late)["suspensive_effect"] == {
        "in_effect": False,
        "decided_by_board": False,
        "reason": "late",
    }
    assert track_and_trace(late)["late"] is True
    assert track_and_trace({**FILED, "in_time": True})["late"] is False


def test_a_draft_after_the_complaint_deadline_is_flagged_late_before_it_is_filed():
    after = datetime.fromisoformat(DRAFT["complaint_deadline"]) + timedelta(days=1)
    trace = track_and_trace(DRAFT, now=after)
    assert trace["late"] is True
    assert trace["suspensive_effect"]["reason"] == "late"
    assert track_and_trace(DRAFT, now=cph(2025, 7, 1))["late"] is False


def test_each_way_a_case_ends_has_its_own_words():
    cases = {
        ("stadfaestelse", None): "Stadfæstet",
        ("aendring", None): "Ændret",
        ("ophaevelse", None): "Ophævet",
        ("ophaevelse_hjemvisning", None): "Ophævet og hjemvist",
        ("afvisning", "late"): "Afvist som for sent indgivet",
        ("afvisning", "no_standing"): "Afvist (ikke klageberettiget)",
        ("afvisning", "outside_competence"): "Afvist (uden for nævnets kompetence)",
        ("afvisning", "non_payment"): "Afvist for manglende betaling",
    }
    for (outcome, reason), label in cases.items():
        trace = track_and_trace({**CLOSED, "outcome": outcome, "rejection_reason": reason})
        assert trace["outcome_label"] == label
        assert trace["outcome_meaning"] and trace["outcome_meaning_en"]
    withdrawn = track_and_trace({**UNDER_CONSIDERATION, "withdrawn_at": "2025-10-01T09:00+02:00"})
    assert withdrawn["outcome_label"] == "Trukket tilbage"


def test_the_fee_is_no_longer_asked_for_once_the_case_has_ended_unpaid():
    rejected = {
        **AWAITING_FEE,
        "decided_at": "2025-09-10T10:00:00+02:00",
        "outcome": "afvisning",
        "rejection_reason": "non_payment",
    }
    assert track_and_trace(rejected)["fee"]["state"] == "not_due"
    assert track_and_trace(AWAITING_FEE)["fee"]["state"] == "due"
    assert track_and_trace(UNDER_CONSIDERATION)["fee"]["state"] == "paid"


def test_the_fee_says_why_it_has_its_rate():
    private = track_and_trace(AWAITING_FEE)["fee"]
    assert private["rate_reason"] == "takst for privatpersoner"
    joint = {**AWAITING_FEE, "co_complainants": [{"name": "Als", "type": "organisation"}]}
    assert "fælles klage" in track_and_trace(joint)["fee"]["rate_reason"]
    company = track_and_trace({**AWAITING_FEE, "complainant_type": "company"})["fee"]
    assert company["rate_reason"].startswith("takst for virksomheder")


def test_the_refund_rule_is_given_in_words():
    changed = track_and_trace({**CLOSED, "outcome": "aendring"})["fee"]["refund"]
    assert changed["refund"] is True
    assert changed["text"].startswith("Gebyret betales tilbage")
    upheld = track_and_trace(CLOSED)["fee"]["refund"]
    assert upheld["text"] == "Gebyret betales ikke tilbage, fordi afgørelsen er stadfæstet."


def test_the_decision_expected_from_the_board_is_told_apart_from_the_next_deadline():
    trace = track_and_trace(AWAITING_FEE, now=cph(2025, 8, 26))
    assert trace["next_deadline"]["kind"] == "payment"
    assert trace["comments_deadline"]["kind"] == "comments"
    assert trace["expected_decision"] == "2026-02-25"
    assert track_and_trace(FILED)["expected_decision"] is None


def test_closing_comes_last_in_the_timeline_even_when_stamped_first():
    events = [
        {"at": "2026-01-15T09:00:00.100+00:00", "kind": "instance_completed"},
    ]
    facts = {**DECIDED, "decided_at": "2026-01-15T09:00:00.200+00:00"}
    kinds = [item["kind"] for item in track_and_trace(facts, events)["timeline"]]
    assert kinds[-2:] == ["decided", "closed"]
