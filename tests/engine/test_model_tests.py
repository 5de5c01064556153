"""Model tests: script unit tests and process tests run in the sandbox, and gate deploy."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import DeploymentError, ModelTestDifference
from engine.config import load_settings
from engine.models import ProcessDefinition
from web.bootstrap import build_engine

pytestmark = pytest.mark.both_databases

FOLDER = Path(__file__).parent / "bpmn" / "model_tests"
PRICING = (FOLDER / "pricing.bpmn").read_text()
CASES = json.loads((FOLDER / "test_pricing.json").read_text())
PASSING_UNIT = (
    '<spiffworkflow:expectedOutputJson>{"quantity": 2, "unit_price": 150, "discount": false, '
    '"total": 300}</spiffworkflow:expectedOutputJson>'
)


def bundle(bpmn: str = PRICING, cases: dict | None = None) -> dict[str, str]:
    return {"pricing.bpmn": bpmn, "test_pricing.json": json.dumps(cases or CASES)}


def with_expected(output: str) -> str:
    """The pricing model with its first unit test expecting `output` instead."""
    assert PASSING_UNIT in PRICING
    return PRICING.replace(
        PASSING_UNIT,
        f"<spiffworkflow:expectedOutputJson>{output}</spiffworkflow:expectedOutputJson>",
    )


def with_script(script: str) -> str:
    start = PRICING.index("<bpmn:script>") + len("<bpmn:script>")
    end = PRICING.index("</bpmn:script>")
    return PRICING[:start] + script + PRICING[end:]


def by_name(results):
    return {result.name: result for result in results}


def definition_count(engine) -> int:
    with engine.db.read() as session:
        return session.scalar(select(func.count()).select_from(ProcessDefinition))


def test_unit_tests_and_process_tests_of_a_model_pass_and_say_where_they_are(engine):
    results = by_name(engine.test_model(bundle()))
    small = results["small_order_pays_full_price"]
    assert (small.kind, small.file, small.element_id, small.passed) == (
        "script",
        "pricing.bpmn",
        "price",
        True,
    )
    assert (
        small.line is not None
        and "small_order_pays_full_price" in PRICING.splitlines()[small.line - 1]
    )
    assert results["ten_or_more_get_ten_percent_off"].passed
    process = results["a large order is discounted and confirmed"]
    assert (process.kind, process.file, process.element_id, process.passed) == (
        "process",
        "test_pricing.json",
        "pricing",
        True,
    )
    assert not process.differences and process.error is None


def test_a_failing_unit_test_names_each_value_changed_missing_or_not_expected(engine):
    expected = '{"quantity": 2, "unit_price": 150, "discount": true, "total": 270, "note": "x"}'
    [failed] = [r for r in engine.test_model(bundle(with_expected(expected))) if not r.passed]
    assert failed.name == "small_order_pays_full_price"
    assert failed.differences == (
        ModelTestDifference("discount", "changed", expected=True, actual=False),
        ModelTestDifference("total", "changed", expected=270, actual=300),
        ModelTestDifference("note", "missing", expected="x"),
    )
    assert failed.failure == (
        'discount: expected true, got false; total: expected 270, got 300; note: expected "x", '
        "missing"
    )
    unexpected = '{"quantity": 2, "unit_price": 150, "discount": false}'
    [failed] = [r for r in engine.test_model(bundle(with_expected(unexpected))) if not r.passed]
    assert [str(d) for d in failed.differences] == ["total: not expected, got 300"]


def test_true_is_not_one_and_nested_values_are_named_by_their_path(engine):
    script = "discount = 1\ntotal = {'lines': [quantity, unit_price]}"
    expected = '{"quantity": 2, "unit_price": 150, "discount": true, "total": {"lines": [2, 15]}}'
    bpmn = with_expected(expected)
    bpmn = bpmn[: bpmn.index("<bpmn:script>") + 13] + script + bpmn[bpmn.index("</bpmn:script>") :]
    results = by_name(engine.test_model(bundle(bpmn)))
    failed = results["small_order_pays_full_price"]
    assert [str(d) for d in failed.differences] == [
        "discount: expected true, got 1",
        "total.lines[1]: expected 15, got 150",
    ]


def test_scripts_run_in_the_sandbox_and_a_failing_script_fails_its_tests(engine):
    results = by_name(engine.test_model(bundle(with_script("total = open('/etc/passwd')"))))
    failed = results["small_order_pays_full_price"]
    assert not failed.passed and not failed.differences
    assert failed.error == "script: NameError: name 'open' is not defined"
    process = results["a large order is discounted and confirmed"]
    assert process.error == "price: script: NameError: name 'open' is not defined"
    assert process.element_id == "price"


def test_a_script_that_never_ends_is_stopped_by_the_step_budget(db, tmp_path):
    engine = build_engine(replace(load_settings(), data_dir=tmp_path, step_seconds=1), db=db)
    results = engine.test_model(bundle(with_script("while True:\n    total = 1")))
    assert {r.error for r in results} == {"ran longer than 1 s (the step budget)"}


def test_a_process_test_compares_the_end_data_and_needs_data_for_user_and_service_tasks(engine):
    case = CASES["a large order is discounted and confirmed"]
    cases = {
        "wrong total": {
            **case,
            "expected_output_json": {**case["expected_output_json"], "total": 1},
        },
        "no order given": {**case, "tasks": {"pricing:confirm": case["tasks"]["pricing:confirm"]}},
        "no confirmation given": {**case, "tasks": {"order": case["tasks"]["order"]}},
        "one order is not two": {
            **case,
            "tasks": {**case["tasks"], "order": {"data": []}},
        },
    }
    results = by_name(engine.test_model(bundle(cases=cases)))
    assert [str(d) for d in results["wrong total"].differences] == ["total: expected 1, got 1620"]
    assert results["no order given"].error == (
        "order: user task has no test data left (give it under tasks)"
    )
    assert results["one order is not two"].element_id == "order"
    assert results["no confirmation given"].error == (
        "confirm: service task (send_mail) has no test data left: model tests never call "
        "services, so give its outcome under tasks"
    )
    assert not any(r.passed for r in results.values() if r.kind == "process")
    assert definition_count(engine) == 0, "testing stores nothing"


def test_a_process_that_waits_for_a_timer_does_not_complete_its_test(engine):
    timer = (
        '<bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>flow_confirm_end</bpmn:incoming>'
        "<bpmn:outgoing>flow_wait_end</bpmn:outgoing><bpmn:timerEventDefinition>"
        '<bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition>'
        "</bpmn:intermediateCatchEvent>"
        '<bpmn:sequenceFlow id="flow_wait_end" sourceRef="wait" targetRef="end" />'
    )
    bpmn = (
        PRICING.replace(
            'sourceRef="confirm" targetRef="end"', 'sourceRef="confirm" targetRef="wait"'
        )
        .replace(
            "<bpmn:incoming>flow_confirm_end</bpmn:incoming></bpmn:endEvent>",
            "<bpmn:incoming>flow_wait_end</bpmn:incoming></bpmn:endEvent>",
        )
        .replace("</bpmn:process>", timer + "</bpmn:process>")
    )
    [process] = [r for r in engine.test_model(bundle(bpmn)) if r.kind == "process"]
    assert process.error == (
        "wait: the process did not complete: it waits at wait "
        "(model tests fire no timers or messages)"
    )


def test_a_failing_model_test_refuses_the_deployment_with_its_name_and_differences(engine):
    expected = '{"quantity": 2, "unit_price": 150, "discount": false, "total": 301}'
    with pytest.raises(DeploymentError) as caught:
        engine.deploy(bundle(with_expected(expected)), deployed_by="designer")
    [problem] = caught.value.problems
    assert problem.test == "small_order_pays_full_price"
    assert problem.reason == (
        "model test 'small_order_pays_full_price' failed: total: expected 301, got 300"
    )
    assert (problem.file, problem.element_id) == ("pricing.bpmn", "price")
    assert problem.as_dict()["differences"] == [
        {"path": "total", "kind": "changed", "expected": 301, "actual": 300}
    ]
    assert definition_count(engine) == 0, "nothing was stored"


def test_passing_tests_are_deployed_with_the_model_and_a_changed_test_makes_a_new_version(engine):
    [first] = engine.deploy(bundle(), deployed_by="designer")
    assert (first.version, first.created) == (1, True)
    files = engine.definition("pricing").files
    assert set(files) == {"pricing.bpmn", "test_pricing.json"}
    assert engine.definition("pricing").files["test_pricing.json"] == json.dumps(CASES)
    renamed = {"the same case, renamed": CASES["a large order is discounted and confirmed"]}
    [second] = engine.deploy(bundle(cases=renamed), deployed_by="designer")
    assert (second.version, second.created) == (2, True)
    instance = engine.start("pricing", {"unit_price": 150, "email": "kunde@example.dk"})
    assert engine.show(instance).status == "running", "the test file is no form and no model"


def test_unreadable_tests_are_refused_at_deploy_with_their_file(engine):
    refusals = {
        "test_pricing.json": "{",
        "pricing.bpmn": PRICING.replace(' id="small_order_pays_full_price"', ""),
    }
    with pytest.raises(DeploymentError) as caught:
        engine.deploy({**bundle(), "test_pricing.json": refusals["test_pricing.json"]})
    assert [(p.file, p.reason.split(":")[0]) for p in caught.value.problems] == [
        ("test_pricing.json", "process test file is not valid JSON")
    ]
    with pytest.raises(DeploymentError) as caught:
        engine.deploy(bundle(cases={"x": {"expected_output_json": [], "tasks": {"order": 1}}}))
    assert [p.reason for p in caught.value.problems] == [
        "process test 'x': expected_output_json must be a JSON object",
        "process test 'x': tasks 'order' must be {\"data\": [...]}, a list of JSON objects",
    ]
    with pytest.raises(DeploymentError) as caught:
        engine.deploy(bundle(refusals["pricing.bpmn"]))
    assert any(
        p.reason == "a script unit test needs an id (its name)" and p.element_id == "price"
        for p in caught.value.problems
    )
    with pytest.raises(DeploymentError) as caught:
        engine.deploy(bundle(with_expected("[1, 2]")))
    assert [p.reason for p in caught.value.problems] == [
        "unit test 'small_order_pays_full_price': expectedOutputJson must be a JSON object"
    ]
