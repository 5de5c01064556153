"""The JSON API's contract: problem+json errors, login, tokens, deploy, tasks, the test clock."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime

from sqlalchemy import func, select

from engine import DefinitionInfo, InstanceView, TaskInfo
from engine import runtime as runtime_module
from engine.models import ProcessDefinition
from tests.conftest import EXAMPLES
from tests.web.conftest import PASSWORD, bearer


def count_definitions(engine) -> int:
    with engine.db.read() as session:
        return session.scalar(select(func.count()).select_from(ProcessDefinition))


def deploy(client, tokens, who="designer", files=None):
    names = ("approval.bpmn", "fee.dmn", "review.form")
    files = files or [(io.BytesIO((EXAMPLES / n).read_bytes()), n) for n in names]
    return client.post(
        "/api/v1/definitions",
        data={"files": files},
        headers=bearer(tokens, who),
        content_type="multipart/form-data",
    )


def test_the_openapi_document_is_served_and_the_docs_need_no_cdn(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["info"]["title"] == "Klageflow API"
    assert "/api/v1/tasks/{task_id}/complete" in spec["paths"]
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/vendor/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


def test_the_openapi_document_shows_every_field_of_the_engine_records_the_api_returns(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    for name, record in (("Definition", DefinitionInfo), ("Task", TaskInfo)):
        assert list(schemas[name]["properties"]) == [f.name for f in dataclasses.fields(record)]
    instance = schemas["Instance"]["properties"]
    assert list(instance) == [f.name for f in dataclasses.fields(InstanceView)] + ["case"]
    for field, nested in (("open_tasks", "Task"), ("incidents", "Incident"), ("history", "Event")):
        assert instance[field]["items"] == {"$ref": f"#/components/schemas/{nested}"}
    assert instance["completed_at"]["nullable"] is True and "nullable" not in instance["id"]
    assert schemas["Task"]["properties"]["due_at"] == {
        "type": "string",
        "format": "date-time",
        "nullable": True,
    }


def test_anonymous_calls_get_401_problem_json(client):
    response = client.get("/api/v1/tasks")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.json["title"] == "Not authenticated"


def test_login_sets_a_session_and_failed_logins_are_rate_limited(client):
    response = client.post("/api/v1/session", json={"username": "sonja", "password": PASSWORD})
    assert response.status_code == 200 and response.json["groups"] == ["authority:soenderborg"]
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/api/v1/session").json["username"] == "sonja"
    client.delete("/api/v1/session")
    for _ in range(5):
        assert (
            client.post(
                "/api/v1/session", json={"username": "pia", "password": "wrong"}
            ).status_code
            == 401
        )
    limited = client.post("/api/v1/session", json={"username": "pia", "password": PASSWORD})
    assert limited.status_code == 429 and "wait" in limited.json["detail"]


def test_a_session_cannot_change_state_without_the_csrf_token(client, deployed):
    client.post("/api/v1/session", json={"username": "adam", "password": PASSWORD})
    refused = client.post(
        "/api/v1/instances", json={"key": "approval", "data": {"applicant_type": "x"}}
    )
    assert refused.status_code == 403 and "expired" in refused.json["detail"]
    with client.session_transaction() as session:
        token = session["csrf"]
    accepted = client.post(
        "/api/v1/instances",
        json={"key": "approval", "data": {"applicant_type": "x"}},
        headers={"X-CSRF-Token": token},
    )
    assert accepted.status_code == 201


def test_a_revoked_token_stops_working(app, client, tokens):
    accounts = app.extensions["klageflow"].accounts
    assert client.get("/api/v1/session", headers=bearer(tokens, "admin")).status_code == 200
    [token] = accounts.tokens("adam")
    accounts.revoke_token(token.id)
    response = client.get("/api/v1/session", headers=bearer(tokens, "admin"))
    assert response.status_code == 401 and "revoked" in response.json["detail"]


def test_deploy_gives_201_then_200_for_identical_content(client, tokens, engine):
    first = deploy(client, tokens)
    assert first.status_code == 201 and first.json["deployed"] == [
        {"key": "approval", "version": 1, "created": True}
    ]
    assert deploy(client, tokens).status_code == 200
    bpmn = client.get(
        "/api/v1/definitions/approval/versions/1/bpmn", headers=bearer(tokens, "designer")
    )
    assert bpmn.status_code == 200 and b'id="approval"' in bpmn.data


def test_a_refused_deployment_is_422_with_the_problems_as_data(client, tokens, engine):
    broken = (EXAMPLES / "approval.bpmn").read_bytes().replace(b"reminders = 0", b"reminders = = 0")
    response = deploy(
        client,
        tokens,
        files=[
            (io.BytesIO(broken), "approval.bpmn"),
            (io.BytesIO((EXAMPLES / "fee.dmn").read_bytes()), "fee.dmn"),
            (io.BytesIO((EXAMPLES / "review.form").read_bytes()), "review.form"),
        ],
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["element_id"] == "prepare"
    assert count_definitions(engine) == 0


def test_xxe_and_billion_laughs_uploads_are_refused(client, tokens, engine):
    from tests.engine.test_deploy import BILLION_LAUGHS, XXE

    for document in (XXE, BILLION_LAUGHS):
        response = deploy(client, tokens, files=[(io.BytesIO(document.encode()), "evil.bpmn")])
        assert response.status_code == 422 and "DOCTYPE" in response.json["detail"]
    assert count_definitions(engine) == 0


def test_a_huge_body_is_413(client, tokens):
    response = client.post(
        "/api/v1/instances",
        data=b"x" * (11 * 1024 * 1024),
        headers={**bearer(tokens, "admin"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"


def test_malformed_json_and_wrong_types_are_400_and_422(client, tokens, deployed):
    response = client.post(
        "/api/v1/instances",
        data=b"{not json",
        headers={**bearer(tokens, "admin"), "Content-Type": "application/json"},
    )
    assert (
        response.status_code in (400, 422) and response.content_type == "application/problem+json"
    )
    response = client.post(
        "/api/v1/instances", json={"key": 7, "data": []}, headers=bearer(tokens, "admin")
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"key", "data"}


def test_the_task_page_total_counts_only_the_tasks_the_search_finds(client, tokens, deployed):
    for number in (1, 2, 3):
        deployed.start(
            "approval", {"applicant_type": "private"}, business_key=f"KP-2025-00000{number}"
        )
    page = client.get(
        "/api/v1/tasks?search=KP-2025-000001&page_size=1", headers=bearer(tokens, "admin")
    ).json
    assert [item["business_key"] for item in page["items"]] == ["KP-2025-000001"]
    assert page["total"] == 1
    everything = client.get("/api/v1/tasks?page_size=1", headers=bearer(tokens, "admin")).json
    assert len(everything["items"]) == 1 and everything["total"] == 3


def test_a_caseworker_lists_claims_and_completes_tasks_of_their_group(
    client, tokens, app, deployed
):
    deployed.start("approval", {"applicant_type": "private"})
    # The demo process's lane is "caseworkers": give Sønderborg's caseworker that group.
    page = client.get("/api/v1/tasks?group=caseworkers", headers=bearer(tokens, "admin")).json
    assert page["total"] == 1
    task_id = page["items"][0]["id"]
    assert (
        client.get("/api/v1/tasks", headers=bearer(tokens, "authority_caseworker")).json["total"]
        == 0
    )
    assert (
        client.post(
            f"/api/v1/tasks/{task_id}/claim", headers=bearer(tokens, "authority_caseworker")
        ).status_code
        == 404
    )
    bad = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"data": {"approved": "x"}},
        headers=bearer(tokens, "admin"),
    )
    assert bad.status_code == 403  # admins are not in the task's group


def test_completing_twice_is_409(client, tokens, deployed, app):
    accounts = app.extensions["klageflow"].accounts
    accounts.create_user("carl", "authority_caseworker", organisation_id="soenderborg")
    deployed.deploy(
        {
            "g.bpmn": (EXAMPLES / "approval.bpmn")
            .read_bytes()
            .replace(b'name="caseworkers"', b'name="authority:soenderborg"'),
            "fee.dmn": (EXAMPLES / "fee.dmn").read_bytes(),
            "review.form": (EXAMPLES / "review.form").read_bytes(),
        }
    )
    deployed.start("approval", {"applicant_type": "private"})
    headers = bearer(tokens, "authority_caseworker")
    [task] = client.get("/api/v1/tasks", headers=headers).json["items"]
    invalid = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"approved": "perhaps"}},
        headers=headers,
    )
    assert invalid.status_code == 422 and {"approved", "reason"} <= set(invalid.json["errors"])
    ok = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"approved": False, "reason": "Not in order"}},
        headers=headers,
    )
    assert ok.status_code == 200 and ok.json["status"] == "completed"
    again = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"approved": False, "reason": "Not in order"}},
        headers=headers,
    )
    assert again.status_code == 409 and again.content_type == "application/problem+json"


def test_a_bug_inside_a_step_is_a_500_with_a_log_line_and_no_incident(
    client, tokens, deployed, monkeypatch, caplog
):
    deployed.deploy(
        {
            "approval.bpmn": (EXAMPLES / "approval.bpmn")
            .read_bytes()
            .replace(b'name="caseworkers"', b'name="authority:soenderborg"'),
            "fee.dmn": (EXAMPLES / "fee.dmn").read_bytes(),
            "review.form": (EXAMPLES / "review.form").read_bytes(),
        }
    )
    instance_id = deployed.start("approval", {"applicant_type": "private"})
    [task] = deployed.tasks()

    def summary_with_a_typo(ctx, scan, open_items):
        return ctx.instance.summary  # no such attribute: a bug in Klageflow, not in the model

    monkeypatch.setattr(runtime_module, "_summary", summary_with_a_typo)
    response = client.post(
        f"/api/v1/tasks/{task.id}/complete",
        json={"data": {"approved": False, "reason": "Not in order"}},
        headers=bearer(tokens, "authority_caseworker"),
    )
    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    assert "AttributeError" not in response.get_data(as_text=True)
    [record] = [r for r in caplog.records if r.name == "web.problems"]
    assert record.exc_info[0] is AttributeError and "/complete" in record.getMessage()
    assert deployed.incidents() == []
    assert deployed.show(instance_id).status == "running"
    assert [t.id for t in deployed.tasks()] == [task.id]


def test_the_test_clock_sets_the_engine_clock(client):
    response = client.put("/api/v1/test/clock", json={"now": "2025-08-08T21:59:00+00:00"})
    assert response.status_code == 200
    now = datetime.fromisoformat(client.get("/api/v1/test/clock").json["now"])
    assert abs((now - datetime(2025, 8, 8, 21, 59, tzinfo=UTC)).total_seconds()) < 5


def test_without_test_mode_there_is_no_clock_endpoint(engine, tmp_path, monkeypatch):
    import dataclasses

    from engine.config import load_settings
    from web.app import create_app

    monkeypatch.delenv("KLAGEFLOW_TEST_CLOCK", raising=False)
    settings = dataclasses.replace(load_settings(), data_dir=tmp_path)
    client = create_app(settings, engine, local=True).test_client()
    assert client.get("/api/v1/test/clock").status_code == 404
    assert (
        client.put("/api/v1/test/clock", json={"now": "2025-01-01T00:00:00+00:00"}).status_code
        == 404
    )


def test_swagger_ui_assets_are_served_from_our_own_origin(client):
    response = client.get("/vendor/swagger-ui-dist/swagger-ui-bundle.js")
    assert response.status_code == 200 and len(response.data) > 100_000
    assert client.get("/vendor/not-a-package/x.js").status_code == 404
