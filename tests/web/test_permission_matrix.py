"""Every endpoint × every role (and anonymous): the expected status, cross-authority included.

Each row builds the state it needs for each role afresh (a new instance and task), so one
role's call cannot change what the next role sees.
"""

from __future__ import annotations

import io

import pytest

from tests.conftest import EXAMPLES
from tests.web.conftest import ROLE_USERS, bearer

ROLES = list(ROLE_USERS)
BPMN = (EXAMPLES / "approval.bpmn").read_bytes()
# The demo process with its first lane bound to Sønderborg's caseworkers.
SOENDERBORG_BUNDLE = {
    "approval.bpmn": BPMN.replace(b'name="caseworkers"', b'name="authority:soenderborg"'),
    "fee.dmn": (EXAMPLES / "fee.dmn").read_bytes(),
    "review.form": (EXAMPLES / "review.form").read_bytes(),
}


def new_task(engine) -> tuple[str, str]:
    summary = engine.start_summary("approval", {"applicant_type": "private"})
    return summary.id, summary.open_tasks[0].id


def call(client, method, path, who, tokens, **kwargs):
    return client.open(path, method=method, headers=bearer(tokens, who), **kwargs)


def _deploy_files():
    return {"files": [(io.BytesIO(content), name) for name, content in SOENDERBORG_BUNDLE.items()]}


# row: (name, method, path template, request kwargs factory, {role: status})
EXPECTED = {
    "list definitions": (
        "GET",
        "/api/v1/definitions",
        None,
        dict(
            anonymous=401,
            complainant=403,
            permit_holder=403,
            authority_caseworker=200,
            other_authority_caseworker=200,
            board_caseworker=200,
            designer=200,
            admin=200,
        ),
    ),
    "versions of a definition": (
        "GET",
        "/api/v1/definitions/approval",
        None,
        dict(
            anonymous=401,
            complainant=403,
            permit_holder=403,
            authority_caseworker=200,
            other_authority_caseworker=200,
            board_caseworker=200,
            designer=200,
            admin=200,
        ),
    ),
    "deploy": (
        "POST",
        "/api/v1/definitions",
        "deploy",
        dict(
            anonymous=401,
            complainant=403,
            permit_holder=403,
            authority_caseworker=403,
            other_authority_caseworker=403,
            board_caseworker=403,
            designer=200,
            admin=403,
        ),
    ),
    # One version only: the caller who may migrate gets past the gate to the 422 of
    # migrating a version to itself (the migration itself: test_migrations_api.py).
    "migrate instances": (
        "POST",
        "/api/v1/definitions/approval/migrations",
        "migrate",
        dict(
            anonymous=401,
            complainant=403,
            permit_holder=403,
            authority_caseworker=403,
            other_authority_caseworker=403,
            board_caseworker=403,
            designer=422,
            admin=422,
        ),
    ),
    "start an instance": (
        "POST",
        "/api/v1/instances",
        "start",
        dict(
            anonymous=401,
            complainant=403,
            permit_holder=403,
            authority_caseworker=403,
            other_authority_caseworker=403,
            board_caseworker=403,
            designer=201,
            admin=201,
        ),
    ),
    "show an instance": (
        "GET",
        "/api/v1/instances/{instance}",
        None,
        dict(
            anonymous=401,
            complainant=404,
            permit_holder=404,
            authority_caseworker=200,
            other_authority_caseworker=404,
            board_caseworker=404,
            designer=200,
            admin=200,
        ),
    ),
    "send a message": (
        "POST",
        "/api/v1/instances/{instance}/messages",
        "message",
        dict(
            anonymous=401,
            complainant=403,
            permit_holder=403,
            authority_caseworker=403,
            other_authority_caseworker=403,
            board_caseworker=403,
            designer=403,
            admin=409,
        ),
    ),
    "send a message by name": (
        "POST",
        "/api/v1/messages",
        "message",
        dict(
            anonymous=401,
            complainant=403,
            permit_holder=403,
            authority_caseworker=403,
            other_authority_caseworker=403,
            board_caseworker=403,
            designer=403,
            admin=404,
        ),
    ),
    "throw a signal": (
        "POST",
        "/api/v1/signals",
        "message",
        dict(
            anonymous=401,
            complainant=403,
            permit_holder=403,
            authority_caseworker=403,
            other_authority_caseworker=403,
            board_caseworker=403,
            designer=403,
            admin=200,
        ),
    ),
    "list tasks": (
        "GET",
        "/api/v1/tasks",
        None,
        dict(
            anonymous=401,
            complainant=200,
            permit_holder=200,
            authority_caseworker=200,
            other_authority_caseworker=200,
            board_caseworker=200,
            designer=403,
            admin=200,
        ),
    ),
    "show a task": (
        "GET",
        "/api/v1/tasks/{task}",
        None,
        dict(
            anonymous=401,
            complainant=404,
            permit_holder=404,
            authority_caseworker=200,
            other_authority_caseworker=404,
            board_caseworker=404,
            designer=403,
            admin=200,
        ),
    ),
    "claim a task": (
        "POST",
        "/api/v1/tasks/{task}/claim",
        None,
        dict(
            anonymous=401,
            complainant=404,
            permit_holder=404,
            authority_caseworker=200,
            other_authority_caseworker=404,
            board_caseworker=404,
            designer=403,
            admin=200,
        ),
    ),
    "unclaim a task": (
        "POST",
        "/api/v1/tasks/{task}/unclaim",
        None,
        dict(
            anonymous=401,
            complainant=404,
            permit_holder=404,
            authority_caseworker=200,
            other_authority_caseworker=404,
            board_caseworker=404,
            designer=403,
            admin=200,
        ),
    ),
    "complete a task": (
        "POST",
        "/api/v1/tasks/{task}/complete",
        "complete",
        dict(
            anonymous=401,
            complainant=404,
            permit_holder=404,
            authority_caseworker=200,
            other_authority_caseworker=404,
            board_caseworker=404,
            designer=403,
            admin=403,
        ),
    ),
    "list incidents": (
        "GET",
        "/api/v1/instances/incidents",
        None,
        dict(
            anonymous=401,
            complainant=403,
            permit_holder=403,
            authority_caseworker=403,
            other_authority_caseworker=403,
            board_caseworker=403,
            designer=403,
            admin=200,
        ),
    ),
    "list users": (
        "GET",
        "/api/v1/admin/users",
        None,
        dict(
            anonymous=401,
            complainant=403,
            permit_holder=403,
            authority_caseworker=403,
            other_authority_caseworker=403,
            board_caseworker=403,
            designer=403,
            admin=200,
        ),
    ),
    "save an organisation": (
        "POST",
        "/api/v1/admin/organisations",
        "organisation",
        dict(
            anonymous=401,
            complainant=403,
            permit_holder=403,
            authority_caseworker=403,
            other_authority_caseworker=403,
            board_caseworker=403,
            designer=403,
            admin=201,
        ),
    ),
    "issue a token": (
        "POST",
        "/api/v1/admin/tokens",
        "token",
        dict(
            anonymous=401,
            complainant=403,
            permit_holder=403,
            authority_caseworker=403,
            other_authority_caseworker=403,
            board_caseworker=403,
            designer=403,
            admin=201,
        ),
    ),
}

BODIES = {
    "deploy": lambda: {"data": _deploy_files(), "content_type": "multipart/form-data"},
    "start": lambda: {"json": {"key": "approval", "data": {"applicant_type": "private"}}},
    "message": lambda: {"json": {"name": "nothing_waits_for_this"}},
    "complete": lambda: {"json": {"data": {"approved": False, "reason": "Not in order"}}},
    "organisation": lambda: {
        "json": {
            "id": "vejle",
            "kind": "authority",
            "name": "Vejle Kommune",
            "notification_email": "plan@vejle.dk",
        }
    },
    "token": lambda: {"json": {"username": "klara"}},
    "migrate": lambda: {"json": {"from_version": 1, "to_version": 1, "dry_run": True}},
    None: lambda: {},
}


@pytest.mark.parametrize("row", list(EXPECTED))
def test_permission_matrix(row, client, tokens, engine):
    method, template, body, expected = EXPECTED[row]
    engine.deploy(SOENDERBORG_BUNDLE)
    assert set(expected) == set(ROLES), "every role needs an expectation"
    actual = {}
    for role in ROLES:
        instance_id, task_id = new_task(engine)
        path = template.format(instance=instance_id, task=task_id)
        response = call(client, method, path, role, tokens, **BODIES[body]())
        if response.status_code >= 400:
            assert response.content_type == "application/problem+json", (role, response.data)
        actual[role] = response.status_code
    assert actual == expected
