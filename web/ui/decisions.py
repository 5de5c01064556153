"""The authority's pages: its decisions with their klagefrist and complaints, registered and
corrected here (the same rules as `POST /api/v1/decisions`)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for

from engine import Conflict, InvalidData, KlageflowError
from workflows.complaint import standing

from ..complaints.decisions import DECISION_TYPES, NOTICES, Decisions, deadline_of
from . import bp, current_user, login_required, services
from .i18n import t

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def decision_register() -> Decisions:
    """The decisions, with documents kept under the data folder."""
    app_services = services()
    return Decisions(
        app_services.engine.db, app_services.accounts, app_services.settings.data_dir / "documents"
    )


@bp.get("/afgoerelser")
@login_required("authority_caseworker", "admin")
def decisions():
    """The authority's decisions, newest first, with klagefrist and filed complaints."""
    return render_template(
        "ui/decisions.html", decisions=decision_register().of_authority(current_user()),
        types=DECISION_TYPES,
    )  # fmt: skip


@bp.route("/afgoerelser/ny", methods=["GET", "POST"])
@login_required("authority_caseworker")
def new_decision():
    """Register a decision; "Beregn klagefrist" shows the deadline before saving."""
    values: dict[str, Any] = {"notice": "digital", "legal_bases": []}
    errors: dict[str, list[str]] = {}
    preview = None
    if request.method == "POST":
        previewing = request.form.get("action") == "preview"
        body, values, errors = _decision_form(document_required=not previewing)
        if not errors and request.form.get("action") == "preview":
            preview = deadline_of(body).isoformat()
        elif not errors:
            try:
                saved = decision_register().register(current_user(), body, _upload())
            except InvalidData as exc:
                errors = _danish(exc)
            except KlageflowError as exc:  # a caseworker attached to no authority
                flash(exc.message, "error")
                return redirect(url_for("ui.decisions"))
            else:
                flash(t("decision_registered"), "success")
                return redirect(url_for("ui.decision", decision_id=saved["id"]))
    return render_template(
        "ui/decision_form.html", values=values, errors=errors, preview=preview, decision=None,
        **_choices(errors),
    ), (422 if errors else 200)  # fmt: skip


@bp.route("/afgoerelser/<int:decision_id>", methods=["GET", "POST"])
@login_required("authority_caseworker", "admin")
def decision(decision_id: int):
    """A decision with its klagefrist; correctable until a complaint against it is filed."""
    register = decision_register()
    try:
        current = register.one(current_user(), decision_id)
    except KlageflowError:
        abort(404)
    values = _values_of(current)
    errors: dict[str, list[str]] = {}
    preview = None
    if request.method == "POST":
        if current_user().role != "authority_caseworker":
            abort(403)
        body, values, errors = _decision_form(document_required=False)
        if not errors and request.form.get("action") == "preview":
            preview = deadline_of(body).isoformat()
        elif not errors:
            try:
                register.correct(current_user(), decision_id, body, _upload())
            except InvalidData as exc:
                errors = _danish(exc)
            except Conflict:
                flash(t("decision_locked"), "error")
                return redirect(url_for("ui.decision", decision_id=decision_id))
            else:
                flash(t("decision_corrected"), "success")
                return redirect(url_for("ui.decision", decision_id=decision_id))
    return render_template(
        "ui/decision_form.html", values=values, errors=errors, preview=preview, decision=current,
        **_choices(errors),
    ), (422 if errors else 200)  # fmt: skip


@bp.get("/afgoerelser/<int:decision_id>/dokument")
@login_required("authority_caseworker", "board_caseworker", "admin")
def decision_document(decision_id: int):
    try:
        meta, data = decision_register().document(current_user(), decision_id)
    except KlageflowError:
        abort(404)
    from io import BytesIO

    return send_file(
        BytesIO(data), mimetype=meta["content_type"], download_name=meta["filename"],
        as_attachment=False,
    )  # fmt: skip


def _choices(errors: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "error_text": {key: " ".join(messages) for key, messages in errors.items()},
        "types": DECISION_TYPES,
        "bases": standing.LEGAL_BASES,
        "notices": NOTICES,
    }


def _values_of(decision: dict[str, Any]) -> dict[str, Any]:
    """The form's values for a stored decision."""
    notice = "published" if decision["published"] else decision["notified_by"]
    return {
        "decision_type": decision["decision_type"] or "",
        "title": decision["title"],
        "legal_bases": decision["legal_bases"],
        "addressee_name": decision["addressee"].get("name", ""),
        "addressee_email": decision["addressee"].get("email", ""),
        "permit_holder_name": decision["permit_holder"].get("name", ""),
        "permit_holder_email": decision["permit_holder"].get("email", ""),
        "notice": notice,
        "notice_date": decision["notified_on"],
    }


def _decision_form(*, document_required: bool):
    """(body for the service, values to show again, errors by field) of the posted form."""
    form = request.form
    values = {
        key: form.get(key, "").strip()
        for key in ("decision_type", "title", "addressee_name", "addressee_email",
                    "permit_holder_name", "permit_holder_email", "notice", "notice_date")
    }  # fmt: skip
    values["legal_bases"] = form.getlist("legal_bases")
    errors: dict[str, list[str]] = {}
    if values["decision_type"] not in DECISION_TYPES:
        errors["decision_type"] = [t("error_decision_type")]
    if not values["title"]:
        errors["title"] = [t("error_decision_title")]
    elif len(values["title"]) > 500:
        errors["title"] = [t("error_too_long").format(n=500)]
    if not values["legal_bases"] or any(
        code not in standing.LEGAL_BASES for code in values["legal_bases"]
    ):
        errors["legal_bases"] = [t("error_legal_bases")]
    for party in ("addressee", "permit_holder"):
        if not values[f"{party}_name"]:
            errors[f"{party}_name"] = [t("error_party_name")]
        if values[f"{party}_email"] and not EMAIL.fullmatch(values[f"{party}_email"]):
            errors[f"{party}_email"] = [t("error_email")]
    if values["notice"] not in NOTICES:
        errors["notice"] = [t("error_notice")]
    day = None
    try:
        day = date.fromisoformat(values["notice_date"])
    except ValueError:
        errors["notice_date"] = [t("error_notice_date")]
    upload = request.files.get("document")
    if document_required and (upload is None or not upload.filename):
        errors["document"] = [t("error_document_missing")]
    if errors:
        return None, values, errors
    body: dict[str, Any] = {
        "authority": current_user().organisation_id,
        "decision_type": values["decision_type"],
        "title": values["title"],
        "legal_bases": values["legal_bases"],
        "addressee": _party(values, "addressee"),
        "permit_holder": _party(values, "permit_holder"),
    }
    if values["notice"] == "published":
        body["published_at"] = day
    else:
        body["notified_at"], body["notified_by"] = day, values["notice"]
    return body, values, errors


def _party(values: dict[str, Any], party: str) -> dict[str, Any]:
    return {"name": values[f"{party}_name"], "email": values[f"{party}_email"] or None}


def _upload() -> tuple[str, bytes] | None:
    upload = request.files.get("document")
    if upload is None or not upload.filename:
        return None
    return upload.filename, upload.read()


def _danish(exc: InvalidData) -> dict[str, list[str]]:
    """The service's refusal as the form's errors (the document's in Danish)."""
    fields = exc.fields or {"_": [exc.message]}
    if "document" in fields:
        return {"document": [t("error_document_pdf")]}
    return {key: [str(message) for message in messages] for key, messages in fields.items()}
