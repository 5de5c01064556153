"""Bad models over HTTP: the API and the designer's form editor answer 4xx, never 500."""

from __future__ import annotations

import io
import re

from tests.conftest import EXAMPLES
from tests.web.conftest import PASSWORD, bearer

BPMN = (EXAMPLES / "approval.bpmn").read_bytes()
DMN = (EXAMPLES / "fee.dmn").read_bytes()
FORM = (EXAMPLES / "review.form").read_bytes()
DEEP_GROUPS = '{"components":[' + '{"type":"group","components":[' * 3000 + "]}" * 3000 + "]}"
NOT_FORMS = {
    "a number as component": '{"components":[1]}',
    "a list as type": '{"components":[{"type":[1]}]}',
    "3,000 nested groups": DEEP_GROUPS,
    "validate as text": '{"components":[{"type":"textfield","key":"a","validate":"x"}]}',
    "100,000 brackets": "[" * 100_000,
}


def deploy(client, tokens, files: dict[str, bytes]):
    return client.post(
        "/api/v1/definitions",
        data={"files": [(io.BytesIO(content), name) for name, content in files.items()]},
        headers=bearer(tokens, "designer"),
        content_type="multipart/form-data",
    )


def test_a_form_that_is_not_a_form_is_refused_through_the_api(client, tokens):
    for case, form in NOT_FORMS.items():
        files = {"approval.bpmn": BPMN, "fee.dmn": DMN, "review.form": form.encode()}
        response = deploy(client, tokens, files)
        assert response.status_code == 422, (case, response.get_data(as_text=True)[:300])
        assert [p["file"] for p in response.json["errors"]] == ["review.form"], case


def test_a_dmn_file_with_a_decision_service_is_refused_through_the_api_on_the_dmn(client, tokens):
    service_only = (
        b'<definitions xmlns="http://www.omg.org/spec/DMN/20180521/MODEL/" id="defs" '
        b'name="x" namespace="http://klageflow.local/dmn">'
        b'<decisionService id="service_1" name="S" /></definitions>'
    )
    response = deploy(
        client,
        tokens,
        {"approval.bpmn": BPMN, "fee.dmn": service_only, "review.form": FORM},
    )
    assert response.status_code == 422
    assert "fee.dmn" in {p["file"] for p in response.json["errors"]}


def designer_session(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "username": "dorte", "password": PASSWORD}
    )
    assert response.status_code == 302
    return re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/processer").get_data(as_text=True)
    ).group(1)


def post_form(client, csrf: str, body: str):
    return client.post(
        "/processer/approval/formularer/review.form",
        data=body,
        headers={"X-CSRF-Token": csrf},
        content_type="application/json",
    )


def test_the_form_editor_refuses_what_is_not_a_form_with_a_4xx(app, client):
    app.extensions["klageflow"].engine.deploy_paths(
        [EXAMPLES / "approval.bpmn", EXAMPLES / "fee.dmn", EXAMPLES / "review.form"]
    )
    csrf = designer_session(client)
    for case in ("a number as component", "a list as type", "validate as text"):
        response = post_form(client, csrf, '{"schema": ' + NOT_FORMS[case] + "}")
        assert response.status_code == 422, (case, response.get_data(as_text=True)[:300])
        assert [p["file"] for p in response.json["problems"]] == ["review.form"], case
    # JSON too deep to read or to write back: refused, not a server error.
    assert post_form(client, csrf, '{"schema": ' + DEEP_GROUPS + "}").status_code == 422
    assert post_form(client, csrf, "[" * 100_000).status_code == 422
