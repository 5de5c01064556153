"""The complaint notices' mail templates (Danish and English), for the engine's outbox.

web/bootstrap.py registers `TEMPLATE_FOLDER` on the engine.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATE_FOLDER = Path(__file__).resolve().parent / "mail_templates"
