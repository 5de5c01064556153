"""Complainants' pages: Mine sager, a new complaint, the case page and its actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for

from engine import Conflict, InvalidData, KlageflowError, NotFound, clock
from workflows.complaint import parties, standing
from workflows.complaint.deadlines import is_filed_in_time, parse_instant
from workflows.complaint.fees import COMPLAINANT_TYPES, refund_due

from .. import auth, case_access
from ..complaints.documents import KINDS_BY_ROLE, may_add
from ..downloads import content_disposition
from ..inputs import id_or_none, page_number
from ..redirects import safe_next
from . import bp, bpmn_file_of, case_documents, current_user, login_required, services
from .feedback import flash_outcome, unreadable_fields
from .i18n import error_message, field_message, language, pick, t
from .paging import PAGE_SIZE, offset, page_count


def basis_label(code: str) -> str:
    """A legal basis in the reader's language (its code when unknown)."""
    basis = standing.LEGAL_BASES.get(code)
    return pick(basis.label_da, basis.label_en) if basis else code


@bp.get("/sager")
@login_required()
def cases():
    everything = services().complaints.mine(current_user())
    page = page_number()
    pages = page_count(len(everything))
    start = offset(page)
    rows = everything[start : start + PAGE_SIZE]
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
    errors.update(unreadable_fields(("text", "co_complainants")))
    return body, errors


def _decision_choices(decisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The decisions one may complain about, each with its legal bases and whether a
    complaint filed now would be late (allowed: the board decides whether to consider it)."""
    now = clock.now()
    return [
        {**d, "late": not is_filed_in_time(now, parse_instant(d["complaint_deadline"]))}
        for d in decisions
    ]


def _basis_options(decisions: list[dict[str, Any]], chosen: int | None) -> list[tuple[str, str]]:
    """The legal bases to offer: the chosen decision's, else every decision's; each once."""
    if chosen is not None:
        decisions = [d for d in decisions if d["id"] == chosen] or decisions
    codes = dict.fromkeys(code for d in decisions for code in d["legal_bases"])
    return [(code, basis_label(code)) for code in codes]


def _form_errors(exc: InvalidData) -> dict[str, list[str]]:
    """A refused draft's errors beside its fields, in the reader's language."""
    known = {"decision", "legal_basis", "complainant_type", "text", "co_complainants"}
    if exc.fields and set(exc.fields) <= known:
        return {
            name: [_field_error(message, exc.status) for message in messages]
            for name, messages in exc.fields.items()
        }
    return {"_": [error_message(exc.message, exc.status)]}


def _field_error(message: object, status: int) -> str:
    """One field's message: a known validation message translated, else the refusal's."""
    text = str(message)
    translated = field_message(text)
    return translated if translated != text else error_message(text, status)


@bp.route("/sager/ny", methods=["GET", "POST"])
@login_required("complainant")
def new_case():
    service = services().complaints
    decisions = _decision_choices(service.decisions())
    values: dict[str, Any] = {"decision": id_or_none(request.args.get("decision"))}
    if values["decision"] is None and len(decisions) == 1:
        values["decision"] = decisions[0]["id"]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        body, errors = _complaint_form()
        values = {**body, "decision": id_or_none(request.form.get("decision"))}
        if values["decision"] is None:
            errors["decision"] = [t("error_decision")]
        if not errors:
            try:
                draft = service.create_draft(
                    current_user(), {**body, "decision": values["decision"]}
                )
            except InvalidData as exc:
                errors = _form_errors(exc)
            else:
                if request.form.get("action") == "submit":
                    return _submit(draft["reference"])
                flash(t("draft_saved"), "success")
                return redirect(url_for("ui.case", reference=draft["reference"]))
    return render_template(
        "ui/new_case.html", decisions=decisions, values=values, errors=errors,
        types=COMPLAINANT_TYPES, basis_options=_basis_options(decisions, values["decision"]),
        chosen=next((d for d in decisions if d["id"] == values["decision"]), None),
        editing=None, decision_bases={
            str(d["id"]): {"late": d["late"], "bases": _basis_options([d], d["id"])}
            for d in decisions
        },
    ), (422 if errors else 200)  # fmt: skip


@bp.route("/sager/<reference>/rediger", methods=["GET", "POST"])
@login_required("complainant")
def edit_case(reference: str):
    """Change a draft until it is filed: text, legal basis, complainant type, co-complainants."""
    service = services().complaints
    draft = service.track(current_user(), reference)
    if draft["status"] != "draft" or current_user().username != service.owner(reference):
        flash(error_message(f"complaint {reference} is filed and can no longer be changed",
                            409), "error")  # fmt: skip
        return redirect(url_for("ui.case", reference=reference))
    decisions = _decision_choices([service.decision(draft["decision"])])
    co_names = "\n".join(service.co_complainant_usernames(reference))
    values: dict[str, Any] = {
        "decision": draft["decision"], "legal_basis": draft["legal_basis"],
        "complainant_type": draft["complainant_type"], "text": draft["text"],
        "co_complainants_text": co_names,
        "suspensive_effect_requested": draft.get("suspensive_effect_requested"),
    }  # fmt: skip
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        body, errors = _complaint_form()
        values = {**body, "decision": draft["decision"]}
        if not errors:
            fields_ = {k: v for k, v in body.items() if k != "co_complainants_text"}
            try:
                service.update_draft(current_user(), reference, fields_)
            except InvalidData as exc:
                errors = _form_errors(exc)
            except KlageflowError as exc:
                flash(error_message(exc.message, exc.status), "error")
                return redirect(url_for("ui.case", reference=reference))
            else:
                if request.form.get("action") == "submit":
                    return _submit(reference)
                flash(t("draft_saved"), "success")
                return redirect(url_for("ui.case", reference=reference))
    return render_template(
        "ui/new_case.html", decisions=decisions, values=values, errors=errors,
        types=COMPLAINANT_TYPES, basis_options=_basis_options(decisions, draft["decision"]),
        chosen=decisions[0], editing=reference,
    ), (422 if errors else 200)  # fmt: skip


def _submit(reference: str):
    try:
        track = services().complaints.submit(current_user(), reference, language())
    except Conflict as exc:
        flash(t("already_filed") if "already filed" in exc.message else exc.message, "error")
        return redirect(url_for("ui.case", reference=reference))
    except KlageflowError as exc:
        flash(error_message(exc.message, exc.status), "error")
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
    is_owner = current_user().username == services().complaints.owner(reference)
    active: list[str] = []
    staff = current_user().role not in ("complainant", "permit_holder")
    migrations = []
    if track.get("instance_id"):
        active = services().engine.show(track["instance_id"]).active_elements
        if staff:
            migrations = services().engine.instance_migrations(track["instance_id"])
    return render_template(
        "ui/case.html", case=track, receipt=request.args.get("receipt"),
        is_owner=is_owner, active=active,
        steps=citizen_steps(track["status"]),
        show_diagram=staff, migrations=migrations,
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
        kept_comment=session.pop(_kept_key(reference), ""),
        upload_kinds=(
            KINDS_BY_ROLE.get(current_user().role, ())
            if may_add(current_user(), track["status"]) else ()
        ),
        statement_sent=any(e.get("kind") == "statement_sent" for e in track.get("timeline", [])),
        is_complainant=is_owner or any(
            c.get("username") == current_user().username
            for c in parties.active_co_complainants(track.get("co_complainants") or [])
        ),
        demo=services().settings.demo,
    )  # fmt: skip


def _kept_key(reference: str) -> str:
    return f"unsent_comment:{reference}"


@bp.post("/sager/<reference>/dokumenter")
@login_required()
def add_document(reference: str):
    """Upload a case document and/or write a comment (kept as a text document).

    A file and a comment sent together are stored as two documents; the flash says which
    was stored and which was refused, and a refused comment comes back in the form.
    """
    back = safe_next(request.form.get("next"), url_for("ui.case", reference=reference))
    kinds = KINDS_BY_ROLE.get(current_user().role) or ("",)
    kind = request.form.get("kind") or kinds[0]
    upload = request.files.get("file")
    text = (request.form.get("text") or "").strip()
    if unreadable_fields(("text",)):
        flash(t("error_unreadable"), "error")
        return redirect(back)
    parts = []
    if upload is not None and upload.filename:
        parts.append(("file", kind, upload.filename, upload.read()))
    if text or not parts:
        text_kind = "comment" if "comment" in kinds else kind
        parts.append(("comment", text_kind, "bemaerkninger.txt", text.encode()))
    for part, part_kind, filename, data in parts:
        try:
            case_documents().add(current_user(), reference, part_kind, filename, data)
        except KlageflowError as exc:
            what = t("the_file") if part == "file" else t("the_comment")
            flash(f"{what}: {t('not_stored')} {error_message(exc.message, exc.status)}", "error")
            if part == "comment" and text:
                session[_kept_key(reference)] = text
        else:
            flash(t("document_added") if part == "file" else t("comment_added"), "success")
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


@bp.post("/sager/<reference>/indsend")
@login_required("complainant")
def submit_case(reference: str):
    return _submit(reference)


@bp.post("/sager/<reference>/medklagere/<invitee_id>/send-igen")
@login_required("complainant")
def resend_invitation(reference: str, invitee_id: str):
    """The author sends an invitation again with a new link (the old one stops working)."""
    flash_outcome(
        lambda: services().complaints.resend_invitation(current_user(), reference, invitee_id),
        "invitation_resent",
    )
    return redirect(url_for("ui.case", reference=reference))


@bp.post("/sager/<reference>/bekraeft")
@login_required("complainant")
def confirm_case(reference: str):
    """A co-complainant confirms a joint complaint; it is filed when all have confirmed."""
    flash_outcome(lambda: services().complaints.confirm(current_user(), reference), "confirmed")
    return redirect(url_for("ui.case", reference=reference))


@bp.route("/sager/<reference>/tilbagetraek", methods=["GET", "POST"])
@login_required("complainant")
def withdraw(reference: str):
    """Withdrawal asks first, on a page of its own: the case ends and what the fee does."""
    track = services().complaints.track(current_user(), reference)
    refused = (
        error_message("only the complainant who filed the complaint may do this", 403)
        if services().complaints.owner(reference) != current_user().username
        else error_message("a draft is not filed; delete it instead of withdrawing it", 409)
        if track["status"] == "draft"
        else t("withdraw_not_possible")
        if track["status"] in ENDED
        else None
    )
    if refused:
        flash(refused, "error")
        return redirect(url_for("ui.case", reference=reference))
    if request.method == "POST":
        flash_outcome(
            lambda: services().complaints.withdraw(current_user(), reference), "withdrawn"
        )
        return redirect(url_for("ui.case", reference=reference))
    paid = bool(track.get("fee") and track["fee"].get("paid_at"))
    refund = refund_due("tilbagetraekning", board=_board_code(track))
    return render_template(
        "ui/withdraw.html", case=track, paid=paid, refund=refund.refund,
    )  # fmt: skip


ENDED = ("decided", "closed", "withdrawn")


def _board_code(track: dict[str, Any]) -> str:
    if track.get("board"):
        try:
            return services().accounts.organisation(track["board"]).board_code or "PKN"
        except KlageflowError:
            pass
    return "PKN"


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
