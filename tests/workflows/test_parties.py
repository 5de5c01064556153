"""Parties to a case: confirmations of a joint complaint and who is told of what."""

from datetime import date

import pytest

from workflows.complaint.fees import fee_for
from workflows.complaint.parties import (
    NOTIFIED,
    Authority,
    Board,
    CoComplainant,
    Complainant,
    Parties,
    PermitHolder,
    all_confirmed,
    complainant_types,
    recipient_emails,
    recipients,
    unconfirmed,
)

ANNA = Complainant("Anna Jensen", "anna@example.dk", "private")
BO = CoComplainant("Bo Hansen", "bo@example.dk", "private", confirmed=True)
DN = CoComplainant("Danmarks Naturfredningsforening", "dn@example.dk", "organisation")
SONFOR = PermitHolder("SONFOR", "post@sonfor.example")
SONDERBORG = Authority("Sønderborg Kommune", "plan@sonderborg.example")
PKN = Board("Planklagenævnet", "plan@naevneneshus.example", "PKN")


def case(*co: CoComplainant, board: Board | None = PKN) -> Parties:
    return Parties(
        complainant=ANNA,
        authority=SONDERBORG,
        permit_holder=SONFOR,
        co_complainants=co,
        board=board,
    )


def test_a_complaint_without_co_complainants_is_confirmed():
    assert all_confirmed(case())


def test_a_joint_complaint_waits_until_every_co_complainant_has_confirmed():
    parties = case(BO, DN)
    assert not all_confirmed(parties)
    assert unconfirmed(parties) == [DN]
    assert all_confirmed(case(BO))


def test_the_permit_holder_and_the_authority_are_told_at_once_when_a_complaint_arrives():
    told = recipients(case(BO), "complaint_filed")
    assert told == [ANNA, BO, SONDERBORG, SONFOR]


def test_the_boards_decision_goes_to_every_party():
    told = recipients(case(BO, DN), "board_decision")
    assert told == [ANNA, BO, DN, SONFOR, SONDERBORG]


def test_the_statement_goes_to_the_parties_with_a_copy_to_the_board():
    assert recipients(case(), "statement_sent") == [ANNA, SONFOR, PKN]


def test_only_the_complainant_is_asked_for_the_fee():
    assert recipients(case(BO, DN), "fee_requested") == [ANNA]


def test_a_withdrawal_is_told_to_everyone_else_in_the_case():
    assert recipients(case(BO), "complaint_withdrawn") == [ANNA, BO, SONFOR, SONDERBORG, PKN]


def test_absent_parties_are_skipped():
    parties = Parties(complainant=ANNA, authority=SONDERBORG)
    assert recipients(parties, "complaint_withdrawn") == [ANNA, SONDERBORG]


def test_every_event_has_recipients_and_unknown_events_are_refused():
    assert all(NOTIFIED.values())
    with pytest.raises(ValueError):
        recipients(case(), "coffee_break")


def test_emails_are_listed_once_and_blank_addresses_are_left_out():
    twin = CoComplainant("Anna again", "ANNA@example.dk", "private", confirmed=True)
    silent = CoComplainant("No mail", None, "private", confirmed=True)
    assert recipient_emails(case(twin, silent), "fee_paid") == ["anna@example.dk"]
    assert recipient_emails(case(twin, silent), "complaint_filed") == [
        "anna@example.dk",
        "plan@sonderborg.example",
        "post@sonfor.example",
    ]


def test_the_parties_types_decide_the_fee_of_a_joint_complaint():
    main, co = complainant_types(case(BO, DN))
    assert fee_for(main, co, date(2025, 8, 20)).amount_dkk == 1800


def test_parties_are_read_from_the_complaints_process_data():
    data = {
        "complainant": {"username": "anna", "name": "Anna Jensen", "email": "anna@example.dk"},
        "complainant_type": "private",
        "co_complainants": [
            {"name": "Bo Hansen", "email": "bo@example.dk", "type": "private"},
            {"name": "DN", "type": "organisation", "confirmed_at": "2025-07-20T10:00:00+00:00"},
        ],
        "authority_name": "Sønderborg Kommune",
        "authority_email": "plan@sonderborg.example",
        "board_code": "PKN",
        "board_email": "plan@naevneneshus.example",
        "permit_holder": {"name": "SONFOR", "email": "post@sonfor.example"},
    }
    parties = Parties.from_data(data)
    assert parties.complainant == ANNA
    assert [co.confirmed for co in parties.co_complainants] == [False, True]
    assert parties.permit_holder == SONFOR
    assert parties.board == Board("PKN", "plan@naevneneshus.example", "PKN")
    assert parties.authority == SONDERBORG


def test_missing_optional_parties_are_none():
    parties = Parties.from_data({"complainant": {"name": "Anna", "type": "private"}})
    assert parties.permit_holder is None
    assert parties.board is None
    assert parties.co_complainants == ()


def test_invitees_need_a_name_a_real_address_not_their_own_and_each_address_once():
    from workflows.complaint.parties import invitation_problems

    invitees = [
        {"name": "Als Naturforening", "email": "post@forening.example"},
        {"name": "", "email": "navnløs@example.dk"},
        {"name": "Ole", "email": "ole.example.dk"},
        {"name": "Karen selv", "email": " Karen@Example.dk "},
        {"name": "Foreningen igen", "email": "POST@forening.example"},
    ]
    assert invitation_problems(invitees, own_email="karen@example.dk") == [
        ("missing_name", "navnløs@example.dk"),
        ("bad_email", "Ole"),
        ("self", "Karen selv"),
        ("duplicate", "post@forening.example"),
    ]
    assert invitation_problems(
        [{"name": "Ny", "email": "ny@example.dk"}], own_email=None, already=["NY@example.dk"]
    ) == [("duplicate", "ny@example.dk")]


def test_the_permit_holder_is_the_named_account_else_the_account_with_the_address():
    from workflows.complaint.parties import is_permit_holder

    by_address = {"name": "Gammeldam ApS", "email": "Ansoeger@Example.dk"}
    assert is_permit_holder(by_address, username="any", email=" ansoeger@example.dk")
    assert not is_permit_holder(by_address, username="any", email="andet@example.dk")
    assert not is_permit_holder(by_address, username="any", email=None)
    named = {**by_address, "username": "gammeldam"}
    assert is_permit_holder(named, username="gammeldam", email=None)
    assert not is_permit_holder(named, username="other", email="ansoeger@example.dk")
    assert not is_permit_holder({}, username="any", email="")
