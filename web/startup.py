"""Start-up checks: what production refuses, and the key that signs session cookies.

Production is every app that is not served on this machine by `klageflow run` or
`klageflow serve` (gunicorn through `web.wsgi`, docker-compose). It refuses demo mode,
the settable test clock and a missing, short or published secret key, and says which
setting to fix. Malformed or short payment callback secrets are refused everywhere.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from engine import KlageflowError
from engine.config import Settings

MIN_SECRET_BYTES = 32
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

# Keys that were shipped, published in examples or are guessed first. Compared without
# case and surrounding space; a long key from this list is refused as well as a short one.
KNOWN_SECRET_KEYS = frozenset(
    {
        "change-me-in-production",
        "change-me",
        "changeme",
        "change_me",
        "dev",
        "development",
        "devkey",
        "dev-secret",
        "dev-secret-key",
        "secret",
        "secret-key",
        "secret_key",
        "secretkey",
        "super-secret",
        "supersecret",
        "your-secret-key",
        "your-secret-key-here",
        "please-change-me",
        "insecure",
        "test",
        "testing",
        "default",
        "klageflow",
        "klageflow-demo",
        "flask",
        "password",
    }
)


class UnsafeConfiguration(KlageflowError):
    """The configuration must not run in production; the message says what to change."""


def is_loopback(host: str) -> bool:
    """True for the addresses that only this machine can reach."""
    return host in LOOPBACK_HOSTS


def secret_key_problem(key: str) -> str | None:
    """Why `key` cannot sign session cookies in production (None if it can)."""
    if not key:
        return "KLAGEFLOW_SECRET_KEY is not set"
    if key.strip().lower() in KNOWN_SECRET_KEYS:
        return "KLAGEFLOW_SECRET_KEY is a published default"
    if len(key.encode()) < MIN_SECRET_BYTES:
        return f"KLAGEFLOW_SECRET_KEY is shorter than {MIN_SECRET_BYTES} bytes"
    return None


def check(settings: Settings, *, local: bool) -> None:
    """Refuse what production must not run with; on this machine only malformed settings."""
    from .payments import callback_secrets  # the payments module reads that setting

    try:
        callback_secrets(settings)
    except ValueError as exc:
        raise UnsafeConfiguration(f"refusing to start: {exc}") from None
    if local:
        return
    problems = []
    if settings.demo:
        problems.append(
            "KLAGEFLOW_DEMO is on: demo mode (the test payment provider) exists only under "
            "`klageflow run` on localhost"
        )
    if settings.test_clock:
        problems.append(
            "KLAGEFLOW_TEST_CLOCK is on: the settable clock exists only on localhost "
            "(`klageflow run` or `klageflow serve`)"
        )
    if problem := secret_key_problem(settings.secret_key):
        problems.append(
            f"{problem}: set it to a random value of at least {MIN_SECRET_BYTES} bytes, e.g. "
            "the output of `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`"
        )
    if problems:
        raise UnsafeConfiguration(
            "refusing to start in production: " + "; ".join(problems) + " (see README, Production)"
        )


def session_secret(settings: Settings, *, local: bool) -> str:
    """The key that signs session cookies.

    In production the configured key (checked by `check`). On this machine a configured key
    that production would refuse is replaced by a random per-installation key kept in the
    data folder, so a published key signs nothing anywhere.
    """
    if not local or secret_key_problem(settings.secret_key) is None:
        return settings.secret_key
    return _local_secret(settings.data_dir)


def _local_secret(data_dir: Path) -> str:
    """A per-installation secret kept in the data folder."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
