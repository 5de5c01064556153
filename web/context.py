"""The app's services as the code serving a request reaches them: one typed accessor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    from .bootstrap import Services

# The key of the services in `app.extensions`.
EXTENSION = "klageflow"


def services() -> Services:
    """The services of the app serving the request: settings, engine, accounts, complaints."""
    return current_app.extensions[EXTENSION]


def services_of(app: Flask) -> Services:
    """The services of `app`, outside a request (the WSGI entry point, tests)."""
    return app.extensions[EXTENSION]
