"""Administration: authorities and boards with notification addresses, users, API tokens."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from .. import auth
from .schemas import (
    OrganisationSchema,
    PrincipalSchema,
    TokenCreateSchema,
    TokenSchema,
    UserCreateSchema,
)
from .session import principal_dict

PREFIX = "/admin"
blp = Blueprint("admin", __name__, description="Master data and accounts (administrators)")


class OrganisationOutSchema(OrganisationSchema):
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class UserOutSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    organisation_id = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    display_name = fields.String(allow_none=True)
    active = fields.Boolean()


def _accounts():
    return current_app.extensions["klageflow"].accounts


@blp.route("/organisations")
class Organisations(MethodView):
    @blp.response(200, OrganisationOutSchema(many=True))
    @auth.require("admin")
    def get(self):
        """Authorities and boards."""
        return _accounts().organisations()

    @blp.arguments(OrganisationSchema)
    @blp.response(201, OrganisationOutSchema)
    @auth.require("admin")
    def post(self, body):
        """Create or update an authority or board (notification address included)."""
        return _accounts().upsert_organisation(
            body["id"],
            kind=body["kind"],
            name=body["name"],
            notification_email=body["notification_email"],
            board_code=body["board_code"],
        )


@blp.route("/users")
class Users(MethodView):
    @blp.response(200, UserOutSchema(many=True))
    @auth.require("admin")
    def get(self):
        """All users."""
        return _accounts().users()

    @blp.arguments(UserCreateSchema)
    @blp.response(201, PrincipalSchema)
    @auth.require("admin")
    def post(self, body):
        """Create a user with a role (caseworkers name their authority or board)."""
        principal = _accounts().create_user(
            body["username"],
            body["role"],
            password=body["password"],
            organisation_id=body["organisation_id"],
            email=body["email"],
            display_name=body["display_name"],
            complainant_type=body["complainant_type"],
        )
        return principal_dict(principal)


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(TokenCreateSchema)
    @blp.response(201, TokenSchema)
    @auth.require("admin")
    def post(self, body):
        """Issue a bearer token for a user; the value is shown only in this response."""
        return {"token": _accounts().create_token(body["username"], body["name"])}


@blp.route("/tokens/<int:token_id>")
class Token(MethodView):
    @blp.response(204)
    @auth.require("admin")
    def delete(self, token_id):
        """Revoke a token."""
        _accounts().revoke_token(token_id)
