"""Marshmallow schemas of the JSON API (they also describe it in the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..inputs import MAX_ID


class DefinitionSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    version = fields.Integer()
    name = fields.String(allow_none=True)
    content_hash = fields.String()
    files = fields.List(fields.String())
    deployed_by = fields.String(allow_none=True)
    deployed_at = fields.DateTime(format="iso")
    running_instances = fields.Integer()
    next_start_at = fields.DateTime(format="iso", allow_none=True)


class DeployResultSchema(Schema):
    key = fields.String()
    version = fields.Integer()
    created = fields.Boolean()


class DeployResponseSchema(Schema):
    deployed = fields.List(fields.Nested(DeployResultSchema))


class DeployFormSchema(Schema):
    files = fields.Raw(
        metadata={"type": "array", "items": {"type": "string", "format": "binary"}},
        required=True,
    )


class MigrationRequestSchema(Schema):
    from_version = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID)
    )
    to_version = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID)
    )
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "only say which instances can move, and why not"},
    )


class MigrationOutcomeSchema(Schema):
    instance_id = fields.String()
    business_key = fields.String(allow_none=True)
    status = fields.String()
    active_elements = fields.List(fields.String())
    migratable = fields.Boolean()
    migrated = fields.Boolean()
    reasons = fields.List(
        fields.String(),
        metadata={"description": "each element it completed or waits at that changed or vanished"},
    )
    obstacles = fields.List(
        fields.Dict(),
        metadata={"description": "those elements as data: element_id, state, change, attributes"},
    )


class MigrationResponseSchema(Schema):
    key = fields.String()
    from_version = fields.Integer()
    to_version = fields.Integer()
    dry_run = fields.Boolean()
    instances = fields.List(fields.Nested(MigrationOutcomeSchema))


class StartInstanceSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=200))
    data = fields.Dict(keys=fields.String(), load_default=dict)
    business_key = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200)
    )
    version = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=MAX_ID)
    )


class MessageSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class CorrelatedMessageSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    correlation = fields.Dict(keys=fields.String(), load_default=dict)
    data = fields.Dict(keys=fields.String(), load_default=dict)


class SignalSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class SignalDeliverySchema(Schema):
    instance_id = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    status = fields.String()
    note = fields.String(allow_none=True)


class SignalReportSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    deliveries = fields.List(fields.Nested(SignalDeliverySchema))


class TaskSchema(Schema):
    id = fields.String()
    instance_id = fields.String()
    process_key = fields.String()
    business_key = fields.String(allow_none=True)
    element_id = fields.String()
    name = fields.String(allow_none=True)
    documentation = fields.String(allow_none=True)
    lane = fields.String(allow_none=True)
    candidate_group = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    form_key = fields.String(allow_none=True)
    due_at = fields.DateTime(format="iso", allow_none=True)
    overdue = fields.Boolean()
    state = fields.String()
    created_at = fields.DateTime(format="iso")
    completed_at = fields.DateTime(format="iso", allow_none=True)
    completed_by = fields.String(allow_none=True)
    form = fields.Dict(allow_none=True)


class TaskPageSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema))
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()


class TaskQuerySchema(Schema):
    group = fields.String(load_default=None)
    assignee = fields.String(load_default=None)
    overdue = fields.Boolean(load_default=None, allow_none=True)
    search = fields.String(load_default=None, validate=validate.Length(max=200))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    page_size = fields.Integer(load_default=25, validate=validate.Range(min=1, max=200))


class CompleteTaskSchema(Schema):
    data = fields.Dict(keys=fields.String(), load_default=dict)


class InstanceSummarySchema(Schema):
    id = fields.String()
    process_key = fields.String()
    version = fields.Integer()
    business_key = fields.String(allow_none=True)
    status = fields.String()
    active_elements = fields.List(fields.String())
    completed_elements = fields.List(fields.String())
    data = fields.Dict()
    next_timer_due_at = fields.DateTime(format="iso", allow_none=True)
    open_tasks = fields.List(fields.Nested(TaskSchema))


class IncidentSchema(Schema):
    id = fields.Integer()
    instance_id = fields.String()
    element_id = fields.String(allow_none=True)
    message = fields.String()
    created_at = fields.DateTime(format="iso")
    resolved_at = fields.DateTime(format="iso", allow_none=True)
    resolved_by = fields.String(allow_none=True)


class EventSchema(Schema):
    at = fields.DateTime(format="iso")
    actor = fields.String(allow_none=True)
    kind = fields.String()
    element_id = fields.String(allow_none=True)
    details = fields.Dict()


class InstanceSchema(InstanceSummarySchema):
    definition_id = fields.Integer()
    incidents = fields.List(fields.Nested(IncidentSchema))
    history = fields.List(fields.Nested(EventSchema))
    created_at = fields.DateTime(format="iso")
    updated_at = fields.DateTime(format="iso", allow_none=True)
    completed_at = fields.DateTime(format="iso", allow_none=True)
    row_version = fields.Integer()
    case = fields.Dict(
        allow_none=True,
        metadata={"description": "parties only (instead of data, tasks and history): the "
                  "case's public view, as GET /complaints/{reference}"},
    )  # fmt: skip


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=150))
    password = fields.String(
        required=True, validate=validate.Length(min=1, max=1000), load_only=True
    )


class AccountSchema(Schema):
    """A user as the API shows one: who, with which role, in which organisation."""

    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    organisation_id = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    display_name = fields.String(allow_none=True)


class PrincipalSchema(AccountSchema):
    organisation_kind = fields.String(allow_none=True)
    groups = fields.List(fields.String())


class ClockSchema(Schema):
    now = fields.AwareDateTime(required=True, format="iso")


class OrganisationSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$"))
    kind = fields.String(required=True, validate=validate.OneOf(["authority", "board"]))
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    notification_email = fields.Email(required=True)
    board_code = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(["PKN", "MFKN"])
    )


class UserCreateSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=150))
    role = fields.String(required=True)
    password = fields.String(
        load_default=None, load_only=True, validate=validate.Length(min=10, max=1000)
    )
    organisation_id = fields.String(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True)
    display_name = fields.String(load_default=None, allow_none=True)
    complainant_type = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(["private", "company", "organisation", "authority"]),
    )


class TokenCreateSchema(Schema):
    username = fields.String(required=True)
    name = fields.String(load_default=None, allow_none=True)


class TokenSchema(Schema):
    token = fields.String()
