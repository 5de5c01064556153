"""Login limits per client address and per account at an address, counted atomically.

Every attempt first takes a place in both limits with one INSERT .. ON CONFLICT DO
UPDATE .. RETURNING, so parallel attempts cannot all pass a limit read earlier; a key
that is locked or full does not take it, and the attempt is refused. A full key is
locked for 1 minute, then 2, 4, ... (up to a day) for locks in a row. The account is
only ever locked at the address that failed, so its owner elsewhere still logs in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .models import LoginThrottle

LOGIN_WINDOW = timedelta(minutes=15)  # a streak of attempts ends after this long quiet
LOCKOUT_MEMORY = timedelta(days=1)  # locks in a row are remembered this long
LOCK_BASE = timedelta(minutes=1)  # the first lock; each next one lasts twice as long
LOCK_MAX = timedelta(days=1)
MAX_FAILED_PER_ACCOUNT = 5  # one account, from one address
MAX_FAILED_PER_ADDRESS = 20  # every account, from one address


def limits_for(username: str, address: str | None) -> dict[str, int]:
    """The keys an attempt counts against, with how many attempts each allows."""
    where = address or "unknown"  # addresses hold no spaces, so the keys cannot collide
    return {
        f"address {where}": MAX_FAILED_PER_ADDRESS,
        f"account {where} {username}": MAX_FAILED_PER_ACCOUNT,
    }


def take_attempt(session: Session, limits: dict[str, int], now: datetime) -> dict[str, int]:
    """Count an attempt against every key with room left, in one statement.

    Returns the keys that took it with their new counts; a key that is locked or full
    is left alone and missing from the result.
    """
    table = LoginThrottle.__table__
    insert = (sqlite_insert if session.bind.dialect.name == "sqlite" else postgresql_insert)(table)
    row = table.c
    quiet = row.last_at <= now - LOGIN_WINDOW
    rows = [
        {"key": key, "attempts": 1, "allowed": allowed, "lockouts": 0, "last_at": now,
         "locked_until": None}
        for key, allowed in limits.items()
    ]  # fmt: skip
    statement = (
        insert.values(rows)
        .on_conflict_do_update(
            index_elements=[row.key],
            set_={
                "attempts": case((quiet, 1), else_=row.attempts + 1),
                "lockouts": case((row.last_at <= now - LOCKOUT_MEMORY, 0), else_=row.lockouts),
                "allowed": insert.excluded.allowed,
                "last_at": now,
            },
            where=and_(
                or_(row.locked_until.is_(None), row.locked_until <= now),
                or_(quiet, row.attempts < row.allowed),
            ),
        )
        .returning(row.key, row.attempts)
    )
    return {key: attempts for key, attempts in session.execute(statement)}


def lock(session: Session, keys: list[str], now: datetime) -> None:
    """Lock full keys: 1 minute, then 2, 4, ... up to a day for locks in a row."""
    for throttle in session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))):
        throttle.locked_until = now + min(LOCK_BASE * 2**throttle.lockouts, LOCK_MAX)
        throttle.lockouts += 1
        throttle.attempts = 0


def give_back(session: Session, keys: list[str]) -> None:
    """Return the places an attempt took when it was refused after all."""
    session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key.in_(keys), LoginThrottle.attempts > 0)
        .values(attempts=LoginThrottle.attempts - 1)
    )


def succeeded(session: Session, limits: dict[str, int]) -> None:
    """A correct password clears the account's key and does not count against the address."""
    address_key, account_key = list(limits)
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key))
    give_back(session, [address_key])


def locked_until(session: Session, keys: list[str], now: datetime) -> datetime | None:
    """When the last lock on these keys ends (None when none is locked now)."""
    ends = session.scalars(select(LoginThrottle.locked_until).where(LoginThrottle.key.in_(keys)))
    return max((end for end in ends if end is not None and end > now), default=None)
