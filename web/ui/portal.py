"""Complainants' pages: Mine sager, a new complaint, the case page and its actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from engine import InvalidData, KlageflowError

from .. import case_access
from ..downloads import content_disposition
from ..redirects import safe_next
from . import (
    COMPLAINANT_TYPES,
    PAGE_SIZE,
    bp,
    bpmn_file_of,
    case_documents,
    current_user,
    flash_outcome,
    login_required,
    services,
)
from .i18n import language, t


@bp.get("/sager")
@login_required()
def cases():
    everything = services().complaints.mine(current_user())
    page = max(request.args.get("page", 1, type=int), 1)
    pages = max((len(everything) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    rows = everything[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    groups = {"draft": [], "ongoing": [], "closed": []}
    for row in rows:
        if row["status"] == "draft":
            groups["draft"].append(row)
        elif row["status"] in ("closed", "decided", "withdrawn"):
            groups["closed"].append(row)
        else:
            groups["ongoing"].append(row)
    return render_template(
        "ui/cases.html", groups=groups, page=page, pages=pages, total=len(everything)
    )


def _complaint_form() -> dict[str, Any]:
    form = request.form
    body: dict[str, Any] = {
        "legal_basis": form.get("legal_basis", ""),
        "complainant_type": form.get("complainant_type", ""),
        "text": form.get("text", "").strip(),
        "suspensive_effect_requested": form.get("suspensive_effect_requested") == "on",
    }
    errors: dict[str, list[str]] = {}
    co_complainants = []
    names = [n.strip() for n in form.get("co_complainants", "").replace(",", "\n").splitlines()]
    for username in filter(None, names):
        try:
            other = services().accounts.by_username(username)
        except KlageflowError:
            other = None
        if (
            other is None
            or other.role != "complainant"
            or other.username == current_user().username
        ):
            errors.setdefault("co_complainants", []).append(f"{username}: {t('unknown_user')}")
            continue
        co_complainants.append({
            "name": other.display_name or other.username, "email": other.email,
            "type": other.complainant_type or "private", "username": other.username,
        })  # fmt: skip
    body["co_complainants"] = co_complainants
    body["co_complainants_text"] = form.get("co_complainants", "")
    if body["complainant_type"] not in COMPLAINANT_TYPES:
        errors["complainant_type"] = [t("error_complainant_type")]
    if len(body["text"]) < 10:
        errors["text"] = [t("error_text_short")]
    return body, errors


@bp.route("/sager/ny", methods=["GET", "POST"])
@login_required("complainant")
def new_case():
    service = services().complaints
    decisions = service.decisions()  # a late complaint may still be filed (the board rejects it)
    values: dict[str, Any] = {"decision": request.args.get("decision", type=int)}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        body, errors = _complaint_form()
        values = {**body, "decision": request.form.get("decision", type=int)}
        if values["decision"] is None:
            errors["decision"] = [t("error_decision")]
        if not errors:
            try:
                fields_ = {k: v for k, v in body.items() if k != "co_complainants_text"}
                draft = service.create_draft(
                    current_user(), {**fields_, "decision": values["decision"]}
                )
            except InvalidData as exc:
                errors = exc.fields or {"_": [exc.message]}
            else:
                if request.form.get("action") == "submit":
                    return _submit(draft["reference"])
                flash(t("draft_saved"), "success")
                return redirect(url_for("ui.case", reference=draft["reference"]))
    return render_template(
        "ui/new_case.html", decisions=decisions, values=values, errors=errors,
        types=COMPLAINANT_TYPES,
    ), (422 if errors else 200)  # fmt: skip


def _submit(reference: str):
    try:
        track = services().complaints.submit(current_user(), reference, language())
    except KlageflowError as exc:
        flash(exc.message, "error")
        return redirect(url_for("ui.case", reference=reference))
    flash(f"{t('filed_receipt')} {track['reference']}", "success")
    return redirect(url_for("ui.case", reference=reference, receipt=1))


@bp.get("/sager/<reference>")
@login_required()
def case(reference: str):
    track = services().complaints.track(current_user(), reference)
    case_access.record(services().engine.db, current_user(), "view_case", "ui", reference=reference)
    active: list[str] = []
    if track.get("instance_id"):
        active = services().engine.show(track["instance_id"]).active_elements
    from ..complaints.documents import KINDS_BY_ROLE

    return render_template(
        "ui/case.html", case=track, receipt=request.args.get("receipt"),
        is_owner=current_user().username == _owner(track), active=active,
        steps=citizen_steps(track["status"]),
        show_diagram=current_user().role not in ("complainant", "permit_holder"),
        authority_name=_organisation_name(track.get("authority")),
        board_name=_organisation_name(track.get("board")),
        co_pending=[c for c in track.get("co_complainants") or [] if not c.get("confirmed_at")],
        my_confirmation_pending=any(
            c.get("username") == current_user().username and not c.get("confirmed_at")
            for c in track.get("co_complainants") or []
        ),
        documents=case_documents().list(current_user(), reference),
        upload_kinds=KINDS_BY_ROLE.get(current_user().role, ()),
        demo=services().settings.demo,
    )  # fmt: skip


@bp.post("/sager/<reference>/dokumenter")
@login_required()
def add_document(reference: str):
    """Upload a case document, or write a comment (kept as a text document)."""
    from ..complaints.documents import KINDS_BY_ROLE

    back = safe_next(request.form.get("next"), url_for("ui.case", reference=reference))
    kind = request.form.get("kind") or (KINDS_BY_ROLE.get(current_user().role) or ("",))[0]
    upload = request.files.get("file")
    text = (request.form.get("text") or "").strip()
    if upload is not None and upload.filename:
        filename, data = upload.filename, upload.read()
    else:
        filename, data = "bemaerkninger.txt", text.encode()
    try:
        case_documents().add(current_user(), reference, kind, filename, data)
    except InvalidData as exc:
        problems = "; ".join(", ".join(v) for v in (exc.fields or {}).values()) or exc.message
        flash(f"{exc.message}: {problems}", "error")
    except KlageflowError as exc:
        flash(exc.message, "error")
    else:
        flash(t("document_added"), "success")
    return redirect(back)


@bp.get("/sager/<reference>/dokumenter/<int:document_id>")
@login_required()
def document(reference: str, document_id: int):
    meta, data = case_documents().read(current_user(), reference, document_id)
    case_access.record(
        services().engine.db, current_user(), "download_document", "ui", reference=reference
    )
    response = current_app.response_class(data, mimetype=meta["content_type"])
    response.headers["Content-Disposition"] = content_disposition(meta["filename"])
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/sager/<reference>/diagram.bpmn")
@login_required()
def case_diagram(reference: str):
    """The BPMN of the process version the case runs on (for whoever may see the case)."""
    track = services().complaints.track(current_user(), reference)
    if not track.get("instance_id"):
        abort(404)
    engine = services().engine
    summary = engine.show(track["instance_id"])
    definition = engine.definition(summary.process_key, summary.version)
    xml = definition.files[bpmn_file_of(definition, summary.process_key)]
    return current_app.response_class(xml, mimetype="application/xml")


# The four steps a complainant sees, and which statuses belong to each.
STEPS = (
    ("step_received", ("filed",)),
    ("step_authority", ("with_authority",)),
    ("step_board", ("forwarded", "awaiting_fee", "under_consideration")),
    ("step_decided", ("decided", "closed", "withdrawn")),
)


@dataclass(frozen=True)
class Step:
    """One step of the indicator: `done`, `current` or `upcoming`, with a note when current."""

    key: str
    state: str
    note: str | None = None


def citizen_steps(status: str) -> list[Step]:
    """Modtaget → Hos myndigheden → Hos nævnet → Afgjort, marked from the case's status.

    A draft has not started (no steps); a withdrawn or closed case ends on the last step
    with a note saying how it ended.
    """
    if status == "draft":
        return []
    current = next(i for i, (_, statuses) in enumerate(STEPS) if status in statuses)
    note = {"withdrawn": t("step_note_withdrawn"), "closed": t("step_note_closed"),
            "awaiting_fee": t("step_note_fee")}.get(status)  # fmt: skip
    return [
        Step(key, "done" if i < current else "current" if i == current else "upcoming",
             note if i == current else None)
        for i, (key, _) in enumerate(STEPS)
    ]  # fmt: skip


def _organisation_name(org_id: str | None) -> str | None:
    if not org_id:
        return None
    try:
        return services().accounts.organisation(org_id).name
    except KlageflowError:
        return org_id


def _owner(track: dict[str, Any]) -> str | None:
    from ..complaints.models import Complaint

    with services().engine.db.read() as db_session:
        row = db_session.get(Complaint, track["reference"])
        return row.complainant_username if row else None


@bp.post("/sager/<reference>/indsend")
@login_required("complainant")
def submit_case(reference: str):
    return _submit(reference)


@bp.post("/sager/<reference>/bekraeft")
@login_required("complainant")
def confirm_case(reference: str):
    """A co-complainant confirms a joint complaint; it is filed when all have confirmed."""
    flash_outcome(lambda: services().complaints.confirm(current_user(), reference), "confirmed")
    return redirect(url_for("ui.case", reference=reference))


@bp.post("/sager/<reference>/tilbagetraek")
@login_required("complainant")
def withdraw(reference: str):
    flash_outcome(lambda: services().complaints.withdraw(current_user(), reference), "withdrawn")
    return redirect(url_for("ui.case", reference=reference))
