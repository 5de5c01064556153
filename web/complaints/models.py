"""Complaint-domain tables: decisions, complaints (cases), documents, reference counters.

They are written by the complaint service in the same database as the engine, and a
case's process instance is linked by its id and its business key (the reference).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime


class Decision(Base):
    """A decision (afgørelse) an authority registered, open to complaints until its deadline."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    authority_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    title: Mapped[str] = mapped_column(String(500))
    legal_bases: Mapped[list[Any]] = mapped_column(JSON)
    published: Mapped[bool] = mapped_column(Boolean)
    notified_on: Mapped[str] = mapped_column(String(10))  # ISO date of notification/announcement
    notified_by: Mapped[str] = mapped_column(String(10))  # digital | post
    complaint_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    permit_holder: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What kind of decision (landzonetilladelse, dispensation, ...), from DECISION_TYPES.
    decision_type: Mapped[str | None] = mapped_column(String(100))
    addressee: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # name, email
    # The decision document: filename, content_type, size, sha256, storage_key.
    document: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_by: Mapped[str | None] = mapped_column(String(150))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Complaint(Base):
    """A complaint (klage): a draft until filed, then a case run by a process instance."""

    __tablename__ = "complaint"
    __table_args__ = (
        Index("ix_complaint_owner", "complainant_username", "status"),
        Index("ix_complaint_decision", "decision_id"),
    )

    reference: Mapped[str] = mapped_column(String(20), primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"))
    authority_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    board_id: Mapped[str | None] = mapped_column(ForeignKey("organisation.id"))
    legal_basis: Mapped[str] = mapped_column(String(64))
    complainant_username: Mapped[str] = mapped_column(String(150))
    complainant: Mapped[dict[str, Any]] = mapped_column(JSON)
    complainant_type: Mapped[str] = mapped_column(String(20))
    co_complainants: Mapped[list[Any]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)
    suspensive_effect_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(
        String(20)
    )  # draft | awaiting_co (co-complainants asked) | filed
    instance_id: Mapped[str | None] = mapped_column(ForeignKey("process_instance.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ComplaintDocument(Base):
    """A document of a case (the decision, the statement, the board's decision, comments)."""

    __tablename__ = "complaint_document"
    __table_args__ = (Index("ix_document_reference", "reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(ForeignKey("complaint.reference"))
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    uploaded_by: Mapped[str] = mapped_column(String(150))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The parties a letter is addressed to ("complainant", "permit_holder", "authority",
    # "board"); None for an upload, which everyone who sees the case sees.
    addressed_to: Mapped[list[Any] | None] = mapped_column(JSON)


class ReferenceCounter(Base):
    """The last case number used in a year; references are unique across all authorities."""

    __tablename__ = "reference_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class PaymentConfirmation(Base):
    """A fee payment a provider confirmed, by its idempotency key (a repeat is answered, not paid).

    Written in the same transaction as the step that delivers the payment to the case.
    """

    __tablename__ = "payment_confirmation"
    __table_args__ = (
        Index("ix_payment_confirmation_key", "provider", "idempotency_key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(150))  # the provider's username
    idempotency_key: Mapped[str] = mapped_column(String(200))
    request_sha256: Mapped[str] = mapped_column(String(64))  # of the signed body
    reference: Mapped[str] = mapped_column(ForeignKey("complaint.reference"))
    amount_dkk: Mapped[int] = mapped_column(Integer)
    provider_ref: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
