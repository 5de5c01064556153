"""The OpenAPI document validates, and a property-based run against it finds no 5xx."""

from __future__ import annotations

import dataclasses

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate

from engine.config import load_settings
from engine.db import Database
from tests.conftest import APPROVAL_BUNDLE
from web import migrate
from web.app import create_app
from web.bootstrap import build_engine


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    directory = tmp_path_factory.mktemp("fuzz")
    db = Database(f"sqlite:///{directory / 'fuzz.sqlite'}")
    migrate.create_and_stamp(db)
    engine = build_engine(load_settings(), db=db)
    engine.deploy_paths(APPROVAL_BUNDLE)
    for applicant in ("private", "company"):
        engine.start("approval", {"applicant_type": applicant})
    settings_ = dataclasses.replace(load_settings(), data_dir=directory, test_clock=False)
    app = create_app(settings_, engine, local=True)
    accounts = app.extensions["klageflow"].accounts
    accounts.upsert_organisation(
        "pkn",
        kind="board",
        name="Planklagenævnet",
        notification_email="pkn@example.dk",
        board_code="PKN",
    )
    accounts.create_user("root", "admin")
    app.config["FUZZ_TOKEN"] = accounts.create_token("root")
    yield app
    db.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)


def test_the_openapi_document_is_valid(fuzz_app):
    document = fuzz_app.test_client().get("/api/v1/openapi.json").json
    validate(document)


def test_no_generated_request_causes_a_server_error(api_schema, fuzz_app):
    headers = {"Authorization": f"Bearer {fuzz_app.config['FUZZ_TOKEN']}"}
    server_errors = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,  # the same examples on every run: CI stays repeatable
        )
        def call(case):
            response = case.call(headers=headers)
            if response.status_code >= 500:
                server_errors.append((case.method, case.formatted_path, response.text[:300]))

        call()
    assert server_errors == []
