"""API fixtures: an app on a fresh SQLite file, organisations, one user and token per role."""

from __future__ import annotations

import dataclasses

import pytest

from engine.config import load_settings
from tests.conftest import APPROVAL_BUNDLE
from web.app import create_app

PASSWORD = "correct horse battery"
ROLE_USERS = {
    "anonymous": None,
    "complainant": ("klara", "complainant", None),
    "permit_holder": ("hans", "permit_holder", None),
    "authority_caseworker": ("sonja", "authority_caseworker", "soenderborg"),
    "other_authority_caseworker": ("aage", "authority_caseworker", "aabenraa"),
    "board_caseworker": ("pia", "board_caseworker", "pkn"),
    "designer": ("dorte", "designer", None),
    "admin": ("adam", "admin", None),
}


@pytest.fixture
def app(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("KLAGEFLOW_TEST_CLOCK", "1")
    monkeypatch.setenv("KLAGEFLOW_INSECURE_COOKIES", "1")
    settings = dataclasses.replace(
        load_settings(), data_dir=tmp_path, database_url=str(engine.db.url)
    )
    application = create_app(settings, engine, local=True)
    accounts = application.extensions["klageflow"].accounts
    accounts.upsert_organisation(
        "soenderborg",
        kind="authority",
        name="Sønderborg Kommune",
        notification_email="plan@sonderborg.dk",
    )
    accounts.upsert_organisation(
        "aabenraa", kind="authority", name="Aabenraa Kommune", notification_email="plan@aabenraa.dk"
    )
    accounts.upsert_organisation(
        "pkn",
        kind="board",
        name="Planklagenævnet",
        notification_email="pkn@naevneneshus.dk",
        board_code="PKN",
    )
    accounts.upsert_organisation(
        "mfkn",
        kind="board",
        name="Miljø- og Fødevareklagenævnet",
        notification_email="mfkn@naevneneshus.dk",
        board_code="MFKN",
    )
    tokens = {}
    for label, spec in ROLE_USERS.items():
        if spec is None:
            continue
        username, role, org = spec
        accounts.create_user(
            username, role, password=PASSWORD, organisation_id=org, email=f"{username}@example.dk"
        )
        tokens[label] = accounts.create_token(username)
    application.config["TEST_TOKENS"] = tokens
    return application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def tokens(app) -> dict[str, str]:
    return app.config["TEST_TOKENS"]


def bearer(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"} if who in tokens else {}


@pytest.fixture
def deployed(engine):
    engine.deploy_paths(APPROVAL_BUNDLE, deployed_by="dorte")
    return engine
