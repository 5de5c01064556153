"""Marshmallow schemas of the JSON API (they also describe it in the OpenAPI document).

A response that is one of the engine's typed records has a schema made from the record's
fields (`record_schema`): the record's docstring says what each field means.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from typing import Any

from marshmallow import Schema, fields, validate

from engine import (
    DefinitionInfo,
    HistoryEntry,
    IncidentInfo,
    InstanceSummary,
    InstanceView,
    MigrationOutcome,
    TaskInfo,
)
from workflows.complaint.fees import BOARDS

from ..inputs import MAX_ID

_SIMPLE: dict[Any, type[fields.Field]] = {
    str: fields.String,
    int: fields.Integer,
    bool: fields.Boolean,
}
_RECORD_SCHEMAS: dict[type, type[Schema]] = {}


def record_schema(
    record: type,
    name: str,
    descriptions: dict[str, str] | None = None,
    **extra: fields.Field,
) -> type[Schema]:
    """A response schema named `name` with one field per field of the dataclass `record`,
    in the record's order, then the `extra` fields.

    `descriptions` documents fields in the OpenAPI document. A list of records nests the
    schema made earlier for that record (so make the inner record's schema first).
    """
    hints = typing.get_type_hints(record)
    made = {
        field.name: _field(hints[field.name], (descriptions or {}).get(field.name))
        for field in dataclasses.fields(record)
    }
    schema = Schema.from_dict({**made, **extra}, name=name)
    schema.__module__ = __name__
    _RECORD_SCHEMAS[record] = schema
    return schema


def _field(hint: Any, description: str | None = None) -> fields.Field:
    """The marshmallow field that dumps a record field of type `hint` (`X | None`: nullable)."""
    options: dict[str, Any] = {}
    if description:
        options["metadata"] = {"description": description}
    arguments = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in arguments:
        (hint,) = (argument for argument in arguments if argument is not type(None))
        options["allow_none"] = True
    origin = typing.get_origin(hint)
    if hint is datetime:
        return fields.DateTime(format="iso", **options)
    if hint in _SIMPLE:
        return _SIMPLE[hint](**options)
    if origin is dict:
        return fields.Dict(**options)
    if origin is list:
        (item,) = typing.get_args(hint)
        inner = fields.Nested(_RECORD_SCHEMAS[item]) if item in _RECORD_SCHEMAS else _field(item)
        return fields.List(inner, **options)
    if dataclasses.is_dataclass(hint):
        raise TypeError(f"make the schema of {hint.__name__} before a schema that nests it")
    raise TypeError(f"record_schema has no API field for the type {hint!r}")


DefinitionSchema = record_schema(DefinitionInfo, "DefinitionSchema")


# Not made from DeployResult: the API shows a deployment's versions, not definition ids.
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


MigrationOutcomeSchema = record_schema(
    MigrationOutcome,
    "MigrationOutcomeSchema",
    descriptions={
        "reasons": "each element it completed or waits at that changed or vanished",
        "obstacles": "those elements as data: element_id, state, change, attributes",
    },
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


TaskSchema = record_schema(TaskInfo, "TaskSchema")


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


InstanceSummarySchema = record_schema(InstanceSummary, "InstanceSummarySchema")
IncidentSchema = record_schema(IncidentInfo, "IncidentSchema")
EventSchema = record_schema(HistoryEntry, "EventSchema")
InstanceSchema = record_schema(
    InstanceView,
    "InstanceSchema",
    case=fields.Dict(
        allow_none=True,
        metadata={
            "description": "parties only (instead of data, tasks and history): the case's "
            "public view, as GET /complaints/{reference}"
        },
    ),
)


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
    board_code = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(BOARDS))


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
