"""Configuration from environment variables prefixed KLAGEFLOW_, shared by CLI, web and scheduler."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"KLAGEFLOW_{name}", default)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(f"KLAGEFLOW_{name}")
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    """An integer setting; an empty value means the default, anything else not a number is refused."""
    value = os.environ.get(f"KLAGEFLOW_{name}", "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"KLAGEFLOW_{name} must be a whole number, not {value!r}") from None


def _env_int_or_none(name: str) -> int | None:
    value = os.environ.get(f"KLAGEFLOW_{name}", "").strip()
    return int(value) if value else None


def _default_database_url() -> str:
    data_dir = Path(_env("DATA_DIR", str(PROJECT_ROOT / "data")))
    return _env("DATABASE_URL", f"sqlite:///{data_dir / 'klageflow.sqlite'}")


@dataclass(frozen=True)
class Settings:
    """Every setting the processes read; see README "Configuration" for each variable.

    This module is the only reader of the environment: everything else is given a
    Settings (the Engine holds one, the Flask app keeps one in its services).
    """

    database_url: str = field(default_factory=_default_database_url)
    data_dir: Path = field(
        default_factory=lambda: Path(_env("DATA_DIR", str(PROJECT_ROOT / "data")))
    )
    test_clock: bool = field(default_factory=lambda: _env_bool("TEST_CLOCK", False))
    scheduler_poll_seconds: float = field(
        default_factory=lambda: float(_env("SCHEDULER_POLL_SECONDS", "1.0"))
    )
    scheduler_batch_size: int = field(default_factory=lambda: _env_int("SCHEDULER_BATCH_SIZE", 50))
    # Wall-clock seconds one step may run (scripts, conditions, DMN cells, service handlers
    # and the engine's own work); past it the step is dropped and the instance gets an incident.
    step_seconds: float = field(default_factory=lambda: float(_env("STEP_SECONDS", "5")))
    # Steps on an instance that ended their process (killed, out of memory) before it is put
    # in an incident instead of being stepped again.
    step_attempts: int = field(default_factory=lambda: _env_int("STEP_ATTEMPTS", 3))
    # Address space of the scheduler and web processes in MB (RLIMIT_AS); 0: no limit.
    memory_limit_mb: int = field(default_factory=lambda: _env_int("MEMORY_LIMIT_MB", 4096))
    smtp_host: str = field(default_factory=lambda: _env("SMTP_HOST", "localhost"))
    smtp_port: int = field(default_factory=lambda: _env_int("SMTP_PORT", 1025))
    smtp_tls: str = field(default_factory=lambda: _env("SMTP_TLS", "none"))  # none|starttls|tls
    smtp_user: str = field(default_factory=lambda: _env("SMTP_USER", ""))
    smtp_password: str = field(default_factory=lambda: _env("SMTP_PASSWORD", ""))
    smtp_timeout: float = field(default_factory=lambda: float(_env("SMTP_TIMEOUT", "10")))
    mail_from: str = field(
        default_factory=lambda: _env("MAIL_FROM", "Klageflow <noreply@klageflow.local>")
    )
    mail_max_attempts: int = field(default_factory=lambda: _env_int("MAIL_MAX_ATTEMPTS", 8))
    mail_backoff_seconds: float = field(
        default_factory=lambda: float(_env("MAIL_BACKOFF_SECONDS", "30"))
    )
    language: str = field(default_factory=lambda: _env("LANGUAGE", "da"))
    # PostgreSQL connections kept per process (as many again may open under load).
    db_pool_size: int = field(default_factory=lambda: _env_int("DB_POOL_SIZE", 10))
    # Days a complainant has to pay the fee once the board requests it (the chair sets it);
    # None: the complaint domain's default (workflows.complaint.deadlines).
    payment_days: int | None = field(default_factory=lambda: _env_int_or_none("PAYMENT_DAYS"))
    secret_key: str = field(default_factory=lambda: _env("SECRET_KEY", ""))
    # The zone local dates and times are reckoned and shown in (`today()`, mails, pages).
    timezone: str = field(default_factory=lambda: _env("TIMEZONE", "Europe/Copenhagen"))
    # Session cookies without Secure, for plain http on this machine (never in production).
    insecure_cookies: bool = field(default_factory=lambda: _env_bool("INSECURE_COOKIES", False))
    # Demo mode: the test payment provider. `klageflow run` turns it on; production refuses it.
    demo: bool = field(default_factory=lambda: _env_bool("DEMO", False))
    # Payment providers' callback secrets: "username=secret" pairs, separated by commas.
    payment_secrets: str = field(default_factory=lambda: _env("PAYMENT_SECRETS", ""))
    # Reverse proxies in front of the web app whose X-Forwarded-* headers are believed
    # (0: none; the client address is the connection's).
    trusted_proxies: int = field(default_factory=lambda: _env_int("TRUSTED_PROXIES", 0))
    # The operator: the authority or board that runs this installation and answers for it
    # (the web UI's header, footer, privacy policy and accessibility statement name it).
    operator_name: str = field(default_factory=lambda: _env("OPERATOR_NAME", "Klageflow"))
    operator_email: str = field(
        default_factory=lambda: _env("OPERATOR_EMAIL", "kontakt@klageflow.local")
    )
    operator_phone: str = field(default_factory=lambda: _env("OPERATOR_PHONE", ""))
    operator_address: str = field(default_factory=lambda: _env("OPERATOR_ADDRESS", ""))
    operator_url: str = field(default_factory=lambda: _env("OPERATOR_URL", ""))
    # An image file (SVG, PNG) shown as the operator's logo in the header; empty: the name.
    operator_logo: str = field(default_factory=lambda: _env("OPERATOR_LOGO", ""))
    # The operator's data protection officer (databeskyttelsesrådgiver), for the privacy page.
    operator_dpo_email: str = field(default_factory=lambda: _env("OPERATOR_DPO_EMAIL", ""))
    # A folder of templates that replace the UI's own of the same name (ui/pages/*.html).
    ui_templates_dir: str = field(default_factory=lambda: _env("UI_TEMPLATES_DIR", ""))
    # The web UI's address as parties reach it (links in mails); empty: `klageflow run`'s
    # own address, else http://localhost:8000.
    base_url: str = field(default_factory=lambda: _env("BASE_URL", ""))

    def __post_init__(self) -> None:
        if self.step_seconds <= 0 or self.step_attempts < 1:
            raise ValueError(
                "KLAGEFLOW_STEP_SECONDS must be above 0 and KLAGEFLOW_STEP_ATTEMPTS at least 1"
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"KLAGEFLOW_TIMEZONE={self.timezone!r} is not a known time zone"
            ) from None

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)


def load_settings() -> Settings:
    """Read the settings from the environment now (tests change the environment between apps)."""
    return Settings()
