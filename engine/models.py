"""The engine's tables: definitions, instances, work items, audit events, incidents, outbox,
migrations of instances between versions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    insert,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stores UTC instants; always hands back timezone-aware datetimes (SQLite keeps none)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


class ProcessDefinition(Base):
    """An immutable, numbered version of a process key with the files it was deployed from."""

    __tablename__ = "process_definition"
    __table_args__ = (
        UniqueConstraint("key", "version", name="uq_definition_key_version"),
        Index("ix_definition_key_hash", "key", "content_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict[str, Any]] = mapped_column(JSON)
    deployed_by: Mapped[str | None] = mapped_column(String(200))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessInstance(Base):
    """One running or finished case of a definition version, with its serialized state."""

    __tablename__ = "process_instance"
    __table_args__ = (
        Index("ix_instance_timer_due", "next_timer_due_at"),
        Index("ix_instance_business_key", "business_key"),
        Index("ix_instance_definition_status", "definition_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    process_key: Mapped[str] = mapped_column(String(200))
    business_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # running | completed | incident
    state: Mapped[bytes] = mapped_column(LargeBinary)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Element ids where the instance waits after its last step (the designer's view counts them).
    active_elements: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    next_timer_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class WorkItem(Base):
    """A READY manual task (user task) as a row, so task lists never load workflows."""

    __tablename__ = "work_item"
    __table_args__ = (
        Index("ix_work_item_group_open", "state", "candidate_group", "sort_key", "id"),
        Index("ix_work_item_assignee_open", "state", "assignee", "sort_key", "id"),
        Index("ix_work_item_instance", "instance_id", "state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the SpiffWorkflow task id
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"))
    process_key: Mapped[str] = mapped_column(String(200))
    business_key: Mapped[str | None] = mapped_column(String(200))
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(500))
    documentation: Mapped[str | None] = mapped_column(Text)
    lane: Mapped[str | None] = mapped_column(String(200))
    candidate_group: Mapped[str | None] = mapped_column(String(200))
    assignee: Mapped[str | None] = mapped_column(String(200))
    form_key: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Task-list order as one indexed value: the due instant, or for tasks without a due
    # date the creation instant pushed past every real due date ("9" sorts after "2").
    sort_key: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))  # open | completed | cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(200))


class AuditEvent(Base):
    """Who did what when, per instance: the case history."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_instance_at", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    element_id: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def audit_row(
    instance_id: str,
    kind: str,
    *,
    at: datetime,
    actor: str | None,
    element_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The column values of one audit event: the one place an audit event is made."""
    return {
        "instance_id": instance_id,
        "at": at,
        "actor": actor,
        "kind": kind,
        "element_id": element_id,
        "details": details or {},
    }


def add_audit(session: Session, instance_id: str, kind: str, **row: Any) -> None:
    """Write one audit event in `session`'s transaction (see `audit_row` for the fields)."""
    session.execute(insert(AuditEvent), [audit_row(instance_id, kind, **row)])


class InstanceMigration(Base):
    """An instance moved from one version of its process to another: its version history."""

    __tablename__ = "instance_migration"
    __table_args__ = (Index("ix_instance_migration_instance", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"))
    from_definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    to_definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    from_version: Mapped[int] = mapped_column(Integer)
    to_version: Mapped[int] = mapped_column(Integer)
    migrated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    migrated_by: Mapped[str | None] = mapped_column(String(200))


class Incident(Base):
    """A step that failed inside the process, kept for an operator to see and retry."""

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_open", "resolved_at", "instance_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"))
    element_id: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    action: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class StepAttempt(Base):
    """A step in progress on an instance, committed before the step runs: the attempts so far
    and the lease of the process running the latest one.

    A step that ends in any way (committed, refused, an incident) deletes its row; a row
    whose lease has run out belongs to a process that died during the step (killed, out of
    memory). After too many such attempts the instance is put in an incident instead of
    being stepped again (the poison-instance rule, `engine.attempts`).
    """

    __tablename__ = "step_attempt"
    __table_args__ = (Index("ix_step_attempt_lease", "lease_until"),)

    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(200))


class OutboxMail(Base):
    """A mail to send, written in the same transaction as the step that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    instance_id: Mapped[str | None] = mapped_column(ForeignKey("process_instance.id"))
    recipients: Mapped[list[Any]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(998))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    template: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(10), default="da")
    status: Mapped[str] = mapped_column(String(20))  # pending | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Stored documents sent along: [{"filename", "content_type", "storage_key"}, ...]
    attachments: Mapped[list[Any] | None] = mapped_column(JSON)


class ClockSetting(Base):
    """The test clock shared by processes on one database (only used in test mode)."""

    __tablename__ = "clock_setting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offset_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StartTimer(Base):
    """The next occurrence of a timer start event of a process key's latest version.

    One row per timer start event; deploying a new version of the key replaces its rows.
    A scheduler claims a due row (a lease, as for steps), starts the instance and writes
    the following occurrence in the start's own transaction, so each occurrence starts
    exactly one instance however many schedulers run and whichever of them dies.
    """

    __tablename__ = "start_timer"
    __table_args__ = (
        UniqueConstraint("definition_id", "element_id", name="uq_start_timer_element"),
        Index("ix_start_timer_due", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    process_key: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # date | duration | cycle
    expression: Mapped[str] = mapped_column(String(500))
    # None once every occurrence has started; `remaining` counts a bounded cycle's (-1: unbounded).
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remaining: Mapped[int] = mapped_column(Integer)
    period_seconds: Mapped[float | None] = mapped_column(Float)
    started: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)


class EventSubscription(Base):
    """A message or signal an instance waits for after its last step, with the correlation
    values its catch event names: how a message finds its instance and a signal all of them.

    Rewritten by every step of the instance (in the step's transaction).
    """

    __tablename__ = "event_subscription"
    __table_args__ = (
        Index("ix_event_subscription_lookup", "kind", "name", "correlation"),
        Index("ix_event_subscription_instance", "instance_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"))
    kind: Mapped[str] = mapped_column(String(20))  # message | signal
    name: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[str] = mapped_column(String(200))
    # The catch event's correlation properties and the instance's values, as canonical JSON
    # ("{}" when it names none).
    correlation: Mapped[str] = mapped_column(String(1000))


class SignalBroadcast(Base):
    """A signal thrown to every instance waiting for it (and to signal start events)."""

    __tablename__ = "signal_broadcast"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sent_by: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SignalDelivery(Base):
    """One instance a signal reaches (or one start event it starts), delivered in a step of
    its own that marks the row delivered in its transaction: exactly once, and a delivery
    left pending by a process that died is taken up by the scheduler."""

    __tablename__ = "signal_delivery"
    __table_args__ = (Index("ix_signal_delivery_pending", "status", "lease_until"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signal_broadcast.id"))
    instance_id: Mapped[str | None] = mapped_column(ForeignKey("process_instance.id"))
    # For a signal start event: the definition version and element it starts.
    definition_id: Mapped[int | None] = mapped_column(ForeignKey("process_definition.id"))
    element_id: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # pending | delivered | skipped
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The instance it reached or started, and why a delivery was skipped.
    result_instance_id: Mapped[str | None] = mapped_column(String(36))
    note: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
