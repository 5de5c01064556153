"""Logging in and out (session cookie) and who am I."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from .. import auth
from . import services
from .operation import operation
from .schemas import LoginSchema, PrincipalSchema

PREFIX = "/session"
blp = Blueprint(
    "session", __name__, description="Log in with a password (web UI) and see who you are"
)


def principal_dict(principal) -> dict:
    return {
        "id": principal.id,
        "username": principal.username,
        "role": principal.role,
        "organisation_id": principal.organisation_id,
        "organisation_kind": principal.organisation_kind,
        "email": principal.email,
        "display_name": principal.display_name,
        "groups": list(principal.groups),
    }


@blp.route("")
class SessionResource(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, PrincipalSchema)
    def post(self, body):
        """Log in; sets the session cookie. Failed attempts are rate-limited."""
        accounts = services().accounts
        principal = accounts.authenticate(body["username"], body["password"], request.remote_addr)
        auth.start_session(principal)
        return principal_dict(principal)

    @blp.response(204)
    def delete(self):
        """Log out: this and every other session of the user end."""
        auth.end_session()

    @operation(blp, 200, PrincipalSchema)
    def get(self):
        """The logged-in user (by session or bearer token)."""
        return principal_dict(auth.current())
