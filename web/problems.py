"""Errors as application/problem+json (RFC 9457): a title, a detail that says what to fix."""

from __future__ import annotations

import logging

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from engine import DeploymentError, KlageflowError

log = logging.getLogger(__name__)

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid data",
    429: "Too many requests",
    500: "Internal server error",
}


def problem(status: int, detail: str, **extra) -> Response:
    """A problem+json response."""
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json"
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="klageflow"'
    return response


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask, html_handler=None) -> None:
    """Install the error handlers: problem+json under /api, HTML pages elsewhere."""

    @app.errorhandler(KlageflowError)
    def _domain_error(exc: KlageflowError):
        if not _wants_problem() and html_handler is not None:
            return html_handler(exc.status, exc.message)
        if isinstance(exc, DeploymentError):
            return problem(exc.status, exc.message, errors=[p.as_dict() for p in exc.problems])
        fields = getattr(exc, "fields", None) or None
        extra = getattr(exc, "extra", None) or {}  # e.g. the instances a message could reach
        response = problem(exc.status, exc.message, errors=fields, **extra)
        if getattr(exc, "retry_after", None):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if not _wants_problem() and html_handler is not None:
            return html_handler(exc.code or 500, exc.description)
        data = getattr(exc, "data", None) or {}
        messages = data.get("messages")
        fields = None
        if isinstance(messages, dict):
            # webargs groups errors by location (json, query, form): flatten for clients.
            fields = {}
            for location_errors in messages.values():
                if isinstance(location_errors, dict):
                    fields.update(location_errors)
                else:
                    fields.setdefault("_body", []).extend(location_errors)
        detail = exc.description or TITLES.get(exc.code or 500, "Error")
        if exc.code == 422 and fields:
            detail = "the request data is not valid: " + "; ".join(
                f"{name}: {_first(msgs)}" for name, msgs in fields.items()
            )
        return problem(exc.code or 500, detail, errors=fields)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not _wants_problem() and html_handler is not None:
            return html_handler(500, None)
        return problem(500, "something went wrong on our side; the request was not carried out")


def _first(messages) -> str:
    if isinstance(messages, list) and messages:
        return str(messages[0])
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_first(v)}" for k, v in messages.items())
    return str(messages)
