"""Commands on accounts: users, API tokens, and the authorities and boards they belong to."""

from __future__ import annotations

import getpass
import sys
from typing import Any

import click

from workflows.complaint.fees import BOARDS, COMPLAINANT_TYPES

from ..accounts import Accounts
from ..models import ROLES
from .core import Invocation, Output, command


def _accounts(run: Invocation) -> Accounts:
    return Accounts(run.engine().db)


def _password(username: str, from_stdin: bool) -> str | None:
    """The new user's password: from stdin, asked for on a terminal, or none (no login)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n") or None
    if sys.stdin.isatty():
        return getpass.getpass(f"password for {username}: ") or None
    return None


@command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The user's role.")
@click.option("--authority", metavar="ID", help="The authority of an authority caseworker.")
@click.option("--board", metavar="ID", help="The board of a board caseworker.")
@click.option("--email", help="Where the user's notifications go.")
@click.option("--name", help="Display name (default: the username).")
@click.option("--complainant-type", type=click.Choice(COMPLAINANT_TYPES), help="For complainants.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(
    run: Invocation,
    username: str,
    role: str,
    authority: str | None,
    board: str | None,
    email: str | None,
    name: str | None,
    complainant_type: str | None,
    password_stdin: bool,
) -> Output:
    """Create a user with a role.

    Asks for the password on a terminal; without one the user cannot log in with a
    password (API tokens still work).
    """
    principal = _accounts(run).create_user(
        username,
        role,
        password=_password(username, password_stdin),
        organisation_id=authority or board,
        email=email,
        display_name=name,
        complainant_type=complainant_type,
    )
    return Output(principal, lambda user: f"user {user['username']} ({user['role']}) created")


@command("create-token")
@click.argument("username")
@click.option("--name", help="What the token is for, e.g. the integration's name.")
def create_token(run: Invocation, username: str, name: str | None) -> Output:
    """Issue an API bearer token for a user.

    The token is printed once; only its hash is stored.
    """
    token = _accounts(run).create_token(username, name)
    result = {"username": username, "name": name, "token": token}
    return Output(result, lambda result: result["token"])


@command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token(run: Invocation, token_id: int) -> Output:
    """Revoke an API token by id; it stops working at once."""
    _accounts(run).revoke_token(token_id)
    result = {"id": token_id, "revoked": True}
    return Output(result, lambda result: f"token {result['id']} revoked")


def _organisation_output(row: Any) -> Output:
    result = {
        "id": row.id,
        "kind": row.kind,
        "name": row.name,
        "notification_email": row.notification_email,
        "board_code": row.board_code,
    }
    return Output(
        result, lambda org: f"{org['kind']} {org['id']} saved ({org['notification_email']})"
    )


@command("create-authority")
@click.argument("org_id", metavar="ID")
@click.option("--name", required=True, help="e.g. Sønderborg Kommune.")
@click.option("--email", required=True, help="Notification e-mail address.")
def create_authority(run: Invocation, org_id: str, name: str, email: str) -> Output:
    """Create or update an authority.

    ID is a short id, e.g. soenderborg.
    """
    row = _accounts(run).upsert_organisation(
        org_id, kind="authority", name=name, notification_email=email
    )
    return _organisation_output(row)


@command("create-board")
@click.argument("org_id", metavar="ID")
@click.option("--name", required=True, help="e.g. Planklagenævnet.")
@click.option("--email", required=True, help="Notification e-mail address.")
@click.option("--code", required=True, type=click.Choice(BOARDS), help="The board's code.")
def create_board(run: Invocation, org_id: str, name: str, email: str, code: str) -> Output:
    """Create or update a board (nævn).

    ID is a short id, e.g. pkn.
    """
    row = _accounts(run).upsert_organisation(
        org_id, kind="board", name=name, notification_email=email, board_code=code
    )
    return _organisation_output(row)
