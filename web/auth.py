"""Who is calling: a bearer token (API) or the session cookie (web UI), and role checks."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps

from flask import g, request, session

from engine import PermissionDenied

from .accounts import NotAuthenticated, Principal
from .context import services

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def load_principal() -> None:
    """Resolve the caller before each request; stores it in `g.principal` (or None)."""
    accounts = services().accounts
    g.principal = None
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        principal = accounts.principal_for_token(header[7:].strip())
        if principal is None:
            raise NotAuthenticated("the bearer token is unknown or revoked")
        g.principal = principal
        g.auth_kind = "token"
        return
    user_id = session.get("user_id")
    if user_id is not None:
        g.principal = accounts.session_principal(user_id, session.get("epoch"))
        if g.principal is None:
            session.clear()  # ended by a logout, a new password or deactivation
        else:
            g.auth_kind = "session"


def start_session(principal: Principal) -> None:
    """Begin a fresh session for `principal` (keeping only the chosen language)."""
    accounts = services().accounts
    lang = session.get("lang")
    session.clear()
    session["user_id"] = principal.id
    session["epoch"] = accounts.session_epoch(principal.id)
    if lang:
        session["lang"] = lang
    csrf_token()


def end_session() -> None:
    """Log out: end this and every other session of the user, keeping the language."""
    principal = current()
    if principal is not None and g.get("auth_kind") == "session":
        services().accounts.end_sessions(principal.id)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def current() -> Principal | None:
    """The calling user, if any."""
    return g.get("principal")


def require(*roles: str) -> Callable:
    """Decorator: the caller must be logged in and (when roles are given) have one of them."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = current()
            if principal is None:
                raise NotAuthenticated("log in or send a bearer token")
            if roles and principal.role not in roles:
                raise PermissionDenied(f"this needs the role {' or '.join(roles)}")
            if g.get("auth_kind") == "session" and request.method not in SAFE_METHODS:
                check_csrf()
            return view(*args, **kwargs)

        return wrapper

    return decorate


def csrf_token() -> str:
    """The session's CSRF token (created on first use), for forms and script calls."""
    token = session.get("csrf")
    if token is None:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def check_csrf() -> None:
    """Refuse a state-changing request from a session without the session's CSRF token."""
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token")
    expected = session.get("csrf")
    if not expected or not sent or not secrets.compare_digest(sent, expected):
        raise PermissionDenied(
            "the form has expired or did not come from this site; reload and try again"
        )
