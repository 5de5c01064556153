"""Long-running subcommands: `klageflow run` (the demo system) and friends."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys

from engine import Engine
from engine.config import PROJECT_ROOT
from engine.scheduler import Scheduler

from . import migrate
from .cli import EXTENSIONS, RAW_COMMANDS

DEMO_BUNDLES = [
    sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")),
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
        "run", help="migrate, deploy the shipped processes, seed demo data, run web + scheduler"
    )
    p.add_argument("--no-seed", action="store_true", help="do not start demo instances")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-web", action="store_true", help="run only the scheduler")

    sub.add_parser("scheduler", help="fire due timers and send mail until SIGTERM/SIGINT")

    p = sub.add_parser("mails", help="list the outbox (newest first)")
    p.add_argument("--failed", action="store_true", help="only mails that failed for good")

    p = sub.add_parser("retry-mail", help="queue a failed mail again")
    p.add_argument("mail_id", type=int)


def _engine(settings) -> Engine:
    engine = Engine.from_settings(settings)
    migrate.ensure_current(engine.db)
    return engine


def _scheduler_for(engine: Engine, settings) -> Scheduler:
    sync = None
    if settings.test_clock:
        from engine import testclock

        def sync():
            testclock.sync(engine.db)

    return Scheduler(engine, sync_clock=sync)


def _run(args, settings) -> int:
    from .startup import is_loopback

    if not is_loopback(args.host):
        print(
            "error: `klageflow run` is the demo system and listens on localhost only; "
            "serve others with gunicorn 'web.wsgi:app' (see README, Production)",
            file=sys.stderr,
        )
        return 1
    settings = dataclasses.replace(settings, demo=True)  # the test payment provider
    engine = Engine.from_settings(settings)
    migrate.upgrade(engine.db)
    deploy_demo(engine)
    if not args.no_seed:
        seed_demo(engine)
        from . import demo
        from .accounts import Accounts
        from .complaints.service import ComplaintService

        accounts = Accounts(engine.db)
        if demo.seed(accounts, ComplaintService(engine, accounts)):
            print(
                "demo users (password "
                f"{demo.DEMO_PASSWORD!r}): " + ", ".join(user[0] for user in demo.USERS)
            )
    print(f"database: {settings.database_url}")
    configure_logging()
    scheduler = _scheduler_for(engine, settings)
    if args.no_web:
        scheduler.run_forever()
        return 0
    from .app import create_app

    # Plain http on this machine: a Secure session cookie would not be kept by every
    # browser. Production runs behind TLS with gunicorn, where cookies stay Secure.
    os.environ.setdefault("KLAGEFLOW_INSECURE_COOKIES", "1")
    app = create_app(settings, engine, local=True)
    scheduler.start()
    print(f"web: http://{args.host}:{args.port}/  (API docs: /api/v1/docs)")
    try:
        app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    finally:
        scheduler.stop()
    return 0


def configure_logging() -> None:
    """Our own events at INFO; the libraries' per-step chatter only when it matters."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("spiff", "apscheduler.executors"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # "skipped: maximum number of running instances" only says a round outlasted a poll.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)


def _scheduler(args, settings) -> int:
    configure_logging()
    _scheduler_for(_engine(settings), settings).run_forever()
    return 0


def _mails(args, settings) -> int:
    rows = _engine(settings).outbox.mails(status="failed" if args.failed else None)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        error = f"  ({row['last_error']})" if row["last_error"] else ""
        print(
            f"{row['id']:>6}  {row['status']:8} {row['attempts']:>2}x  {', '.join(row['recipients'])}  "
            f"{row['subject']}{error}"
        )
    if not rows:
        print("(none)")
    return 0


def _retry_mail(args, settings) -> int:
    row = _engine(settings).outbox.retry(args.mail_id)
    print(f"mail {row['id']} queued again")
    return 0


EXTENSIONS.append(_add_run)
RAW_COMMANDS.update(
    {"run": _run, "scheduler": _scheduler, "mails": _mails, "retry-mail": _retry_mail}
)
