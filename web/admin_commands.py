"""Account and server subcommands: create-user, create-token, revoke-token, create-authority, serve."""

from __future__ import annotations

import getpass
import sys

from engine import Engine

from . import migrate
from .accounts import Accounts
from .cli import EXTENSIONS, RAW_COMMANDS
from .models import ROLES


def _add(sub) -> None:
    p = sub.add_parser("create-user", help="create a user with a role")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--authority", help="the authority of an authority caseworker")
    p.add_argument("--board", help="the board of a board caseworker")
    p.add_argument("--email")
    p.add_argument("--name")
    p.add_argument(
        "--complainant-type", choices=["private", "company", "organisation", "authority"]
    )
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )

    p = sub.add_parser("create-token", help="issue an API bearer token for a user (printed once)")
    p.add_argument("username")
    p.add_argument("--name")

    p = sub.add_parser("revoke-token", help="revoke an API token by id")
    p.add_argument("token_id", type=int)

    for kind in ("authority", "board"):
        p = sub.add_parser(
            f"create-{kind}", help=f"create or update a{'n' if kind == 'authority' else ''} {kind}"
        )
        p.add_argument("id", help="short id, e.g. soenderborg or pkn")
        p.add_argument("--name", required=True)
        p.add_argument("--email", required=True, help="notification e-mail address")
        if kind == "board":
            p.add_argument("--code", required=True, choices=["PKN", "MFKN"])

    sub.add_parser("migrate", help="bring the database to the newest schema (Alembic)")

    p = sub.add_parser("serve", help="run the web app (development server; gunicorn in production)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)


def _accounts(settings) -> Accounts:
    engine = Engine.from_settings(settings)
    migrate.ensure_current(engine.db)
    return Accounts(engine.db)


def _migrate(args, settings) -> int:
    engine = Engine.from_settings(settings)
    before = migrate.current(engine.db)
    migrate.upgrade(engine.db)
    after = migrate.current(engine.db)
    print(
        f"schema at {after}"
        + (" (unchanged)" if before == after else f" (was {before or 'empty'})")
    )
    return 0


def _create_user(args, settings) -> int:
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.username}: ")
    principal = _accounts(settings).create_user(
        args.username,
        args.role,
        password=password or None,
        organisation_id=args.authority or args.board,
        email=args.email,
        display_name=args.name,
        complainant_type=args.complainant_type,
    )
    print(f"user {principal.username} ({principal.role}) created")
    return 0


def _create_token(args, settings) -> int:
    print(_accounts(settings).create_token(args.username, args.name))
    return 0


def _revoke_token(args, settings) -> int:
    _accounts(settings).revoke_token(args.token_id)
    print(f"token {args.token_id} revoked")
    return 0


def _create_org(kind: str):
    def run(args, settings) -> int:
        row = _accounts(settings).upsert_organisation(
            args.id,
            kind=kind,
            name=args.name,
            notification_email=args.email,
            board_code=getattr(args, "code", None),
        )
        print(f"{kind} {row.id} saved ({row.notification_email})")
        return 0

    return run


def _serve(args, settings) -> int:
    from .app import create_app
    from .startup import UnsafeConfiguration, is_loopback

    if settings.demo:
        raise UnsafeConfiguration("KLAGEFLOW_DEMO is only for `klageflow run`")
    app = create_app(settings, local=is_loopback(args.host))
    app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    return 0


EXTENSIONS.append(_add)
RAW_COMMANDS.update(
    {
        "create-user": _create_user,
        "create-token": _create_token,
        "revoke-token": _revoke_token,
        "create-authority": _create_org("authority"),
        "create-board": _create_org("board"),
        "serve": _serve,
        "migrate": _migrate,
    }
)
