"""One API operation's declarations in one decorator: its arguments, its response, its roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from .. import auth


def operation(
    blp: Blueprint,
    status: int,
    schema: Any,
    *roles: str,
    arguments: Any = None,
    location: str = "json",
) -> Callable:
    """`@blp.arguments(arguments, location=location)` (when given),
    `@blp.response(status, schema)` (`schema` None: no response body) and
    `@auth.require(*roles)`, stacked in that order: the OpenAPI document is the same as with
    the three decorators, and the role check still runs after the arguments are parsed."""

    def decorate(view: Callable) -> Callable:
        view = auth.require(*roles)(view)
        view = blp.response(status, schema)(view)
        if arguments is not None:
            view = blp.arguments(arguments, location=location)(view)
        return view

    return decorate
