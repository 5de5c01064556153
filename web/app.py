"""The Flask app factory: configuration, services, the JSON API and the web UI."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, send_from_directory
from flask_smorest import Api

from engine import Engine
from engine.config import PROJECT_ROOT, Settings, load_settings

from . import auth, migrate, problems
from .accounts import Accounts
from .complaints.service import ComplaintService

MAX_BODY_BYTES = 10 * 1024 * 1024
NODE_MODULES = PROJECT_ROOT / "node_modules"


@dataclass
class Services:
    """What request handlers reach through `current_app.extensions["klageflow"]`."""

    settings: Settings
    engine: Engine
    accounts: Accounts
    complaints: ComplaintService


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> Flask:
    """Build the app on the configured database (or on the engine given, for tests)."""
    settings = settings or load_settings()
    engine = engine or Engine.from_settings(settings)
    migrate.ensure_current(engine.db)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key or _local_secret(settings.data_dir),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("KLAGEFLOW_INSECURE_COOKIES") != "1",
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
    accounts = Accounts(engine.db)
    app.extensions["klageflow"] = Services(
        settings, engine, accounts, ComplaintService(engine, accounts, settings.payment_days)
    )
    app.before_request(auth.load_principal)
    if settings.test_clock:
        from engine import testclock

        app.before_request(lambda: testclock.sync(engine.db))

    from .access import INSTANCE_RULES
    from .complaints.access import instance_rule

    if instance_rule not in INSTANCE_RULES:
        INSTANCE_RULES.append(instance_rule)

    api = Api(app)
    from .api import register_api

    register_api(api, settings)
    from .ui import error_page, register_ui

    register_ui(app)
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
}


def _local_secret(data_dir: Path) -> str:
    """A per-installation secret kept in the data folder when none is configured."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
