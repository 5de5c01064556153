"""The web UI: server-rendered pages for complainants, caseworkers, designers and admins.

Every page calls the same services as the JSON API (the complaint service, the engine,
the accounts), so permissions and rules live in one place. Forms post with the session's
CSRF token; errors become flash messages or field errors beside the fields, and a
refused step keeps what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from jinja2 import ChoiceLoader, FileSystemLoader

from engine import KlageflowError
from workflows.complaint import standing

from .. import auth, formats
from ..accounts import Principal, TooManyAttempts
from ..complaints.documents import Documents
from ..context import services
from ..redirects import safe_next
from .feedback import CITIZENS, refusal
from .i18n import LANGUAGES, error_message, language, pick, t

bp = Blueprint("ui", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/ui")  # fmt: skip
CASEWORKERS = ("authority_caseworker", "board_caseworker")


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
    """An instant in local time: `8. august 2025 kl. 23.59` (`8 August 2025 at 23:59`)."""
    if with_time:
        return formats.date_time(value, language())
    return formats.long_date(value, language())


@dataclass(frozen=True)
class NavItem:
    """A link of the main menu; `current` when the page belongs to it."""

    href: str
    text: str
    current: bool


# role -> (endpoint, text key, endpoints whose pages count as under that link)
MENUS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "complainant": (
        ("ui.cases", "nav_cases", ("ui.cases", "ui.case", "ui.edit_case", "ui.withdraw")),
        ("ui.new_case", "nav_new_case", ("ui.new_case",)),
    ),
    "permit_holder": (("ui.cases", "nav_cases", ("ui.cases", "ui.case")),),
    "authority_caseworker": (
        ("ui.tasks", "nav_tasks", ("ui.tasks", "ui.task")),
        ("ui.cases", "nav_all_cases", ("ui.cases", "ui.case")),
        ("ui.decisions", "nav_decisions", ("ui.decisions", "ui.decision", "ui.new_decision")),
    ),
    "board_caseworker": (
        ("ui.tasks", "nav_tasks", ("ui.tasks", "ui.task")),
        ("ui.cases", "nav_all_cases", ("ui.cases", "ui.case")),
    ),
    "designer": (
        ("ui.processes", "nav_processes",
         ("ui.processes", "ui.process", "ui.edit_process", "ui.edit_form")),
    ),
    "admin": (
        ("ui.admin", "nav_admin", ("ui.admin", "ui.incidents", "ui.access_log")),
        ("ui.mails", "mails_title", ("ui.mails",)),
        ("ui.tasks", "nav_tasks", ("ui.tasks", "ui.task", "ui.case")),
        ("ui.processes", "nav_processes", ("ui.processes", "ui.process")),
    ),
}  # fmt: skip


def main_menu(principal: Principal | None) -> list[NavItem]:
    """The main menu of the user's role (empty when logged out)."""
    if principal is None:
        return []
    items = [
        NavItem(url_for(endpoint), t(key), request.endpoint in under)
        for endpoint, key, under in MENUS.get(principal.role, ())
    ]
    if services().settings.demo:  # every demo user may read the mails the demo sent
        items.append(
            NavItem(url_for("demo.mails"), t("nav_demo_mails"), request.endpoint == "demo.mails")
        )
    if principal.role != "complainant" and principal.role != "permit_holder":
        items.append(NavItem("/api/v1/docs", t("nav_api"), False))
    return items


@dataclass(frozen=True)
class Operator:
    """The authority or board that runs the installation, as pages name and contact it."""

    name: str
    email: str
    phone: str
    address: str
    url: str
    logo: str
    dpo_email: str


def operator() -> Operator:
    settings = services().settings
    return Operator(
        settings.operator_name, settings.operator_email, settings.operator_phone,
        settings.operator_address, settings.operator_url, settings.operator_logo,
        settings.operator_dpo_email,
    )  # fmt: skip


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    lang = language()
    return {
        "t": t,
        "pick": pick,
        "lang": lang,
        "other_lang": "en" if lang == "da" else "da",
        "me": current_user(),
        "nav": main_menu(current_user()),
        "operator": operator(),
        "csrf_token": auth.csrf_token,
        "local": local,
        "day": lambda value: formats.long_date(value, lang),
        "short_day": lambda value: formats.short_date(value, lang),
        "dense": lambda value: formats.date_time(value, lang, dense=True),
        "money": lambda value: formats.amount(value, lang),
        "size": lambda value: formats.file_size(value, lang),
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
            if status != 401:
                flash(refusal(exc), "error")
            return render_template(
                "ui/login.html", username=request.form.get("username"), failed=status == 401
            ), status
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


# -- information pages, the operator's logo ---------------------------------------------------

INFO_PAGES = {
    "privatlivspolitik": "privacy_title",
    "cookies": "cookies_title",
    "tilgaengelighedserklaering": "accessibility_title",
}


@bp.get("/om/<slug>")
def info_page(slug: str):
    """Privacy policy, cookies and accessibility statement (ui/pages/<slug>.<lang>.html).

    An operator replaces the text by putting a file of the same name under
    KLAGEFLOW_UI_TEMPLATES_DIR (see `register_ui`).
    """
    if slug not in INFO_PAGES:
        abort(404)
    return render_template(
        f"ui/pages/{slug}.{language()}.html", title=t(INFO_PAGES[slug]), slug=slug
    )


@bp.get("/logo")
def operator_logo():
    """The operator's logo file (KLAGEFLOW_OPERATOR_LOGO), served from our own origin."""
    path = services().settings.operator_logo
    if not path or not Path(path).is_file():
        abort(404)
    return send_file(Path(path).resolve(), max_age=3600)


# -- error pages ------------------------------------------------------------------------------


def error_page(status: int, message: str | None):
    """The HTML error page (Danish by default); never a stack trace."""
    if status == 401:
        return redirect(url_for("ui.login", next=request.path))
    titles = {404: "error_404_title", 403: "error_403_title", 500: "error_500_title"}
    text = {404: t("error_404_text"), 500: t("error_500_text")}.get(status)
    if text is None and (message or status == 403):
        # A refusal's own detail is English (the API's); citizens, and everyone on a 403
        # page, read it in their language.
        principal = current_user()
        everyone = status == 403 or principal is None or principal.role in CITIZENS
        text = error_message(message or "", status, general=everyone)
    return (
        render_template(
            "ui/error.html", status=status, title=t(titles.get(status, "error_other_title")),
            text=text,
        ),
        status,
    )  # fmt: skip


def register_ui(app: Flask, settings) -> None:
    """Mount the UI at / (the API stays under /api/v1); in demo mode also the test payment
    page, the sent mails and "spol tiden frem" (`ui.demo`).

    With KLAGEFLOW_UI_TEMPLATES_DIR set, templates found there replace the UI's own of the
    same path (the operator's texts: `ui/pages/privatlivspolitik.da.html` and the like).
    """
    if settings.ui_templates_dir:
        app.jinja_loader = ChoiceLoader(
            [FileSystemLoader(settings.ui_templates_dir), app.jinja_loader]
        )
    app.register_blueprint(bp)
    if settings.demo:
        from . import demo, testpayment

        app.register_blueprint(testpayment.bp)
        app.register_blueprint(demo.bp)


from . import admin, decisions, designer, portal, work  # noqa: E402, F401  (their routes join `bp`)
