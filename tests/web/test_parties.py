"""Joint complaints, receipts and the permit holder as a party, through the complaint service.

Real databases (SQLite and PostgreSQL), the shipped complaint process, and the outbox rows
the service writes (delivery over SMTP is the browser test's and the scheduler's part).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from engine import Conflict, InvalidData, NotFound, clock
from engine.config import PROJECT_ROOT
from engine.models import OutboxMail
from web import demo
from web.accounts import Accounts
from web.complaints.service import ComplaintService

pytestmark = pytest.mark.both_databases
BASE = "https://klage.example.dk"


@pytest.fixture
def system(engine):
    from web.bootstrap import build_engine  # the composition root: helpers and mail templates

    engine = build_engine(engine.settings, db=engine.db)
    engine.deploy_paths(sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")))
    accounts = Accounts(engine.db)
    complaints = ComplaintService(engine, accounts, base_url=BASE + "/")
    demo.seed(accounts, complaints, today=date(2025, 7, 14))  # the Gammeldam dates
    clock.set(datetime(2025, 8, 4, 8, 0, tzinfo=UTC), frozen=True)
    yield engine, accounts, complaints
    clock.reset()


def mails(engine, template: str) -> list[OutboxMail]:
    with engine.db.read() as session:
        rows = session.scalars(select(OutboxMail).where(OutboxMail.template == template)).all()
        session.expunge_all()
        return list(rows)


def draft(complaints, accounts, co):
    decision = complaints.decisions()[0]["id"]
    return complaints.create_draft(
        accounts.by_username("klager"),
        {"decision": decision, "legal_basis": "planloven-35", "complainant_type": "private",
         "text": "Huset skæmmer landskabet ved Gammeldam.", "co_complainants": co},
    )["reference"]  # fmt: skip


def token_of(mail: OutboxMail) -> str:
    return re.search(r"/invitation/([\w-]+)", mail.body_text).group(1)


def test_a_joint_complaint_invites_by_mail_and_files_itself_at_the_last_confirmation(system):
    engine, accounts, complaints = system
    klager, forening = accounts.by_username("klager"), accounts.by_username("forening")
    reference = draft(complaints, accounts, [{"name": "Als Naturforening",
                                              "email": "Post@Forening.example"}])  # fmt: skip

    waiting = complaints.submit(klager, reference)
    assert waiting["status"] == "awaiting_co_complainant"
    assert waiting["status_label"] == "Afventer medklager"
    [invitation] = mails(engine, "co_complainant_invitation")
    assert invitation.recipients == ["Post@Forening.example"]
    assert f"{BASE}/sager/{reference}/invitation/" in invitation.body_text
    assert "Karen Klager" in invitation.subject
    token = token_of(invitation)
    with pytest.raises(NotFound):
        complaints.invitation(reference, token[:-2] + "xx")
    assert complaints.invitation(reference, token)["name"] == "Als Naturforening"
    # The complaint is not the authority's yet, nor is it in the permit holder's list.
    assert complaints.mine(accounts.by_username("kommune")) == []
    assert complaints.mine(accounts.by_username("ansoeger")) == []
    with pytest.raises(InvalidData):  # the author cannot confirm as their own co-complainant
        complaints.confirm(klager, reference, token)

    filed = complaints.confirm(forening, reference, token)
    assert filed["status"] == "filed"
    labels = [entry["label"] for entry in filed["timeline"]]
    assert "Medklager inviteret: Als Naturforening" in labels
    assert "Medklager har bekræftet klagen: Als Naturforening" in labels
    assert labels.index("Medklager har bekræftet klagen: Als Naturforening") < labels.index(
        "Klagen er indsendt"
    )
    [receipt] = mails(engine, "complaint_receipt")
    assert sorted(receipt.recipients) == ["Post@Forening.example", "klager@example.dk"]
    assert f"{BASE}/sager/{reference}" in receipt.body_text
    assert "8. august 2025" not in receipt.body_text  # the deadline is three weeks later
    assert "29. august 2025" in receipt.body_text
    assert [c["reference"] for c in complaints.mine(forening)] == [reference]
    with pytest.raises(Conflict):
        complaints.confirm(forening, reference, token)


def test_self_and_duplicate_co_complainants_are_refused(system):
    _engine, accounts, complaints = system
    with pytest.raises(InvalidData) as own:
        draft(complaints, accounts, [{"name": "Karen", "email": "KLAGER@example.dk"}])
    assert own.value.fields["co_complainants"] == ["Karen: self"]
    with pytest.raises(InvalidData) as twice:
        draft(complaints, accounts, [{"name": "A", "email": "a@example.dk"},
                                     {"name": "B", "email": " A@example.dk"}])  # fmt: skip
    assert twice.value.fields["co_complainants"] == ["a@example.dk: duplicate"]


def test_a_declined_invitation_returns_the_complaint_to_its_author(system):
    engine, accounts, complaints = system
    klager = accounts.by_username("klager")
    reference = draft(complaints, accounts, [{"name": "Als Naturforening",
                                              "email": "post@forening.example"}])  # fmt: skip
    complaints.submit(klager, reference)
    token = token_of(mails(engine, "co_complainant_invitation")[0])
    complaints.decline(reference, token)
    view = complaints.track(klager, reference)
    assert view["status"] == "draft"
    assert any(
        e["label"] == "Medklager har takket nej: Als Naturforening" for e in view["timeline"]
    )
    [told] = mails(engine, "co_complainant_declined")
    assert told.recipients == ["klager@example.dk"]
    with pytest.raises(NotFound):  # a declined invitation is spent
        complaints.invitation(reference, token)
    assert complaints.submit(klager, reference)["status"] == "filed"  # now without them


def test_the_permit_holder_is_told_sees_the_case_and_comments_only_in_the_hearing(system, tmp_path):
    from engine import PermissionDenied, TaskFilter
    from web.complaints.documents import Documents

    engine, accounts, complaints = system
    klager, ansoeger = accounts.by_username("klager"), accounts.by_username("ansoeger")
    reference = draft(complaints, accounts, [])
    filed = complaints.submit(klager, reference)
    [told] = mails(engine, "complaint_filed_permit_holder")
    assert told.recipients == ["ansoeger@example.dk"]
    assert "opsættende virkning" in told.body_text
    assert f"{BASE}/sager/{reference}" in told.body_text

    [mine] = complaints.mine(ansoeger)
    assert mine["reference"] == reference
    view = complaints.track(ansoeger, reference)
    assert "klager@example.dk" not in str(view) and "klager" not in str(view.get("co_complainants"))
    assert complaints.mine(accounts.by_username("forening")) == []  # not a party
    documents = Documents(engine.db, complaints, tmp_path)
    with pytest.raises(PermissionDenied):
        documents.add(ansoeger, reference, "comment", "b.txt", "Vi har ventet længe.".encode())

    [task] = engine.tasks(TaskFilter(instance_id=filed["instance_id"]))
    engine.complete_task(
        task.id,
        {"authority_action": "forward", "statement": "Kommunen fastholder."},
        actor="kommune",
    )
    assert complaints.track(ansoeger, reference)["status"] in ("forwarded", "awaiting_fee")
    added = documents.add(ansoeger, reference, "comment", "b.txt", b"Huset er lovligt.")
    assert added["uploaded_by"] == "ansoeger"


def test_a_permit_holder_account_matches_the_decision_by_address_unless_it_names_an_account(
    system,
):
    _engine, accounts, complaints = system
    # The demo's decisions name the account `ansoeger`: only that account is their holder.
    named = draft(complaints, accounts, [])
    complaints.submit(accounts.by_username("klager"), named)
    accounts.create_user("gammeldam2", "permit_holder", email="ANSOEGER@example.dk ")
    assert complaints.mine(accounts.by_username("gammeldam2")) == []
    assert [c["reference"] for c in complaints.mine(accounts.by_username("ansoeger"))] == [named]
    # A decision naming no account: the holder's address finds the account.
    decision = complaints.register_decision(
        accounts.by_username("admin"),
        {"authority": "soenderborg", "title": "Landzonetilladelse til carport, Gammeldam",
         "legal_bases": ["planloven-35"], "published_at": date(2025, 7, 14),
         "permit_holder": {"name": "Gammeldam ApS", "email": "ansoeger@example.dk"}},
    )  # fmt: skip
    reference = complaints.create_draft(
        accounts.by_username("klager"),
        {"decision": decision["id"], "legal_basis": "planloven-35",
         "complainant_type": "private", "text": "Carporten skæmmer landskabet."},
    )["reference"]  # fmt: skip
    complaints.submit(accounts.by_username("klager"), reference)
    assert [c["reference"] for c in complaints.mine(accounts.by_username("gammeldam2"))] == [
        reference
    ]
    accounts.create_user("andet", "permit_holder", email="andet@example.dk")
    assert complaints.mine(accounts.by_username("andet")) == []
    with pytest.raises(NotFound):
        complaints.track(accounts.by_username("andet"), reference)


def test_a_resent_invitation_has_a_new_link_and_the_old_one_stops_working(system):
    engine, accounts, complaints = system
    klager, forening = accounts.by_username("klager"), accounts.by_username("forening")
    reference = draft(complaints, accounts, [{"name": "Als Naturforening",
                                              "email": "post@forening.example"}])  # fmt: skip
    complaints.submit(klager, reference)
    [first] = mails(engine, "co_complainant_invitation")
    invitee = complaints.track(klager, reference)["co_complainants"][0]["id"]
    with pytest.raises(NotFound):  # only the author resends: the invitee is not a party yet
        complaints.resend_invitation(forening, reference, invitee)
    with pytest.raises(NotFound):
        complaints.resend_invitation(klager, reference, "no-such-invitee")

    assert complaints.resend_invitation(klager, reference, invitee)["name"] == "Als Naturforening"
    first_again, second = sorted(
        mails(engine, "co_complainant_invitation"), key=lambda mail: mail.id
    )
    assert first_again.message_id == first.message_id
    assert second.recipients == ["post@forening.example"]
    old, new = token_of(first), token_of(second)
    assert old != new
    with pytest.raises(NotFound):
        complaints.invitation(reference, old)
    with pytest.raises(NotFound):
        complaints.confirm(forening, reference, old)
    filed = complaints.confirm(forening, reference, new)
    assert filed["status"] == "filed"
    # The association's account says what joined: an organisation (the fee's higher rate).
    assert filed["co_complainants"][0]["type"] == "organisation"
    with pytest.raises(Conflict):  # a filed complaint waits for nobody
        complaints.resend_invitation(klager, reference, invitee)


def test_invitations_and_refusals_are_written_in_the_language_the_complainant_chose(system):
    engine, accounts, complaints = system
    klager = accounts.by_username("klager")
    reference = draft(complaints, accounts, [{"name": "Als Naturforening",
                                              "email": "post@forening.example"}])  # fmt: skip
    complaints.submit(klager, reference, language="en")
    [invitation] = mails(engine, "co_complainant_invitation")
    assert invitation.language == "en"
    assert invitation.subject == f"Karen Klager invites you to complain together ({reference})"
    assert "Dear Als Naturforening" in invitation.body_text
    assert "The complaint deadline is " in invitation.body_text
    complaints.decline(reference, token_of(invitation))
    [declined] = mails(engine, "co_complainant_declined")
    assert declined.language == "en"
    assert "Kære" not in declined.body_text and "Dear" in declined.body_text
