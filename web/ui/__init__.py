"""The web UI: server-rendered pages for complainants, caseworkers, designers and admins.

Every page calls the same services as the JSON API (the complaint service, the engine,
the accounts), so permissions and rules live in one place. Forms post with the session's
CSRF token; errors become flash messages or field errors beside the fields, and a
refused step keeps what was typed.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import wraps
from typing import Any

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

from engine import KlageflowError
from workflows.complaint import standing

from .. import auth
from ..accounts import Principal, TooManyAttempts
from ..redirects import safe_next
from .i18n import LANGUAGES, language, pick, t

bp = Blueprint("ui", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/ui")  # fmt: skip
PAGE_SIZE = 25
CASEWORKERS = ("authority_caseworker", "board_caseworker")
COMPLAINANT_TYPES = ("private", "company", "organisation", "authority")


def services():
    """The app's services (settings, engine, accounts, complaints)."""
    return current_app.extensions["klageflow"]


def current_user() -> Principal | None:
    """The logged-in user, if any."""
    return auth.current()


def login_required(*roles: str):
    """Pages for logged-in users (with one of `roles`); POSTs must carry the CSRF token."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_user()
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
    """An instant shown in the configured zone (KLAGEFLOW_TIMEZONE): 08-08-2025 23:59."""
    if not value:
        return ""
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    zone = services().settings.zone
    return instant.astimezone(zone).strftime("%d-%m-%Y %H:%M" if with_time else "%d-%m-%Y")


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {
        "t": t,
        "pick": pick,
        "lang": language(),
        "me": current_user(),
        "csrf_token": auth.csrf_token,
        "local": local,
        "day": lambda iso: date.fromisoformat(iso).strftime("%d-%m-%Y") if iso else "",
        "basis_label": lambda code: pick(
            standing.LEGAL_BASES[code].label_da, standing.LEGAL_BASES[code].label_en
        ) if code in standing.LEGAL_BASES else code,
    }  # fmt: skip


# -- start, language, login ---------------------------------------------------------------


@bp.get("/")
def home():
    principal = current_user()
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
    return redirect(safe_next(request.args.get("next"), url_for("ui.home")))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        auth.check_csrf()
        try:
            principal = services().accounts.authenticate(
                request.form.get("username", ""), request.form.get("password", ""),
                request.remote_addr,
            )  # fmt: skip
        except TooManyAttempts as exc:
            minutes = max(1, -(-exc.retry_after // 60))
            flash(t("login_locked").format(minutes=minutes), "error")
            page = render_template("ui/login.html", username=request.form.get("username"))
            return page, 429, {"Retry-After": str(exc.retry_after)}
        except KlageflowError as exc:
            status = getattr(exc, "status", 401)
            flash(t("login_failed") if status == 401 else exc.message, "error")
            return render_template("ui/login.html", username=request.form.get("username")), status
        auth.start_session(principal)
        return redirect(safe_next(request.args.get("next"), url_for("ui.home")))
    return render_template("ui/login.html", username="")


@bp.post("/logout")
def logout():
    auth.check_csrf()
    auth.end_session()
    flash(t("logged_out"), "info")
    return redirect(url_for("ui.login"))


def case_documents():
    """The case documents, stored under the data folder."""
    from ..complaints.documents import Documents

    app_services = services()
    return Documents(
        app_services.engine.db,
        app_services.complaints,
        app_services.settings.data_dir / "documents",
    )


def bpmn_file_of(definition, key: str) -> str:
    """The name of the version's BPMN file that defines process `key`."""
    for name, text in sorted(definition.files.items()):
        if name.endswith(".bpmn") and f'id="{key}"' in text:
            return name
    abort(404)


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


def register_ui(app: Flask, settings) -> None:
    """Mount the UI at / (the API stays under /api/v1); the test payment page in demo mode."""
    app.register_blueprint(bp)
    if settings.demo:
        from . import testpayment

        app.register_blueprint(testpayment.bp)


from . import admin, designer, portal, work  # noqa: E402, F401  (their routes join `bp`)
