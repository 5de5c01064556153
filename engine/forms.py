"""Forms in form-js format, deployed with the BPMN, and validation of submitted data.

A form is `{"type": "default", "components": [...]}`; each input component has a `key`,
a `type` and optional `validate` rules (required, minLength, maxLength, min, max,
pattern). The server validates submissions with a marshmallow schema built from it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from .errors import InvalidData

FORM_PROPERTY = "formKey"  # the user task's extension property that names its form
INPUT_TYPES = {
    "textfield",
    "textarea",
    "number",
    "checkbox",
    "checklist",
    "radio",
    "select",
    "datetime",
    "taglist",
    "filepicker",
}
LAYOUT_TYPES = {
    "text",
    "html",
    "spacer",
    "separator",
    "image",
    "button",
    "group",
    "dynamiclist",
    "iframe",
    "table",
}


class FormError(ValueError):
    """A form definition that cannot be used; `component_key` names the component."""

    def __init__(self, message: str, component_key: str | None = None):
        super().__init__(message)
        self.component_key = component_key


def input_components(form: dict[str, Any]) -> list[dict[str, Any]]:
    """The components that carry data, including those nested in groups."""
    found = []
    for component in form.get("components", []):
        if component.get("type") == "group":
            found.extend(input_components(component))
        elif component.get("type") in INPUT_TYPES:
            found.append(component)
    return found


def check_form(form: Any) -> None:
    """Raise FormError unless `form` is a usable form-js schema."""
    if not isinstance(form, dict) or not isinstance(form.get("components"), list):
        raise FormError('a form is a JSON object with a "components" list')
    seen: set[str] = set()
    for component in form["components"]:
        kind = component.get("type")
        if kind not in INPUT_TYPES | LAYOUT_TYPES:
            raise FormError(f"unknown component type {kind!r}", component.get("key"))
    for component in input_components(form):
        key = component.get("key")
        if not key or not isinstance(key, str) or not key.isidentifier():
            raise FormError(
                f"input component needs a key that is a Python identifier, got {key!r}", key
            )
        if key in seen:
            raise FormError(f"two components share the key {key!r}", key)
        seen.add(key)
        pattern = (component.get("validate") or {}).get("pattern")
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise FormError(
                    f"pattern of {key!r} is not a regular expression: {exc}", key
                ) from None
        if component["type"] in {"radio", "select", "checklist"} and not component.get("values"):
            raise FormError(f"{component['type']} {key!r} needs a list of values", key)


def _field_for(component: dict[str, Any]) -> fields.Field:
    rules = component.get("validate") or {}
    required = bool(rules.get("required"))
    validators = []
    kind = component["type"]
    allowed = [v.get("value") for v in component.get("values") or []]
    if kind in {"textfield", "textarea"}:
        if rules.get("minLength") is not None or rules.get("maxLength") is not None:
            validators.append(
                validate.Length(min=rules.get("minLength"), max=rules.get("maxLength"))
            )
        if required:
            validators.append(validate.Length(min=1, error="Feltet skal udfyldes."))
        if rules.get("pattern"):
            validators.append(validate.Regexp(rules["pattern"]))
        field: fields.Field = fields.String(validate=validators)
    elif kind == "number":
        if rules.get("min") is not None or rules.get("max") is not None:
            validators.append(validate.Range(min=rules.get("min"), max=rules.get("max")))
        field = (
            fields.Float(validate=validators)
            if component.get("decimalDigits")
            else fields.Integer(validate=validators, strict=False)
        )
    elif kind == "checkbox":
        field = fields.Boolean()
    elif kind in {"radio", "select"}:
        field = fields.Raw(validate=[validate.OneOf(allowed)])
    elif kind in {"checklist", "taglist"}:
        item = fields.Raw(validate=[validate.OneOf(allowed)]) if allowed else fields.String()
        field = fields.List(item, validate=[validate.Length(min=1)] if required else [])
    elif kind == "datetime":
        subtype = component.get("subtype", "date")
        field = fields.Date() if subtype == "date" else fields.AwareDateTime(default_timezone=None)
    else:  # filepicker: the web layer stores the upload and submits its reference
        field = fields.Raw()
    field.required = required
    field.allow_none = not required
    return field


@lru_cache(maxsize=256)
def _schema_class(form_json: str) -> type[Schema]:
    form = json.loads(form_json)
    declared = {c["key"]: _field_for(c) for c in input_components(form)}
    return Schema.from_dict(declared, name="FormSchema")


def validate_submission(form: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Validate submitted data against a form; return clean values or raise InvalidData."""
    schema = _schema_class(json.dumps(form, sort_keys=True))(unknown=RAISE)
    try:
        loaded = schema.load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        fields_errors = {k: v if isinstance(v, list) else [str(v)] for k, v in messages.items()}
        raise InvalidData("the form data is not valid", fields_errors) from None
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in loaded.items()
    }


def json_object(data: Any, what: str) -> dict[str, Any]:
    """`data` as a dict (None is empty); anything else is refused: "task data must be a JSON object"."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidData(f"{what} must be a JSON object")
    return data
