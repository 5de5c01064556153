"""The web UI: server-rendered pages for complainants, caseworkers, designers and admins.

Every page calls the same services as the JSON API (the complaint service, the engine,
the accounts), so permissions and rules live in one place. Forms post with the session's
CSRF token; errors become flash messages or field errors beside the fields, and a
refused step keeps what was typed.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from engine import DeploymentError, InvalidData, KlageflowError, TaskFilter
from workflows.complaint import standing

from .. import auth
from ..accounts import Principal
from ..models import ROLES
from .i18n import LANGUAGES, language, pick, t

bp = Blueprint("ui", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/ui")  # fmt: skip
PAGE_SIZE = 25
CASEWORKERS = ("authority_caseworker", "board_caseworker")
COMPLAINANT_TYPES = ("private", "company", "organisation", "authority")


def _services():
    return current_app.extensions["klageflow"]


def _me() -> Principal | None:
    return auth.current()


def login_required(*roles: str):
    """Pages for logged-in users (with one of `roles`); POSTs must carry the CSRF token."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = _me()
            if principal is None:
                flash(t("login_needed"), "info")
                return redirect(url_for("ui.login", next=request.path))
            if roles and principal.role not in roles:
                abort(403)
            if request.method == "POST":
                auth.check_csrf()
            return view(*args, **kwargs)

        return wrapper

    return decorate


def local(value: str | datetime | None, with_time: bool = True) -> str:
    """An instant shown in Copenhagen time: 08-08-2025 23:59."""
    if not value:
        return ""
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    zone = ZoneInfo(os.environ.get("KLAGEFLOW_TIMEZONE", "Europe/Copenhagen"))
    return instant.astimezone(zone).strftime("%d-%m-%Y %H:%M" if with_time else "%d-%m-%Y")


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {
        "t": t,
        "pick": pick,
        "lang": language(),
        "me": _me(),
        "csrf_token": auth.csrf_token,
        "local": local,
        "basis_label": lambda code: pick(
            standing.LEGAL_BASES[code].label_da, standing.LEGAL_BASES[code].label_en
        ) if code in standing.LEGAL_BASES else code,
    }  # fmt: skip


# -- start, language, login ---------------------------------------------------------------


@bp.get("/")
def home():
    principal = _me()
    if principal is None:
        return redirect(url_for("ui.login"))
    if principal.role in ("complainant", "permit_holder"):
        return redirect(url_for("ui.cases"))
    if principal.role in CASEWORKERS:
        return redirect(url_for("ui.tasks"))
    if principal.role == "designer":
        return redirect(url_for("ui.processes"))
    return redirect(url_for("ui.admin"))


@bp.get("/sprog/<lang>")
def set_language(lang: str):
    if lang not in LANGUAGES:
        abort(404)
    session["lang"] = lang
    target = request.args.get("next") or url_for("ui.home")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        auth.check_csrf()
        try:
            principal = _services().accounts.authenticate(
                request.form.get("username", ""), request.form.get("password", ""),
                request.remote_addr,
            )  # fmt: skip
        except KlageflowError as exc:
            status = getattr(exc, "status", 401)
            flash(t("login_failed") if status == 401 else exc.message, "error")
            return render_template("ui/login.html", username=request.form.get("username")), status
        lang = session.get("lang")
        session.clear()
        session["user_id"] = principal.id
        if lang:
            session["lang"] = lang
        target = request.args.get("next") or url_for("ui.home")
        return redirect(target if target.startswith("/") and not target.startswith("//") else "/")
    return render_template("ui/login.html", username="")


@bp.post("/logout")
def logout():
    auth.check_csrf()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(t("logged_out"), "info")
    return redirect(url_for("ui.login"))


# -- complainants -------------------------------------------------------------------------


@bp.get("/sager")
@login_required()
def cases():
    everything = _services().complaints.mine(_me())
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
            other = _services().accounts.by_username(username)
        except KlageflowError:
            other = None
        if other is None or other.role != "complainant" or other.username == _me().username:
            errors.setdefault("co_complainants", []).append(f"{username}: {t('unknown_user')}")
            continue
        co_complainants.append({
            "name": other.display_name or other.username, "email": other.email,
            "type": other.complainant_type or "private", "username": other.username,
        })  # fmt: skip
    body["co_complainants"] = co_complainants
    body["co_complainants_text"] = form.get("co_complainants", "")
    if body["complainant_type"] not in COMPLAINANT_TYPES:
        errors["complainant_type"] = [t("complainant_type")]
    if len(body["text"]) < 10:
        errors["text"] = ["≥ 10"]
    return body, errors


@bp.route("/sager/ny", methods=["GET", "POST"])
@login_required("complainant")
def new_case():
    service = _services().complaints
    decisions = service.decisions()  # a late complaint may still be filed (the board rejects it)
    values: dict[str, Any] = {"decision": request.args.get("decision", type=int)}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        body, errors = _complaint_form()
        values = {**body, "decision": request.form.get("decision", type=int)}
        if values["decision"] is None:
            errors["decision"] = [t("choose_decision")]
        if not errors:
            try:
                fields_ = {k: v for k, v in body.items() if k != "co_complainants_text"}
                draft = service.create_draft(_me(), {**fields_, "decision": values["decision"]})
            except InvalidData as exc:
                errors = exc.fields or {"_": [exc.message]}
            else:
                if request.form.get("action") == "submit":
                    return _submit(draft["reference"])
                flash(t("draft_saved"), "success")
                return redirect(url_for("ui.case", reference=draft["reference"]))
        flash(t("fix_errors"), "error")
    return render_template(
        "ui/new_case.html", decisions=decisions, values=values, errors=errors,
        types=COMPLAINANT_TYPES,
    ), (422 if errors else 200)  # fmt: skip


def _submit(reference: str):
    try:
        track = _services().complaints.submit(_me(), reference)
    except KlageflowError as exc:
        flash(exc.message, "error")
        return redirect(url_for("ui.case", reference=reference))
    flash(f"{t('filed_receipt')} {track['reference']}", "success")
    return redirect(url_for("ui.case", reference=reference, receipt=1))


@bp.get("/sager/<reference>")
@login_required()
def case(reference: str):
    track = _services().complaints.track(_me(), reference)
    active: list[str] = []
    if track.get("instance_id"):
        active = _services().engine.show(track["instance_id"])["active_elements"]
    from ..complaints.documents import KINDS_BY_ROLE

    return render_template(
        "ui/case.html", case=track, receipt=request.args.get("receipt"),
        is_owner=_me().username == _owner(track), active=active,
        co_pending=[c for c in track.get("co_complainants") or [] if not c.get("confirmed_at")],
        my_confirmation_pending=any(
            c.get("username") == _me().username and not c.get("confirmed_at")
            for c in track.get("co_complainants") or []
        ),
        documents=_documents().list(_me(), reference),
        upload_kinds=KINDS_BY_ROLE.get(_me().role, ()),
    )  # fmt: skip


def _documents():
    from ..complaints.documents import Documents

    services = _services()
    return Documents(
        services.engine.db, services.complaints, services.settings.data_dir / "documents"
    )


@bp.post("/sager/<reference>/dokumenter")
@login_required()
def add_document(reference: str):
    """Upload a case document, or write a comment (kept as a text document)."""
    from ..complaints.documents import KINDS_BY_ROLE

    back = request.form.get("next") or url_for("ui.case", reference=reference)
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("ui.case", reference=reference)
    kind = request.form.get("kind") or (KINDS_BY_ROLE.get(_me().role) or ("",))[0]
    upload = request.files.get("file")
    text = (request.form.get("text") or "").strip()
    if upload is not None and upload.filename:
        filename, data = upload.filename, upload.read()
    else:
        filename, data = "bemaerkninger.txt", text.encode()
    try:
        _documents().add(_me(), reference, kind, filename, data)
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
    meta, data = _documents().read(_me(), reference, document_id)
    response = current_app.response_class(data, mimetype=meta["content_type"])
    response.headers["Content-Disposition"] = f'attachment; filename="{meta["filename"]}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/sager/<reference>/diagram.bpmn")
@login_required()
def case_diagram(reference: str):
    """The BPMN of the process version the case runs on (for whoever may see the case)."""
    track = _services().complaints.track(_me(), reference)
    if not track.get("instance_id"):
        abort(404)
    engine = _services().engine
    summary = engine.show(track["instance_id"])
    definition = engine.definition(summary["process_key"], summary["version"])
    xml = definition.files[_bpmn_file(definition, summary["process_key"])]
    return current_app.response_class(xml, mimetype="application/xml")


def _owner(track: dict[str, Any]) -> str | None:
    from ..complaints.models import Complaint

    with _services().engine.db.read() as db_session:
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
    try:
        _services().complaints.confirm(_me(), reference)
    except KlageflowError as exc:
        flash(exc.message, "error")
    else:
        flash(t("confirmed"), "success")
    return redirect(url_for("ui.case", reference=reference))


@bp.post("/sager/<reference>/betal")
@login_required("complainant")
def pay(reference: str):
    """Pay through the built-in test provider (clearly labelled; no money moves)."""
    service = _services().complaints
    track = service.track(_me(), reference)  # the caller must see the case
    if _owner(track) != _me().username:
        abort(403)
    amount = (track.get("fee") or {}).get("amount_dkk")
    provider = TestPaymentProvider(service)
    try:
        provider.pay(reference, amount)
    except KlageflowError as exc:
        flash(exc.message, "error")
    else:
        flash(t("paid"), "success")
    return redirect(url_for("ui.case", reference=reference))


class TestPaymentProvider:
    """The built-in payment provider: confirms at once, charges nothing (for trying out).

    A real provider implements the same `pay(reference, amount_dkk)` by sending the
    complainant to its payment page and calling POST /api/v1/complaints/{ref}/payments
    when the payment has cleared.
    """

    name = "test"

    def __init__(self, service):
        self.service = service

    def pay(self, reference: str, amount_dkk: int | None) -> dict[str, Any]:
        system = Principal(0, "testbetaling", "payment_provider", None, None, None, "Test")
        return self.service.pay(
            system, reference, {"amount_dkk": amount_dkk or 0, "provider": self.name,
                                "provider_ref": None, "paid_at": None},
        )  # fmt: skip


@bp.post("/sager/<reference>/tilbagetraek")
@login_required("complainant")
def withdraw(reference: str):
    try:
        _services().complaints.withdraw(_me(), reference)
    except KlageflowError as exc:
        flash(exc.message, "error")
    else:
        flash(t("withdrawn"), "success")
    return redirect(url_for("ui.case", reference=reference))


# -- caseworkers ----------------------------------------------------------------------------


@bp.get("/opgaver")
@login_required(*CASEWORKERS, "admin")
def tasks():
    principal = _me()
    page = max(request.args.get("page", 1, type=int), 1)
    search = (request.args.get("q") or "").strip()[:200] or None
    flt = TaskFilter(
        groups=None if principal.role == "admin" else principal.groups,
        assignee=principal.username if request.args.get("mine") else None,
        overdue=True if request.args.get("overdue") else None,
        search=search,
    )
    engine = _services().engine
    items = engine.tasks(flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    total = engine.count_tasks(flt)
    return render_template(
        "ui/tasks.html", items=items, page=page, total=total,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), search=search or "",
    )  # fmt: skip


def _task_for_me(task_id: str) -> dict[str, Any]:
    try:
        task = _services().engine.task(task_id)
    except KlageflowError:
        abort(404)
    principal = _me()
    if principal.role != "admin" and task["candidate_group"] not in principal.groups:
        abort(404)
    return task


def _form_values(form_definition: dict | None) -> tuple[dict[str, Any], dict[str, str]]:
    """Submitted values typed as the form says; also the raw text to show again."""
    values: dict[str, Any] = {}
    raw: dict[str, str] = {}
    for component in (form_definition or {}).get("components", []):
        key, kind = component.get("key"), component.get("type")
        if not key:
            continue
        text = request.form.get(key, "")
        raw[key] = text
        if kind == "checkbox":
            values[key] = key in request.form
        elif kind == "number":
            if text.strip():
                try:
                    values[key] = float(text) if "." in text else int(text)
                except ValueError:
                    values[key] = text
        elif text != "":
            values[key] = text
    return values, raw


@bp.route("/opgaver/<task_id>", methods=["GET", "POST"])
@login_required(*CASEWORKERS, "admin")
def task(task_id: str):
    item = _task_for_me(task_id)
    engine = _services().engine
    errors: dict[str, list[str]] = {}
    raw: dict[str, str] = {}
    if request.method == "POST":
        values, raw = _form_values(item.get("form"))
        principal = _me()
        try:
            engine.complete_task(
                task_id, values, actor=principal.username,
                actor_groups=principal.groups if principal.role != "admin" else None,
            )  # fmt: skip
        except InvalidData as exc:
            errors = exc.fields or {"_": [exc.message]}
            flash(t("fix_errors"), "error")
        except KlageflowError as exc:
            flash(exc.message, "error")
            return redirect(url_for("ui.tasks"))
        else:
            flash(t("completed"), "success")
            return redirect(url_for("ui.tasks"))
    from ..complaints.documents import KINDS_BY_ROLE

    case_view = _case_for_task(item)
    documents = _documents().list(_me(), case_view["reference"]) if case_view else []
    return render_template(
        "ui/task.html", item=item, form=item.get("form"), errors=errors, raw=raw,
        case=case_view, documents=documents, upload_kinds=KINDS_BY_ROLE.get(_me().role, ()),
    ), (422 if errors else 200)  # fmt: skip


def _case_for_task(item: dict[str, Any]) -> dict[str, Any] | None:
    if not item.get("business_key") or item.get("process_key") != "complaint":
        return None
    try:
        return _services().complaints.track(_me(), item["business_key"])
    except KlageflowError:
        return None


@bp.post("/opgaver/<task_id>/tag")
@login_required(*CASEWORKERS, "admin")
def claim(task_id: str):
    _task_for_me(task_id)
    try:
        _services().engine.claim(task_id, _me().username)
    except KlageflowError as exc:
        flash(exc.message, "error")
    else:
        flash(t("claimed"), "success")
    return redirect(request.form.get("next") or url_for("ui.task", task_id=task_id))


@bp.post("/opgaver/<task_id>/frigiv")
@login_required(*CASEWORKERS, "admin")
def unclaim(task_id: str):
    _task_for_me(task_id)
    try:
        _services().engine.unclaim(task_id, _me().username, force=_me().role == "admin")
    except KlageflowError as exc:
        flash(exc.message, "error")
    else:
        flash(t("unclaimed"), "success")
    return redirect(url_for("ui.tasks"))


# -- designers and administrators -----------------------------------------------------------


@bp.get("/processer")
@login_required("designer", "admin")
def processes():
    return render_template("ui/processes.html", definitions=_services().engine.definitions())


def _bpmn_file(definition, key: str) -> str:
    """The name of the version's BPMN file that defines process `key`."""
    for name, text in sorted(definition.files.items()):
        if name.endswith(".bpmn") and f'id="{key}"' in text:
            return name
    abort(404)


@bp.get("/processer/<key>")
@login_required("designer", "admin")
def process(key: str):
    """A version in the viewer, with how many unfinished cases wait at each element."""
    engine = _services().engine
    try:
        versions = engine.definition_versions(key)
        version = request.args.get("version", type=int) or versions[0]["version"]
        definition = engine.definition(key, version)
    except (KlageflowError, IndexError):
        abort(404)
    return render_template(
        "ui/process.html", key=key, version=version, versions=versions,
        counts=engine.waiting_at(key, version), bpmn_file=_bpmn_file(definition, key),
        forms=sorted(name for name in definition.files if name.endswith(".form")),
    )  # fmt: skip


@bp.get("/processer/<key>/rediger")
@login_required("designer")
def edit_process(key: str):
    """The BPMN editor on the latest version; deploying makes a new version."""
    engine = _services().engine
    try:
        definition = engine.definition(key)
    except KlageflowError:
        abort(404)
    return render_template(
        "ui/editor.html", key=key, version=definition.version,
        bpmn_file=_bpmn_file(definition, key),
    )  # fmt: skip


@bp.post("/processer/<key>/<action>")
@login_required("designer")
def deploy_process(key: str, action: str):
    """Validate or deploy the edited diagram with the rest of the latest version's files.

    Answers JSON for the editor: 200/201 with the version, or 422 with the problems, each
    pinned to its element so the editor can mark it.
    """
    if action not in ("valider", "udrul"):
        abort(404)
    engine = _services().engine
    try:
        definition = engine.definition(key)
    except KlageflowError:
        abort(404)
    xml = (request.get_json(silent=True) or {}).get("bpmn")
    if not isinstance(xml, str) or not xml.strip():
        return {"problems": [{"reason": "no BPMN XML was sent"}]}, 400
    files = {**definition.files, _bpmn_file(definition, key): xml}
    try:
        if action == "valider":
            engine.validate(files)
            return {"valid": True}
        results = engine.deploy(files, deployed_by=_me().username)
    except DeploymentError as exc:
        return {"problems": [p.as_dict() for p in exc.problems]}, 422
    mine = next((r for r in results if r.key == key), results[0])
    return {"key": mine.key, "version": mine.version, "created": mine.created}, (
        201 if mine.created else 200
    )


@bp.get("/processer/<key>/formularer/<filename>")
@login_required("designer")
def edit_form(key: str, filename: str):
    """The form-js editor on a form of the latest version."""
    try:
        definition = _services().engine.definition(key)
    except KlageflowError:
        abort(404)
    if filename not in definition.files or not filename.endswith(".form"):
        abort(404)
    return render_template(
        "ui/form_editor.html", key=key, version=definition.version, filename=filename
    )


@bp.post("/processer/<key>/formularer/<filename>")
@login_required("designer")
def deploy_form(key: str, filename: str):
    """Deploy the latest version's files with this form changed, as a new version."""
    engine = _services().engine
    try:
        definition = engine.definition(key)
    except KlageflowError:
        abort(404)
    if filename not in definition.files or not filename.endswith(".form"):
        abort(404)
    schema = (request.get_json(silent=True) or {}).get("schema")
    if not isinstance(schema, dict):
        return {"problems": [{"reason": "no form schema was sent"}]}, 400
    files = {**definition.files, filename: json.dumps(schema, indent=2, ensure_ascii=False)}
    try:
        results = engine.deploy(files, deployed_by=_me().username)
    except DeploymentError as exc:
        return {"problems": [p.as_dict() for p in exc.problems]}, 422
    mine = next((r for r in results if r.key == key), results[0])
    return {"key": mine.key, "version": mine.version, "created": mine.created}, (
        201 if mine.created else 200
    )


@bp.get("/admin")
@login_required("admin")
def admin():
    services = _services()
    return render_template(
        "ui/admin.html",
        organisations=services.accounts.organisations(),
        users=services.accounts.users(),
        roles=ROLES,
        mails=services.engine.outbox.mails(status="failed"),
        incidents=services.engine.incidents(),
    )


@bp.post("/admin/organisationer/<org_id>")
@login_required("admin")
def save_organisation(org_id: str):
    accounts = _services().accounts
    organisation = accounts.organisation(org_id)
    try:
        accounts.upsert_organisation(
            org_id, kind=organisation.kind, name=organisation.name,
            notification_email=request.form.get("notification_email", "").strip(),
            board_code=organisation.board_code,
        )  # fmt: skip
    except InvalidData as exc:
        flash(f"{organisation.name}: {exc.message}", "error")
    else:
        flash(t("saved"), "success")
    return redirect(url_for("ui.admin"))


@bp.post("/admin/brugere")
@login_required("admin")
def create_user():
    form = request.form
    try:
        _services().accounts.create_user(
            form.get("username", "").strip(), form.get("role", ""),
            password=form.get("password") or None,
            organisation_id=form.get("organisation_id") or None,
            email=form.get("email") or None, display_name=form.get("display_name") or None,
        )  # fmt: skip
    except KlageflowError as exc:
        problems = "; ".join(
            f"{k}: {', '.join(v)}" for k, v in (getattr(exc, "fields", None) or {}).items()
        )
        flash(f"{exc.message}{': ' + problems if problems else ''}", "error")
    else:
        flash(t("saved"), "success")
    return redirect(url_for("ui.admin"))


@bp.post("/admin/mails/<int:mail_id>/igen")
@login_required("admin")
def retry_mail(mail_id: int):
    try:
        _services().engine.outbox.retry(mail_id)
    except KlageflowError as exc:
        flash(exc.message, "error")
    else:
        flash(t("queued_again"), "success")
    return redirect(url_for("ui.admin"))


@bp.post("/admin/haendelser/<int:incident_id>/igen")
@login_required("admin")
def retry_incident(incident_id: int):
    try:
        _services().engine.retry_incident(incident_id, actor=_me().username)
    except KlageflowError as exc:
        flash(exc.message, "error")
    else:
        flash(t("retried"), "success")
    return redirect(url_for("ui.admin"))


# -- error pages ------------------------------------------------------------------------------


def error_page(status: int, message: str | None):
    """The HTML error page (Danish by default); never a stack trace."""
    if status == 401:
        return redirect(url_for("ui.login", next=request.path))
    titles = {404: "error_404_title", 403: "error_403_title", 500: "error_500_title"}
    text = {404: t("error_404_text"), 500: t("error_500_text")}.get(status, message)
    return (
        render_template(
            "ui/error.html", status=status, title=t(titles.get(status, "error_other_title")),
            text=text,
        ),
        status,
    )  # fmt: skip


def register_ui(app: Flask) -> None:
    """Mount the UI at / (the API stays under /api/v1)."""
    app.register_blueprint(bp)
