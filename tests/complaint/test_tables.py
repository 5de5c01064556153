"""The complaint process's DMN tables agree with the rules in workflows/complaint.

Each table is run through the engine as deployed (a one-task probe process calls it), and
its answer is compared with the tested Python rule for every input the rule accepts, so a
change to either side that the other does not follow fails here.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from engine import Engine, InvalidData
from engine.config import PROJECT_ROOT
from workflows.complaint import fees, standing

BUNDLE = PROJECT_ROOT / "bpmn/complaint"

PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="probe_{decision}_definitions" targetNamespace="http://klageflow.dk/test">
  <bpmn:process id="probe_{decision}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="table">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="table" />
    <bpmn:sequenceFlow id="f2" sourceRef="table" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def table(engine: Engine):
    """`table(decision_id, dmn_file)(**inputs)` runs the deployed table and returns its data."""

    def load(decision: str, dmn: str):
        engine.deploy(
            {
                f"probe_{decision}.bpmn": PROBE.format(decision=decision).encode(),
                dmn: (BUNDLE / dmn).read_bytes(),
            },
            deployed_by="test",
        )

        def run(**inputs):
            instance = engine.start(f"probe_{decision}", inputs)
            return engine.show(instance).data

        return run

    return load


def test_the_fee_table_matches_the_fee_rule_for_every_year_and_complainant_mix(table):
    fee_table = table("complaint_fee", "fee.dmn")
    kinds = fees.COMPLAINANT_TYPES
    for year in range(2016, 2031):
        for complainant, co in itertools.product(kinds, [(), ("private",), ("organisation",)]):
            rule = fees.fee_for(complainant, list(co), date(year, 3, 1))
            higher = complainant != "private" or any(kind != "private" for kind in co)
            answer = fee_table(fee_year=year, higher_rate=higher)
            assert (answer["fee_amount_dkk"], answer["fee_rate"]) == (rule.amount_dkk, rule.rate), (
                year, complainant, co,
            )  # fmt: skip


def test_the_fee_table_guesses_no_amount_before_its_first_year(table):
    fee_table = table("complaint_fee", "fee.dmn")
    assert fee_table(fee_year=2015, higher_rate=False)["fee_amount_dkk"] is None
    with pytest.raises(ValueError):
        fees.fee_for("private", [], date(2015, 3, 1))


def test_the_suspensive_effect_table_matches_each_legal_basis(table):
    suspensive = table("suspensive_effect_by_law", "suspensive_effect.dmn")
    for code, basis in standing.LEGAL_BASES.items():
        assert suspensive(legal_basis=code, in_time=True)["suspensive_by_law"] is (
            basis.suspensive_by_default
        ), code
        assert suspensive(legal_basis=code, in_time=False)["suspensive_by_law"] is False
    assert suspensive(legal_basis="unknown-1", in_time=True)["suspensive_by_law"] is None


REFUND_CASES = [
    *[("afvisning", reason, board, None, False)
      for reason in fees.REJECTION_REASONS if reason != "non_payment"
      for board in fees.BOARDS],
    *[(outcome, None, board, won, False)
      for outcome in ("stadfaestelse", "aendring", "ophaevelse", "ophaevelse_hjemvisning")
      for board in fees.BOARDS for won in (False, True)],
    ("aendring", None, "PKN", False, True),
    ("aendring", None, "MFKN", True, True),
    ("tilbagetraekning", None, "PKN", None, False),
]  # fmt: skip


def test_the_refund_table_matches_the_refund_rule_with_its_exception(table):
    refund = table("fee_refund", "refund.dmn")
    for outcome, reason, board, won, only_deadline in REFUND_CASES:
        rule = fees.refund_due(
            outcome,
            rejection_reason=reason,
            board=board,
            complainant_won=won,
            only_change_is_longer_compliance_deadline=only_deadline,
        )
        answer = refund(
            fee_paid_at="2025-08-14T10:00:00+02:00",
            outcome=outcome,
            rejection_reason=reason,
            board_code=board,
            complainant_won=won,
            only_change_is_longer_compliance_deadline=only_deadline,
        )
        assert answer["refund"] is rule.refund, (outcome, reason, board, won, only_deadline)


def test_the_refund_table_refunds_nothing_that_was_not_paid_and_guesses_no_outcome(table):
    refund = table("fee_refund", "refund.dmn")
    common = {"rejection_reason": None, "board_code": "PKN", "complainant_won": None,
              "only_change_is_longer_compliance_deadline": False}  # fmt: skip
    assert refund(fee_paid_at=None, outcome="aendring", **common)["refund"] is False
    assert (
        refund(fee_paid_at="2025-08-14T10:00:00+02:00", outcome="forlig", **common)["refund"]
        is None
    )


def test_an_unknown_legal_basis_is_refused_at_filing_naming_it(engine):
    from tests.complaint.conftest import start_data

    engine.deploy_paths(sorted(BUNDLE.glob("*.*")), deployed_by="test")
    with pytest.raises(InvalidData, match="no suspensive-effect rule for legal basis vejloven-1"):
        engine.start("complaint", start_data(legal_basis="vejloven-1", board_code="PKN"))
