"""The JSON API under /api/v1: blueprints for each resource."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app
from flask_smorest import Api

from engine.config import Settings

if TYPE_CHECKING:
    from ..bootstrap import Services


def services() -> Services:
    """The services of the app serving the request: settings, engine, accounts, complaints."""
    return current_app.extensions["klageflow"]


def register_api(api: Api, settings: Settings) -> None:
    """Register every API blueprint; the test clock only in test mode."""
    from . import admin, complaints, definitions, events, instances, session, tasks

    for module in (session, definitions, instances, events, tasks, admin, complaints):
        api.register_blueprint(module.blp, url_prefix=f"/api/v1{module.PREFIX}")
    if settings.test_clock:
        from . import testclock

        api.register_blueprint(testclock.blp, url_prefix="/api/v1/test")
