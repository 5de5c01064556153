"""Administration: authorities and boards with notification addresses, users, API tokens."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from .. import case_access
from . import services
from .operation import operation
from .schemas import (
    AccountSchema,
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


class UserOutSchema(AccountSchema):
    active = fields.Boolean()


@blp.route("/organisations")
class Organisations(MethodView):
    @operation(blp, 200, OrganisationOutSchema(many=True), "admin")
    def get(self):
        """Authorities and boards."""
        return services().accounts.organisations()

    @operation(blp, 201, OrganisationOutSchema, "admin", arguments=OrganisationSchema)
    def post(self, body):
        """Create or update an authority or board (notification address included)."""
        return services().accounts.upsert_organisation(
            body["id"],
            kind=body["kind"],
            name=body["name"],
            notification_email=body["notification_email"],
            board_code=body["board_code"],
        )


@blp.route("/users")
class Users(MethodView):
    @operation(blp, 200, UserOutSchema(many=True), "admin")
    def get(self):
        """All users."""
        return services().accounts.users()

    @operation(blp, 201, PrincipalSchema, "admin", arguments=UserCreateSchema)
    def post(self, body):
        """Create a user with a role (caseworkers name their authority or board)."""
        return principal_dict(services().accounts.create_user(**body))


@blp.route("/tokens")
class Tokens(MethodView):
    @operation(blp, 201, TokenSchema, "admin", arguments=TokenCreateSchema)
    def post(self, body):
        """Issue a bearer token for a user; the value is shown only in this response."""
        return {"token": services().accounts.create_token(body["username"], body["name"])}


@blp.route("/tokens/<int:token_id>")
class Token(MethodView):
    @operation(blp, 204, None, "admin")
    def delete(self, token_id):
        """Revoke a token."""
        services().accounts.revoke_token(token_id)


class CaseAccessQuerySchema(Schema):
    username = fields.String(load_default=None, validate=validate.Length(max=150))
    reference = fields.String(load_default=None, validate=validate.Length(max=20))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class CaseAccessSchema(Schema):
    id = fields.Integer()
    at = fields.String()
    username = fields.String()
    role = fields.String()
    reference = fields.String(allow_none=True)
    instance_id = fields.String(allow_none=True)
    action = fields.String(
        metadata={"description": "view_case, view_instance, view_task or download_document"}
    )
    channel = fields.String(metadata={"description": "api or ui"})


class CaseAccessPageSchema(Schema):
    items = fields.List(fields.Nested(CaseAccessSchema))
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()


@blp.route("/case-access")
class CaseAccessLog(MethodView):
    @operation(
        blp, 200, CaseAccessPageSchema, "admin", arguments=CaseAccessQuerySchema, location="query"
    )
    def get(self, query):
        """Who of the staff opened which case, when and what; newest first, paginated."""
        return case_access.entries(
            services().engine.db,
            page=query["page"],
            page_size=query["page_size"],
            username=query["username"],
            reference=query["reference"],
        )
