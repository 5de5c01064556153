"""Input refused at the door: request bodies in JSON, ids in URLs, page numbers.

Whatever a client sends is checked here before it reaches the database or a calculation,
so a body nested 100,000 deep, a 5,000-digit number, text with an unpaired surrogate or
an id past the database's integer answers 400 or 422 instead of failing somewhere later.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, request
from flask_smorest import Api
from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from engine import InvalidData
from engine.forms import json_value_problem

MAX_ID = 2**31 - 1  # ids are INTEGER columns; PostgreSQL refuses anything larger
MAX_PAGE = 100_000


def load_json(raw: bytes | str) -> Any:
    """Parse a JSON body; 400 when it is no JSON we can read, 422 naming what is unusable."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise BadRequest("the JSON body is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise BadRequest(
            f"the body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError:  # the text is not UTF-8, or an integer is past Python's digit limit
        raise BadRequest("the body is not valid JSON: not UTF-8, or a number is too long") from None
    unusable = json_value_problem(value)
    if unusable is not None:
        path, reason = unusable
        raise InvalidData(f"the request data is not valid: {path}: {reason}", {path: [reason]})
    return value


def check_json_body() -> None:
    """Before an API request: a JSON body must pass `load_json` (webargs parses it after)."""
    if request.path.startswith("/api/") and request.is_json:
        raw = request.get_data(cache=True)
        if raw:
            load_json(raw)


def unreadable_form_fields() -> set[str]:
    """Names of posted form fields whose text is not valid UTF-8 (an unpaired surrogate).

    No browser sends such text, but a crafted request can; werkzeug then keeps the bytes
    as `%ED%A0%80` (url-encoded) or U+FFFD (multipart), so the raw body is read again.
    """
    names = {name for name, value in request.form.items(multi=True) if "\ufffd" in value}
    if request.mimetype == "application/x-www-form-urlencoded":
        for pair in request.get_data(cache=True).split(b"&"):
            name, _, value = pair.replace(b"+", b" ").partition(b"=")
            try:
                unquote_to_bytes(value).decode()
            except UnicodeDecodeError:
                names.add(unquote_to_bytes(name).decode(errors="replace"))
    return names


def _keep_form_body() -> None:
    """Keep a url-encoded body's bytes for `unreadable_form_fields` (the form parses a copy)."""
    if request.mimetype == "application/x-www-form-urlencoded":
        request.get_data(cache=True)


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: a number from 0 to MAX_ID; a larger one matches no route (404)."""

    def __init__(self, url_map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def id_or_none(text: str | None) -> int | None:
    """A form or query value as an id (1 to MAX_ID), or None for anything else."""
    text = (text or "").strip()
    if not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def page_number() -> int:
    """The `page` query argument, from 1 to MAX_PAGE (anything else is page 1 or the last)."""
    text = (request.args.get("page") or "").strip()
    if not text.isdigit():
        return 1
    return min(max(int(text[:7]), 1), MAX_PAGE)


def init_app(app: Flask) -> None:
    """Bound `<int:...>` route ids and check JSON bodies; call before routes are added."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(check_json_body)
    app.before_request(_keep_form_body)


def describe(api: Api) -> None:
    """The OpenAPI document shows the bound on ids."""
    api.register_converter(IdConverter, integerconverter2paramschema)
