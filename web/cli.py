"""The `klageflow` command: deploy, start, list and complete tasks, show instances, run.

Every command reads the same KLAGEFLOW_* configuration as the web app and the scheduler.
Output is for people by default and JSON with --json; errors print one line and exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from engine import DeploymentError, Engine, KlageflowError, TaskFilter
from engine.config import PROJECT_ROOT, load_settings

from . import migrate

COMMANDS: dict[str, Callable[[argparse.Namespace, Engine], Any]] = {}


def command(name: str):
    def register(func):
        COMMANDS[name] = func
        return func

    return register


def _json_arg(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KlageflowError(f"--data is not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(value, dict):
        raise KlageflowError("--data must be a JSON object")
    return value


def _table(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    if not rows:
        return "(none)"
    cells = [[("" if row.get(c) is None else str(row.get(c))) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    line = "  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True))
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, *body])


@command("deploy")
def _deploy(args, engine: Engine):
    paths: list[Path] = []
    for item in args.files:
        path = Path(item)
        if path.is_dir():
            paths.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix in {".bpmn", ".dmn", ".form"} or p.name.endswith(".bpmn20.xml")
                )
            )
        elif path.exists():
            paths.append(path)
        else:
            raise KlageflowError(f"no such file: {item}")
    results = engine.deploy_paths(paths, deployed_by=args.actor)
    rows = [{"key": r.key, "version": r.version, "created": r.created} for r in results]
    return rows, lambda: "\n".join(
        f"{r['key']} version {r['version']} "
        + ("deployed" if r["created"] else "unchanged (identical content)")
        for r in rows
    )


@command("definitions")
def _definitions(args, engine: Engine):
    rows = engine.definition_versions(args.key) if args.key else engine.definitions()
    return rows, lambda: _table(
        rows, ["key", "version", "name", "running_instances", "deployed_at"]
    )


@command("start")
def _start(args, engine: Engine):
    instance_id = engine.start(
        args.key,
        _json_arg(args.data),
        business_key=args.business_key,
        actor=args.actor,
        version=args.version,
    )
    view = engine.show(instance_id)
    return view, lambda: _instance_text(view)


@command("tasks")
def _tasks(args, engine: Engine):
    flt = TaskFilter(
        groups=(args.group,) if args.group else None,
        assignee=args.assignee,
        overdue=True if args.overdue else None,
        instance_id=args.instance,
    )
    rows = engine.tasks(flt, limit=args.limit)
    return rows, lambda: _table(
        rows, ["id", "business_key", "element_id", "name", "candidate_group", "assignee", "due_at"]
    )


@command("complete")
def _complete(args, engine: Engine):
    view = engine.complete_task(args.task_id, _json_arg(args.data), actor=args.actor)
    return view, lambda: _instance_text(view)


@command("claim")
def _claim(args, engine: Engine):
    row = engine.claim(args.task_id, args.actor)
    return row, lambda: f"task {row['id']} claimed by {row['assignee']}"


@command("unclaim")
def _unclaim(args, engine: Engine):
    row = engine.unclaim(args.task_id, args.actor)
    return row, lambda: f"task {row['id']} released"


@command("message")
def _message(args, engine: Engine):
    view = engine.send_message(args.instance_id, args.name, _json_arg(args.data), actor=args.actor)
    return view, lambda: _instance_text(view)


@command("show")
def _show(args, engine: Engine):
    view = engine.show(args.instance_id)
    return view, lambda: _instance_text(view, history=True)


@command("incidents")
def _incidents(args, engine: Engine):
    rows = engine.incidents(open_only=not args.all)
    return rows, lambda: _table(rows, ["id", "instance_id", "element_id", "message", "created_at"])


@command("retry")
def _retry(args, engine: Engine):
    view = engine.retry_incident(args.incident_id, actor=args.actor)
    return view, lambda: _instance_text(view)


def _instance_text(view: dict[str, Any], history: bool = False) -> str:
    lines = [
        f"instance   {view['id']}",
        f"process    {view['process_key']} v{view['version']}",
        f"case       {view['business_key'] or '-'}",
        f"status     {view['status']}",
        f"active     {', '.join(view['active_elements']) or '-'}",
        f"next timer {view['next_timer_due_at'] or '-'}",
    ]
    for task in view["open_tasks"]:
        lines.append(f"task       {task['id']}  {task['name']} ({task['candidate_group']})")
    for incident in view["incidents"]:
        if not incident["resolved_at"]:
            lines.append(
                f"incident   #{incident['id']} at {incident['element_id']}: {incident['message']}"
            )
    if history:
        lines.append("history")
        for event in view["history"]:
            who = f" by {event['actor']}" if event["actor"] else ""
            lines.append(f"  {event['at']}  {event['kind']} {event['element_id'] or ''}{who}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand (its help is the CLI's documentation)."""
    parser = argparse.ArgumentParser(prog="klageflow", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--database-url", help="override KLAGEFLOW_DATABASE_URL")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    common.add_argument("--database-url", default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser = sub.add_parser
    sub.add_parser = lambda *a, **kw: add_parser(*a, parents=[common], **kw)

    p = sub.add_parser("deploy", help="deploy BPMN/DMN/form files (or folders) as a new version")
    p.add_argument("files", nargs="+")
    p.add_argument("--actor", default="cli")

    p = sub.add_parser("definitions", help="list deployed processes (or the versions of KEY)")
    p.add_argument("key", nargs="?")

    p = sub.add_parser("start", help="start an instance of a process")
    p.add_argument("key")
    p.add_argument("--data", help="JSON object of start data")
    p.add_argument("--business-key")
    p.add_argument("--version", type=int)
    p.add_argument("--actor", default="cli")

    p = sub.add_parser("tasks", help="list open tasks, overdue first")
    p.add_argument("--group")
    p.add_argument("--assignee")
    p.add_argument("--instance")
    p.add_argument("--overdue", action="store_true")
    p.add_argument("--limit", type=int, default=50)

    p = sub.add_parser("complete", help="complete a user task with data")
    p.add_argument("task_id")
    p.add_argument("--data", help="JSON object of form data")
    p.add_argument("--actor", default="cli")

    for name in ("claim", "unclaim"):
        p = sub.add_parser(name, help=f"{name} a task")
        p.add_argument("task_id")
        p.add_argument("--actor", required=True)

    p = sub.add_parser("message", help="send a message to an instance")
    p.add_argument("instance_id")
    p.add_argument("name")
    p.add_argument("--data")
    p.add_argument("--actor", default="cli")

    p = sub.add_parser("show", help="show an instance with its history")
    p.add_argument("instance_id")

    p = sub.add_parser("incidents", help="list incidents")
    p.add_argument("--all", action="store_true", help="include resolved incidents")

    p = sub.add_parser("retry", help="retry the step an incident recorded")
    p.add_argument("incident_id", type=int)
    p.add_argument("--actor", default="cli")

    for extension in EXTENSIONS:
        extension(sub)
    return parser


# Subcommands defined in other modules (scheduler, web) register a parser builder here.
EXTENSIONS: list[Callable[[Any], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `klageflow` command."""
    _load_extensions()
    args = build_parser().parse_args(argv)
    settings = load_settings()
    if args.database_url:
        import dataclasses

        settings = dataclasses.replace(settings, database_url=args.database_url)
    try:
        if args.command in RAW_COMMANDS:
            return RAW_COMMANDS[args.command](args, settings) or 0
        engine = Engine.from_settings(settings)
        migrate.ensure_current(engine.db)
        data, text = COMMANDS[args.command](args, engine)
    except DeploymentError as exc:
        if args.json:
            print(
                json.dumps({"error": exc.message, "problems": [p.as_dict() for p in exc.problems]})
            )
        else:
            print(f"error: {exc.message}", file=sys.stderr)
            for problem in exc.problems[1:]:
                print(f"  also: {problem}", file=sys.stderr)
        return 1
    except migrate.SchemaNotCurrent as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KlageflowError as exc:
        fields = getattr(exc, "fields", None) or {}
        if args.json:
            print(json.dumps({"error": exc.message, "fields": fields}, ensure_ascii=False))
        else:
            detail = "; ".join(
                f"{name}: {' '.join(map(str, msgs))}" for name, msgs in fields.items()
            )
            print(f"error: {exc.message}" + (f" ({detail})" if detail else ""), file=sys.stderr)
        return 1
    print(json.dumps(data, indent=2, ensure_ascii=False) if args.json else text())
    return 0


# Commands that manage processes rather than one engine call (run, scheduler, serve).
RAW_COMMANDS: dict[str, Callable[[argparse.Namespace, Any], int | None]] = {}


def _load_extensions() -> None:
    # Imported for their side effect of registering subcommands.
    from web import admin_commands, commands  # noqa: F401


DEMO_FILES = PROJECT_ROOT / "bpmn"

if __name__ == "__main__":
    # Run through the imported module so subcommands registered by other modules
    # (which import `web.cli`, not `__main__`) are seen.
    from web.cli import main as _main

    sys.exit(_main())
