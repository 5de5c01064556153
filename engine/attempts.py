"""The poison-instance record: each step on an instance is counted before it runs.

A step first commits its attempt (and a lease: which process runs it, until when) in a
small write of its own, and deletes the row when it ends in any way. A row left behind
belongs to a process that died during the step (killed, out of memory, a C call that
never returned); once its lease has run out the next step counts another attempt, and
after `max_attempts` of them the instance is put in an incident instead, so no scheduler
restart loops on it. Leases are reckoned in real time, not by the engine's (settable) clock.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, exists, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .models import ProcessInstance, StepAttempt

# How long past its budget a step's lease lasts (its writes, a database that is slow).
LEASE_MARGIN_SECONDS = 5.0
OWNER = f"{socket.gethostname()}:{os.getpid()}"


def wall_now() -> datetime:
    """The real instant now: leases measure processes, not the business clock."""
    return datetime.fromtimestamp(time.time(), tz=UTC)


@dataclass(frozen=True)
class Begun:
    """The outcome of counting an attempt: the attempts so far (this one included), or that
    the instance is poisoned (`attempts` failed ones) and must not be stepped again."""

    attempts: int
    poisoned: bool


def begin_attempt(
    session: Session, instance_id: str, *, budget_seconds: float, max_attempts: int
) -> Begun:
    """Count a step on `instance_id` in the caller's write transaction (commit it before the
    step runs). A row whose lease ran out with `max_attempts` attempts means poisoned.

    The count is one upsert, so a step that ends (deleting the row) while another begins
    on the same instance never makes the count fail.
    """
    now = wall_now()
    previous = session.execute(
        select(StepAttempt.attempts, StepAttempt.lease_until).where(
            StepAttempt.instance_id == instance_id
        )
    ).first()
    if previous is not None and previous.lease_until <= now and previous.attempts >= max_attempts:
        return Begun(previous.attempts, poisoned=True)
    lease = {
        "started_at": now,
        "lease_until": now + timedelta(seconds=budget_seconds + LEASE_MARGIN_SECONDS),
        "claimed_by": OWNER,
    }
    dialect = session.get_bind().dialect.name
    upsert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(StepAttempt)
    statement = (
        upsert.values(instance_id=instance_id, attempts=1, **lease)
        .on_conflict_do_update(
            index_elements=[StepAttempt.instance_id],
            set_={"attempts": StepAttempt.attempts + 1, **lease},
        )
        .returning(StepAttempt.attempts)
    )
    return Begun(session.execute(statement).scalar_one(), poisoned=False)


def end_attempt(session: Session, instance_id: str) -> None:
    """The step on `instance_id` ended (in the caller's transaction): forget its attempts."""
    session.execute(delete(StepAttempt).where(StepAttempt.instance_id == instance_id))


def not_leased() -> ColumnElement[bool]:
    """A condition on ProcessInstance: no process holds a live lease on it (for claims)."""
    return ~exists(
        select(StepAttempt.instance_id).where(
            StepAttempt.instance_id == ProcessInstance.id,
            StepAttempt.lease_until > wall_now(),
        )
    )
