"""Input that used to fail deep inside (500) or be taken silently wrong is refused at the door.

Lone surrogates, 5,000-digit numbers, JSON nested 100,000 deep, dates past the calendar,
`next` targets with a newline, fractional ids and form files that are JSON but no form:
the API answers 400/422 problem+json naming the field, the pages a Danish message beside
the field with what was typed kept, and the designer's editors a refusal naming the file.
"""

from __future__ import annotations

import io
import json

from engine import TaskFilter
from tests.conftest import EXAMPLES
from tests.web.conftest import bearer
from tests.web.test_complaints_api import GAMMELDAM, draft, register
from tests.web.test_ui_pages import log_in

HUGE_NUMBER = "9" * 5000
DEEP_JSON = "[" * 100_000 + "]" * 100_000
LONE_SURROGATE = "\\ud800"  # as JSON text: the escape, which decodes to no character


def send_json(client, method, path, text, headers):
    return client.open(
        path, method=method, data=text, content_type="application/json", headers=headers
    )


def complaint_json(decision, /, **raw: str) -> str:
    """A new complaint's body as JSON text; `raw` puts JSON text as it is into fields."""
    body = {
        "decision": decision, "legal_basis": "planloven-35", "complainant_type": "private",
        "text": "Huset skæmmer landskabet.",
    }  # fmt: skip
    fields = [f'"{name}": {raw.get(name, json.dumps(value))}' for name, value in body.items()]
    return "{" + ", ".join(fields) + "}"


def problem_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    return response.json


# -- the JSON API --------------------------------------------------------------------------


def test_a_complaint_text_with_a_lone_surrogate_is_refused_naming_the_field(client, tokens):
    decision = register(client, tokens).json["id"]
    headers = bearer(tokens, "complainant")
    text = complaint_json(decision, text=f'"Huset {LONE_SURROGATE} skæmmer landskabet."')
    problem = problem_of(send_json(client, "POST", "/api/v1/complaints", text, headers), 422)
    assert "unpaired surrogate" in problem["errors"]["text"][0]
    reference = draft(client, tokens, decision).json["reference"]
    patch = f'{{"text": "Ny tekst {LONE_SURROGATE} her."}}'
    path = f"/api/v1/complaints/{reference}"
    problem = problem_of(send_json(client, "PATCH", path, patch, headers), 422)
    assert list(problem["errors"]) == ["text"]
    assert client.get(path, headers=headers).json["text"] == "Huset skæmmer landskabet."


ELSEWHERE = [  # path, who, body
    ("/api/v1/session", "anonymous", f'{{"username": "{LONE_SURROGATE}", "password": "x"}}'),
    ("/api/v1/instances", "admin", f'{{"key": "approval", "business_key": "{LONE_SURROGATE}"}}'),
    ("/api/v1/instances", "admin", f'{{"key": "approval", "data": {{"{LONE_SURROGATE}": 1}}}}'),
    ("/api/v1/admin/organisations", "admin",
     f'{{"id": "ny", "kind": "authority", "name": "{LONE_SURROGATE}", '
     '"notification_email": "a@example.dk"}'),
]  # fmt: skip


def test_any_text_field_with_a_lone_surrogate_is_refused(client, tokens, deployed):
    for path, who, body in ELSEWHERE:
        problem = problem_of(send_json(client, "POST", path, body, bearer(tokens, who)), 422)
        assert "unpaired surrogate" in problem["detail"], path


def test_a_five_thousand_digit_number_is_a_bad_request_not_a_crash(client, tokens, deployed):
    decision = register(client, tokens).json["id"]
    headers = bearer(tokens, "complainant")
    text = complaint_json(decision, decision=HUGE_NUMBER)
    problem = problem_of(send_json(client, "POST", "/api/v1/complaints", text, headers), 400)
    assert "number is too long" in problem["detail"]
    start = '{"key": "approval", "version": 99999999999999999999999}'
    problem = problem_of(send_json(client, "POST", "/api/v1/instances", start, bearer(tokens, "admin")), 422)  # fmt: skip
    assert problem["errors"] == {"version": ["the number is larger than a 64-bit integer"]}
    for path in (f"/api/v1/decisions/{HUGE_NUMBER}", "/api/v1/decisions/99999999999"):
        assert problem_of(client.get(path, headers=headers), 404)
    page = client.get(f"/api/v1/tasks?page={HUGE_NUMBER}", headers=bearer(tokens, "admin"))
    assert "page" in problem_of(page, 422)["errors"]


def test_json_nested_a_hundred_thousand_deep_is_a_bad_request(client, tokens):
    headers = bearer(tokens, "complainant")
    problem = problem_of(send_json(client, "POST", "/api/v1/complaints", DEEP_JSON, headers), 400)
    assert problem["detail"] == "the JSON body is nested too deeply"
    inner = "[" * 200 + "]" * 200
    body = f'{{"key": "approval", "data": {{"x": {inner}}}}}'
    problem = problem_of(send_json(client, "POST", "/api/v1/instances", body, bearer(tokens, "admin")), 422)  # fmt: skip
    assert "nested deeper than 64 levels" in problem["detail"]


def test_numbers_that_are_not_finite_are_refused(client, tokens):
    decision = register(client, tokens).json["id"]
    for raw in ("NaN", "1e400", "-Infinity"):
        text = complaint_json(decision, decision=raw)
        problem = problem_of(
            send_json(client, "POST", "/api/v1/complaints", text, bearer(tokens, "complainant")),
            422,
        )
        assert problem["errors"] == {"decision": ["the number is not finite"]}


def test_a_fractional_decision_is_refused_not_taken_as_the_whole_number(client, tokens):
    decision = register(client, tokens).json["id"]
    headers = bearer(tokens, "complainant")
    for raw in (f"{decision}.5", f"{decision}.0", f'"{decision}"', "true"):
        text = complaint_json(decision, decision=raw)
        problem = problem_of(send_json(client, "POST", "/api/v1/complaints", text, headers), 422)
        assert problem["errors"] == {"decision": ["Not a valid integer."]}, raw
    assert client.get("/api/v1/complaints", headers=headers).json == []


def test_a_decision_dated_outside_the_supported_years_is_refused(client, tokens):
    for dates, field in (
        ({"published_at": "9999-12-31"}, "published_at"),
        ({"published_at": "0001-01-01"}, "published_at"),
        ({"published_at": None, "notified_at": "9999-12-28", "notified_by": "post"}, "notified_at"),
    ):
        problem = problem_of(register(client, tokens, {**GAMMELDAM, **dates}), 422)
        assert problem["errors"] == {field: ["a day from 2000-01-01 to 2099-12-31"]}


# -- form files in a deployment ---------------------------------------------------------------


def _groups(depth: int) -> str:
    inner = '{"type": "textfield", "key": "reason"}'
    for _ in range(depth):
        inner = f'{{"type": "group", "components": [{inner}]}}'
    return f'{{"components": [{inner}]}}'


NOT_A_FORM = {
    "a number for a component": ('{"components": [1]}', "is not a component"),
    "a list for a type": ('{"components": [{"type": [1]}]}', "unknown component type"),
    "3,000 nested groups": (_groups(3000), "nested too deeply"),
    "text for the rules": (
        '{"components": [{"type": "textfield", "key": "reason", "validate": "x"}]}',
        "\"validate\" of 'reason' must be an object of rules",
    ),
    "100,000 brackets": ("[" * 100_000, "nested too deeply"),
    "a lone surrogate in a label": (
        f'{{"components": [{{"type": "textfield", "key": "reason", "label": "{LONE_SURROGATE}"}}]}}',
        "unpaired surrogate",
    ),
    "a list for a label": (
        '{"components": [{"type": "textfield", "key": "reason", "label": [1]}]}',
        "\"label\" of 'reason' must be text",
    ),
    "a list for a choice": (
        '{"components": [{"type": "select", "key": "pick", "values": [{"value": [1]}]}]}',
        "\"values\" of 'pick' must be a list",
    ),
}


def test_a_deployment_with_json_that_is_no_form_is_refused_naming_the_file(
    client, tokens, deployed
):
    for case, (text, reason) in NOT_A_FORM.items():
        response = _deploy_review_form(client, tokens, text)
        problem = problem_of(response, 422)
        assert [e["file"] for e in problem["errors"]] == ["review.form"], case
        assert reason in problem["errors"][0]["reason"], case


def _deploy_review_form(client, tokens, text):
    files = [
        (io.BytesIO((EXAMPLES / "approval.bpmn").read_bytes()), "approval.bpmn"),
        (io.BytesIO((EXAMPLES / "fee.dmn").read_bytes()), "fee.dmn"),
        (io.BytesIO(text.encode()), "review.form"),
    ]
    return client.post(
        "/api/v1/definitions", data={"files": files}, headers=bearer(tokens, "designer"),
        content_type="multipart/form-data",
    )  # fmt: skip


def test_the_form_editor_refuses_json_that_is_no_form_naming_the_file(client, deployed):
    token = log_in(client, "dorte")
    for case, (text, reason) in NOT_A_FORM.items():
        response = client.post(
            "/processer/approval/formularer/review.form", data=f'{{"schema": {text}}}',
            content_type="application/json", headers={"X-CSRF-Token": token},
        )  # fmt: skip
        assert response.status_code == 422, case
        problems = response.json["problems"]
        assert [p["file"] for p in problems] == ["review.form"], case
        assert reason in problems[0]["reason"], case
    assert [d.version for d in deployed.definition_versions("approval")] == [1]


def test_the_diagram_editor_refuses_a_body_nested_too_deeply(client, deployed):
    token = log_in(client, "dorte")
    response = client.post(
        "/processer/approval/valider", data=DEEP_JSON, content_type="application/json",
        headers={"X-CSRF-Token": token},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json["problems"] == [
        {"reason": "the JSON body is nested too deeply", "file": "approval.bpmn"}
    ]


# -- the pages -----------------------------------------------------------------------------


def test_a_new_complaint_with_unreadable_text_gets_a_danish_error_and_keeps_the_text(
    app, client, tokens
):
    decision = register(client, tokens).json["id"]
    token = log_in(client, "klara")
    raw = (
        f"csrf_token={token}&decision={decision}&legal_basis=planloven-35"
        "&complainant_type=private&text=Huset+%ED%A0%80+sk%C3%A6mmer+landskabet."
    )
    response = client.post("/sager/ny", data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Feltet indeholder tegn, som ikke kan læses." in html
    assert '<a href="#text" class="function-link">Feltet indeholder tegn' in html
    assert "Huset %ED%A0%80 skæmmer landskabet." in html
    services = app.extensions["klageflow"]
    assert services.complaints.mine(services.accounts.by_username("klara")) == []


def test_a_new_complaint_with_a_decision_that_is_no_id_gets_a_danish_error(client, tokens):
    register(client, tokens)
    token = log_in(client, "klara")
    for decision in (HUGE_NUMBER, "1.5", "99999999999999999999"):
        response = client.post(
            "/sager/ny", data={"csrf_token": token, "decision": decision,
                               "legal_basis": "planloven-35", "complainant_type": "private",
                               "text": "Huset skæmmer landskabet."},
        )  # fmt: skip
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Vælg den afgørelse, du klager over." in html
        assert "Huset skæmmer landskabet." in html


def test_a_task_form_refuses_a_fraction_for_a_whole_number_and_unreadable_text(client, deployed):
    deployed.start("approval", {"applicant_type": "private"})
    task_id = deployed.tasks(TaskFilter())[0].id
    token = log_in(client, "adam")
    # The task page completes only a task its user has claimed ("Tag opgaven" first).
    client.post(f"/opgaver/{task_id}/tag", data={"csrf_token": token})
    assert deployed.task(task_id).assignee == "adam"
    form = {"csrf_token": token, "reason": "Fint nok", "score": "1.5"}
    response = client.post(f"/opgaver/{task_id}", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Skriv et helt tal." in html and 'value="1.5"' in html
    raw = f"csrf_token={token}&reason=Fint+%ED%A0%80&score={HUGE_NUMBER}"
    response = client.post(
        f"/opgaver/{task_id}", data=raw, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Feltet indeholder tegn, som ikke kan læses." in html
    assert deployed.task(task_id).state != "completed"


def test_a_next_parameter_with_a_line_break_leads_to_our_start_page(client):
    for target in ("/sager\n", "\n/sager", "/sa\r\nger", "/sager\t"):
        response = client.get("/sprog/da", query_string={"next": target})
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target
    kept = client.get("/sprog/da", query_string={"next": "/sager?page=2"})
    assert kept.headers["Location"] == "/sager?page=2"


def test_page_numbers_past_any_page_show_a_page(client):
    log_in(client, "adam")
    for path in ("/opgaver", "/admin/adgangslog", "/admin/e-mails", "/admin/haendelser", "/sager"):
        for page in (HUGE_NUMBER, "99999999999999999999", "-3", "x"):
            assert client.get(path, query_string={"page": page}).status_code == 200, (path, page)
