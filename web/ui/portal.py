"""Complainants' pages: Mine sager, a new complaint, the case page and its actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from engine import Conflict, InvalidData, KlageflowError, NotFound
from workflows.complaint import parties

from .. import auth, case_access
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
from .i18n import t


@bp.get("/sager")
@login_required()
def cases():
    everything = services().complaints.mine(current_user())
    page = max(request.args.get("page", 1, type=int), 1)
    pages = max((len(everything) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    rows = everything[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    groups = {"draft": [], "ongoing": [], "closed": []}
    for row in rows:
        if row["status"] in ("draft", "awaiting_co_complainant"):
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
    # Co-complainants are invited by name and e-mail address (rows of the form).
    rows = list(zip(form.getlist("co_name"), form.getlist("co_email"), strict=False))
    co_complainants = [
        {"name": name.strip(), "email": address.strip(), "type": "private"}
        for name, address in rows
        if name.strip() or address.strip()
    ]
    problems = parties.invitation_problems(co_complainants, own_email=current_user().email)
    if problems:
        errors["co_complainants"] = [
            t(f"co_problem_{problem}").format(who=who) for problem, who in problems
        ]
    body["co_complainants"] = co_complainants
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
                draft = service.create_draft(
                    current_user(), {**body, "decision": values["decision"]}
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
        track = services().complaints.submit(current_user(), reference)
    except Conflict as exc:
        flash(t("already_filed") if "already filed" in exc.message else exc.message, "error")
        return redirect(url_for("ui.case", reference=reference))
    except KlageflowError as exc:
        flash(exc.message, "error")
        return redirect(url_for("ui.case", reference=reference))
    if track["status"] == "awaiting_co_complainant":
        flash(t("invitations_sent"), "success")
        return redirect(url_for("ui.case", reference=reference))
    flash(f"{t('filed_receipt')} {track['reference']}", "success")
    return redirect(url_for("ui.receipt", reference=reference))


@bp.get("/sager/<reference>/kvittering")
@login_required("complainant")
def receipt(reference: str):
    """The receipt of a filed complaint: reference, time of filing, what happens next."""
    return render_template(
        "ui/receipt.html", receipt=services().complaints.receipt(current_user(), reference)
    )


@bp.get("/sager/<reference>")
@login_required()
def case(reference: str):
    track = services().complaints.track(current_user(), reference)
    case_access.record(services().engine.db, current_user(), "view_case", "ui", reference=reference)
    active: list[str] = []
    if track.get("instance_id"):
        active = services().engine.show(track["instance_id"]).active_elements
    from ..complaints.documents import KINDS_BY_ROLE, may_add

    return render_template(
        "ui/case.html", case=track, receipt=request.args.get("receipt"),
        is_owner=current_user().username == _owner(track), active=active,
        steps=citizen_steps(track["status"]),
        show_diagram=current_user().role not in ("complainant", "permit_holder"),
        authority_name=_organisation_name(track.get("authority")),
        board_name=_organisation_name(track.get("board")),
        co_pending=[
            c for c in parties.active_co_complainants(track.get("co_complainants") or [])
            if not c.get("confirmed_at")
        ],
        my_confirmation_pending=any(
            c.get("username") == current_user().username and not c.get("confirmed_at")
            for c in parties.active_co_complainants(track.get("co_complainants") or [])
        ),
        documents=case_documents().list(current_user(), reference),
        upload_kinds=(
            KINDS_BY_ROLE.get(current_user().role, ())
            if may_add(current_user(), track["status"]) else ()
        ),
        is_complainant=current_user().username == _owner(track) or any(
            c.get("username") == current_user().username
            for c in parties.active_co_complainants(track.get("co_complainants") or [])
        ),
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
    if status in ("draft", "awaiting_co_complainant"):
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


# -- invitations to join a complaint ------------------------------------------------------


def _invitation_or_404(reference: str, token: str) -> dict[str, Any]:
    try:
        return services().complaints.invitation(reference, token)
    except NotFound:
        abort(404)


@bp.get("/sager/<reference>/invitation/<token>")
def invitation(reference: str, token: str):
    """An invitee's page (from the mail's link): read the complaint, then confirm or decline.

    The link is the invitee's key: it holds a random token whose hash the complaint keeps.
    Confirming needs a complainant's login; someone without one creates it here.
    """
    return render_template(
        "ui/invitation.html", invitation=_invitation_or_404(reference, token), token=token,
        errors={}, values={},
    )  # fmt: skip


@bp.post("/sager/<reference>/invitation/<token>/bekraeft")
@login_required("complainant")
def accept_invitation(reference: str, token: str):
    _invitation_or_404(reference, token)
    try:
        track = services().complaints.confirm(current_user(), reference, token)
    except InvalidData:
        flash(t("co_problem_self").format(who=current_user().display_name or ""), "error")
        return redirect(url_for("ui.invitation", reference=reference, token=token))
    except Conflict as exc:
        flash(t("already_filed") if "already filed" in exc.message else t("invitation_taken"),
              "error")  # fmt: skip
        return redirect(url_for("ui.invitation", reference=reference, token=token))
    if track["status"] in ("draft", "awaiting_co_complainant"):
        flash(t("confirmed"), "success")
    else:
        flash(f"{t('confirmed_and_filed')} {reference}", "success")
    return redirect(url_for("ui.case", reference=reference))


@bp.post("/sager/<reference>/invitation/<token>/afslaa")
def decline_invitation(reference: str, token: str):
    auth.check_csrf()
    invitation = _invitation_or_404(reference, token)
    try:
        services().complaints.decline(reference, token)
    except Conflict:
        flash(t("already_filed"), "error")
        return redirect(url_for("ui.invitation", reference=reference, token=token))
    return render_template("ui/invitation_declined.html", invitation=invitation)


@bp.post("/sager/<reference>/invitation/<token>/konto")
def invitation_account(reference: str, token: str):
    """Create a complainant account from an invitation, log in, and return to it."""
    auth.check_csrf()
    invitation = _invitation_or_404(reference, token)
    form = request.form
    values = {key: (form.get(key) or "").strip() for key in ("name", "email", "username")}
    errors: dict[str, list[str]] = {}
    if not values["name"]:
        errors["name"] = [t("error_required")]
    if not values["username"]:
        errors["username"] = [t("error_required")]
    if len(form.get("password") or "") < 10:
        errors["password"] = [t("error_password_short")]
    if not errors:
        try:
            principal = services().accounts.create_user(
                values["username"], "complainant", password=form.get("password"),
                email=values["email"] or None, display_name=values["name"],
                complainant_type="private",
            )  # fmt: skip
        except Conflict:
            errors["username"] = [t("error_username_taken")]
        except InvalidData:
            errors["username"] = [t("error_username_invalid")]
        else:
            auth.start_session(principal)
            flash(t("account_created"), "success")
            return redirect(url_for("ui.invitation", reference=reference, token=token))
    return render_template(
        "ui/invitation.html", invitation=invitation, token=token, errors=errors, values=values
    ), 422
