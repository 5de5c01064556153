"""The complaint notices' mail templates (Danish and English), for the engine's outbox."""

from __future__ import annotations

from pathlib import Path

TEMPLATE_FOLDER = Path(__file__).resolve().parent / "mail_templates"


def template_folder() -> Path:
    """The folder registered under the `klageflow.mail_templates` entry point."""
    return TEMPLATE_FOLDER
