"""Settings: the only reader of the environment, every field documented, used everywhere."""

from __future__ import annotations

import ast
import dataclasses
import re
import typing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine import clock
from engine.config import PROJECT_ROOT, Settings, load_settings
from web.app import create_app
from web.bootstrap import build_engine

LAYERS = ("engine", "web", "workflows")
ENVIRONMENT_NAMES = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def environment_readers(path: Path) -> list[int]:
    """Lines of `path` that touch the process environment (os.environ, getenv, ...)."""
    tree = ast.parse(path.read_text(), str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            names = {node.attr}
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            names = {alias.name for alias in node.names}
        else:
            continue
        if names & ENVIRONMENT_NAMES:
            lines.append(node.lineno)
    return lines


def test_only_engine_config_reads_the_environment():
    readers = {
        str(path.relative_to(PROJECT_ROOT)): lines
        for layer in LAYERS
        for path in sorted((PROJECT_ROOT / layer).rglob("*.py"))
        if (lines := environment_readers(path))
    }
    assert set(readers) == {"engine/config.py"}, readers


def documented_variables() -> set[str]:
    """The variables in the README's Configuration table (`_PORT` continues the row's first)."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        first_cell = row.split("|")[1]
        full = None
        for name in re.findall(r"`([A-Z_]+)`", first_cell):
            if name.startswith("_") and full:
                name = full.rsplit("_", 1)[0] + name
            full = name
            names.add(name)
    return names


def test_the_readme_documents_every_setting_and_nothing_else():
    variables = {f"KLAGEFLOW_{field.name.upper()}" for field in dataclasses.fields(Settings)}
    assert documented_variables() == variables


SAMPLES = {
    str: "sample",
    int: "7",
    float: "2.5",
    bool: "1",
    Path: "/tmp/klageflow-sample",
}


@pytest.mark.parametrize("field", dataclasses.fields(Settings), ids=lambda f: f.name)
def test_each_setting_is_read_from_its_documented_variable(field, monkeypatch):
    kind = typing.get_type_hints(Settings)[field.name]
    kind = next(k for k in typing.get_args(kind) or (kind,) if k is not type(None))
    text = "America/New_York" if field.name == "timezone" else SAMPLES[kind]
    monkeypatch.setenv(f"KLAGEFLOW_{field.name.upper()}", text)
    value = getattr(load_settings(), field.name)
    assert value == (True if kind is bool else kind(text))


def test_an_unknown_time_zone_is_refused_when_the_settings_are_read(monkeypatch):
    monkeypatch.setenv("KLAGEFLOW_TIMEZONE", "Europe/Atlantis")
    with pytest.raises(ValueError, match="KLAGEFLOW_TIMEZONE='Europe/Atlantis'"):
        load_settings()


def test_the_configured_time_zone_dates_scripts_and_mails(db):
    settings = dataclasses.replace(load_settings(), timezone="America/New_York")
    engine = build_engine(settings, db=db)
    clock.set(datetime(2025, 12, 31, 23, 30, tzinfo=UTC), frozen=True)  # 18:30 in New York
    assert engine.runtime.helpers["today"]() == "2025-12-31"
    assert (
        engine.mail_templates.local_time("2025-12-31T23:30:00+00:00")
        == "31. december 2025 kl. 18.30"
    )


def test_unset_payment_days_mean_the_complaint_domains_default(engine, tmp_path, monkeypatch):
    from workflows.complaint.deadlines import DEFAULT_PAYMENT_DAYS

    monkeypatch.delenv("KLAGEFLOW_PAYMENT_DAYS", raising=False)
    settings = dataclasses.replace(load_settings(), data_dir=tmp_path)
    assert settings.payment_days is None
    app = create_app(settings, engine, local=True)
    assert app.extensions["klageflow"].complaints.payment_days == DEFAULT_PAYMENT_DAYS
    settings = dataclasses.replace(settings, payment_days=5)
    assert (
        create_app(settings, engine, local=True).extensions["klageflow"].complaints.payment_days
        == 5
    )


def session_cookie(settings: Settings, engine) -> str:
    app = create_app(settings, engine, local=True)
    app.extensions["klageflow"].accounts.create_user(
        f"user{id(app)}", "designer", password="correct horse battery"
    )
    response = app.test_client().post(
        "/api/v1/session", json={"username": f"user{id(app)}", "password": "correct horse battery"}
    )
    assert response.status_code == 200, response.json
    [cookie] = [v for k, v in response.headers if k == "Set-Cookie" and v.startswith("session=")]
    return cookie


def test_session_cookies_are_secure_unless_insecure_cookies_is_set(engine, tmp_path):
    settings = dataclasses.replace(load_settings(), data_dir=tmp_path, insecure_cookies=False)
    assert "; Secure" in session_cookie(settings, engine)
    insecure = dataclasses.replace(settings, insecure_cookies=True)
    assert "; Secure" not in session_cookie(insecure, engine)


def test_mails_write_dates_as_their_readers_do(db):
    templates = build_engine(load_settings(), db=db).mail_templates
    instant = "2025-08-08T21:59:00+00:00"  # 23.59 in Copenhagen
    assert templates.local_time(instant) == "8. august 2025 kl. 23.59"
    assert templates.local_date(instant) == "8. august 2025"
    assert templates.local_time(instant, language="en") == "8 August 2025 at 23:59"


def test_an_empty_number_setting_means_its_default_and_a_word_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("KLAGEFLOW_TRUSTED_PROXIES", "")
    assert Settings().trusted_proxies == 0
    monkeypatch.setenv("KLAGEFLOW_TRUSTED_PROXIES", "one")
    with pytest.raises(ValueError, match="KLAGEFLOW_TRUSTED_PROXIES must be a whole number"):
        Settings()
