"""Complaint resources: decisions, complaints (drafts, filing, track and trace), payments."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from workflows.complaint.fees import COMPLAINANT_TYPES

from .. import auth, case_access, payments
from ..complaints.decisions import DECISION_TYPES
from ..inputs import MAX_ID
from . import services
from .operation import operation

PREFIX = ""
blp = Blueprint("complaints", __name__, description="Decisions and complaints (track and trace)")


class PartySchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    email = fields.Email(load_default=None, allow_none=True)
    username = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=150))


class CoComplainantSchema(PartySchema):
    type = fields.String(required=True, validate=validate.OneOf(COMPLAINANT_TYPES))


class DecisionCreateSchema(Schema):
    authority = fields.String(required=True, validate=validate.Length(min=1, max=64))
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    legal_bases = fields.List(
        fields.String(validate=validate.Length(max=64)),
        required=True,
        validate=validate.Length(min=1, max=10),
    )
    published_at = fields.Date(load_default=None, allow_none=True)
    notified_at = fields.Date(load_default=None, allow_none=True)
    notified_by = fields.String(
        load_default="digital", validate=validate.OneOf(["digital", "post"])
    )
    permit_holder = fields.Nested(PartySchema, required=True)
    decision_type = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(list(DECISION_TYPES))
    )
    addressee = fields.Nested(PartySchema, load_default=None, allow_none=True)

    @validates_schema
    def _one_date(self, data, **kwargs):
        if (data.get("published_at") is None) == (data.get("notified_at") is None):
            raise ValidationError(
                "give exactly one of published_at and notified_at", "published_at"
            )


class DecisionSchema(Schema):
    id = fields.Integer()
    authority = fields.String()
    authority_name = fields.String(allow_none=True)
    title = fields.String()
    legal_bases = fields.List(fields.String())
    published = fields.Boolean()
    notified_on = fields.String()
    notified_by = fields.String()
    complaint_deadline = fields.String(metadata={"description": "ISO 8601 with offset"})
    permit_holder = fields.Dict()
    decision_type = fields.String(allow_none=True)
    addressee = fields.Dict()
    created_at = fields.String()


class DecisionQuerySchema(Schema):
    authority = fields.String(load_default=None)
    open = fields.Boolean(load_default=False)


class ComplaintCreateSchema(Schema):
    decision = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID)
    )
    legal_basis = fields.String(required=True, validate=validate.Length(min=1, max=64))
    complainant_type = fields.String(required=True, validate=validate.OneOf(COMPLAINANT_TYPES))
    text = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    co_complainants = fields.List(
        fields.Nested(CoComplainantSchema), load_default=list, validate=validate.Length(max=50)
    )
    suspensive_effect_requested = fields.Boolean(load_default=False)
    complainant_name = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=300)
    )
    complainant_email = fields.Email(load_default=None, allow_none=True)


class ComplaintUpdateSchema(Schema):
    legal_basis = fields.String(validate=validate.Length(min=1, max=64))
    complainant_type = fields.String(validate=validate.OneOf(COMPLAINANT_TYPES))
    text = fields.String(validate=validate.Length(min=1, max=20000))
    co_complainants = fields.List(
        fields.Nested(CoComplainantSchema), validate=validate.Length(max=50)
    )
    suspensive_effect_requested = fields.Boolean()


class TrackSchema(Schema):
    reference = fields.String()
    status = fields.String()
    status_label = fields.String()
    waiting_for = fields.String(allow_none=True)
    next_deadline = fields.Dict(allow_none=True)
    expected_date = fields.String(allow_none=True)
    suspensive_effect = fields.Raw(allow_none=True)
    fee = fields.Dict(allow_none=True)
    outcome = fields.String(allow_none=True)
    lawsuit_deadline = fields.String(allow_none=True)
    timeline = fields.List(fields.Dict())
    decision = fields.Integer()
    decision_title = fields.String()
    authority = fields.String()
    board = fields.String(allow_none=True)
    legal_basis = fields.String()
    complainant_type = fields.String()
    co_complainants = fields.List(fields.Dict())
    text = fields.String()
    filed_at = fields.String(allow_none=True)
    complaint_deadline = fields.String()
    instance_id = fields.String(allow_none=True)


class PaymentSchema(Schema):
    amount_dkk = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=1_000_000)
    )
    provider = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    provider_ref = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200)
    )
    paid_at = fields.AwareDateTime(load_default=None, allow_none=True)


@blp.route("/decisions")
class Decisions(MethodView):
    @operation(blp, 200, DecisionSchema(many=True), arguments=DecisionQuerySchema, location="query")
    def get(self, query):
        """Registered decisions (optionally of one authority, or only those still open).

        Staff see whom a decision concerns in full; everyone else by name only.
        """
        found = services().complaints.decisions(
            authority_id=query["authority"], open_only=query["open"]
        )
        return [case_access.public_decision(auth.current(), decision) for decision in found]

    @operation(
        blp, 201, DecisionSchema, "authority_caseworker", "admin", arguments=DecisionCreateSchema
    )
    def post(self, body):
        """An authority registers a decision; the response carries its complaint deadline."""
        return services().complaints.register_decision(auth.current(), body)


@blp.route("/decisions/<int:decision_id>")
class DecisionResource(MethodView):
    @operation(blp, 200, DecisionSchema)
    def get(self, decision_id):
        """One decision (whom it concerns: in full for staff, by name for everyone else)."""
        return case_access.public_decision(
            auth.current(), services().complaints.decision(decision_id)
        )


@blp.route("/complaints")
class Complaints(MethodView):
    @operation(blp, 200, TrackSchema(many=True))
    def get(self):
        """Mine (complainants) or my authority's / my board's cases (caseworkers)."""
        return services().complaints.mine(auth.current())

    @operation(blp, 201, TrackSchema, "complainant", arguments=ComplaintCreateSchema)
    def post(self, body):
        """Start a complaint as a draft (not filed until submitted)."""
        return services().complaints.create_draft(auth.current(), body)


@blp.route("/complaints/<reference>")
class ComplaintResource(MethodView):
    @operation(blp, 200, TrackSchema)
    def get(self, reference):
        """Track and trace: status, waiting for, next deadline, expected date, timeline, fee.

        Parties see the case's public view; staff also its parties (the access is logged).
        """
        view = services().complaints.track(auth.current(), reference)
        case_access.record(
            services().complaints.db, auth.current(), "view_case", "api", reference=reference
        )
        return view

    @operation(blp, 200, TrackSchema, "complainant", arguments=ComplaintUpdateSchema)
    def patch(self, body, reference):
        """Change a draft."""
        return services().complaints.update_draft(auth.current(), reference, body)


@blp.route("/complaints/<reference>/confirm")
class Confirm(MethodView):
    @operation(blp, 200, TrackSchema, "complainant")
    def post(self, reference):
        """A co-complainant confirms the draft."""
        return services().complaints.confirm(auth.current(), reference)


@blp.route("/complaints/<reference>/submit")
class Submit(MethodView):
    @operation(blp, 200, TrackSchema, "complainant")
    def post(self, reference):
        """File the complaint (all co-complainants must have confirmed)."""
        return services().complaints.submit(auth.current(), reference)


_CALLBACK_HEADERS = [
    {"in": "header", "name": payments.IDEMPOTENCY_HEADER, "required": True,
     "schema": {"type": "string", "maxLength": 200},
     "description": "One value per payment; a repeat is answered, not paid twice."},
    {"in": "header", "name": payments.TIMESTAMP_HEADER, "required": True,
     "schema": {"type": "string", "pattern": "^[0-9]+$"},
     "description": "Unix time in seconds when signed; within 5 minutes of the server's."},
    {"in": "header", "name": payments.SIGNATURE_HEADER, "required": True,
     "schema": {"type": "string"},
     "description": "sha256=<hex HMAC-SHA256 of '<timestamp>.<raw body>' with the provider's "
                    "secret>"},
]  # fmt: skip


@blp.route("/complaints/<reference>/payments")
class Payments(MethodView):
    @blp.arguments(PaymentSchema)
    @blp.response(200, TrackSchema)
    @blp.doc(parameters=_CALLBACK_HEADERS)
    @auth.require("payment_provider")
    def post(self, body, reference):
        """A payment provider confirms the fee: a signed, timestamped, idempotent callback.

        A repeat with the same Idempotency-Key and body answers 200 with the case as it
        stands and the header `Idempotent-Replayed: true`; nothing is paid twice.
        """
        principal = auth.current()
        settings = services().settings
        raw = request.get_data(cache=True)
        payments.verify(settings, principal.username, request.headers, raw)
        key = payments.idempotency_key(request.headers)
        view, repeated = payments.confirm(
            services().complaints, principal, reference, body, key=key, body=raw
        )
        return view, 200, {payments.REPLAYED_HEADER: "true" if repeated else "false"}


@blp.route("/complaints/<reference>/withdraw")
class Withdraw(MethodView):
    @operation(blp, 200, TrackSchema, "complainant")
    def post(self, reference):
        """The complainant withdraws the complaint (until the board decides)."""
        return services().complaints.withdraw(auth.current(), reference)
