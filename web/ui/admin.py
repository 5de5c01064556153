"""Administrators' pages: authorities and boards, users, the e-mail outbox and incidents."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for

from engine import InvalidData, KlageflowError
from engine.outbox import VIEWS as MAIL_VIEWS
from workflows.complaint.fees import BOARDS

from .. import case_access
from ..inputs import page_number
from ..models import ROLES
from ..redirects import safe_next
from . import bp, current_user, login_required, services
from .feedback import flash_outcome, unreadable_fields
from .i18n import t
from .paging import PAGE_SIZE, offset, page_count

ORG_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,63}")
# The boards the legal bases send complaints to (`klageflow create-board --code`).


@bp.get("/admin")
@login_required("admin")
def admin():
    app_services = services()
    outbox = app_services.engine.outbox
    organisations = app_services.accounts.organisations()
    return render_template(
        "ui/admin.html",
        organisations=organisations,
        organisation_names={o.id: o.name for o in organisations},
        users=app_services.accounts.users(),
        roles=ROLES,
        mail_counts={view: outbox.count(view) for view in MAIL_VIEWS},
        open_incidents=app_services.engine.count_incidents(),
    )


def _organisation_form() -> dict[str, str | None]:
    form = request.form
    return {
        "name": form.get("name", "").strip(),
        "notification_email": form.get("notification_email", "").strip(),
        "board_code": form.get("board_code", "").strip().upper() or None,
    }


@bp.post("/admin/organisationer")
@login_required("admin")
def create_organisation():
    """A new authority or board; its id is the short name users are attached by."""
    accounts = services().accounts
    org_id = request.form.get("org_id", "").strip().lower()
    kind = request.form.get("kind", "")
    values = _organisation_form()
    problem = _organisation_problem(org_id, kind, values, new=True)
    if problem:
        flash(problem, "error")
        return redirect(url_for("ui.admin", _anchor="h-orgs"))
    try:
        accounts.upsert_organisation(
            org_id, kind=kind, name=values["name"], notification_email=values["notification_email"],
            board_code=values["board_code"] if kind == "board" else None,
        )  # fmt: skip
    except InvalidData as exc:
        flash(exc.message, "error")
    else:
        flash(t("organisation_created").format(name=values["name"]), "success")
    return redirect(url_for("ui.admin", _anchor="h-orgs"))


@bp.post("/admin/organisationer/<org_id>")
@login_required("admin")
def save_organisation(org_id: str):
    accounts = services().accounts
    try:
        organisation = accounts.organisation(org_id)
    except KlageflowError:
        abort(404)
    if unreadable_fields():
        flash(f"{organisation.name}: {t('error_unreadable')}", "error")
        return redirect(url_for("ui.admin", _anchor="h-orgs"))
    values = _organisation_form()
    values["name"] = values["name"] or organisation.name
    if organisation.kind != "board":
        values["board_code"] = None
    problem = _organisation_problem(org_id, organisation.kind, values, new=False)
    if problem:
        flash(f"{organisation.name}: {problem}", "error")
        return redirect(url_for("ui.admin", _anchor="h-orgs"))
    try:
        accounts.upsert_organisation(
            org_id, kind=organisation.kind, name=values["name"],
            notification_email=values["notification_email"], board_code=values["board_code"],
        )  # fmt: skip
    except InvalidData as exc:
        flash(f"{organisation.name}: {exc.message}", "error")
    else:
        flash(t("saved"), "success")
    return redirect(url_for("ui.admin", _anchor="h-orgs"))


def _organisation_problem(org_id: str, kind: str, values: dict, *, new: bool) -> str | None:
    """Why the organisation form cannot be saved (in the user's language), or None."""
    accounts = services().accounts
    if new:
        if not ORG_ID.fullmatch(org_id):
            return t("organisation_id_invalid")
        if any(o.id == org_id for o in accounts.organisations()):
            return t("organisation_id_taken").format(id=org_id)
        if kind not in ("authority", "board"):
            return t("organisation_kind_missing")
    if not values["name"]:
        return t("organisation_name_missing")
    if "@" not in (values["notification_email"] or "") or " " in values["notification_email"]:
        return t("notification_email_invalid")
    if kind == "board":
        code = values["board_code"]
        if code not in BOARDS:
            return t("board_code_invalid").format(codes=", ".join(BOARDS))
        if any(o.board_code == code and o.id != org_id for o in accounts.organisations("board")):
            return t("board_code_taken").format(code=code)
    return None


@bp.post("/admin/brugere")
@login_required("admin")
def create_user():
    form = request.form
    if unreadable_fields():
        flash(t("error_unreadable"), "error")
        return redirect(url_for("ui.admin"))
    flash_outcome(
        lambda: services().accounts.create_user(
            form.get("username", "").strip(), form.get("role", ""),
            password=form.get("password") or None,
            organisation_id=form.get("organisation_id") or None,
            email=form.get("email") or None, display_name=form.get("display_name") or None,
        ),
        "saved",
    )  # fmt: skip
    return redirect(url_for("ui.admin"))


@bp.get("/admin/e-mails")
@login_required("admin")
def mails():
    """The outbox: waiting, retrying (with the last error and the next attempt), failed, sent."""
    outbox = services().engine.outbox
    view = request.args.get("status") or None
    if view not in MAIL_VIEWS:
        view = None
    page = page_number()
    total = outbox.count(view)
    return render_template(
        "ui/mails.html", view=view, views=MAIL_VIEWS, page=page, total=total,
        pages=page_count(total),
        mails=outbox.mails(status=view, limit=PAGE_SIZE, offset=offset(page)),
        counts={name: outbox.count(name) for name in MAIL_VIEWS},
    )  # fmt: skip


@bp.post("/admin/e-mails/<int:mail_id>/igen")
@login_required("admin")
def retry_mail(mail_id: int):
    flash_outcome(lambda: services().engine.outbox.retry(mail_id), "queued_again")
    return redirect(safe_next(request.form.get("next"), url_for("ui.mails")))


@bp.post("/admin/e-mails/<int:mail_id>/annuller")
@login_required("admin")
def cancel_mail(mail_id: int):
    flash_outcome(lambda: services().engine.outbox.cancel(mail_id), "mail_cancelled")
    return redirect(safe_next(request.form.get("next"), url_for("ui.mails")))


@bp.get("/admin/haendelser")
@login_required("admin")
def incidents():
    """Open incidents (steps that failed inside a process), newest first, a page at a time."""
    engine = services().engine
    page = page_number()
    total = engine.count_incidents()
    return render_template(
        "ui/incidents.html", page=page, total=total,
        pages=page_count(total),
        incidents=engine.incidents(limit=PAGE_SIZE, offset=offset(page)),
    )  # fmt: skip


@bp.post("/admin/haendelser/<int:incident_id>/igen")
@login_required("admin")
def retry_incident(incident_id: int):
    flash_outcome(
        lambda: services().engine.retry_incident(incident_id, actor=current_user().username),
        "retried",
    )
    return redirect(url_for("ui.incidents"))


@bp.get("/admin/adgangslog")
@login_required("admin")
def access_log():
    """The log of staff who opened cases, newest first (filter by user or case)."""
    page = page_number()
    username = (request.args.get("bruger") or "").strip()[:150] or None
    reference = (request.args.get("sag") or "").strip()[:20] or None
    log = case_access.entries(
        services().engine.db, page=page, page_size=PAGE_SIZE, username=username,
        reference=reference,
    )  # fmt: skip
    return render_template(
        "ui/access_log.html", log=log, page=page,
        pages=page_count(log["total"]),
        username=username or "", reference=reference or "", actions=case_access.ACTIONS,
    )  # fmt: skip
