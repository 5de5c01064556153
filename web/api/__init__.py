"""The JSON API under /api/v1: blueprints for each resource."""

from __future__ import annotations

from flask_smorest import Api

from engine.config import Settings

from ..context import services

__all__ = ["register_api", "services"]


def register_api(api: Api, settings: Settings) -> None:
    """Register every API blueprint; the test clock only in test mode."""
    from . import admin, complaints, definitions, events, instances, session, tasks

    for module in (session, definitions, instances, events, tasks, admin, complaints):
        api.register_blueprint(module.blp, url_prefix=f"/api/v1{module.PREFIX}")
    if settings.test_clock:
        from . import testclock

        api.register_blueprint(testclock.blp, url_prefix="/api/v1/test")
