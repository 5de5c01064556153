"""The Flask app factory: configuration, services, the JSON API and the web UI."""

from __future__ import annotations

from flask import Flask, send_from_directory
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from engine import Engine
from engine.config import PROJECT_ROOT, Settings, load_settings

from . import auth, headers, inputs, migrate, problems, startup
from .bootstrap import build_services
from .context import EXTENSION

MAX_BODY_BYTES = 10 * 1024 * 1024
NODE_MODULES = PROJECT_ROOT / "node_modules"


def create_app(
    settings: Settings | None = None, engine: Engine | None = None, *, local: bool = False
) -> Flask:
    """Build the app on the configured database (or on the engine given, for tests).

    `local` is for the app served on this machine only (`klageflow run` and `klageflow
    serve` on a loopback address, tests); anything else is production, where
    `startup.check` refuses demo mode, the test clock and a weak secret key.
    """
    settings = settings or load_settings()
    startup.check(settings, local=local)
    services = build_services(settings, engine)
    engine = services.engine
    migrate.ensure_current(engine.db)
    app = Flask(__name__)
    if settings.trusted_proxies > 0:
        # Believe as many X-Forwarded-For/-Proto/-Host entries as there are proxies, so
        # each client keeps its own address (login limits) and https is recognised (HSTS).
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.config.update(
        SECRET_KEY=startup.session_secret(settings, local=local),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.insecure_cookies,
        API_TITLE="Klageflow API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/vendor/swagger-ui-dist/",
        API_SPEC_OPTIONS={
            "components": {
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer"},
                }
            },
            "security": [{"bearer": []}],
        },
    )
    app.extensions[EXTENSION] = services
    headers.init_app(app)
    inputs.init_app(app)
    app.before_request(auth.load_principal)
    if settings.test_clock:
        from engine import testclock

        app.before_request(lambda: testclock.sync(engine.db))

    api = Api(app)
    inputs.describe(api)
    from .api import register_api

    register_api(api, settings)
    from .ui import error_page, register_ui

    register_ui(app, settings)
    problems.register(app, html_handler=error_page)

    @app.get("/vendor/<package>/<path:filename>")
    def vendor(package: str, filename: str):
        """Front-end packages installed from npm, served locally (no CDN)."""
        if package not in VENDOR_PACKAGES:
            from werkzeug.exceptions import NotFound

            raise NotFound()
        return send_from_directory(NODE_MODULES / VENDOR_PACKAGES[package], filename)

    return app


# npm package -> folder inside it that holds the files the browser loads.
# name under /vendor/ -> folder under node_modules
VENDOR_PACKAGES = {
    "swagger-ui-dist": "swagger-ui-dist",
    "bpmn-js": "bpmn-js/dist",
    "form-js": "@bpmn-io/form-js/dist",
    "dkfds": "dkfds/dist",
    # No browser build in the package: `npm run bundle` (make setup) makes one with esbuild.
    "bpmn-auto-layout": ".bundles/bpmn-auto-layout",
}
