"""Accounts: users and roles, argon2 passwords, hashed revocable API tokens, login limits, sessions."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from engine import Conflict, InvalidData, KlageflowError, NotFound, clock
from engine.db import Database, get_by_id

from . import login_limits
from .models import ROLES, ApiToken, Organisation, User

_hasher = PasswordHasher()


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
        """Check a password within the login limits of the address and of the account there.

        The attempt takes its place in the limits before the password is checked (see
        web/login_limits.py); a refused attempt answers TooManyAttempts with the wait.
        """
        now = clock.now()
        limits = login_limits.limits_for(username, address)
        with self.db.write() as session:
            taken = login_limits.take_attempt(session, limits, now)
        if len(taken) < len(limits):
            with self.db.write() as session:
                login_limits.give_back(session, list(taken))
                until = login_limits.locked_until(session, list(limits), now)
            wait = math.ceil(
                (until - now).total_seconds() if until else login_limits.LOCK_BASE.seconds
            )
            wait = max(1, wait)
            raise TooManyAttempts(
                f"too many failed logins from this address; wait {math.ceil(wait / 60)} min "
                "and try again",
                retry_after=wait,
            )
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
                    login_limits.lock(session, full, now)
            raise NotAuthenticated("wrong username or password")
        with self.db.write() as session:
            login_limits.succeeded(session, limits)
        return self.principal(user.id)

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
            row = get_by_id(session, ApiToken, token_id)
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


def _token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough; passwords use argon2.
    return hashlib.sha256(token.encode()).hexdigest()
