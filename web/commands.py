"""Long-running subcommands: `klageflow run` (the demo system) and friends."""

from __future__ import annotations

from engine import Engine
from engine.config import PROJECT_ROOT

from . import migrate
from .cli import EXTENSIONS, RAW_COMMANDS

DEMO_BUNDLES = [
    [
        PROJECT_ROOT / "bpmn/examples/approval.bpmn",
        PROJECT_ROOT / "bpmn/examples/fee.dmn",
        PROJECT_ROOT / "bpmn/examples/review.form",
    ],
]


def deploy_demo(engine: Engine) -> None:
    """Deploy the shipped processes (a no-op for content already deployed)."""
    for bundle in DEMO_BUNDLES:
        for result in engine.deploy_paths(bundle, deployed_by="demo"):
            state = "deployed" if result.created else "up to date"
            print(f"{result.key} v{result.version} {state}")


def seed_demo(engine: Engine) -> None:
    """Start a few demo instances when the database has none."""
    if engine.instances(key="approval", limit=1):
        return
    for number, applicant in enumerate(["private", "company", "organisation"], start=1):
        engine.start(
            "approval",
            {"applicant_type": applicant},
            business_key=f"DEMO-{number:03d}",
            actor="demo",
        )
    print("started 3 demo instances of 'approval'")


def _add_run(sub) -> None:
    p = sub.add_parser(
        "run", help="deploy the shipped processes, seed demo data and run the system"
    )
    p.add_argument("--no-seed", action="store_true", help="do not start demo instances")


def _run(args, settings) -> int:
    engine = Engine.from_settings(settings)
    migrate.upgrade(engine.db)
    deploy_demo(engine)
    if not args.no_seed:
        seed_demo(engine)
    print(f"database: {settings.database_url}")
    for task in engine.tasks(limit=10):
        print(f"open task {task['id']}  {task['business_key']}  {task['name']}")
    return 0


EXTENSIONS.append(_add_run)
RAW_COMMANDS["run"] = _run
