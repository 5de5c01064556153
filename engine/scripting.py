"""Scripts, conditions, timer expressions and DMN cells, run through RestrictedPython.

Every expression is compiled with `compile_restricted_*` (cached by source text) and
evaluated with guards in place: no imports, no dunder or underscore attributes, no
`open`/`eval`/`exec`, writes only to dicts and lists. The names a script sees are the
task data plus whitelisted helpers: the engine's own (the clock, ISO dates) and the
namespaces registered on the engine (the shipped domain by the composition root, other
packages through the `klageflow.script_helpers` entry point). Whatever a
script, expression or service handler raises is wrapped here into `ProcessError`, naming
the element; SpiffWorkflow's own wrapping (`PythonScriptEngine.call_service` also has a
NameError in its error path) is bypassed.

No single operation may build a huge value: `**`, `*`, `+` and `<<` are compiled into
guarded calls, and `pow`, `range` and the padding methods of strings are bounded (see
`MAX_ITEMS`, `MAX_INT_BITS`); a loop is stopped by the step budget (`engine.budget`),
which scripts cannot catch (bare `except:` and `finally:` are refused).
"""

from __future__ import annotations

import ast
import json
import math
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from importlib.metadata import entry_points
from types import CodeType, MappingProxyType, ModuleType, SimpleNamespace
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
from RestrictedPython.transformer import RestrictingNodeTransformer
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.spiff.specs.event_definitions import ErrorEventDefinition
from SpiffWorkflow.util.task import TaskState

from . import clock
from .errors import BpmnError, KlageflowError, ProcessError
from .spiff import to_plain

HELPER_ENTRY_POINT_GROUP = "klageflow.script_helpers"

# The largest value one operation in a script may build: items of a sequence (characters
# of a string) and bits of an integer. Ten million characters, a 300,000-digit number.
MAX_ITEMS = 10_000_000
MAX_INT_BITS = 1_000_000


class ValueTooLarge(ValueError):
    """A script operation would build a value past the sandbox's bounds."""


def _check_items(count: int, what: str) -> None:
    if count > MAX_ITEMS:
        raise ValueTooLarge(f"{what} would hold {count:,} items; at most {MAX_ITEMS:,} are allowed")


def _check_bits(bits: int, what: str) -> None:
    if bits > MAX_INT_BITS:
        raise ValueTooLarge(
            f"{what} would have about {bits:,} bits; at most {MAX_INT_BITS:,} are allowed"
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_pow(base: Any, exponent: Any) -> None:
    if _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
        _check_bits(exponent * abs(base).bit_length(), "power")


def _check_repeat(value: Any, count: Any) -> None:
    if isinstance(value, (str, bytes, list, tuple)) and _is_int(count) and count > 0:
        _check_items(len(value) * count, "repetition")


def _check_mul(left: Any, right: Any) -> None:
    _check_repeat(left, right)
    _check_repeat(right, left)
    if _is_int(left) and _is_int(right):
        _check_bits(left.bit_length() + right.bit_length(), "product")


def _check_add(left: Any, right: Any) -> None:
    sequences = (str, bytes, list, tuple)
    if isinstance(left, sequences) and isinstance(right, sequences):
        _check_items(len(left) + len(right), "concatenation")


def _check_lshift(left: Any, right: Any) -> None:
    if _is_int(left) and _is_int(right) and right > 0 and left:
        _check_bits(left.bit_length() + right, "shift")


def _bounded_pow(base: Any, exponent: Any, modulus: Any = None) -> Any:
    if modulus is not None:
        return pow(base, exponent, modulus)  # bounded by the modulus
    _check_pow(base, exponent)
    return base**exponent


def _bounded_mul(left: Any, right: Any) -> Any:
    _check_mul(left, right)
    return left * right


def _bounded_add(left: Any, right: Any) -> Any:
    _check_add(left, right)
    return left + right


def _bounded_lshift(left: Any, right: Any) -> Any:
    _check_lshift(left, right)
    return left << right


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    _check_items(len(numbers), "range")
    return numbers


_BOUNDED_OPERATORS: dict[type[ast.operator], str] = {
    ast.Pow: "_pow_",
    ast.Mult: "_mul_",
    ast.Add: "_add_",
    ast.LShift: "_lshift_",
}


class _SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's rules, plus operators that could build huge values compiled into
    guarded calls, and no handler that could swallow the step budget's interruption."""

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        guard = _BOUNDED_OPERATORS.get(type(node.op))
        if guard is None:
            return node
        name = ast.copy_location(ast.Name(guard, ast.Load()), node)
        return ast.copy_location(ast.Call(name, [node.left, node.right], []), node)

    def visit_Try(self, node: ast.Try) -> Any:
        if node.finalbody:
            self.error(node, "finally: is not allowed in scripts")
        return super().visit_Try(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> Any:
        if node.type is None:
            self.error(node, "a bare except: is not allowed in scripts; name the exception")
        return super().visit_ExceptHandler(node)


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


_INPLACE_CHECKS: dict[str, Callable[[Any, Any], None]] = {
    "**=": _check_pow,
    "*=": _check_mul,
    "+=": _check_add,
}


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    if op not in _INPLACE_OPERATORS:
        raise SyntaxError(f"operator {op} is not allowed in scripts")
    check = _INPLACE_CHECKS.get(op)
    if check is not None:
        check(x, y)
    return _INPLACE_OPERATORS[op](x, y)


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


# Read-only: each engine copies these into its own helper table (see `engine_helpers`).
ENGINE_HELPERS: Mapping[str, Any] = MappingProxyType(
    {
        "now": lambda: clock.now().isoformat(),
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
)
ENGINE_HELPER_NAMES = frozenset([*ENGINE_HELPERS, "today"])


def engine_helpers(zone: ZoneInfo) -> dict[str, Any]:
    """The engine's own helpers, with `today()` reckoned in `zone` (the configured one)."""
    return {**ENGINE_HELPERS, "today": lambda: clock.now().astimezone(zone).date().isoformat()}


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
_BUILTINS.pop("BaseException", None)  # a handler for it would swallow the step budget
_BUILTINS.update(pow=_bounded_pow, range=_bounded_range)

# String methods whose first argument is the length of the string they build.
_PADDING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _bounded_padding(text: str, method: Callable[..., Any], name: str) -> Callable[..., Any]:
    def padded(*args: Any, **kwargs: Any) -> Any:
        width = args[0] if args else next(iter(kwargs.values()), 0)
        if _is_int(width):
            tabs = text.count("\t") if name == "expandtabs" else 1
            _check_items(width * tabs, f"str.{name}")
        return method(*args, **kwargs)

    return padded


def _guarded_getattr(obj: Any, name: str, *default: Any) -> Any:
    value = safer_getattr_raise(obj, name, *default)
    if isinstance(obj, str) and name in _PADDING_METHODS:
        return _bounded_padding(obj, value, name)
    return value


_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "_getattr_": _guarded_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_print_": PrintCollector,
    "_apply_": lambda f, *a, **kw: f(*a, **kw),
    "_pow_": _bounded_pow,
    "_mul_": _bounded_mul,
    "_add_": _bounded_add,
    "_lshift_": _bounded_lshift,
}


class ScriptError(Exception):
    """An expression or script that does not compile under the restricted rules."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> CodeType:
    """Compile an expression for restricted evaluation; raise ScriptError if it does not."""
    result = compile_restricted_eval(source.strip(), "<expression>", policy=_SandboxPolicy)
    if result.errors or result.code is None:
        raise ScriptError(
            "; ".join(result.errors) or "does not compile", _error_line(result.errors)
        )
    return result.code


@lru_cache(maxsize=2048)
def compile_script(source: str) -> CodeType:
    """Compile a script for restricted execution; raise ScriptError if it does not."""
    result = compile_restricted_exec(source, "<script>", policy=_SandboxPolicy)
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


def _error_line(errors: Sequence[str]) -> int | None:
    for error in errors:
        marker = "Line "
        if marker in error:
            digits = error.split(marker, 1)[1].split(":", 1)[0]
            if digits.isdigit():
                return int(digits)
    return None


def register_helpers(into: dict[str, Any], namespace: str, helpers: Mapping[str, Any]) -> None:
    """Expose `helpers` to scripts as `namespace.name(...)` in the helper table `into`.

    A namespace keeps domain helpers apart from process variables and from each other.
    Registering the same helpers again is a no-op; other helpers under a taken name
    are refused.
    """
    if not namespace.isidentifier() or namespace.startswith("_"):
        raise ValueError(f"{namespace!r} cannot name a helper namespace")
    if namespace in ENGINE_HELPER_NAMES:
        raise ValueError(f"{namespace!r} is an engine helper; choose another namespace")
    provided = dict(helpers)
    existing = into.get(namespace)
    if existing is not None:
        if isinstance(existing, SimpleNamespace) and vars(existing) == provided:
            return
        raise ValueError(f"helper namespace {namespace!r} is already registered")
    into[namespace] = SimpleNamespace(**provided)


def installed_helpers() -> list[tuple[str, Mapping[str, Any]]]:
    """Helper namespaces installed packages offer through the `klageflow.script_helpers`
    entry point: (entry point name, helpers), the value called when it is callable."""
    found = []
    for entry in entry_points(group=HELPER_ENTRY_POINT_GROUP):
        provided = entry.load()
        found.append((entry.name, provided() if callable(provided) else provided))
    return found


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment that evaluates through RestrictedPython."""

    def __init__(self, helpers: Mapping[str, Any]):
        super().__init__(dict(helpers))

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


ServiceCall = Callable[[Any, dict[str, Any]], Any]


class ScriptEngine(PythonScriptEngine):
    """PythonScriptEngine over RestrictedPython, with service tasks dispatched to handlers.

    A handler receives the SpiffWorkflow task and the evaluated parameters and returns a
    JSON-serializable result, which SpiffWorkflow stores in the task's result variable.
    A failure in a script, an expression (conditions, timer values, DMN cells) or a
    handler raises `ProcessError` for the task's element.
    """

    def __init__(
        self,
        services: dict[str, ServiceCall],
        helpers: Mapping[str, Any],
    ):
        super().__init__(environment=RestrictedEnvironment(helpers))
        self.services = services

    def evaluate(self, task, expression, external_context=None):
        with _model_code(task, f"expression {expression.strip()!r}"):
            return self.environment.evaluate(expression, task.data, external_context)

    def execute(self, task, script, external_context=None):
        with _model_code(task, "script"):
            return self.environment.execute(script, task.data, external_context or {})

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        handler = self.services.get(operation_name)
        if handler is None:
            raise ProcessError(
                task.task_spec.bpmn_id, f"unknown service operation {operation_name!r}"
            )
        params = {name: param["value"] for name, param in (operation_params or {}).items()}
        try:
            with _model_code(task, f"service {operation_name!r}"):
                return json.dumps(to_plain(handler(task, params)))
        except BpmnError as error:
            raise throw_bpmn_error(task, error) from None


class ErrorThrown(Exception):
    """A service task threw a BPMN error that a boundary event caught.

    Raised out of the task's run so SpiffWorkflow leaves the task in ERROR (it never
    completes); the step goes on with the engine steps, which take the boundary path.
    """

    def __init__(self, element_id: str, code: str, message: str, caught_by: list[str]):
        super().__init__(f"{element_id}: BPMN error {code!r} caught by {', '.join(caught_by)}")
        self.element_id = element_id
        self.code = code
        self.message = message
        self.caught_by = caught_by


def throw_bpmn_error(task, error: BpmnError) -> Exception:
    """Throw `error` from service task `task` as a BPMN error event (SpiffWorkflow's own
    ErrorEventDefinition, matched by code): the error boundary events attached to the task
    catch it first, else those of enclosing subprocesses. Returns the exception to raise:
    `ErrorThrown` when caught, a `ProcessError` naming the code and element when not.
    """
    element = task.task_spec.bpmn_id
    payload = {"code": error.code, "message": error.message}
    event = BpmnEvent(ErrorEventDefinition(error.code, code=error.code), payload=payload)
    caught = []
    split = task.parent
    if split is not None and isinstance(split.task_spec, BoundaryEventSplit):
        for boundary in split.children:
            spec = boundary.task_spec
            if (
                boundary is not task
                and boundary.state == TaskState.WAITING
                and isinstance(spec.event_definition, ErrorEventDefinition)
                and spec.event_definition.catches(boundary, event)
            ):
                spec.catch(boundary, event)
                spec._update(boundary)
                caught.append(spec.bpmn_id)
    top = task.workflow.top_workflow
    if not caught and task.workflow is not top:
        event.target = task.workflow.parent_workflow
        top.catch(event)
        if event not in top.bpmn_events:
            caught.append(f"a boundary event of {task.workflow.spec.name}")
    if not caught:
        detail = f": {error.message}" if error.message else ""
        return ProcessError(
            element, f"BPMN error {error.code!r} was not caught by an error boundary event{detail}"
        )
    return ErrorThrown(element, error.code, error.message, caught)


@contextmanager
def _model_code(task, what: str) -> Iterator[None]:
    """Run model code for `task`; whatever it raises becomes a ProcessError for its element."""
    try:
        yield
    except (KlageflowError, BpmnError):
        raise  # a ProcessError already, a refusal or BPMN error the model raised on purpose
    except Exception as exc:
        raise ProcessError.caused_by(task.task_spec.bpmn_id, exc, what) from exc
