"""Forms in form-js format, deployed with the BPMN, and validation of submitted data.

A form is `{"type": "default", "components": [...]}`; each input component has a `key`,
a `type` and optional `validate` rules (required, minLength, maxLength, min, max,
pattern). The server validates submissions with a marshmallow schema built from it.
"""

from __future__ import annotations

import copy
import json
import math
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


MAX_NESTING = 16  # groups inside groups; form-js editors never need more
MAX_DEPTH = 64  # lists and objects inside each other in data; deeper fails later on
_INT_LIMIT = 2**63  # a 64-bit integer: what the databases, JSON peers and dates can hold
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_RULE_TYPES: dict[str, tuple[type, ...]] = {
    "required": (bool,),
    "minLength": (int,),
    "maxLength": (int,),
    "min": (int, float),
    "max": (int, float),
    "pattern": (str,),
}


def input_components(form: dict[str, Any]) -> list[dict[str, Any]]:
    """The components that carry data, including those nested in groups."""
    found = []
    for component in form.get("components", []):
        if component.get("type") == "group":
            found.extend(input_components(component))
        elif component.get("type") in INPUT_TYPES:
            found.append(component)
    return found


TRANSLATABLE = ("label", "text", "description")


def localized_form(form: dict[str, Any] | None, language: str) -> dict[str, Any] | None:
    """A copy of `form` with its texts in `language` wherever the form gives them.

    A form is written in its default language; a component's variant in another language
    is a custom property (`"properties": {"label_en": ..., "text_en": ...,
    "description_en": ...}`) and an option's is `label_en` beside its `label`. A text
    without a variant stays as written.
    """
    if form is None:
        return None
    localized = copy.deepcopy(form)
    for component, _where, _depth in _walk(localized):
        variants = component.get("properties") or {}
        for name in TRANSLATABLE:
            text = variants.get(f"{name}_{language}")
            if isinstance(text, str) and text:
                component[name] = text
        for option in component.get("values") or ():
            text = option.get(f"label_{language}") if isinstance(option, dict) else None
            if isinstance(text, str) and text:
                option["label"] = text
    return localized


def check_form(form: Any) -> None:
    """Raise FormError unless `form` is a usable form-js schema.

    Any JSON value may arrive here (an upload, the form editor), so every component is
    checked for the shape the rest of the engine relies on before it is used.
    """
    if not isinstance(form, dict) or not isinstance(form.get("components"), list):
        raise FormError('a form is a JSON object with a "components" list')
    unusable = json_value_problem(form)
    if unusable is not None:
        raise FormError(f"{unusable[0]}: {unusable[1]}", unusable[0])
    for component, where, depth in _walk(form):
        _check_component(component, where, depth)
    seen: set[str] = set()
    for component in input_components(form):
        key = component["key"]
        if key in seen:
            raise FormError(f"two components share the key {key!r}", key)
        seen.add(key)


def _walk(form: dict[str, Any]):
    """Yield (component, path, depth) for every component, without recursion."""
    pending = [(c, f"components[{i}]", 1) for i, c in enumerate(form["components"])]
    pending.reverse()
    while pending:
        component, where, depth = pending.pop()
        yield component, where, depth
        children = component.get("components") if component.get("type") == "group" else None
        if children is not None:
            if not isinstance(children, list):
                raise FormError(f'{where}: "components" of a group must be a list', where)
            nested = [(c, f"{where}.components[{i}]", depth + 1) for i, c in enumerate(children)]
            pending.extend(reversed(nested))


def _check_component(component: Any, where: str, depth: int) -> None:
    if not isinstance(component, dict):
        raise FormError(f"{where} is not a component (a JSON object)", where)
    name = component.get("key") if isinstance(component.get("key"), str) else None
    label = name or (component.get("id") if isinstance(component.get("id"), str) else where)
    if depth > MAX_NESTING:
        raise FormError(f"groups are nested deeper than {MAX_NESTING} levels", label)
    kind = component.get("type")
    if not isinstance(kind, str) or kind not in INPUT_TYPES | LAYOUT_TYPES:
        shown = kind if isinstance(kind, str) else json.dumps(kind)[:40]
        raise FormError(f"unknown component type {shown!r}", label)
    for text in ("label", "description"):
        if component.get(text) is not None and not isinstance(component[text], str):
            raise FormError(f'"{text}" of {label!r} must be text', label)
    if kind not in INPUT_TYPES:
        return
    key = component.get("key")
    if not isinstance(key, str) or not key.isidentifier():
        shown = key if isinstance(key, str) else json.dumps(key)[:40]
        raise FormError(
            f"input component needs a key that is a Python identifier, got {shown!r}",
            label,
        )
    _check_rules(component, key)
    values = component.get("values")
    if values is not None and not (
        isinstance(values, list)
        and all(isinstance(v, dict) and isinstance(v.get("value"), _SCALARS) for v in values)
    ):
        raise FormError(f'"values" of {key!r} must be a list of {{"label", "value"}} objects', key)
    if kind in {"radio", "select", "checklist"} and not values:
        raise FormError(f"{kind} {key!r} needs a list of values", key)
    if kind == "datetime" and not isinstance(component.get("subtype", "date"), str):
        raise FormError(f'"subtype" of {key!r} must be a string', key)


_SCALARS = (str, int, float, bool)


def _check_rules(component: dict[str, Any], key: str) -> None:
    rules = component.get("validate")
    if rules is None:
        return
    if not isinstance(rules, dict):
        raise FormError(f'"validate" of {key!r} must be an object of rules', key)
    for rule, allowed in _RULE_TYPES.items():
        value = rules.get(rule)
        if value is None:
            continue
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            raise FormError(f"the rule {rule} of {key!r} has a value of the wrong type", key)
    if rules.get("pattern"):
        try:
            re.compile(rules["pattern"])
        except re.error as exc:
            raise FormError(f"pattern of {key!r} is not a regular expression: {exc}", key) from None


def _field_for(component: dict[str, Any]) -> fields.Field:
    rules = component.get("validate") or {}
    required = bool(rules.get("required"))
    validators: list[validate.Validator] = []
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
            else fields.Integer(validate=validators, strict=True)
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
    """`data` as a dict (None is empty); anything else is refused: "task data must be a JSON object".

    A dict that holds something `json_value_problem` refuses is refused too, naming where.
    """
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidData(f"{what} must be a JSON object")
    unusable = json_value_problem(data)
    if unusable is not None:
        path, reason = unusable
        raise InvalidData(f"{what} cannot be used: {path}: {reason}", {path: [reason]})
    return data


def json_value_problem(value: Any, max_depth: int = MAX_DEPTH) -> tuple[str, str] | None:
    """Where and why a JSON value cannot be stored or computed on, or None when it can.

    Refused, with the dotted path to it (`co_complainants.0.name`): lists and objects
    nested deeper than `max_depth`, text holding an unpaired surrogate (it has no UTF-8
    form, so no database can store it), integers outside 64 bits and numbers that are
    not finite (NaN, Infinity). Walked without recursion, so any depth is answered.
    """
    pending: list[tuple[Any, str, int]] = [(value, "", 0)]
    while pending:
        item, path, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth >= max_depth:
                return path or "_", f"nested deeper than {max_depth} levels"
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                where = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and _SURROGATE.search(key):
                    return where.encode("unicode_escape").decode(), _SURROGATE_REASON
                pending.append((child, where, depth + 1))
        elif isinstance(item, str):
            if _SURROGATE.search(item):
                return path or "_", _SURROGATE_REASON
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int) and not -_INT_LIMIT <= item < _INT_LIMIT:
            return path or "_", "the number is larger than a 64-bit integer"
        elif isinstance(item, float) and not math.isfinite(item):
            return path or "_", "the number is not finite"
    return None


_SURROGATE_REASON = "the text holds an unpaired surrogate (U+D800 to U+DFFF), which is no character"
