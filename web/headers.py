"""Security headers on every response: CSP, frame protection, nosniff, Referrer-Policy, HSTS.

flask-talisman sets them. The policy allows scripts, styles, fonts and connections from
this origin only and no inline script, so every page keeps its code in static files.
HSTS is ours: flask-talisman believes any client's `X-Forwarded-Proto`, we believe only
the scheme the request arrived with, which a trusted proxy sets (KLAGEFLOW_TRUSTED_PROXIES).
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_talisman import Talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HSTS_SECONDS = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Install the headers; HSTS is sent only on requests that came over https."""

    @app.after_request
    def strict_transport_security(response: Response) -> Response:
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = f"max-age={HSTS_SECONDS}"
        return response

    Talisman(
        app,
        force_https=False,  # TLS ends at the proxy; http on localhost stays usable
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        strict_transport_security=False,  # set above, from the scheme we believe
        referrer_policy="same-origin",
        x_content_type_options=True,
        x_xss_protection=False,  # the old XSS filter is itself a hole; CSP replaces it
    )
