"""What every `klageflow` command shares: its settings and engine, --json, output and errors."""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from engine import DeploymentError, Engine, IncidentRaised, KlageflowError
from engine.config import Settings, load_settings

from .. import migrate
from ..bootstrap import build_engine
from .output import plain, to_json


def open_engine(settings: Settings) -> Engine:
    """The engine a command works on: the one place the CLI wires settings to an engine."""
    return build_engine(settings)


def read_settings(database_url: str | None = None) -> Settings:
    """The KLAGEFLOW_* settings, with --database-url taking the place of the variable."""
    settings = load_settings()
    if database_url:
        settings = dataclasses.replace(settings, database_url=database_url)
    return settings


class Invocation:
    """One run of the command: global options, and the engine opened once when first needed."""

    def __init__(self, as_json: bool = False, database_url: str | None = None):
        self.as_json = as_json
        self.database_url = database_url
        self._settings: Settings | None = None
        self._engine: Engine | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = read_settings(self.database_url)
        return self._settings

    def replace_settings(self, **changes: Any) -> Settings:
        """Change settings before the engine is opened (`run` turns demo mode on)."""
        if self._engine is not None:
            raise RuntimeError("the engine is open already; change the settings first")
        self._settings = dataclasses.replace(self.settings, **changes)
        return self._settings

    def engine(self, *, schema_current: bool = True) -> Engine:
        """The engine; by default on a database already migrated (else SchemaNotCurrent)."""
        if self._engine is None:
            self._engine = open_engine(self.settings)
        if schema_current:
            migrate.ensure_current(self._engine.db)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.db.dispose()
            self._engine = None


@dataclasses.dataclass(frozen=True)
class Output:
    """What a command produced: its data (printed as JSON with --json) and how people read it."""

    data: Any
    text: Callable[[Any], str]
    exit_code: int = 0  # a command that reports a failure as data (a failing model test)

    def render(self, as_json: bool, *, one_line: bool = False) -> str:
        data = plain(self.data)
        if as_json:
            return json.dumps(data, ensure_ascii=False) if one_line else to_json(data)
        return self.text(data)


def _common_options() -> list[click.Option]:
    return [
        click.Option(["--json", "as_json"], is_flag=True, help="Print machine-readable JSON."),
        click.Option(
            ["--database-url"],
            metavar="URL",
            help="Use this database instead of KLAGEFLOW_DATABASE_URL.",
        ),
    ]


def command(name: str, **attrs: Any) -> Callable[[Callable[..., Output | None]], click.Command]:
    """A `klageflow` subcommand: the function takes the Invocation and returns an Output.

    Adds --json and --database-url (also accepted before the command name), prints the
    output as text or JSON, and turns the engine's errors into one `error: ...` line and
    exit status 1.
    """

    def decorate(func: Callable[..., Output | None]) -> click.Command:
        @functools.wraps(func)  # carries the docstring (the help) and the click parameters
        def run(as_json: bool, database_url: str | None, **params: Any) -> int:
            ctx = click.get_current_context()
            invocation = ctx.ensure_object(Invocation)
            invocation.as_json = invocation.as_json or as_json
            invocation.database_url = database_url or invocation.database_url
            ctx.call_on_close(invocation.close)
            try:
                output = func(invocation, **params)
            except (KlageflowError, migrate.SchemaNotCurrent, OperationalError) as exc:
                report_error(exc, as_json=invocation.as_json)
                ctx.exit(1)
            if output is not None:
                click.echo(output.render(invocation.as_json))
                if output.exit_code:
                    ctx.exit(output.exit_code)
            return 0

        cmd = click.command(name, **attrs)(run)
        cmd.params.extend(_common_options())
        return cmd

    return decorate


def report_error(exc: Exception, *, as_json: bool) -> None:
    """One `error: ...` line on stderr; with --json also the error as JSON on stdout."""
    message, details = _describe(exc)
    # Driver messages may span lines; the error stays one line.
    message = " ".join(line.strip() for line in message.splitlines() if line.strip())
    fields = details.get("fields") or {}
    detail = "; ".join(f"{name}: {' '.join(map(str, m))}" for name, m in fields.items())
    click.echo(f"error: {message}" + (f" ({detail})" if detail else ""), err=True)
    if isinstance(exc, DeploymentError):
        for problem in exc.problems[1:]:
            click.echo(f"  also: {problem}", err=True)
    if as_json:
        click.echo(json.dumps({"error": message, **details}, ensure_ascii=False))


def _describe(exc: Exception) -> tuple[str, dict[str, Any]]:
    """The error's message and the details a script can act on."""
    if isinstance(exc, DeploymentError):
        return exc.message, {"problems": [p.as_dict() for p in exc.problems]}
    if isinstance(exc, IncidentRaised):
        return exc.message, {
            "instance_id": exc.instance_id,
            "incident_id": exc.incident_id,
            "element_id": exc.element_id,
        }
    if isinstance(exc, KlageflowError):
        extra = getattr(exc, "extra", None) or {}  # e.g. the instances a message could reach
        return exc.message, {"fields": getattr(exc, "fields", None) or {}, **extra}
    if isinstance(exc, OperationalError):
        return f"the database cannot be used: {exc.orig}", {}
    return str(exc), {}


def emit_now(output: Output, as_json: bool) -> None:
    """Print a long-running command's start-up report at once, before it blocks.

    With --json the report is one line, so a supervisor can read it without waiting
    for the end of the output.
    """
    click.echo(output.render(as_json, one_line=True))
    sys.stdout.flush()
