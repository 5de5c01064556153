"""Accounts: users and roles, argon2 passwords, hashed revocable API tokens, login limits, sessions."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine import Conflict, InvalidData, KlageflowError, NotFound, clock
from engine.db import Database

from .models import ROLES, ApiToken, LoginThrottle, Organisation, User

_hasher = PasswordHasher()
LOGIN_WINDOW = timedelta(minutes=15)  # a streak of attempts ends after this long quiet
LOCKOUT_MEMORY = timedelta(days=1)  # locks in a row are remembered this long
LOCK_BASE = timedelta(minutes=1)  # the first lock; each next one lasts twice as long
LOCK_MAX = timedelta(days=1)
MAX_FAILED_PER_ACCOUNT = 5  # one account, from one address
MAX_FAILED_PER_ADDRESS = 20  # every account, from one address


class TooManyAttempts(KlageflowError):
    """Too many failed logins recently; `retry_after` says in how many seconds to try again."""

    status = 429

    def __init__(self, message: str, retry_after: int = 60):
        super().__init__(message)
        self.retry_after = retry_after


class NotAuthenticated(KlageflowError):
    """No valid credentials were given."""

    status = 401


@dataclass(frozen=True)
class Principal:
    """The authenticated user as the rest of the app sees it."""

    id: int
    username: str
    role: str
    organisation_id: str | None
    organisation_kind: str | None
    email: str | None
    display_name: str | None
    complainant_type: str | None = None

    @property
    def groups(self) -> tuple[str, ...]:
        """Candidate groups of the engine this user belongs to."""
        if self.role == "authority_caseworker" and self.organisation_id:
            return (f"authority:{self.organisation_id}",)
        if self.role == "board_caseworker" and self.organisation_id:
            return (f"board:{self.organisation_id}",)
        if self.role in ("complainant", "permit_holder"):
            return (f"user:{self.username}",)
        return ()

    def is_(self, *roles: str) -> bool:
        return self.role in roles


def _principal(user: User, organisation: Organisation | None) -> Principal:
    return Principal(
        user.id,
        user.username,
        user.role,
        user.organisation_id,
        organisation.kind if organisation else None,
        user.email,
        user.display_name,
        user.complainant_type,
    )


class Accounts:
    """Account operations over the database."""

    def __init__(self, db: Database):
        self.db = db

    # -- organisations ----------------------------------------------------------------------

    def upsert_organisation(
        self,
        org_id: str,
        *,
        kind: str,
        name: str,
        notification_email: str,
        board_code: str | None = None,
    ) -> Organisation:
        """Create or update an authority or board with its notification address."""
        if kind not in ("authority", "board"):
            raise InvalidData("kind must be authority or board", {"kind": ["authority or board"]})
        if "@" not in notification_email:
            raise InvalidData(
                "notification_email is not an address", {"notification_email": ["invalid"]}
            )
        with self.db.write() as session:
            now = clock.now()
            row = session.get(Organisation, org_id)
            if row is None:
                row = Organisation(id=org_id, created_at=now)
                session.add(row)
            row.kind, row.name, row.notification_email = kind, name, notification_email
            row.board_code, row.updated_at = board_code, now
            return row

    def organisations(self, kind: str | None = None) -> list[Organisation]:
        """Authorities and boards, by name."""
        with self.db.read() as session:
            query = select(Organisation).order_by(Organisation.kind, Organisation.name)
            if kind:
                query = query.where(Organisation.kind == kind)
            return list(session.scalars(query))

    def organisation(self, org_id: str) -> Organisation:
        """One organisation, or NotFound."""
        with self.db.read() as session:
            row = session.get(Organisation, org_id)
            if row is None:
                raise NotFound(f"organisation {org_id!r} does not exist")
            return row

    # -- users ------------------------------------------------------------------------------

    def create_user(
        self,
        username: str,
        role: str,
        *,
        password: str | None = None,
        organisation_id: str | None = None,
        email: str | None = None,
        display_name: str | None = None,
        complainant_type: str | None = None,
    ) -> Principal:
        """Create a user; caseworkers must name their authority or board."""
        errors: dict[str, list[str]] = {}
        if role not in ROLES:
            errors["role"] = [f"one of {', '.join(ROLES)}"]
        if not username or len(username) > 150:
            errors["username"] = ["1-150 characters"]
        if password is not None and len(password) < 10:
            errors["password"] = ["at least 10 characters"]
        if errors:
            raise InvalidData("the user is not valid", errors)
        with self.db.write() as session:
            organisation = None
            if role in ("authority_caseworker", "board_caseworker"):
                wanted = "authority" if role == "authority_caseworker" else "board"
                organisation = (
                    session.get(Organisation, organisation_id) if organisation_id else None
                )
                if organisation is None or organisation.kind != wanted:
                    raise InvalidData(
                        f"a {role} needs an existing {wanted}",
                        {"organisation_id": [f"an existing {wanted}"]},
                    )
            if session.scalar(select(User).where(User.username == username)) is not None:
                raise Conflict(f"user {username!r} already exists")
            user = User(
                username=username,
                role=role,
                password_hash=_hasher.hash(password) if password else None,
                organisation_id=organisation.id if organisation else None,
                email=email,
                display_name=display_name or username,
                complainant_type=complainant_type,
                active=True,
                created_at=clock.now(),
            )
            session.add(user)
            session.flush()
            return _principal(user, organisation)

    def principal(self, user_id: int) -> Principal | None:
        """The principal of an active user id (None if gone or deactivated)."""
        with self.db.read() as session:
            user = session.get(User, user_id)
            if user is None or not user.active:
                return None
            org = session.get(Organisation, user.organisation_id) if user.organisation_id else None
            return _principal(user, org)

    def by_username(self, username: str) -> Principal:
        """The principal of a username, or NotFound."""
        with self.db.read() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFound(f"user {username!r} does not exist")
        return self.principal(user.id)

    def users(self) -> list[User]:
        """All users, by username."""
        with self.db.read() as session:
            return list(session.scalars(select(User).order_by(User.username)))

    def set_active(self, username: str, active: bool) -> None:
        """Activate or deactivate a user (a deactivated user's tokens and sessions stop working)."""
        with self.db.write() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFound(f"user {username!r} does not exist")
            user.active = active
            if not active:
                user.session_epoch += 1  # reactivating must not revive old sessions

    # -- authentication ---------------------------------------------------------------------

    def authenticate(self, username: str, password: str, address: str | None = None) -> Principal:
        """Check a password, within the login limits of the address and of the account there.

        Each attempt first takes a place in both limits with one atomic statement, so
        parallel attempts cannot all get past a limit checked earlier. Failures lock the
        address (after MAX_FAILED_PER_ADDRESS) or the account from that address (after
        MAX_FAILED_PER_ACCOUNT), never the account everywhere: its owner elsewhere can still
        log in. Locks grow: each lock in a row lasts twice as long as the one before.
        """
        now = clock.now()
        where = address or "unknown"
        limits = {
            f"address {where}": MAX_FAILED_PER_ADDRESS,
            f"account {where} {username}": MAX_FAILED_PER_ACCOUNT,
        }
        with self.db.write() as session:
            taken = _take_attempt(session, limits, now)
        if len(taken) < len(limits):
            self._refuse_attempt(taken, limits, now)
        with self.db.read() as session:
            user = session.scalar(select(User).where(User.username == username))
        ok = False
        if user is not None and user.active and user.password_hash:
            try:
                ok = _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                ok = False
        else:
            _hasher.hash(password)  # spend the same time whether or not the user exists
        if not ok:
            full = [key for key, attempts in taken.items() if attempts >= limits[key]]
            if full:
                with self.db.write() as session:
                    _lock(session, full, now)
            raise NotAuthenticated("wrong username or password")
        with self.db.write() as session:
            # A correct password clears the account's count here, and does not count
            # against the address.
            account_key = f"account {where} {username}"
            session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key))
            _give_back(session, [f"address {where}"])
        return self.principal(user.id)

    def _refuse_attempt(self, taken: dict[str, int], limits: dict[str, int], now) -> None:
        """Refuse an attempt a limit had no place for; say how long the lock lasts."""
        with self.db.write() as session:
            _give_back(session, list(taken))
            locked = session.scalars(
                select(LoginThrottle.locked_until).where(LoginThrottle.key.in_(list(limits)))
            )
            until = max((at for at in locked if at is not None and at > now), default=None)
        wait = max(1, math.ceil((until - now).total_seconds() if until else LOCK_BASE.seconds))
        raise TooManyAttempts(
            f"too many failed logins from this address; wait {math.ceil(wait / 60)} min "
            "and try again",
            retry_after=wait,
        )

    def session_epoch(self, user_id: int) -> int:
        """The epoch new sessions of the user begin in."""
        with self.db.read() as session:
            return session.scalar(select(User.session_epoch).where(User.id == user_id)) or 0

    def session_principal(self, user_id: int, epoch: object) -> Principal | None:
        """The principal of a session cookie, if the user is active and the session not ended."""
        with self.db.read() as session:
            user = session.get(User, user_id) if isinstance(user_id, int) else None
            if user is None or not user.active or user.session_epoch != epoch:
                return None
            org = session.get(Organisation, user.organisation_id) if user.organisation_id else None
            return _principal(user, org)

    def end_sessions(self, user_id: int) -> None:
        """End every session of the user (log out everywhere)."""
        with self.db.write() as session:
            session.execute(
                update(User).where(User.id == user_id).values(session_epoch=User.session_epoch + 1)
            )

    def set_password(self, username: str, password: str) -> None:
        """Set a user's password; every session of the user ends."""
        if len(password) < 10:
            raise InvalidData("the password is too short", {"password": ["at least 10 characters"]})
        with self.db.write() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFound(f"user {username!r} does not exist")
            user.password_hash = _hasher.hash(password)
            user.session_epoch += 1

    def create_token(self, username: str, name: str | None = None) -> str:
        """Issue a bearer token for a user; only its hash is stored, so show it once."""
        token = "kf_" + secrets.token_urlsafe(32)
        with self.db.write() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFound(f"user {username!r} does not exist")
            session.add(
                ApiToken(
                    user_id=user.id,
                    token_hash=_token_hash(token),
                    name=name,
                    created_at=clock.now(),
                )
            )
        return token

    def revoke_token(self, token_id: int) -> None:
        """Revoke a token; it stops working at once."""
        with self.db.write() as session:
            row = session.get(ApiToken, token_id) if 0 < token_id < 2**63 else None
            if row is None:
                raise NotFound(f"token {token_id} does not exist")
            row.revoked_at = row.revoked_at or clock.now()

    def tokens(self, username: str | None = None) -> list[ApiToken]:
        """Tokens (never their values), newest first."""
        with self.db.read() as session:
            query = select(ApiToken).order_by(ApiToken.id.desc())
            if username:
                query = query.join(User, User.id == ApiToken.user_id).where(
                    User.username == username
                )
            return list(session.scalars(query))

    def principal_for_token(self, token: str) -> Principal | None:
        """The principal a bearer token stands for, or None if unknown or revoked."""
        with self.db.read() as session:
            row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
            if row is None or row.revoked_at is not None:
                return None
            user_id = row.user_id
        return self.principal(user_id)


def _take_attempt(session, limits: dict[str, int], now) -> dict[str, int]:
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


def _lock(session, keys: list[str], now) -> None:
    """Lock full keys: 1 minute, then 2, 4, ... up to a day for locks in a row."""
    for throttle in session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))):
        throttle.locked_until = now + min(LOCK_BASE * 2**throttle.lockouts, LOCK_MAX)
        throttle.lockouts += 1
        throttle.attempts = 0


def _give_back(session, keys: list[str]) -> None:
    """Return places taken by an attempt that was refused or succeeded."""
    session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key.in_(keys), LoginThrottle.attempts > 0)
        .values(attempts=LoginThrottle.attempts - 1)
    )


def _token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough; passwords use argon2.
    return hashlib.sha256(token.encode()).hexdigest()
