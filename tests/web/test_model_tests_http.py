"""A failing model test refuses a deployment through the API with its name and differences."""

from __future__ import annotations

from tests.conftest import EXAMPLES
from tests.web.test_bad_models_http import BPMN, DMN, FORM, deploy

TESTS = (EXAMPLES / "test_approval.json").read_bytes()


def test_a_deployment_whose_model_test_fails_is_refused_with_the_test_and_difference(
    client, tokens
):
    wrong = TESTS.replace(b'"fee": 900', b'"fee": 1900')
    files = {"approval.bpmn": BPMN, "fee.dmn": DMN, "review.form": FORM}
    response = deploy(client, tokens, {**files, "test_approval.json": wrong})
    assert response.status_code == 422
    [error] = response.json["errors"]
    assert error["test"] == "a rejected application ends without final approval"
    assert error["file"] == "test_approval.json"
    assert error["differences"] == [
        {"path": "fee", "kind": "changed", "expected": 1900, "actual": 900}
    ]
    assert error["reason"] == (
        "model test 'a rejected application ends without final approval' failed: "
        "fee: expected 1900, got 900"
    )
    response = deploy(client, tokens, {**files, "test_approval.json": TESTS})
    assert response.status_code in (200, 201), response.get_data(as_text=True)[:300]
