"""Demo mode's own pages (`klageflow run` only; never in production): the mails the demo
sent, as their recipients see them, and "spol tiden frem", which moves the shared clock on
so a visitor can watch deadlines fall due.

The clock is the engine's one clock, set through the test clock's shared offset, so the
scheduler, every page and a restarted demo agree on the demo's date.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from engine import clock, testclock
from engine.scheduler import Scheduler

from ..mailcatcher import MailFolder, folder_of
from ..redirects import safe_next
from . import current_user, local, login_required, services
from .i18n import t

bp = Blueprint("demo", __name__)

STEPS = {"day": timedelta(days=1), "week": timedelta(weeks=1), "fortnight": timedelta(days=14)}
# A timer falls due the instant after its deadline (23:59:59 becomes 00:00:00 the next
# day); the page names the deadline itself.
TIMER_AFTER_DEADLINE = timedelta(seconds=1)
URL = re.compile(r"https?://[^\s<>\"']+")


@bp.app_context_processor
def _demo_clock() -> dict[str, Any]:
    """The banner's facts: the demo's now, and the real date when the demo's differs."""
    zone = services().settings.zone
    now, real = clock.now(), testclock.system_now()
    moved = now.astimezone(zone).date() != real.astimezone(zone).date()
    return {"demo_clock": {"now": now, "real": real, "moved": moved}}


def linkify(text: str) -> Markup:
    """Plain mail text with its web addresses as links (everything else escaped)."""
    parts, last = [], 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        parts += [escape(text[last : match.start()]), Markup('<a href="{0}">{0}</a>').format(url)]
        last = match.start() + len(url)
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


@bp.get("/demo/e-mails")
@login_required()
def mails():
    """Every mail the demo sent, newest first, as its recipient sees it."""
    folder = MailFolder(folder_of(services().settings))
    return render_template("ui/demo_mails.html", mails=folder.mails(), linkify=linkify)


@bp.get("/demo/tid")
@login_required()
def time():
    return render_template(
        "ui/demo_time.html", next_due=_next_deadline(), back=_back(request.args.get("next"))
    )


@bp.post("/demo/tid")
@login_required()
def move_time():
    """Move the shared clock forward and run a scheduler round at once, so what fell due
    has fired (and its mail is sent) by the time the next page is shown."""
    step = request.form.get("step", "")
    now = clock.now()
    if step in STEPS:
        target = now + STEPS[step]
    elif step == "deadline" and (due := _next_deadline()) is not None:
        target = max(now, due + TIMER_AFTER_DEADLINE)
    else:
        flash(t("demo_time_nothing"), "error")
        return redirect(url_for("demo.time"))
    scheduler = _scheduler()
    fired_before = scheduler.fired
    # Setting the clock wakes the running scheduler; the round here waits for its round
    # (they share a lock), so the count covers what either of them fired.
    moved_to = testclock.set_shared(services().engine.db, target)
    scheduler.tick()
    flash(_moved_message(moved_to, scheduler.fired - fired_before), "success")
    return redirect(_back(request.form.get("next")) or url_for("demo.time"))


def _scheduler() -> Scheduler:
    """The running scheduler of `klageflow run`; a one-off round when there is none."""
    running = current_app.extensions.get("klageflow.scheduler")
    return running if running is not None else Scheduler(services().engine)


def _next_deadline() -> datetime | None:
    """The next deadline of a running complaint case (the instant before its timer fires)."""
    dues = [
        instance.next_timer_due_at
        for instance in services().engine.instances(key="complaint", status="running", limit=1000)
        if instance.next_timer_due_at is not None
    ]
    return min(dues) - TIMER_AFTER_DEADLINE if dues else None


def _moved_message(moved_to: datetime, fired: int) -> str:
    when = local(moved_to)
    if fired == 0:
        return t("demo_time_moved_none").format(when=when)
    key = "demo_time_moved_one" if fired == 1 else "demo_time_moved_many"
    return t(key).format(when=when, count=fired)


def _back(target: str | None) -> str | None:
    """A page of this site to return to (never the time page itself)."""
    if not target or current_user() is None:
        return None
    back = safe_next(target, "")
    return back if back and not back.startswith(url_for("demo.time")) else None
