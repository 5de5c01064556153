"""Commands on processes and their work: deploy, definitions, start, tasks, complete, ...

Each one is a single engine call; text output is built from the same plain data --json prints.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click

from engine import KlageflowError, ModelTestDifference, TaskFilter

from .core import Invocation, Output, command
from .output import instance_text, table

BUNDLE_SUFFIXES = {".bpmn", ".dmn", ".form"}
# A process test beside its model (`test_complaint.json` for `complaint.bpmn`).
PROCESS_TEST_FILE = re.compile(r"^test_.+\.json$")
ACTOR = click.option("--actor", default="cli", show_default=True, help="Who the audit trail names.")
DATA_HELP = "JSON object of {}, e.g. '{{\"approved\": true}}'."


def _json_object(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KlageflowError(f"--data is not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(value, dict):
        raise KlageflowError("--data must be a JSON object")
    return value


def _bundle_paths(items: tuple[str, ...]) -> list[Path]:
    paths: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            paths.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix in BUNDLE_SUFFIXES
                    or p.name.endswith((".bpmn20.xml", ".letter.html"))
                    or PROCESS_TEST_FILE.match(p.name)
                )
            )
        elif path.exists():
            paths.append(path)
        else:
            raise KlageflowError(f"no such file: {item}")
    return paths


@command("deploy")
@click.argument("files", nargs=-1, required=True, metavar="FILE_OR_FOLDER...")
@ACTOR
def deploy(run: Invocation, files: tuple[str, ...], actor: str) -> Output:
    """Deploy BPMN/DMN/form/letter files (or folders) as one bundle.

    Each process key gets a new version; content identical to the latest version is a
    no-op. A refused bundle stores nothing and lists every problem with file, line and
    element id.
    """
    results = run.engine().deploy_paths(_bundle_paths(files), deployed_by=actor)
    rows = [{"key": r.key, "version": r.version, "created": r.created} for r in results]

    def text(rows: list[dict[str, Any]]) -> str:
        return "\n".join(
            f"{r['key']} version {r['version']} "
            + ("deployed" if r["created"] else "unchanged (identical content)")
            for r in rows
        )

    return Output(rows, text)


@command("test-model")
@click.argument("path", metavar="BPMN_FILE_OR_FOLDER")
def test_model(run: Invocation, path: str) -> Output:
    """Run the model tests of a .bpmn file or a bundle folder; exit 1 if one fails.

    Script unit tests (spiffworkflow:unitTests on script tasks) and process tests
    (test_<model>.json beside <model>.bpmn) run in the sandbox and under the step budget
    that scripts have at run time; nothing is deployed. A .bpmn file is checked with the
    other files of its folder and runs its own tests only. A failing test is listed with
    its name and where its data differs from the expected data.
    """
    target = Path(path)
    if not target.exists():
        raise KlageflowError(f"no such file or folder: {path}")
    folder = target if target.is_dir() else target.parent
    paths = _bundle_paths((str(folder),))
    if target.is_file() and target not in paths:
        paths.append(target)
    files = {str(p): p.read_bytes() for p in paths}
    only = None if target.is_dir() else [str(target)]
    results = run.engine(schema_current=False).test_model(files, only=only)
    failed = sum(not r.passed for r in results)
    summary = {"path": path, "tests": len(results), "failed": failed, "results": results}
    return Output(summary, _test_report, exit_code=1 if failed else 0)


def _test_report(summary: dict[str, Any]) -> str:
    lines = []
    for result in summary["results"]:
        where = " · ".join(str(p) for p in (result["file"], result["element_id"]) if p)
        lines.append(f"{'ok  ' if result['passed'] else 'FAIL'} {result['name']} ({where})")
        if result["error"]:
            lines.append(f"     {result['error']}")
        for difference in result["differences"]:
            lines.append(f"     {ModelTestDifference(**difference)}")
    if not summary["results"]:
        lines.append(f"no model tests in {summary['path']}")
    else:
        lines.append(f"{summary['tests']} tests, {summary['failed']} failed")
    return "\n".join(lines)


@command("definitions")
@click.argument("key", required=False)
def definitions(run: Invocation, key: str | None) -> Output:
    """List deployed processes, or every version of KEY.

    Without KEY: the latest version of each process with its running-instance count
    and, for a process with a timer start event, when it starts its next instance.
    """
    engine = run.engine()
    rows = engine.definition_versions(key) if key else engine.definitions()
    columns = ["key", "version", "name", "running_instances", "next_start_at", "deployed_at"]
    return Output(rows, lambda rows: table(rows, columns))


@command("migrate-instances")
@click.argument("key")
@click.option("--from", "from_version", type=int, required=True, help="The version they run.")
@click.option("--to", "to_version", type=int, required=True, help="The version to move them to.")
@click.option("--dry-run", is_flag=True, help="Only say which instances can move, and why not.")
@ACTOR
def migrate_instances(
    run: Invocation, key: str, from_version: int, to_version: int, dry_run: bool, actor: str
) -> Output:
    """Move the unfinished instances of KEY from one version to another.

    An instance moves when every element it has completed or is waiting at is unchanged
    in the new version; each moves in a step of its own. Prints one line per instance:
    migrated, migratable (dry run) or refused with the reasons.
    """
    outcomes = run.engine().migrate_instances(
        key, from_version, to_version, actor=actor, dry_run=dry_run
    )

    def text(rows: list[dict[str, Any]]) -> str:
        if not rows:
            return f"no unfinished instances of {key} version {from_version}"
        lines = []
        for row in rows:
            verdict = (
                "migrated"
                if row["migrated"]
                else "migratable"
                if row["migratable"]
                else "refused: " + "; ".join(row["reasons"])
            )
            case = row["business_key"] or "-"
            lines.append(f"{row['instance_id']}  {case}  {verdict}")
        moved = sum(1 for row in rows if row["migrated" if not dry_run else "migratable"])
        word = "can move" if dry_run else "moved"
        lines.append(f"{moved} of {len(rows)} {word} from version {from_version} to {to_version}")
        return "\n".join(lines)

    return Output(outcomes, text)


@command("start")
@click.argument("key")
@click.option("--data", metavar="JSON", help=DATA_HELP.format("start data"))
@click.option("--business-key", help="The case reference, e.g. KP-2025-000001.")
@click.option("--version", type=int, help="Start this version instead of the latest.")
@ACTOR
def start(
    run: Invocation,
    key: str,
    data: str | None,
    business_key: str | None,
    version: int | None,
    actor: str,
) -> Output:
    """Start an instance of the process KEY.

    Prints the new instance: where it waits, its open tasks and next timer.
    """
    engine = run.engine()
    instance_id = engine.start(
        key, _json_object(data), business_key=business_key, actor=actor, version=version
    )
    return Output(engine.show(instance_id), instance_text)


@command("tasks")
@click.option("--group", help="Only tasks for this candidate group.")
@click.option("--assignee", help="Only tasks claimed by this actor.")
@click.option("--instance", metavar="INSTANCE_ID", help="Only tasks of this instance.")
@click.option("--overdue", is_flag=True, help="Only tasks past their due date.")
@click.option("--limit", type=int, default=50, show_default=True, help="At most this many.")
def tasks(
    run: Invocation,
    group: str | None,
    assignee: str | None,
    instance: str | None,
    overdue: bool,
    limit: int,
) -> Output:
    """List open tasks, overdue and soonest due first."""
    flt = TaskFilter(
        groups=(group,) if group else None,
        assignee=assignee,
        overdue=True if overdue else None,
        instance_id=instance,
    )
    rows = run.engine().tasks(flt, limit=limit)
    columns = ["id", "business_key", "element_id", "name", "candidate_group", "assignee", "due_at"]
    return Output(rows, lambda rows: table(rows, columns))


@command("complete")
@click.argument("task_id")
@click.option("--data", metavar="JSON", help=DATA_HELP.format("form data"))
@ACTOR
def complete(run: Invocation, task_id: str, data: str | None, actor: str) -> Output:
    """Complete a user task with data.

    The task's form (if any) checks the data. Prints the instance after the step.
    """
    summary = run.engine().complete_task(task_id, _json_object(data), actor=actor)
    return Output(summary, instance_text)


@command("claim")
@click.argument("task_id")
@click.option("--actor", required=True, help="Who takes the task.")
def claim(run: Invocation, task_id: str, actor: str) -> Output:
    """Claim an open task for an actor.

    Only the assignee may then complete it, until it is released with `unclaim`.
    """
    row = run.engine().claim(task_id, actor)
    return Output(row, lambda row: f"task {row['id']} claimed by {row['assignee']}")


@command("unclaim")
@click.argument("task_id")
@click.option("--actor", required=True, help="The assignee who releases the task.")
def unclaim(run: Invocation, task_id: str, actor: str) -> Output:
    """Release a task you claimed, back to its group."""
    row = run.engine().unclaim(task_id, actor)
    return Output(row, lambda row: f"task {row['id']} released")


@command("message")
@click.argument("target")
@click.argument("name", required=False)
@click.option("--data", metavar="JSON", help=DATA_HELP.format("message data"))
@click.option(
    "--correlate",
    "correlations",
    metavar="PROPERTY=VALUE",
    multiple=True,
    help="Reach the instance whose catch event correlates PROPERTY to VALUE "
    "(e.g. reference=KP-2026-000002); repeat for several properties.",
)
@ACTOR
def message(
    run: Invocation,
    target: str,
    name: str | None,
    data: str | None,
    correlations: tuple[str, ...],
    actor: str,
) -> Output:
    """Send a message: `message NAME` or `message INSTANCE_ID NAME`.

    NAME is the BPMN message name, e.g. fee_paid. With INSTANCE_ID it goes to that
    instance; with --correlate to the one instance waiting for NAME with those values;
    with neither it starts the process whose message start event catches NAME. Prints
    the instance after the step.
    """
    engine = run.engine()
    payload = _json_object(data)
    if name is not None:
        if correlations:
            raise click.UsageError("give either INSTANCE_ID or --correlate, not both")
        summary = engine.send_message(target, name, payload, actor=actor)
    else:
        correlation = dict(_property(item) for item in correlations)
        summary = engine.correlate_message(target, correlation, payload, actor=actor)
    return Output(summary, instance_text)


def _property(item: str) -> tuple[str, str]:
    name, equals, value = item.partition("=")
    if not equals or not name.strip():
        raise click.BadParameter(f"{item!r} is not PROPERTY=VALUE", param_hint="--correlate")
    return name.strip(), value


@command("signal")
@click.argument("name")
@click.option("--data", metavar="JSON", help=DATA_HELP.format("signal data"))
@ACTOR
def signal(run: Invocation, name: str, data: str | None, actor: str) -> Output:
    """Throw signal NAME to every instance waiting for it (and start signal-started processes).

    Each instance gets the signal in a step of its own, exactly once; what this command
    does not finish (it is stopped), the scheduler delivers. Prints each delivery.
    """
    report = run.engine().signal(name, _json_object(data), actor=actor)
    return Output(report, _signal_text)


def _signal_text(report: dict) -> str:
    lines = [
        f"signal {report['name']} (#{report['id']}): {len(report['deliveries'])} delivery(ies)"
    ]
    for row in report["deliveries"]:
        started = f" (started at {row['element_id']})" if row["element_id"] else ""
        note = f": {row['note']}" if row["note"] else ""
        lines.append(f"  {row['status']:<9} {row['instance_id'] or '-'}{started}{note}")
    return "\n".join(lines)


@command("show")
@click.argument("instance_id")
def show(run: Invocation, instance_id: str) -> Output:
    """Show an instance with its history.

    Status, active elements, next timer, open tasks, open incidents and the audit trail.
    """
    view = run.engine().show(instance_id)
    return Output(view, lambda view: instance_text(view, history=True))


@command("incidents")
@click.option("--all", "include_resolved", is_flag=True, help="Include resolved incidents.")
def incidents(run: Invocation, include_resolved: bool) -> Output:
    """List incidents, newest first.

    An incident is a step that failed inside a process (a script raised, a service
    failed); the instance stays at its last committed state until it is retried.
    """
    rows = run.engine().incidents(open_only=not include_resolved)
    columns = ["id", "instance_id", "element_id", "message", "created_at"]
    return Output(rows, lambda rows: table(rows, columns))


@command("retry")
@click.argument("incident_id", type=int)
@click.option(
    "--data",
    metavar="JSON",
    help="Replaces the data of the failed task completion or message, e.g. corrected input.",
)
@ACTOR
def retry(run: Invocation, incident_id: int, data: str | None, actor: str) -> Output:
    """Retry the step an incident recorded.

    Run after fixing the cause; on success the incident is resolved and the instance
    is printed.
    """
    replacement = _json_object(data) if data is not None else None
    view = run.engine().retry_incident(incident_id, actor=actor, data=replacement)
    return Output(view, instance_text)
