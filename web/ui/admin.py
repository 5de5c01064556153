"""Administrators' pages: notification addresses, users, failed mails and incidents."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from .. import case_access
from ..inputs import page_number
from ..models import ROLES
from . import (
    PAGE_SIZE,
    bp,
    current_user,
    flash_outcome,
    login_required,
    services,
    unreadable_fields,
)
from .i18n import t


@bp.get("/admin")
@login_required("admin")
def admin():
    app_services = services()
    return render_template(
        "ui/admin.html",
        organisations=app_services.accounts.organisations(),
        users=app_services.accounts.users(),
        roles=ROLES,
        mails=app_services.engine.outbox.mails(status="failed"),
        incidents=app_services.engine.incidents(),
    )


@bp.post("/admin/organisationer/<org_id>")
@login_required("admin")
def save_organisation(org_id: str):
    accounts = services().accounts
    organisation = accounts.organisation(org_id)
    if unreadable_fields():
        flash(f"{organisation.name}: {t('error_unreadable')}", "error")
        return redirect(url_for("ui.admin"))
    flash_outcome(
        lambda: accounts.upsert_organisation(
            org_id, kind=organisation.kind, name=organisation.name,
            notification_email=request.form.get("notification_email", "").strip(),
            board_code=organisation.board_code,
        ),
        "saved", about=organisation.name,
    )  # fmt: skip
    return redirect(url_for("ui.admin"))


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


@bp.post("/admin/mails/<int:mail_id>/igen")
@login_required("admin")
def retry_mail(mail_id: int):
    flash_outcome(lambda: services().engine.outbox.retry(mail_id), "queued_again")
    return redirect(url_for("ui.admin"))


@bp.post("/admin/haendelser/<int:incident_id>/igen")
@login_required("admin")
def retry_incident(incident_id: int):
    flash_outcome(
        lambda: services().engine.retry_incident(incident_id, actor=current_user().username),
        "retried",
    )
    return redirect(url_for("ui.admin"))


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
        pages=max((log["total"] + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        username=username or "", reference=reference or "", actions=case_access.ACTIONS,
    )  # fmt: skip
