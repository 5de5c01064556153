"""Application tables: organisations (authorities and boards), users, API tokens, login limits.

They share the engine's metadata so one schema (and one Alembic history) covers everything.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime

ROLES = (
    "complainant",  # klager
    "permit_holder",  # tilladelsesindehaver
    "authority_caseworker",  # sagsbehandler hos førsteinstans (bound to one authority)
    "board_caseworker",  # sagsbehandler i nævnet (bound to one board)
    "designer",  # procesdesigner
    "admin",  # administrator
    "payment_provider",  # an integration that confirms fee payments
)


class Organisation(Base):
    """An authority (kommune, styrelse) or a board (nævn) with its notification address."""

    __tablename__ = "organisation"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # authority | board
    name: Mapped[str] = mapped_column(String(300))
    notification_email: Mapped[str] = mapped_column(String(320))
    board_code: Mapped[str | None] = mapped_column(String(20))  # PKN | MFKN for boards
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(Base):
    """A person or integration that logs in; a caseworker is bound to one organisation."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisation.id"))
    email: Mapped[str | None] = mapped_column(String(320))
    display_name: Mapped[str | None] = mapped_column(String(300))
    complainant_type: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Sessions carry the epoch they began in; raising it ends every session of the user.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ApiToken(Base):
    """A bearer token for the API, stored as a SHA-256 hash; revocable."""

    __tablename__ = "api_token"
    __table_args__ = (Index("ix_api_token_hash", "token_hash", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    token_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginThrottle(Base):
    """Recent login attempts of one client address, or of one account from one address.

    `attempts` counts attempts in the current streak (a streak ends after a quiet window);
    at `allowed` the key is locked until `locked_until`, each lock in a row (`lockouts`)
    twice as long as the one before. A correct password clears the account's key.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    allowed: Mapped[int] = mapped_column(Integer)
    lockouts: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CaseAccess(Base):
    """A member of staff opened a case: who, when, which case (instance and reference), what."""

    __tablename__ = "case_access"
    __table_args__ = (
        Index("ix_case_access_at", "at"),
        Index("ix_case_access_reference", "reference", "at"),
        Index("ix_case_access_username", "username", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    username: Mapped[str] = mapped_column(String(150))
    role: Mapped[str] = mapped_column(String(40))
    instance_id: Mapped[str | None] = mapped_column(String(36))
    reference: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))  # view_case, view_instance, view_task, ...
    channel: Mapped[str] = mapped_column(String(10))  # api | ui
