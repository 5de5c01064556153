"""create-authority, create-board, create-user, create-token, revoke-token: text and --json."""

from __future__ import annotations

import io
import sys

import pytest

from engine.db import Database
from web.accounts import Accounts


@pytest.fixture
def accounts(cli, database_url):
    database = Database(database_url)
    yield Accounts(database)
    database.dispose()


def test_authorities_and_boards_are_created_and_updated_in_text_and_json(cli):
    ran = cli("create-authority", "soenderborg", "--name", "Sønderborg Kommune",
              "--email", "plan@soenderborg.example")  # fmt: skip
    assert ran.out == "authority soenderborg saved (plan@soenderborg.example)\n"
    updated = cli("create-authority", "soenderborg", "--name", "Sønderborg Kommune",
                  "--email", "byg@soenderborg.example", "--json").json  # fmt: skip
    assert updated == {
        "id": "soenderborg",
        "kind": "authority",
        "name": "Sønderborg Kommune",
        "notification_email": "byg@soenderborg.example",
        "board_code": None,
    }
    ran = cli("create-board", "pkn", "--name", "Planklagenævnet",
              "--email", "pkn@naevneneshus.example", "--code", "PKN")  # fmt: skip
    assert ran.out == "board pkn saved (pkn@naevneneshus.example)\n"
    board = cli("create-board", "mfkn", "--name", "Miljø- og Fødevareklagenævnet",
                "--email", "mfkn@naevneneshus.example", "--code", "MFKN", "--json").json  # fmt: skip
    assert (board["kind"], board["board_code"]) == ("board", "MFKN")
    bad = cli("create-authority", "x", "--name", "X", "--email", "nowhere", "--json", status=1)
    assert bad.err == (
        "error: notification_email is not an address (notification_email: invalid)\n"
    )
    assert bad.json == {
        "error": "notification_email is not an address",
        "fields": {"notification_email": ["invalid"]},
    }


def test_a_user_created_with_a_password_on_stdin_can_log_in(cli, accounts, monkeypatch):
    cli("create-authority", "soenderborg", "--name", "Sønderborg Kommune",
        "--email", "plan@soenderborg.example")  # fmt: skip
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-password\n"))
    ran = cli("create-user", "soeren", "--role", "authority_caseworker",
              "--authority", "soenderborg", "--email", "sb@soenderborg.example",
              "--name", "Søren Sagsbehandler", "--password-stdin")  # fmt: skip
    assert ran.out == "user soeren (authority_caseworker) created\n"
    principal = accounts.authenticate("soeren", "a-long-password")
    assert (principal.organisation_id, principal.display_name) == (
        "soenderborg",
        "Søren Sagsbehandler",
    )

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal, no password
    user = cli("create-user", "karen", "--role", "complainant",
               "--complainant-type", "private", "--json").json  # fmt: skip
    assert {k: user[k] for k in ("username", "role", "complainant_type", "display_name")} == {
        "username": "karen",
        "role": "complainant",
        "complainant_type": "private",
        "display_name": "karen",
    }


def test_creating_an_invalid_user_is_one_error_line_with_the_fields(cli, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    ran = cli("create-user", "naevn", "--role", "board_caseworker", "--board", "pkn", status=1)
    assert ran.err == (
        "error: a board_caseworker needs an existing board (organisation_id: an existing board)\n"
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    ran = cli("create-user", "x", "--role", "admin", "--password-stdin", "--json", status=1)
    assert ran.json["fields"] == {"password": ["at least 10 characters"]}
    cli("create-user", "x", "--role", "king", status=2)


def test_a_token_is_printed_once_and_stops_working_when_revoked(cli, accounts, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    cli("create-user", "integration", "--role", "admin")
    token = cli("create-token", "integration", "--name", "nightly export").out.strip()
    assert token.startswith("kf_") and accounts.principal_for_token(token).username == "integration"
    issued = cli("create-token", "integration", "--json").json
    assert issued["username"] == "integration" and issued["name"] is None
    assert issued["token"].startswith("kf_") and issued["token"] != token

    first, second = sorted(row.id for row in accounts.tokens("integration"))
    assert cli("revoke-token", first).out == f"token {first} revoked\n"
    assert accounts.principal_for_token(token) is None
    assert cli("revoke-token", second, "--json").json == {"id": second, "revoked": True}
    assert accounts.principal_for_token(issued["token"]) is None
    assert cli("revoke-token", "999", status=1).err == "error: token 999 does not exist\n"
    assert cli("create-token", "nobody", status=1).err == "error: user 'nobody' does not exist\n"
