"""Commands that run or maintain the system: run, serve, scheduler, migrate, mails, retry-mail."""

from __future__ import annotations

import logging
from typing import Any

import click
from sqlalchemy.engine import make_url

from engine import Engine, clock, testclock
from engine.budget import limit_memory
from engine.config import PROJECT_ROOT, Settings
from engine.scheduler import Scheduler

from .. import demo, formats, migrate
from ..app import create_app
from ..bootstrap import Services, build_services
from ..mailcatcher import LOOPBACK, MailCatcher, MailFolder, folder_of
from ..startup import UnsafeConfiguration, is_loopback
from .core import Invocation, Output, command, emit_now
from .output import mail_text

DEMO_BUNDLES = [
    sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*")),
    [
        PROJECT_ROOT / "bpmn/examples/approval.bpmn",
        PROJECT_ROOT / "bpmn/examples/fee.dmn",
        PROJECT_ROOT / "bpmn/examples/review.form",
        PROJECT_ROOT / "bpmn/examples/test_approval.json",
    ],
]


def deploy_demo(engine: Engine) -> list[dict[str, Any]]:
    """Deploy the shipped processes that changed since they were last shipped.

    A version a designer deployed since stays the one new cases start on.
    """
    return [
        {"key": result.key, "version": result.version, "created": result.created}
        for bundle in DEMO_BUNDLES
        for result in engine.deploy_paths(bundle, deployed_by="demo", shipped=True)
    ]


def seed_demo(engine: Engine) -> list[str]:
    """Start a few demo instances when the database has none; return their business keys."""
    if engine.instances(key="approval", limit=1):
        return []
    started = []
    for number, applicant in enumerate(["private", "company", "organisation"], start=1):
        business_key = f"DEMO-{number:03d}"
        engine.start(
            "approval", {"applicant_type": applicant}, business_key=business_key, actor="demo"
        )
        started.append(business_key)
    return started


def configure_logging() -> None:
    """Our own events at INFO; the libraries' per-step chatter only when it matters."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("spiff", "apscheduler.executors", "weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # "skipped: maximum number of running instances" only says a round outlasted a poll.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)


def _scheduler_for(engine: Engine, settings: Settings) -> Scheduler:
    def sync() -> None:
        testclock.sync(engine.db)

    return Scheduler(engine, sync_clock=sync if settings.test_clock else None)


def _shown_url(settings: Settings) -> str:
    return make_url(settings.database_url).render_as_string(hide_password=True)


def _startup_text(report: dict[str, Any]) -> str:
    lines = [
        f"{row['key']} v{row['version']} {'deployed' if row['created'] else 'up to date'}"
        for row in report.get("deployed", [])
    ]
    if report.get("demo_instances"):
        lines.append(f"started {len(report['demo_instances'])} demo instances of 'approval'")
    if report.get("demo_users"):
        lines.append(
            f"demo users (password {report['demo_password']!r}): " + ", ".join(report["demo_users"])
        )
    for decision in report.get("demo_decisions", []):
        lines.append(f"demo decision: {decision['title']} (klagefrist {decision['deadline']})")
    lines.append(f"database: {report['database']}")
    if report.get("web"):
        lines.append(f"web: {report['web']}  (API docs: {report['api_docs']})")
    if report.get("scheduler"):
        lines.append("scheduler: firing due timers and sending mail (stop with Ctrl-C)")
    if report.get("demo"):
        lines.extend(_demo_guide(report["demo"]))
    return "\n".join(lines)


def _demo_guide(guide: dict[str, Any]) -> list[str]:
    """How to find one's way in the demo, in Danish (the demo's language)."""
    lines = ["", f"Demo – demoens dato er {guide['today']}."]
    if guide.get("decision"):
        lines += [
            f"Start som klager: log ind som {guide['start_user']} (adgangskode "
            f"{guide['password']}) på {guide['login']}",
            f"  og klag over »{guide['decision']['title']}«",
            f"  (klagefrist {guide['decision']['deadline']}).",
        ]
    else:
        lines.append(f"Log ind på {guide['login']} (adgangskode {guide['password']}).")
    lines += [
        "Derefter: kommune genvurderer og videresender klagen, naevn afgør den, "
        "ansoeger følger sagen som tilladelsens indehaver; admin administrerer.",
        f"Sendte e-mails (alle demoens e-mails bliver på denne maskine): {guide['mails']}",
        f"Demo: spol tiden frem (se frister udløbe): {guide['time']}",
    ]
    return lines


def _web_report(host: str, port: int) -> dict[str, str]:
    base = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    return {"web": f"{base}/", "api_docs": f"{base}/api/v1/docs"}


def _decision_line(decision: dict[str, Any]) -> dict[str, str]:
    return {
        "title": decision["title"],
        "deadline": formats.date_time(decision["complaint_deadline"], "da"),
    }


def _seed_all(services: Services, report: dict[str, Any]) -> demo.Seeded:
    """Demo instances, users and decisions dated from the engine clock's today."""
    report["demo_instances"] = seed_demo(services.engine)
    seeded = demo.seed(services.accounts, services.complaints)
    if seeded.users_created:
        report["demo_users"] = [user[0] for user in demo.USERS]
        report["demo_password"] = demo.DEMO_PASSWORD
        # A fresh demo database starts with an empty mailbox.
        MailFolder(folder_of(services.settings)).clear()
    report["demo_decisions"] = [_decision_line(d) for d in seeded.decisions_created]
    return seeded


def _guide(web: str, seeded: demo.Seeded | None) -> dict[str, Any]:
    start = seeded.start_decision if seeded else None
    return {
        "today": formats.long_date(clock.now(), "da"),
        "start_user": "klager",
        "password": demo.DEMO_PASSWORD,
        "login": f"{web}login",
        "decision": _decision_line(start) if start else None,
        "mails": f"{web}demo/e-mails",
        "time": f"{web}demo/tid",
    }


@command("run")
@click.option("--no-seed", is_flag=True, help="Do not create demo instances, users and cases.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--no-web", is_flag=True, help="Run only the scheduler.")
def run_system(run: Invocation, no_seed: bool, host: str, port: int, no_web: bool) -> None:
    """Run the whole demo system: web app, scheduler and a mail catcher.

    Migrates the database, deploys the shipped processes, seeds demo instances, users
    and decisions dated from today (unless --no-seed), catches every mail on this machine
    (shown on the page "Sendte e-mails"), then serves until Ctrl-C.
    """
    if not is_loopback(host):
        raise UnsafeConfiguration(
            "`klageflow run` is the demo system and listens on localhost only; "
            "serve others with gunicorn 'web.wsgi:app' (see README, Production)"
        )
    catcher = MailCatcher(MailFolder(folder_of(run.settings))).start()
    try:
        _run_demo(run, catcher, no_seed=no_seed, host=host, port=port, no_web=no_web)
    finally:
        catcher.stop()


def _run_demo(
    run: Invocation, catcher: MailCatcher, *, no_seed: bool, host: str, port: int, no_web: bool
) -> None:
    # The demo system: the test payment provider, session cookies without Secure (plain
    # http on this machine; production runs behind TLS with gunicorn), and every mail
    # delivered to the catcher, whatever KLAGEFLOW_SMTP_* say: demo mail never leaves.
    settings = run.replace_settings(
        demo=True, insecure_cookies=True, smtp_host=LOOPBACK, smtp_port=catcher.port,
        smtp_tls="none", smtp_user="", smtp_password="",
    )  # fmt: skip
    if not settings.base_url:  # links in mails lead to this server
        settings = run.replace_settings(base_url=_web_report(host, port)["web"])
    services = build_services(settings, run.engine(schema_current=False))
    engine = services.engine
    migrate.upgrade(engine.db)
    # The demo's clock stays where "spol tiden frem" moved it, across restarts.
    testclock.sync(engine.db)
    report: dict[str, Any] = {"database": _shown_url(settings), "deployed": deploy_demo(engine)}
    report["demo_instances"], report["demo_users"], report["demo_password"] = [], [], None
    seeded = None if no_seed else _seed_all(services, report)
    configure_logging()
    limit_memory(settings.memory_limit_mb)
    engine.letters.warm()
    scheduler = _scheduler_for(engine, settings)
    report["scheduler"] = True
    if no_web:
        emit_now(Output(report, _startup_text), run.as_json)
        scheduler.run_forever()
        return
    app = create_app(settings, engine, local=True)
    app.extensions["klageflow.scheduler"] = scheduler  # "spol tiden frem" runs a round at once
    report.update(_web_report(host, port))
    report["demo"] = _guide(report["web"], seeded)
    emit_now(Output(report, _startup_text), run.as_json)
    scheduler.start()
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        scheduler.stop()


@command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=5000, show_default=True, help="Port to listen on.")
def serve(run: Invocation, host: str, port: int) -> None:
    """Run the web app and the JSON API.

    The development server; production runs the app under gunicorn.
    """
    if run.settings.demo:
        raise UnsafeConfiguration("KLAGEFLOW_DEMO is only for `klageflow run`")
    app = create_app(run.settings, run.engine(), local=is_loopback(host))
    limit_memory(run.settings.memory_limit_mb)
    run.engine().letters.warm()
    report = {"database": _shown_url(run.settings), **_web_report(host, port)}
    emit_now(Output(report, _startup_text), run.as_json)
    app.run(host=host, port=port, threaded=True, use_reloader=False)


@command("scheduler")
def scheduler(run: Invocation) -> None:
    """Fire due timers and send queued mail.

    Runs until SIGTERM or SIGINT; the step in progress commits first.
    """
    engine = run.engine()
    configure_logging()
    limit_memory(run.settings.memory_limit_mb)
    engine.letters.warm()
    emit_now(
        Output({"database": _shown_url(run.settings), "scheduler": True}, _startup_text),
        run.as_json,
    )
    _scheduler_for(engine, run.settings).run_forever()


@command("migrate")
def migrate_schema(run: Invocation) -> Output:
    """Bring the database to the newest schema.

    Applies the Alembic migrations; creates every table on an empty database.
    """
    engine = run.engine(schema_current=False)
    before = migrate.current(engine.db)
    migrate.upgrade(engine.db)
    after = migrate.current(engine.db)
    result = {"revision": after, "previous": before, "changed": before != after}

    def text(result: dict[str, Any]) -> str:
        was = f" (was {result['previous'] or 'empty'})" if result["changed"] else " (unchanged)"
        return f"schema at {result['revision']}{was}"

    return Output(result, text)


@command("mails")
@click.option("--failed", is_flag=True, help="Only mails that failed for good.")
def mails(run: Invocation, failed: bool) -> Output:
    """List the mail outbox, newest first.

    Each mail's id, status, attempts, recipients, subject and last error.
    """
    rows = run.engine().outbox.mails(status="failed" if failed else None)
    return Output(rows, mail_text)


@command("retry-mail")
@click.argument("mail_id", type=int)
def retry_mail(run: Invocation, mail_id: int) -> Output:
    """Queue a failed mail again.

    It keeps its Message-ID and gets a fresh count of attempts.
    """
    row = run.engine().outbox.retry(mail_id)
    return Output(row, lambda row: f"mail {row['id']} queued again")
