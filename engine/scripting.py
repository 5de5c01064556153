"""Scripts, conditions, timer expressions and DMN cells, run through RestrictedPython.

Every expression is compiled with `compile_restricted_*` (cached by source text) and
evaluated with guards in place: no imports, no dunder or underscore attributes, no
`open`/`eval`/`exec`, writes only to dicts and lists. The names a script sees are the
task data plus whitelisted helpers: the engine's own (the clock, ISO dates) and those a
domain package registers through the `klageflow.script_helpers` entry point.
"""

from __future__ import annotations

import ast
import json
import math
import operator
import os
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from importlib.metadata import entry_points
from types import CodeType, ModuleType, SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins
from RestrictedPython import safe_builtins as _rp_safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)
from RestrictedPython.PrintCollector import PrintCollector
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from . import clock

HELPER_ENTRY_POINT_GROUP = "klageflow.script_helpers"

_INPLACE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "|=": operator.ior,
    "&=": operator.iand,
}


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    if op not in _INPLACE_OPERATORS:
        raise SyntaxError(f"operator {op} is not allowed in scripts")
    return _INPLACE_OPERATORS[op](x, y)


def _local_zone() -> ZoneInfo:
    """The zone "today" is reckoned in (KLAGEFLOW_TIMEZONE, Europe/Copenhagen by default)."""
    return ZoneInfo(os.environ.get("KLAGEFLOW_TIMEZONE", "Europe/Copenhagen"))


def _parse_instant(value: str | datetime) -> datetime:
    """Parse an ISO 8601 instant; naive values are refused (their meaning depends on a zone)."""
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise ValueError(f"datetime without a UTC offset: {value!r}")
    return instant


def _iso(value: date | datetime) -> str:
    """ISO 8601 text of a date or an instant (instants keep their offset)."""
    return value.isoformat()


def _utc_iso(value: str | datetime) -> str:
    """An instant as ISO 8601 in UTC: the form timer values are stored in."""
    return _parse_instant(value).astimezone(UTC).isoformat()


def _add(value: str | datetime, **delta: float) -> str:
    """Add a timedelta (days=, hours=, weeks=...) to an instant and return ISO text."""
    return (_parse_instant(value) + timedelta(**delta)).isoformat()


ENGINE_HELPERS: dict[str, Any] = {
    "now": lambda: clock.now().isoformat(),
    "today": lambda: clock.now().astimezone(_local_zone()).date().isoformat(),
    "parse_instant": _parse_instant,
    "parse_date": date.fromisoformat,
    "iso": _iso,
    "utc_iso": _utc_iso,
    "add_to_instant": _add,
    "timedelta": timedelta,
    "Decimal": Decimal,
    "json_dumps": json.dumps,
    "floor": math.floor,
    "ceil": math.ceil,
}

_EXTRA_BUILTINS = {
    name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
    for name in (
        "all",
        "any",
        "dict",
        "enumerate",
        "filter",
        "map",
        "max",
        "min",
        "reversed",
        "set",
        "sorted",
        "sum",
        "zip",
        "list",
        "tuple",
        "frozenset",
    )
}
_BUILTINS = {**_rp_safe_builtins, **limited_builtins, **_EXTRA_BUILTINS}
_BUILTINS.pop("__build_class__", None)  # no class statements in process scripts

_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "_getattr_": safer_getattr_raise,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_print_": PrintCollector,
    "_apply_": lambda f, *a, **kw: f(*a, **kw),
}


class ScriptError(Exception):
    """An expression or script that does not compile under the restricted rules."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> CodeType:
    """Compile an expression for restricted evaluation; raise ScriptError if it does not."""
    result = compile_restricted_eval(source.strip(), "<expression>")
    if result.errors or result.code is None:
        raise ScriptError(
            "; ".join(result.errors) or "does not compile", _error_line(result.errors)
        )
    return result.code


@lru_cache(maxsize=2048)
def compile_script(source: str) -> CodeType:
    """Compile a script for restricted execution; raise ScriptError if it does not."""
    result = compile_restricted_exec(source, "<script>")
    if result.errors or result.code is None:
        raise ScriptError(
            "; ".join(result.errors) or "does not compile", _error_line(result.errors)
        )
    return result.code


def check_expression(source: str) -> None:
    """Raise ScriptError unless `source` parses as Python and passes the restricted compiler."""
    try:
        ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ScriptError(exc.msg, exc.lineno) from None
    compile_expression(source)


def check_script(source: str) -> None:
    """Raise ScriptError unless `source` parses as Python and passes the restricted compiler.

    Import statements compile but could only fail when run (scripts have no `__import__`),
    so they are refused here: helpers are reached by name (`today()`, `complaint.fee(...)`).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ScriptError(exc.msg, exc.lineno) from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise ScriptError(
                "import statements are not allowed in scripts; "
                "use the helper functions scripts are given",
                node.lineno,
            )
    compile_script(source)


def _error_line(errors: tuple[str, ...] | list[str]) -> int | None:
    for error in errors:
        marker = "Line "
        if marker in error:
            digits = error.split(marker, 1)[1].split(":", 1)[0]
            if digits.isdigit():
                return int(digits)
    return None


_registered_helpers: dict[str, Any] | None = None


def script_helpers() -> dict[str, Any]:
    """The names scripts may use: the engine's helpers and one namespace per domain package.

    A package registered as entry point `complaint` is reached as `complaint.fee(...)`, so
    domain helpers never collide with process variables or with each other.
    """
    global _registered_helpers
    if _registered_helpers is None:
        helpers = dict(ENGINE_HELPERS)
        for entry in entry_points(group=HELPER_ENTRY_POINT_GROUP):
            provided = entry.load()
            register_helpers(provided() if callable(provided) else provided, entry.name, helpers)
        _registered_helpers = helpers
    return _registered_helpers


def register_helpers(
    helpers: Mapping[str, Any], namespace: str, into: dict[str, Any] | None = None
) -> None:
    """Expose `helpers` to scripts as `namespace.name(...)` (tests, embedding applications)."""
    target = into if into is not None else script_helpers()
    if namespace in ENGINE_HELPERS:
        raise ValueError(f"{namespace!r} is an engine helper; choose another namespace")
    target[namespace] = SimpleNamespace(**dict(helpers))


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment that evaluates through RestrictedPython."""

    def __init__(self, helpers: Mapping[str, Any] | None = None):
        super().__init__(dict(helpers if helpers is not None else script_helpers()))

    def _namespace(self, context: Mapping[str, Any], external: Mapping[str, Any] | None) -> dict:
        namespace = dict(_GUARDS)
        namespace.update(self.globals)
        if external:
            namespace.update(external)
        namespace.update(context)
        return namespace

    def evaluate(self, expression, context, external_context=None):
        return eval(compile_expression(expression), self._namespace(context, external_context))

    def execute(self, script, context, external_context=None):
        clashes = set(self.globals).intersection(context)
        if clashes:
            raise ValueError(
                f"task data overwrites helper function(s) {sorted(clashes)}; rename the variable(s)"
            )
        namespace = self._namespace(context, external_context)
        exec(compile_script(script), namespace)
        reserved = set(_GUARDS) | set(self.globals) | set(external_context or {})
        for name in [key for key in context if key not in namespace]:
            del context[name]
        for name, value in namespace.items():
            if name in reserved or name.startswith("_"):
                continue
            if callable(value) or isinstance(value, ModuleType):
                continue
            context[name] = value
        return True
